import { Injectable, Logger } from '@nestjs/common';

/** A confirmed 写实记录 changed: amended (new version) or revoked, after an upheld appeal or an integrity case. */
export interface ConfirmedRecordChanged {
  readonly recordId: string;
  readonly studentId: string;
  readonly schoolId: string;
  readonly termId: string;
  readonly change: 'amended' | 'revoked';
  /** appeal: an upheld appeal (school or bureau); integrity_case: the school acting on an integrity finding. */
  readonly cause: 'appeal' | 'integrity_case';
  readonly appealId: string | null;
  /** The written reason, as kept in the record's history. */
  readonly reason: string;
  /** The record's version after the change. */
  readonly version: number;
  readonly at: string;
}

export type ConfirmedRecordListener = (event: ConfirmedRecordChanged) => void | Promise<void>;

/**
 * The hook for modules that build on confirmed records (portfolios): they subscribe here, the
 * review module never imports them (no cycle). Events are delivered in process after the change
 * has committed; a failing listener is logged and does not undo the change. The durable record
 * is the transition history: `ConfirmedRecordsService.changesSince` reads the same facts from the
 * database, so a subscriber that was down can catch up.
 */
@Injectable()
export class ReviewEvents {
  private readonly logger = new Logger('ReviewEvents');
  private readonly listeners: ConfirmedRecordListener[] = [];

  onConfirmedRecordChanged(listener: ConfirmedRecordListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  async emitConfirmedRecordChanged(event: ConfirmedRecordChanged): Promise<void> {
    for (const listener of [...this.listeners]) {
      try {
        await listener(event);
      } catch (error) {
        this.logger.error(`a listener of confirmed-record changes failed for record ${event.recordId}: ${(error as Error).message}`);
      }
    }
  }
}
