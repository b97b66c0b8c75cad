import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { describeAggregateOf, EVALUATION_DIMENSIONS, EVALUATION_LEVEL_NAMES_EN, EVALUATION_LEVEL_NAMES_ZH, type EvaluationLevel, type RuleProvenance } from '../../scoring-core';
import { type DataScope, studentInScopeSql } from '../auth/data-scope';
import { EvaluationError, evaluationNotFound } from './evaluation.errors';

/** One dimension of a stored result. */
export interface DimensionLevel {
  dimension: string;
  score: number;
  /** Level after the quota check (what is reported). */
  level: EvaluationLevel;
  /** Level the cut-offs gave before the quota check. */
  computedLevel: EvaluationLevel;
  quotaAdjusted: boolean;
}

/** A student's evaluation of one term: the five dimensions of the latest succeeded term run that includes the student. */
export interface StudentTermResult {
  termId: string;
  termCode: string;
  runId: string;
  rubric: { id: string; code: string; version: number };
  schoolId: string;
  finishedAt: string;
  dimensions: DimensionLevel[];
}

/** A student's graduation result: the five dimensions of the latest succeeded graduation run that includes the student. */
export interface StudentGraduationResult {
  runId: string;
  rubric: { id: string; code: string; version: number };
  schoolId: string;
  finishedAt: string;
  dimensions: (DimensionLevel & { terms: { termId: string; termCode: string; position: number; weight: number; score: number; runId: string }[]; missingPositions: number[] })[];
}

/** Levels per student for list views: the graduation levels when there are some, else the latest term's. */
export interface StudentLevels {
  studentId: string;
  source: 'graduation' | 'term';
  runId: string;
  termCode: string | null;
  levels: Record<string, EvaluationLevel>;
  scores: Record<string, number>;
}

/** One line of an explanation, in Chinese and English. */
export interface ExplanationLine {
  text: string;
  textZh: string;
}

export interface DimensionExplanation {
  termId: string | null;
  termCode: string | null;
  runId: string;
  dimension: string;
  score: number;
  level: EvaluationLevel;
  computedLevel: EvaluationLevel;
  summary: ExplanationLine;
  lines: ExplanationLine[];
  /** The stored provenance, unchanged: rules, formula terms, aggregate values and record ids. */
  provenance: Record<string, unknown>;
}

const DIMENSION_ZH: Record<string, string> = { moral: '思想品德（德）', academic: '学业水平（智）', physical: '身心健康（体）', aesthetic: '艺术素养（美）', labour: '劳动素养（劳）' };
const DIMENSION_EN: Record<string, string> = { moral: 'moral', academic: 'academic', physical: 'physical health', aesthetic: 'aesthetic', labour: 'labour' };
const dimensionOrder = (dimension: string) => EVALUATION_DIMENSIONS.indexOf(dimension as (typeof EVALUATION_DIMENSIONS)[number]);
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());
const fmt = (value: number) => String(Math.round(value * 10000) / 10000);

type Row = Record<string, unknown>;

function toLevel(row: Row): DimensionLevel {
  return { dimension: row.dimension as string, score: row.score as number, level: row.level as EvaluationLevel, computedLevel: row.computed_level as EvaluationLevel, quotaAdjusted: row.quota_adjusted as boolean };
}

/**
 * Stored evaluation results for other modules and the student routes (ADR 0802). This is the
 * stable interface the portfolio, admissions and the web UI build on:
 *
 *  - `termResultsForStudent(studentId, scope?)` — per term (term code order) the five
 *    dimensions of the latest succeeded term run that includes the student;
 *  - `graduationResultForStudent(studentId, scope?)` — the latest succeeded graduation run's
 *    five dimensions with their term contributions, or null;
 *  - `levelsForStudents(studentIds, scope?)` — per student the graduation levels, or else the
 *    latest term's levels (students without any result are absent from the map);
 *  - `explain(studentId, scope, { termId?, dimension? })` — the provenance of results as
 *    sentences a parent can follow (Chinese and English) plus the raw provenance.
 *
 * With a scope, only students inside it are read (others answer as absent / 404); without one
 * the caller is responsible for access control (e.g. admissions through its own grants).
 */
@Injectable()
export class EvaluationResultsService {
  constructor(private readonly dataSource: DataSource) {}

