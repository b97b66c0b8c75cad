import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Scheduler } from '../jobs/scheduler';
import { PublicityService } from './publicity.service';

/** The scheduler task's name (and its advisory lock's). */
export const PUBLICITY_CLOSE_TASK = 'publicity.close';

/**
 * Publicity batches close themselves (ADR 0813): each scheduler round closes, as `system`, every
 * batch whose window has ended — the school's own close (`POST …/close`), with the same effects:
 * records with no open objection pass and are confirmed, records under investigation wait for a
 * later round. Each batch closed (or with records confirmed) is audited like the school's close,
 * under the user name `system`; the records' histories show role `system`.
 */
@Injectable()
export class PublicityAutoClose implements OnModuleInit {
  constructor(
    private readonly publicity: PublicityService,
    private readonly scheduler: Scheduler,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(PUBLICITY_CLOSE_TASK, () => this.run());
  }

  async run(): Promise<{ closed: { batchId: string; confirmedNow: number }[] }> {
    const outcome = await this.publicity.closeEnded();
    await this.audit.recordMany(
      outcome.closed.map((batch) => ({
        actor: null,
        username: 'system',
        action: 'write',
        operation: `system: close publicity batch after its window (${batch.confirmedNow} confirmed)`,
        targetType: 'publicity',
        targetId: batch.batchId,
        outcome: 'success',
      })),
    );
    return outcome;
  }
}
