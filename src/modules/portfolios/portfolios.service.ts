import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { type DataScope, studentInScopeSql } from '../auth/data-scope';
import { maskStudentNumber } from '../roster/student-number-mask';
import { canonicalJson, sha256Hex } from './canonical-json';
import type { ListPortfoliosQueryDto, PortfolioResponse, PortfolioStep, PortfolioSummaryResponse, VerificationResponse } from './dto/portfolio.dto';
import type { PortfolioStatus } from './entities/portfolio.entity';
import { PortfolioError, portfolioNotFound } from './portfolios.errors';
import { PORTFOLIO_SECTIONS, type PortfolioSection, type PortfolioStudent } from './sections/section';

type Row = Record<string, unknown>;

/** A change of a confirmed 写实记录 as the portfolio hook takes it in, with how it was heard (ADR 0815). */
export interface AppliedRecordChange {
  readonly recordId: string;
  readonly studentId: string;
  readonly change: 'amended' | 'revoked';
  readonly version: number;
  readonly via: 'event' | 'replay';
}

/** Thrown inside a transaction to roll it back when another process took the same change in first. */
class ChangeAlreadyApplied extends Error {}

/** Writes the change into the hook's ledger in the caller's transaction; false when it is there already. */
async function takeInChange(manager: EntityManager, change: AppliedRecordChange): Promise<boolean> {
  const rows = (await manager.query(
    `INSERT INTO portfolio_record_changes (record_id, change, version, student_id, via) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING record_id`,
    [change.recordId, change.change, change.version, change.studentId, change.via],
  )) as unknown[];
  return rows.length > 0;
}

/** The format name written into every document; a new layout gets a new name, old snapshots keep theirs. */
export const PORTFOLIO_FORMAT = 'wuyu.portfolio/1';

/**
 * Who may read which portfolios: `full` (students.read: the student, guardians, teachers, the
 * school, the bureau) reads every version in every state; `sealedOnly` (admissions.read: an
 * admissions officer's applicants during an open period) reads sealed versions only.
 */
export interface PortfolioReadScopes {
  readonly full: DataScope;
  readonly sealedOnly: DataScope;
}

/** The workflow: each action moves one state to the next; anything else is 409 INVALID_TRANSITION. */
const TRANSITIONS = {
  confirm: { from: 'compiled', to: 'student_confirmed', at: 'student_confirmed_at', by: 'student_confirmed_by' },
  comment: { from: 'student_confirmed', to: 'commented', at: 'commented_at', by: 'commented_by' },
  signOff: { from: 'commented', to: 'signed_off', at: 'signed_off_at', by: 'signed_off_by' },
  seal: { from: 'signed_off', to: 'sealed', at: 'sealed_at', by: 'sealed_by' },
} as const satisfies Record<string, { from: PortfolioStatus; to: PortfolioStatus; at: string; by: string }>;
type Action = keyof typeof TRANSITIONS;

const STATUS_ZH: Readonly<Record<PortfolioStatus, string>> = { compiled: '已汇总', student_confirmed: '学生已确认', commented: '班主任已评语', signed_off: '学校已审核', sealed: '已封存' };
const EVENT_OF: Readonly<Record<Exclude<Action, 'seal'>, string>> = { confirm: 'confirm', comment: 'comment', signOff: 'sign_off' };
const ACTION_ZH: Readonly<Record<Action | 'reopen' | 'compile', string>> = { confirm: '学生确认', comment: '班主任评语', signOff: '学校审核', seal: '封存', reopen: '重新开启', compile: '汇总' };

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string | Date).toISOString());
const step = (at: unknown, by: unknown): PortfolioStep | null => (at === null || at === undefined ? null : { at: iso(at)!, by: (by as string | null) ?? null });

const SELECT = `
  SELECT p.*, EXISTS (SELECT 1 FROM portfolios later WHERE later.student_id = p.student_id AND later.version > p.version) AS superseded
  FROM portfolios p`;