  async termResultsForStudent(studentId: string, scope?: DataScope): Promise<StudentTermResult[]> {
    const rows = await this.latestRows(studentId, 'term', scope);
    const byRun = new Map<string, StudentTermResult>();
    for (const row of rows) {
      const runId = row.run_id as string;
      let result = byRun.get(runId);
      if (!result) {
        byRun.set(
          runId,
          (result = {
            termId: row.term_id as string,
            termCode: row.term_code as string,
            runId,
            rubric: { id: row.rubric_id as string, code: row.rubric_code as string, version: row.rubric_version as number },
            schoolId: row.school_id as string,
            finishedAt: iso(row.finished_at),
            dimensions: [],
          }),
        );
      }
      result.dimensions.push(toLevel(row));
    }
    return [...byRun.values()].sort((a, b) => (a.termCode < b.termCode ? -1 : 1));
  }

  async graduationResultForStudent(studentId: string, scope?: DataScope): Promise<StudentGraduationResult | null> {
    const rows = await this.latestRows(studentId, 'graduation', scope);
    if (rows.length === 0) return null;
    const first = rows[0];
    return {
      runId: first.run_id as string,
      rubric: { id: first.rubric_id as string, code: first.rubric_code as string, version: first.rubric_version as number },
      schoolId: first.school_id as string,
      finishedAt: iso(first.finished_at),
      dimensions: rows.map((row) => {
        const provenance = row.provenance as { terms: { termId: string; termCode: string; position: number; weight: number; score: number; runId: string }[]; missingPositions: number[] };
        return {
          ...toLevel(row),
          terms: provenance.terms.map((t) => ({ termId: t.termId, termCode: t.termCode, position: t.position, weight: t.weight, score: t.score, runId: t.runId })),
          missingPositions: provenance.missingPositions,
        };
      }),
    };
  }

  async levelsForStudents(studentIds: readonly string[], scope?: DataScope): Promise<Map<string, StudentLevels>> {
    const out = new Map<string, StudentLevels>();
    if (studentIds.length === 0) return out;
    const params: unknown[] = [studentIds];
    const inScope = scope ? studentInScopeSql(scope, { studentIdColumn: 'e.student_id', schoolIdColumn: 'e.school_id' }, params) : 'TRUE';
    // Per student: the latest graduation run that includes them, else the latest term run (by term code, then finish time).
    const rows = (await this.dataSource.query(
      `WITH candidates AS (
         SELECT DISTINCT ON (e.student_id) e.student_id, e.run_id, r.kind, t.code AS term_code
         FROM evaluation_results e JOIN evaluation_runs r ON r.id = e.run_id LEFT JOIN terms t ON t.id = r.term_id
         WHERE e.student_id = ANY($1::uuid[]) AND r.state = 'succeeded' AND ${inScope}
         ORDER BY e.student_id, (r.kind = 'graduation') DESC, t.code DESC NULLS FIRST, r.finished_at DESC, r.id)
       SELECT c.student_id, c.run_id, c.kind, c.term_code, e.dimension, e.level, e.score
       FROM candidates c JOIN evaluation_results e ON e.run_id = c.run_id AND e.student_id = c.student_id`,
      params,
    )) as Row[];
    for (const row of rows) {
      const studentId = row.student_id as string;
      let entry = out.get(studentId);
      if (!entry) out.set(studentId, (entry = { studentId, source: row.kind as 'graduation' | 'term', runId: row.run_id as string, termCode: (row.term_code as string | null) ?? null, levels: {}, scores: {} }));
      entry.levels[row.dimension as string] = row.level as EvaluationLevel;
      entry.scores[row.dimension as string] = row.score as number;
    }
    return out;
  }

  /** The student, if inside the scope; else 404 (missing and out of scope look alike). */
  async assertStudentInScope(studentId: string, scope: DataScope): Promise<void> {
    const params: unknown[] = [studentId];
    const inScope = studentInScopeSql(scope, { studentIdColumn: 's.id', schoolIdColumn: 's.school_id' }, params);
    const [row] = (await this.dataSource.query(`SELECT 1 FROM students s WHERE s.id = $1 AND ${inScope}`, params)) as unknown[];
    if (!row) throw evaluationNotFound('student', '学生', studentId);
  }

