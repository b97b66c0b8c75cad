import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import type { DataScope } from '../auth/data-scope';
import { isSchoolInScope } from '../auth/data-scope';
import { Job } from './entities/job.entity';

export class JobNotFoundError extends DomainError {
  constructor(id: string) {
    super('NOT_FOUND', 404, `job ${id} was not found`, `未找到任务 ${id}`);
  }
}

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

  /** Takes the oldest queued job of these types, marking it running; null when there is none. */
  async claimNext(types: readonly string[]): Promise<Job | null> {
    const rows = (await this.dataSource.query(
      `UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = now(), updated_at = now()
       WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND type = ANY($1) ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING id`,
      [types],
    )) as [{ id: string }[], number] | { id: string }[];
    const list = Array.isArray(rows[0]) ? (rows[0] as { id: string }[]) : (rows as { id: string }[]);
    if (list.length === 0) return null;
    return this.dataSource.getRepository(Job).findOneByOrFail({ id: list[0].id });
  }

  async progress(id: string, done: number, total: number | null): Promise<void> {
    await this.dataSource.query('UPDATE jobs SET progress_done = $2, progress_total = $3, updated_at = now() WHERE id = $1', [id, done, total]);
  }

  async succeed(id: string, result: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(`UPDATE jobs SET state = 'succeeded', result = $2::jsonb, finished_at = now(), updated_at = now() WHERE id = $1`, [id, JSON.stringify(result)]);
  }

  async fail(id: string, error: { code: string; message: string; messageZh: string }, result: Record<string, unknown> | null = null): Promise<void> {
    await this.dataSource.query(`UPDATE jobs SET state = 'failed', error = $2::jsonb, result = $3::jsonb, finished_at = now(), updated_at = now() WHERE id = $1`, [
      id,
      JSON.stringify(error),
      result === null ? null : JSON.stringify(result),
    ]);
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
