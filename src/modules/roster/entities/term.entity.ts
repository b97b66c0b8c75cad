import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** 学年学期: one canonical term, coded `2024-2025-1` (autumn) or `2024-2025-2` (spring). */
@Entity({ name: 'terms' })
export class Term {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_terms_code', { unique: true })
  @Column({ type: 'varchar', length: 11 })
  code: string;

  /** `2024-2025` */
  @Column({ type: 'varchar', length: 9 })
  schoolYear: string;

  /** 1 = autumn (first) term, 2 = spring (second) term. */
  @Column({ type: 'smallint' })
  termNumber: number;

  @Column({ type: 'date' })
  startDate: string;

  @Column({ type: 'date' })
  endDate: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
