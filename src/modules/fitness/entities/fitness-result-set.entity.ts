import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One school × school year's stored fitness results: the tables version they were scored with
 * (another version makes them stale) and, for the record, the raw fitness records (their count
 * and latest updated_at) they were computed from. Staleness after a change to the records is
 * found from the change notes the writes leave (fitness_source_changes, ADR 0922), no longer by
 * comparing this watermark with the records on every read (ADR 0501).
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
