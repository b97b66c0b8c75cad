import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  compareWithFitnessTargets,
  type FitnessGroupSummary,
  fitnessYearOverYear,
  type MyopiaScreeningSummary,
  myopiaYearOverYear,
  ScoringInputError,
  summarizeFitnessCounts,
  summarizeMyopiaCounts,
} from '../../scoring-core';
import type { DataScope } from '../auth/data-scope';
import type { AggregateLevel, FitnessAggregateQueryDto } from './dto/fitness.dto';
import type { AggregateUnit, FitnessAggregateGroup, FitnessAggregatesResponse, MyopiaGroup, MyopiaResponse } from './dto/fitness.response';
import { type ClassCountColumn, FitnessClassCountsService, HIGHEST_ACUITY, LOWEST_ACUITY } from './fitness-class-counts.service';
import { FITNESS_STANDARD_VERSION, FitnessResultsService } from './fitness-results.service';
import { checkSchoolYear, FitnessError, previousSchoolYear } from './fitness.errors';

/** One group's counts as the SQL below returns them (one row per class, school, district or the city). */
interface CountRow {
  unit_id: string | null;
  unit_code: string | null;
  unit_name: string;
  school_id: string | null;
  grade_code: string | null;
  group_key: string;
  enrolled: number;
  [count: string]: number | string | null;
}

const SEX_CODE = { M: '1', F: '2' } as const;

