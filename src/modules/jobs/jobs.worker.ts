import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { Permission } from '../auth/roles';
import type { Job } from './entities/job.entity';
import { JobsService } from './jobs.service';

/** What a handler gets: the job, and a way to report rows done / total. */
export type JobHandler = (job: Job, progress: (done: number, total: number | null) => Promise<void>) => Promise<{ result: Record<string, unknown>; failed?: { code: string; message: string; messageZh: string } }>;

/** What a job type adds beyond its handler: who may retry it, and how its own rows follow an interruption or a retry. */
export interface JobTypeOptions {
  /** Permission needed to retry an interrupted job of this type (besides seeing the job). */
  readonly retryPermission?: Permission;
  /** Called after a job of this type was failed as INTERRUPTED (e.g. mark its model run failed). */
  readonly onInterrupted?: (job: Job) => Promise<void>;
  /** Called after an interrupted job was queued again (e.g. put its model run back to queued). */
  readonly onRetry?: (job: Job) => Promise<void>;
}

const IDLE_POLL_MS = 1000;

/**
 * Runs queued jobs in this process, one at a time (imports are I/O- and database-bound; two
 * processes of the app each run one). Polls every second when idle and at once after `kick()`.
 * A handler's thrown error fails the job with its code; the worker carries on.
 *
 * A running job holds a lease (JOB_LEASE_SECONDS) that this process renews while it runs. At
 * start and then every quarter lease, any process fails the running jobs whose lease expired —
 * left by a process that died — with INTERRUPTED; those can be retried (ADR 1000).
 */
@Injectable()
export class JobsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly options = new Map<string, JobTypeOptions>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private lastSweep = 0;
  readonly workerId = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly leaseSeconds: number;

  constructor(
    private readonly jobs: JobsService,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.leaseSeconds = config?.jobLeaseSeconds ?? 60;
  }

  register(type: string, handler: JobHandler, options: JobTypeOptions = {}): void {
    this.handlers.set(type, handler);
    this.options.set(type, options);
  }

  optionsOf(type: string): JobTypeOptions | undefined {
    return this.options.get(type);
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Fails running jobs whose lease expired (INTERRUPTED) and lets their types mark their own rows. */
  async sweepExpiredLeases(): Promise<Job[]> {
    this.lastSweep = Date.now();
    const interrupted = await this.jobs.failExpiredLeases();
    for (const job of interrupted) await this.options.get(job.type)?.onInterrupted?.(job);
    return interrupted;
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
      // A job whose end could not be recorded (database down) keeps its lease until it expires and is swept.
      this.running = this.drain().catch(() => undefined).finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(IDLE_POLL_MS);
      });
    }, delay);
    this.timer.unref();
  }

  /** Runs jobs until none is queued (after failing those whose process died). */
  async drain(): Promise<void> {
    if (!this.stopped && Date.now() - this.lastSweep >= (this.leaseSeconds * 1000) / 4) {
      await this.sweepExpiredLeases().catch(() => undefined); // the database may be down; the next poll tries again
    }
    while (!this.stopped && this.handlers.size > 0) {
      const job = await this.jobs.claimNext([...this.handlers.keys()], { workerId: this.workerId, seconds: this.leaseSeconds }).catch(() => null);
      if (!job) return;
      await this.runOne(job);
    }
  }

  async runOne(job: Job): Promise<void> {
    const handler = this.handlers.get(job.type)!;
    // Renew the lease while the job runs; a renewal lost to a database outage is retried at the next tick.
    const renewal = setInterval(() => void this.jobs.renewLease(job.id, this.leaseSeconds).catch(() => undefined), (this.leaseSeconds * 1000) / 4);
    renewal.unref();
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
    } finally {
      clearInterval(renewal);
    }
  }
}
