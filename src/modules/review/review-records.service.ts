import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import type { Actor } from '../auth/actor';
import { type DataScope, NOTHING, studentInScopeSql } from '../auth/data-scope';
import type { ActivityStatus } from '../intake/dimensions';
import { EvidenceService } from '../intake/evidence/evidence.service';
import type { EvidenceResponse } from '../intake/dto/record.dto';
import { Clock } from './clock';
import type { CreateReviewRecordDto, ListReviewRecordsQueryDto, ReviewRecordResponse, TransitionResponse, UpdateReviewRecordDto } from './dto/record.dto';
import { IntegrityService } from './integrity.service';
import { type ActingAs, actingAs, type LockedRecord, RecordTransitions, type Row } from './record-transitions';
import { ReviewSettingsService } from './review-settings.service';
import { ReviewError, reviewNotFound } from './review.errors';
import { ACTION_NAMES_ZH, allowedActions, EDITABLE_STATUSES, type ReviewAction } from './workflow/transitions';

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const hhmm = (value: unknown) => (value === null || value === undefined ? null : String(value).slice(0, 5));

export const RECORD_SELECT = `
  SELECT a.id, a.student_id, s.name AS student_name, a.school_id, a.term_id, t.code AS term_code, a.dimension, a.record_type, a.title, a.level, a.role,
         a.start_date::text AS start_date, a.end_date::text AS end_date, a.start_time::text AS start_time, a.end_time::text AS end_time, a.hours,
         a.location, a.organiser, a.award_rank, a.source, a.status, a.review_remark, a.student_confirmed_at, a.version, a.recorded_by, a.updated_at,
         (SELECT count(*)::int FROM integrity_flags f WHERE f.activity_record_id = a.id AND f.status = 'open') AS open_flags
  FROM activity_records a JOIN students s ON s.id = a.student_id JOIN terms t ON t.id = a.term_id`;

export function toReviewRecord(row: Row): ReviewRecordResponse {
  const onBehalf = row.source === 'teacher_on_behalf';
  return {
    id: row.id as string,
    studentId: row.student_id as string,
    studentName: row.student_name as string,
    schoolId: row.school_id as string,
    term: { id: row.term_id as string, code: row.term_code as string },
    dimension: row.dimension as string,
    recordType: row.record_type as string,
    title: row.title as string,
    level: row.level as string | null,
    role: row.role as string | null,
    startDate: row.start_date as string,
    endDate: row.end_date as string | null,
    startTime: hhmm(row.start_time),
    endTime: hhmm(row.end_time),
    hours: num(row.hours),
    location: row.location as string | null,
    organiser: row.organiser as string | null,
    awardRank: row.award_rank as string | null,
    source: row.source as string,
    enteredOnBehalf: onBehalf,
    needsStudentConfirmation: onBehalf && row.student_confirmed_at === null,
    studentConfirmedAt: row.student_confirmed_at ? (row.student_confirmed_at as Date).toISOString() : null,
    status: row.status as string,
    reviewRemark: row.review_remark as string | null,
    version: row.version as number,
    nextActions: allowedActions(row.status as ActivityStatus),
    openIntegrityFlags: row.open_flags as number,
    recordedBy: row.recorded_by as string | null,
    updatedAt: (row.updated_at as Date).toISOString(),
  };
}

/** The content columns a person edits, and how they appear in a version snapshot. */
const CONTENT_FIELDS = [
  ['dimension', 'dimension'],
  ['recordType', 'record_type'],
  ['title', 'title'],
  ['level', 'level'],
  ['role', 'role'],
  ['startDate', 'start_date'],
  ['endDate', 'end_date'],
  ['startTime', 'start_time'],
  ['endTime', 'end_time'],
  ['hours', 'hours'],
  ['location', 'location'],
  ['organiser', 'organiser'],
  ['awardRank', 'award_rank'],
] as const;
export type RecordContent = Partial<Record<(typeof CONTENT_FIELDS)[number][0], string | number | null>>;

/**
 * 写实记录 entered by people (issue 7, point 3): a student's own, or a teacher's on behalf of a
 * student of their class (source teacher_on_behalf: flagged, and it cannot be verified or
 * selected before the student confirms it). Authors edit DRAFT and RETURNED records and submit;
 * reviewers (records.review) verify, return with a remark, reject with a reason and select at
 * term end within the per-dimension caps. Every step goes through RecordTransitions.
 */
