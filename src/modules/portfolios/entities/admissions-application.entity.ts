import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ImportBatch } from '../../imports/entities/import-batch.entity';
import { School } from '../../roster/entities/school.entity';
import { Student } from '../../roster/entities/student.entity';
import { AdmissionsBatch } from './admissions-batch.entity';

/**
 * One application: a student applied to a (high) school in an admission batch. It is what
 * lets that school's admissions officers read the student's sealed portfolio during the
 * batch's period (data-scope.ts). Imported through the `applications` import kind; one row
 * per student × school × batch, so re-importing a file changes nothing.
 */
@Entity({ name: 'admissions_applications' })
@Index('uq_admissions_applications_identity', ['studentId', 'schoolId', 'batchId'], { unique: true })
@Index('ix_admissions_applications_school_batch', ['schoolId', 'batchId'])
export class AdmissionsApplication {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_admissions_applications_student_id')
  @Column({ type: 'uuid' })
  studentId: string;

  /** The receiving school (报考学校). */
  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  batchId: string;

  /** 申请日期. */
  @Column({ type: 'date' })
  appliedOn: string;

  @Column({ type: 'uuid', nullable: true })
  importBatchId: string | null;

  @ManyToOne(() => Student, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id' })
  student?: Student;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  @ManyToOne(() => AdmissionsBatch, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'batch_id' })
  batch?: AdmissionsBatch;

  @ManyToOne(() => ImportBatch, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'import_batch_id' })
  importBatch?: ImportBatch | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
