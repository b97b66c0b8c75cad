import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ActivityRecord } from '../../intake/entities/activity-record.entity';
import { PublicityBatch } from './publicity-batch.entity';

export const OBJECTION_STATUSES = ['open', 'upheld', 'dismissed'] as const;
export type ObjectionStatus = (typeof OBJECTION_STATUSES)[number];

/** 异议: raised during a publicity window by a student, guardian or teacher of the batch's audience; investigated and decided by the school. */
@Entity({ name: 'publicity_objections' })
@Index('ix_publicity_objections_batch', ['batchId'])
@Index('ix_publicity_objections_record', ['activityRecordId'])
@Check('ck_publicity_objections_status', `status IN ('open', 'upheld', 'dismissed')`)
export class PublicityObjection {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  batchId: string;

  @Column({ type: 'uuid' })
  activityRecordId: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'uuid' })
  raisedBy: string;

  @Column({ type: 'varchar', length: 32 })
  raisedAs: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  @Column({ type: 'varchar', length: 12 })
  status: ObjectionStatus;

  @Column({ type: 'varchar', length: 500, nullable: true })
  outcomeRemark: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ type: 'timestamptz' })
  raisedAt: Date;

  @ManyToOne(() => PublicityBatch, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'batch_id' })
  batch?: PublicityBatch;

  @ManyToOne(() => ActivityRecord, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'activity_record_id' })
  activityRecord?: ActivityRecord;
}
