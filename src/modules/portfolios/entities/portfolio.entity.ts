import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { School } from '../../roster/entities/school.entity';
import { Student } from '../../roster/entities/student.entity';

/**
 * The steps of a 综合素质档案, in order (DOMAIN.md "Archive"): compiled from the stored results,
 * confirmed by the student, commented by the class teacher, signed off by the school, sealed.
 */
export const PORTFOLIO_STATUSES = ['compiled', 'student_confirmed', 'commented', 'signed_off', 'sealed'] as const;
export type PortfolioStatus = (typeof PORTFOLIO_STATUSES)[number];

/**
 * One version of a student's 综合素质档案 (portfolio). Each workflow step is stored with who and
 * when. Sealing writes `snapshot`, the canonical JSON of everything the portfolio says, and
 * `contentSha256`, the SHA-256 of its UTF-8 bytes; from then on the row is immutable (a
 * trigger refuses UPDATE and DELETE of sealed rows, migration AddPortfolios). An upheld appeal
 * reopens it as a new version (`supersedesId`, `reopenReason`); old versions stay readable.
 */
@Entity({ name: 'portfolios' })
@Index('uq_portfolios_student_version', ['studentId', 'version'], { unique: true })
@Index('uq_portfolios_one_open_version', ['studentId'], { unique: true, where: `status <> 'sealed'` })
@Check('ck_portfolios_status', `status IN ('compiled', 'student_confirmed', 'commented', 'signed_off', 'sealed')`)
@Check('ck_portfolios_sealed', `(status = 'sealed') = (snapshot IS NOT NULL AND content_sha256 IS NOT NULL AND sealed_at IS NOT NULL)`)
export class Portfolio {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  studentId: string;

  /** The student's school when the portfolio was compiled (the school that signs it off). */
  @Index('ix_portfolios_school_id')
  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 20 })
  status: PortfolioStatus;

  /** The previous (sealed) version this one reopens, and why (an upheld appeal). */
  @Column({ type: 'uuid', nullable: true })
  supersedesId: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reopenReason: string | null;

  /** The compiled sections (records, evaluations, fitness, art, labour, growth). */
  @Column({ type: 'jsonb' })
  content: Record<string, unknown>;

  /** Graduation level per dimension (moral … labour → A–D) from the content, for the admissions list's filters. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  dimensionLevels: Record<string, string>;

  @Column({ type: 'timestamptz' })
  compiledAt: Date;

  @Column({ type: 'uuid', nullable: true })
  compiledBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  studentConfirmedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  studentConfirmedBy: string | null;

  /** 班主任评语. */
  @Column({ type: 'text', nullable: true })
  classTeacherComment: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  commentedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  commentedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  signedOffAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  signedOffBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sealedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  sealedBy: string | null;

  /** The sealed snapshot: canonical JSON text, exactly the bytes that were hashed. */
  @Column({ type: 'text', nullable: true })
  snapshot: string | null;

  /** SHA-256 (hex) of the snapshot's UTF-8 bytes. */
  @Column({ type: 'char', length: 64, nullable: true })
  contentSha256: string | null;

  @ManyToOne(() => Student, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id' })
  student?: Student;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  @ManyToOne(() => Portfolio, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'supersedes_id' })
  supersedes?: Portfolio | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
