import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { RubricDefinition } from '../../../scoring-core';

/**
 * One version of a rubric (评价方案): dimensions, rules with their formulas, weights, level
 * cut-offs, the optional A quota, term weights (docs/evaluation.md, ADR 0800). Versions of one
 * rubric share `code`. A version that any run used is frozen (edits answer 409); a change is a
 * new version made by superseding it, which also moves its cohort assignments to the new one.
 */
@Entity({ name: 'evaluation_rubrics' })
@Index('uq_evaluation_rubrics_code_version', ['code', 'version'], { unique: true })
@Check('ck_evaluation_rubrics_version', `version >= 1`)
export class EvaluationRubric {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stable name of the rubric across versions, e.g. `default`. */
  @Column({ type: 'varchar', length: 60 })
  code: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 100 })
  nameZh: string;

  @Column({ type: 'varchar', length: 200 })
  nameEn: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  /** The checked, normalised definition (RubricDefinition). */
  @Column({ type: 'jsonb' })
  definition: RubricDefinition;

  /** Shipped with the engine (seeded by migration). */
  @Column({ type: 'boolean', default: false })
  builtIn: boolean;

  /** The version this one replaced (null for version 1). */
  @Column({ type: 'uuid', nullable: true })
  supersedesId: string | null;

  /** Set when a newer version replaced this one; a superseded version cannot be edited or assigned. */
  @Column({ type: 'timestamptz', nullable: true })
  supersededAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => EvaluationRubric, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'supersedes_id' })
  supersedes?: EvaluationRubric | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
