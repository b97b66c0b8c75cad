import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ActivityRecord } from '../../intake/entities/activity-record.entity';

export const APPEAL_SUBJECTS = ['rejection', 'confirmed_record'] as const;
export type AppealSubject = (typeof APPEAL_SUBJECTS)[number];
export const APPEAL_STATUSES = ['filed', 'upheld', 'dismissed', 'escalated', 'bureau_upheld', 'bureau_dismissed'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/**
 * 申诉 / 复议: a student or guardian appeals a rejection or a confirmed record within the
 * filing deadline, with a written reason; the school decides; a dismissed appeal may be
 * escalated to the bureau (district officer) within the escalation deadline, and the bureau
 * decides. An upheld appeal reinstates a rejected record or amends/revokes a confirmed one.
 */
@Entity({ name: 'record_appeals' })
@Index('ix_record_appeals_record', ['activityRecordId'])
@Index('ix_record_appeals_school_status', ['schoolId', 'status'])
@Check('ck_record_appeals_subject', `subject IN ('rejection', 'confirmed_record')`)
@Check('ck_record_appeals_status', `status IN ('filed', 'upheld', 'dismissed', 'escalated', 'bureau_upheld', 'bureau_dismissed')`)
export class RecordAppeal {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  activityRecordId: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'varchar', length: 20 })
  subject: AppealSubject;

  @Column({ type: 'varchar', length: 20 })
  status: AppealStatus;

  @Column({ type: 'uuid' })
  filedBy: string;

  @Column({ type: 'varchar', length: 1000 })
  reason: string;

  /** What the appellant asks to change (for a confirmed record), e.g. { hours: 6 }. */
  @Column({ type: 'jsonb', nullable: true })
  requestedChanges: Record<string, unknown> | null;

  @Column({ type: 'timestamptz' })
  filedAt: Date;

  /** The filing deadline that applied (for the record of it). */
  @Column({ type: 'timestamptz' })
  fileBy: Date;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  schoolRemark: string | null;

  @Column({ type: 'uuid', nullable: true })
  schoolDecidedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  schoolDecidedAt: Date | null;

  /** Until when a dismissed appeal may be escalated. */
  @Column({ type: 'timestamptz', nullable: true })
  escalateBy: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  escalationReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  escalatedAt: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  bureauRemark: string | null;

  @Column({ type: 'uuid', nullable: true })
  bureauDecidedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  bureauDecidedAt: Date | null;

  @ManyToOne(() => ActivityRecord, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'activity_record_id' })
  activityRecord?: ActivityRecord;
}