@Injectable()
export class ReviewRecordsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: RecordTransitions,
    private readonly evidence: EvidenceService,
    private readonly settings: ReviewSettingsService,
    private readonly integrity: IntegrityService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, dto: CreateReviewRecordDto): Promise<ReviewRecordResponse> {
    const own = actor.scopeFor('records.submit');
    const onBehalf = actor.scopeFor('records.onbehalf');
    if (own === NOTHING && onBehalf === NOTHING) throw noRecordPermission();
    const studentId = dto.studentId ?? (own.studentIds.length === 1 ? own.studentIds[0] : undefined);
    if (!studentId) throw new ReviewError('INVALID_RECORD', 'studentId is required', '请指定学生（studentId）');
    const as = (await this.studentIn(own, studentId)) ? 'student' : (await this.studentIn(onBehalf, studentId)) ? 'teacher_on_behalf' : null;
    if (!as) throw reviewNotFound('student', '学生', studentId);
    const by = actingAs(actor, as === 'student' ? 'records.submit' : 'records.onbehalf');

    return this.dataSource.transaction(async (manager) => {
      const [enrolment] = (await manager.query(
        `SELECT e.school_id, t.start_date::text AS term_start, t.end_date::text AS term_end FROM enrolments e JOIN terms t ON t.id = e.term_id WHERE e.student_id = $1 AND e.term_id = $2`,
        [studentId, dto.termId],
      )) as Row[];
      if (!enrolment) throw new ReviewError('NOT_ENROLLED', 'the student is not enrolled in that term', '该学生在该学期没有在籍记录');
      const content = checkContent({ ...dto }, { start: enrolment.term_start as string, end: enrolment.term_end as string });
      const inserted = (await manager.query(
        `INSERT INTO activity_records (school_id, student_id, term_id, dimension, record_type, title, level, role, start_date, end_date, start_time, end_time, hours, location, organiser, award_rank,
                                       source, status, recorded_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'DRAFT', $18, $19, $19)
         ON CONFLICT (student_id, term_id, title, start_date) DO NOTHING RETURNING id`,
        [
          enrolment.school_id, studentId, dto.termId, content.dimension, content.recordType, content.title, content.level ?? null, content.role ?? null, content.startDate, content.endDate ?? null,
          content.startTime ?? null, content.endTime ?? null, content.hours ?? null, content.location ?? null, content.organiser ?? null, content.awardRank ?? null, as, actor.userId, this.clock.now(),
        ],
      )) as { id: string }[];
      if (inserted.length === 0) throw new ReviewError('DUPLICATE_RECORD', 'this student already has a record with this title and start date in the term', '该学生本学期已有同名同日期的写实记录');
      const record = { id: inserted[0].id, schoolId: enrolment.school_id as string, studentId };
      await this.transitions.record(manager, record, 'create', by, { to: 'DRAFT', context: { source: as } });
      return this.read(manager, record.id);
    });
  }

  async update(actor: Actor, id: string, dto: UpdateReviewRecordDto): Promise<ReviewRecordResponse> {
    return this.dataSource.transaction(async (manager) => {
      const { record, by } = await this.lockAsAuthor(manager, actor, id);
      if (!EDITABLE_STATUSES.includes(record.status)) {
        throw new ReviewError('NOT_EDITABLE', `a ${record.status} record cannot be edited; only DRAFT and RETURNED records can`, '只有草稿或被退回的写实记录可以修改', { status: record.status });
      }
      const [current] = (await manager.query(`${RECORD_SELECT} WHERE a.id = $1`, [id])) as Row[];
      const [term] = (await manager.query(`SELECT start_date::text AS start, end_date::text AS end FROM terms WHERE id = $1`, [record.termId])) as { start: string; end: string }[];
      const before = snapshotOf(current);
      const merged = checkContent({ ...before, ...definedOnly(dto) } as RecordContent & { dimension: string; recordType: string; title: string; startDate: string }, term);
      // A teacher changing an on-behalf record after the student confirmed it: the student confirms again.
      const resetConfirmation = record.source === 'teacher_on_behalf' && by.role !== 'student';
      await this.keepVersion(manager, record, current, before);
      const sets = CONTENT_FIELDS.map(([, column], index) => `${column} = $${index + 2}`).join(', ');
      await manager.query(
        `UPDATE activity_records SET ${sets}, version = version + 1, recorded_by = $${CONTENT_FIELDS.length + 2}, updated_at = $${CONTENT_FIELDS.length + 3}
           ${resetConfirmation ? ', student_confirmed_at = NULL' : ''} WHERE id = $1`,
        [id, ...CONTENT_FIELDS.map(([field]) => merged[field] ?? null), actor.userId, this.clock.now()],
      );
      const changed = CONTENT_FIELDS.filter(([field]) => String(before[field] ?? '') !== String(merged[field] ?? '')).map(([field]) => field);
      await this.transitions.record(manager, record, 'edit', by, { context: { version: record.version + 1, changed } });
      return this.read(manager, id);
    });
  }

  async attachEvidence(actor: Actor, id: string, file: { bytes: Buffer; originalName: string }, capturedAt: string | null): Promise<{ evidence: EvidenceResponse; created: boolean }> {
    const { record, by, scope } = await this.dataSource.transaction(async (manager) => {
      const locked = await this.lockAsAuthor(manager, actor, id);
      if (!EDITABLE_STATUSES.includes(locked.record.status)) {
        throw new ReviewError('NOT_EDITABLE', `evidence can be added to DRAFT and RETURNED records only; this one is ${locked.record.status}`, '只能为草稿或被退回的写实记录上传佐证材料', { status: locked.record.status });
      }
      return locked;
    });
    const result = await this.evidence.attach(scope, actor.userId, id, file, capturedAt);
    if (result.created) await this.transitions.record(this.dataSource.manager, record, 'evidence', by, { context: { evidenceId: result.evidence.id, sha256: result.evidence.sha256 } });
    return result;
  }

  async submit(actor: Actor, id: string): Promise<ReviewRecordResponse> {
    const response = await this.dataSource.transaction(async (manager) => {
      const { record, by } = await this.lockAsAuthor(manager, actor, id);
      await this.transitions.apply(manager, record, 'submit', by);
      return this.read(manager, id);
    });
    // Integrity checks run on every submission; a flag goes to the review queue and never blocks.
    await this.integrity.checkRecords([id], 'submission');
    return this.get(actor.readScope, id);
  }

  /** The student confirms a record a teacher entered for them (before it is verified). */
  async confirmByStudent(actor: Actor, id: string): Promise<ReviewRecordResponse> {
    return this.dataSource.transaction(async (manager) => {
      const record = await this.transitions.lock(manager, id, actor.scopeFor('records.submit'));
      if (record.source !== 'teacher_on_behalf' || record.studentConfirmedAt !== null) {
        throw new ReviewError('CONFIRMATION_NOT_NEEDED', 'only a teacher-entered record not yet confirmed needs the student’s confirmation', '该记录无需学生确认');
      }
      if (!['DRAFT', 'SUBMITTED', 'RETURNED'].includes(record.status)) {
        throw new ReviewError('CONFIRMATION_CLOSED', `a ${record.status} record can no longer be confirmed`, '该记录已不能确认', { status: record.status });
      }
      await manager.query('UPDATE activity_records SET student_confirmed_at = $2 WHERE id = $1', [id, this.clock.now()]);
      await this.transitions.record(manager, record, 'student_confirm', actingAs(actor, 'records.submit'), { from: record.status, to: record.status });
      return this.read(manager, id);
    });
  }

  /** verify / return (remark) / reject (reason) / select (term-end 遴选, within the caps). */
  async review(actor: Actor, id: string, action: Extract<ReviewAction, 'verify' | 'return' | 'reject' | 'select'>, remark: string | null): Promise<ReviewRecordResponse> {
    return this.dataSource.transaction(async (manager) => {
      const record = await this.transitions.lock(manager, id, actor.scopeFor('records.review'));
      if (action === 'select' && record.status === 'VERIFIED') await this.checkSelectionCap(manager, record);
      await this.transitions.apply(manager, record, action, actingAs(actor, 'records.review'), { remark });
      return this.read(manager, id);
    });
  }

  async get(scope: DataScope, id: string, manager: EntityManager = this.dataSource.manager): Promise<ReviewRecordResponse> {
    const params: unknown[] = [id];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'a.student_id', schoolIdColumn: 'a.school_id' }, params);
    const [row] = (await manager.query(`${RECORD_SELECT} WHERE a.id = $1 AND ${inScope}`, params)) as Row[];
    if (!row) throw reviewNotFound('activity record', '写实记录', id);
    return toReviewRecord(row);
  }

  async list(scope: DataScope, query: ListReviewRecordsQueryDto): Promise<Page<ReviewRecordResponse>> {
    const params: unknown[] = [];
    const where = [studentInScopeSql(scope, { studentIdColumn: 'a.student_id', schoolIdColumn: 'a.school_id' }, params)];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (query.status) add((n) => `a.status = $${n}`, query.status);
    if (query.termId) add((n) => `a.term_id = $${n}`, query.termId);
    if (query.studentId) add((n) => `a.student_id = $${n}`, query.studentId);
    if (query.classId) add((n) => `EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = a.student_id AND e.term_id = a.term_id AND e.class_id = $${n})`, query.classId);
    const { page, pageSize, skip, take } = pageWindow(query);
    const sql = `${RECORD_SELECT} WHERE ${where.join(' AND ')}`;
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) counted`, params)) as { total: number }[];
    const rows = (await this.dataSource.query(`${sql} ORDER BY a.updated_at, a.id LIMIT ${take} OFFSET ${skip}`, params)) as Row[];
    return { items: rows.map(toReviewRecord), page, pageSize, total };
  }

  /** Every step of the record's life, oldest first: who, when, from → to, remark. */
  async history(scope: DataScope, id: string): Promise<{ recordId: string; items: TransitionResponse[] }> {
    await this.get(scope, id);
    const rows = (await this.dataSource.query(
      `SELECT id, action, from_status, to_status, actor_user_id, actor_role, remark, context, at FROM activity_record_transitions WHERE activity_record_id = $1 ORDER BY at, seq`,
      [id],
    )) as Row[];
    return {
      recordId: id,
      items: rows.map((row) => ({
        id: row.id as string,
        action: row.action as string,
        actionZh: ACTION_NAMES_ZH[row.action as ReviewAction] ?? EVENT_NAMES_ZH[row.action as string] ?? (row.action as string),
        fromStatus: row.from_status as string | null,
        toStatus: row.to_status as string | null,
        actorUserId: row.actor_user_id as string | null,
        actorRole: row.actor_role as string | null,
        remark: row.remark as string | null,
        context: row.context as Record<string, unknown>,
        at: (row.at as Date).toISOString(),
      })),
    };
  }

  /** Stores the current values as a superseded version (record_versions) before they change. */
  async keepVersion(manager: EntityManager, record: LockedRecord, current: Row, values: RecordContent & Record<string, unknown>): Promise<void> {
    await manager.query(
      `INSERT INTO record_versions (record_kind, record_id, school_id, student_id, version, snapshot, source, recorded_by, recorded_at, superseded_at)
       VALUES ('activity_record', $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [record.id, record.schoolId, record.studentId, record.version, JSON.stringify({ ...values, status: current.status, reviewRemark: current.review_remark }), record.source, current.recorded_by, current.updated_at, this.clock.now()],
    );
  }

  read(manager: EntityManager, id: string): Promise<ReviewRecordResponse> {
    return this.get({ all: true, schoolIds: [], classIds: [], studentIds: [] }, id, manager);
  }

  private async lockAsAuthor(manager: EntityManager, actor: Actor, id: string): Promise<{ record: LockedRecord; by: ActingAs; scope: DataScope }> {
    const own = actor.scopeFor('records.submit');
    const onBehalf = actor.scopeFor('records.onbehalf');
    if (own === NOTHING && onBehalf === NOTHING) throw noRecordPermission();
    const isOwn = await this.recordIn(manager, own, id);
    const scope = isOwn ? own : onBehalf;
    const record = await this.transitions.lock(manager, id, scope);
    if (record.source === 'school_import' || record.source === 'system') {
      throw new ReviewError('NOT_AUTHORED_HERE', 'imported records change by importing a corrected file, not here', '导入的记录请通过重新导入更正');
    }
    if (!isOwn && record.source !== 'teacher_on_behalf') {
      throw new ReviewError('NOT_AUTHOR', 'a teacher may change only the records they entered on a student’s behalf', '教师只能修改自己代录的记录');
    }
    return { record, by: actingAs(actor, isOwn ? 'records.submit' : 'records.onbehalf'), scope };
  }

  private async checkSelectionCap(manager: EntityManager, record: LockedRecord): Promise<void> {
    // Two selections for the same student, term and dimension wait for each other, so both cannot pass the count.
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`review.select:${record.studentId}:${record.termId}:${record.dimension}`]);
    const settings = await this.settings.get(manager);
    const cap = settings.selectionCaps[record.dimension] ?? 0;
    const [{ selected }] = (await manager.query(
      `SELECT count(*)::int AS selected FROM activity_records WHERE student_id = $1 AND term_id = $2 AND dimension = $3 AND id <> $4
         AND status IN ('SELECTED', 'IN_PUBLICITY', 'UNDER_INVESTIGATION', 'PUBLICITY_PASSED', 'CONFIRMED', 'AMENDED')`,
      [record.studentId, record.termId, record.dimension, record.id],
    )) as { selected: number }[];
    if (selected >= cap) {
      throw new ReviewError('SELECTION_CAP_REACHED', `at most ${cap} ${record.dimension} records per student and term may be selected; ${selected} already are`, `每名学生每学期该维度最多遴选${cap}条，已遴选${selected}条`, {
        cap,
        selected,
        dimension: record.dimension,
      });
    }
  }

  private async studentIn(scope: DataScope, studentId: string): Promise<boolean> {
    if (scope === NOTHING) return false;
    const params: unknown[] = [studentId];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 's.id', schoolIdColumn: 's.school_id' }, params);
    return ((await this.dataSource.query(`SELECT 1 FROM students s WHERE s.id = $1 AND ${inScope}`, params)) as unknown[]).length > 0;
  }

  private async recordIn(manager: EntityManager, scope: DataScope, id: string): Promise<boolean> {
    if (scope === NOTHING) return false;
    const params: unknown[] = [id];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'a.student_id', schoolIdColumn: 'a.school_id' }, params);
    return ((await manager.query(`SELECT 1 FROM activity_records a WHERE a.id = $1 AND ${inScope}`, params)) as unknown[]).length > 0;
  }
}

