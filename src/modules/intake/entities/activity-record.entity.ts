import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ImportBatch } from '../../imports/entities/import-batch.entity';
import { School } from '../../roster/entities/school.entity';
import { Student } from '../../roster/entities/student.entity';
import { Term } from '../../roster/entities/term.entity';
import {
  ACTIVITY_LEVELS,
  type ActivityLevel,
  ACTIVITY_ROLES,
  type ActivityRole,
  ACTIVITY_STATUSES,
  type ActivityStatus,
  DIMENSIONS,
  type Dimension,
  RECORD_SOURCES,
  type RecordSource,
  sqlList,
} from '../dimensions';

/**
 * 写实记录 (activity record): what a student did, when, how long, in what role, with evidence.
 * Identity (for idempotent imports): student, term, title and start date. Changes keep the
 * old values in record_versions. `teacher_on_behalf` records need the student's confirmation
 * (`studentConfirmedAt`).
 */
@Entity({ name: 'activity_records' })
@Index('uq_activity_records_identity', ['studentId', 'termId', 'title', 'startDate'], { unique: true })
@Index('ix_activity_records_school_term', ['schoolId', 'termId'])
@Check('ck_activity_records_dimension', `dimension IN (${sqlList(DIMENSIONS)})`)
@Check('ck_activity_records_level', `level IS NULL OR level IN (${sqlList(ACTIVITY_LEVELS)})`)
@Check('ck_activity_records_role', `role IS NULL OR role IN (${sqlList(ACTIVITY_ROLES)})`)
@Check('ck_activity_records_status', `status IN (${sqlList(ACTIVITY_STATUSES)})`)
@Check('ck_activity_records_source', `source IN (${sqlList(RECORD_SOURCES)})`)
@Check('ck_activity_records_dates', `end_date IS NULL OR end_date >= start_date`)
@Check('ck_activity_records_times', `(start_time IS NULL) = (end_time IS NULL) AND (end_time IS NULL OR end_time > start_time)`)
@Check('ck_activity_records_hours', `hours IS NULL OR (hours >= 0 AND hours <= 10000)`)
export class ActivityRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Index('ix_activity_records_student_id')
  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'uuid' })
  termId: string;

  @Column({ type: 'varchar', length: 12 })
  dimension: Dimension;

  /** 记录类型, e.g. 志愿服务, 社会实践, 获奖, 研究性学习. */
  @Column({ type: 'varchar', length: 20 })
  recordType: string;

  /** At most 30 characters (DOMAIN.md). */
  @Column({ type: 'varchar', length: 30 })
  title: string;

  @Column({ type: 'varchar', length: 12, nullable: true })
  level: ActivityLevel | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  role: ActivityRole | null;

  @Column({ type: 'date' })
  startDate: string;

  @Column({ type: 'date', nullable: true })
  endDate: string | null;

  /** Time of day the activity started and ended (one-day activities; optional): lets the integrity check see overlapping activities of one student. */
  @Column({ type: 'time', nullable: true })
  startTime: string | null;

  @Column({ type: 'time', nullable: true })
  endTime: string | null;

  @Column({ type: 'numeric', nullable: true })
  hours: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  location: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  organiser: string | null;

  /** 获奖等次, e.g. 一等奖. */
  @Column({ type: 'varchar', length: 30, nullable: true })
  awardRank: string | null;

  @Column({ type: 'varchar', length: 20 })
  source: RecordSource;

  @Column({ type: 'varchar', length: 24 })
  status: ActivityStatus;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reviewRemark: string | null;

  /** For teacher_on_behalf records: when the student confirmed it (null = not yet). */
  @Column({ type: 'timestamptz', nullable: true })
  studentConfirmedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'uuid', nullable: true })
  recordedBy: string | null;

  @Column({ type: 'uuid', nullable: true })
  importBatchId: string | null;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  @ManyToOne(() => Student, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id' })
  student?: Student;

  @ManyToOne(() => Term, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'term_id' })
  term?: Term;

  @ManyToOne(() => ImportBatch, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'import_batch_id' })
  importBatch?: ImportBatch | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
