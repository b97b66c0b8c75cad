import { Check, JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { School } from './school.entity';

export const STUDENT_STATUSES = ['enrolled', 'transferred_out', 'graduated', 'suspended'] as const;
export type StudentStatus = (typeof STUDENT_STATUSES)[number];

/**
 * A student. studentNumber is the national 学籍号 (sensitive; masked on the wire for most
 * roles once access control lands). sexCode per GB/T 2261.1 (1 male, 2 female);
 * ethnicityCode per GB 3304 (01–56, 97, 98).
 */
@Entity({ name: 'students' })
// Lists of a school's students, in 学籍号 order, one page at a time: without the pair the planner walked
// the whole 学籍号 index filtering by school (≈ 100 ms at city scale, bench:load; ADR 1031).
@Index('ix_students_school_number', ['schoolId', 'studentNumber'])
@Check('ck_students_sex_code', `sex_code IN ('0', '1', '2', '9')`)
@Check('ck_students_status', `status IN ('enrolled', 'transferred_out', 'graduated', 'suspended')`)
export class Student {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_students_student_number', { unique: true })
  @Column({ type: 'varchar', length: 19 })
  studentNumber: string;

  @Column({ type: 'varchar', length: 50 })
  name: string;

  @Column({ type: 'char', length: 1 })
  sexCode: string;

  @Column({ type: 'date' })
  birthDate: string;

  @Column({ type: 'char', length: 2 })
  ethnicityCode: string;

  @Column({ type: 'varchar', length: 16, default: 'enrolled' })
  status: StudentStatus;

  /** Current school; kept on the row so scope checks and future partitioning need no join. */
  @Column({ type: 'uuid' })
  schoolId: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
