import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The review hook's ledger (ADR 0815): one row per change of a confirmed 写实记录 (amended to a
 * version, or revoked) that portfolios have taken in — heard live (`event`), caught up after a
 * restart (`replay`), or already in the history when the ledger was created (`baseline`). The
 * key makes taking a change in idempotent: the row is written in the same transaction as the
 * portfolio's new version or reset, and a change already in the ledger is skipped.
 */
@Entity({ name: 'portfolio_record_changes' })
export class PortfolioRecordChange {
  @PrimaryColumn({ type: 'uuid' })
  recordId: string;

  /** amended | revoked */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  change: string;

  /** The record's version after the change. */
  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ type: 'uuid' })
  studentId: string;

  /** event | replay | baseline */
  @Column({ type: 'varchar', length: 10 })
  via: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  appliedAt: Date;
}
