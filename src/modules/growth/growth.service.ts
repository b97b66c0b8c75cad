import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Page } from '../../common/http/pagination';
import { defaultGrowthThreads, fitGrowthInWorkers } from '../../cli/sgp/fit-growth-in-workers';
import {
  checkGrowthCoefficientSet,
  ENGINE_VERSION,
  growthGoodnessOfFit,
  growthTauChains,
  type GrowthCoefficientSet,
  growthPercentileToReach,
  growthTrajectories,
  percentileRanks,
  planGrowthFit,
  ScoringInputError,
  shrinkGroupMedians,
  studentGrowthPercentiles,
  summariseGrowthGroups,
  zScores,
} from '../../scoring-core';
import { type DataScope, isSchoolInScope, studentInScopeSql } from '../auth/data-scope';
import { JobsService } from '../jobs/jobs.service';
import type { JobHandler } from '../jobs/jobs.worker';
import { JobsWorker } from '../jobs/jobs.worker';
import { ModelRuns } from '../jobs/model-runs';
import type { CreateGrowthRunDto, GrowthOccasionDto, ListGrowthRunsQueryDto } from './dto/growth-run.dto';
import { type GrowthOccasion, GrowthRun } from './entities/growth-run.entity';
import { GrowthStudentResult } from './entities/growth-student-result.entity';
import { readFitnessGrowthInput, readGrowthInput, readSummedGrowthInput } from './growth-input';
import { GrowthError, growthNotFound } from './growth.errors';

export const GROWTH_JOB = 'growth-run';

/** Indicator value types that hold a number growth can be computed on. */
const NUMERIC_VALUE_TYPES = ['score', 'count', 'hours', 'measurement'];

export interface GrowthRunResponse {
  id: string;
  jobId: string | null;
  state: GrowthRun['state'];
  indicator: string;
  current: GrowthOccasion;
  priors: GrowthOccasion[];
  minimumN: number;
  baselineRunId: string | null;
  parameters: Record<string, unknown> | null;
  inputHash: string | null;
  engineVersion: string | null;
  summary: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  createdAt: string;
  finishedAt: string | null;
}

