import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One occasion of a growth run. For an indicator of the catalogue: a term and, for exams, the exam
 * (type + date) — term_records.occasion_key `final|2025-01-15`, or '' for once-a-term indicators.
 * For the fitness year total (`fitness.year_total`, from fitness_results): a school year.
 */
export interface GrowthOccasion {
  readonly termId?: string;
  readonly occasionKey?: string;
  /** `2024-2025` (fitness year total only). */
  readonly schoolYear?: string;
}

/**
 * One growth run (issue 11, points 4–5; ADR 0701): one scored indicator (an exam subject or any
 * numeric indicator) over a progression of occasions, the current one and its priors (most recent
 * first). Queued as a background job; the student rows and everything below are written in ONE
 * transaction when the run ends, so a failed run never shows half-written results.
 * `coefficients` is the fitted GrowthCoefficientSet (knots, boundaries, LOSS/HOSS, N per order,
 * engine version) — reusable for projections; `goodnessOfFit` the prior-decile × SGP-decile
 * table; `schools` the per-school growth summaries. `inputHash` (SHA-256 of the canonical input),
 * `parameters` and `engineVersion` make the run reproducible.
 */
@Entity({ name: 'growth_runs' })
@Index('ix_growth_runs_created', ['createdAt'])
@Check('ck_growth_runs_state', `state IN ('queued', 'running', 'succeeded', 'failed')`)
@Check('ck_growth_runs_minimum_n', `minimum_n >= 1`)
export class GrowthRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  jobId: string | null;

  @Column({ type: 'varchar', length: 12, default: 'queued' })
  state: 'queued' | 'running' | 'succeeded' | 'failed';

  /** Indicator code (`academic.exam.math`, `fitness.total`, …). */
  @Column({ type: 'varchar', length: 100 })
  indicatorCode: string;

  @Column({ type: 'jsonb' })
  current: GrowthOccasion;

  /** One to three priors, most recent first. */
  @Column({ type: 'jsonb' })
  priors: GrowthOccasion[];

  /**
   * Baseline-referenced growth: the succeeded run (same indicator) whose stored coefficient set is
   * applied instead of fitting; null for a cohort-referenced run that fits its own matrices.
   */
  @Column({ type: 'uuid', nullable: true })
  baselineRunId: string | null;

  /** Schools with fewer students with an SGP report n only. */
  @Column({ type: 'integer', default: 10 })
  minimumN: number;

  @Column({ type: 'jsonb', nullable: true })
  parameters: Record<string, unknown> | null;

  @Column({ type: 'char', length: 64, nullable: true })
  inputHash: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  engineVersion: string | null;

  @Column({ type: 'jsonb', nullable: true })
  coefficients: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  goodnessOfFit: Record<string, unknown> | null;

  /** Per school: n, median/mean SGP with SEs, EB-shrunk median, suppressed flag (array, school id order). */
  @Column({ type: 'jsonb', nullable: true })
  schools: Record<string, unknown>[] | null;

  /** Counts: population, with SGP, without current/prior. */
  @Column({ type: 'jsonb', nullable: true })
  summary: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  error: Record<string, unknown> | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