/**
 * The document of a portfolio version: everything it says, in a fixed shape. For a sealed
 * version it is parsed from the stored snapshot (exactly what was hashed); before that it is
 * built from the row, the same way sealing builds it.
 */
export function portfolioDocument(row: Row, sealed: PortfolioStep | null): Record<string, unknown> {
  const content = row.content as { student: unknown; sections: unknown; supersedes?: unknown };
  return {
    format: PORTFOLIO_FORMAT,
    portfolio: { id: row.id, version: row.version, supersedes: content.supersedes ?? null, reopenReason: row.reopen_reason ?? null },
    student: content.student,
    sections: content.sections,
    compiled: step(row.compiled_at, row.compiled_by),
    studentConfirmation: step(row.student_confirmed_at, row.student_confirmed_by),
    classTeacherComment: row.commented_at ? { text: row.class_teacher_comment, ...step(row.commented_at, row.commented_by)! } : null,
    schoolSignOff: step(row.signed_off_at, row.signed_off_by),
    sealed,
  };
}

/**
 * 综合素质档案: compile from the sections' sources, then student confirmation, class-teacher
 * comment, school sign-off and sealing (canonical JSON + SHA-256, ADR 0821), each step
 * recorded with who and when; verification recomputes the hash; an upheld appeal reopens a
 * sealed portfolio as a new version. Every read and write goes through data-scope.ts.
 */
