import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ActivityRecord } from '../../intake/entities/activity-record.entity';

/**
 * One step in a 写实记录's life: a status change (from → to) or an event that changes no status
 * (`create`, `edit`, `evidence`, `student_confirm`), who did it under which role, when (the
 * server's clock), the remark or reason, and what it belonged to (batch, objection, appeal).
 * Append-only: the history endpoint reads these rows in order.
 */
@Entity({ name: 'activity_record_transitions' })
@Index('ix_activity_record_transitions_record', ['activityRecordId', 'at'])
@Index('ix_activity_record_transitions_student_action', ['studentId', 'action', 'at'])
// changesSince: the few amend/revoke steps among many (the portfolio hook's replay, ADR 0815).
@Index('ix_activity_record_transitions_action_at', ['action', 'at'])
export class ActivityRecordTransition {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  activityRecordId: string;

  @Index('ix_activity_record_transitions_school_id')
  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'varchar', length: 24 })
  action: string;

  @Column({ type: 'varchar', length: 24, nullable: true })
  fromStatus: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  toStatus: string | null;

  /** null: the system (e.g. closing a batch from the command line). */
  @Column({ type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  actorRole: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  remark: string | null;

  /** Links: { batchId, objectionId, appealId, version }. */
  @Column({ type: 'jsonb', default: {} })
  context: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** Insertion order: steps taken at the same instant (one transaction, a pinned clock) keep their order. */
  @Index('uq_activity_record_transitions_seq', { unique: true })
  @Column({ type: 'bigint' })
  @Generated('increment')
  seq: string;

  @ManyToOne(() => ActivityRecord, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'activity_record_id' })
  activityRecord?: ActivityRecord;
}