export function toGrowthRunResponse(run: GrowthRun): GrowthRunResponse {
  return {
    id: run.id,
    jobId: run.jobId,
    state: run.state,
    indicator: run.indicatorCode,
    current: run.current,
    priors: run.priors,
    minimumN: run.minimumN,
    baselineRunId: run.baselineRunId,
    parameters: run.parameters,
    inputHash: run.inputHash,
    engineVersion: run.engineVersion,
    summary: run.summary,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** One student's row of one run, as the profile shows it. */
export interface GrowthProfileEntry {
  runId: string;
  indicator: string;
  current: GrowthOccasion;
  priors: GrowthOccasion[];
  schoolId: string;
  value: number;
  zScore: number;
  percentileRank: number;
  priorValues: (number | null)[];
  priorZScores: (number | null)[];
  priorPercentileRanks: (number | null)[];
  sgp: number | null;
  sgpOrder: number | null;
  finishedAt: string | null;
}

/**
 * z-scores and percentile ranks of one prior column among the students who have it (null where
 * missing); all null when fewer than two values or all equal (no standing can be defined).
 */
function standingsOf(column: Float64Array, name: string): { z: (number | null)[]; pr: (number | null)[] } {
  const present: number[] = [];
  column.forEach((value, index) => {
    if (!Number.isNaN(value)) present.push(index);
  });
  const z: (number | null)[] = Array.from(column, () => null);
  const pr: (number | null)[] = Array.from(column, () => null);
  const values = Float64Array.from(present, (index) => column[index]);
  if (values.length < 2 || values.every((value) => value === values[0])) return { z, pr };
  const zs = zScores(values, name);
  const prs = percentileRanks(values, name);
  present.forEach((index, k) => {
    z[index] = zs[k];
    pr[index] = prs[k];
  });
  return { z, pr };
}

/**
 * Per school: n, median/mean SGP with SEs, the EB-shrunk median (shrunk among all schools) and
 * suppression below `minimumN`; `byGrade` the same per grade of the current term's class within
 * the school (shrunk among all school × grade groups; students without a class are left out).
 * Sorted by school id, then grade code.
 */
export function schoolSummaries(schoolIds: readonly string[], gradeCodes: readonly (string | null)[], sgp: ArrayLike<number>, minimumN: number): Record<string, unknown>[] {
  const schools = shrinkGroupMedians(summariseGrowthGroups(schoolIds, sgp, { minimumN }));
  const graded = schoolIds.flatMap((school, index) => (gradeCodes[index] === null ? [] : [index]));
  const grades = shrinkGroupMedians(
    summariseGrowthGroups(
      graded.map((index) => `${schoolIds[index]}|${gradeCodes[index]}`),
      graded.map((index) => sgp[index]),
      { minimumN },
    ),
  );
  return schools.map(({ group, ...summary }) => ({
    schoolId: group,
    ...summary,
    byGrade: grades.filter((g) => g.group.startsWith(`${group}|`)).map(({ group: key, ...gradeSummary }) => ({ gradeCode: key.slice(group.length + 1), ...gradeSummary })),
  }));
}

/** The fitness year total (fitness_results.total, one per student and school year) as a growth indicator. */
export const FITNESS_YEAR_TOTAL = 'fitness.year_total';

/**
 * Derived totals that are growth indicators too: the sum of their parts in a term. The 艺术素质测评
 * total (基础 40 + 学业 50 + 发展 20, DOMAIN.md) is recorded as its three parts.
 */
export const DERIVED_TOTALS: Readonly<Record<string, readonly string[]>> = {
  'aesthetic.assessment.total': ['aesthetic.assessment.basic', 'aesthetic.assessment.academic', 'aesthetic.assessment.development'],
};

const occasionOf = (dto: GrowthOccasionDto, fitness: boolean): GrowthOccasion =>
  fitness ? { schoolYear: dto.schoolYear } : { termId: dto.termId, occasionKey: dto.examType ? `${dto.examType}|${dto.examDate}` : '' };
const occasionLabel = (o: GrowthOccasion) => o.schoolYear ?? `${o.termId}${o.occasionKey ? ` ${o.occasionKey}` : ''}`;

/**
 * Student growth percentiles in the service (issue 11, points 4–5; ADR 0701). A run is one
 * numeric indicator over a current occasion and its priors; it runs as a background job that
 * reads the values in one snapshot, fits the 100 quantile regressions on worker threads, scores
 * every student and writes students, coefficients, goodness of fit and school summaries in one
 * transaction at the end.
 */
@Injectable()
export class GrowthService {
  /** Row-then-job queueing, listing, reading and the job's run bookkeeping, shared with evaluation runs. */
  private readonly runs: ModelRuns<GrowthRun>;

  constructor(
    private readonly dataSource: DataSource,
    jobs: JobsService,
    worker: JobsWorker,
  ) {
    this.runs = new ModelRuns(dataSource, jobs, worker, {
      entity: GrowthRun,
      table: 'growth_runs',
      jobType: GROWTH_JOB,
      notFound: (id) => growthNotFound('growth run', '增长运行', id),
      notFinished: (run) => new GrowthError('RUN_NOT_FINISHED', `growth run ${run.id} is ${run.state}; it has no results`, `增长运行${run.id}尚无结果（状态：${run.state}）`),
      runOfJobMissing: (jobId) => new GrowthError('NOT_FOUND', `the growth run of job ${jobId} was not found`, `未找到任务${jobId}对应的增长运行`),
      knownError: (error) => (error instanceof GrowthError ? error : error instanceof ScoringInputError ? new GrowthError('SCORING_INPUT', error.message, `增长百分位无法计算：${error.message}`) : undefined),
    });
  }

  /** Validates the run (indicator numeric, occasions distinct and recorded), then queues its job. */
  async enqueueRun(dto: CreateGrowthRunDto, actorUserId: string): Promise<GrowthRun> {
    const occasions = [dto.current, ...dto.priors];
    const fitness = dto.indicator === FITNESS_YEAR_TOTAL;
    for (const occasion of occasions) {
      if (fitness && (occasion.schoolYear === undefined || occasion.termId !== undefined || occasion.examType !== undefined || occasion.examDate !== undefined)) {
        throw new GrowthError('INVALID_RUN', `${FITNESS_YEAR_TOTAL} occasions are school years: give schoolYear only`, `${FITNESS_YEAR_TOTAL}的场次为学年：只填 schoolYear`);
      }
      if (!fitness && (occasion.termId === undefined || occasion.schoolYear !== undefined)) {
        throw new GrowthError('INVALID_RUN', 'an occasion of a catalogue indicator needs termId (schoolYear is for the fitness year total only)', '指标场次须给出 termId（schoolYear 仅用于体质健康学年总分）');
      }
      if ((occasion.examType === undefined) !== (occasion.examDate === undefined)) {
        throw new GrowthError('INVALID_RUN', 'an exam occasion needs both examType and examDate (neither for a once-a-term indicator)', '考试场次须同时给出考试类型和考试日期（每学期一次的指标两者都不填）');
      }
    }
    const plain = occasions.map((occasion) => occasionOf(occasion, fitness));
    for (let a = 0; a < plain.length; a += 1) {
      for (let b = a + 1; b < plain.length; b += 1) {
        if (plain[a].termId === plain[b].termId && plain[a].occasionKey === plain[b].occasionKey && plain[a].schoolYear === plain[b].schoolYear) {
          throw new GrowthError('INVALID_RUN', `occasion ${occasionLabel(plain[b])} is named twice; the current occasion and the priors must differ`, `场次“${occasionLabel(plain[b])}”重复；当前场次与前测须各不相同`);
        }
      }
    }
    if (fitness) {
      for (const occasion of plain) {
        const [row] = (await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM fitness_results WHERE school_year = $1) AS found`, [occasion.schoolYear])) as { found: boolean }[];
        if (!row.found) {
          throw new GrowthError('UNKNOWN_OCCASION', `no fitness year results are stored for ${occasion.schoolYear}`, `${occasion.schoolYear}学年没有体质健康结果`, { occasion });
        }
      }
    } else await this.assertIndicatorOccasions(dto.indicator, plain);
    await this.assertBaseline(dto);
    const repository = this.dataSource.getRepository(GrowthRun);
    // The run row first, so the job (which a worker may claim at once) always finds it.
    const run = await repository.save(
      repository.create({
        jobId: null,
        state: 'queued',
        indicatorCode: dto.indicator,
        current: plain[0],
        priors: plain.slice(1),
        minimumN: dto.minimumN ?? 10,
        baselineRunId: dto.baselineRunId ?? null,
        createdBy: actorUserId,
      }),
    );
    return this.runs.queueJob(run, actorUserId);
  }

  /** A numeric catalogue indicator (or a derived total) with records at every occasion, or 400. */
  private async assertIndicatorOccasions(code: string, occasions: readonly GrowthOccasion[]): Promise<void> {
    const parts = DERIVED_TOTALS[code];
    if (parts) {
      for (const occasion of occasions) {
        if (occasion.occasionKey !== '') throw new GrowthError('INVALID_RUN', `${code} is a once-a-term total: give termId only`, `${code}为每学期一次的总分：只填 termId`);
        const [row] = (await this.dataSource.query(
          `SELECT EXISTS (SELECT 1 FROM term_records r JOIN indicators i ON i.id = r.indicator_id WHERE i.code = ANY($1) AND r.term_id = $2 AND r.occasion_key = '') AS found`,
          [parts, occasion.termId],
        )) as { found: boolean }[];
        if (!row.found) throw new GrowthError('UNKNOWN_OCCASION', `no ${code} parts were recorded at ${occasionLabel(occasion)}`, `${occasionLabel(occasion)}没有${code}的分项记录`, { occasion });
      }
      return;
    }
    const [indicator] = (await this.dataSource.query(`SELECT id, value_type FROM indicators WHERE code = $1`, [code])) as { id: string; value_type: string }[];
    if (!indicator || !NUMERIC_VALUE_TYPES.includes(indicator.value_type)) {
      throw new GrowthError('UNKNOWN_INDICATOR', `${code} is not a numeric indicator of the catalogue (or ${FITNESS_YEAR_TOTAL})`, `${code}不是指标目录中的数值型指标（也不是${FITNESS_YEAR_TOTAL}）`, { indicator: code });
    }
    for (const occasion of occasions) {
      const [row] = (await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM term_records WHERE indicator_id = $1 AND term_id = $2 AND occasion_key = $3) AS found`, [
        indicator.id,
        occasion.termId,
        occasion.occasionKey,
      ])) as { found: boolean }[];
      if (!row.found) {
        throw new GrowthError('UNKNOWN_OCCASION', `no ${code} values were recorded at ${occasionLabel(occasion)}`, `${occasionLabel(occasion)}没有${code}的记录`, { occasion });
      }
    }
  }

  /** A baseline must be a succeeded run of the same indicator, or 400. */
  private async assertBaseline(dto: CreateGrowthRunDto): Promise<void> {
    if (dto.baselineRunId === undefined) return;
    const baseline = await this.dataSource.getRepository(GrowthRun).findOneBy({ id: dto.baselineRunId });
    if (!baseline || baseline.state !== 'succeeded' || baseline.indicatorCode !== dto.indicator) {
      throw new GrowthError('INVALID_RUN', `baseline run ${dto.baselineRunId} is not a succeeded run of ${dto.indicator}`, `基准运行${dto.baselineRunId}不是${dto.indicator}的已完成运行`, { baselineRunId: dto.baselineRunId });
    }
  }

  listRuns(query: ListGrowthRunsQueryDto): Promise<Page<GrowthRun>> {
    return this.runs.list(query);
  }

  getRun(id: string): Promise<GrowthRun> {
    return this.runs.get(id);
  }

  private finishedRun(id: string): Promise<GrowthRun> {
    return this.runs.finished(id);
  }

  /** The school summaries the viewer may see (bureau: all; a school: its own). Shrinkage used every school. */
  async schoolSummaries(id: string, viewer: DataScope): Promise<{ runId: string; minimumN: number; schools: Record<string, unknown>[] }> {
    const run = await this.finishedRun(id);
    return { runId: run.id, minimumN: run.minimumN, schools: (run.schools ?? []).filter((school) => isSchoolInScope(viewer, school.schoolId as string)) };
  }

  async coefficients(id: string): Promise<{ runId: string; coefficients: Record<string, unknown> | null }> {
    const run = await this.finishedRun(id);
    return { runId: run.id, coefficients: run.coefficients };
  }

  async goodnessOfFit(id: string): Promise<{ runId: string; goodnessOfFit: Record<string, unknown> | null }> {
    const run = await this.finishedRun(id);
    return { runId: run.id, goodnessOfFit: run.goodnessOfFit };
  }

  /** A student's growth across runs, newest run first; out of scope or unknown → 404. */
  async studentProfile(studentId: string, scope: DataScope): Promise<{ studentId: string; entries: GrowthProfileEntry[] }> {
    const params: unknown[] = [studentId];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 's.id', schoolIdColumn: 's.school_id' }, params);
    const [student] = (await this.dataSource.query(`SELECT s.id FROM students s WHERE s.id = $1 AND ${inScope}`, params)) as { id: string }[];
    if (!student) throw growthNotFound('student', '学生', studentId);
    const rowParams: unknown[] = [studentId];
    const rowScope = studentInScopeSql(scope, { studentIdColumn: 'g.student_id', schoolIdColumn: 'g.school_id' }, rowParams);
    const rows = (await this.dataSource.query(
      `SELECT g.run_id, g.school_id, g.value, g.z_score, g.percentile_rank, g.prior_values, g.prior_z_scores, g.prior_percentile_ranks, g.sgp, g.sgp_order,
              r.indicator_code, r.current, r.priors, r.finished_at
       FROM growth_student_results g JOIN growth_runs r ON r.id = g.run_id
       WHERE g.student_id = $1 AND r.state = 'succeeded' AND ${rowScope}
       ORDER BY r.finished_at DESC, r.id`,
      rowParams,
    )) as {
      run_id: string;
      school_id: string;
      value: number;
      z_score: number;
      percentile_rank: number;
      prior_values: (number | null)[];
      prior_z_scores: (number | null)[];
      prior_percentile_ranks: (number | null)[];
      sgp: number | null;
      sgp_order: number | null;
      indicator_code: string;
      current: GrowthOccasion;
      priors: GrowthOccasion[];
      finished_at: Date | null;
    }[];
    return {
      studentId,
      entries: rows.map((row) => ({
        runId: row.run_id,
        indicator: row.indicator_code,
        current: row.current,
        priors: row.priors,
        schoolId: row.school_id,
        value: row.value,
        zScore: row.z_score,
        percentileRank: row.percentile_rank,
        priorValues: row.prior_values,
        priorZScores: row.prior_z_scores,
        priorPercentileRanks: row.prior_percentile_ranks,
        sgp: row.sgp,
        sgpOrder: row.sgp_order,
        finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
      })),
    };
  }

  /**
   * Next year's P35/P50/P65 growth trajectories for a student of a run, from the run's stored
   * matrices used as the norms of the next step (the student's current value and priors become the
   * history, most recent first), and — with `target` — the growth percentile needed to reach it.
   */
  async projection(runId: string, studentId: string, scope: DataScope, target: number | undefined) {
    const run = await this.finishedRun(runId);
    const params: unknown[] = [runId, studentId];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 'g.student_id', schoolIdColumn: 'g.school_id' }, params);
    const [row] = (await this.dataSource.query(`SELECT g.value, g.prior_values FROM growth_student_results g WHERE g.run_id = $1 AND g.student_id = $2 AND ${inScope}`, params)) as {
      value: number;
      prior_values: (number | null)[];
    }[];
    if (!row) throw growthNotFound('growth result of student', '学生增长结果', studentId);
    const set = checkGrowthCoefficientSet(run.coefficients);
    const history = [row.value, ...row.prior_values.map((value) => (value === null ? Number.NaN : value))];
    try {
      const [p35, p50, p65] = growthTrajectories(set, history, [35, 50, 65]);
      return {
        runId,
        studentId,
        history: history.map((value) => (Number.isNaN(value) ? null : value)),
        trajectories: { p35, p50, p65 },
        target: target === undefined ? null : { score: target, sgpNeeded: growthPercentileToReach(set, history, target) },
      };
    } catch (error) {
      if (error instanceof ScoringInputError) throw new GrowthError('INVALID_PROJECTION', error.message, `无法计算增长预测：${error.message}`);
      throw error;
    }
  }

  // ───────────── the job ─────────────

  jobHandler(): JobHandler {
    return this.runs.jobHandler((run, progress) => this.execute(run, progress));
  }

  /** Runs a growth run (already marked running by the shared bookkeeping) and returns the job's result. */
  private async execute(run: GrowthRun, progress: (done: number, total: number | null) => Promise<void>): Promise<Record<string, unknown>> {
    // Steps: the read, each (order, τ chain) fit, the scoring, the write; the total is known once the orders are.
    await progress(0, null);
    // One snapshot for the whole read.
    const input = await this.dataSource.transaction('REPEATABLE READ', async (manager: EntityManager) => {
      if (run.indicatorCode === FITNESS_YEAR_TOTAL) return readFitnessGrowthInput(manager, run.current, run.priors);
      const parts = DERIVED_TOTALS[run.indicatorCode];
      if (parts) {
        const partRows = (await manager.query(`SELECT id FROM indicators WHERE code = ANY($1) ORDER BY code`, [parts])) as { id: string }[];
        return readSummedGrowthInput(manager, partRows.map((row) => row.id), run.current, run.priors);
      }
      const [indicator] = (await manager.query(`SELECT id FROM indicators WHERE code = $1`, [run.indicatorCode])) as { id: string }[];
      return readGrowthInput(manager, indicator.id, run.current, run.priors);
    });
    if (input.studentIds.length < 2) {
      throw new GrowthError('NO_GROWTH_DATA', `only ${input.studentIds.length} students have a number at the current occasion; nothing to compare`, `当前场次只有${input.studentIds.length}名学生有成绩，无法计算`);
    }
    const scores = { current: input.current, priors: input.priors };
    let coefficients: GrowthCoefficientSet;
    let total = 3;
    if (run.baselineRunId !== null) {
      // Baseline-referenced: the stored norms, no fit.
      const baseline = await this.getRun(run.baselineRunId);
      coefficients = checkGrowthCoefficientSet(baseline.coefficients);
      await progress(1, total);
    } else {
      const plan = planGrowthFit(scores, { labels: { current: run.indicatorCode, priors: run.priors.map(occasionLabel) } });
      total = 3 + plan.tasks.length * growthTauChains(plan.taus).length;
      let done = 1;
      await progress(done, total);
      let reported = Promise.resolve();
      coefficients = await fitGrowthInWorkers(plan, defaultGrowthThreads(), () => {
        done += 1;
        const step = done;
        // Progress is informational: a failed progress write must not fail (or crash) the run.
        reported = reported.then(() => progress(step, total)).catch(() => undefined);
      });
      await reported;
    }
    const result = studentGrowthPercentiles(scores, coefficients);
    const z = zScores(input.current, run.indicatorCode);
    const pr = percentileRanks(input.current, run.indicatorCode);
    let goodnessOfFit: Record<string, unknown> | null = null;
    try {
      goodnessOfFit = { ...growthGoodnessOfFit(input.priors[0], result.sgp) };
    } catch (error) {
      if (!(error instanceof ScoringInputError)) throw error;
    }
    const schools = schoolSummaries(input.schoolIds, input.gradeCodes, result.sgp, run.minimumN);
    await progress(total - 1, total);
    const priorStandings = input.priors.map((column) => standingsOf(column, run.indicatorCode));
    const rows = input.studentIds.map((studentId, index) => ({
      runId: run.id,
      studentId,
      schoolId: input.schoolIds[index],
      value: input.current[index],
      zScore: z[index],
      percentileRank: pr[index],
      priorValues: input.priors.map((column) => (Number.isNaN(column[index]) ? null : column[index])),
      priorZScores: priorStandings.map((standing) => standing.z[index]),
      priorPercentileRanks: priorStandings.map((standing) => standing.pr[index]),
      sgp: result.sgp[index] === 0 ? null : result.sgp[index],
      sgpOrder: result.order[index] === 0 ? null : result.order[index],
    }));
    const withSgp = rows.filter((row) => row.sgp !== null).length;
    const parameters = { indicator: run.indicatorCode, current: run.current, priors: run.priors, minimumN: run.minimumN, baselineRunId: run.baselineRunId, taus: coefficients.taus.length, orders: coefficients.matrices.map((m) => m.order) };
    const summary = { students: rows.length, withSgp, missingPrior: result.missingPrior, markedCurrent: input.markedCurrent, schools: schools.length };
    await this.dataSource.transaction(async (manager) => {
      for (let start = 0; start < rows.length; start += 1000) await manager.getRepository(GrowthStudentResult).insert(rows.slice(start, start + 1000));
      await manager.query(
        `UPDATE growth_runs SET state = 'succeeded', parameters = $2::jsonb, input_hash = $3, engine_version = $4, coefficients = $5::jsonb, goodness_of_fit = $6::jsonb,
                schools = $7::jsonb, summary = $8::jsonb, finished_at = now() WHERE id = $1`,
        [run.id, JSON.stringify(parameters), input.inputHash, ENGINE_VERSION, JSON.stringify(coefficients), goodnessOfFit === null ? null : JSON.stringify(goodnessOfFit), JSON.stringify(schools), JSON.stringify(summary)],
      );
    });
    await progress(total, total);
    return { runId: run.id, inputHash: input.inputHash, orders: coefficients.matrices.length, ...summary };
  }
}