@Injectable()
export class PortfoliosService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(PORTFOLIO_SECTIONS) private readonly sections: readonly PortfolioSection[],
  ) {}

  private visible(scopes: PortfolioReadScopes, params: unknown[]): string {
    const columns = { studentIdColumn: 'p.student_id', schoolIdColumn: 'p.school_id' };
    return `(${studentInScopeSql(scopes.full, columns, params)} OR (p.status = 'sealed' AND ${studentInScopeSql(scopes.sealedOnly, columns, params)}))`;
  }

  private async readRow(scopes: PortfolioReadScopes, id: string): Promise<Row> {
    const params: unknown[] = [id];
    const [row] = (await this.dataSource.query(`${SELECT} WHERE p.id = $1 AND ${this.visible(scopes, params)}`, params)) as Row[];
    if (!row) throw portfolioNotFound('portfolio', '综合素质档案', id);
    return row;
  }

  async get(scopes: PortfolioReadScopes, id: string): Promise<PortfolioResponse> {
    const row = await this.readRow(scopes, id);
    const events = (await this.dataSource.query('SELECT action, from_status, to_status, actor_user_id, at, remark FROM portfolio_events WHERE portfolio_id = $1 ORDER BY id', [id])) as Row[];
    return {
      ...toResponse(row),
      history: events.map((event) => ({
        action: event.action as string,
        fromStatus: (event.from_status as PortfolioStatus | null) ?? null,
        toStatus: event.to_status as PortfolioStatus,
        at: iso(event.at)!,
        by: (event.actor_user_id as string | null) ?? null,
        remark: (event.remark as string | null) ?? null,
      })),
    };
  }

  async list(scopes: PortfolioReadScopes, query: ListPortfoliosQueryDto): Promise<Page<PortfolioSummaryResponse>> {
    const params: unknown[] = [];
    const where = [this.visible(scopes, params)];
    const add = (column: string, value: string | undefined) => {
      if (value !== undefined) where.push(`p.${column} = $${params.push(value)}`);
    };
    add('student_id', query.studentId);
    add('school_id', query.schoolId);
    add('status', query.status);
    const sql = `${SELECT} WHERE ${where.join(' AND ')}`;
    const { page, pageSize, skip, take } = pageWindow(query);
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) counted`, params)) as { total: number }[];
    const rows = (await this.dataSource.query(`${sql} ORDER BY p.student_id, p.version DESC LIMIT ${take} OFFSET ${skip}`, params)) as Row[];
    return {
      items: rows.map((row) => ({
        id: row.id as string,
        studentId: row.student_id as string,
        schoolId: row.school_id as string,
        version: row.version as number,
        status: row.status as PortfolioStatus,
        superseded: row.superseded as boolean,
        compiledAt: iso(row.compiled_at)!,
        sealedAt: iso(row.sealed_at),
        contentSha256: (row.content_sha256 as string | null) ?? null,
      })),
      page,
      pageSize,
      total,
    };
  }

  /** The sealed snapshot exactly as stored and hashed (for `sha256sum`). */
  async snapshot(scopes: PortfolioReadScopes, id: string): Promise<{ text: string; sha256: string; version: number }> {
    const row = await this.readRow(scopes, id);
    if (row.status !== 'sealed') throw notSealed(id);
    return { text: row.snapshot as string, sha256: row.content_sha256 as string, version: row.version as number };
  }

  /**
   * Recomputes the SHA-256 of the stored snapshot and compares it with the stored hash; also
   * checks that the snapshot is in canonical form and names this portfolio and version (so a
   * snapshot copied from another row does not pass).
   */
  async verify(scopes: PortfolioReadScopes, id: string): Promise<VerificationResponse> {
    const row = await this.readRow(scopes, id);
    if (row.status !== 'sealed') throw notSealed(id);
    const text = row.snapshot as string;
    const computed = sha256Hex(text);
    let canonicalForm = false;
    let identityMatches = false;
    try {
      const parsed = JSON.parse(text) as { portfolio?: { id?: unknown; version?: unknown } };
      canonicalForm = canonicalJson(parsed) === text;
      identityMatches = parsed.portfolio?.id === row.id && parsed.portfolio?.version === row.version;
    } catch {
      canonicalForm = false;
    }
    const hashMatches = computed === row.content_sha256;
    return {
      portfolioId: row.id as string,
      version: row.version as number,
      algorithm: 'SHA-256',
      canonicalisation: 'RFC 8785 (JSON Canonicalization Scheme)',
      storedSha256: row.content_sha256 as string,
      computedSha256: computed,
      valid: hashMatches && canonicalForm && identityMatches,
      checks: { hashMatches, canonicalForm, identityMatches },
      verifiedAt: new Date().toISOString(),
    };
  }

  /**
   * Compiles the student's portfolio: a first version (created: true), or the open version again
   * while it is only compiled (nobody confirmed it yet). Refused once the open version moved on
   * (409 PORTFOLIO_IN_PROGRESS) or when the latest version is sealed (409 PORTFOLIO_SEALED: reopen it).
   */
  async compile(scope: DataScope, studentId: string, actor: Actor): Promise<{ created: boolean; portfolio: PortfolioResponse }> {
    const student = await this.loadStudent(scope, studentId);
    const compiled = await this.compileContent(student);
    const id = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wuyu.portfolio.${studentId}`]);
      const [latest] = (await manager.query('SELECT id, version, status FROM portfolios WHERE student_id = $1 ORDER BY version DESC LIMIT 1', [studentId])) as Row[];
      if (latest && latest.status === 'sealed') {
        throw new PortfolioError('PORTFOLIO_SEALED', `the portfolio of this student is sealed (version ${latest.version}); reopen it to make a new version`, `该学生的综合素质档案已封存（第${latest.version}版），如需修改请重新开启`, { portfolioId: latest.id });
      }
      if (latest && latest.status !== 'compiled') {
        throw new PortfolioError('PORTFOLIO_IN_PROGRESS', `version ${latest.version} is ${latest.status}; it can no longer be compiled again`, `第${latest.version}版已处于“${STATUS_ZH[latest.status as PortfolioStatus]}”状态，不能重新汇总`, { portfolioId: latest.id, status: latest.status });
      }
      if (latest) {
        await manager.query('UPDATE portfolios SET content = $2, dimension_levels = $3, compiled_at = now(), compiled_by = $4, school_id = $5, updated_at = now() WHERE id = $1', [
          latest.id,
          JSON.stringify(compiled.content),
          JSON.stringify(compiled.dimensionLevels),
          actor.userId,
          student.school.id,
        ]);
        await recordEvent(manager, latest.id as string, 'recompile', 'compiled', 'compiled', actor.userId);
        return { id: latest.id as string, created: false };
      }
      const created = await this.insertVersion(manager, student, compiled, 1, null, null, actor.userId);
      await recordEvent(manager, created, 'compile', null, 'compiled', actor.userId);
      return { id: created, created: true };
    });
    return { created: id.created, portfolio: await this.get({ full: scope, sealedOnly: scope }, id.id) };
  }

  /** The student (or guardian) confirms, the class teacher comments, the school signs off: one step each, in order. */
  async advance(scope: DataScope, id: string, action: Exclude<Action, 'seal'>, actor: Actor, comment?: string): Promise<PortfolioResponse> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.lockForTransition(manager, scope, id, action);
      const transition = TRANSITIONS[action];
      await manager.query(
        `UPDATE portfolios SET status = $2, ${transition.at} = now(), ${transition.by} = $3${action === 'comment' ? ', class_teacher_comment = $4' : ''}, updated_at = now() WHERE id = $1`,
        action === 'comment' ? [row.id, transition.to, actor.userId, comment] : [row.id, transition.to, actor.userId],
      );
      await recordEvent(manager, row.id as string, EVENT_OF[action], transition.from, transition.to, actor.userId, action === 'comment' ? (comment ?? null)?.slice(0, 500) ?? null : null);
    });
    return this.get({ full: scope, sealedOnly: scope }, id);
  }

  /** Seals a signed-off version: builds its document, writes the canonical JSON and its SHA-256; the row is immutable from then on. */
  async seal(scope: DataScope, id: string, actor: Actor): Promise<PortfolioResponse> {
    const sealed = await this.dataSource.transaction(async (manager) => {
      const row = await this.lockForTransition(manager, scope, id, 'seal');
      const at = new Date();
      const text = canonicalJson(portfolioDocument(row, { at: at.toISOString(), by: actor.userId }));
      const hash = sha256Hex(text);
      await manager.query(`UPDATE portfolios SET status = 'sealed', sealed_at = $2, sealed_by = $3, snapshot = $4, content_sha256 = $5, updated_at = now() WHERE id = $1`, [
        row.id,
        at,
        actor.userId,
        text,
        hash,
      ]);
      await recordEvent(manager, row.id as string, 'seal', 'signed_off', 'sealed', actor.userId, `sha256:${hash}`, at);
      return hash;
    });
    // The hash also goes to the append-only audit trail: a second, independent record of what was sealed.
    await this.audit.record({ actor, action: 'portfolio.sealed', operation: `sha256:${sealed}`, targetType: 'portfolio', targetId: id, outcome: 'success' });
    return this.get({ full: scope, sealedOnly: scope }, id);
  }

  /**
   * Reopens the latest sealed version as a new version, compiled afresh (an upheld appeal, ADR
   * 0821). The sealed version stays as it was and readable; the new one names it and its hash.
   */
  async reopen(scope: DataScope, id: string, reason: string, actor: Actor | null, change?: AppliedRecordChange): Promise<PortfolioResponse> {
    const params: unknown[] = [id];
    const [row] = (await this.dataSource.query(`${SELECT} WHERE p.id = $1 AND ${studentInScopeSql(scope, { studentIdColumn: 'p.student_id', schoolIdColumn: 'p.school_id' }, params)}`, params)) as Row[];
    if (!row) throw portfolioNotFound('portfolio', '综合素质档案', id);
    if (row.status !== 'sealed') throw notSealed(id);
    if (row.superseded) throw new PortfolioError('NOT_LATEST_VERSION', `version ${row.version} was already reopened; reopen the latest version`, `第${row.version}版已被重新开启，请对最新版本操作`, { portfolioId: id });
    const student = await this.loadStudent(null, row.student_id as string);
    const compiled = await this.compileContent(student);
    const created = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wuyu.portfolio.${row.student_id}`]);
      if (change && !(await takeInChange(manager, change))) throw new ChangeAlreadyApplied();
      const [latest] = (await manager.query('SELECT id FROM portfolios WHERE student_id = $1 ORDER BY version DESC LIMIT 1', [row.student_id])) as Row[];
      if (latest.id !== row.id) throw new PortfolioError('NOT_LATEST_VERSION', `version ${row.version} was already reopened; reopen the latest version`, `第${row.version}版已被重新开启，请对最新版本操作`, { portfolioId: id });
      const supersedes = { id: row.id, version: row.version, contentSha256: row.content_sha256 };
      const newId = await this.insertVersion(manager, student, { ...compiled, content: { ...compiled.content, supersedes } }, (row.version as number) + 1, row.id as string, reason, actor?.userId ?? null);
      await recordEvent(manager, newId, 'reopen', null, 'compiled', actor?.userId ?? null, reason);
      return newId;
    });
    return this.get({ full: scope, sealedOnly: scope }, created);
  }

  /**
   * For the review workflow: one of the student's confirmed records was amended or revoked (an
   * upheld appeal or an integrity case). The portfolio must show the change:
   *  - latest version sealed → reopened as a new version (the sealed one stays as it was);
   *  - an unsealed version → compiled again and sent back to `compiled` (confirmation, comment
   *    and sign-off were given to the old content; the history keeps them, event `reset`);
   *  - no portfolio yet → nothing (the first compile will include the change).
   * Returns the version that now carries the change, or null.
   */
  async refreshForChangedRecord(studentId: string, reason: string, change?: AppliedRecordChange): Promise<PortfolioResponse | null> {
    return (await this.takeInRecordChange(studentId, reason, change)).portfolio;
  }

  /** As refreshForChangedRecord, saying whether this call took the change in (false: it was in the ledger already, ADR 0815). */
  async takeInRecordChange(studentId: string, reason: string, change?: AppliedRecordChange): Promise<{ takenIn: boolean; portfolio: PortfolioResponse | null }> {
    try {
      return await this.refresh(studentId, reason, change);
    } catch (error) {
      if (error instanceof ChangeAlreadyApplied) return { takenIn: false, portfolio: null };
      throw error;
    }
  }

  /**
   * Whether portfolios have taken in this change of a confirmed record (the hook's ledger,
   * ADR 0815): heard live, replayed, or in the history when the ledger began.
   */
  async isChangeApplied(change: Pick<AppliedRecordChange, 'recordId' | 'change' | 'version'>): Promise<boolean> {
    const rows = (await this.dataSource.query('SELECT 1 FROM portfolio_record_changes WHERE record_id = $1 AND change = $2 AND version = $3', [change.recordId, change.change, change.version])) as unknown[];
    return rows.length > 0;
  }

  private async refresh(studentId: string, reason: string, change: AppliedRecordChange | undefined): Promise<{ takenIn: boolean; portfolio: PortfolioResponse | null }> {
    const everything: DataScope = { all: true, schoolIds: [], classIds: [], studentIds: [] };
    const remark = reason.slice(0, 500);
    if (change && (await this.isChangeApplied(change))) return { takenIn: false, portfolio: null };
    const [latest] = (await this.dataSource.query('SELECT id, status FROM portfolios WHERE student_id = $1 ORDER BY version DESC LIMIT 1', [studentId])) as Row[];
    if (!latest) {
      // No portfolio yet: the first compile will include the change; the ledger notes it was heard.
      const takenIn = change ? await this.dataSource.transaction((manager) => takeInChange(manager, change)) : true;
      return { takenIn, portfolio: null };
    }
    if (latest.status === 'sealed') return { takenIn: true, portfolio: await this.reopen(everything, latest.id as string, remark, null, change) };
    const student = await this.loadStudent(null, studentId);
    const compiled = await this.compileContent(student);
    const id = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wuyu.portfolio.${studentId}`]);
      const [open] = (await manager.query(`SELECT id, status FROM portfolios WHERE student_id = $1 AND status <> 'sealed' FOR UPDATE`, [studentId])) as Row[];
      if (!open) return null; // sealed in the meantime: the caller may retry, which reopens it
      if (change && !(await takeInChange(manager, change))) throw new ChangeAlreadyApplied();
      await manager.query(
        `UPDATE portfolios SET status = 'compiled', content = $2, dimension_levels = $3, compiled_at = now(), compiled_by = NULL,
           student_confirmed_at = NULL, student_confirmed_by = NULL, class_teacher_comment = NULL, commented_at = NULL, commented_by = NULL,
           signed_off_at = NULL, signed_off_by = NULL, updated_at = now() WHERE id = $1`,
        [open.id, JSON.stringify(compiled.content), JSON.stringify(compiled.dimensionLevels)],
      );
      await recordEvent(manager, open.id as string, 'reset', open.status as PortfolioStatus, 'compiled', null, remark);
      return open.id as string;
    });
    return id === null ? this.refresh(studentId, reason, change) : { takenIn: true, portfolio: await this.get({ full: everything, sealedOnly: everything }, id) };
  }

  private async lockForTransition(manager: EntityManager, scope: DataScope, id: string, action: Action): Promise<Row> {
    const params: unknown[] = [id];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'p.student_id', schoolIdColumn: 'p.school_id' }, params);
    const [row] = (await manager.query(`SELECT p.* FROM portfolios p WHERE p.id = $1 AND ${inScope} FOR UPDATE`, params)) as Row[];
    if (!row) throw portfolioNotFound('portfolio', '综合素质档案', id);
    const transition = TRANSITIONS[action];
    if (row.status !== transition.from) {
      const status = row.status as PortfolioStatus;
      throw new PortfolioError(
        'INVALID_TRANSITION',
        `cannot ${action} a portfolio that is ${status}; it must be ${transition.from}`,
        `档案当前为“${STATUS_ZH[status]}”，不能进行“${ACTION_ZH[action]}”（须为“${STATUS_ZH[transition.from]}”）`,
        { action, status, requiredStatus: transition.from },
      );
    }
    return row;
  }

  private async insertVersion(
    manager: EntityManager,
    student: PortfolioStudent,
    compiled: { content: Record<string, unknown>; dimensionLevels: Record<string, string> },
    version: number,
    supersedesId: string | null,
    reason: string | null,
    userId: string | null,
  ): Promise<string> {
    const [{ id }] = (await manager.query(
      `INSERT INTO portfolios (student_id, school_id, version, status, supersedes_id, reopen_reason, content, dimension_levels, compiled_at, compiled_by)
       VALUES ($1, $2, $3, 'compiled', $4, $5, $6, $7, now(), $8) RETURNING id`,
      [student.id, student.school.id, version, supersedesId, reason, JSON.stringify(compiled.content), JSON.stringify(compiled.dimensionLevels), userId],
    )) as { id: string }[];
    return id;
  }

  /** The student as the document shows them (学籍号 masked: the portfolio leaves the school). Null scope: already checked. */
  private async loadStudent(scope: DataScope | null, studentId: string): Promise<PortfolioStudent> {
    const params: unknown[] = [studentId];
    const inScope = scope === null ? 'TRUE' : studentInScopeSql(scope, { studentIdColumn: 's.id', schoolIdColumn: 's.school_id' }, params);
    const [row] = (await this.dataSource.query(
      `SELECT s.id, s.name, s.student_number, s.sex_code, s.birth_date::text AS birth_date, sc.id AS school_id, sc.code AS school_code, sc.name AS school_name, sc.stage
       FROM students s JOIN schools sc ON sc.id = s.school_id WHERE s.id = $1 AND ${inScope}`,
      params,
    )) as Row[];
    if (!row) throw portfolioNotFound('student', '学生', studentId);
    const classes = (await this.dataSource.query(
      `SELECT t.code AS term_code, t.school_year, c.grade_code, c.name AS class_name
       FROM enrolments e JOIN terms t ON t.id = e.term_id JOIN school_classes c ON c.id = e.class_id
       WHERE e.student_id = $1 ORDER BY t.code`,
      [studentId],
    )) as Row[];
    return {
      id: row.id as string,
      name: row.name as string,
      studentNumber: maskStudentNumber(row.student_number as string),
      sexCode: row.sex_code as string,
      birthDate: row.birth_date as string,
      school: { id: row.school_id as string, code: (row.school_code as string).trim(), name: row.school_name as string, stage: row.stage as string },
      classes: classes.map((c) => ({ termCode: c.term_code as string, schoolYear: c.school_year as string, gradeCode: c.grade_code as string, className: c.class_name as string })),
    };
  }

  private async compileContent(student: PortfolioStudent): Promise<{ content: Record<string, unknown>; dimensionLevels: Record<string, string> }> {
    const sections: Record<string, unknown> = {};
    let dimensionLevels: Record<string, string> = {};
    for (const section of this.sections) {
      const compiled = await section.compile(student);
      sections[section.key] = { titleZh: section.titleZh, ...compiled.content };
      if (compiled.dimensionLevels) dimensionLevels = { ...dimensionLevels, ...compiled.dimensionLevels };
    }
    // Through canonical JSON once, so what is stored is exactly what a later seal will hash (no undefined, no Dates).
    const content = JSON.parse(canonicalJson({ student, sections })) as Record<string, unknown>;
    return { content, dimensionLevels };
  }
}

