import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A note that fitness raw records of a school × term were inserted, updated or deleted since the
 * stored results of its school year were computed. Append-only log (ADR 0922): written only by the
 * statement triggers on term_records, in the writer's transaction; the recompute that answers the
 * notes deletes those its snapshot sees before it reads the records, so a writer that commits
 * later leaves its note for the next read. A read recomputes the school years that have notes.
 */
@Entity({ name: 'fitness_source_changes' })
@Index('ix_fitness_source_changes_term_school', ['termId', 'schoolId'])
export class FitnessSourceChange {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  termId: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  changedAt: Date;
}
