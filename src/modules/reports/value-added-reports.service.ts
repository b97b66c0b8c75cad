import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DataScope } from '../auth/data-scope';
import { isSchoolInScope } from '../auth/data-scope';
import { compareMethods } from '../value-added/method-comparison';
import type { ValueAddedRunReportQueryDto, ValueAddedStabilityQueryDto, ValueAddedStudiesQueryDto } from './dto/reports.dto';
import { ReportsError, reportNotFound } from './reports.errors';

export const VALUE_ADDED_CATEGORIES = ['above', 'not_significant', 'below', 'insufficient'] as const;

/** A stored group row with the school, district and stage it belongs to. */
export interface ValueAddedReportGroup {
  model: string;
  groupId: string;
  schoolId: string;
  schoolCode: string;
  schoolName: string;
  stage: string;
  regionId: string;
  regionName: string;
  /** Class grouping: the class's name and grade; null for school grouping. */
  className: string | null;
  gradeCode: string | null;
  n: number;
  estimate: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  category: string;
  reliability: number | null;
  /** Bureau readers only (1 = lowest); null for a school. */
  rank: number | null;
}

export interface ValueAddedStudyReport {
  id: string;
  name: string;
  subject: string;
  outcome: Record<string, unknown>;
  priors: Record<string, unknown>[];
  covariates: string[];
  grouping: string;
  model: string;
  minGroupSize: number;
  termCode: string | null;
  schoolYear: string | null;
  createdAt: string;
  runs: { id: string; models: string[]; finishedAt: string | null }[];
}

interface StoredRun {
  id: string;
  studyId: string;
  state: string;
  models: string[];
  inputHash: string | null;
  engineVersion: string | null;
  summary: Record<string, unknown> | null;
  comparison: Record<string, unknown> | null;
  finishedAt: Date | null;
}

const isBureau = (viewer: DataScope) => viewer.all || (viewer.regionIds ?? []).length > 0;

/**
 * Read-only views over the value-added service's stored results (issue 9): the rows of
 * `value_added_group_results` joined with the roster (school, district, stage) so the web pages
 * can filter and label them. Every number is a stored one; nothing is re-estimated here.
 */
