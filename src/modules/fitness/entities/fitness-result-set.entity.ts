import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The watermark of one school × school year's stored fitness results: the raw fitness records
 * (their count and latest updated_at) they were computed from. When the records differ from the
 * watermark, the results are stale and are recomputed before they are read (ADR 0501).
 */
@Entity({ name: 'fitness_result_sets' })
export class FitnessResultSet {
  @PrimaryColumn({ type: 'uuid' })
  schoolId: string;

  @PrimaryColumn({ type: 'varchar', length: 9 })
  schoolYear: string;

  @Column({ type: 'integer' })
  sourceCount: number;

  @Column({ type: 'timestamptz', nullable: true })
  sourceUpdatedAt: Date | null;

  @Column({ type: 'varchar', length: 80 })
  standardVersion: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  computedAt: Date;
}
