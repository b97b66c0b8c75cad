import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const FITNESS_RESULT_STATUSES = ['scored', 'incomplete', 'exempt', 'deferred'] as const;
export type FitnessResultStatus = (typeof FITNESS_RESULT_STATUSES)[number];

/**
 * One student's 国家学生体质健康标准 result for one school year (学年), computed from the fitness
 * raw measurements in term_records by the scoring core (ADR 0501). Derived data: recomputing
 * replaces it; the raw records and their versions stay the source of truth. A student missing a
 * required item has status 'incomplete', no total, and the reason.
 *
 * school_id / class_id / grade_code are the student's enrolment in the year (the latest term),
 * kept on the row for scope and grouping. No foreign keys, like term_records (ADR 0401).
 */
@Entity({ name: 'fitness_results' })
@Index('uq_fitness_results_student_year', ['studentId', 'schoolYear'], { unique: true })
@Index('ix_fitness_results_year_school', ['schoolYear', 'schoolId'])
@Check('ck_fitness_results_status', `status IN ('scored', 'incomplete', 'exempt', 'deferred')`)
@Check('ck_fitness_results_total', `(status = 'scored') = (total IS NOT NULL)`)
export class FitnessResult {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  /** The class of the student's latest enrolment in the year; null when not enrolled that year. */
  @Column({ type: 'uuid', nullable: true })
  classId: string | null;

  /** `2024-2025` */
  @Column({ type: 'varchar', length: 9 })
  schoolYear: string;

  /** P1–P6, J1–J3, S1–S3, U12, U34 (the standard's grade codes); null when not enrolled that year. */
  @Column({ type: 'varchar', length: 4, nullable: true })
  gradeCode: string | null;

  /** M / F (from the student's GB/T 2261.1 sex code); null when not 1 or 2. */
  @Column({ type: 'char', length: 1, nullable: true })
  sex: string | null;

  @Column({ type: 'varchar', length: 12 })
  status: FitnessResultStatus;

  /** BMI, one decimal. */
  @Column({ type: 'numeric', precision: 4, scale: 1, nullable: true })
  bmi: string | null;

  @Column({ type: 'smallint', nullable: true })
  bmiScore: number | null;

  /** The measurements used, by input code (height_cm, weight_kg, item codes). */
  @Column({ type: 'jsonb', default: '{}' })
  measurements: Record<string, number>;

  /** Score of each scored item with a result. */
  @Column({ type: 'jsonb', default: '{}' })
  itemScores: Record<string, number>;

  /** Bonus of each bonus item with a result. */
  @Column({ type: 'jsonb', default: '{}' })
  itemBonus: Record<string, number>;

  /** 标准分, exact (up to two decimals). */
  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true })
  standardScore: string | null;

  /** 附加分 (≤ 20). */
  @Column({ type: 'smallint', nullable: true })
  bonus: number | null;

  /** 学年总分, one decimal; only when status is 'scored'. */
  @Column({ type: 'numeric', precision: 4, scale: 1, nullable: true })
  total: string | null;

  /** 优秀 / 良好 / 及格 / 不及格 */
  @Column({ type: 'varchar', length: 4, nullable: true })
  level: string | null;

  /** Required inputs without a result. */
  @Column({ type: 'jsonb', default: '[]' })
  missing: string[];

  /** Why there is no total (missing items, exemption, no enrolment, unknown sex). */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** 免予执行 / 暂缓: the reason recorded with the exemption (status 'exempt' or 'deferred'). */
  @Column({ type: 'text', nullable: true })
  exemptionReason: string | null;

  /**
   * The year's 补测 when one was recorded (ADR 0510): whether it was applied and why, the inputs it
   * replaced, its measurements, and the original test's result. Null without a retest.
   */
  @Column({ type: 'jsonb', nullable: true })
  retest: Record<string, unknown> | null;

  /** The standard's tables the result was scored with: `<standard id>+<sha256 prefix of its threshold table>`. */
  @Column({ type: 'varchar', length: 80 })
  standardVersion: string;

  @Column({ type: 'varchar', length: 40 })
  engineVersion: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  computedAt: Date;
}
