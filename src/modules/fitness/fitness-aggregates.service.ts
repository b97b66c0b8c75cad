import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  compareWithFitnessTargets,
  type FitnessResultForRates,
  fitnessYearOverYear,
  myopiaYearOverYear,
  ScoringInputError,
  summarizeFitnessGroup,
  summarizeMyopiaScreening,
  type VisionScreeningRecord,
} from '../../scoring-core';
import { type DataScope, isSchoolInScope } from '../auth/data-scope';
import type { AggregateLevel, FitnessAggregateQueryDto } from './dto/fitness.dto';
import type { AggregateUnit, FitnessAggregateGroup, FitnessAggregatesResponse, MyopiaGroup, MyopiaResponse } from './dto/fitness.response';
import type { FitnessResultStatus } from './entities/fitness-result.entity';
import { FITNESS_STANDARD_VERSION, FitnessResultsService, termIdsOfSchoolYears } from './fitness-results.service';
import { checkSchoolYear, FitnessError, previousSchoolYear } from './fitness.errors';

/** One enrolled student of a school year (latest enrolment), with the stored result and the screening. */
interface RosterRow {
  student_id: string;
  school_id: string;
  school_code: string;
  school_name: string;
  class_id: string;
  class_name: string;
  grade_code: string;
  region_id: string;
  region_code: string;
  region_name: string;
  sex_code: string;
  status: FitnessResultStatus | null;
  total: number | null;
  left_eye: number | null;
  right_eye: number | null;
}

const SEX_CODE = { M: '1', F: '2' } as const;

/**
 * Group aggregates of the stored fitness results and the myopia screening rate, per class,
 * school, district or city of one school year (optionally one grade and sex), each with the
 * previous year for the change. SQL only gathers the enrolled students with their result and
 * screening; the scoring core computes every count and rate. Aggregates carry no student-level row.
 *
 * Who sees what: bureau callers (city administrators, district officers: a region grant) see
 * every unit at every level; school callers see the school and class levels of their own
 * schools; teachers the class level of their classes; everyone else is refused (403).
 */
