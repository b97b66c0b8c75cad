import { Column, Entity, PrimaryColumn } from 'typeorm';

const count = () => Column({ type: 'integer' });

/**
 * The counts behind the fitness and myopia aggregates (ADR 0922), per school year × class × sex
 * code: the students whose latest enrolment of the year is in the class, their stored fitness
 * result of the year (status, totals in tenths against the 60/80/90 thresholds) and their latest
 * screening per eye. Derived data, recounted per school whenever a change note names it; the
 * aggregates of every level are sums of these rows.
 */
@Entity({ name: 'fitness_class_counts' })
export class FitnessClassCount {
  @PrimaryColumn({ type: 'varchar', length: 9 })
  schoolYear: string;

  @PrimaryColumn({ type: 'uuid' })
  schoolId: string;

  @PrimaryColumn({ type: 'uuid' })
  classId: string;

  @PrimaryColumn({ type: 'char', length: 1 })
  sexCode: string;

  @count() enrolled: number;
  @count() recorded: number;
  @count() tested: number;
  @count() exempt: number;
  @count() deferred: number;
  @count() incomplete: number;
  @count() unknownStatus: number;
  @count() invalidTotal: number;

  @Column({ type: 'bigint' })
  sumTenths: string;

  @count() excellent: number;
  @count() goodOrBetter: number;
  @count() pass: number;
  @count() positive: number;
  @count() negative: number;
  @count() indeterminate: number;
  @count() notScreened: number;
  @count() invalidScreening: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  countedAt: Date;
}
