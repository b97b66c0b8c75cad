import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A note that the stored class counts (fitness_class_counts) of a school × school year may be
 * out of date: a change to something they count — an enrolment, a student's sex code, a stored
 * fitness result, a vision screening record — of a student enrolled at that school that year.
 * Append-only log written by statement triggers (ADR 0922); the recount that answers the notes
 * deletes those its snapshot sees before it reads.
 */
@Entity({ name: 'fitness_count_changes' })
@Index('ix_fitness_count_changes_year_school', ['schoolYear', 'schoolId'])
export class FitnessCountChange {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'varchar', length: 9 })
  schoolYear: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  changedAt: Date;
}