  /**
   * Explains a student's current results: every term (or `termId`) and the graduation result,
   * every dimension (or `dimension`). Each explanation says the score and level, then per rule
   * its points and per formula term the aggregate values and the records they came from.
   */
  async explain(studentId: string, scope: DataScope, filter: { termId?: string; dimension?: string }): Promise<{ studentId: string; explanations: DimensionExplanation[] }> {
    await this.assertStudentInScope(studentId, scope);
    const term = await this.latestRows(studentId, 'term', scope);
    const graduation = filter.termId ? [] : await this.latestRows(studentId, 'graduation', scope);
    const rows = [...term, ...graduation].filter((row) => (!filter.termId || row.term_id === filter.termId) && (!filter.dimension || row.dimension === filter.dimension));
    if (rows.length === 0 && filter.termId) {
      throw new EvaluationError('NOT_FOUND', `student ${studentId} has no evaluation result for term ${filter.termId}`, `学生${studentId}在学期${filter.termId}没有评价结果`);
    }
    return { studentId, explanations: rows.map((row) => explainRow(row)) };
  }

  /** The rows of the latest succeeded run of a kind per term (term) or overall (graduation) that includes the student. */
  private async latestRows(studentId: string, kind: 'term' | 'graduation', scope?: DataScope): Promise<Row[]> {
    const params: unknown[] = [studentId, kind];
    const inScope = scope ? studentInScopeSql(scope, { studentIdColumn: 'e.student_id', schoolIdColumn: 'e.school_id' }, params) : 'TRUE';
    const rows = (await this.dataSource.query(
      `WITH runs AS (
         SELECT DISTINCT ON (r.term_id) r.id, r.term_id, r.rubric_id, r.finished_at
         FROM evaluation_runs r
         WHERE r.kind = $2 AND r.state = 'succeeded' AND EXISTS (SELECT 1 FROM evaluation_results x WHERE x.run_id = r.id AND x.student_id = $1)
         ORDER BY r.term_id, r.finished_at DESC, r.id)
       SELECT e.run_id, e.school_id, e.dimension, e.score, e.level, e.computed_level, e.quota_adjusted, e.provenance,
              runs.term_id, t.code AS term_code, runs.finished_at, b.id AS rubric_id, b.code AS rubric_code, b.version AS rubric_version
       FROM runs JOIN evaluation_results e ON e.run_id = runs.id AND e.student_id = $1
       JOIN evaluation_rubrics b ON b.id = runs.rubric_id LEFT JOIN terms t ON t.id = runs.term_id
       WHERE ${inScope}
       ORDER BY t.code NULLS LAST`,
      params,
    )) as Row[];
    return rows.sort((a, b) => ((a.term_code ?? '') as string).localeCompare((b.term_code ?? '') as string) || dimensionOrder(a.dimension as string) - dimensionOrder(b.dimension as string));
  }
}

function levelText(level: EvaluationLevel): ExplanationLine {
  return { text: `${level} (${EVALUATION_LEVEL_NAMES_EN[level]})`, textZh: `${level}（${EVALUATION_LEVEL_NAMES_ZH[level]}）` };
}