@Injectable()
export class ValueAddedReportsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Studies (newest school year first) with their finished runs, plus the subjects and years there are to filter by. */
  async studies(query: ValueAddedStudiesQueryDto, onlyId?: string): Promise<{ items: ValueAddedStudyReport[]; subjects: string[]; schoolYears: string[] }> {
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.name, s.outcome, s.priors, s.covariates, s.grouping, s.model, s.min_group_size AS "minGroupSize", s.created_at AS "createdAt",
              t.code AS "termCode", t.school_year AS "schoolYear"
         FROM value_added_studies s LEFT JOIN terms t ON t.id::text = s.outcome->>'termId'
        WHERE $1::uuid IS NULL OR s.id = $1
        ORDER BY t.school_year DESC NULLS LAST, s.name, s.id`,
      [onlyId ?? null],
    )) as (Omit<ValueAddedStudyReport, 'subject' | 'runs' | 'createdAt'> & { createdAt: Date })[];
    const subjects = [...new Set(rows.map((r) => String(r.outcome.subject)))].sort();
    const schoolYears = [...new Set(rows.map((r) => r.schoolYear).filter((y): y is string => y !== null))].sort().reverse();
    const selected = rows.filter((r) => (!query.subject || r.outcome.subject === query.subject) && (!query.schoolYear || r.schoolYear === query.schoolYear)).slice(0, 500);
    const runs = (await this.dataSource.query(
      `SELECT id, study_id AS "studyId", models, finished_at AS "finishedAt" FROM value_added_runs WHERE state = 'succeeded' AND study_id = ANY($1::uuid[]) ORDER BY finished_at DESC, id`,
      [selected.map((r) => r.id)],
    )) as { id: string; studyId: string; models: string[]; finishedAt: Date | null }[];
    return {
      subjects,
      schoolYears,
      items: selected.map((r) => ({
        ...r,
        subject: String(r.outcome.subject),
        createdAt: r.createdAt.toISOString(),
        runs: runs.filter((run) => run.studyId === r.id).map((run) => ({ id: run.id, models: run.models, finishedAt: run.finishedAt?.toISOString() ?? null })),
      })),
    };
  }

  private async finishedRun(id: string): Promise<StoredRun> {
    const [run] = (await this.dataSource.query(
      `SELECT id, study_id AS "studyId", state, models, input_hash AS "inputHash", engine_version AS "engineVersion", summary, comparison, finished_at AS "finishedAt" FROM value_added_runs WHERE id = $1`,
      [id],
    )) as StoredRun[];
    if (!run) throw reportNotFound('value-added run', '增值评价运行', id);
    if (run.state !== 'succeeded') throw new ReportsError('RUN_NOT_FINISHED', `run ${id} is ${run.state}; reports show finished runs only`, `运行${id}状态为${run.state}，报告只显示已完成的运行`, { state: run.state });
    return run;
  }

  private async study(id: string): Promise<ValueAddedStudyReport> {
    const [study] = (await this.studies({}, id)).items;
    return study;
  }

  private pickModel(run: StoredRun, model: string | undefined): string {
    const chosen = model ?? run.models[0];
    if (!run.models.includes(chosen)) {
      throw new ReportsError('INVALID_COMPARISON', `run ${run.id} has no ${chosen} results (models: ${run.models.join(', ')})`, `运行${run.id}没有${chosen}模型的结果（模型：${run.models.join('、')}）`, { models: run.models });
    }
    return chosen;
  }

  /** The stored rows of one model of a run that the viewer may see, with roster labels, lowest estimate first. */
  private async groupRows(runId: string, model: string, viewer: DataScope, filters: { regionId?: string; stage?: string } = {}): Promise<ValueAddedReportGroup[]> {
    const params: unknown[] = [runId, model, viewer.all, [...viewer.schoolIds]];
    let where = `g.run_id = $1 AND g.model = $2 AND ($3::boolean OR g.school_id = ANY($4::uuid[]))`;
    if (filters.regionId) {
      params.push(filters.regionId);
      where += ` AND (r.id = $${params.length} OR r.parent_id = $${params.length})`;
    }
    if (filters.stage) {
      params.push(filters.stage);
      where += ` AND sc.stage = $${params.length}`;
    }
    const rows = (await this.dataSource.query(
      `SELECT g.model, g.group_id AS "groupId", g.school_id AS "schoolId", sc.code AS "schoolCode", sc.name AS "schoolName", sc.stage,
              r.id AS "regionId", r.name AS "regionName", c.name AS "className", c.grade_code AS "gradeCode",
              g.n, g.estimate, g.se, g.ci_low AS "ciLow", g.ci_high AS "ciHigh", g.category, g.reliability, g.rank
         FROM value_added_group_results g
         JOIN schools sc ON sc.id = g.school_id
         JOIN regions r ON r.id = sc.region_id
         LEFT JOIN school_classes c ON c.id = g.group_id
        WHERE ${where}
        ORDER BY g.estimate, g.group_id`,
      params,
    )) as ValueAddedReportGroup[];
    if (!isBureau(viewer)) for (const row of rows) row.rank = null;
    return rows;
  }

  /**
   * A run for the overview page: one model's group rows (lowest estimate first, for the
   * caterpillar chart), the category counts of the rows shown, and the districts and stages there
   * are to filter by. A school sees its own rows only and no ranks.
   */
  async run(id: string, query: ValueAddedRunReportQueryDto, viewer: DataScope) {
    const run = await this.finishedRun(id);
    const model = this.pickModel(run, query.model);
    const study = await this.study(run.studyId);
    const everything = await this.groupRows(id, model, viewer);
    const groups = query.regionId || query.stage ? await this.groupRows(id, model, viewer, { regionId: query.regionId, stage: query.stage }) : everything;
    const categoryCounts = Object.fromEntries(VALUE_ADDED_CATEGORIES.map((c) => [c, groups.filter((g) => g.category === c).length]));
    const districts = new Map(everything.map((g) => [g.regionId, g.regionName]));
    return {
      run: { id: run.id, studyId: run.studyId, models: run.models, inputHash: run.inputHash, engineVersion: run.engineVersion, finishedAt: run.finishedAt?.toISOString() ?? null, summary: run.summary },
      study,
      model,
      minGroupSize: study.minGroupSize,
      filters: {
        districts: [...districts].map(([regionId, name]) => ({ id: regionId, name })).sort((a, b) => a.name.localeCompare(b.name, 'zh')),
        stages: [...new Set(everything.map((g) => g.stage))].sort(),
      },
      categoryCounts,
      groups,
    };
  }

  /**
   * Method comparison: every model's row per group side by side, with the run's stored
   * correlations (aggregates) and the groups whose category changes between models.
   */
  async methods(id: string, viewer: DataScope) {
    const run = await this.finishedRun(id);
    const study = await this.study(run.studyId);
    const perModel = await Promise.all(run.models.map((model) => this.groupRows(id, model, viewer)));
    const byGroup = new Map<string, { groupId: string; schoolId: string; schoolName: string; className: string | null; regionName: string; n: number; models: Record<string, { estimate: number; ciLow: number; ciHigh: number; category: string; rank: number | null }> }>();
    perModel.forEach((rows) => {
      for (const row of rows) {
        const entry = byGroup.get(row.groupId) ?? { groupId: row.groupId, schoolId: row.schoolId, schoolName: row.schoolName, className: row.className, regionName: row.regionName, n: row.n, models: {} };
        entry.models[row.model] = { estimate: row.estimate, ciLow: row.ciLow, ciHigh: row.ciHigh, category: row.category, rank: row.rank };
        byGroup.set(row.groupId, entry);
      }
    });
    const groups = [...byGroup.values()].map((g) => ({ ...g, categoryChanged: new Set(Object.values(g.models).map((m) => m.category)).size > 1 }));
    groups.sort((a, b) => a.models[run.models[0]].estimate - b.models[run.models[0]].estimate || (a.groupId < b.groupId ? -1 : 1));
    const correlations = (run.comparison?.correlations as unknown[] | undefined) ?? [];
    return { run: { id: run.id, studyId: run.studyId, models: run.models, finishedAt: run.finishedAt?.toISOString() ?? null }, study, minGroupSize: study.minGroupSize, correlations, groupsCompared: run.comparison?.groupsCompared ?? null, groups };
  }

  /**
   * Year-over-year stability: the schools present in both runs (school grouping), their two
   * estimates and categories, Spearman's ρ over the schools sufficient in both (the method
   * comparison's statistic, over all schools: an aggregate), and the category transitions.
   */
  async stability(query: ValueAddedStabilityQueryDto, viewer: DataScope) {
    const [from, to] = [await this.finishedRun(query.fromRunId), await this.finishedRun(query.toRunId)];
    const [fromStudy, toStudy] = [await this.study(from.studyId), await this.study(to.studyId)];
    if (fromStudy.grouping !== 'school' || toStudy.grouping !== 'school') {
      throw new ReportsError('INVALID_COMPARISON', 'stability compares schools: both runs must group by school', '稳定性比较的是学校：两次运行都须按学校分组');
    }
    const model = query.model ?? from.models.find((m) => to.models.includes(m));
    if (!model) throw new ReportsError('INVALID_COMPARISON', 'the two runs share no model', '两次运行没有共同的模型');
    this.pickModel(from, model);
    this.pickModel(to, model);
    const everyone = { all: true, schoolIds: [], classIds: [], studentIds: [] } as DataScope;
    const [fromRows, toRows] = [await this.groupRows(from.id, model, everyone), await this.groupRows(to.id, model, everyone)];
    const toBySchool = new Map(toRows.map((row) => [row.schoolId, row]));
    const paired = fromRows.filter((row) => toBySchool.has(row.schoolId)).sort((a, b) => (a.schoolId < b.schoolId ? -1 : 1));
    const comparison = compareMethods(
      paired.map((row) => ({ id: row.schoolId, schoolId: row.schoolId })),
      [
        { model: 'from', estimate: paired.map((row) => row.estimate), category: paired.map((row) => row.category) },
        { model: 'to', estimate: paired.map((row) => toBySchool.get(row.schoolId)!.estimate), category: paired.map((row) => toBySchool.get(row.schoolId)!.category) },
      ],
    );
    const visible = paired.filter((row) => isSchoolInScope(viewer, row.schoolId));
    const schools = visible.map((row) => {
      const next = toBySchool.get(row.schoolId)!;
      return {
        schoolId: row.schoolId,
        schoolCode: row.schoolCode,
        schoolName: row.schoolName,
        regionName: row.regionName,
        from: { n: row.n, estimate: row.estimate, ciLow: row.ciLow, ciHigh: row.ciHigh, category: row.category },
        to: { n: next.n, estimate: next.estimate, ciLow: next.ciLow, ciHigh: next.ciHigh, category: next.category },
      };
    });
    const transitions = VALUE_ADDED_CATEGORIES.flatMap((a) => VALUE_ADDED_CATEGORIES.map((b) => ({ from: a, to: b, count: schools.filter((s) => s.from.category === a && s.to.category === b).length })));
    return {
      model,
      from: { runId: from.id, study: fromStudy },
      to: { runId: to.id, study: toStudy },
      schoolsInBoth: paired.length,
      schoolsCompared: comparison.groupsCompared,
      spearman: comparison.correlations[0].spearman,
      transitions,
      schools,
    };
  }

  /** One school's value-added across every finished run (its own rows; class grouping gives its classes). */
  async schoolHistory(schoolId: string, viewer: DataScope) {
    if (!isSchoolInScope(viewer, schoolId)) throw reportNotFound('school', '学校', schoolId);
    const [school] = (await this.dataSource.query(`SELECT id, code, name, stage, region_id AS "regionId" FROM schools WHERE id = $1`, [schoolId])) as Record<string, string>[];
    if (!school) throw reportNotFound('school', '学校', schoolId);
    const rows = (await this.dataSource.query(
      `SELECT g.run_id AS "runId", s.id AS "studyId", s.name AS "studyName", s.outcome->>'subject' AS subject, s.grouping, t.school_year AS "schoolYear", t.code AS "termCode",
              run.finished_at AS "finishedAt", g.model, g.group_id AS "groupId", c.name AS "className", g.n, g.estimate, g.se, g.ci_low AS "ciLow", g.ci_high AS "ciHigh", g.category, s.min_group_size AS "minGroupSize"
         FROM value_added_group_results g
         JOIN value_added_runs run ON run.id = g.run_id AND run.state = 'succeeded'
         JOIN value_added_studies s ON s.id = run.study_id
         LEFT JOIN terms t ON t.id::text = s.outcome->>'termId'
         LEFT JOIN school_classes c ON c.id = g.group_id
        WHERE g.school_id = $1
        ORDER BY t.school_year NULLS FIRST, t.code NULLS FIRST, s.name, run.finished_at, g.model, c.name NULLS FIRST, g.group_id`,
      [schoolId],
    )) as Record<string, unknown>[];
    return { school, rows: rows.map((row) => ({ ...row, finishedAt: (row.finishedAt as Date | null)?.toISOString() ?? null })) };
  }
}
