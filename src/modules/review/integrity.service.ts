import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import { type DataScope, studentInScopeSql } from '../auth/data-scope';
import { Clock } from './clock';
import type { IntegrityFlagResponse, ListFlagsQueryDto } from './dto/integrity.dto';
import { INTEGRITY_RULES, type IntegrityRule } from './entities/integrity-flag.entity';
import type { Row } from './record-transitions';
import { ReviewSettingsService } from './review-settings.service';
import { ReviewError, reviewNotFound } from './review.errors';

/** Records that count as another claim of the student's time (not drafts, not refused or revoked ones). */
const COUNTED = `NOT IN ('DRAFT', 'REJECTED', 'REVOKED')`;

/**
 * The rules, each one INSERT … SELECT over the records to check ($1), idempotent through the
 * (record, rule, fingerprint) key. $2 detected_by, $3 now, $4 max hours a day, $5 burst count,
 * $6 burst minutes.
 */
const RULES: Readonly<Record<IntegrityRule, string>> = {
  // The same file (SHA-256) attached to records of different students.
  duplicate_evidence: `
    SELECT f.activity_record_id, a.school_id, a.student_id, 'duplicate_evidence', f.sha256,
           jsonb_build_object('sha256', f.sha256, 'otherStudents', count(DISTINCT o.student_id))
    FROM evidence_files f JOIN activity_records a ON a.id = f.activity_record_id
    JOIN evidence_files o ON o.sha256 = f.sha256 AND o.student_id <> f.student_id
    WHERE f.activity_record_id = ANY($1::uuid[])
    GROUP BY f.activity_record_id, a.school_id, a.student_id, f.sha256`,
  // Two one-day activities of one student whose times of day overlap.
  overlapping_times: `
    SELECT a.id, a.school_id, a.student_id, 'overlapping_times', o.id::text,
           jsonb_build_object('date', a.start_date::text, 'from', to_char(a.start_time, 'HH24:MI'), 'to', to_char(a.end_time, 'HH24:MI'),
                              'otherRecordId', o.id, 'otherTitle', o.title, 'otherFrom', to_char(o.start_time, 'HH24:MI'), 'otherTo', to_char(o.end_time, 'HH24:MI'))
    FROM activity_records a JOIN activity_records o
      ON o.student_id = a.student_id AND o.id <> a.id AND o.start_date = a.start_date AND o.status ${COUNTED}
     AND o.start_time IS NOT NULL AND a.start_time IS NOT NULL AND o.start_time < a.end_time AND a.start_time < o.end_time
    WHERE a.id = ANY($1::uuid[])`,
  // More hours a day than a day can hold: one record's hours over its days, or one day's one-day records together.
  implausible_hours: `
    SELECT a.id, a.school_id, a.student_id, 'implausible_hours', 'record',
           jsonb_build_object('hours', a.hours, 'days', d.days, 'hoursPerDay', round(a.hours / d.days, 2), 'threshold', $4::numeric)
    FROM activity_records a CROSS JOIN LATERAL (SELECT (coalesce(a.end_date, a.start_date) - a.start_date + 1) AS days) d
    WHERE a.id = ANY($1::uuid[]) AND a.hours IS NOT NULL AND a.hours / d.days > $4::numeric
    UNION ALL
    SELECT a.id, a.school_id, a.student_id, 'implausible_hours', 'day:' || a.start_date::text,
           jsonb_build_object('date', a.start_date::text, 'hoursThatDay', t.total, 'records', t.records, 'threshold', $4::numeric)
    FROM activity_records a CROSS JOIN LATERAL (
      SELECT sum(o.hours) AS total, count(*)::int AS records FROM activity_records o
      WHERE o.student_id = a.student_id AND o.start_date = a.start_date AND coalesce(o.end_date, o.start_date) = o.start_date AND o.hours IS NOT NULL
        AND (o.id = a.id OR o.status ${COUNTED})) t
    WHERE a.id = ANY($1::uuid[]) AND coalesce(a.end_date, a.start_date) = a.start_date AND a.hours <= $4::numeric AND t.total > $4::numeric`,
  // Many submissions for one student within a few minutes (ghost-writing, bulk fabrication).
  submission_burst: `
    SELECT a.id, a.school_id, a.student_id, 'submission_burst', 'burst',
           jsonb_build_object('submissions', b.n, 'withinMinutes', $6::int, 'threshold', $5::int, 'lastAt', s.last_at)
    FROM activity_records a
    CROSS JOIN LATERAL (SELECT max(at) AS last_at FROM activity_record_transitions WHERE activity_record_id = a.id AND action = 'submit') s
    CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM activity_record_transitions x
                        WHERE x.student_id = a.student_id AND x.action = 'submit' AND x.at > s.last_at - make_interval(mins => $6::int) AND x.at <= s.last_at) b
    WHERE a.id = ANY($1::uuid[]) AND s.last_at IS NOT NULL AND b.n >= $5::int`,
};

/**
 * Integrity checks (issue 7, point 4), run on every submission and on demand: duplicate
 * evidence across students, overlapping activity times, implausible hours per day, bursts of
 * submissions. A hit becomes an open flag in the review queue; it never changes the record's
 * status — a person clears or confirms it and acts through the workflow (never a silent reject).
 */
