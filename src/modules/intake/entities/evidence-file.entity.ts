import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { School } from '../../roster/entities/school.entity';
import { Student } from '../../roster/entities/student.entity';
import { ActivityRecord } from './activity-record.entity';

/**
 * An evidence file attached to a 写实记录. The bytes live once in the content-addressed store
 * (data dir/evidence/<sha256[0..2]>/<sha256>), however many records attach them; this row is
 * the attachment's metadata. The same hash on several students' records is a signal for
 * fabricated evidence (DOMAIN.md), so `sha256` is indexed.
 */
@Entity({ name: 'evidence_files' })
@Index('uq_evidence_files_record_sha256', ['activityRecordId', 'sha256'], { unique: true })
@Index('ix_evidence_files_sha256', ['sha256'])
@Check('ck_evidence_files_size', `size_bytes > 0`)
export class EvidenceFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  activityRecordId: string;

  @Index('ix_evidence_files_school_id')
  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  /** Detected from the content (magic bytes), never from the file name. */
  @Column({ type: 'varchar', length: 50 })
  mediaType: string;

  @Column({ type: 'integer' })
  sizeBytes: number;

  @Column({ type: 'varchar', length: 255 })
  originalName: string;

  /** When the photo/scan was taken, as the uploader states it. */
  @Column({ type: 'timestamptz', nullable: true })
  capturedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  uploadedBy: string | null;

  @ManyToOne(() => ActivityRecord, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'activity_record_id' })
  activityRecord?: ActivityRecord;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  @ManyToOne(() => Student, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'student_id' })
  student?: Student;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