/** Sentences for one stored result. */
export function explainRow(row: Row): DimensionExplanation {
  const provenance = row.provenance as Record<string, unknown>;
  const dimension = row.dimension as string;
  const level = row.level as EvaluationLevel;
  const computed = row.computed_level as EvaluationLevel;
  const score = row.score as number;
  const cutoffs = provenance.cutoffs as { A: number; B: number; C: number };
  const rubric = provenance.rubric as { code: string; version: number };
  const termCode = (row.term_code as string | null) ?? null;
  const where = termCode ? { en: `term ${termCode}`, zh: `${termCode}学期` } : { en: 'graduation', zh: '毕业' };
  const lines: ExplanationLine[] = [];
  const summary: ExplanationLine = {
    text: `${DIMENSION_EN[dimension]}, ${where.en}: ${fmt(score)} points → level ${levelText(level).text} (rubric ${rubric.code} v${rubric.version}; A from ${cutoffs.A}, B from ${cutoffs.B}, C from ${cutoffs.C}, D below).`,
    textZh: `${DIMENSION_ZH[dimension]}，${where.zh}：${fmt(score)}分 → ${levelText(level).textZh}（评价方案${rubric.code}第${rubric.version}版；A≥${cutoffs.A}，B≥${cutoffs.B}，C≥${cutoffs.C}，以下为D）。`,
  };
  if (provenance.kind === 'term') {
    const maxScore = provenance.maxScore as number;
    const raw = provenance.rawScore as number;
    for (const rule of provenance.rules as RuleProvenance[]) {
      const weight = rule.weight === 1 ? '' : ` × weight ${fmt(rule.weight)}`;
      const weightZh = rule.weight === 1 ? '' : ` × 权重${fmt(rule.weight)}`;
      lines.push({
        text: `Rule "${rule.nameEn}" (${rule.formula}): ${fmt(rule.points)}${weight} = ${fmt(rule.weightedPoints)} points, from ${rule.recordIds.length} record(s).`,
        textZh: `规则“${rule.nameZh}”（${rule.formula}）：${fmt(rule.points)}${weightZh} = ${fmt(rule.weightedPoints)}分，依据${rule.recordIds.length}条记录。`,
      });
      for (const term of rule.terms) {
        const inputs = term.inputs.map((input) => ({ ...input, meaning: describeAggregateOf(rule.source === 'fitness' ? 'fitness' : 'indicator', input.key) }));
        const sign = term.sign === -1 ? '−' : '+';
        lines.push({
          text: `  ${sign} ${term.text} = ${fmt(Math.abs(term.points))}${term.nonFinite ? ' (not a number, counted 0)' : ''}${inputs.length ? `, where ${inputs.map((i) => `${i.key.replace(/__(\w+)$/, '("$1")')} = ${fmt(i.value)} (${i.meaning.description}; records: ${i.recordIds.join(', ') || 'none'})`).join('; ')}` : ''}`,
          textZh: `  ${sign} ${term.text} = ${fmt(Math.abs(term.points))}${term.nonFinite ? '（结果不是数字，按0计）' : ''}${inputs.length ? `，其中${inputs.map((i) => `${i.key.replace(/__(\w+)$/, '("$1")')} = ${fmt(i.value)}（${i.meaning.descriptionZh}；记录：${i.recordIds.join('、') || '无'}）`).join('；')}` : ''}`,
        });
      }
    }
    if (raw !== score) {
      lines.push({ text: `Sum ${fmt(raw)}, kept within 0–${maxScore} and rounded to 0.01: ${fmt(score)}.`, textZh: `合计${fmt(raw)}，限定在0至${maxScore}之间并保留两位小数：${fmt(score)}。` });
    }
  } else {
    const terms = provenance.terms as { termCode: string; position: number; weight: number; score: number; contribution: number }[];
    for (const t of terms) {
      lines.push({
        text: `Term ${t.termCode} (term ${t.position} of the stage): ${fmt(t.score)} points × weight ${fmt(t.weight)} → ${fmt(t.contribution)} points.`,
        textZh: `${t.termCode}学期（本学段第${t.position}学期）：${fmt(t.score)}分 × 权重${fmt(t.weight)} → ${fmt(t.contribution)}分。`,
      });
    }
    const missing = provenance.missingPositions as number[];
    if (missing.length > 0) lines.push({ text: `No result for term(s) ${missing.join(', ')} of the stage; the other weights were renormalised.`, textZh: `本学段第${missing.join('、')}学期没有结果，按其余学期的权重重新折算。` });
  }
  const quota = provenance.quota as { maxShareA: number; allowedA: number; students: number; boundaryScore: number } | null;
  if (quota) {
    lines.push({
      text: `The score reached ${levelText(computed).text}, but at most ${Math.round(quota.maxShareA * 100)}% of the school's students (${quota.allowedA} of ${quota.students}) may be A in this dimension; scores at or below ${fmt(quota.boundaryScore)} became B.`,
      textZh: `该分数达到${levelText(computed).textZh}，但本校该维度A等比例不超过${Math.round(quota.maxShareA * 100)}%（${quota.students}人中至多${quota.allowedA}人）；分数不高于${fmt(quota.boundaryScore)}的调整为B（良好）。`,
    });
  }
  return { termId: (row.term_id as string | null) ?? null, termCode, runId: row.run_id as string, dimension, score, level, computedLevel: computed, summary, lines, provenance };
}
