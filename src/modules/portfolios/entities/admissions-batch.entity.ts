import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * An admission batch (录取批次, e.g. 2025年提前批) and its admissions period: from `opensOn` to
 * `closesOn` inclusive (dates in China time) the high schools that received applications in
 * this batch read their applicants' sealed portfolios; before and after, nothing (ADR 0820).
 * Configured by the city's administrators.
 */
@Entity({ name: 'admissions_batches' })
@Check('ck_admissions_batches_period', `closes_on >= opens_on`)
export class AdmissionsBatch {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** What the applications file writes in 录取批次, e.g. `2025-提前批`. */
  @Index('uq_admissions_batches_code', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'date' })
  opensOn: string;

  @Column({ type: 'date' })
  closesOn: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
