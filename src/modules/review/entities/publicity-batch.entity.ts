import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ActivityRecord } from '../../intake/entities/activity-record.entity';
import { SchoolClass } from '../../roster/entities/school-class.entity';
import { School } from '../../roster/entities/school.entity';
import { Term } from '../../roster/entities/term.entity';

export const PUBLICITY_SCOPES = ['class', 'grade', 'school'] as const;
export type PublicityScope = (typeof PUBLICITY_SCOPES)[number];

/**
 * A publicity batch (公示批次): the selected records of a class, grade or school for one term,
 * shown (redacted) from `opensAt` for `workingDays` working days until `closesAt` (24:00
 * China time on `lastDay`). Objections are accepted only inside the window; confirmation
 * only after it (`closedAt`: when the batch was closed and its records confirmed).
 */
@Entity({ name: 'publicity_batches' })
@Index('ix_publicity_batches_school_term', ['schoolId', 'termId'])
@Check('ck_publicity_batches_scope', `(scope = 'school' AND class_id IS NULL AND grade_code IS NULL) OR (scope = 'grade' AND class_id IS NULL AND grade_code IS NOT NULL) OR (scope = 'class' AND class_id IS NOT NULL)`)
@Check('ck_publicity_batches_window', `closes_at > opens_at AND last_day >= first_day`)
export class PublicityBatch {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  termId: string;

  @Column({ type: 'varchar', length: 8 })
  scope: PublicityScope;

  @Column({ type: 'uuid', nullable: true })
  classId: string | null;

  @Column({ type: 'varchar', length: 8, nullable: true })
  gradeCode: string | null;

  @Column({ type: 'varchar', length: 60 })
  title: string;

  @Column({ type: 'integer' })
  workingDays: number;

  @Column({ type: 'date' })
  firstDay: string;

  @Column({ type: 'date' })
  lastDay: string;

  @Column({ type: 'timestamptz' })
  opensAt: Date;

  @Column({ type: 'timestamptz' })
  closesAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  @ManyToOne(() => Term, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'term_id' })
  term?: Term;

  @ManyToOne(() => SchoolClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id' })
  schoolClass?: SchoolClass | null;
}

/** Which records a batch shows. A record is publicised once. */
@Entity({ name: 'publicity_batch_records' })
@Index('uq_publicity_batch_records_record', ['activityRecordId'], { unique: true })
@Index('ix_publicity_batch_records_batch', ['batchId'])
export class PublicityBatchRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  batchId: string;

  @Column({ type: 'uuid' })
  activityRecordId: string;

  @ManyToOne(() => PublicityBatch, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'batch_id' })
  batch?: PublicityBatch;

  @ManyToOne(() => ActivityRecord, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'activity_record_id' })
  activityRecord?: ActivityRecord;
}
