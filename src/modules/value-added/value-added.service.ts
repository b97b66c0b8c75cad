import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { pageWindow, type Page } from '../../common/http/pagination';
import { ENGINE_VERSION, estimateValueAdded, midRanks, ScoringInputError, type ValueAddedModelName, type ValueAddedResult } from '../../scoring-core';
import type { DataScope } from '../auth/data-scope';
import { isSchoolInScope } from '../auth/data-scope';
import type { JobHandler } from '../jobs/jobs.worker';
import { JobsService } from '../jobs/jobs.service';
import { JobsWorker } from '../jobs/jobs.worker';
import { assembleCohort, type Cohort } from './cohort';
import type { CreateRunDto, CreateStudyDto, ListStudiesQueryDto, StudyOccasionDto } from './dto/study.dto';
import { ValueAddedGroupResult } from './entities/value-added-group-result.entity';
import { ValueAddedRun } from './entities/value-added-run.entity';
import { ValueAddedStudy, type StudyOccasion } from './entities/value-added-study.entity';
import { compareMethods } from './method-comparison';
import { notFound, ValueAddedError } from './value-added.errors';

export const VALUE_ADDED_JOB = 'value-added-run';

/** A group's result as the API shows it. */
export interface GroupResultResponse {
  model: string;
  groupId: string;
  schoolId: string;
  n: number;
  estimate: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  category: string;
  reliability: number | null;
  /** Position among the run's groups (1 = lowest); bureau readers only — a school sees its interval and category, not a league-table place. */
  rank: number | null;
}

export interface RunResponse {
  id: string;
  studyId: string;
  jobId: string | null;
  state: ValueAddedRun['state'];
  models: string[];
  parameters: Record<string, unknown> | null;
  inputHash: string | null;
  engineVersion: string | null;
  summary: Record<string, unknown> | null;
  comparison: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  createdAt: string;
  finishedAt: string | null;
  /** Only on a single run's read: the group rows the caller may see. */
  groups?: GroupResultResponse[];
}

const occasionLabel = (o: StudyOccasion) => `${o.subject} ${o.examType} ${o.examDate}`;
const sameOccasion = (a: StudyOccasion, b: StudyOccasion) => a.termId === b.termId && a.examType === b.examType && a.examDate === b.examDate && a.subject === b.subject;

/**
 * Value-added studies and their runs (issue 6, point 4; ADR 0601). Runs are background jobs:
 * the handler assembles the cohort with SQL, calls the scoring core for each model and writes
 * every group row and the run's summary in one transaction at the end.
 */