/**
 * Group aggregates of the stored fitness results and the myopia screening rate, per class,
 * school, district or city of one school year (optionally one grade and sex), each with the
 * previous year for the change. The groups are sums of the stored class counts (ADR 0922:
 * fitness_class_counts, recounted for the schools whose data changed before the read; ADR 0920:
 * one row per group leaves the database, never one per student); the scoring core turns the
 * counts into rates and checks (summarizeFitnessCounts, summarizeMyopiaCounts — the same
 * arithmetic as the per-record functions). Aggregates carry no student-level row.
 *
 * Who belongs to a group: every student enrolled in the school year, in the class of their
 * latest enrolment that year (a student who moved class or school counts once, where they ended
 * the year); their stored result of that year (fitness_results, ADR 0501, kept fresh before the
 * read) and their latest screening per eye that year.
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
    private readonly counts: FitnessClassCountsService,
  ) {}

  async fitness(scope: DataScope, query: FitnessAggregateQueryDto): Promise<FitnessAggregatesResponse> {
    checkSchoolYear(query.schoolYear);
    const visible = this.visibility(scope, query.level);
    const previousYear = previousSchoolYear(query.schoolYear);
    await this.results.ensureFresh([query.schoolYear, previousYear]);
    await this.counts.ensureCounted([query.schoolYear, previousYear]);
    const [current, previous] = await Promise.all([this.fitnessCounts(query, query.schoolYear, visible), this.fitnessCounts(query, previousYear, visible)]);
    const previousByKey = new Map(previous.map((row) => [row.group_key, row]));
    const groups: FitnessAggregateGroup[] = sortGroups(current, query.level).map((row) => {
      const summary = fitnessSummary(row);
      const before = previousByKey.get(row.group_key);
      const previousSummary = before ? fitnessSummary(before) : null;
      return {
        unit: unitOf(row, query.level),
        summary,
        targets: { 2022: compareWithFitnessTargets(summary, 2022), 2025: compareWithFitnessTargets(summary, 2025) },
        previous: previousSummary,
        change: previousSummary ? fitnessYearOverYear(summary, previousSummary) : null,
      };
    });
    return { level: query.level, schoolYear: query.schoolYear, previousSchoolYear: previousYear, gradeCode: query.gradeCode ?? null, sex: query.sex ?? null, standardVersion: FITNESS_STANDARD_VERSION, groups };
  }

  /** Myopia counts the screening records (term_records) themselves, so it needs no fitness results. */
  async myopia(scope: DataScope, query: FitnessAggregateQueryDto): Promise<MyopiaResponse> {
    checkSchoolYear(query.schoolYear);
    const visible = this.visibility(scope, query.level);
    const previousYear = previousSchoolYear(query.schoolYear);
    await this.counts.ensureCounted([query.schoolYear, previousYear]);
    const [current, previous] = await Promise.all([this.myopiaCounts(query, query.schoolYear, visible), this.myopiaCounts(query, previousYear, visible)]);
    const previousByKey = new Map(previous.map((row) => [row.group_key, row]));
    const groups: MyopiaGroup[] = sortGroups(current, query.level).map((row) => {
      const summary = myopiaSummary(row);
      const before = previousByKey.get(row.group_key);
      const previousSummary = before ? myopiaSummary(before) : null;
      return { unit: unitOf(row, query.level), summary, previous: previousSummary, change: previousSummary ? myopiaYearOverYear(summary, previousSummary) : null };
    });
    return { level: query.level, schoolYear: query.schoolYear, previousSchoolYear: previousYear, gradeCode: query.gradeCode ?? null, sex: query.sex ?? null, groups };
  }

  /** Which students a caller may aggregate at this level, as SQL over `en` (the enrolment); a level they may not see at all is a 403. */
  private visibility(scope: DataScope, level: AggregateLevel): (params: unknown[]) => string {
    const bureau = scope.all || (scope.regionIds ?? []).length > 0;
    if (bureau) return () => 'TRUE';
    const ownSchools = scope.schoolIds.length > 0;
    const ownClasses = scope.classIds.length > 0;
    if (level === 'school' && ownSchools) return (params) => `en.school_id = ANY($${params.push([...scope.schoolIds])}::uuid[])`;
    if (level === 'class' && (ownSchools || ownClasses)) {
      return (params) => `(en.school_id = ANY($${params.push([...scope.schoolIds])}::uuid[]) OR en.class_id = ANY($${params.push([...scope.classIds])}::uuid[]))`;
    }
    throw new FitnessError(
      'AGGREGATE_LEVEL_NOT_ALLOWED',
      `fitness aggregates at ${level} level are for ${level === 'class' || level === 'school' ? 'school staff and ' : ''}education bureaus`,
      `${level === 'class' ? '班级' : level === 'school' ? '学校' : level === 'district' ? '区县' : '全市'}层面的体质健康汇总仅向${level === 'class' || level === 'school' ? '本校人员和' : ''}教育行政部门开放`,
    );
  }

  /**
   * One row per group of the visible students enrolled in the year, filtered by grade and sex,
   * with the sums of `columns` of the stored class counts. Two stages: the counts per school and
   * class, then the classes summed into the level's groups (joined with the roster's names).
   * `$1` is the school year.
   */
  private async countGroups(query: FitnessAggregateQueryDto, schoolYear: string, visible: (params: unknown[]) => string, columns: Record<string, ClassCountColumn>): Promise<CountRow[]> {
    const params: unknown[] = [schoolYear];
    const countWhere = [visible(params)];
    if (query.sex !== undefined) countWhere.push(`en.sex_code = $${params.push(SEX_CODE[query.sex])}`);
    const classWhere = query.gradeCode === undefined ? 'TRUE' : `c.grade_code = $${params.push(query.gradeCode)}`;
    // Classes are rows per school year: the previous year's "same" class is the one with the same
    // school, grade and name (like every level, the change compares the same grade slot).
    const unit = {
      class: `min(pc.class_id::text) AS unit_id, NULL::text AS unit_code, c.name AS unit_name, pc.school_id::text AS school_id, c.grade_code, concat_ws('|', pc.school_id, c.grade_code, c.name) AS group_key`,
      school: `pc.school_id::text AS unit_id, sc.code AS unit_code, sc.name AS unit_name, NULL::text AS school_id, NULL::text AS grade_code, pc.school_id::text AS group_key`,
      district: `sc.region_id::text AS unit_id, rg.code AS unit_code, rg.name AS unit_name, NULL::text AS school_id, NULL::text AS grade_code, sc.region_id::text AS group_key`,
      city: `NULL::text AS unit_id, NULL::text AS unit_code, 'city' AS unit_name, NULL::text AS school_id, NULL::text AS grade_code, 'city' AS group_key`,
    }[query.level];
    const groupBy = { class: 'GROUP BY pc.school_id, c.grade_code, c.name', school: 'GROUP BY pc.school_id, sc.code, sc.name', district: 'GROUP BY sc.region_id, rg.code, rg.name', city: '' }[query.level];
    const names = Object.keys(columns);
    return (await this.dataSource.query(
      `WITH per_class AS (
         SELECT en.school_id, en.class_id, sum(en.enrolled) AS enrolled, ${names.map((name) => `sum(en.${columns[name]}) AS ${name}`).join(', ')}
           FROM fitness_class_counts en
          WHERE en.school_year = $1 AND ${countWhere.join(' AND ')}
          GROUP BY en.school_id, en.class_id)
       SELECT ${unit}, sum(pc.enrolled)::int AS enrolled, ${names.map((name) => `sum(pc.${name})::float8 AS ${name}`).join(', ')}
         FROM per_class pc
         JOIN school_classes c ON c.id = pc.class_id
         JOIN schools sc ON sc.id = pc.school_id
         JOIN regions rg ON rg.id = sc.region_id
        WHERE ${classWhere}
        ${groupBy}
       HAVING sum(pc.enrolled) > 0`,
      params,
    )) as CountRow[];
  }

  private async fitnessCounts(query: FitnessAggregateQueryDto, schoolYear: string, visible: (params: unknown[]) => string): Promise<CountRow[]> {
    const rows = await this.countGroups(query, schoolYear, visible, {
      recorded: 'recorded',
      tested: 'tested',
      exempt: 'exempt',
      deferred: 'deferred',
      incomplete: 'incomplete',
      unknown_status: 'unknown_status',
      invalid_total: 'invalid_total',
      sum_tenths: 'sum_tenths',
      excellent: 'excellent',
      good_or_better: 'good_or_better',
      pass: 'pass',
    });
    for (const row of rows) {
      if (Number(row.unknown_status) > 0 || Number(row.invalid_total) > 0) {
        throw new ScoringInputError('INVALID_ARGUMENT', `stored fitness results of ${schoolYear} in ${row.unit_name} have an unknown status or a 'scored' total that is not a one-decimal year total in [0, 120]`, { schoolYear, unknownStatus: row.unknown_status, invalidTotals: row.invalid_total });
      }
    }
    return rows;
  }

  private async myopiaCounts(query: FitnessAggregateQueryDto, schoolYear: string, visible: (params: unknown[]) => string): Promise<CountRow[]> {
    const rows = await this.countGroups(query, schoolYear, visible, {
      positive: 'positive',
      negative: 'negative',
      indeterminate: 'indeterminate',
      not_screened: 'not_screened',
      invalid: 'invalid_screening',
    });
    for (const row of rows) {
      if (Number(row.invalid) > 0) {
        throw new FitnessError(
          'INVALID_SCREENING_VALUE',
          `${row.invalid} screening(s) of ${schoolYear} in ${row.unit_name} have a visual acuity outside ${LOWEST_ACUITY}–${HIGHEST_ACUITY} of the 5-point notation (decimal 1.0 = 5.0)`,
          '视力筛查数据中有不符合五分记录的数值',
          { schoolYear, unit: row.unit_name, count: row.invalid },
        );
      }
    }
    return rows;
  }
}

