import { Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import { DomainError } from '../../common/errors/domain-error';
import type { DataScope } from '../auth/data-scope';
import { isSchoolInScope } from '../auth/data-scope';
import type { ListJobsQueryDto } from './dto/list-jobs.query';
import { Job } from './entities/job.entity';

export class JobNotFoundError extends DomainError {
  constructor(id: string) {
    super('NOT_FOUND', 404, `job ${id} was not found`, `未找到任务 ${id}`);
  }
}

export class JobNotRetryableError extends DomainError {
  constructor(id: string, state: string, code: string | null) {
    super(
      'JOB_NOT_RETRYABLE',
      409,
      `job ${id} is ${state}${code ? ` (${code})` : ''}; only a job interrupted by a stopped process (INTERRUPTED) can be retried`,
      `任务 ${id} 当前为${state}${code ? `（${code}）` : ''}；只有因进程中断而失败（INTERRUPTED）的任务可以重试`,
      { state, code },
    );
  }
}

/** An INTERRUPTED import whose spooled upload was removed by the retention policy (ADR 0814). */
export class JobRetryExpiredError extends DomainError {
  constructor(id: string, retryExpiredAt: string) {
    super(
      'JOB_NOT_RETRYABLE',
      409,
      `job ${id} was interrupted, but its uploaded file was removed after the retention period (since ${retryExpiredAt}); upload the file again`,
      `任务 ${id} 曾因进程中断而失败，但上传的文件已超过保留期被删除（${retryExpiredAt}）；请重新上传文件`,
      { state: 'failed', code: 'INTERRUPTED', retryExpiredAt },
    );
  }
}

/** The error a job gets when the process running it died (its lease expired). */
export const INTERRUPTED = {
  code: 'INTERRUPTED',
  message: 'the process running this job stopped before it finished; nothing of it was kept; retry it with POST /api/jobs/:id/retry',
  messageZh: '运行该任务的进程在完成前停止，未保留任何结果；可通过 POST /api/jobs/:id/retry 重试',
} as const;

/**
 * The jobs table as a queue (ADR 0403): enqueue a row; workers claim the oldest queued row with
 * `FOR UPDATE SKIP LOCKED` (two workers never take the same job, none waits on another), record
 * progress, and finish it with a result or an error. Nothing to install beyond PostgreSQL.
 */
@Injectable()
export class JobsService {
  constructor(private readonly dataSource: DataSource) {}

  async enqueue(type: string, payload: Record<string, unknown>, owner: { schoolId?: string | null; createdBy?: string | null } = {}): Promise<Job> {
    const repository = this.dataSource.getRepository(Job);
    return repository.save(repository.create({ type, payload, state: 'queued', schoolId: owner.schoolId ?? null, createdBy: owner.createdBy ?? null }));
  }

  /**
   * A job that runs at once in the calling process (the CLI's import): inserted already running
   * under that process's lease, so no worker claims it, and failed as INTERRUPTED like any other
   * if the process dies (the caller renews the lease while it runs, e.g. through JobsWorker.runOne).
   */
  async startRunning(type: string, payload: Record<string, unknown>, owner: { schoolId?: string | null; createdBy?: string | null }, lease: { workerId: string; seconds: number }): Promise<Job> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO jobs (type, state, payload, school_id, created_by, attempts, started_at, lease_expires_at, worker_id)
       VALUES ($1, 'running', $2::jsonb, $3, $4, 1, now(), now() + make_interval(secs => $5), $6) RETURNING id`,
      [type, JSON.stringify(payload), owner.schoolId ?? null, owner.createdBy ?? null, lease.seconds, lease.workerId.slice(0, 120)],
    )) as { id: string }[];
    return this.dataSource.getRepository(Job).findOneByOrFail({ id: row.id });
  }

  /** Takes the oldest queued job of these types, marking it running under this worker's lease; null when there is none. */
  async claimNext(types: readonly string[], lease: { workerId: string; seconds: number } = { workerId: 'unnamed', seconds: 60 }): Promise<Job | null> {
    const rows = (await this.dataSource.query(
      `UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = now(), updated_at = now(),
              lease_expires_at = now() + make_interval(secs => $3), worker_id = $2
       WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND type = ANY($1) ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING id`,
      [types, lease.workerId.slice(0, 120), lease.seconds],
    )) as [{ id: string }[], number] | { id: string }[];
    const list = Array.isArray(rows[0]) ? (rows[0] as { id: string }[]) : (rows as { id: string }[]);
    if (list.length === 0) return null;
    return this.dataSource.getRepository(Job).findOneByOrFail({ id: list[0].id });
  }

  /** Renews a running job's lease (the worker calls it while the job runs). */
  async renewLease(id: string, seconds: number): Promise<void> {
    await this.dataSource.query(`UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $2) WHERE id = $1 AND state = 'running'`, [id, seconds]);
  }

  /**
   * Fails every running job whose lease has expired — its process died (SIGKILL, power loss,
   * a crash) — with INTERRUPTED, and returns them so their owners can mark what they track.
   * Whatever such a job wrote in its transaction was rolled back by PostgreSQL when the
   * connection dropped.
   */
  async failExpiredLeases(): Promise<Job[]> {
    const rows = (await this.dataSource.query(
      `UPDATE jobs SET state = 'failed', error = $1::jsonb, finished_at = now(), updated_at = now(), lease_expires_at = NULL
       WHERE state = 'running' AND (lease_expires_at IS NULL OR lease_expires_at < now())
       RETURNING id`,
      [JSON.stringify(INTERRUPTED)],
    )) as [{ id: string }[], number] | { id: string }[];
    const list = Array.isArray(rows[0]) ? (rows[0] as { id: string }[]) : (rows as { id: string }[]);
    if (list.length === 0) return [];
    return this.dataSource.getRepository(Job).find({ where: list.map((row) => ({ id: row.id })) });
  }

  /** Queues an INTERRUPTED job again (same payload); 409 for any other state. */
  async requeueInterrupted(job: Job): Promise<Job> {
    const rows = (await this.dataSource.query(
      `UPDATE jobs SET state = 'queued', error = NULL, result = NULL, finished_at = NULL, started_at = NULL, progress_done = 0, progress_total = NULL, updated_at = now()
       WHERE id = $1 AND state = 'failed' AND error->>'code' = $2 AND NOT (error ? 'retryExpiredAt') RETURNING id`,
      [job.id, INTERRUPTED.code],
    )) as [{ id: string }[], number] | { id: string }[];
    const list = Array.isArray(rows[0]) ? (rows[0] as { id: string }[]) : (rows as { id: string }[]);
    if (list.length === 0) {
      const current = (await this.dataSource.getRepository(Job).findOneBy({ id: job.id })) ?? job;
      if (current.state === 'failed' && current.error?.retryExpiredAt) throw new JobRetryExpiredError(job.id, String(current.error.retryExpiredAt));
      throw new JobNotRetryableError(job.id, current.state, (current.error?.code as string | undefined) ?? null);
    }
    return this.dataSource.getRepository(Job).findOneByOrFail({ id: job.id });
  }

  async progress(id: string, done: number, total: number | null): Promise<void> {
    await this.dataSource.query('UPDATE jobs SET progress_done = $2, progress_total = $3, updated_at = now() WHERE id = $1', [id, done, total]);
  }

  async succeed(id: string, result: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(`UPDATE jobs SET state = 'succeeded', result = $2::jsonb, finished_at = now(), updated_at = now(), lease_expires_at = NULL WHERE id = $1`, [id, JSON.stringify(result)]);
  }

  async fail(id: string, error: { code: string; message: string; messageZh: string }, result: Record<string, unknown> | null = null): Promise<void> {
    await this.dataSource.query(`UPDATE jobs SET state = 'failed', error = $2::jsonb, result = $3::jsonb, finished_at = now(), updated_at = now(), lease_expires_at = NULL WHERE id = $1`, [
      id,
      JSON.stringify(error),
      result === null ? null : JSON.stringify(result),
    ]);
  }

  /**
   * The jobs a viewer may see (as for `get`: created by them, of a school their scope covers, or
   * every job for a city-wide scope), newest first — uploads and CLI imports alike.
   */
  async list(viewer: { userId: string; scope: DataScope }, query: ListJobsQueryDto): Promise<Page<Job>> {
    const { page, pageSize, skip, take } = pageWindow(query);
    const builder = this.dataSource.getRepository(Job).createQueryBuilder('job');
    if (!viewer.scope.all) {
      builder.where(
        new Brackets((visible) => {
          visible.where('job.createdBy = :userId', { userId: viewer.userId });
          if (viewer.scope.schoolIds.length > 0) visible.orWhere('job.schoolId IN (:...schoolIds)', { schoolIds: [...viewer.scope.schoolIds] });
        }),
      );
    }
    if (query.type !== undefined) builder.andWhere('job.type = :type', { type: query.type });
    if (query.state !== undefined) builder.andWhere('job.state = :state', { state: query.state });
    const [items, total] = await builder.orderBy('job.createdAt', 'DESC').addOrderBy('job.id', 'ASC').skip(skip).take(take).getManyAndCount();
    return { items, page, pageSize, total };
  }

  /** A job its creator may see, or anyone whose scope covers its school (or everything); else 404. */
  async get(id: string, viewer: { userId: string; scope: DataScope }): Promise<Job> {
    const job = await this.dataSource.getRepository(Job).findOneBy({ id });
    if (!job) throw new JobNotFoundError(id);
    const visible = job.createdBy === viewer.userId || viewer.scope.all || (job.schoolId !== null && isSchoolInScope(viewer.scope, job.schoolId));
    if (!visible) throw new JobNotFoundError(id);
    return job;
  }
}
