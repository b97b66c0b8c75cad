import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Page, pageWindow } from '../../common/http/pagination';
import {
  applyLevelQuota,
  checkRubricDefinition,
  combineTermScores,
  type CompiledRubric,
  ENGINE_VERSION,
  EVALUATION_DIMENSIONS,
  type EvaluationDimension,
  type EvaluationLevel,
  levelForScore,
  quotaKey,
  type RubricDefinition,
  scoreStudentTerm,
  type TermScoreInput,
} from '../../scoring-core';
import { type DataScope, isSchoolInScope, studentInScopeSql } from '../auth/data-scope';
import { JobsService } from '../jobs/jobs.service';
import type { JobHandler } from '../jobs/jobs.worker';
import { JobsWorker } from '../jobs/jobs.worker';
import { ModelRuns } from '../jobs/model-runs';
import type { CreateGraduationRunDto, CreateTermRunDto, ListRunsQueryDto, RunResultsQueryDto } from './dto/run.dto';
import { EvaluationRubric } from './entities/evaluation-rubric.entity';
import { EvaluationResult } from './entities/evaluation-result.entity';
import { EvaluationRun } from './entities/evaluation-run.entity';
import { type Cohort, readTermRunInput } from './evaluation-input';
import { EvaluationError, evaluationNotFound } from './evaluation.errors';
import { invalidDefinition, RubricsService } from './rubrics.service';

export const EVALUATION_JOB = 'evaluation-run';

export interface EvaluationRunResponse {
  id: string;
  kind: EvaluationRun['kind'];
  jobId: string | null;
  state: EvaluationRun['state'];
  rubricId: string;
  termId: string | null;
  cohort: Cohort;
  inputHash: string | null;
  engineVersion: string | null;
  summary: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  createdAt: string;
  finishedAt: string | null;
}

