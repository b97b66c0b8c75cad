import type { DataSource, EntityTarget, FindOptionsOrder, FindOptionsWhere } from 'typeorm';
import type { DomainError } from '../../common/errors/domain-error';
import { type Page, pageWindow } from '../../common/http/pagination';
import type { JobsService } from './jobs.service';
import type { JobHandler, JobsWorker } from './jobs.worker';

/** The columns every model-run row has (growth_runs, evaluation_runs). */
export interface ModelRunRow {
  id: string;
  state: string;
  jobId: string | null;
  createdAt: Date;
}

/** What differs between two kinds of model run: their table, job type and how their errors read. */
export interface ModelRunKind<R extends ModelRunRow> {
  readonly entity: EntityTarget<R>;
  readonly table: 'growth_runs' | 'evaluation_runs';
  readonly jobType: string;
  /** 404 for a run id nobody knows. */
  readonly notFound: (id: string) => DomainError;
  /** 409 RUN_NOT_FINISHED for a run that has no results (yet). */
  readonly notFinished: (run: R) => DomainError;
  /** The handler's error when its job names no run. */
  readonly runOfJobMissing: (jobId: string) => DomainError;
  /** An error the run reports as its own failure (code and message kept); anything else fails as JOB_FAILED and is rethrown. */
  readonly knownError: (error: unknown) => DomainError | undefined;
}

/**
 * The bookkeeping a model run shares with every other kind (growth, evaluation): its row is
 * written first and its job queued after (so a worker claiming the job at once finds it), runs
 * are listed newest first and read by id (404) or only when finished (409), and the job handler
 * marks the run running, runs it, and on an error marks it failed with a code and messages in
 * English and Chinese — returned as the job's failure when the error is the kind's own, rethrown
 * (JOB_FAILED) otherwise. What a run computes stays with its service.
 */
export class ModelRuns<R extends ModelRunRow> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly worker: JobsWorker,
    private readonly kind: ModelRunKind<R>,
  ) {}

  /** Queues the job of a run row already committed, records its id on the run, and wakes the worker. */
  async queueJob(run: R, createdBy: string): Promise<R> {
    const job = await this.jobs.enqueue(this.kind.jobType, { runId: run.id }, { createdBy });
    await this.dataSource.getRepository(this.kind.entity).update({ id: run.id } as FindOptionsWhere<R>, { jobId: job.id } as never);
    run.jobId = job.id;
    this.worker.kick();
    return run;
  }

  async list(query: { page?: number; pageSize?: number }): Promise<Page<R>> {
    const { page, pageSize, skip, take } = pageWindow(query);
    const [items, total] = await this.dataSource.getRepository(this.kind.entity).findAndCount({ order: { createdAt: 'DESC', id: 'ASC' } as FindOptionsOrder<R>, skip, take });
    return { items, page, pageSize, total };
  }

  async get(id: string): Promise<R> {
    const run = await this.dataSource.getRepository(this.kind.entity).findOneBy({ id } as FindOptionsWhere<R>);
    if (!run) throw this.kind.notFound(id);
    return run;
  }

  async finished(id: string): Promise<R> {
    const run = await this.get(id);
    if (run.state !== 'succeeded') throw this.kind.notFinished(run);
    return run;
  }

  /** The job handler: `execute` computes and writes the run (marking it succeeded) and returns the job's result. */
  jobHandler(execute: (run: R, progress: (done: number, total: number | null) => Promise<void>) => Promise<Record<string, unknown>>): JobHandler {
    return async (job, progress) => {
      const { runId } = job.payload as { runId?: string };
      const run = runId ? await this.dataSource.getRepository(this.kind.entity).findOneBy({ id: runId } as FindOptionsWhere<R>) : null;
      if (!run) throw this.kind.runOfJobMissing(job.id);
      try {
        await this.dataSource.query(`UPDATE ${this.kind.table} SET state = 'running' WHERE id = $1`, [run.id]);
        return { result: await execute(run, progress) };
      } catch (error) {
        const known = this.kind.knownError(error);
        const failure = {
          code: known?.code ?? 'JOB_FAILED',
          message: known?.message ?? 'the run failed unexpectedly; see the server log',
          messageZh: known?.messageZh ?? '运行意外失败，请查看服务器日志',
        };
        await this.dataSource.query(`UPDATE ${this.kind.table} SET state = 'failed', error = $2::jsonb, finished_at = now() WHERE id = $1`, [run.id, JSON.stringify(failure)]);
        if (known) return { result: { runId: run.id }, failed: failure };
        throw error;
      }
    };
  }
}
