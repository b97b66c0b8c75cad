import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import {
  ENGINE_VERSION,
  FITNESS_GRADE_CODES,
  FITNESS_ITEM_CODES,
  FITNESS_STANDARD_2014,
  type FitnessExemption,
  type FitnessGradeCode,
  type FitnessItemCode,
  type FitnessRetest,
  type FitnessTestResult,
  ScoringInputError,
  scoreFitnessTest,
} from '../../scoring-core';
import { type DataScope, isSchoolInScope, studentInScopeSql } from '../auth/data-scope';
import { FITNESS_RETEST_OCCASION } from '../intake/dimensions';
import type { ListFitnessResultsQueryDto } from './dto/fitness.dto';
import type { FitnessResultResponse, RecomputeSummary } from './dto/fitness.response';
import type { FitnessResultStatus } from './entities/fitness-result.entity';
import { checkSchoolYear, FitnessError } from './fitness.errors';

/** The standard's tables a result is scored with: id + the first 12 hex digits of the threshold table's SHA-256. */
export const FITNESS_STANDARD_VERSION = `${FITNESS_STANDARD_2014.id}+${FITNESS_STANDARD_2014.provenance.sha256['thresholds.csv'].slice(0, 12)}`;

/** Catalogue codes of the fitness raw measurements: `physical.fitness.<input>` (SeedIndicatorCatalogue). */
const FITNESS_CODE_PREFIX = 'physical.fitness.';
const FITNESS_CODE_LIKE = `'${FITNESS_CODE_PREFIX}%'`;
const INSERT_CHUNK = 2000;
/** Records read per FETCH of the recompute cursor (~6,000 students' years). */
const RECOMPUTE_FETCH = 50_000;

type Row = Record<string, unknown>;

interface RawRecord {
  student_id: string;
  school_id: string;
  term_number: number;
  input: string;
  value: number | null;
  marker: string | null;
  /** '' for the normal test, 'retest' for a 补测 result (ADR 0510). */
  occasion_key?: string;
  marker_reason?: string | null;
}

/** The stored account of a year's 补测 (fitness_results.retest). */
export interface StoredRetest {
  applied: boolean;
  reason: string;
  /** The term (1 or 2) the retest was recorded in. */
  termNumber: number;
  /** The retest's results, by input code. */
  measurements: Record<string, number>;
  /** Inputs whose original result the retest replaced (when applied). */
  replaced: string[];
  /** The test before the retest: its scores and the original values of the replaced inputs. */
  original: {
    status: string;
    bmi: number | null;
    bmiScore: number | null;
    itemScores: Record<string, number>;
    standardScore: number | null;
    bonus: number | null;
    total: number | null;
    level: string | null;
    missing: string[];
    measurements: Record<string, number>;
  } | null;
}

interface ResultRow {
  student_id: string;
  school_id: string;
  class_id: string | null;
  grade_code: string | null;
  sex: string | null;
  status: FitnessResultStatus;
  bmi: number | null;
  bmi_score: number | null;
  measurements: Record<string, number>;
  item_scores: Record<string, number>;
  item_bonus: Record<string, number>;
  standard_score: number | null;
  bonus: number | null;
  total: number | null;
  level: string | null;
  missing: string[];
  reason: string | null;
  exemption_reason: string | null;
  retest: StoredRetest | null;
}

const SEX_FROM_CODE: Readonly<Record<string, 'M' | 'F'>> = { '1': 'M', '2': 'F' };
const ITEM_CODES = new Set<string>(FITNESS_ITEM_CODES);
const GRADE_CODES = new Set<string>(FITNESS_GRADE_CODES);

/**
 * One student's year: the latest term's value of each input of the normal test (records come
 * ordered by term descending), markers turned into an exemption (免予执行 / 暂缓, with the recorded
 * reason) or a missing result (缺考), and the year's 补测 results (occasion 'retest', the latest
 * term that has them) given to the core as the retest, which applies them only to a complete test
 * scored 不及格 (ADR 0510). Exported for the unit test.
 */
