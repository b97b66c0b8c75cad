import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DataScope } from '../auth/data-scope';
import { isSchoolInScope } from '../auth/data-scope';
import { reportNotFound } from './reports.errors';

/** SGP bands of the distribution chart: 1–9, 10–19, …, 90–99 (the goodness-of-fit table's deciles). */
export const SGP_BANDS = ['1-9', '10-19', '20-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80-89', '90-99'] as const;

/**
 * A school's growth across the growth service's finished runs (issue 9): its stored school summary
 * of each run (n, median/mean SGP with SEs, EB-shrunk median, suppression) and how many of its
 * students fall in each SGP band. Counts only — no student is named — and a school whose
 * summary is suppressed (fewer than the run's minimum N) gets no distribution either.
 */
@Injectable()
export class GrowthReportsService {
  constructor(private readonly dataSource: DataSource) {}

  async schoolHistory(schoolId: string, viewer: DataScope) {
    if (!isSchoolInScope(viewer, schoolId)) throw reportNotFound('school', '学校', schoolId);
    const [school] = (await this.dataSource.query(`SELECT id, code, name, stage FROM schools WHERE id = $1`, [schoolId])) as Record<string, string>[];
    if (!school) throw reportNotFound('school', '学校', schoolId);
    const runs = (await this.dataSource.query(
      `SELECT r.id, r.indicator_code AS "indicatorCode", r.current, r.priors, r.minimum_n AS "minimumN", r.finished_at AS "finishedAt",
              t.code AS "termCode", t.school_year AS "schoolYear",
              (SELECT s FROM jsonb_array_elements(r.schools) s WHERE s->>'schoolId' = $1::text) AS summary
         FROM growth_runs r LEFT JOIN terms t ON t.id::text = r.current->>'termId'
        WHERE r.state = 'succeeded'
        ORDER BY COALESCE(t.school_year, r.current->>'schoolYear'), t.code, r.finished_at, r.id`,
      [schoolId],
    )) as { id: string; indicatorCode: string; current: Record<string, unknown>; priors: unknown[]; minimumN: number; finishedAt: Date | null; termCode: string | null; schoolYear: string | null; summary: Record<string, unknown> | null }[];
    const counts = (await this.dataSource.query(
      `SELECT run_id AS "runId", LEAST(sgp / 10, 9)::int AS band, count(*)::int AS students
         FROM growth_student_results WHERE school_id = $1 AND sgp IS NOT NULL AND run_id = ANY($2::uuid[])
        GROUP BY run_id, band`,
      [schoolId, runs.map((r) => r.id)],
    )) as { runId: string; band: number; students: number }[];
    return {
      school,
      runs: runs
        .filter((run) => run.summary !== null)
        .map((run) => {
          const suppressed = run.summary?.suppressed === true;
          return {
            runId: run.id,
            indicatorCode: run.indicatorCode,
            current: run.current,
            schoolYear: run.schoolYear ?? (run.current.schoolYear as string | undefined) ?? null,
            termCode: run.termCode,
            minimumN: run.minimumN,
            finishedAt: run.finishedAt?.toISOString() ?? null,
            summary: run.summary,
            distribution: suppressed ? null : SGP_BANDS.map((band, index) => ({ band, students: counts.find((c) => c.runId === run.id && c.band === index)?.students ?? 0 })),
          };
        }),
    };
  }
}