/** Appends one step to the version's history (portfolio_events, append-only). */
async function recordEvent(manager: EntityManager, portfolioId: string, action: string, fromStatus: PortfolioStatus | null, toStatus: PortfolioStatus, userId: string | null, remark: string | null = null, at?: Date): Promise<void> {
  await manager.query('INSERT INTO portfolio_events (portfolio_id, action, from_status, to_status, actor_user_id, remark, at) VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now()))', [
    portfolioId,
    action,
    fromStatus,
    toStatus,
    userId,
    remark,
    at ?? null,
  ]);
}

function notSealed(id: string): PortfolioError {
  return new PortfolioError('PORTFOLIO_NOT_SEALED', `portfolio ${id} is not sealed yet`, `综合素质档案 ${id} 尚未封存`, { portfolioId: id });
}

function toResponse(row: Row): Omit<PortfolioResponse, 'history'> {
  const sealed = step(row.sealed_at, row.sealed_by);
  return {
    id: row.id as string,
    studentId: row.student_id as string,
    schoolId: row.school_id as string,
    version: row.version as number,
    status: row.status as PortfolioStatus,
    supersedesId: (row.supersedes_id as string | null) ?? null,
    reopenReason: (row.reopen_reason as string | null) ?? null,
    superseded: row.superseded as boolean,
    steps: {
      compiled: step(row.compiled_at, row.compiled_by)!,
      studentConfirmed: step(row.student_confirmed_at, row.student_confirmed_by),
      commented: step(row.commented_at, row.commented_by),
      signedOff: step(row.signed_off_at, row.signed_off_by),
      sealed,
    },
    contentSha256: (row.content_sha256 as string | null) ?? null,
    document: row.status === 'sealed' ? parseSnapshot(row.snapshot as string) : portfolioDocument(row, null),
  };
}

/** A snapshot changed behind the service's back may not even parse: say so instead of failing the read (verify tells the rest). */
function parseSnapshot(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { format: PORTFOLIO_FORMAT, unreadable: true, note: 'the stored snapshot is not valid JSON; verification fails' };
  }
}
