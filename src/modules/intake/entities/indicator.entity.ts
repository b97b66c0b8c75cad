import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DIMENSIONS, type Dimension, sqlList, VALUE_TYPES, type ValueType } from '../dimensions';

/**
 * One indicator of the catalogue (指标): what is recorded per student and term, its value type
 * and bounds. The default catalogue is seeded by migration; a city administrator adds more and
 * retires them. A retired indicator takes no new values but keeps its records and history.
 */
@Entity({ name: 'indicators' })
@Check('ck_indicators_dimension', `dimension IN (${sqlList(DIMENSIONS)})`)
@Check('ck_indicators_value_type', `value_type IN (${sqlList(VALUE_TYPES)})`)
export class Indicator {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stable machine code, e.g. `academic.exam.math`, `physical.fitness.run_50m`. */
  @Index('uq_indicators_code', { unique: true })
  @Column({ type: 'varchar', length: 60 })
  code: string;

  @Index('ix_indicators_dimension')
  @Column({ type: 'varchar', length: 12 })
  dimension: Dimension;

  @Column({ type: 'varchar', length: 50 })
  nameZh: string;

  @Column({ type: 'varchar', length: 100 })
  nameEn: string;

  @Column({ type: 'varchar', length: 12 })
  valueType: ValueType;

  /** Unit of a measurement (cm, kg, ml, s, 5-point …). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  unit: string | null;

  /** Bounds for numeric values (score: lower bound, default 0). */
  @Column({ type: 'numeric', nullable: true })
  minValue: string | null;

  @Column({ type: 'numeric', nullable: true })
  maxValue: string | null;

  /** Default full marks of a score (a file may give its own 满分, at most maxValue). */
  @Column({ type: 'numeric', nullable: true })
  fullMarks: string | null;

  /** Allowed values of a level indicator, e.g. ["A","B","C","D"]. */
  @Column({ type: 'jsonb', nullable: true })
  levels: string[] | null;

  /** Other names files use for it (e.g. 数学, math, Mathematics for a subject). */
  @Column({ type: 'jsonb' })
  aliases: string[];

  /** Shipped with the default catalogue (vs added by an administrator). */
  @Column({ type: 'boolean', default: false })
  builtIn: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  retiredAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
