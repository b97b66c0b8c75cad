import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Grade levels as reference data (seeded by migration): P1–P6 primary, J1–J3 junior,
 * S1–S3 senior, U12/U34 university (the fitness standard's groups). Codes match the
 * fitness-standard tables so records can be scored without translation.
 */
@Entity({ name: 'grades' })
export class Grade {
  @PrimaryColumn({ type: 'varchar', length: 4 })
  code: string;

  @Column({ type: 'varchar', length: 20 })
  nameZh: string;

  @Column({ type: 'varchar', length: 40 })
  nameEn: string;

  /** primary / junior / senior / university */
  @Column({ type: 'varchar', length: 16 })
  stage: string;

  /** Years of schooling: P1 = 1 … S3 = 12, U12 = 13, U34 = 15. */
  @Column({ type: 'smallint' })
  ordinal: number;
}
