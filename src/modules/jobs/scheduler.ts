import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';

/** A housekeeping task: idempotent, safe to run again at any time; returns what it did (logged when it did anything). */
export type ScheduledTask = () => Promise<Record<string, unknown> | void>;

/** One run of a task: `ran: false` when another process (or tick) held its lock. */
export type TaskOutcome = { ran: false } | { ran: true; result: Record<string, unknown> | void } | { ran: true; error: string };

/** First key of the two-key advisory locks the scheduler takes (the second is hashtext(task name)). */
const LOCK_NAMESPACE = 'wuyu.scheduler';

/**
 * Housekeeping in the service itself (ADR 0813): every SCHEDULER_INTERVAL_SECONDS (default 60;
 * 0 = off, as in the tests unless a test turns it on) and once at start, each registered task
 * runs under a PostgreSQL session advisory lock of its own, so two app processes sharing the
 * database never run the same task at the same time; the one that finds the lock taken skips
 * that round. The lock goes with the connection if a process dies. Tasks are idempotent, so a
 * later round by another process finds nothing left to do. A failing task (database down) is
 * logged and tried again next round.
 */
@Injectable()
export class Scheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private readonly tasks = new Map<string, ScheduledTask>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = true;
  readonly intervalSeconds: number;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(APP_CONFIG) config?: AppConfig,
  ) {
    this.intervalSeconds = config?.schedulerIntervalSeconds ?? 0;
  }

  /** Adds a task, run in registration order each round. Names are unique: they name the lock. */
  register(name: string, task: ScheduledTask): void {
    if (this.tasks.has(name)) throw new Error(`scheduled task ${name} is registered twice`);
    this.tasks.set(name, task);
  }

  get taskNames(): string[] {
    return [...this.tasks.keys()];
  }

  onApplicationBootstrap(): void {
    if (this.intervalSeconds <= 0) return;
    this.stopped = false;
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
  }

  /** Runs every task once (each under its lock), in order; what the interval does. */
  async runAll(): Promise<Record<string, TaskOutcome>> {
    const outcomes: Record<string, TaskOutcome> = {};
    for (const name of this.tasks.keys()) outcomes[name] = await this.runTask(name);
    return outcomes;
  }

  /**
   * Runs one task now if no process holds its lock (`{ran: false}` otherwise). The lock is a
   * session advisory lock on a connection of its own, released (or dropped with the connection)
   * when the task ends.
   */
  async runTask(name: string): Promise<TaskOutcome> {
    const task = this.tasks.get(name);
    if (!task) throw new Error(`no scheduled task ${name}`);
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked', [LOCK_NAMESPACE, name])) as { locked: boolean }[];
      if (!locked) return { ran: false };
      try {
        const result = await task();
        if (result && Object.values(result).some((value) => (Array.isArray(value) ? value.length > 0 : Boolean(value)))) this.logger.log(`${name}: ${JSON.stringify(result)}`);
        return { ran: true, result };
      } catch (error) {
        this.logger.error(`${name} failed: ${(error as Error).message}`);
        return { ran: true, error: (error as Error).message };
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [LOCK_NAMESPACE, name]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ticking = this.runAll()
        .then(() => undefined)
        .catch((error: Error) => this.logger.error(`scheduler round failed: ${error.message}`)) // database down: next round
        .finally(() => {
          this.ticking = undefined;
          if (!this.stopped) this.schedule(this.intervalSeconds * 1000);
        });
    }, delayMs);
    this.timer.unref();
  }
}
