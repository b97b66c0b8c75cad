import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Grade } from './grade.entity';
import { School } from './school.entity';

/** A class (班级) of one school, grade and school year, e.g. 2024-2025 J1 (3)班. */
@Entity({ name: 'school_classes' })
@Index('uq_school_classes_school_year_grade_name', ['schoolId', 'schoolYear', 'gradeCode', 'name'], { unique: true })
export class SchoolClass {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_school_classes_school_id')
  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'varchar', length: 9 })
  schoolYear: string;

  @Column({ type: 'varchar', length: 4 })
  gradeCode: string;

  @Column({ type: 'varchar', length: 50 })
  name: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  @ManyToOne(() => Grade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'grade_code' })
  grade?: Grade;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
