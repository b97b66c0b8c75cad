import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One committed import: which file (SHA-256 of its bytes), of which kind, how many rows and
 * what changed. Re-importing the same bytes is recognised here and changes nothing.
 */
@Entity({ name: 'import_batches' })
@Index('ix_import_batches_kind_sha256', ['kind', 'fileSha256'])
export class ImportBatch {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 40 })
  kind: string;

  @Column({ type: 'char', length: 64 })
  fileSha256: string;

  @Column({ type: 'varchar', length: 255 })
  fileName: string;

  @Column({ type: 'varchar', length: 16 })
  encoding: string;

  @Column({ type: 'integer' })
  rowCount: number;

  /** Counts of what the commit did, e.g. { studentsCreated, studentsUpdated, unchanged }. */
  @Column({ type: 'jsonb' })
  summary: Record<string, number>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
