import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Student } from '../../roster/entities/student.entity';
import { EvaluationRun } from './evaluation-run.entity';

/**
 * One student × dimension result of a run (term or graduation): the score, the level the
 * cut-offs gave (`computedLevel`), the level after the quota check (`level`), and the
 * provenance — for a term result the rules, formula terms, aggregate values and record ids
 * that produced each point; for a graduation result the term scores, weights and run ids.
 * `school_id` (the student's school in the run) is on the row for the data scope.
 */
@Entity({ name: 'evaluation_results' })
@Index('uq_evaluation_results_run_student_dimension', ['runId', 'studentId', 'dimension'], { unique: true })
@Index('ix_evaluation_results_student_id', ['studentId'])
@Index('ix_evaluation_results_run_school', ['runId', 'schoolId'])
@Check('ck_evaluation_results_levels', `computed_level IN ('A', 'B', 'C', 'D') AND level IN ('A', 'B', 'C', 'D')`)
export class EvaluationResult {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  runId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'varchar', length: 12 })
  dimension: string;

  /** Rounded to 0.01 (the value the cut-offs compare). */
  @Column({ type: 'double precision' })
  score: number;

  @Column({ type: 'char', length: 1 })
  computedLevel: string;

  @Column({ type: 'char', length: 1 })
  level: string;

  @Column({ type: 'boolean', default: false })
  quotaAdjusted: boolean;

  @Column({ type: 'jsonb' })
  provenance: Record<string, unknown>;

  @ManyToOne(() => EvaluationRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: EvaluationRun;

  @ManyToOne(() => Student, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id' })
  student?: Student;
}
