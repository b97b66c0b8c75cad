import { Injectable } from '@nestjs/common';

/**
 * The server's clock for every deadline of the review workflow (publicity windows, appeal and
 * escalation deadlines, transition times). One injectable instance so tests and demos can pin
 * "now" (`pin`) and step over a window without waiting days; nothing reachable over HTTP pins it.
 */
@Injectable()
export class Clock {
  private pinned: Date | null = null;

  now(): Date {
    return this.pinned ? new Date(this.pinned.getTime()) : new Date();
  }

  /** Pins the clock at an instant (null: back to real time). For tests, demos and the CLI only. */
  pin(at: Date | null): void {
    this.pinned = at ? new Date(at.getTime()) : null;
  }
}
