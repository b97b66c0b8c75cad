import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The history of a portfolio version: every step (compile, recompile, confirm, comment, sign off,
 * seal, reopen, and a reset when a changed record sends an unsealed version back to `compiled`),
 * with who, when, the states before and after, and a remark. Append-only: the database refuses
 * UPDATE and DELETE (migration AddPortfolioEvents). The step columns on `portfolios` hold the
 * current state; this table keeps every earlier one.
 */
@Entity({ name: 'portfolio_events' })
@Index('ix_portfolio_events_portfolio_id', ['portfolioId', 'id'])
export class PortfolioEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  portfolioId: string;

  @Column({ type: 'varchar', length: 20 })
  action: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  fromStatus: string | null;

  @Column({ type: 'varchar', length: 20 })
  toStatus: string;

  /** Null: the system (e.g. the review workflow's upheld appeal). */
  @Column({ type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'varchar', length: 500, nullable: true })
  remark: string | null;
}