/** The fields a request actually gave (a DTO instance may carry its declared fields as undefined). */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const EVENT_NAMES_ZH: Readonly<Record<string, string>> = {
  create: '创建',
  edit: '修改',
  evidence: '上传佐证材料',
  student_confirm: '学生确认',
  objection: '追加异议',
  appeal: '申诉',
  appeal_dismissed: '申诉不成立',
  escalate: '提请复议',
  reconsider_dismissed: '复议维持',
};

function noRecordPermission(): ReviewError {
  return new ReviewError('NO_RECORD_PERMISSION', 'only students (their own records) and teachers (on behalf of a student of their class) enter 写实记录', '只有学生本人或其班级教师（代录）可以填写写实记录');
}

export function snapshotOf(row: Row): RecordContent & { dimension: string; recordType: string; title: string; startDate: string } {
  return {
    dimension: row.dimension as string,
    recordType: row.record_type as string,
    title: row.title as string,
    level: row.level as string | null,
    role: row.role as string | null,
    startDate: row.start_date as string,
    endDate: row.end_date as string | null,
    startTime: hhmm(row.start_time),
    endTime: hhmm(row.end_time),
    hours: num(row.hours),
    location: row.location as string | null,
    organiser: row.organiser as string | null,
    awardRank: row.award_rank as string | null,
  };
}

