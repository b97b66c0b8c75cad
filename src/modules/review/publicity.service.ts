import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import type { Actor } from '../auth/actor';
import { audienceInScopeSql, type DataScope, isSchoolInScope, studentInScopeSql } from '../auth/data-scope';
import { CalendarService } from './calendar.service';
import { Clock } from './clock';
import type { CreateObjectionDto, CreatePublicityBatchDto, ListBatchesQueryDto, ListObjectionsQueryDto, ObjectionResponse, PublicityBatchResponse, PublicityLine } from './dto/publicity.dto';
import { actingAs, RecordTransitions, type Row, SYSTEM } from './record-transitions';
import { ReviewSettingsService } from './review-settings.service';
import { ReviewError, reviewNotFound } from './review.errors';
import { chinaDate, endOfChinaDay, startOfChinaDay, windowOfWorkingDays } from './workflow/working-days';

/** Whether class `c` is in the audience of batch `b` (same school; the class, its grade, or the whole school). */
const audienceClass = (c: string) =>
  `(${c}.school_id = b.school_id AND (b.scope = 'school' OR (b.scope = 'grade' AND ${c}.grade_code = b.grade_code) OR (b.scope = 'class' AND ${c}.id = b.class_id)))`;

const BATCH_SELECT = `
  SELECT b.id, b.school_id, b.term_id, b.scope, b.class_id, b.grade_code, b.title, b.working_days, b.first_day::text AS first_day, b.last_day::text AS last_day,
         b.opens_at, b.closes_at, b.closed_at,
         (SELECT count(*)::int FROM publicity_batch_records r WHERE r.batch_id = b.id) AS records,
         (SELECT count(*)::int FROM publicity_batch_records r JOIN activity_records a ON a.id = r.activity_record_id WHERE r.batch_id = b.id AND a.status = 'UNDER_INVESTIGATION') AS under_investigation
  FROM publicity_batches b`;

/** Masks anything in free text that looks like an ID number or 学籍号 (G/J/L + 18 characters). */
export function redactIdentifiers(text: string): string {
  return text.replace(/[GJLgjl]?\d{17}[\dXx]/g, '＊＊＊');
}

/**
 * Publicity (公示): a batch puts the selected records of a class, grade or school on show for
 * a window of working days (weekends, holidays skipped; 调休 counted); its audience sees a
 * redacted list and may object while the window is open; the school investigates and decides;
 * after the window closes (server clock) the school closes the batch and its records are
 * confirmed and locked.
 */
