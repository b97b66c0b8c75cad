import * as path from 'node:path';
import type { ReadStream } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config';
import { type DataScope, studentInScopeSql } from '../../auth/data-scope';
import type { EvidenceResponse } from '../dto/record.dto';
import { IntakeError, notFound } from '../intake.errors';
import { EvidenceStore } from './evidence-store';
import { ALLOWED_EVIDENCE_TYPES, sniffEvidenceType } from './media-type';

type Row = Record<string, unknown>;

/**
 * Evidence files of 写实记录: checked by content (magic bytes) and size, stored once per content
 * in the content-addressed store under `<dataDir>/evidence`, described by a row per attachment.
 * Attaching the same file to the same record again changes nothing.
 */
@Injectable()
export class EvidenceService {
  readonly store: EvidenceStore;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.store = new EvidenceStore(path.join(config.dataDir, 'evidence'));
  }

  async attach(scope: DataScope, actorUserId: string | null, activityRecordId: string, file: { bytes: Buffer; originalName: string }, capturedAt: string | null): Promise<{ evidence: EvidenceResponse; created: boolean }> {
    const record = await this.activityInScope(scope, activityRecordId);
    const limit = this.config.evidenceMaxBytes;
    if (file.bytes.length === 0) throw new IntakeError('EVIDENCE_EMPTY', 'the file is empty', '文件为空');
    if (file.bytes.length > limit) throw new IntakeError('EVIDENCE_TOO_LARGE', `evidence files may be at most ${limit} bytes`, `佐证材料不能超过${limit}字节`);
    const mediaType = sniffEvidenceType(file.bytes);
    if (!mediaType) {
      throw new IntakeError('EVIDENCE_TYPE_NOT_ALLOWED', `the content is not one of ${ALLOWED_EVIDENCE_TYPES.join(', ')} (judged by content, not by the file name)`, '文件内容不是允许的类型（JPEG、PNG、WebP、HEIC照片，PDF或MP4；按内容而非文件名判断）');
    }
    const { sha256 } = await this.store.put(file.bytes);
    const inserted = (await this.dataSource.query(
      `INSERT INTO evidence_files (activity_record_id, school_id, student_id, sha256, media_type, size_bytes, original_name, captured_at, uploaded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (activity_record_id, sha256) DO NOTHING RETURNING id`,
      [activityRecordId, record.school_id, record.student_id, sha256, mediaType, file.bytes.length, file.originalName.slice(0, 255), capturedAt, actorUserId],
    )) as { id: string }[];
    const [row] = (await this.dataSource.query(`${EVIDENCE_SELECT} WHERE f.activity_record_id = $1 AND f.sha256 = $2`, [activityRecordId, sha256])) as Row[];
    return { evidence: toEvidence(row), created: inserted.length > 0 };
  }

  async list(scope: DataScope, activityRecordId: string): Promise<EvidenceResponse[]> {
    await this.activityInScope(scope, activityRecordId);
    return ((await this.dataSource.query(`${EVIDENCE_SELECT} WHERE f.activity_record_id = $1 ORDER BY f.created_at, f.id`, [activityRecordId])) as Row[]).map(toEvidence);
  }

  /** The file's metadata and content, if the caller's scope covers its student. */
  async open(scope: DataScope, evidenceId: string): Promise<{ evidence: EvidenceResponse; content: ReadStream }> {
    const params: unknown[] = [evidenceId];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'f.student_id', schoolIdColumn: 'f.school_id' }, params);
    const [row] = (await this.dataSource.query(`${EVIDENCE_SELECT} WHERE f.id = $1 AND ${inScope}`, params)) as Row[];
    if (!row) throw notFound('evidence file', '佐证材料', evidenceId);
    return { evidence: toEvidence(row), content: this.store.read(row.sha256 as string) };
  }

  private async activityInScope(scope: DataScope, id: string): Promise<{ school_id: string; student_id: string }> {
    const params: unknown[] = [id];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'a.student_id', schoolIdColumn: 'a.school_id' }, params);
    const [row] = (await this.dataSource.query(`SELECT a.school_id, a.student_id FROM activity_records a WHERE a.id = $1 AND ${inScope}`, params)) as { school_id: string; student_id: string }[];
    if (!row) throw notFound('activity record', '写实记录', id);
    return row;
  }
}

const EVIDENCE_SELECT = `
  SELECT f.id, f.activity_record_id, f.sha256, f.media_type, f.size_bytes, f.original_name, f.captured_at, f.created_at,
         (SELECT count(DISTINCT o.student_id)::int FROM evidence_files o WHERE o.sha256 = f.sha256 AND o.student_id <> f.student_id) AS same_file_elsewhere
  FROM evidence_files f`;

function toEvidence(row: Row): EvidenceResponse {
  return {
    id: row.id as string,
    activityRecordId: row.activity_record_id as string,
    sha256: row.sha256 as string,
    mediaType: row.media_type as string,
    sizeBytes: row.size_bytes as number,
    originalName: row.original_name as string,
    capturedAt: row.captured_at ? (row.captured_at as Date).toISOString() : null,
    uploadedAt: (row.created_at as Date).toISOString(),
    sameFileOnOtherStudents: row.same_file_elsewhere as number,
  };
}