/** Cross-field rules of a record's content; 400 INVALID_RECORD / OUTSIDE_TERM with the field. */
export function checkContent<T extends RecordContent & { startDate: string }>(content: T, term: { start: string; end: string }): T {
  const bad = (field: string, message: string, messageZh: string) => new ReviewError('INVALID_RECORD', message, messageZh, { field });
  const end = (content.endDate as string | null | undefined) ?? null;
  if (end !== null && end < content.startDate) throw bad('endDate', 'endDate is before startDate', '结束日期早于开始日期');
  if (content.startDate < term.start || (end ?? content.startDate) > term.end) {
    throw new ReviewError('OUTSIDE_TERM', `the activity must lie within the term (${term.start} – ${term.end})`, `活动日期须在学期内（${term.start}至${term.end}）`, { field: 'startDate' });
  }
  const hasStart = content.startTime !== null && content.startTime !== undefined;
  const hasEnd = content.endTime !== null && content.endTime !== undefined;
  if (hasStart !== hasEnd) throw bad(hasStart ? 'endTime' : 'startTime', 'give both startTime and endTime, or neither', '开始时间和结束时间须同时填写');
  if (hasStart) {
    if (end !== null && end !== content.startDate) throw bad('startTime', 'times of day are for one-day activities (endDate empty or equal to startDate)', '具体时间仅适用于单日活动');
    if (String(content.endTime) <= String(content.startTime)) throw bad('endTime', 'endTime must be after startTime', '结束时间须晚于开始时间');
  }
  return content;
}
