import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Region } from '../../roster/entities/region.entity';
import { EvaluationRubric } from './evaluation-rubric.entity';

/**
 * Which rubric version a cohort is evaluated by. A cohort (届) is a school stage (the grade's
 * stage: primary, junior, senior) and the school year its students entered that stage
 * (`entryYear` 2024 = entered in 2024-2025), optionally narrowed to a region (and the regions
 * below it). One assignment per cohort and region; a regional assignment wins over the
 * deployment-wide one (regionId null) for schools in that region.
 */
@Entity({ name: 'evaluation_assignments' })
@Index('uq_evaluation_assignments_cohort', ['stage', 'entryYear'], { unique: true, where: 'region_id IS NULL' })
@Index('uq_evaluation_assignments_cohort_region', ['stage', 'entryYear', 'regionId'], { unique: true, where: 'region_id IS NOT NULL' })
@Check('ck_evaluation_assignments_stage', `stage IN ('primary', 'junior', 'senior')`)
@Check('ck_evaluation_assignments_entry_year', `entry_year BETWEEN 2000 AND 2100`)
export class EvaluationAssignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  stage: string;

  @Column({ type: 'smallint' })
  entryYear: number;

  @Column({ type: 'uuid', nullable: true })
  regionId: string | null;

  @Index('ix_evaluation_assignments_rubric_id')
  @Column({ type: 'uuid' })
  rubricId: string;

  @Column({ type: 'uuid', nullable: true })
  assignedBy: string | null;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id' })
  region?: Region | null;

  @ManyToOne(() => EvaluationRubric, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'rubric_id' })
  rubric?: EvaluationRubric;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
