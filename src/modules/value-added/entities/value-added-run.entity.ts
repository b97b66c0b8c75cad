import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One run of a study: one model, or several for a method comparison. Queued as a background job;
 * the run row and its group results are written in ONE transaction when the run ends, so a run
 * that failed or was interrupted never shows half-written results (ADR 0601). `inputHash` is the
 * SHA-256 of the canonical cohort, `parameters` what the study asked for, `engineVersion` the
 * scoring core's: together they make a result reproducible.
 */
@Entity({ name: 'value_added_runs' })
@Index('ix_value_added_runs_study', ['studyId', 'createdAt'])
@Check('ck_value_added_runs_state', `state IN ('queued', 'running', 'succeeded', 'failed')`)
export class ValueAddedRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  studyId: string;

  /** The background job that computes it (set right after the run row is created). */
  @Column({ type: 'uuid', nullable: true })
  jobId: string | null;

  @Column({ type: 'varchar', length: 12, default: 'queued' })
  state: 'queued' | 'running' | 'succeeded' | 'failed';

  /** Models of this run, in order (one, or several for a method comparison). */
  @Column({ type: 'jsonb' })
  models: string[];

  /** The study's cohort definition, grouping and minimum group size, as the run used them. */
  @Column({ type: 'jsonb', nullable: true })
  parameters: Record<string, unknown> | null;

  @Column({ type: 'char', length: 64, nullable: true })
  inputHash: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  engineVersion: string | null;

  /** Cohort counts (included, excluded by reason) and per model its summary (coefficients, variance components). */
  @Column({ type: 'jsonb', nullable: true })
  summary: Record<string, unknown> | null;

  /** Spearman correlations and category differences between models (several models only). */
  @Column({ type: 'jsonb', nullable: true })
  comparison: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  error: Record<string, unknown> | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
