import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * A unit of background work (an import of a large file, later model runs). Workers claim
 * queued jobs with `FOR UPDATE SKIP LOCKED`, so several workers never take the same job.
 * `schoolId` (nullable: city-wide jobs) keeps jobs scoped like the data they touch.
 */
@Entity({ name: 'jobs' })
@Index('ix_jobs_state_created_at', ['state', 'createdAt'])
@Check('ck_jobs_state', `state IN ('queued', 'running', 'succeeded', 'failed')`)
export class Job {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Handler name, e.g. `import`. */
  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ type: 'varchar', length: 12, default: 'queued' })
  state: JobState;

  /** What the handler needs (e.g. kind, spooled file path, actor, scope). */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'integer', default: 0 })
  progressDone: number;

  @Column({ type: 'integer', nullable: true })
  progressTotal: number | null;

  /** The handler's result (an import report). */
  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;

  /** { code, message, messageZh } when the job failed. */
  @Column({ type: 'jsonb', nullable: true })
  error: Record<string, unknown> | null;

  @Column({ type: 'uuid', nullable: true })
  schoolId: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  /**
   * While running: the worker holding the job renews this lease; a running job whose lease has
   * expired was left by a dead process and is failed with INTERRUPTED (ADR 1000).
   */
  @Column({ type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  /** The process running the job (`host:pid:random`), for the operator. */
  @Column({ type: 'varchar', length: 120, nullable: true })
  workerId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
