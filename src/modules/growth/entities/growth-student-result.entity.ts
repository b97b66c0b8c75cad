import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One student's growth in one run: the current value, its cohort z-score and percentile rank,
 * the prior values (most recent first, null where missing) with their z-scores and percentile
 * ranks and the SGP with its order (null
 * where the student has no most recent prior). `schoolId` (the current record's school) is on the
 * row for scope.
 */
@Entity({ name: 'growth_student_results' })
@Index('ix_growth_student_results_student', ['studentId'])
@Index('ix_growth_student_results_school', ['schoolId'])
export class GrowthStudentResult {
  @PrimaryColumn({ type: 'uuid' })
  runId: string;

  @PrimaryColumn({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'double precision' })
  zScore: number;

  @Column({ type: 'double precision' })
  percentileRank: number;

  @Column({ type: 'jsonb' })
  priorValues: (number | null)[];

  /** z-score of each prior among the run's students who have that prior (null where missing). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  priorZScores: (number | null)[];

  /** Percentile rank of each prior among the run's students who have that prior (null where missing). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  priorPercentileRanks: (number | null)[];

  @Column({ type: 'smallint', nullable: true })
  sgp: number | null;

  @Column({ type: 'smallint', nullable: true })
  sgpOrder: number | null;
}
