import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import { type DataScope, studentInScopeSql } from '../auth/data-scope';
import type { ActivityRecordResponse, ListActivityRecordsQueryDto, ListTermRecordsQueryDto, RecordHistoryResponse, TermRecordResponse } from './dto/record.dto';
import type { Dimension } from './dimensions';
import { notFound } from './intake.errors';

type Row = Record<string, unknown>;
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));

function toTermRecord(row: Row): TermRecordResponse {
  return {
    id: row.id as string,
    studentId: row.student_id as string,
    schoolId: row.school_id as string,
    term: { id: row.term_id as string, code: row.term_code as string },
    indicator: {
      id: row.indicator_id as string,
      code: row.indicator_code as string,
      dimension: row.dimension as Dimension,
      nameZh: row.name_zh as string,
      nameEn: row.name_en as string,
      valueType: row.value_type as string,
      unit: row.unit as string | null,
      retired: row.retired_at !== null,
    },
    occasion: { examType: row.exam_type as string | null, date: row.occasion_date as string | null, itemName: row.item_name as string | null, key: row.occasion_key as string },
    value: { number: num(row.numeric_value), text: row.text_value as string | null, marker: row.marker as string | null, markerReason: row.marker_reason as string | null, fullMarks: num(row.full_marks) },
    attestedBy: row.attested_by as string | null,
    source: row.source as string,
    version: row.version as number,
    recordedBy: row.recorded_by as string | null,
    recordedAt: iso(row.updated_at),
  };
}

function toActivityRecord(row: Row): ActivityRecordResponse {
  return {
    id: row.id as string,
    studentId: row.student_id as string,
    schoolId: row.school_id as string,
    term: { id: row.term_id as string, code: row.term_code as string },
    dimension: row.dimension as Dimension,
    recordType: row.record_type as string,
    title: row.title as string,
    level: row.level as string | null,
    role: row.role as string | null,
    startDate: row.start_date as string,
    endDate: row.end_date as string | null,
    hours: num(row.hours),
    location: row.location as string | null,
    organiser: row.organiser as string | null,
    awardRank: row.award_rank as string | null,
    source: row.source as string,
    needsStudentConfirmation: row.source === 'teacher_on_behalf' && row.student_confirmed_at === null,
    status: row.status as string,
    reviewRemark: row.review_remark as string | null,
    version: row.version as number,
    recordedBy: row.recorded_by as string | null,
    recordedAt: iso(row.updated_at),
  };
}

const TERM_RECORD_COLUMNS = `r.id, r.student_id, r.school_id, r.term_id, t.code AS term_code, r.indicator_id, i.code AS indicator_code, i.dimension, i.name_zh, i.name_en,
         i.value_type, i.unit, i.retired_at, r.exam_type, r.occasion_date::text AS occasion_date, r.item_name, r.occasion_key, r.numeric_value, r.text_value,
         r.marker, r.marker_reason, r.full_marks, r.attested_by, r.source, r.version, r.recorded_by, r.updated_at`;
const TERM_RECORD_FROM = `term_records r JOIN indicators i ON i.id = r.indicator_id JOIN terms t ON t.id = r.term_id`;
const TERM_RECORD_SELECT = `
  SELECT ${TERM_RECORD_COLUMNS}
  FROM ${TERM_RECORD_FROM}`;

const ACTIVITY_COLUMNS = `a.id, a.student_id, a.school_id, a.term_id, t.code AS term_code, a.dimension, a.record_type, a.title, a.level, a.role,
         a.start_date::text AS start_date, a.end_date::text AS end_date, a.hours, a.location, a.organiser, a.award_rank, a.source, a.status,
         a.review_remark, a.student_confirmed_at, a.version, a.recorded_by, a.updated_at`;
const ACTIVITY_FROM = `activity_records a JOIN terms t ON t.id = a.term_id`;
const ACTIVITY_SELECT = `
  SELECT ${ACTIVITY_COLUMNS}
  FROM ${ACTIVITY_FROM}`;

/**
 * Reading term records and 写实记录, always through the caller's data scope (the one
 * scope-to-SQL helper, on the record's own student_id and school_id): a record outside the
 * scope is "not found", exactly like a missing one; lists simply do not contain it.
 */
@Injectable()
export class RecordsService {
  constructor(private readonly dataSource: DataSource) {}

  async listTermRecords(scope: DataScope, query: ListTermRecordsQueryDto): Promise<Page<TermRecordResponse>> {
    const params: unknown[] = [];
    const where = [studentInScopeSql(scope, { studentIdColumn: 'r.student_id', schoolIdColumn: 'r.school_id' }, params)];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (query.studentId) add((n) => `r.student_id = $${n}`, query.studentId);
    if (query.schoolId) add((n) => `r.school_id = $${n}`, query.schoolId);
    if (query.termId) add((n) => `r.term_id = $${n}`, query.termId);
    if (query.dimension) add((n) => `i.dimension = $${n}`, query.dimension);
    if (query.indicatorId) add((n) => `r.indicator_id = $${n}`, query.indicatorId);
    if (query.classId) add((n) => `EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = r.student_id AND e.term_id = r.term_id AND e.class_id = $${n})`, query.classId);
    return this.page({ alias: 'r', from: TERM_RECORD_FROM, columns: TERM_RECORD_COLUMNS, where: where.join(' AND '), orderBy: ['t.code', 'i.dimension', 'i.code', 'r.occasion_key', 'r.student_id'] }, params, query, toTermRecord);
  }

  async getTermRecord(scope: DataScope, id: string): Promise<TermRecordResponse> {
    return toTermRecord(await this.one(`${TERM_RECORD_SELECT} WHERE r.id = $1`, 'r', scope, id, ['term record', '记录']));
  }

