import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';

/** CPU seconds spent so far: this Node process and the PostgreSQL backends serving it (null when not measurable). */
export interface CpuReading {
  readonly nodeSeconds: number;
  readonly postgresSeconds: number | null;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

function backendTicks(pid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces) — utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/**
 * Measures the CPU a demo load costs, phase by phase: the Node process (`process.cpuUsage`) and
 * its PostgreSQL backends (`/proc/<pid>/stat` of the backends connected to this database — only
 * when the server runs on this machine, as the embedded one and the development server do).
 * Wall time on a shared machine mostly measures the other work; CPU seconds do not (ADR 0410's
 * bench:import reports the same pair). Backends come and go with the connection pool, so the
 * meter samples them every second and keeps each backend's last reading.
 */
export class DemoCpuMeter {
  private readonly lastTicks = new Map<number, number>();
  private readonly firstTicks = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private measurable = true;
  private sampling: Promise<void> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads every backend of this database now; CPU of backends first seen later counts from zero. */
  async sample(): Promise<void> {
    if (!this.measurable) return;
    if (this.sampling) return this.sampling;
    this.sampling = (async () => {
      try {
        const rows = (await this.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type IN ('client backend', 'parallel worker')`)) as { pid: number }[];
        let seen = 0;
        for (const { pid } of rows) {
          const ticks = backendTicks(pid);
          if (ticks === null) continue;
          seen += 1;
          if (!this.firstTicks.has(pid)) this.firstTicks.set(pid, this.started ? 0 : ticks);
          this.lastTicks.set(pid, ticks);
        }
        if (seen === 0 && rows.length > 0) this.measurable = false; // a remote server: /proc does not have its backends
      } catch {
        // a sample lost to a busy pool or a database hiccup: the next one catches up
      } finally {
        this.sampling = null;
      }
    })();
    return this.sampling;
  }

  private started = false;

  /** Marks the baseline: backends seen from now on count from zero. */
  async begin(): Promise<void> {
    await this.start();
    this.started = true;
  }

  async read(): Promise<CpuReading> {
    await this.sample();
    const usage = process.cpuUsage();
    let ticks = 0;
    for (const [pid, last] of this.lastTicks) ticks += last - (this.firstTicks.get(pid) ?? 0);
    return { nodeSeconds: (usage.user + usage.system) / 1e6, postgresSeconds: this.measurable ? ticks / TICKS_PER_SECOND : null };
  }
}

/** `CPU 3.1 s Node + 9.8 s PostgreSQL` for the span between two readings. */
export function formatCpu(from: CpuReading, to: CpuReading): string {
  const node = `${(to.nodeSeconds - from.nodeSeconds).toFixed(1)} s Node`;
  if (to.postgresSeconds === null || from.postgresSeconds === null) return `CPU ${node}`;
  return `CPU ${node} + ${(to.postgresSeconds - from.postgresSeconds).toFixed(1)} s PostgreSQL`;
}
