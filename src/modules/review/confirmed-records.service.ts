import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ConfirmedRecordChanged } from './review-events';
import type { Row } from './record-transitions';

/** A confirmed 写实记录 as a portfolio compiles it: content, version, when confirmed, evidence fingerprints. */
export interface ConfirmedRecord {
  id: string;
  studentId: string;
  schoolId: string;
  term: { id: string; code: string };
  dimension: string;
  recordType: string;
  title: string;
  level: string | null;
  role: string | null;
  startDate: string;
  endDate: string | null;
  hours: number | null;
  location: string | null;
  organiser: string | null;
  awardRank: string | null;
  source: string;
  /** CONFIRMED, or AMENDED (a corrected version of a confirmed record). */
  status: 'CONFIRMED' | 'AMENDED';
  version: number;
  confirmedAt: string;
  /** When the current version was confirmed or amended. */
  lastChangedAt: string;
  evidence: { sha256: string; mediaType: string; sizeBytes: number }[];
}

/**
 * What other modules (portfolios) read from the review workflow. No data scope here: the
 * caller is a module that applies its own (the portfolio's reader was authorised already).
 * Exported by ReviewModule; the module never imports its readers.
 */
@Injectable()
export class ConfirmedRecordsService {
  constructor(private readonly dataSource: DataSource) {}

  /** The student's confirmed records (CONFIRMED and AMENDED), optionally of one term, oldest first. */
  async confirmedRecordsForStudent(studentId: string, options: { termId?: string } = {}): Promise<ConfirmedRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT a.id, a.student_id, a.school_id, a.term_id, t.code AS term_code, a.dimension, a.record_type, a.title, a.level, a.role, a.start_date::text AS start_date,
              a.end_date::text AS end_date, a.hours, a.location, a.organiser, a.award_rank, a.source, a.status, a.version, a.updated_at,
              (SELECT min(x.at) FROM activity_record_transitions x WHERE x.activity_record_id = a.id AND x.action = 'confirm') AS confirmed_at,
              (SELECT max(x.at) FROM activity_record_transitions x WHERE x.activity_record_id = a.id AND x.action IN ('confirm', 'amend')) AS last_changed_at,
              coalesce((SELECT jsonb_agg(jsonb_build_object('sha256', f.sha256, 'mediaType', f.media_type, 'sizeBytes', f.size_bytes) ORDER BY f.sha256)
                        FROM evidence_files f WHERE f.activity_record_id = a.id), '[]'::jsonb) AS evidence
       FROM activity_records a JOIN terms t ON t.id = a.term_id
       WHERE a.student_id = $1 AND a.status IN ('CONFIRMED', 'AMENDED') AND ($2::uuid IS NULL OR a.term_id = $2)
       ORDER BY t.code, a.start_date, a.id`,
      [studentId, options.termId ?? null],
    )) as Row[];
    return rows.map((row) => ({
      id: row.id as string,
      studentId: row.student_id as string,
      schoolId: row.school_id as string,
      term: { id: row.term_id as string, code: row.term_code as string },
      dimension: row.dimension as string,
      recordType: row.record_type as string,
      title: row.title as string,
      level: row.level as string | null,
      role: row.role as string | null,
      startDate: row.start_date as string,
      endDate: row.end_date as string | null,
      hours: row.hours === null ? null : Number(row.hours),
      location: row.location as string | null,
      organiser: row.organiser as string | null,
      awardRank: row.award_rank as string | null,
      source: row.source as string,
      status: row.status as 'CONFIRMED' | 'AMENDED',
      version: row.version as number,
      // Imported records may arrive confirmed without a workflow history: their last write stands in.
      confirmedAt: ((row.confirmed_at as Date | null) ?? (row.updated_at as Date)).toISOString(),
      lastChangedAt: ((row.last_changed_at as Date | null) ?? (row.updated_at as Date)).toISOString(),
      evidence: row.evidence as ConfirmedRecord['evidence'],
    }));
  }

  /**
   * Confirmed records amended or revoked after `since` (oldest first): the durable form of the
   * ReviewEvents hook, for a subscriber catching up.
   */
  async changesSince(since: Date, options: { studentId?: string } = {}): Promise<ConfirmedRecordChanged[]> {
    const rows = (await this.dataSource.query(
      `SELECT x.activity_record_id, x.student_id, x.school_id, a.term_id, x.action, x.remark, x.context, x.at,
              coalesce((x.context->>'version')::int, a.version) AS version
       FROM activity_record_transitions x JOIN activity_records a ON a.id = x.activity_record_id
       WHERE x.at > $1 AND x.action IN ('amend', 'revoke') AND x.from_status IN ('CONFIRMED', 'AMENDED') AND ($2::uuid IS NULL OR x.student_id = $2)
       ORDER BY x.at, x.seq`,
      [since, options.studentId ?? null],
    )) as Row[];
    return rows.map((row) => {
      const context = row.context as { appealId?: string; cause?: string };
      return {
        recordId: row.activity_record_id as string,
        studentId: row.student_id as string,
        schoolId: row.school_id as string,
        termId: row.term_id as string,
        change: row.action === 'revoke' ? 'revoked' : 'amended',
        cause: context.cause === 'appeal' ? 'appeal' : 'integrity_case',
        appealId: context.appealId ?? null,
        reason: (row.remark as string | null) ?? '',
        version: row.version as number,
        at: (row.at as Date).toISOString(),
      };
    });
  }
}
