import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { Scheduler } from './scheduler';

/** The scheduler task's name (and its advisory lock's). */
export const SPOOL_RETENTION_TASK = 'jobs.spool-retention';

/** Where `POST /api/imports/:kind/jobs` spools uploads (ImportJobsController). */
export const SPOOL_FOLDER = 'import-spool';

/**
 * Retention of spooled uploads (ADR 0814). A job's spooled upload is normally removed when the
 * job ends; what stays behind is the upload of a job whose process died (INTERRUPTED, kept so a
 * retry reads the same bytes) and files a crash left between spooling and queueing. Each round,
 * SPOOL_RETENTION_DAYS (default 7) after a job finished:
 *  - an INTERRUPTED import nobody retried stops being retryable (`error.retryExpiredAt`; a retry
 *    is then 409 JOB_NOT_RETRYABLE), in the database first, and only then is its file removed;
 *  - the spooled file of a finished job (succeeded, failed) is removed;
 *  - a file in the spool folder that no job names is removed once its mtime is as old.
 * Never removed: the file of a queued or running job, of an INTERRUPTED job still retryable, or
 * anything outside the spool folder (a CLI import's file is the operator's). Job rows are kept.
 */
@Injectable()
export class SpoolRetention implements OnModuleInit {
  readonly retentionDays: number;
  private readonly spoolDir: string | null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly scheduler: Scheduler,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.retentionDays = config?.spoolRetentionDays ?? 7;
    this.spoolDir = config ? path.join(config.dataDir, SPOOL_FOLDER) : null;
  }

  onModuleInit(): void {
    if (this.spoolDir) this.scheduler.register(SPOOL_RETENTION_TASK, () => this.sweep());
  }

  async sweep(): Promise<{ retryExpired: string[]; removed: string[] }> {
    const days = this.retentionDays;
    // 1. Interrupted imports past retention stop being retryable, before any file goes. A retry
    //    racing with this update is serialised by the row lock: whichever commits first wins.
    const expired = (await this.dataSource.query(
      `UPDATE jobs SET error = error || jsonb_build_object('retryExpiredAt', now()), updated_at = now()
       WHERE type = 'import' AND state = 'failed' AND error->>'code' = 'INTERRUPTED' AND NOT (error ? 'retryExpiredAt')
         AND finished_at < now() - make_interval(days => $1) AND coalesce(payload->>'origin', '') <> 'cli'
       RETURNING id`,
      [days],
    )) as [{ id: string }[], number] | { id: string }[];
    const retryExpired = (Array.isArray(expired[0]) ? (expired[0] as { id: string }[]) : (expired as { id: string }[])).map((row) => row.id);

    if (!this.spoolDir || !fs.existsSync(this.spoolDir)) return { retryExpired, removed: [] };
    const names = (await fs.promises.readdir(this.spoolDir, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
    if (names.length === 0) return { retryExpired, removed: [] };

    // 2. Which jobs name each file (by file name: the data directory may have moved), and whether any still needs it.
    const rows = (await this.dataSource.query(
      `SELECT substring(payload->>'path' from '[^/]+$') AS name,
              bool_or(state IN ('queued', 'running')
                      OR (state = 'failed' AND error->>'code' = 'INTERRUPTED' AND NOT (error ? 'retryExpiredAt'))
                      OR finished_at IS NULL OR finished_at >= now() - make_interval(days => $2)
                      OR payload->>'origin' = 'cli') AS needed
       FROM jobs WHERE type = 'import' AND substring(payload->>'path' from '[^/]+$') = ANY($1)
       GROUP BY 1`,
      [names, days],
    )) as { name: string; needed: boolean }[];
    const named = new Map(rows.map((row) => [row.name, row.needed]));
    const cutoffMs = Date.now() - days * 86_400_000;
    const removed: string[] = [];
    for (const name of names) {
      const file = path.join(this.spoolDir, name);
      const needed = named.get(name);
      if (needed === true) continue;
      if (needed === undefined) {
        // No job names it: a crash between spooling and queueing (or a stray file). Old enough?
        const stat = await fs.promises.stat(file).catch(() => null);
        if (!stat || stat.mtimeMs >= cutoffMs) continue;
      }
      await fs.promises.rm(file, { force: true });
      removed.push(name);
    }
    return { retryExpired, removed };
  }
}
