import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { EXAM_TYPES, type ExamType, MARKERS, type Marker, sqlList, TERM_RECORD_SOURCES, type TermRecordSource } from '../dimensions';

/**
 * The current value of one indicator for one student and term — and occasion: an exam
 * (type + date) for academic scores, a list item (category + item) for the labour list,
 * 'retest' for a fitness 补测 result (kept beside the original test's, ADR 0510), '' for
 * once-a-term indicators. A record holds a number, a text/level, or a marker (缺考/免考/缓考,
 * never a zero). A changed value bumps `version` and moves the old one to record_versions.
 * school_id is the student's school in that term, on the row for scope and partitioning.
 *
 * No foreign keys (ADR 0401): this is the high-volume table a 100k-row import merges into, and
 * five RI triggers per row cost more than the rest of the merge. Every writer resolves
 * student, term, school and indicator by joining them, and those rows are never deleted.
 *
 * LIST-partitioned by term_id, one partition per term, created with the term (ADR 1010,
 * migration PartitionTermRecords): the primary key must contain the partition key, hence
 * (id, term_id). TypeORM cannot declare partitioning; it models the columns, keys and indexes.
 */
@Entity({ name: 'term_records' })
@Index('uq_term_records_identity', ['studentId', 'termId', 'indicatorId', 'occasionKey'], { unique: true })
@Index('ix_term_records_school_term_indicator', ['schoolId', 'termId', 'indicatorId'])
// ((indicator_id::text), term_id) INCLUDE (school_id, updated_at): migration IndexTermRecordIndicatorAsText
// (ADR 0920, 0921). Text on purpose: joins on the uuid (the import merge) must not be able to pick it.
@Index('ix_term_records_indicator_text_term', { synchronize: false })
@Check('ck_term_records_marker', `marker IS NULL OR marker IN (${sqlList(MARKERS)})`)
@Check('ck_term_records_exam_type', `exam_type IS NULL OR exam_type IN (${sqlList(EXAM_TYPES)})`)
@Check('ck_term_records_source', `source IN (${sqlList(TERM_RECORD_SOURCES)})`)
@Check('ck_term_records_value', `num_nonnulls(numeric_value, text_value, marker) = 1`)
@Check('ck_term_records_marker_reason', `marker_reason IS NULL OR marker IN ('exempt', 'deferred')`)
export class TermRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  /** The partition key (ADR 1010); part of the primary key. */
  @PrimaryColumn({ type: 'uuid' })
  termId: string;

  @Column({ type: 'uuid' })
  indicatorId: string;

  /** The occasion part of the identity: `final|2025-01-15`, `family|洗碗`, `retest`, or ''. */
  @Column({ type: 'varchar', length: 120, default: '' })
  occasionKey: string;

  @Column({ type: 'varchar', length: 12, nullable: true })
  examType: ExamType | null;

  /** Exam date, test/screening date or labour date. */
  @Column({ type: 'date', nullable: true })
  occasionDate: string | null;

  /** Labour list item (劳动清单项目) or similar sub-item. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  itemName: string | null;

  @Column({ type: 'numeric', nullable: true })
  numericValue: string | null;

  /** Level, boolean ('true'/'false') or text values. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  textValue: string | null;

  @Column({ type: 'numeric', nullable: true })
  fullMarks: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  marker: Marker | null;

  /**
   * Why the student was exempted (免测/免予执行) or deferred (暂缓): the approved application's
   * reason, which the fitness standard requires to be kept (ADR 0510). Only with those markers.
   */
  @Column({ type: 'varchar', length: 200, nullable: true })
  markerReason: string | null;

  /** Who confirmed it (e.g. the parent for a family labour item). */
  @Column({ type: 'varchar', length: 50, nullable: true })
  attestedBy: string | null;

  @Column({ type: 'varchar', length: 20 })
  source: TermRecordSource;

  @Column({ type: 'integer', default: 1 })
  version: number;

  /** User who set the current value (null: command line / system). */
  @Column({ type: 'uuid', nullable: true })
  recordedBy: string | null;

  @Column({ type: 'uuid', nullable: true })
  importBatchId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** When the current value was set. */
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
