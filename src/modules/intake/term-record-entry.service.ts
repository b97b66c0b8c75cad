import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ErrorDetail } from '../../common/errors/domain-error';
import { parseFlexibleDate } from '../imports/pipeline/parse-values';
import { normaliseCell } from '../imports/pipeline/normalise';
import { type DataScope, studentInScopeSql } from '../auth/data-scope';
import { FITNESS_RETEST_OCCASION, MARKER_ALIASES } from './dimensions';
import type { CreateTermRecordDto, TermRecordResponse, UpdateTermRecordDto } from './dto/record.dto';
import { entryRowFor, type EntryField, type EntryFields, TERM_RECORD_STAGING_COLUMNS, termRecordSnapshotSql } from './imports/term-record-kinds';
import { INDICATOR_RULE_COLUMNS, type IndicatorRule, isValueProblem, parseIndicatorValue, toIndicatorRule } from './indicator-values';
import { IntakeError, notFound } from './intake.errors';
import { RecordsService } from './records.service';

type Row = Record<string, unknown>;
/** The values of one record, by staging column (numeric_value, marker, occasion_key …), as the import stages them. */
type StagedValues = Record<(typeof TERM_RECORD_STAGING_COLUMNS)[number][0], string | null>;

const ENTRY_FIELDS: readonly EntryField[] = ['value', 'fullMarks', 'examType', 'examDate', 'date', 'category', 'item', 'attestedBy', 'testType', 'exemptionReason'];
const VALUE_COLUMNS = ['numeric_value', 'text_value', 'full_marks', 'marker', 'marker_reason', 'exam_type', 'occasion_date', 'item_name', 'attested_by'] as const;
const VALUE_TYPES: Readonly<Record<(typeof VALUE_COLUMNS)[number], string>> = {
  numeric_value: 'numeric', text_value: 'varchar', full_marks: 'numeric', marker: 'varchar', marker_reason: 'varchar', exam_type: 'varchar', occasion_date: 'date', item_name: 'varchar', attested_by: 'varchar',
};

function invalid(details: ErrorDetail[]): IntakeError {
  return new IntakeError('VALIDATION_FAILED', 'Some fields are not valid', '部分字段不合法', details);
}

/**
 * One term-record value entered or corrected through the API — a teacher for a student of their
 * class, a school administrator for their school — with exactly the import's rules (ADR 0512):
 * the value goes through the row check of the import kind that takes its indicator, is written
 * under the same school + term advisory lock as imports, and a changed value moves the current
 * one to record_versions (who set it, when) and bumps the version, as the import merge does.
 * Source `school_entry`, recorded by the caller.
 */