export function scoreStudentYear(
  records: readonly RawRecord[],
  enrolment: { school_id: string; class_id: string; grade_code: string } | undefined,
  sexCode: string | undefined,
  schoolYear: string,
): ResultRow {
  const latest = new Map<string, RawRecord>();
  const retestValues = new Map<string, number>();
  let retestTerm: number | null = null;
  for (const record of records) {
    if (record.occasion_key === FITNESS_RETEST_OCCASION) {
      // One 补测 a year (the import refuses a second term's); should two terms hold one, the later counts.
      retestTerm ??= record.term_number;
      if (record.term_number === retestTerm && record.value !== null && !retestValues.has(record.input)) retestValues.set(record.input, record.value);
    } else if (!latest.has(record.input)) latest.set(record.input, record);
  }
  const newestTerm = Math.max(...records.map((record) => record.term_number));
  const measurements: Record<string, number> = {};
  const exempted: RawRecord[] = [];
  const deferred: RawRecord[] = [];
  for (const [input, record] of latest) {
    if (record.value !== null) measurements[input] = record.value;
    else if (record.marker === 'exempt') exempted.push(record);
    else if (record.marker === 'deferred') deferred.push(record);
  }
  const base = {
    student_id: records[0].student_id,
    school_id: enrolment?.school_id ?? records.find((record) => record.term_number === newestTerm)!.school_id,
    class_id: enrolment?.class_id ?? null,
    grade_code: enrolment && GRADE_CODES.has(enrolment.grade_code) ? enrolment.grade_code : null,
    sex: sexCode ? (SEX_FROM_CODE[sexCode] ?? null) : null,
    measurements,
  };
  const unscored = (reason: string): ResultRow => ({
    ...base, status: 'incomplete', bmi: null, bmi_score: null, item_scores: {}, item_bonus: {}, standard_score: null, bonus: null, total: null, level: null, missing: [], reason, exemption_reason: null,
    retest: retestTerm === null ? null : { applied: false, reason: 'not used: the year has no total to retest', termNumber: retestTerm, measurements: Object.fromEntries(retestValues), replaced: [], original: null },
  });
  if (!enrolment) return unscored(`not enrolled in a class in ${schoolYear}: the grade, and so the tables, are unknown`);
  if (base.grade_code === null) return unscored(`grade ${enrolment.grade_code} has no tables in the standard`);
  if (base.sex === null) return unscored(`the student's sex code ${sexCode ?? '(none)'} is not 1 (male) or 2 (female): the standard's tables are per sex`);
  let exemption: FitnessExemption | null = null;
  let exemptionReason: string | null = null;
  const marked = exempted.length > 0 ? exempted : deferred;
  if (marked.length > 0) {
    const reasons = [...new Set(marked.map((record) => record.marker_reason?.trim() ?? '').filter((reason) => reason !== ''))];
    exemptionReason = reasons.length > 0 ? reasons.join('；') : null;
    exemption = { kind: exempted.length > 0 ? 'exempt' : 'deferred', reason: `${exemptionReason ?? 'no reason recorded'} (marked for ${marked.map((record) => record.input).join(', ')})` };
  }
  const results: Partial<Record<FitnessItemCode, number>> = {};
  for (const [input, value] of Object.entries(measurements)) if (ITEM_CODES.has(input)) results[input as FitnessItemCode] = value;
  let retest: FitnessRetest | null = null;
  if (retestTerm !== null && exemption === null) {
    const retestResults: Partial<Record<FitnessItemCode, number>> = {};
    for (const [input, value] of retestValues) if (ITEM_CODES.has(input)) retestResults[input as FitnessItemCode] = value;
    retest = { heightCm: retestValues.get('height_cm') ?? null, weightKg: retestValues.get('weight_kg') ?? null, results: retestResults };
  }
  let scored: FitnessTestResult;
  try {
    scored = scoreFitnessTest({ grade: base.grade_code as FitnessGradeCode, sex: base.sex as 'M' | 'F', heightCm: measurements.height_cm ?? null, weightKg: measurements.weight_kg ?? null, results, exemption, retest });
  } catch (error) {
    if (error instanceof ScoringInputError) return unscored(`a recorded value cannot be scored: ${error.message}`);
    throw error;
  }
  let storedRetest: StoredRetest | null = null;
  if (retestTerm !== null) {
    const retestMeasurements = Object.fromEntries(retestValues);
    if (scored.retest) {
      const { original, applied, reason, replaced } = scored.retest;
      storedRetest = {
        applied,
        reason: applied ? reason : `not used: ${reason}`,
        termNumber: retestTerm,
        measurements: retestMeasurements,
        replaced: [...replaced],
        original: {
          status: original.status, bmi: original.bmi, bmiScore: original.bmiScore, itemScores: original.itemScores as Record<string, number>, standardScore: original.standardScore,
          bonus: original.bonus, total: original.total, level: original.level, missing: [...original.missing],
          measurements: Object.fromEntries(replaced.filter((input) => input in measurements).map((input) => [input, measurements[input]])),
        },
      };
      if (applied) for (const input of replaced) measurements[input] = retestValues.get(input)!;
    } else {
      storedRetest = { applied: false, reason: `not used: the year is ${scored.status === 'exempt' ? '免予执行 (exempt)' : '暂缓 (deferred)'}, and an exempted test is not retested`, termNumber: retestTerm, measurements: retestMeasurements, replaced: [], original: null };
    }
  }
  return {
    ...base,
    status: scored.status,
    bmi: scored.bmi,
    bmi_score: scored.bmiScore,
    item_scores: scored.itemScores as Record<string, number>,
    item_bonus: scored.itemBonus as Record<string, number>,
    standard_score: scored.standardScore,
    bonus: scored.bonus,
    total: scored.total,
    level: scored.level,
    missing: [...scored.missing],
    reason: scored.reason ?? scored.exemption?.reason ?? null,
    exemption_reason: scored.exemption ? exemptionReason : null,
    retest: storedRetest,
  };
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toResponse(row: Row): FitnessResultResponse {
  return {
    id: row.id as string,
    studentId: row.student_id as string,
    schoolId: row.school_id as string,
    classId: row.class_id as string | null,
    schoolYear: row.school_year as string,
    gradeCode: row.grade_code as string | null,
    sex: row.sex as 'M' | 'F' | null,
    status: row.status as FitnessResultStatus,
    bmi: num(row.bmi),
    bmiScore: num(row.bmi_score),
    measurements: row.measurements as Record<string, number>,
    itemScores: row.item_scores as Record<string, number>,
    itemBonus: row.item_bonus as Record<string, number>,
    standardScore: num(row.standard_score),
    bonus: num(row.bonus),
    total: num(row.total),
    level: row.level as string | null,
    missing: row.missing as string[],
    reason: row.reason as string | null,
    exemption: row.status === 'exempt' || row.status === 'deferred' ? { kind: row.status, reason: row.exemption_reason as string | null } : null,
    retest: (row.retest as StoredRetest | null) ?? null,
    standardVersion: row.standard_version as string,
    engineVersion: row.engine_version as string,
    computedAt: (row.computed_at as Date).toISOString(),
  };
}

/**
 * The ids of these school years' terms. term_records is partitioned by term (ADR 1010): a
 * constant list of term ids (`r.term_id = ANY($n)`) lets the planner read only those partitions,
 * where a filter through the joined terms table (`t.school_year = $1`) would read every year's.
 */
export async function termIdsOfSchoolYears(manager: EntityManager | DataSource, schoolYears: readonly string[]): Promise<string[]> {
  const [{ ids }] = (await manager.query(`SELECT coalesce(array_agg(id), '{}') AS ids FROM terms WHERE school_year = ANY($1::varchar[])`, [schoolYears])) as { ids: string[] }[];
  return ids;
}

/**
 * Stored fitness year results (ADR 0501): computed from the fitness raw measurements in
 * term_records by the scoring core, per school × school year, and recomputed whenever those
 * records changed since (the writes leave notes, checked before every read: ADR 0922) or on
 * request.
 */
@Injectable()
export class FitnessResultsService {
  /** Records read per FETCH of the recompute cursor (a test lowers it to cross batch boundaries). */
  fetchSize = RECOMPUTE_FETCH;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Recomputes the year's results of the students with fitness records at these schools (every
   * school when null), replacing what was stored, and records which schools were computed with
   * which tables.
   */
  async recompute(schoolYear: string, schoolIds: readonly string[] | null): Promise<RecomputeSummary> {
    checkSchoolYear(schoolYear);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`wuyu.fitness.${schoolYear}`]);
      const params: unknown[] = [schoolYear];
      const atSchools = schoolIds === null ? '' : `AND r.school_id = ANY($${params.push(schoolIds)}::uuid[])`;
      const yearTerms = await termIdsOfSchoolYears(manager, [schoolYear]);
      // The change notes this recompute answers (ADR 0922), deleted before the records are read:
      // a change committed before this statement is in what is read next; one that commits later
      // (its note invisible here) keeps its note for the next read.
      await manager.query(
        `DELETE FROM fitness_source_changes WHERE term_id = ANY($1::uuid[]) ${schoolIds === null ? '' : 'AND school_id = ANY($2::uuid[])'}`,
        schoolIds === null ? [yearTerms] : [yearTerms, schoolIds],
      );
      await manager.query(`DELETE FROM fitness_result_sets WHERE school_year = $1 ${schoolIds === null ? '' : 'AND school_id = ANY($2::uuid[])'}`, params);
      const inYear = `r.term_id = ANY($${params.push(yearTerms)}::uuid[])`;
      const students = schoolIds === null ? '' : `AND r.student_id IN (SELECT r.student_id FROM term_records r JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id WHERE t.school_year = $1 AND ${inYear} AND i.code LIKE ${FITNESS_CODE_LIKE} ${atSchools})`;
      // Replace what was stored: the year's results of these students and of these schools (all of the year's when null).
      await manager.query(
        `DELETE FROM fitness_results r0 WHERE r0.school_year = $1 ${schoolIds === null ? '' : `AND (r0.student_id IN (SELECT r.student_id FROM term_records r JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id WHERE t.school_year = $1 AND ${inYear} AND i.code LIKE ${FITNESS_CODE_LIKE} ${atSchools}) OR r0.school_id = ANY($2::uuid[]))`}`,
        schoolIds === null ? [schoolYear] : params,
      );
      // The records are read through a cursor in student order, a batch of students at a time
      // (ADR 1020): a province's year (~35M records) never sits in memory at once.
      const cursor = `fitness_recompute_${process.pid}`;
      await manager.query(
        `DECLARE ${cursor} NO SCROLL CURSOR FOR
         SELECT r.student_id, r.school_id, t.term_number, substr(i.code, ${FITNESS_CODE_PREFIX.length + 1}) AS input, r.numeric_value::float8 AS value, r.marker,
                r.occasion_key, r.marker_reason
         FROM term_records r JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id
         WHERE t.school_year = $1 AND ${inYear} AND i.code LIKE ${FITNESS_CODE_LIKE} ${students}
         ORDER BY r.student_id, t.term_number DESC, r.occasion_key`,
        params,
      );
      const counts: Record<FitnessResultStatus, number> = { scored: 0, incomplete: 0, exempt: 0, deferred: 0 };
      const resultSchools = new Set<string>();
      // The schools whose records were read (of those asked for): their result sets are written below.
      const recordSchools = new Set<string>();
      const asked = schoolIds === null ? null : new Set(schoolIds);
      let results = 0;
      let carried: RawRecord[] = [];
      for (;;) {
        const fetched = (await manager.query(`FETCH ${this.fetchSize} FROM ${cursor}`)) as RawRecord[];
        const last = fetched.length < this.fetchSize;
        for (const record of fetched) if (asked === null || asked.has(record.school_id)) recordSchools.add(record.school_id);
        const records = carried.concat(fetched);
        // The last student of a full batch may go on in the next one: keep their records for it.
        let end = records.length;
        if (!last) while (end > 0 && records[end - 1].student_id === records[records.length - 1].student_id) end -= 1;
        carried = records.slice(end);
        const batch = await this.scoreBatch(manager, schoolYear, records.slice(0, end));
        for (const result of batch) {
          counts[result.status] += 1;
          resultSchools.add(result.school_id);
        }
        results += batch.length;
        for (let start = 0; start < batch.length; start += INSERT_CHUNK) await this.insert(manager, schoolYear, batch.slice(start, start + INSERT_CHUNK));
        if (last) break;
      }
      await manager.query(`CLOSE ${cursor}`);
      await manager.query(
        `INSERT INTO fitness_result_sets (school_id, school_year, standard_version, computed_at) SELECT unnest($1::uuid[]), $2, $3, now()`,
        [[...recordSchools], schoolYear, FITNESS_STANDARD_VERSION],
      );
      return {
        schoolYear,
        schools: schoolIds === null ? resultSchools.size : schoolIds.length,
        results,
        scored: counts.scored,
        incomplete: counts.incomplete,
        exempt: counts.exempt,
        deferred: counts.deferred,
        standardVersion: FITNESS_STANDARD_VERSION,
      };
    });
  }

  /** Scores the students of `records` (all of each student's records of the year, in student order). */
  private async scoreBatch(manager: EntityManager, schoolYear: string, records: readonly RawRecord[]): Promise<ResultRow[]> {
    if (records.length === 0) return [];
    const byStudent = new Map<string, RawRecord[]>();
    for (const record of records) {
      const list = byStudent.get(record.student_id);
      if (list) list.push(record);
      else byStudent.set(record.student_id, [record]);
    }
    const studentIds = [...byStudent.keys()];
    const enrolments = new Map<string, { school_id: string; class_id: string; grade_code: string }>();
    for (const row of (await manager.query(
      `SELECT DISTINCT ON (e.student_id) e.student_id, e.school_id, e.class_id, c.grade_code
       FROM enrolments e JOIN terms t ON t.id = e.term_id JOIN school_classes c ON c.id = e.class_id
       WHERE t.school_year = $1 AND e.student_id = ANY($2::uuid[])
       ORDER BY e.student_id, t.term_number DESC`,
      [schoolYear, studentIds],
    )) as { student_id: string; school_id: string; class_id: string; grade_code: string }[]) {
      enrolments.set(row.student_id, row);
    }
    const sexes = new Map<string, string>();
    for (const row of (await manager.query(`SELECT id, sex_code FROM students WHERE id = ANY($1::uuid[])`, [studentIds])) as { id: string; sex_code: string }[]) sexes.set(row.id, row.sex_code);
    return studentIds.map((id) => scoreStudentYear(byStudent.get(id)!, enrolments.get(id), sexes.get(id), schoolYear));
  }

  /**
   * Recomputes every school × year with a change note (fitness records inserted, updated or
   * deleted since its results were computed: the term_records triggers, ADR 0922; a roster
   * correction of a student with records: the enrolments, students and school_classes triggers,
   * ADR 0925) or whose
   * results were scored with other tables. Runs before every read, so results are never older
   * than the raw data (ADR 0501); the check reads only the notes and the result sets, never the
   * records.
   */
  async ensureFresh(schoolYears: readonly string[] | null): Promise<void> {
    const params: unknown[] = [FITNESS_STANDARD_VERSION];
    const years = schoolYears === null ? '' : `AND t.school_year = ANY($${params.push(schoolYears)}::varchar[])`;
    const setYears = schoolYears === null ? '' : `AND s.school_year = ANY($2::varchar[])`;
    const stale = (await this.dataSource.query(
      `SELECT school_year, array_agg(DISTINCT school_id::text) AS school_ids
         FROM (SELECT c.school_id, t.school_year FROM fitness_source_changes c JOIN terms t ON t.id = c.term_id WHERE TRUE ${years}
               UNION ALL
               SELECT s.school_id, s.school_year FROM fitness_result_sets s WHERE s.standard_version <> $1 ${setYears}) stale
        GROUP BY school_year`,
      params,
    )) as { school_year: string; school_ids: string[] }[];
    for (const { school_year, school_ids } of stale) await this.recompute(school_year, school_ids);
  }

  /** A caller's recompute: the schools given (known, else 404; in scope, else 403) or every school of their scope. */
  async recomputeFor(scope: DataScope, schoolYear: string, schoolIds: readonly string[] | undefined): Promise<RecomputeSummary> {
    checkSchoolYear(schoolYear);
    return this.recompute(schoolYear, await this.schoolsToRecompute(scope, schoolIds));
  }

  private async schoolsToRecompute(scope: DataScope, schoolIds: readonly string[] | undefined): Promise<string[] | null> {
    if (schoolIds === undefined || schoolIds.length === 0) return scope.all ? null : [...scope.schoolIds];
    const known = new Set(((await this.dataSource.query(`SELECT id FROM schools WHERE id = ANY($1::uuid[])`, [schoolIds])) as { id: string }[]).map((row) => row.id));
    for (const id of schoolIds) {
      if (!known.has(id)) throw new FitnessError('UNKNOWN_SCHOOL', `school ${id} was not found`, `未找到学校 ${id}`);
      if (!isSchoolInScope(scope, id)) throw new FitnessError('SCHOOL_OUT_OF_SCOPE', `school ${id} is outside your scope`, `学校 ${id} 不在您的权限范围内`);
    }
    return [...new Set(schoolIds)];
  }

  /** Stored results within the caller's scope; naming a student outside it (or unknown) is 404. */
  async list(scope: DataScope, query: ListFitnessResultsQueryDto): Promise<Page<FitnessResultResponse>> {
    if (query.schoolYear) checkSchoolYear(query.schoolYear);
    if (query.studentId) {
      const params: unknown[] = [query.studentId];
      const inScope = studentInScopeSql(scope, { studentIdColumn: 'st.id', schoolIdColumn: 'st.school_id' }, params);
      const [visible] = (await this.dataSource.query(`SELECT 1 FROM students st WHERE st.id = $1 AND ${inScope}`, params)) as Row[];
      if (!visible) throw new FitnessError('NOT_FOUND', `student ${query.studentId} was not found`, `未找到学生 ${query.studentId}`);
    }
    await this.ensureFresh(query.schoolYear ? [query.schoolYear] : null);
    const params: unknown[] = [];
    const where = [studentInScopeSql(scope, { studentIdColumn: 'fr.student_id', schoolIdColumn: 'fr.school_id' }, params)];
    const add = (column: string, value: string | undefined) => {
      if (value !== undefined) where.push(`fr.${column} = $${params.push(value)}`);
    };
    add('student_id', query.studentId);
    add('school_id', query.schoolId);
    add('class_id', query.classId);
    add('school_year', query.schoolYear);
    const sql = `SELECT fr.* FROM fitness_results fr WHERE ${where.join(' AND ')}`;
    const { page, pageSize, skip, take } = pageWindow(query);
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) counted`, params)) as { total: number }[];
    const rows = (await this.dataSource.query(`${sql} ORDER BY fr.school_year, fr.school_id, fr.class_id, fr.student_id LIMIT ${take} OFFSET ${skip}`, params)) as Row[];
    return { items: rows.map(toResponse), page, pageSize, total };
  }

  private async insert(manager: EntityManager, schoolYear: string, rows: readonly ResultRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO fitness_results (student_id, school_id, class_id, school_year, grade_code, sex, status, bmi, bmi_score, measurements, item_scores, item_bonus,
                                    standard_score, bonus, total, level, missing, reason, exemption_reason, retest, standard_version, engine_version, computed_at)
       SELECT x.student_id, x.school_id, x.class_id, $2::varchar, x.grade_code, x.sex, x.status, x.bmi, x.bmi_score, x.measurements, x.item_scores, x.item_bonus,
              x.standard_score, x.bonus, x.total, x.level, x.missing, x.reason, x.exemption_reason, x.retest, $3::varchar, $4::varchar, now()
       FROM jsonb_to_recordset($1::jsonb) AS x(student_id uuid, school_id uuid, class_id uuid, grade_code varchar, sex char(1), status varchar, bmi numeric, bmi_score smallint,
            measurements jsonb, item_scores jsonb, item_bonus jsonb, standard_score numeric, bonus smallint, total numeric, level varchar, missing jsonb, reason text,
            exemption_reason text, retest jsonb)`,
      [JSON.stringify(rows), schoolYear, FITNESS_STANDARD_VERSION, ENGINE_VERSION],
    );
  }
}
