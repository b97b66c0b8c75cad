import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One school × school year whose fitness results are stored: the tables version they were scored
 * with (another version makes them stale) and when. Staleness after a change to the records or
 * the roster is found from the change notes the writes leave (fitness_source_changes, ADR 0922 and
 * 0925); the watermark of the records that ADR 0501 compared on every read is gone (migration
 * DropFitnessResultSetWatermark).
 */
@Entity({ name: 'fitness_result_sets' })
export class FitnessResultSet {
  @PrimaryColumn({ type: 'uuid' })
  schoolId: string;

  @PrimaryColumn({ type: 'varchar', length: 9 })
  schoolYear: string;

  @Column({ type: 'varchar', length: 80 })
  standardVersion: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  computedAt: Date;
}