@Injectable()
export class TermRecordEntryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly records: RecordsService,
  ) {}

  async create(scope: DataScope, userId: string, dto: CreateTermRecordDto): Promise<TermRecordResponse> {
    const id = await this.dataSource.transaction(async (manager) => {
      const params: unknown[] = [dto.studentId];
      const inScope = studentInScopeSql(scope, { studentIdColumn: 'st.id', schoolIdColumn: 'st.school_id' }, params);
      const [student] = (await manager.query(`SELECT st.id, st.student_number, st.school_id FROM students st WHERE st.id = $1 AND ${inScope}`, params)) as Row[];
      if (!student) throw notFound('student', '学生', dto.studentId);
      const [term] = (await manager.query('SELECT id, code, school_year FROM terms WHERE id = $1', [dto.termId])) as Row[];
      const indicator = await this.indicator(manager, dto.indicatorId);
      const unknown: ErrorDetail[] = [];
      if (!term) unknown.push({ field: 'termId', code: 'UNKNOWN_TERM', message: `term ${dto.termId} is not set up`, messageZh: '该学期尚未设置', value: dto.termId });
      if (!indicator) unknown.push({ field: 'indicatorId', code: 'UNKNOWN_INDICATOR', message: `indicator ${dto.indicatorId} is not in the catalogue`, messageZh: '该指标不在指标目录中', value: dto.indicatorId });
      if (unknown.length > 0) throw invalid(unknown);
      const staged = await this.check(manager, indicator!, dto, student.student_number as string, term.code as string);
      await this.lock(manager, student.school_id as string, term.code as string);
      if (staged.occasion_key === FITNESS_RETEST_OCCASION) {
        const [other] = (await manager.query(
          `SELECT min(t.code) AS code FROM term_records r JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id
           WHERE r.student_id = $1 AND r.occasion_key = $2 AND t.school_year = $3 AND t.id <> $4 AND i.code LIKE 'physical.fitness.%'
             AND r.term_id = ANY($5::uuid[])`,
          // The year's terms as a constant list: only their partitions are read (ADR 1010).
          [student.id, FITNESS_RETEST_OCCASION, term.school_year, term.id, ((await manager.query('SELECT array_agg(id) AS ids FROM terms WHERE school_year = $1', [term.school_year])) as { ids: string[] }[])[0].ids],
        )) as { code: string | null }[];
        if (other.code !== null) {
          throw new IntakeError('RETEST_ALREADY_RECORDED', `the standard allows one 补测 (retest) per school year; this student already has a retest in ${other.code}`, `每学年只能补测一次，该学生已有${other.code}学期的补测成绩`, { otherTerm: other.code });
        }
      }
      const [existing] = (await manager.query('SELECT id FROM term_records WHERE student_id = $1 AND term_id = $2 AND indicator_id = $3 AND occasion_key = $4', [student.id, term.id, staged.indicator_id, staged.occasion_key])) as { id: string }[];
      if (existing) {
        throw new IntakeError('RECORD_EXISTS', `this student already has a value for this indicator, term and occasion (record ${existing.id}); correct it with PUT /api/term-records/${existing.id}`, `该学生在此学期、指标和场次已有记录，请用修改接口更正`, { recordId: existing.id });
      }
      const [created] = (await manager.query(
        `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, numeric_value, text_value, full_marks, marker, marker_reason, exam_type, occasion_date, item_name, attested_by, source, recorded_by)
         SELECT COALESCE((SELECT e.school_id FROM enrolments e WHERE e.student_id = $1 AND e.term_id = $2), $3::uuid), $1, $2, $4, $5, $6::numeric, $7, $8::numeric, $9, $10, $11, $12::date, $13, $14, 'school_entry', $15
         RETURNING id`,
        [student.id, term.id, student.school_id, staged.indicator_id, staged.occasion_key, staged.numeric_value, staged.text_value, staged.full_marks, staged.marker, staged.marker_reason, staged.exam_type, staged.occasion_date, staged.item_name, staged.attested_by, userId],
      )) as { id: string }[];
      return created.id;
    });
    return this.records.getTermRecord(scope, id);
  }

  async update(scope: DataScope, userId: string, id: string, dto: UpdateTermRecordDto): Promise<TermRecordResponse> {
    await this.dataSource.transaction(async (manager) => {
      const params: unknown[] = [id];
      const inScope = studentInScopeSql(scope, { studentIdColumn: 'r.student_id', schoolIdColumn: 'r.school_id' }, params);
      const [found] = (await manager.query(
        `SELECT st.school_id AS student_school_id, t.code AS term_code, r.term_id FROM term_records r JOIN students st ON st.id = r.student_id JOIN terms t ON t.id = r.term_id WHERE r.id = $1 AND ${inScope}`,
        params,
      )) as Row[];
      if (!found) throw notFound('term record', '记录', id);
      await this.lock(manager, found.student_school_id as string, found.term_code as string);
      // From here on the record is (id, term_id): its term's partition only (ADR 1010).
      const termId = found.term_id as string;
      const [current] = (await manager.query(
        `SELECT r.id, r.indicator_id, r.occasion_key, r.exam_type, r.occasion_date::text AS occasion_date, r.item_name, r.full_marks::text AS full_marks, r.marker_reason, r.attested_by,
                st.student_number
         FROM term_records r JOIN students st ON st.id = r.student_id WHERE r.id = $1 AND r.term_id = $2 FOR UPDATE OF r`,
        [id, termId],
      )) as Row[];
      const indicator = (await this.indicator(manager, current.indicator_id as string))!;
      const text = (value: unknown) => (value === null || value === undefined ? undefined : String(value));
      const becomesExemption = ['exempt', 'deferred'].includes(MARKER_ALIASES[normaliseCell(dto.value).toLowerCase()] ?? '');
      // The identity comes from the record; what the body leaves out keeps its current value.
      const fields: CreateTermRecordDto = {
        ...dto,
        studentId: '',
        termId: '',
        indicatorId: '',
        examType: text(current.exam_type),
        examDate: current.exam_type ? text(current.occasion_date) : undefined,
        category: (current.item_name !== null && String(current.occasion_key).includes('|')) ? String(current.occasion_key).split('|')[0] : undefined,
        item: text(current.item_name),
        testType: current.occasion_key === FITNESS_RETEST_OCCASION ? '补测' : undefined,
        date: dto.date ?? (current.exam_type ? undefined : text(current.occasion_date)),
        fullMarks: dto.fullMarks ?? (current.exam_type ? text(current.full_marks) : undefined),
        attestedBy: dto.attestedBy ?? text(current.attested_by),
        exemptionReason: dto.exemptionReason ?? (becomesExemption ? text(current.marker_reason) : undefined),
      };
      const staged = await this.check(manager, indicator, fields, current.student_number as string, found.term_code as string, ENTRY_FIELDS.filter((field) => (dto as Partial<Record<EntryField, string>>)[field] !== undefined));
      if (staged.indicator_id !== current.indicator_id || staged.occasion_key !== current.occasion_key) {
        throw new IntakeError('RECORD_CHANGED_IDENTITY', 'the corrected value would belong to another occasion; enter it as a new record', '更正后的数据属于另一场次，请作为新记录录入');
      }
      const values = VALUE_COLUMNS.map((column) => staged[column]);
      const newTuple = VALUE_COLUMNS.map((column, index) => `$${index + 2}::${VALUE_TYPES[column]}`).join(', ');
      const oldTuple = VALUE_COLUMNS.map((column) => `r.${column}`).join(', ');
      const termParam = `$${VALUE_COLUMNS.length + 2}::uuid`;
      const [{ changed }] = (await manager.query(`SELECT (${oldTuple}) IS DISTINCT FROM (${newTuple}) AS changed FROM term_records r WHERE r.id = $1 AND r.term_id = ${termParam}`, [id, ...values, termId])) as { changed: boolean }[];
      if (!changed) return; // the same value again: nothing changes, no new version
      await manager.query(
        `INSERT INTO record_versions (record_kind, record_id, school_id, student_id, version, snapshot, source, recorded_by, recorded_at, import_batch_id)
         SELECT 'term_record', r.id, r.school_id, r.student_id, r.version, ${termRecordSnapshotSql('r')}, r.source, r.recorded_by, r.updated_at, r.import_batch_id
         FROM term_records r WHERE r.id = $1 AND r.term_id = $2`,
        [id, termId],
      );
      await manager.query(
        `UPDATE term_records SET ${VALUE_COLUMNS.map((column, index) => `${column} = $${index + 2}::${VALUE_TYPES[column]}`).join(', ')},
                source = 'school_entry', recorded_by = $${VALUE_COLUMNS.length + 2}::uuid, import_batch_id = NULL, version = version + 1, updated_at = now()
         WHERE id = $1 AND term_id = $${VALUE_COLUMNS.length + 3}::uuid`,
        [id, ...values, userId, termId],
      );
    });
    return this.records.getTermRecord(scope, id);
  }

  private async indicator(manager: EntityManager, id: string): Promise<IndicatorRule | undefined> {
    const [row] = (await manager.query(`SELECT ${INDICATOR_RULE_COLUMNS} FROM indicators WHERE id = $1`, [id])) as Parameters<typeof toIndicatorRule>[0][];
    return row ? toIndicatorRule(row) : undefined;
  }

  /** The same advisory lock as an import touching this school and term (schoolTermLockKeys): the two never interleave. */
  private async lock(manager: EntityManager, schoolId: string, termCode: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wuyu-records:${schoolId}:${termCode}`]);
  }

  /**
   * Checks the value as the import would and returns what it would stage; problems are a 400 with
   * one detail per field. `given`: the fields the caller sent (a field the indicator does not take
   * is refused rather than ignored).
   */
  private async check(manager: EntityManager, indicator: IndicatorRule, dto: Partial<Record<EntryField, string>> & { value: string }, studentNumber: string, termCode: string, given?: readonly EntryField[]): Promise<StagedValues> {
    const fields: EntryFields = { value: normaliseCell(dto.value) };
    for (const field of ENTRY_FIELDS) {
      const raw = dto[field];
      if (field !== 'value' && raw !== undefined) fields[field] = normaliseCell(raw);
    }
    const sent = given ?? ENTRY_FIELDS.filter((field) => dto[field] !== undefined);
    const row = entryRowFor(indicator, fields, studentNumber, termCode);
    const allowed = row?.allowed ?? ['value', 'date'];
    const details: ErrorDetail[] = sent
      .filter((field) => ENTRY_FIELDS.includes(field) && !allowed.includes(field))
      .map((field) => ({ field, code: 'FIELD_NOT_APPLICABLE', message: `${field} does not apply to ${indicator.nameEn} (it takes ${allowed.join(', ')})`, messageZh: `${indicator.nameZh}不适用字段${field}` }));
    if (details.length > 0) throw invalid(details);

    if (row) {
      const check = await row.kind.prepare(manager, (key) => row.fieldOf(key));
      const lines: (string | null)[][] = [];
      const problems = check(row.cells, 1, (values) => lines.push([...values]));
      if (problems && problems.length > 0) throw invalid(problems.map((problem) => ({ field: problem.column, code: problem.code, message: problem.message, messageZh: problem.messageZh, value: problem.value })));
      return Object.fromEntries(TERM_RECORD_STAGING_COLUMNS.map(([name], index) => [name, lines[0][index]])) as StagedValues;
    }
    // No import kind takes this indicator: its value rule alone, as every import applies it.
    if (indicator.retired) throw invalid([{ field: 'indicatorId', code: 'INDICATOR_RETIRED', message: `indicator ${indicator.nameEn} is retired and takes no new values`, messageZh: `指标“${indicator.nameZh}”已停用，不再接收新数据` }]);
    const parsed = parseIndicatorValue(indicator, fields.value);
    const problems: ErrorDetail[] = [];
    if (isValueProblem(parsed)) problems.push({ field: 'value', code: parsed.code, message: parsed.message, messageZh: parsed.messageZh, value: fields.value });
    if (fields.value === '') problems.push({ field: 'value', code: 'REQUIRED_VALUE_MISSING', message: 'value is empty', messageZh: '数据不能为空' });
    let date: string | null = null;
    if (fields.date) {
      date = parseFlexibleDate(fields.date) ?? null;
      if (!date) problems.push({ field: 'date', code: 'BAD_DATE', message: 'not a date (use 2024-09-01, 2024/9/1 or 2024年9月1日)', messageZh: '日期格式无法识别（请用2024-09-01、2024/9/1或2024年9月1日）', value: fields.date });
    }
    if (problems.length > 0 || isValueProblem(parsed)) throw invalid(problems);
    return {
      student_number: studentNumber, student_name: null, term_code: termCode, indicator_id: indicator.id, occasion_key: '', exam_type: null, occasion_date: date, item_name: null,
      numeric_value: parsed.numeric ?? null, text_value: parsed.text ?? null, full_marks: null, marker: parsed.marker ?? null, attested_by: null, marker_reason: null,
    };
  }
}
