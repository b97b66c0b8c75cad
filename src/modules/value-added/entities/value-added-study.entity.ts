import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One exam occasion of a cohort: a term, an exam (type + date) and a subject indicator code or `total`. */
export interface StudyOccasion {
  readonly termId: string;
  readonly examType: string;
  /** YYYY-MM-DD */
  readonly examDate: string;
  /** An academic score indicator code (`academic.exam.math`) or `total` (sum of every subject sat at that exam). */
  readonly subject: string;
}

/**
 * A value-added study (issue 6, point 4): which students (outcome and prior exam occasions),
 * which covariates from the roster, grouping by school or class, the model and the minimum group
 * size. A study never changes once created, so every run of it stays reproducible (ADR 0601).
 */
@Entity({ name: 'value_added_studies' })
@Check('ck_value_added_studies_grouping', `grouping IN ('school', 'class')`)
@Check('ck_value_added_studies_model', `model IN ('zgain', 'prgain', 'ols', 'multilevel')`)
@Check('ck_value_added_studies_min_group_size', `min_group_size >= 1`)
export class ValueAddedStudy {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'jsonb' })
  outcome: StudyOccasion;

  /** One to three prior occasions, in model order. */
  @Column({ type: 'jsonb' })
  priors: StudyOccasion[];

  /** Roster covariates: `female`, `minority`. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  covariates: string[];

  @Column({ type: 'varchar', length: 10 })
  grouping: 'school' | 'class';

  @Column({ type: 'varchar', length: 12 })
  model: string;

  @Column({ type: 'integer', default: 10 })
  minGroupSize: number;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