@Injectable()
export class ValueAddedService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly worker: JobsWorker,
  ) {}

  // ───────────── studies ─────────────

  async createStudy(dto: CreateStudyDto, actorUserId: string): Promise<ValueAddedStudy> {
    const occasions = [dto.outcome, ...dto.priors];
    for (let a = 0; a < occasions.length; a += 1) {
      for (let b = a + 1; b < occasions.length; b += 1) {
        if (sameOccasion(occasions[a], occasions[b])) {
          throw new ValueAddedError('INVALID_STUDY', `occasion ${occasionLabel(occasions[b])} is named twice; outcome and priors must differ`, `考试场次“${occasionLabel(occasions[b])}”重复；结果与前测须为不同场次`);
        }
      }
    }
    for (const occasion of occasions) await this.assertOccasionExists(occasion);
    const repository = this.dataSource.getRepository(ValueAddedStudy);
    const plain = (o: StudyOccasionDto): StudyOccasion => ({ termId: o.termId, examType: o.examType, examDate: o.examDate, subject: o.subject });
    return repository.save(
      repository.create({
        name: dto.name,
        outcome: plain(dto.outcome),
        priors: dto.priors.map(plain),
        covariates: dto.covariates ?? [],
        grouping: dto.grouping,
        model: dto.model,
        minGroupSize: dto.minGroupSize ?? 10,
        createdBy: actorUserId,
      }),
    );
  }

  /** An occasion exists when at least one term record was taken at it (the subject's, or any academic score for `total`). */
  private async assertOccasionExists(occasion: StudyOccasion): Promise<void> {
    const params: unknown[] = [occasion.termId, `${occasion.examType}|${occasion.examDate}`];
    const subject = occasion.subject === 'total' ? `i.dimension = 'academic' AND i.value_type = 'score'` : `i.code = $3`;
    if (occasion.subject !== 'total') params.push(occasion.subject);
    const [row] = (await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM term_records r JOIN indicators i ON i.id = r.indicator_id WHERE r.term_id = $1 AND r.occasion_key = $2 AND ${subject}) AS found`,
      params,
    )) as { found: boolean }[];
    if (!row.found) {
      throw new ValueAddedError('UNKNOWN_OCCASION', `no exam scores were recorded at ${occasionLabel(occasion)} in term ${occasion.termId}`, `学期${occasion.termId}中没有“${occasionLabel(occasion)}”的考试成绩`, { occasion });
    }
  }

  async listStudies(query: ListStudiesQueryDto): Promise<Page<ValueAddedStudy>> {
    const { page, pageSize, skip, take } = pageWindow(query);
    const [items, total] = await this.dataSource.getRepository(ValueAddedStudy).findAndCount({ order: { createdAt: 'DESC', id: 'ASC' }, skip, take });
    return { items, page, pageSize, total };
  }

  async getStudy(id: string): Promise<ValueAddedStudy> {
    const study = await this.dataSource.getRepository(ValueAddedStudy).findOneBy({ id });
    if (!study) throw notFound('value-added study', '增值评价研究', id);
    return study;
  }

  /** Studies never change (runs must stay reproducible); one without runs may be deleted. */
  async deleteStudy(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const study = await manager.getRepository(ValueAddedStudy).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!study) throw notFound('value-added study', '增值评价研究', id);
      if ((await manager.getRepository(ValueAddedRun).countBy({ studyId: id })) > 0) {
        throw new ValueAddedError('STUDY_HAS_RUNS', 'the study has runs and is kept with them', '该研究已有运行结果，不能删除');
      }
      await manager.getRepository(ValueAddedStudy).delete({ id });
    });
  }

  // ───────────── runs ─────────────

  /** Queues a run (its job does the work); several models make it a method comparison. */
  async enqueueRun(studyId: string, dto: CreateRunDto, actorUserId: string): Promise<{ run: ValueAddedRun; jobId: string }> {
    const study = await this.getStudy(studyId);
    const models = dto.models ?? [study.model as ValueAddedModelName];
    const repository = this.dataSource.getRepository(ValueAddedRun);
    // The run row first, so the job (which a worker may claim at once) always finds it.
    const run = await repository.save(repository.create({ studyId, jobId: null, models, state: 'queued', createdBy: actorUserId }));
    const job = await this.jobs.enqueue(VALUE_ADDED_JOB, { runId: run.id }, { createdBy: actorUserId });
    await repository.update({ id: run.id }, { jobId: job.id });
    run.jobId = job.id;
    this.worker.kick();
    return { run, jobId: job.id };
  }

  /** A study's runs, newest first, without group rows; comparisons show only the viewer's schools' category differences. */
  async listRuns(studyId: string, query: ListStudiesQueryDto, viewer: DataScope): Promise<Page<RunResponse>> {
    await this.getStudy(studyId);
    const { page, pageSize, skip, take } = pageWindow(query);
    const [items, total] = await this.dataSource.getRepository(ValueAddedRun).findAndCount({ where: { studyId }, order: { createdAt: 'DESC', id: 'ASC' }, skip, take });
    return { items: items.map((run) => scopedRunResponse(run, viewer)), page, pageSize, total };
  }

  /** A run with the group rows the viewer may see (bureau: all; a school: its own), model order then group id. */
  async getRun(id: string, viewer: DataScope): Promise<RunResponse> {
    const run = await this.dataSource.getRepository(ValueAddedRun).findOneBy({ id });
    if (!run) throw notFound('value-added run', '增值评价运行', id);
    const rows = await this.dataSource.getRepository(ValueAddedGroupResult).find({ where: { runId: id }, order: { groupId: 'ASC' } });
    const visible = rows.filter((row) => isSchoolInScope(viewer, row.schoolId));
    const order = new Map(run.models.map((model, index) => [model, index]));
    visible.sort((a, b) => order.get(a.model)! - order.get(b.model)! || (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    const response = scopedRunResponse(run, viewer);
    // Bureau readers (city-wide or region grants) see positions; a school does not (DOMAIN.md: ranks are never a league table).
    const bureau = viewer.all || (viewer.regionIds ?? []).length > 0;
    response.groups = visible.map((row) => ({
      model: row.model,
      groupId: row.groupId,
      schoolId: row.schoolId,
      n: row.n,
      estimate: row.estimate,
      se: row.se,
      ciLow: row.ciLow,
      ciHigh: row.ciHigh,
      category: row.category,
      reliability: row.reliability,
      rank: bureau ? row.rank : null,
    }));
    return response;
  }

  /** The job handler: assemble, fit every model, then write everything in one transaction. */
  jobHandler(): JobHandler {
    return async (job, progress) => {
      const { runId } = job.payload as { runId?: string };
      const run = runId ? await this.dataSource.getRepository(ValueAddedRun).findOneBy({ id: runId }) : null;
      if (!run) throw new ValueAddedError('NOT_FOUND', `the run of job ${job.id} was not found`, `未找到任务${job.id}对应的运行`);
      try {
        return await this.execute(run, progress);
      } catch (error) {
        const known = error instanceof ValueAddedError ? error : error instanceof ScoringInputError ? new ValueAddedError('SCORING_INPUT', error.message, `模型无法拟合：${error.message}`) : undefined;
        const failure = {
          code: known?.code ?? 'JOB_FAILED',
          message: known?.message ?? 'the run failed unexpectedly; see the server log',
          messageZh: known?.messageZh ?? '运行意外失败，请查看服务器日志',
          // e.g. the exclusion counts of an empty cohort
          ...(known && !Array.isArray(known.details) && Object.keys(known.details).length > 0 ? { details: known.details } : {}),
        };
        await this.dataSource.query(`UPDATE value_added_runs SET state = 'failed', error = $2::jsonb, finished_at = now() WHERE id = $1`, [run.id, JSON.stringify(failure)]);
        if (known) return { result: { runId: run.id }, failed: failure };
        throw error;
      }
    };
  }

  private async execute(run: ValueAddedRun, progress: (done: number, total: number | null) => Promise<void>) {
    const total = run.models.length + 2;
    await this.dataSource.query(`UPDATE value_added_runs SET state = 'running' WHERE id = $1`, [run.id]);
    await progress(0, total);
    const study = await this.getStudy(run.studyId);
    // One snapshot for the whole cohort read.
    const cohort = await this.dataSource.transaction('REPEATABLE READ', (manager: EntityManager) => assembleCohort(manager, study));
    await progress(1, total);
    if (cohort.studentIds.length === 0) {
      throw new ValueAddedError('EMPTY_COHORT', 'no student has the outcome and every prior; nothing to estimate', '没有学生同时具有结果成绩和全部前测成绩，无法估计', { excluded: cohort.excluded });
    }
    const results: ValueAddedResult[] = [];
    for (const [index, model] of run.models.entries()) {
      results.push(fitModel(model as ValueAddedModelName, cohort, study));
      await progress(2 + index, total);
    }
    const parameters = { outcome: study.outcome, priors: study.priors, covariates: study.covariates, grouping: study.grouping, minGroupSize: study.minGroupSize, models: run.models };
    const summary = {
      cohort: { population: cohort.population, included: cohort.studentIds.length, excluded: cohort.excluded, groups: cohort.groups.length },
      // An array, not an object: jsonb reorders object keys, the run's model order must stay.
      models: results.map((result) => ({ model: result.model, ...modelSummary(result) })),
    };
    const comparison = results.length > 1 ? compareMethods(cohort.groups, results.map((r) => ({ model: r.model, estimate: r.groups.estimate, category: r.groups.category }))) : null;
    const rows = results.flatMap((result) => {
      const ranks = midRanks(result.groups.estimate, `${result.model} estimates`);
      return cohort.groups.map((group, g) => ({
        runId: run.id,
        model: result.model,
        groupId: group.id,
        schoolId: group.schoolId,
        n: result.groups.size[g],
        estimate: result.groups.estimate[g],
        se: result.groups.standardError[g],
        ciLow: result.groups.ciLow[g],
        ciHigh: result.groups.ciHigh[g],
        category: result.groups.category[g],
        reliability: result.groups.reliability ? result.groups.reliability[g] : null,
        rank: ranks[g],
      }));
    });
    await this.dataSource.transaction(async (manager) => {
      for (let start = 0; start < rows.length; start += 1000) await manager.getRepository(ValueAddedGroupResult).insert(rows.slice(start, start + 1000));
      await manager.query(
        `UPDATE value_added_runs SET state = 'succeeded', parameters = $2::jsonb, input_hash = $3, engine_version = $4, summary = $5::jsonb, comparison = $6::jsonb, finished_at = now() WHERE id = $1`,
        [run.id, JSON.stringify(parameters), cohort.inputHash, ENGINE_VERSION, JSON.stringify(summary), comparison === null ? null : JSON.stringify(comparison)],
      );
    });
    await progress(total, total);
    return { result: { runId: run.id, inputHash: cohort.inputHash, included: cohort.studentIds.length, excluded: cohort.excluded, groups: cohort.groups.length } };
  }
}

/** Calls the scoring core exactly as a caller with the same arrays would. */
export function fitModel(model: ValueAddedModelName, cohort: Cohort, study: Pick<ValueAddedStudy, 'priors' | 'minGroupSize'>): ValueAddedResult {
  return estimateValueAdded(model, {
    outcome: cohort.outcome,
    priors: cohort.priors,
    priorNames: study.priors.map((_, index) => `prior${index + 1}`),
    covariates: cohort.covariates,
    covariateNames: cohort.covariateNames,
    groupIndex: cohort.groupIndex,
    groupCount: cohort.groups.length,
    minGroupSize: study.minGroupSize,
  });
}

function modelSummary(result: ValueAddedResult): Record<string, unknown> {
  if (result.leastSquares) {
    const fit = result.leastSquares;
    return { terms: fit.terms, coefficients: Array.from(fit.coefficients), standardErrors: Array.from(fit.standardErrors), residualStandardDeviation: fit.residualStandardDeviation, rSquared: fit.rSquared, residualDegreesOfFreedom: fit.residualDegreesOfFreedom, n: fit.observationCount };
  }
  if (result.randomIntercept) {
    const fit = result.randomIntercept;
    return {
      estimation: fit.estimation,
      terms: fit.terms,
      coefficients: Array.from(fit.coefficients),
      standardErrors: Array.from(fit.standardErrors),
      residualVariance: fit.residualVariance,
      groupVariance: fit.groupVariance,
      intraclassCorrelation: fit.intraclassCorrelation,
      criterion: fit.criterion,
      boundary: fit.boundary,
      n: fit.observationCount,
      groups: fit.groupCount,
    };
  }
  return { cohortStandardDeviation: result.cohortStandardDeviation ?? null, n: result.studentValues.length };
}

/** The run as `viewer` may see it: a comparison's category differences only for schools in scope (correlations are aggregates). */
function scopedRunResponse(run: ValueAddedRun, viewer: DataScope): RunResponse {
  const response = toRunResponse(run);
  if (response.comparison && !viewer.all) {
    const differences = (response.comparison.categoryDifferences as { schoolId: string }[]).filter((d) => isSchoolInScope(viewer, d.schoolId));
    response.comparison = { ...response.comparison, categoryDifferences: differences };
  }
  return response;
}

export function toRunResponse(run: ValueAddedRun): RunResponse {
  return {
    id: run.id,
    studyId: run.studyId,
    jobId: run.jobId,
    state: run.state,
    models: run.models,
    parameters: run.parameters,
    inputHash: run.inputHash,
    engineVersion: run.engineVersion,
    summary: run.summary,
    comparison: run.comparison,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