@Injectable()
export class IntegrityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: ReviewSettingsService,
    private readonly clock: Clock,
  ) {}

  /** Runs every rule over the records; returns the new flags per rule. */
  async checkRecords(recordIds: readonly string[], detectedBy: 'submission' | 'scan'): Promise<Record<IntegrityRule, number>> {
    const settings = await this.settings.get();
    const counts = Object.fromEntries(INTEGRITY_RULES.map((rule) => [rule, 0])) as Record<IntegrityRule, number>;
    if (recordIds.length === 0) return counts;
    for (const rule of INTEGRITY_RULES) {
      const inserted = (await this.dataSource.query(
        // The CTE types every setting parameter, including those this rule does not use.
        `WITH parameters AS (SELECT $4::numeric AS max_hours_per_day, $5::int AS burst_count, $6::int AS burst_minutes)
         INSERT INTO integrity_flags (activity_record_id, school_id, student_id, rule, fingerprint, details, status, detected_by, detected_at)
         SELECT hit.*, 'open', $2::text, $3::timestamptz FROM (${RULES[rule]}) hit
         ON CONFLICT (activity_record_id, rule, fingerprint) DO NOTHING RETURNING id`,
        [recordIds, detectedBy, this.clock.now(), settings.maxHoursPerDay, settings.burstCount, settings.burstMinutes],
      )) as unknown[];
      counts[rule] = inserted.length;
    }
    return counts;
  }

  /** On demand: every submitted-or-later record of a term within the caller's scope (optionally one school). */
  async scan(scope: DataScope, termId: string, schoolId: string | undefined): Promise<{ recordsChecked: number; newFlags: Record<IntegrityRule, number> }> {
    const params: unknown[] = [termId];
    const where = [`a.term_id = $1`, `a.status NOT IN ('DRAFT', 'REVOKED')`, studentInScopeSql(scope, { studentIdColumn: 'a.student_id', schoolIdColumn: 'a.school_id' }, params)];
    if (schoolId) {
      params.push(schoolId);
      where.push(`a.school_id = $${params.length}`);
    }
    const ids = ((await this.dataSource.query(`SELECT a.id FROM activity_records a WHERE ${where.join(' AND ')}`, params)) as { id: string }[]).map((row) => row.id);
    return { recordsChecked: ids.length, newFlags: await this.checkRecords(ids, 'scan') };
  }

  async list(scope: DataScope, query: ListFlagsQueryDto): Promise<Page<IntegrityFlagResponse>> {
    const params: unknown[] = [];
    const where = [studentInScopeSql(scope, { studentIdColumn: 'f.student_id', schoolIdColumn: 'f.school_id' }, params)];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    add((n) => `f.status = $${n}`, query.status ?? 'open');
    if (query.rule) add((n) => `f.rule = $${n}`, query.rule);
    if (query.termId) add((n) => `a.term_id = $${n}`, query.termId);
    if (query.activityRecordId) add((n) => `f.activity_record_id = $${n}`, query.activityRecordId);
    const sql = `${FLAG_SELECT} WHERE ${where.join(' AND ')}`;
    const { page, pageSize, skip, take } = pageWindow(query);
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) counted`, params)) as { total: number }[];
    const rows = (await this.dataSource.query(`${sql} ORDER BY f.detected_at, f.id LIMIT ${take} OFFSET ${skip}`, params)) as Row[];
    return { items: rows.map(toFlag), page, pageSize, total };
  }

  async resolve(scope: DataScope, userId: string, id: string, outcome: 'cleared' | 'confirmed', remark: string): Promise<IntegrityFlagResponse> {
    const params: unknown[] = [id];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'f.student_id', schoolIdColumn: 'f.school_id' }, params);
    const [row] = (await this.dataSource.query(`${FLAG_SELECT} WHERE f.id = $1 AND ${inScope}`, params)) as Row[];
    if (!row) throw reviewNotFound('integrity flag', '诚信预警', id);
    if (row.status !== 'open') throw new ReviewError('FLAG_ALREADY_RESOLVED', `this flag was already ${row.status}`, '该预警已处理', { status: row.status });
    await this.dataSource.query(`UPDATE integrity_flags SET status = $2, resolved_by = $3, resolved_at = $4, resolution_remark = $5 WHERE id = $1 AND status = 'open'`, [id, outcome, userId, this.clock.now(), remark]);
    const [updated] = (await this.dataSource.query(`${FLAG_SELECT} WHERE f.id = $1`, [id])) as Row[];
    return toFlag(updated);
  }
}

const FLAG_SELECT = `
  SELECT f.id, f.activity_record_id, f.school_id, f.student_id, s.name AS student_name, a.title, a.status AS record_status, f.rule, f.details, f.status,
         f.detected_by, f.detected_at, f.resolved_by, f.resolved_at, f.resolution_remark
  FROM integrity_flags f JOIN activity_records a ON a.id = f.activity_record_id JOIN students s ON s.id = f.student_id`;

const RULE_NAMES_ZH: Readonly<Record<IntegrityRule, string>> = {
  duplicate_evidence: '佐证材料与其他学生重复',
  overlapping_times: '活动时间重叠',
  implausible_hours: '每日时长不合理',
  submission_burst: '短时间内集中提交',
};

function toFlag(row: Row): IntegrityFlagResponse {
  return {
    id: row.id as string,
    activityRecordId: row.activity_record_id as string,
    schoolId: row.school_id as string,
    studentId: row.student_id as string,
    studentName: row.student_name as string,
    recordTitle: row.title as string,
    recordStatus: row.record_status as string,
    rule: row.rule as IntegrityRule,
    ruleZh: RULE_NAMES_ZH[row.rule as IntegrityRule],
    details: row.details as Record<string, unknown>,
    status: row.status as string,
    detectedBy: row.detected_by as string,
    detectedAt: (row.detected_at as Date).toISOString(),
    resolvedBy: row.resolved_by as string | null,
    resolvedAt: row.resolved_at ? (row.resolved_at as Date).toISOString() : null,
    resolutionRemark: row.resolution_remark as string | null,
  };
}
