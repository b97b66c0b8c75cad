import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { School } from './school.entity';
import { SchoolClass } from './school-class.entity';
import { Student } from './student.entity';
import { Term } from './term.entity';

/** A student's place in a class for one term; one enrolment per student and term. */
@Entity({ name: 'enrolments' })
@Index('uq_enrolments_student_term', ['studentId', 'termId'], { unique: true })
export class Enrolment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Index('ix_enrolments_class_id')
  @Column({ type: 'uuid' })
  classId: string;

  @Index('ix_enrolments_term_id')
  @Column({ type: 'uuid' })
  termId: string;

  @Index('ix_enrolments_school_id')
  @Column({ type: 'uuid' })
  schoolId: string;

  @ManyToOne(() => Student, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id' })
  student?: Student;

  @ManyToOne(() => SchoolClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id' })
  schoolClass?: SchoolClass;

  @ManyToOne(() => Term, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'term_id' })
  term?: Term;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
