import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import type { Actor } from '../auth/actor';
import { type DataScope, EVERYTHING, studentInScopeSql } from '../auth/data-scope';
import { CalendarService } from './calendar.service';
import { Clock } from './clock';
import type { AppealResponse, DecideAppealDto, FileAppealDto, ListAppealsQueryDto } from './dto/appeal.dto';
import type { ReviewRecordResponse, UpdateReviewRecordDto } from './dto/record.dto';
import { type ActingAs, actingAs, type LockedRecord, RecordTransitions, type Row } from './record-transitions';
import { ReviewEvents, type ConfirmedRecordChanged } from './review-events';
import { checkContent, definedOnly, RECORD_SELECT, type RecordContent, ReviewRecordsService, snapshotOf } from './review-records.service';
import { ReviewSettingsService } from './review-settings.service';
import { ReviewError, reviewNotFound } from './review.errors';
import { CONFIRMED_STATUSES } from './workflow/transitions';
import { chinaDate, endOfChinaDay, nthWorkingDayAfter } from './workflow/working-days';

const OPEN_APPEAL = `('filed', 'escalated')`;

/**
 * Appeals (申诉) and the bureau's reconsideration (复议), and corrections of confirmed records.
 * A student or guardian appeals a REJECTED record or a confirmed one within
 * `appealWindowWorkingDays` working days of the rejection / confirmation, with a written reason;
 * the school decides (upheld: a rejected record goes back to review; a confirmed one is amended
 * as a new version or revoked); a dismissed appeal may be escalated to the district within
 * `escalationWindowWorkingDays`, and the district decides. Deadlines are the server's clock and
 * the working-day calendar; after them: 409.
 */
