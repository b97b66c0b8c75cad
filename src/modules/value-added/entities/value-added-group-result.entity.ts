import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One group's (school's or class's) value-added under one model of a run. `schoolId` is on the
 * row for scope: a school reads its own rows only. No student-level value is ever stored.
 */
@Entity({ name: 'value_added_group_results' })
@Index('ix_value_added_group_results_school', ['schoolId'])
@Check('ck_value_added_group_results_category', `category IN ('above', 'below', 'not_significant', 'insufficient')`)
export class ValueAddedGroupResult {
  @PrimaryColumn({ type: 'uuid' })
  runId: string;

  @PrimaryColumn({ type: 'varchar', length: 12 })
  model: string;

  /** School id or class id, by the study's grouping. */
  @PrimaryColumn({ type: 'uuid' })
  groupId: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'integer' })
  n: number;

  @Column({ type: 'double precision' })
  estimate: number;

  @Column({ type: 'double precision' })
  se: number;

  @Column({ type: 'double precision' })
  ciLow: number;

  @Column({ type: 'double precision' })
  ciHigh: number;

  @Column({ type: 'varchar', length: 16 })
  category: string;

  /** multilevel only: λ_j. */
  @Column({ type: 'double precision', nullable: true })
  reliability: number | null;

  /** Rank of the estimate among the run's groups under this model (mid-rank, 1 = lowest). */
  @Column({ type: 'double precision' })
  rank: number;
}
