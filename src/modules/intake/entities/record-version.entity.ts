import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const VERSIONED_RECORD_KINDS = ['term_record', 'activity_record'] as const;
export type VersionedRecordKind = (typeof VERSIONED_RECORD_KINDS)[number];

/**
 * A superseded version of a term record or 写实记录: the values it had, who set them and when
 * (`recordedBy`/`recordedAt` of that version), and when it was superseded. The current version
 * stays on the record itself; history = these rows by version + the record.
 */
@Entity({ name: 'record_versions' })
@Index('uq_record_versions_record_version', ['recordKind', 'recordId', 'version'], { unique: true })
@Index('ix_record_versions_school_id', ['schoolId'])
@Check('ck_record_versions_kind', `record_kind IN ('term_record', 'activity_record')`)
export class RecordVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 20 })
  recordKind: VersionedRecordKind;

  /** No foreign key: one table serves two record tables. */
  @Column({ type: 'uuid' })
  recordId: string;

  @Column({ type: 'uuid' })
  schoolId: string;

  @Column({ type: 'uuid' })
  studentId: string;

  @Column({ type: 'integer' })
  version: number;

  /** The record's values in that version (camelCase keys, as the record response shows them). */
  @Column({ type: 'jsonb' })
  snapshot: Record<string, unknown>;

  @Column({ type: 'varchar', length: 20 })
  source: string;

  @Column({ type: 'uuid', nullable: true })
  recordedBy: string | null;

  @Column({ type: 'timestamptz' })
  recordedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  importBatchId: string | null;

  /** When this version was replaced by the next. */
  @CreateDateColumn({ type: 'timestamptz' })
  supersededAt: Date;
}
