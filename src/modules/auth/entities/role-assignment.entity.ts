import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Region } from '../../roster/entities/region.entity';
import { SchoolClass } from '../../roster/entities/school-class.entity';
import { School } from '../../roster/entities/school.entity';
import { Student } from '../../roster/entities/student.entity';
import type { Role } from '../roles';
import { User } from './user.entity';

/**
 * One role a user holds, with its target in the organisation tree: none (city admin: the
 * whole deployment), a region (district officer), a school (school admin, registrar, admissions officer), a class (teacher)
 * or a student (the student, a guardian). A user may hold several.
 */
@Entity({ name: 'role_assignments' })
@Check('ck_role_assignments_one_target', `num_nonnulls(region_id, school_id, class_id, student_id) <= 1`)
export class RoleAssignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_role_assignments_user_id')
  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  role: Role;

  @Column({ type: 'uuid', nullable: true })
  regionId: string | null;

  @Column({ type: 'uuid', nullable: true })
  schoolId: string | null;

  @Column({ type: 'uuid', nullable: true })
  classId: string | null;

  @Column({ type: 'uuid', nullable: true })
  studentId: string | null;

  @Column({ type: 'uuid', nullable: true })
  grantedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id' })
  region?: Region;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  @ManyToOne(() => SchoolClass, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'class_id' })
  schoolClass?: SchoolClass;

  @ManyToOne(() => Student, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id' })
  student?: Student;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