@Injectable()
export class FitnessAggregatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly results: FitnessResultsService,
  ) {}

  async fitness(scope: DataScope, query: FitnessAggregateQueryDto): Promise<FitnessAggregatesResponse> {
    const { current, previous, previousYear } = await this.gather(scope, query);
    const summarize = (rows: readonly RosterRow[]) =>
      summarizeFitnessGroup(
        rows.filter((row) => row.status !== null).map((row): FitnessResultForRates => ({ status: row.status!, total: row.total })),
        { enrolled: rows.length },
      );
    const previousGroups = this.group(previous, query.level);
    const groups: FitnessAggregateGroup[] = [...this.group(current, query.level)].map(([key, { unit, rows }]) => {
      const summary = summarize(rows);
      const before = previousGroups.get(key);
      const previousSummary = before ? summarize(before.rows) : null;
      return {
        unit,
        summary,
        targets: { 2022: compareWithFitnessTargets(summary, 2022), 2025: compareWithFitnessTargets(summary, 2025) },
        previous: previousSummary,
        change: previousSummary ? fitnessYearOverYear(summary, previousSummary) : null,
      };
    });
    return { level: query.level, schoolYear: query.schoolYear, previousSchoolYear: previousYear, gradeCode: query.gradeCode ?? null, sex: query.sex ?? null, standardVersion: FITNESS_STANDARD_VERSION, groups };
  }

  async myopia(scope: DataScope, query: FitnessAggregateQueryDto): Promise<MyopiaResponse> {
    const { current, previous, previousYear } = await this.gather(scope, query);
    const summarize = (rows: readonly RosterRow[]) => {
      try {
        return summarizeMyopiaScreening(rows.map((row): VisionScreeningRecord => ({ leftEye: row.left_eye, rightEye: row.right_eye })));
      } catch (error) {
        if (error instanceof ScoringInputError) throw new FitnessError('INVALID_SCREENING_VALUE', error.message, '视力筛查数据中有不符合五分记录的数值', error.details as Record<string, unknown>);
        throw error;
      }
    };
    const previousGroups = this.group(previous, query.level);
    const groups: MyopiaGroup[] = [...this.group(current, query.level)].map(([key, { unit, rows }]) => {
      const summary = summarize(rows);
      const before = previousGroups.get(key);
      const previousSummary = before ? summarize(before.rows) : null;
      return { unit, summary, previous: previousSummary, change: previousSummary ? myopiaYearOverYear(summary, previousSummary) : null };
    });
    return { level: query.level, schoolYear: query.schoolYear, previousSchoolYear: previousYear, gradeCode: query.gradeCode ?? null, sex: query.sex ?? null, groups };
  }

  /** The caller's visible enrolled students of the year and of the year before, filtered by grade and sex. */
  private async gather(scope: DataScope, query: FitnessAggregateQueryDto): Promise<{ current: RosterRow[]; previous: RosterRow[]; previousYear: string }> {
    checkSchoolYear(query.schoolYear);
    const visible = this.visibility(scope, query.level);
    const previousYear = previousSchoolYear(query.schoolYear);
    await this.results.ensureFresh([query.schoolYear, previousYear]);
    const keep = (row: RosterRow) =>
      visible(row) && (query.gradeCode === undefined || row.grade_code === query.gradeCode) && (query.sex === undefined || row.sex_code === SEX_CODE[query.sex]);
    return { current: (await this.roster(query.schoolYear)).filter(keep), previous: (await this.roster(previousYear)).filter(keep), previousYear };
  }

  /** Which rows a caller may aggregate at this level; a level they may not see at all is a 403. */
  private visibility(scope: DataScope, level: AggregateLevel): (row: RosterRow) => boolean {
    const bureau = scope.all || (scope.regionIds ?? []).length > 0;
    if (bureau) return () => true;
    const ownSchools = scope.schoolIds.length > 0;
    const ownClasses = scope.classIds.length > 0;
    if (level === 'school' && ownSchools) return (row) => isSchoolInScope(scope, row.school_id);
    if (level === 'class' && (ownSchools || ownClasses)) return (row) => isSchoolInScope(scope, row.school_id) || scope.classIds.includes(row.class_id);
    throw new FitnessError(
      'AGGREGATE_LEVEL_NOT_ALLOWED',
      `fitness aggregates at ${level} level are for ${level === 'class' || level === 'school' ? 'school staff and ' : ''}education bureaus`,
      `${level === 'class' ? '班级' : level === 'school' ? '学校' : level === 'district' ? '区县' : '全市'}层面的体质健康汇总仅向${level === 'class' || level === 'school' ? '本校人员和' : ''}教育行政部门开放`,
    );
  }

  private group(rows: readonly RosterRow[], level: AggregateLevel): Map<string, { unit: AggregateUnit; rows: RosterRow[] }> {
    const groups = new Map<string, { unit: AggregateUnit; rows: RosterRow[] }>();
    for (const row of rows) {
      let key: string;
      let unit: () => AggregateUnit;
      if (level === 'class') {
        // Classes are rows per school year: the previous year's "same" class is the one with the
        // same school, grade and name (like every level, the change compares the same grade slot).
        key = `${row.school_id}|${row.grade_code}|${row.class_name}`;
        unit = () => ({ level, id: row.class_id, code: null, name: row.class_name, schoolId: row.school_id, gradeCode: row.grade_code });
      } else if (level === 'school') {
        key = row.school_id;
        unit = () => ({ level, id: row.school_id, code: row.school_code, name: row.school_name });
      } else if (level === 'district') {
        key = row.region_id;
        unit = () => ({ level, id: row.region_id, code: row.region_code, name: row.region_name });
      } else {
        key = 'city';
        unit = () => ({ level, id: null, code: null, name: 'city' });
      }
      const group = groups.get(key);
      if (group) group.rows.push(row);
      else groups.set(key, { unit: unit(), rows: [row] });
    }
    return new Map([...groups].sort(([, a], [, b]) => (a.unit.code ?? '').localeCompare(b.unit.code ?? '') || a.unit.name.localeCompare(b.unit.name) || (a.unit.schoolId ?? '').localeCompare(b.unit.schoolId ?? '')));
  }

  /** Every student enrolled in the year (their latest enrolment), with the stored result and the latest screening per eye. */
  private async roster(schoolYear: string): Promise<RosterRow[]> {
    return (await this.dataSource.query(
      `WITH enrolled AS (
         SELECT DISTINCT ON (e.student_id) e.student_id, e.school_id, e.class_id
         FROM enrolments e JOIN terms t ON t.id = e.term_id
         WHERE t.school_year = $1
         ORDER BY e.student_id, t.term_number DESC),
       vision AS (
         SELECT DISTINCT ON (r.student_id, i.code) r.student_id, i.code, r.numeric_value::float8 AS value
         FROM term_records r JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id
         WHERE t.school_year = $1 AND r.term_id = ANY($2::uuid[]) AND i.code IN ('physical.vision.left', 'physical.vision.right')
         ORDER BY r.student_id, i.code, t.term_number DESC)
       SELECT en.student_id, en.school_id, sc.code AS school_code, sc.name AS school_name, en.class_id, c.name AS class_name, c.grade_code,
              sc.region_id, rg.code AS region_code, rg.name AS region_name, st.sex_code, fr.status, fr.total::float8 AS total,
              left_eye.value AS left_eye, right_eye.value AS right_eye
       FROM enrolled en
       JOIN school_classes c ON c.id = en.class_id
       JOIN schools sc ON sc.id = en.school_id
       JOIN regions rg ON rg.id = sc.region_id
       JOIN students st ON st.id = en.student_id
       LEFT JOIN fitness_results fr ON fr.student_id = en.student_id AND fr.school_year = $1
       LEFT JOIN vision left_eye ON left_eye.student_id = en.student_id AND left_eye.code = 'physical.vision.left'
       LEFT JOIN vision right_eye ON right_eye.student_id = en.student_id AND right_eye.code = 'physical.vision.right'`,
      [schoolYear, await termIdsOfSchoolYears(this.dataSource, [schoolYear])],
    )) as RosterRow[];
  }
}