export function toRunResponse(run: EvaluationRun): EvaluationRunResponse {
  return {
    id: run.id,
    kind: run.kind,
    jobId: run.jobId,
    state: run.state,
    rubricId: run.rubricId,
    termId: run.termId,
    cohort: { stage: run.stage, entryYear: run.entryYear, regionId: run.regionId },
    inputHash: run.inputHash,
    engineVersion: run.engineVersion,
    summary: run.summary,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** One student's row of a run, as run listings show it (no provenance; see the explanation). */
export interface RunStudentResult {
  studentId: string;
  schoolId: string;
  dimension: string;
  score: number;
  computedLevel: string;
  level: string;
  quotaAdjusted: boolean;
}

interface ResultRow {
  runId: string;
  studentId: string;
  schoolId: string;
  dimension: string;
  score: number;
  computedLevel: string;
  level: string;
  quotaAdjusted: boolean;
  provenance: Record<string, unknown>;
}

/**
 * Evaluation runs (issue 7 point 2; ADR 0801). A term run scores every student of a cohort in a
 * term by the rubric version assigned to the cohort, keeping per student × dimension the score,
 * the level and the provenance; a graduation run combines the cohort's latest term results by
 * the rubric's term weights. Both are background jobs: the input is read in one REPEATABLE READ
 * snapshot, scored in memory by the scoring core, and every result row, the quota report and
 * the run's state are written in one transaction, with the input hash and engine version.
 */
@Injectable()
export class EvaluationRunsService {
  /** Row-then-job queueing, listing, reading and the job's run bookkeeping, shared with growth runs. */
  private readonly runs: ModelRuns<EvaluationRun>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly rubrics: RubricsService,
    jobs: JobsService,
    worker: JobsWorker,
  ) {
    this.runs = new ModelRuns(dataSource, jobs, worker, {
      entity: EvaluationRun,
      table: 'evaluation_runs',
      jobType: EVALUATION_JOB,
      notFound: (id) => evaluationNotFound('evaluation run', '评价运行', id),
      notFinished: (run) => new EvaluationError('RUN_NOT_FINISHED', `evaluation run ${run.id} is ${run.state}; it has no results`, `评价运行${run.id}尚无结果（状态：${run.state}）`),
      runOfJobMissing: (jobId) => new EvaluationError('NOT_FOUND', `the evaluation run of job ${jobId} was not found`, `未找到任务${jobId}对应的评价运行`),
      knownError: (error) => (error instanceof EvaluationError ? error : undefined),
    });
  }

  async enqueueTermRun(dto: CreateTermRunDto, actorUserId: string): Promise<EvaluationRun> {
    const [term] = (await this.dataSource.query('SELECT school_year FROM terms WHERE id = $1', [dto.termId])) as { school_year: string }[];
    if (!term) throw new EvaluationError('INVALID_COHORT', `term ${dto.termId} does not exist`, `学期${dto.termId}不存在`, [{ field: 'termId', code: 'UNKNOWN_TERM', message: 'unknown term' }]);
    const termYear = Number(term.school_year.slice(0, 4));
    if (termYear < dto.entryYear) {
      throw new EvaluationError('INVALID_COHORT', `the cohort entered in ${dto.entryYear}, after term ${term.school_year}`, `该届学生${dto.entryYear}年入学，晚于学期所在学年${term.school_year}`, [{ field: 'entryYear', code: 'AFTER_TERM', message: 'entry year after the term' }]);
    }
    return this.enqueue('term', dto.termId, { stage: dto.stage, entryYear: dto.entryYear, regionId: dto.regionId ?? null }, actorUserId);
  }

  async enqueueGraduationRun(dto: CreateGraduationRunDto, actorUserId: string): Promise<EvaluationRun> {
    return this.enqueue('graduation', null, { stage: dto.stage, entryYear: dto.entryYear, regionId: dto.regionId ?? null }, actorUserId);
  }

  /**
   * Resolves the cohort's rubric and queues the run; a queued or running run of the same kind,
   * term, cohort and rubric is returned instead of a second one.
   */
  private async enqueue(kind: EvaluationRun['kind'], termId: string | null, cohort: Cohort, actorUserId: string): Promise<EvaluationRun> {
    const run = await this.dataSource.transaction(async (manager) => {
      if (cohort.regionId) {
        const [region] = (await manager.query('SELECT 1 FROM regions WHERE id = $1', [cohort.regionId])) as unknown[];
        if (!region) throw new EvaluationError('INVALID_COHORT', `region ${cohort.regionId} does not exist`, `地区${cohort.regionId}不存在`, [{ field: 'regionId', code: 'UNKNOWN_REGION', message: 'unknown region' }]);
      }
      const [assignment] = (await manager.query(
        `SELECT rubric_id FROM evaluation_assignments WHERE stage = $1 AND entry_year = $2 AND region_id IS NOT DISTINCT FROM $3::uuid`,
        [cohort.stage, cohort.entryYear, cohort.regionId],
      )) as { rubric_id: string }[];
      if (!assignment) {
        throw new EvaluationError(
          'RUBRIC_NOT_ASSIGNED',
          `no rubric is assigned to the ${cohort.stage} cohort that entered in ${cohort.entryYear}${cohort.regionId ? ` in region ${cohort.regionId}` : ''}; assign one (PUT /api/evaluation/assignments)`,
          `${cohort.entryYear}级${cohort.stage}学段${cohort.regionId ? `（地区${cohort.regionId}）` : ''}尚未指定评价方案；请先指定（PUT /api/evaluation/assignments）`,
        );
      }
      // FOR SHARE: an edit of this rubric (FOR UPDATE) waits for us and then sees the run (in use).
      const rubric = await this.rubrics.lock(manager, assignment.rubric_id, 'FOR SHARE');
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`evaluation-run|${kind}|${termId ?? ''}|${cohort.stage}|${cohort.entryYear}|${cohort.regionId ?? ''}`]);
      const [pending] = (await manager.query(
        `SELECT id FROM evaluation_runs WHERE kind = $1 AND term_id IS NOT DISTINCT FROM $2::uuid AND stage = $3 AND entry_year = $4 AND region_id IS NOT DISTINCT FROM $5::uuid
           AND rubric_id = $6 AND state IN ('queued', 'running') ORDER BY created_at LIMIT 1`,
        [kind, termId, cohort.stage, cohort.entryYear, cohort.regionId, rubric.id],
      )) as { id: string }[];
      if (pending) return { run: await manager.getRepository(EvaluationRun).findOneByOrFail({ id: pending.id }), created: false };
      const repository = manager.getRepository(EvaluationRun);
      const saved = await repository.save(
        repository.create({ kind, jobId: null, state: 'queued', rubricId: rubric.id, termId, stage: cohort.stage, entryYear: cohort.entryYear, regionId: cohort.regionId, createdBy: actorUserId }),
      );
      return { run: saved, created: true };
    });
    if (!run.created) return run.run;
    // The run row is committed first, so a worker that claims the job at once always finds it.
    return this.runs.queueJob(run.run, actorUserId);
  }

  listRuns(query: ListRunsQueryDto): Promise<Page<EvaluationRun>> {
    return this.runs.list(query);
  }

  getRun(id: string): Promise<EvaluationRun> {
    return this.runs.get(id);
  }

  private finishedRun(id: string): Promise<EvaluationRun> {
    return this.runs.finished(id);
  }

  /**
   * Level distribution per school and dimension (computed and final counts) for the schools in
   * the viewer's scope, and — for bureau viewers (everything in scope) — per district (the
   * school's region). Aggregates only: no student appears.
   */
  async distribution(id: string, viewer: DataScope) {
    const run = await this.finishedRun(id);
    const rows = (await this.dataSource.query(
      `SELECT r.school_id, s.region_id, r.dimension, r.level, r.computed_level, count(*)::int AS n
       FROM evaluation_results r JOIN schools s ON s.id = r.school_id
       WHERE r.run_id = $1 GROUP BY r.school_id, s.region_id, r.dimension, r.level, r.computed_level`,
      [id],
    )) as { school_id: string; region_id: string; dimension: EvaluationDimension; level: EvaluationLevel; computed_level: EvaluationLevel; n: number }[];
    type Cell = { students: number; levels: Record<EvaluationLevel, number>; computedLevels: Record<EvaluationLevel, number> };
    const empty = (): Cell => ({ students: 0, levels: { A: 0, B: 0, C: 0, D: 0 }, computedLevels: { A: 0, B: 0, C: 0, D: 0 } });
    const bySchool = new Map<string, { regionId: string; dimensions: Map<string, Cell> }>();
    const byRegion = new Map<string, Map<string, Cell>>();
    for (const row of rows) {
      const cellOf = (map: Map<string, Cell>) => {
        let c = map.get(row.dimension);
        if (!c) map.set(row.dimension, (c = empty()));
        return c;
      };
      for (const cell of [
        cellOf(bySchool.get(row.school_id)?.dimensions ?? bySchool.set(row.school_id, { regionId: row.region_id, dimensions: new Map() }).get(row.school_id)!.dimensions),
        cellOf(byRegion.get(row.region_id) ?? byRegion.set(row.region_id, new Map()).get(row.region_id)!),
      ]) {
        cell.students += row.n;
        cell.levels[row.level] += row.n;
        cell.computedLevels[row.computed_level] += row.n;
      }
    }
    const dims = (map: Map<string, Cell>) => EVALUATION_DIMENSIONS.filter((d) => map.has(d)).map((d) => ({ dimension: d, ...map.get(d)! }));
    return {
      runId: run.id,
      schools: [...bySchool.entries()]
        .filter(([schoolId]) => isSchoolInScope(viewer, schoolId))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([schoolId, school]) => ({ schoolId, regionId: school.regionId, dimensions: dims(school.dimensions) })),
      regions: viewer.all ? [...byRegion.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([regionId, map]) => ({ regionId, dimensions: dims(map) })) : [],
    };
  }

  /** The quota check of a run: per school × dimension the distribution, the cap and whose A became B (schools in the viewer's scope). */
  async quotaReport(id: string, viewer: DataScope) {
    const run = await this.finishedRun(id);
    const rubric = await this.dataSource.getRepository(EvaluationRubric).findOneByOrFail({ id: run.rubricId });
    return {
      runId: run.id,
      quota: rubric.definition.quota,
      tieRule: 'A students are ordered by score; every A student whose score is not above the score of the first student beyond the cap becomes B (equal scores are treated alike).',
      tieRuleZh: '按分数从高到低排列A等学生；分数不高于第一位超出名额学生分数的A等学生均调整为B（同分同等对待）。',
      groups: (run.quota ?? []).filter((group) => isSchoolInScope(viewer, group.schoolId as string)),
    };
  }

  /** A run's student rows within the reader's data scope (paged; filter by school or class). */
  async results(id: string, scope: DataScope, query: RunResultsQueryDto): Promise<Page<RunStudentResult>> {
    await this.finishedRun(id);
    const params: unknown[] = [id];
    const where = ['r.run_id = $1', studentInScopeSql(scope, { studentIdColumn: 'r.student_id', schoolIdColumn: 'r.school_id' }, params)];
    if (query.schoolId) {
      params.push(query.schoolId);
      where.push(`r.school_id = $${params.length}`);
    }
    if (query.classId) {
      params.push(query.classId);
      where.push(`EXISTS (SELECT 1 FROM enrolments e WHERE e.student_id = r.student_id AND e.class_id = $${params.length})`);
    }
    const { page, pageSize, skip, take } = pageWindow(query);
    const sql = `SELECT r.student_id, r.school_id, r.dimension, r.score, r.computed_level, r.level, r.quota_adjusted FROM evaluation_results r WHERE ${where.join(' AND ')}`;
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM (${sql}) counted`, params)) as { total: number }[];
    const order = `array_position(ARRAY['moral','academic','physical','aesthetic','labour']::text[], r.dimension::text)`;
    const rows = (await this.dataSource.query(`${sql} ORDER BY r.student_id, ${order} LIMIT ${take} OFFSET ${skip}`, params)) as Record<string, unknown>[];
    return {
      items: rows.map((row) => ({
        studentId: row.student_id as string,
        schoolId: row.school_id as string,
        dimension: row.dimension as string,
        score: row.score as number,
        computedLevel: row.computed_level as string,
        level: row.level as string,
        quotaAdjusted: row.quota_adjusted as boolean,
      })),
      page,
      pageSize,
      total,
    };
  }

  // ───────────── the job ─────────────

  jobHandler(): JobHandler {
    return this.runs.jobHandler(async (run, progress) => {
      await progress(0, 3);
      const outcome = run.kind === 'term' ? await this.executeTermRun(run, progress) : await this.executeGraduationRun(run, progress);
      return { runId: run.id, ...outcome };
    });
  }

  private async compiledRubric(rubricId: string): Promise<{ rubric: EvaluationRubric; compiled: CompiledRubric }> {
    const rubric = await this.dataSource.getRepository(EvaluationRubric).findOneByOrFail({ id: rubricId });
    const checked = checkRubricDefinition(rubric.definition, await this.rubrics.catalogue());
    if (!checked.ok) throw invalidDefinition(checked.problems);
    return { rubric, compiled: checked.rubric };
  }

  private async executeTermRun(run: EvaluationRun, progress: (done: number, total: number | null) => Promise<void>) {
    const { rubric, compiled } = await this.compiledRubric(run.rubricId);
    const cohort: Cohort = { stage: run.stage, entryYear: run.entryYear, regionId: run.regionId };
    const usesFitness = compiled.rules.some((rule) => 'fitness' in rule.source);
    const input = await this.dataSource.transaction('REPEATABLE READ', (manager: EntityManager) =>
      readTermRunInput(manager, run.termId!, cohort, compiled.indicatorCodes, compiled.definition.activityStatuses, rubric.id, usesFitness),
    );
    if (input.members.length === 0) {
      throw new EvaluationError('EMPTY_COHORT', `no student of the ${run.stage} cohort that entered in ${run.entryYear} is enrolled in the term`, `该学期没有${run.entryYear}级${run.stage}学段的在籍学生`);
    }
    await progress(1, 3);
    const scored = input.members.map((member) => ({ member, dimensions: scoreStudentTerm(compiled, input.records.get(member.studentId)!) }));
    const quota = applyLevelQuota(
      scored.flatMap(({ member, dimensions }) => dimensions.map((d) => ({ studentId: member.studentId, schoolId: member.schoolId, dimension: d.dimension, score: d.score, level: d.level }))),
      compiled.definition.quota,
      EVALUATION_DIMENSIONS,
    );
    const boundary = new Map(quota.groups.map((g) => [`${g.schoolId}|${g.dimension}`, g]));
    const rows: ResultRow[] = scored.flatMap(({ member, dimensions }) =>
      dimensions.map((d) => {
        const demoted = quota.demotedKeys.has(quotaKey(member.studentId, d.dimension));
        const group = boundary.get(`${member.schoolId}|${d.dimension}`)!;
        return {
          runId: run.id,
          studentId: member.studentId,
          schoolId: member.schoolId,
          dimension: d.dimension,
          score: d.score,
          computedLevel: d.level,
          level: demoted ? 'B' : d.level,
          quotaAdjusted: demoted,
          provenance: {
            kind: 'term',
            termId: run.termId,
            rubric: { id: rubric.id, code: rubric.code, version: rubric.version },
            rawScore: d.rawScore,
            maxScore: d.maxScore,
            cutoffs: compiled.definition.dimensions[d.dimension].cutoffs,
            quota: demoted ? { maxShareA: compiled.definition.quota!.maxShareA, allowedA: group.allowedA, students: group.students, boundaryScore: group.boundaryScore } : null,
            rules: d.rules,
          },
        };
      }),
    );
    await progress(2, 3);
    const summary = { students: input.members.length, results: rows.length, termRecords: input.termRecordCount, activityRecords: input.activityCount, ...(usesFitness ? { fitnessResults: input.fitnessCount } : {}), quotaAdjusted: quota.demotedKeys.size, schools: new Set(input.members.map((m) => m.schoolId)).size };
    await this.write(run, rows, input.inputHash, summary, quota.groups as unknown as Record<string, unknown>[]);
    await progress(3, 3);
    return { inputHash: input.inputHash, ...summary };
  }

  /**
   * Graduation: for each term the cohort's latest succeeded term run (same stage, entry year and
   * region), per student and dimension the weighted mean of its term scores by the term weights
   * of the rubric now assigned to the cohort, its cut-offs and its quota. Term position =
   * (first year of the term's school year − entry year) × 2 + term number.
   */
  private async executeGraduationRun(run: EvaluationRun, progress: (done: number, total: number | null) => Promise<void>) {
    const { rubric, compiled } = await this.compiledRubric(run.rubricId);
    const definition: RubricDefinition = compiled.definition;
    const rows = await this.dataSource.transaction('REPEATABLE READ', async (manager: EntityManager) => {
      return (await manager.query(
        `WITH latest AS (
           SELECT DISTINCT ON (r.term_id) r.id, r.term_id, r.input_hash
           FROM evaluation_runs r
           WHERE r.kind = 'term' AND r.state = 'succeeded' AND r.stage = $1 AND r.entry_year = $2 AND r.region_id IS NOT DISTINCT FROM $3::uuid
           ORDER BY r.term_id, r.finished_at DESC, r.id)
         SELECT l.id AS run_id, l.input_hash, t.id AS term_id, t.code AS term_code, t.school_year, t.term_number, e.student_id, e.school_id, e.dimension, e.score
         FROM latest l JOIN terms t ON t.id = l.term_id JOIN evaluation_results e ON e.run_id = l.id
         ORDER BY e.student_id, e.dimension, t.code`,
        [run.stage, run.entryYear, run.regionId],
      )) as { run_id: string; input_hash: string; term_id: string; term_code: string; school_year: string; term_number: number; student_id: string; school_id: string; dimension: EvaluationDimension; score: number }[];
    });
    if (rows.length === 0) {
      throw new EvaluationError('NO_TERM_RESULTS', `the ${run.stage} cohort that entered in ${run.entryYear} has no succeeded term run to combine`, `${run.entryYear}级${run.stage}学段没有可合并的学期评价结果`);
    }
    await progress(1, 3);
    const hash = createHash('sha256');
    hash.update(`evaluation-graduation-run,rubric=${rubric.id}\n`);
    const byStudentDimension = new Map<string, { studentId: string; dimension: EvaluationDimension; schoolId: string; latestTerm: string; terms: TermScoreInput[] }>();
    for (const row of rows) {
      hash.update(`${row.run_id},${row.input_hash},${row.student_id},${row.dimension},${row.score}\n`);
      const key = `${row.student_id}|${row.dimension}`;
      let entry = byStudentDimension.get(key);
      if (!entry) byStudentDimension.set(key, (entry = { studentId: row.student_id, dimension: row.dimension, schoolId: row.school_id, latestTerm: row.term_code, terms: [] }));
      if (row.term_code >= entry.latestTerm) {
        entry.latestTerm = row.term_code;
        entry.schoolId = row.school_id;
      }
      const position = (Number(row.school_year.slice(0, 4)) - run.entryYear) * 2 + row.term_number;
      entry.terms.push({ termId: row.term_id, termCode: row.term_code, position, score: row.score, runId: row.run_id });
    }
    const combined = [...byStudentDimension.values()]
      .map((entry) => ({ entry, combination: combineTermScores(entry.terms, definition.termWeights) }))
      .filter((c): c is { entry: typeof c.entry; combination: NonNullable<typeof c.combination> } => c.combination !== null);
    const levelled = combined.map(({ entry, combination }) => ({ entry, combination, level: levelForScore(combination.score, definition.dimensions[entry.dimension].cutoffs) }));
    const quota = applyLevelQuota(
      levelled.map(({ entry, combination, level }) => ({ studentId: entry.studentId, schoolId: entry.schoolId, dimension: entry.dimension, score: combination.score, level })),
      definition.quota,
      EVALUATION_DIMENSIONS,
    );
    const groups = new Map(quota.groups.map((g) => [`${g.schoolId}|${g.dimension}`, g]));
    const results: ResultRow[] = levelled
      .sort((a, b) => (a.entry.studentId < b.entry.studentId ? -1 : a.entry.studentId > b.entry.studentId ? 1 : EVALUATION_DIMENSIONS.indexOf(a.entry.dimension) - EVALUATION_DIMENSIONS.indexOf(b.entry.dimension)))
      .map(({ entry, combination, level }) => {
        const demoted = quota.demotedKeys.has(quotaKey(entry.studentId, entry.dimension));
        const group = groups.get(`${entry.schoolId}|${entry.dimension}`)!;
        return {
          runId: run.id,
          studentId: entry.studentId,
          schoolId: entry.schoolId,
          dimension: entry.dimension,
          score: combination.score,
          computedLevel: level,
          level: demoted ? 'B' : level,
          quotaAdjusted: demoted,
          provenance: {
            kind: 'graduation',
            rubric: { id: rubric.id, code: rubric.code, version: rubric.version },
            cutoffs: definition.dimensions[entry.dimension].cutoffs,
            totalWeight: combination.totalWeight,
            terms: combination.terms,
            missingPositions: combination.missingPositions,
            quota: demoted ? { maxShareA: definition.quota!.maxShareA, allowedA: group.allowedA, students: group.students, boundaryScore: group.boundaryScore } : null,
          },
        };
      });
    await progress(2, 3);
    const inputHash = hash.digest('hex');
    const summary = { students: new Set(results.map((r) => r.studentId)).size, results: results.length, termRuns: [...new Set(rows.map((r) => r.run_id))].sort(), quotaAdjusted: quota.demotedKeys.size };
    await this.write(run, results, inputHash, summary, quota.groups as unknown as Record<string, unknown>[]);
    await progress(3, 3);
    return { inputHash, ...summary };
  }

  /** Every result row and the run's final state in one transaction. */
  private async write(run: EvaluationRun, rows: readonly ResultRow[], inputHash: string, summary: Record<string, unknown>, quota: Record<string, unknown>[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (let start = 0; start < rows.length; start += 1000) await manager.getRepository(EvaluationResult).insert(rows.slice(start, start + 1000) as never);
      await manager.query(
        `UPDATE evaluation_runs SET state = 'succeeded', input_hash = $2, engine_version = $3, summary = $4::jsonb, quota = $5::jsonb, error = NULL, finished_at = now() WHERE id = $1`,
        [run.id, inputHash, ENGINE_VERSION, JSON.stringify(summary), JSON.stringify(quota)],
      );
    });
  }
}