  async termRecordHistory(scope: DataScope, id: string): Promise<RecordHistoryResponse> {
    const current = await this.getTermRecord(scope, id);
    return this.history('term_record', id, current.version, { ...current.value, ...current.occasion, attestedBy: current.attestedBy }, current);
  }

  async listActivityRecords(scope: DataScope, query: ListActivityRecordsQueryDto): Promise<Page<ActivityRecordResponse>> {
    const params: unknown[] = [];
    const where = [studentInScopeSql(scope, { studentIdColumn: 'a.student_id', schoolIdColumn: 'a.school_id' }, params)];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (query.studentId) add((n) => `a.student_id = $${n}`, query.studentId);
    if (query.schoolId) add((n) => `a.school_id = $${n}`, query.schoolId);
    if (query.termId) add((n) => `a.term_id = $${n}`, query.termId);
    if (query.dimension) add((n) => `a.dimension = $${n}`, query.dimension);
    if (query.classId) add((n) => `EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = a.student_id AND e.term_id = a.term_id AND e.class_id = $${n})`, query.classId);
    return this.page({ alias: 'a', from: ACTIVITY_FROM, columns: ACTIVITY_COLUMNS, where: where.join(' AND '), orderBy: ['t.code', 'a.start_date', 'a.title', 'a.id'] }, params, query, toActivityRecord);
  }

  async getActivityRecord(scope: DataScope, id: string): Promise<ActivityRecordResponse> {
    return toActivityRecord(await this.one(`${ACTIVITY_SELECT} WHERE a.id = $1`, 'a', scope, id, ['activity record', '写实记录']));
  }

  async activityRecordHistory(scope: DataScope, id: string): Promise<RecordHistoryResponse> {
    const current = await this.getActivityRecord(scope, id);
    const { id: _id, studentId: _s, schoolId: _sc, term: _t, version: _v, recordedBy: _r, recordedAt: _ra, source: _so, ...values } = current;
    return this.history('activity_record', id, current.version, values, current);
  }

  private async one(sql: string, alias: string, scope: DataScope, id: string, [what, whatZh]: [string, string]): Promise<Row> {
    const params: unknown[] = [id];
    const inScope = studentInScopeSql(scope, { studentIdColumn: `${alias}.student_id`, schoolIdColumn: `${alias}.school_id` }, params);
    const [row] = (await this.dataSource.query(`${sql} AND ${inScope}`, params)) as Row[];
    if (!row) throw notFound(what, whatZh, id);
    return row;
  }

  /**
   * One page and the total in one pass over the matching rows (ADR 1031): the inner query sorts
   * only the record ids and the sort keys, counting the rows with a window, and the page's 50
   * rows are then fetched whole by primary key (id and term: term_records is partitioned by
   * term, and the outer query repeats the filters so that a term filter prunes its partitions at
   * plan time there too). The earlier count-then-page read a school's term
   * (≈10,000 records) from the heap twice and sorted the wide rows. The order is unchanged
   * (`orderBy`, its last key unique per record).
   */
  private async page<T>(
    sql: { alias: string; from: string; columns: string; where: string; orderBy: string[] },
    params: unknown[],
    query: { page?: number; pageSize?: number },
    map: (row: Row) => T,
  ): Promise<Page<T>> {
    const { page, pageSize, skip, take } = pageWindow(query);
    const keys = sql.orderBy.map((expression, index) => `${expression} AS k${index}`).join(', ');
    const keyOrder = sql.orderBy.map((_, index) => `k${index}`).join(', ');
    const rows = (await this.dataSource.query(
      `WITH listed AS (
         SELECT ${sql.alias}.id AS listed_id, ${sql.alias}.term_id AS listed_term_id, count(*) OVER ()::int AS total_count, ${keys}
           FROM ${sql.from} WHERE ${sql.where}
          ORDER BY ${keyOrder} LIMIT ${take} OFFSET ${skip})
       SELECT ${sql.columns}, listed.total_count
         FROM listed JOIN ${sql.from} ON ${sql.alias}.id = listed.listed_id AND ${sql.alias}.term_id = listed.listed_term_id
        WHERE ${sql.where}
        ORDER BY ${sql.orderBy.map((_, index) => `listed.k${index}`).join(', ')}`,
      params,
    )) as Row[];
    const total =
      rows.length > 0
        ? (rows[0].total_count as number)
        : skip === 0
          ? 0
          : ((await this.dataSource.query(`SELECT count(*)::int AS total FROM ${sql.from} WHERE ${sql.where}`, params)) as { total: number }[])[0].total;
    return { items: rows.map(map), page, pageSize, total };
  }

  private async history(kind: string, id: string, version: number, values: Record<string, unknown>, current: { source: string; recordedBy: string | null; recordedAt: string }): Promise<RecordHistoryResponse> {
    const rows = (await this.dataSource.query(
      'SELECT version, snapshot, source, recorded_by, recorded_at, superseded_at FROM record_versions WHERE record_kind = $1 AND record_id = $2 ORDER BY version',
      [kind, id],
    )) as Row[];
    return {
      recordId: id,
      versions: [
        ...rows.map((row) => ({ version: row.version as number, current: false, values: row.snapshot as Record<string, unknown>, source: row.source as string, recordedBy: row.recorded_by as string | null, recordedAt: iso(row.recorded_at), supersededAt: iso(row.superseded_at) })),
        { version, current: true, values, source: current.source, recordedBy: current.recordedBy, recordedAt: current.recordedAt, supersededAt: null },
      ],
    };
  }
}