@Injectable()
export class PublicityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: RecordTransitions,
    private readonly calendar: CalendarService,
    private readonly settings: ReviewSettingsService,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, dto: CreatePublicityBatchDto): Promise<PublicityBatchResponse> {
    const scope = actor.scopeFor('publicity.manage');
    const settings = await this.settings.get();
    const workingDays = dto.workingDays ?? settings.publicityMinWorkingDays;
    if (workingDays < settings.publicityMinWorkingDays) {
      throw new ReviewError('INVALID_BATCH', `publicity must last at least ${settings.publicityMinWorkingDays} working days`, `公示期不得少于${settings.publicityMinWorkingDays}个工作日`, { field: 'workingDays' });
    }
    const today = chinaDate(this.clock.now());
    if (dto.startsOn < today) throw new ReviewError('INVALID_BATCH', `a publicity window cannot start in the past (today is ${today})`, `公示开始日期不能早于今天（${today}）`, { field: 'startsOn' });

    return this.dataSource.transaction(async (manager) => {
      const target = await this.resolveTarget(manager, scope, dto);
      let window: { firstDay: string; lastDay: string };
      try {
        window = windowOfWorkingDays(dto.startsOn, workingDays, await this.calendar.calendar(manager));
      } catch (error) {
        if (error instanceof RangeError) throw new ReviewError('INVALID_BATCH', error.message, '公示日期不合法', { field: 'startsOn' });
        throw error;
      }
      const [batch] = (await manager.query(
        `INSERT INTO publicity_batches (school_id, term_id, scope, class_id, grade_code, title, working_days, first_day, last_day, opens_at, closes_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [target.schoolId, dto.termId, dto.scope, target.classId, target.gradeCode, dto.title, workingDays, window.firstDay, window.lastDay, startOfChinaDay(window.firstDay), endOfChinaDay(window.lastDay), actor.userId, this.clock.now()],
      )) as { id: string }[];
      // The audience's SELECTED records of the term, not yet in any batch.
      const ids = ((await manager.query(
        `SELECT a.id FROM activity_records a JOIN publicity_batches b ON b.id = $1
         WHERE a.term_id = b.term_id AND a.school_id = b.school_id AND a.status = 'SELECTED'
           AND EXISTS (SELECT 1 FROM enrolments e JOIN school_classes c ON c.id = e.class_id WHERE e.student_id = a.student_id AND e.term_id = a.term_id AND ${audienceClass('c')})
           AND NOT EXISTS (SELECT 1 FROM publicity_batch_records r WHERE r.activity_record_id = a.id)
         ORDER BY a.id`,
        [batch.id],
      )) as { id: string }[]).map((row) => row.id);
      if (ids.length === 0) throw new ReviewError('NOTHING_TO_PUBLISH', 'no selected records of this audience and term are waiting for publicity', '该范围本学期没有待公示的遴选记录');
      const by = actingAs(actor, 'publicity.manage');
      for (const id of ids) {
        const record = await this.transitions.lock(manager, id, { all: true, schoolIds: [], classIds: [], studentIds: [] });
        await manager.query(`INSERT INTO publicity_batch_records (batch_id, activity_record_id) VALUES ($1, $2)`, [batch.id, id]);
        await this.transitions.apply(manager, record, 'publish', by, { context: { batchId: batch.id } });
      }
      return this.read(manager, batch.id);
    });
  }

  /** Batches whose audience the caller belongs to (or manages). */
  async list(actor: Actor, query: ListBatchesQueryDto): Promise<Page<PublicityBatchResponse>> {
    const params: unknown[] = [];
    const where = [this.visibleSql(actor, params)];
    if (query.termId) {
      params.push(query.termId);
      where.push(`b.term_id = $${params.length}`);
    }
    const { page, pageSize, skip, take } = pageWindow(query);
    const sql = `${BATCH_SELECT} WHERE ${where.join(' AND ')}`;
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) counted`, params)) as { total: number }[];
    const rows = (await this.dataSource.query(`${sql} ORDER BY b.opens_at DESC, b.id LIMIT ${take} OFFSET ${skip}`, params)) as Row[];
    return { items: rows.map((row) => this.toBatch(row)), page, pageSize, total };
  }

  async get(actor: Actor, id: string): Promise<PublicityBatchResponse> {
    return this.toBatch(await this.visibleBatch(actor, id));
  }

  /** The redacted list (name, class, title, dates, hours, level, role): never scores, ranks, ID numbers or 学籍号. */
  async view(actor: Actor, id: string): Promise<{ batch: PublicityBatchResponse; items: PublicityLine[] }> {
    const batch = await this.visibleBatch(actor, id);
    const rows = (await this.dataSource.query(
      `SELECT a.id, s.name AS student_name, c.name AS class_name, a.title, a.start_date::text AS start_date, a.end_date::text AS end_date, a.hours, a.level, a.role
       FROM publicity_batch_records r JOIN activity_records a ON a.id = r.activity_record_id JOIN students s ON s.id = a.student_id
       LEFT JOIN enrolments e ON e.student_id = a.student_id AND e.term_id = a.term_id LEFT JOIN school_classes c ON c.id = e.class_id
       WHERE r.batch_id = $1 AND a.status IN ('IN_PUBLICITY', 'UNDER_INVESTIGATION', 'PUBLICITY_PASSED', 'CONFIRMED', 'AMENDED')
       ORDER BY c.name, s.name, a.start_date, a.id`,
      [id],
    )) as Row[];
    return {
      batch: this.toBatch(batch),
      items: rows.map((row) => ({
        recordId: row.id as string,
        studentName: row.student_name as string,
        className: (row.class_name as string | null) ?? '',
        title: redactIdentifiers(row.title as string),
        startDate: row.start_date as string,
        endDate: row.end_date as string | null,
        hours: row.hours === null ? null : Number(row.hours),
        level: row.level as string | null,
        role: row.role as string | null,
      })),
    };
  }

  /** 异议: only by the audience (publicity.object), only while the window is open. */
  async object(actor: Actor, batchId: string, dto: CreateObjectionDto): Promise<ObjectionResponse> {
    const params: unknown[] = [batchId];
    const visible = audienceInScopeSql(actor.scopeFor('publicity.object'), { schoolIdColumn: 'b.school_id', termIdColumn: 'b.term_id', audienceClassSql: audienceClass }, params);
    const [batch] = (await this.dataSource.query(`SELECT b.id, b.opens_at, b.closes_at FROM publicity_batches b WHERE b.id = $1 AND ${visible}`, params)) as Row[];
    if (!batch) throw reviewNotFound('publicity batch', '公示批次', batchId);
    const now = this.clock.now();
    const window = now < (batch.opens_at as Date) ? 'before' : now >= (batch.closes_at as Date) ? 'closed' : 'open';
    if (window === 'before') throw new ReviewError('PUBLICITY_WINDOW_NOT_OPEN', 'the publicity window has not opened yet', '公示尚未开始', { opensAt: (batch.opens_at as Date).toISOString() });
    if (window === 'closed') throw new ReviewError('PUBLICITY_WINDOW_CLOSED', 'the publicity window has closed: objections are no longer accepted', '公示期已结束，不再受理异议', { closedAt: (batch.closes_at as Date).toISOString() });
    const by = actingAs(actor, 'publicity.object');
    const objectionId = await this.dataSource.transaction(async (manager) => {
      const [member] = (await manager.query(`SELECT 1 FROM publicity_batch_records WHERE batch_id = $1 AND activity_record_id = $2`, [batchId, dto.activityRecordId])) as unknown[];
      if (!member) throw new ReviewError('RECORD_NOT_IN_BATCH', 'that record is not in this publicity batch', '该记录不在本批公示中');
      const record = await this.transitions.lock(manager, dto.activityRecordId, { all: true, schoolIds: [], classIds: [], studentIds: [] });
      const [objection] = (await manager.query(
        `INSERT INTO publicity_objections (batch_id, activity_record_id, school_id, student_id, raised_by, raised_as, reason, status, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id`,
        [batchId, record.id, record.schoolId, record.studentId, actor.userId, by.role ?? 'unknown', dto.reason, now],
      )) as { id: string }[];
      if (record.status === 'UNDER_INVESTIGATION') {
        // Already being investigated: the objection joins the investigation.
        await this.transitions.record(manager, record, 'objection', by, { from: record.status, to: record.status, context: { batchId, objectionId: objection.id } });
      } else {
        await this.transitions.apply(manager, record, 'object', by, { facts: { publicityWindow: window }, context: { batchId, objectionId: objection.id } });
      }
      return objection.id;
    });
    return this.objection(objectionId);
  }

  async listObjections(actor: Actor, query: ListObjectionsQueryDto): Promise<Page<ObjectionResponse>> {
    const params: unknown[] = [];
    const where = [studentInScopeSql(actor.scopeFor('publicity.manage'), { studentIdColumn: 'o.student_id', schoolIdColumn: 'o.school_id' }, params)];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (query.batchId) add((n) => `o.batch_id = $${n}`, query.batchId);
    if (query.status) add((n) => `o.status = $${n}`, query.status);
    const { page, pageSize, skip, take } = pageWindow(query);
    const sql = `${OBJECTION_SELECT} WHERE ${where.join(' AND ')}`;
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) counted`, params)) as { total: number }[];
    const rows = (await this.dataSource.query(`${sql} ORDER BY o.raised_at, o.id LIMIT ${take} OFFSET ${skip}`, params)) as Row[];
    return { items: rows.map(toObjection), page, pageSize, total };
  }

  /** The school's outcome of an investigation: upheld → the record is revoked; dismissed → back to publicity (when no other objection is open). */
  async decideObjection(actor: Actor, id: string, outcome: 'upheld' | 'dismissed', remark: string): Promise<ObjectionResponse> {
    const scope = actor.scopeFor('publicity.manage');
    const by = actingAs(actor, 'publicity.manage');
    await this.dataSource.transaction(async (manager) => {
      const params: unknown[] = [id];
      const inScope = studentInScopeSql(scope, { studentIdColumn: 'o.student_id', schoolIdColumn: 'o.school_id' }, params);
      const [objection] = (await manager.query(`SELECT o.id, o.status, o.activity_record_id, o.batch_id FROM publicity_objections o WHERE o.id = $1 AND ${inScope} FOR UPDATE`, params)) as Row[];
      if (!objection) throw reviewNotFound('objection', '异议', id);
      if (objection.status !== 'open') throw new ReviewError('OBJECTION_ALREADY_DECIDED', `this objection was already ${objection.status}`, '该异议已处理', { status: objection.status });
      const record = await this.transitions.lock(manager, objection.activity_record_id as string, { all: true, schoolIds: [], classIds: [], studentIds: [] });
      const context = { batchId: objection.batch_id, objectionId: id };
      const now = this.clock.now();
      if (outcome === 'upheld') {
        await this.transitions.apply(manager, record, 'revoke', by, { remark, context });
        // One upheld objection settles the others on the same record.
        await manager.query(`UPDATE publicity_objections SET status = 'upheld', outcome_remark = $2, decided_by = $3, decided_at = $4 WHERE activity_record_id = $1 AND status = 'open'`, [record.id, remark, actor.userId, now]);
      } else {
        await manager.query(`UPDATE publicity_objections SET status = 'dismissed', outcome_remark = $2, decided_by = $3, decided_at = $4 WHERE id = $1`, [id, remark, actor.userId, now]);
        const [{ open }] = (await manager.query(`SELECT count(*)::int AS open FROM publicity_objections WHERE activity_record_id = $1 AND status = 'open'`, [record.id])) as { open: number }[];
        if (open === 0) await this.transitions.apply(manager, record, 'clear', by, { remark, context });
      }
    });
    return this.objection(id);
  }

  /**
   * After the window has closed (server clock): every record still in publicity passes and is
   * confirmed (locked). Records under investigation wait; closing again later confirms those
   * whose objections were dismissed in the meantime.
   */
  async close(actor: Actor | null, id: string): Promise<PublicityBatchResponse & { confirmedNow: number }> {
    const { firstClose: _firstClose, ...closed } = await this.closeBatch(actor, id);
    return closed;
  }

  /** The close itself; `firstClose` says whether this call set the batch's closed_at (decided under the batch's row lock). */
  private async closeBatch(actor: Actor | null, id: string): Promise<PublicityBatchResponse & { confirmedNow: number; firstClose: boolean }> {
    const by = actor ? actingAs(actor, 'publicity.manage') : SYSTEM;
    return this.dataSource.transaction(async (manager) => {
      const [batch] = (await manager.query(`SELECT b.id, b.school_id, b.closes_at, b.closed_at FROM publicity_batches b WHERE b.id = $1 FOR UPDATE`, [id])) as Row[];
      if (!batch || (actor && !isSchoolInScope(actor.scopeFor('publicity.manage'), batch.school_id as string))) throw reviewNotFound('publicity batch', '公示批次', id);
      if (this.clock.now() < (batch.closes_at as Date)) {
        throw new ReviewError('PUBLICITY_WINDOW_STILL_OPEN', `the publicity window closes at ${(batch.closes_at as Date).toISOString()}: records cannot be confirmed before`, '公示期尚未结束，不能确认', {
          closesAt: (batch.closes_at as Date).toISOString(),
        });
      }
      const ids = ((await manager.query(
        `SELECT a.id FROM publicity_batch_records r JOIN activity_records a ON a.id = r.activity_record_id WHERE r.batch_id = $1 AND a.status = 'IN_PUBLICITY' ORDER BY a.id`,
        [id],
      )) as { id: string }[]).map((row) => row.id);
      for (const recordId of ids) {
        const record = await this.transitions.lock(manager, recordId, { all: true, schoolIds: [], classIds: [], studentIds: [] });
        await this.transitions.apply(manager, record, 'pass', by, { facts: { publicityWindow: 'closed' }, context: { batchId: id } });
        await this.transitions.apply(manager, { ...record, status: 'PUBLICITY_PASSED' }, 'confirm', by, { context: { batchId: id } });
      }
      await manager.query(`UPDATE publicity_batches SET closed_at = coalesce(closed_at, $2) WHERE id = $1`, [id, this.clock.now()]);
      return { ...(await this.read(manager, id)), confirmedNow: ids.length, firstClose: !batch.closed_at };
    });
  }

  /**
   * What the scheduler runs (ADR 0813): closes, as `system`, every batch whose window has ended
   * (server clock) and that still has records in publicity or was never closed — the same close
   * as the school's, so records with no open objection are confirmed and records under
   * investigation wait. Idempotent: a batch closed by someone else meanwhile confirms nothing
   * more (the close locks the batch row, then reads what is still IN_PUBLICITY).
   */
  async closeEnded(): Promise<{ closed: { batchId: string; confirmedNow: number }[] }> {
    const due = (await this.dataSource.query(
      `SELECT b.id FROM publicity_batches b
       WHERE b.closes_at <= $1
         AND (b.closed_at IS NULL OR EXISTS (SELECT 1 FROM publicity_batch_records r JOIN activity_records a ON a.id = r.activity_record_id WHERE r.batch_id = b.id AND a.status = 'IN_PUBLICITY'))
       ORDER BY b.closes_at, b.id`,
      [this.clock.now()],
    )) as { id: string }[];
    const closed: { batchId: string; confirmedNow: number }[] = [];
    for (const { id } of due) {
      const result = await this.closeBatch(null, id);
      if (result.confirmedNow > 0 || result.firstClose) closed.push({ batchId: id, confirmedNow: result.confirmedNow });
    }
    return { closed };
  }

  private async resolveTarget(manager: EntityManager, scope: DataScope, dto: CreatePublicityBatchDto): Promise<{ schoolId: string; classId: string | null; gradeCode: string | null }> {
    let schoolId = dto.schoolId;
    if (dto.scope === 'class') {
      if (!dto.classId) throw new ReviewError('INVALID_BATCH', 'a class batch needs classId', '班级公示须指定班级', { field: 'classId' });
      const [row] = (await manager.query(`SELECT school_id FROM school_classes WHERE id = $1`, [dto.classId])) as { school_id: string }[];
      if (!row) throw reviewNotFound('class', '班级', dto.classId);
      schoolId = row.school_id;
    } else if (dto.classId) {
      throw new ReviewError('INVALID_BATCH', 'classId is only for scope class', '仅班级公示可指定班级', { field: 'classId' });
    }
    if (dto.scope === 'grade' && !dto.gradeCode) throw new ReviewError('INVALID_BATCH', 'a grade batch needs gradeCode', '年级公示须指定年级', { field: 'gradeCode' });
    if (dto.scope !== 'grade' && dto.gradeCode) throw new ReviewError('INVALID_BATCH', 'gradeCode is only for scope grade', '仅年级公示可指定年级', { field: 'gradeCode' });
    if (!schoolId) throw new ReviewError('INVALID_BATCH', 'schoolId is required for a grade or school batch', '须指定学校', { field: 'schoolId' });
    if (!isSchoolInScope(scope, schoolId)) throw reviewNotFound('school', '学校', schoolId);
    return { schoolId, classId: dto.scope === 'class' ? dto.classId! : null, gradeCode: dto.scope === 'grade' ? dto.gradeCode! : null };
  }

  private visibleSql(actor: Actor, params: unknown[]): string {
    const columns = { schoolIdColumn: 'b.school_id', termIdColumn: 'b.term_id', audienceClassSql: audienceClass };
    return `(${audienceInScopeSql(actor.readScope, columns, params)} OR ${audienceInScopeSql(actor.scopeFor('publicity.manage'), columns, params)})`;
  }

  private async visibleBatch(actor: Actor, id: string): Promise<Row> {
    const params: unknown[] = [id];
    const [row] = (await this.dataSource.query(`${BATCH_SELECT} WHERE b.id = $1 AND ${this.visibleSql(actor, params)}`, params)) as Row[];
    if (!row) throw reviewNotFound('publicity batch', '公示批次', id);
    return row;
  }

  private async read(manager: EntityManager, id: string): Promise<PublicityBatchResponse> {
    const [row] = (await manager.query(`${BATCH_SELECT} WHERE b.id = $1`, [id])) as Row[];
    return this.toBatch(row);
  }

  private async objection(id: string): Promise<ObjectionResponse> {
    const [row] = (await this.dataSource.query(`${OBJECTION_SELECT} WHERE o.id = $1`, [id])) as Row[];
    return toObjection(row);
  }

  private toBatch(row: Row): PublicityBatchResponse {
    const now = this.clock.now();
    const opensAt = row.opens_at as Date;
    const closesAt = row.closes_at as Date;
    return {
      id: row.id as string,
      schoolId: row.school_id as string,
      termId: row.term_id as string,
      scope: row.scope as string,
      classId: row.class_id as string | null,
      gradeCode: row.grade_code as string | null,
      title: row.title as string,
      workingDays: row.working_days as number,
      firstDay: row.first_day as string,
      lastDay: row.last_day as string,
      opensAt: opensAt.toISOString(),
      closesAt: closesAt.toISOString(),
      state: row.closed_at ? 'confirmed' : now < opensAt ? 'scheduled' : now < closesAt ? 'open' : 'closed',
      closedAt: row.closed_at ? (row.closed_at as Date).toISOString() : null,
      records: row.records as number,
      underInvestigation: row.under_investigation as number,
    };
  }
}

const OBJECTION_SELECT = `
  SELECT o.id, o.batch_id, o.activity_record_id, a.title, s.name AS student_name, o.raised_by, o.raised_as, o.reason, o.status, o.outcome_remark, o.decided_by, o.decided_at, o.raised_at
  FROM publicity_objections o JOIN activity_records a ON a.id = o.activity_record_id JOIN students s ON s.id = o.student_id`;

function toObjection(row: Row): ObjectionResponse {
  return {
    id: row.id as string,
    batchId: row.batch_id as string,
    activityRecordId: row.activity_record_id as string,
    recordTitle: row.title as string,
    studentName: row.student_name as string,
    raisedBy: row.raised_by as string,
    raisedAs: row.raised_as as string,
    reason: row.reason as string,
    status: row.status as string,
    outcomeRemark: row.outcome_remark as string | null,
    decidedBy: row.decided_by as string | null,
    decidedAt: row.decided_at ? (row.decided_at as Date).toISOString() : null,
    raisedAt: (row.raised_at as Date).toISOString(),
  };
}
