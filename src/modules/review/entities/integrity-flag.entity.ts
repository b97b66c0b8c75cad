import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ActivityRecord } from '../../intake/entities/activity-record.entity';

export const INTEGRITY_RULES = ['duplicate_evidence', 'overlapping_times', 'implausible_hours', 'submission_burst'] as const;
export type IntegrityRule = (typeof INTEGRITY_RULES)[number];
export const FLAG_STATUSES = ['open', 'cleared', 'confirmed'] as const;
export type FlagStatus = (typeof FLAG_STATUSES)[number];

/**
 * An integrity signal on a 写实记录, waiting in the review queue. A flag never changes the
 * record's status by itself: a person looks and clears it or confirms it (and then acts
 * through the workflow). `fingerprint` makes re-running the checks idempotent.
 */
@Entity({ name: 'integrity_flags' })
@Index('uq_integrity_flags_record_rule_fingerprint', ['activityRecordId', 'rule', 'fingerprint'], { unique: true })
@Index('ix_integrity_flags_school_status', ['schoolId', 'status'])
@Check('ck_integrity_flags_rule', `rule IN ('duplicate_evidence', 'overlapping_times', 'implausible_hours', 'submission_burst')`)
@Check('ck_integrity_flags_status', `status IN ('open', 'cleared', 'confirmed')`)
export class IntegrityFlag {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  activityRecordId: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'varchar', length: 24 })
  rule: IntegrityRule;

  @Column({ type: 'varchar', length: 200 })
  fingerprint: string;

  @Column({ type: 'jsonb' })
  details: Record<string, unknown>;

  @Column({ type: 'varchar', length: 12 })
  status: FlagStatus;

  /** `submission` or `scan`. */
  @Column({ type: 'varchar', length: 12 })
  detectedBy: string;

  @Column({ type: 'timestamptz' })
  detectedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  resolutionRemark: string | null;

  @ManyToOne(() => ActivityRecord, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'activity_record_id' })
  activityRecord?: ActivityRecord;
}
