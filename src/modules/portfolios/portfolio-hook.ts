import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Scheduler } from '../jobs/scheduler';
import { ConfirmedRecordsService } from '../review/confirmed-records.service';
import { type ConfirmedRecordChanged, ReviewEvents } from '../review/review-events';
import { PortfoliosService } from './portfolios.service';

/** The scheduler task's name (and its advisory lock's). */
export const PORTFOLIO_HOOK_REPLAY_TASK = 'portfolios.hook-replay';

/** The reason written on the new (or reset) portfolio version, in Chinese as the school reads it. */
export function changeReason(event: ConfirmedRecordChanged): string {
  const cause = event.cause === 'appeal' ? `申诉成立${event.appealId ? `（申诉 ${event.appealId}）` : ''}` : '诚信核查';
  const change = event.change === 'amended' ? `已更正为第${event.version}版` : '已撤销';
  return `${cause}：写实记录 ${event.recordId} ${change}。${event.reason}`.slice(0, 500);
}

/**
 * The review → portfolio hook (ADRs 0812, 0815). Live: a confirmed 写实记录 amended or revoked
 * (upheld appeal, integrity case) reopens or resets the student's portfolio at once. Durable:
 * each change taken in is written to the ledger `portfolio_record_changes` in the same
 * transaction as the portfolio's new version or reset, and the scheduler (at start and every
 * round) replays every change in the review history (`changesSince`) that is not in the ledger —
 * those made while no app process was listening (a CLI, a crash between commit and event, the
 * service down). A change is taken in once, whichever of the two hears it first.
 */
@Injectable()
export class PortfolioHook implements OnModuleInit {
  private readonly logger = new Logger('PortfolioHook');

  constructor(
    private readonly portfolios: PortfoliosService,
    private readonly confirmedRecords: ConfirmedRecordsService,
    private readonly reviewEvents: ReviewEvents,
    private readonly scheduler: Scheduler,
  ) {}

  onModuleInit(): void {
    this.reviewEvents.onConfirmedRecordChanged((event) => this.takeIn(event, 'event').then(() => undefined));
    this.scheduler.register(PORTFOLIO_HOOK_REPLAY_TASK, () => this.replay());
  }

  /** Takes one change in (idempotent): whether this call took it in, and the portfolio version that now carries it (null: no portfolio yet). */
  takeIn(event: ConfirmedRecordChanged, via: 'event' | 'replay') {
    return this.portfolios.takeInRecordChange(event.studentId, changeReason(event), { recordId: event.recordId, studentId: event.studentId, change: event.change, version: event.version, via });
  }

  /**
   * Every change in the review history not yet in the ledger, oldest first. The history is read
   * from the beginning (the amend/revoke steps only, through their index), not from a time
   * cursor: transition times come from the review clock, which tests and the demo pin, and
   * transactions commit out of time order — a cursor would skip changes for good.
   */
  async replay(): Promise<{ replayed: { recordId: string; change: string; version: number; portfolioVersion: number | null }[] }> {
    const replayed: { recordId: string; change: string; version: number; portfolioVersion: number | null }[] = [];
    for (const event of await this.confirmedRecords.changesSince(new Date(0))) {
      if (await this.portfolios.isChangeApplied(event)) continue;
      try {
        const { takenIn, portfolio } = await this.takeIn(event, 'replay');
        if (takenIn) replayed.push({ recordId: event.recordId, change: event.change, version: event.version, portfolioVersion: portfolio?.version ?? null });
      } catch (error) {
        // One student's failure (e.g. a concurrent reopen) must not stop the others; next round tries again.
        this.logger.error(`replaying the change of record ${event.recordId} failed: ${(error as Error).message}`);
      }
    }
    return { replayed };
  }
}