@Injectable()
export class AppealsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: RecordTransitions,
    private readonly records: ReviewRecordsService,
    private readonly calendar: CalendarService,
    private readonly settings: ReviewSettingsService,
    private readonly events: ReviewEvents,
    private readonly clock: Clock,
  ) {}

  async file(actor: Actor, dto: FileAppealDto): Promise<AppealResponse> {
    const by = actingAs(actor, 'appeals.file');
    const id = await this.dataSource.transaction(async (manager) => {
      const record = await this.transitions.lock(manager, dto.activityRecordId, actor.scopeFor('appeals.file'));
      const subject = record.status === 'REJECTED' ? 'rejection' : CONFIRMED_STATUSES.includes(record.status) ? 'confirmed_record' : null;
      if (!subject) {
        throw new ReviewError('NOT_APPEALABLE', `a ${record.status} record cannot be appealed: only REJECTED, CONFIRMED and AMENDED ones`, '只有不予通过或已确认的写实记录可以申诉', { status: record.status });
      }
      const [open] = (await manager.query(`SELECT id FROM record_appeals WHERE activity_record_id = $1 AND status IN ${OPEN_APPEAL}`, [record.id])) as Row[];
      if (open) throw new ReviewError('APPEAL_ALREADY_OPEN', 'this record already has an appeal being decided', '该记录已有待处理的申诉', { appealId: open.id });
      const [decided] = (await manager.query(
        `SELECT max(at) AS at FROM activity_record_transitions WHERE activity_record_id = $1 AND action = ANY($2::text[])`,
        [record.id, subject === 'rejection' ? ['reject'] : ['confirm', 'amend']],
      )) as { at: Date | null }[];
      const settings = await this.settings.get(manager);
      const since = decided.at ?? this.clock.now();
      const fileBy = endOfChinaDay(nthWorkingDayAfter(chinaDate(since), settings.appealWindowWorkingDays, await this.calendar.calendar(manager)));
      const now = this.clock.now();
      if (now >= fileBy) {
        throw new ReviewError('APPEAL_WINDOW_CLOSED', `appeals had to be filed by ${fileBy.toISOString()} (${settings.appealWindowWorkingDays} working days)`, `申诉期限（${settings.appealWindowWorkingDays}个工作日）已过`, { fileBy: fileBy.toISOString() });
      }
      const [appeal] = (await manager.query(
        `INSERT INTO record_appeals (activity_record_id, school_id, student_id, subject, status, filed_by, reason, requested_changes, filed_at, file_by)
         VALUES ($1, $2, $3, $4, 'filed', $5, $6, $7, $8, $9) RETURNING id`,
        [record.id, record.schoolId, record.studentId, subject, actor.userId, dto.reason, dto.requestedChanges ? JSON.stringify(dto.requestedChanges) : null, now, fileBy],
      )) as { id: string }[];
      await this.transitions.record(manager, record, 'appeal', by, { from: record.status, to: record.status, remark: dto.reason, context: { appealId: appeal.id } });
      return appeal.id;
    });
    return this.read(id);
  }

  async list(scope: DataScope, query: ListAppealsQueryDto): Promise<Page<AppealResponse>> {
    const params: unknown[] = [];
    const where = [studentInScopeSql(scope, { studentIdColumn: 'p.student_id', schoolIdColumn: 'p.school_id' }, params)];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (query.status) add((n) => `p.status = $${n}`, query.status);
    if (query.activityRecordId) add((n) => `p.activity_record_id = $${n}`, query.activityRecordId);
    const { page, pageSize, skip, take } = pageWindow(query);
    const sql = `SELECT p.* FROM record_appeals p WHERE ${where.join(' AND ')}`;
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) counted`, params)) as { total: number }[];
    const rows = (await this.dataSource.query(`${sql} ORDER BY p.filed_at, p.id LIMIT ${take} OFFSET ${skip}`, params)) as Row[];
    return { items: rows.map(toAppeal), page, pageSize, total };
  }

  async get(scope: DataScope, id: string): Promise<AppealResponse> {
    const params: unknown[] = [id];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'p.student_id', schoolIdColumn: 'p.school_id' }, params);
    const [row] = (await this.dataSource.query(`SELECT p.* FROM record_appeals p WHERE p.id = $1 AND ${inScope}`, params)) as Row[];
    if (!row) throw reviewNotFound('appeal', '申诉', id);
    return toAppeal(row);
  }

  /** The school's decision (appeals.decide). */
  async decide(actor: Actor, id: string, dto: DecideAppealDto): Promise<AppealResponse> {
    return this.settle(actor, id, dto, 'school');
  }

  /** The bureau's decision on an escalated appeal (appeals.reconsider). */
  async reconsider(actor: Actor, id: string, dto: DecideAppealDto): Promise<AppealResponse> {
    return this.settle(actor, id, dto, 'bureau');
  }

  /** The appellant escalates a dismissed appeal to the bureau, before the escalation deadline. */
  async escalate(actor: Actor, id: string, reason: string): Promise<AppealResponse> {
    await this.dataSource.transaction(async (manager) => {
      const appeal = await this.lockAppeal(manager, actor.scopeFor('appeals.file'), id);
      if (appeal.status !== 'dismissed') {
        throw new ReviewError('NOT_ESCALATABLE', `only an appeal the school dismissed can be escalated; this one is ${appeal.status}`, '只有被学校驳回的申诉可以提请复议', { status: appeal.status });
      }
      const now = this.clock.now();
      if (now >= (appeal.escalate_by as Date)) {
        throw new ReviewError('ESCALATION_WINDOW_CLOSED', `escalation had to be requested by ${(appeal.escalate_by as Date).toISOString()}`, '提请复议的期限已过', { escalateBy: (appeal.escalate_by as Date).toISOString() });
      }
      await manager.query(`UPDATE record_appeals SET status = 'escalated', escalation_reason = $2, escalated_at = $3 WHERE id = $1`, [id, reason, now]);
      const record = await this.transitions.lock(manager, appeal.activity_record_id as string, EVERYTHING);
      await this.transitions.record(manager, record, 'escalate', actingAs(actor, 'appeals.file'), { from: record.status, to: record.status, remark: reason, context: { appealId: id } });
    });
    return this.read(id);
  }

  /** An integrity case on a confirmed record, decided by the school: amend (new version) or revoke, with the reason. */
  async correct(actor: Actor, recordId: string, change: 'amend' | 'revoke', remark: string, amendment: UpdateReviewRecordDto | undefined): Promise<ReviewRecordResponse> {
    const by = actingAs(actor, 'appeals.decide');
    const event = await this.dataSource.transaction(async (manager) => {
      const record = await this.transitions.lock(manager, recordId, actor.scopeFor('appeals.decide'));
      return this.changeConfirmed(manager, record, change, by, remark, amendment, { cause: 'integrity_case', appealId: null });
    });
    await this.events.emitConfirmedRecordChanged(event);
    return this.records.get(actor.readScope, recordId);
  }

  private async settle(actor: Actor, id: string, dto: DecideAppealDto, level: 'school' | 'bureau'): Promise<AppealResponse> {
    const permission = level === 'school' ? 'appeals.decide' : 'appeals.reconsider';
    const by = actingAs(actor, permission);
    const event = await this.dataSource.transaction(async (manager) => {
      const appeal = await this.lockAppeal(manager, actor.scopeFor(permission), id);
      const expected = level === 'school' ? 'filed' : 'escalated';
      if (appeal.status !== expected) {
        throw new ReviewError('APPEAL_ALREADY_DECIDED', `the ${level} decides ${expected} appeals; this one is ${appeal.status}`, level === 'school' ? '该申诉已处理' : '只有已提请复议的申诉由教育局决定', { status: appeal.status });
      }
      const now = this.clock.now();
      const record = await this.transitions.lock(manager, appeal.activity_record_id as string, EVERYTHING);
      let changed: ConfirmedRecordChanged | null = null;
      if (dto.outcome === 'upheld') {
        if (appeal.subject === 'rejection') {
          await this.transitions.apply(manager, record, 'reinstate', by, { remark: dto.remark, context: { appealId: id } });
        } else {
          changed = await this.changeConfirmed(manager, record, dto.revoke ? 'revoke' : 'amend', by, dto.remark, dto.amendment, { cause: 'appeal', appealId: id });
        }
      } else {
        await this.transitions.record(manager, record, level === 'school' ? 'appeal_dismissed' : 'reconsider_dismissed', by, { from: record.status, to: record.status, remark: dto.remark, context: { appealId: id } });
      }
      if (level === 'school') {
        const escalateBy =
          dto.outcome === 'dismissed'
            ? endOfChinaDay(nthWorkingDayAfter(chinaDate(now), (await this.settings.get(manager)).escalationWindowWorkingDays, await this.calendar.calendar(manager)))
            : null;
        await manager.query(`UPDATE record_appeals SET status = $2, school_remark = $3, school_decided_by = $4, school_decided_at = $5, escalate_by = $6 WHERE id = $1`, [
          id,
          dto.outcome,
          dto.remark,
          actor.userId,
          now,
          escalateBy,
        ]);
      } else {
        await manager.query(`UPDATE record_appeals SET status = $2, bureau_remark = $3, bureau_decided_by = $4, bureau_decided_at = $5 WHERE id = $1`, [id, `bureau_${dto.outcome}`, dto.remark, actor.userId, now]);
      }
      return changed;
    });
    if (event) await this.events.emitConfirmedRecordChanged(event);
    return this.read(id);
  }

  /** CONFIRMED/AMENDED → AMENDED (a new version with the corrected fields) or → REVOKED; never in place. */
  private async changeConfirmed(
    manager: EntityManager,
    record: LockedRecord,
    change: 'amend' | 'revoke',
    by: ActingAs,
    remark: string,
    amendment: UpdateReviewRecordDto | undefined,
    cause: { cause: 'appeal' | 'integrity_case'; appealId: string | null },
  ): Promise<ConfirmedRecordChanged> {
    const context = cause.appealId ? { appealId: cause.appealId, cause: cause.cause } : { cause: cause.cause };
    let version = record.version;
    if (change === 'revoke') {
      await this.transitions.apply(manager, record, 'revoke', by, { remark, context });
    } else {
      const given = amendment ? definedOnly(amendment) : {};
      if (Object.keys(given).length === 0) throw new ReviewError('INVALID_AMENDMENT', 'an amendment must change at least one field (or revoke the record instead)', '更正须至少修改一项内容（或改为撤销）');
      const [current] = (await manager.query(`${RECORD_SELECT} WHERE a.id = $1`, [record.id])) as Row[];
      const [term] = (await manager.query(`SELECT start_date::text AS start, end_date::text AS end FROM terms WHERE id = $1`, [record.termId])) as { start: string; end: string }[];
      const before = snapshotOf(current);
      const merged = checkContent({ ...before, ...given } as RecordContent & { startDate: string }, term);
      await this.transitions.apply(manager, record, 'amend', by, { remark, context: { ...context, version: record.version + 1 } });
      await this.records.keepVersion(manager, record, current, before);
      const fields = Object.keys(given) as (keyof RecordContent)[];
      const columns: Record<string, string> = { dimension: 'dimension', recordType: 'record_type', title: 'title', level: 'level', role: 'role', startDate: 'start_date', endDate: 'end_date', startTime: 'start_time', endTime: 'end_time', hours: 'hours', location: 'location', organiser: 'organiser', awardRank: 'award_rank' };
      const sets = fields.map((field, index) => `${columns[field]} = $${index + 2}`).join(', ');
      await manager.query(`UPDATE activity_records SET ${sets}, version = version + 1, recorded_by = $${fields.length + 2} WHERE id = $1`, [record.id, ...fields.map((field) => merged[field] ?? null), by.userId]);
      version = record.version + 1;
    }
    return {
      recordId: record.id,
      studentId: record.studentId,
      schoolId: record.schoolId,
      termId: record.termId,
      change: change === 'revoke' ? 'revoked' : 'amended',
      cause: cause.cause,
      appealId: cause.appealId,
      reason: remark,
      version,
      at: this.clock.now().toISOString(),
    };
  }

  private async lockAppeal(manager: EntityManager, scope: DataScope, id: string): Promise<Row> {
    const params: unknown[] = [id];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'p.student_id', schoolIdColumn: 'p.school_id' }, params);
    const [row] = (await manager.query(`SELECT p.* FROM record_appeals p WHERE p.id = $1 AND ${inScope} FOR UPDATE`, params)) as Row[];
    if (!row) throw reviewNotFound('appeal', '申诉', id);
    return row;
  }

  private async read(id: string): Promise<AppealResponse> {
    const [row] = (await this.dataSource.query(`SELECT p.* FROM record_appeals p WHERE p.id = $1`, [id])) as Row[];
    return toAppeal(row);
  }
}

const iso = (value: unknown) => (value ? (value as Date).toISOString() : null);

function toAppeal(row: Row): AppealResponse {
  return {
    id: row.id as string,
    activityRecordId: row.activity_record_id as string,
    studentId: row.student_id as string,
    schoolId: row.school_id as string,
    subject: row.subject as string,
    status: row.status as string,
    filedBy: row.filed_by as string,
    reason: row.reason as string,
    requestedChanges: row.requested_changes as Record<string, unknown> | null,
    filedAt: iso(row.filed_at)!,
    fileBy: iso(row.file_by)!,
    schoolRemark: row.school_remark as string | null,
    schoolDecidedBy: row.school_decided_by as string | null,
    schoolDecidedAt: iso(row.school_decided_at),
    escalateBy: iso(row.escalate_by),
    escalationReason: row.escalation_reason as string | null,
    escalatedAt: iso(row.escalated_at),
    bureauRemark: row.bureau_remark as string | null,
    bureauDecidedBy: row.bureau_decided_by as string | null,
    bureauDecidedAt: iso(row.bureau_decided_at),
  };
}
