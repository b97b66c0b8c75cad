import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import type { Job } from './entities/job.entity';
import { JobsService } from './jobs.service';

/** What a handler gets: the job, and a way to report rows done / total. */
export type JobHandler = (job: Job, progress: (done: number, total: number | null) => Promise<void>) => Promise<{ result: Record<string, unknown>; failed?: { code: string; message: string; messageZh: string } }>;

const IDLE_POLL_MS = 1000;

/**
 * Runs queued jobs in this process, one at a time (imports are I/O- and database-bound; two
 * processes of the app each run one). Polls every second when idle and at once after `kick()`.
 * A handler's thrown error fails the job with its code; the worker carries on.
 */
@Injectable()
export class JobsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly jobs: JobsService) {}

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule(IDLE_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Look for work now (after an enqueue). */
  kick(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(IDLE_POLL_MS);
      });
    }, delay);
    this.timer.unref();
  }

  /** Runs jobs until none is queued. */
  async drain(): Promise<void> {
    while (!this.stopped && this.handlers.size > 0) {
      const job = await this.jobs.claimNext([...this.handlers.keys()]).catch(() => null);
      if (!job) return;
      await this.runOne(job);
    }
  }

  async runOne(job: Job): Promise<void> {
    const handler = this.handlers.get(job.type)!;
    try {
      const outcome = await handler(job, (done, total) => this.jobs.progress(job.id, done, total));
      if (outcome.failed) await this.jobs.fail(job.id, outcome.failed, outcome.result);
      else await this.jobs.succeed(job.id, outcome.result);
    } catch (error) {
      const known = error instanceof DomainError ? error : undefined;
      await this.jobs.fail(job.id, {
        code: known?.code ?? 'JOB_FAILED',
        message: known?.message ?? 'the job failed unexpectedly; see the server log',
        messageZh: known?.messageZh ?? '任务意外失败，请查看服务器日志',
      });
    }
  }
}