const count = (row: CountRow, name: string): number => Number(row[name]);

function fitnessSummary(row: CountRow): FitnessGroupSummary {
  return summarizeFitnessCounts({
    enrolled: count(row, 'enrolled'),
    recorded: count(row, 'recorded'),
    tested: count(row, 'tested'),
    exempt: count(row, 'exempt'),
    deferred: count(row, 'deferred'),
    incomplete: count(row, 'incomplete'),
    sumTenths: count(row, 'sum_tenths'),
    excellentCount: count(row, 'excellent'),
    goodOrBetterCount: count(row, 'good_or_better'),
    passCount: count(row, 'pass'),
  });
}

function myopiaSummary(row: CountRow): MyopiaScreeningSummary {
  return summarizeMyopiaCounts({ records: count(row, 'enrolled'), positive: count(row, 'positive'), negative: count(row, 'negative'), indeterminate: count(row, 'indeterminate'), notScreened: count(row, 'not_screened') });
}

function unitOf(row: CountRow, level: AggregateLevel): AggregateUnit {
  if (level === 'class') return { level, id: row.unit_id, code: null, name: row.unit_name, schoolId: row.school_id!, gradeCode: row.grade_code! };
  return { level, id: row.unit_id, code: row.unit_code, name: row.unit_name };
}

/** Units by code, then name, then school (as the pages list them). */
function sortGroups(rows: readonly CountRow[], level: AggregateLevel): CountRow[] {
  const units = new Map(rows.map((row) => [row, unitOf(row, level)]));
  return [...rows].sort((x, y) => {
    const [a, b] = [units.get(x)!, units.get(y)!];
    return (a.code ?? '').localeCompare(b.code ?? '') || a.name.localeCompare(b.name) || (a.schoolId ?? '').localeCompare(b.schoolId ?? '');
  });
}
