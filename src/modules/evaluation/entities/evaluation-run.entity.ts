import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Region } from '../../roster/entities/region.entity';
import { Term } from '../../roster/entities/term.entity';
import { EvaluationRubric } from './evaluation-rubric.entity';

export const EVALUATION_RUN_KINDS = ['term', 'graduation'] as const;
export type EvaluationRunKind = (typeof EVALUATION_RUN_KINDS)[number];
export const EVALUATION_RUN_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type EvaluationRunState = (typeof EVALUATION_RUN_STATES)[number];

/**
 * One evaluation run (issue 7 point 2; ADR 0801): a term run scores a cohort's students in one
 * term by the rubric version assigned to the cohort; a graduation run combines the cohort's
 * latest term results by the rubric's term weights. Runs are background jobs; the result rows,
 * the quota report and the run's `succeeded` state are written in one transaction.
 * `rubricId` (a version), `inputHash` (SHA-256 of the canonical input) and `engineVersion`
 * make a run reproducible.
 */
@Entity({ name: 'evaluation_runs' })
@Index('ix_evaluation_runs_cohort', ['stage', 'entryYear', 'termId'])
@Index('ix_evaluation_runs_rubric_id', ['rubricId'])
@Check('ck_evaluation_runs_kind', `kind IN ('term', 'graduation')`)
@Check('ck_evaluation_runs_state', `state IN ('queued', 'running', 'succeeded', 'failed')`)
@Check('ck_evaluation_runs_term', `(kind = 'term') = (term_id IS NOT NULL)`)
export class EvaluationRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 12 })
  kind: EvaluationRunKind;

  @Column({ type: 'uuid', nullable: true })
  jobId: string | null;

  @Column({ type: 'varchar', length: 12, default: 'queued' })
  state: EvaluationRunState;

  @Column({ type: 'uuid' })
  rubricId: string;

  /** The term of a term run; null for a graduation run. */
  @Column({ type: 'uuid', nullable: true })
  termId: string | null;

  @Column({ type: 'varchar', length: 16 })
  stage: string;

  @Column({ type: 'smallint' })
  entryYear: number;

  /** The cohort narrowed to a region (and the regions below it); null = the whole deployment. */
  @Column({ type: 'uuid', nullable: true })
  regionId: string | null;

  @Column({ type: 'char', length: 64, nullable: true })
  inputHash: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  engineVersion: string | null;

  /** Counts: students, results, quota changes; for graduation runs the term runs used. */
  @Column({ type: 'jsonb', nullable: true })
  summary: Record<string, unknown> | null;

  /** The quota check per school × dimension (QuotaGroupReport[]). */
  @Column({ type: 'jsonb', nullable: true })
  quota: Record<string, unknown>[] | null;

  @Column({ type: 'jsonb', nullable: true })
  error: Record<string, unknown> | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => EvaluationRubric, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'rubric_id' })
  rubric?: EvaluationRubric;

  @ManyToOne(() => Term, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'term_id' })
  term?: Term | null;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id' })
  region?: Region | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
