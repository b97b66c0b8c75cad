import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ActivityInput, FitnessYearInput, StudentTermInput, TermRecordInput } from '../../scoring-core';

/** A cohort (届): a school stage and the school year its students entered it, optionally one region and the regions below it. */
export interface Cohort {
  readonly stage: string;
  readonly entryYear: number;
  readonly regionId: string | null;
}

/** One student of a term run's cohort: the school and class of the term's enrolment. */
export interface CohortMember {
  readonly studentId: string;
  readonly schoolId: string;
  readonly classId: string;
}

export interface TermRunInput {
  /** Sorted by student id. */
  readonly members: readonly CohortMember[];
  readonly records: ReadonlyMap<string, StudentTermInput>;
  readonly termRecordCount: number;
  readonly activityCount: number;
  /** Fitness year results read (only when the rubric has a fitness rule; else 0). */
  readonly fitnessCount: number;
  readonly inputHash: string;
}

/**
 * The cohort of a term as SQL: students enrolled in the term ($1) in a class whose grade belongs
 * to the stage ($2) and whose students entered the stage in school year $3 — entry year =
 * first year of the class's school year − (grade ordinal − the stage's first ordinal), e.g. a
 * J2 class of 2025-2026 entered junior in 2024 — in a school of region $4 or below (any when null).
 */
export const COHORT_CTE = `
  RECURSIVE region_tree AS (
    SELECT id FROM regions WHERE id = $4::uuid
    UNION ALL SELECT r.id FROM regions r JOIN region_tree t ON r.parent_id = t.id
  ),
  stage_start AS (SELECT stage, min(ordinal) AS first_ordinal FROM grades GROUP BY stage),
  cohort AS (
    SELECT e.student_id, k.school_id, k.id AS class_id
    FROM enrolments e
    JOIN school_classes k ON k.id = e.class_id
    JOIN grades g ON g.code = k.grade_code
    JOIN stage_start ss ON ss.stage = g.stage
    JOIN schools s ON s.id = k.school_id
    WHERE e.term_id = $1::uuid AND g.stage = $2
      AND split_part(k.school_year, '-', 1)::int - (g.ordinal - ss.first_ordinal) = $3
      AND ($4::uuid IS NULL OR s.region_id IN (SELECT id FROM region_tree))
  )`;

const num = (text: string | null) => (text === null ? null : Number(text));
const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value).replace(/[\n,\\]/g, (c) => `\\${c === '\n' ? 'n' : c}`));

/**
 * Reads a term run's input in the caller's snapshot: the cohort, the term records of the
 * rubric's indicators, and the 写实记录 that count (state in `activityStatuses`; a
 * teacher-on-behalf record only once the student confirmed it), and — when the rubric has a
 * fitness rule (`withFitness`) — each student's fitness year result of the term's school year,
 * which then enters the input hash too (rubrics without one keep the hash they had).
 * O(students + records).
 */
export async function readTermRunInput(manager: EntityManager, termId: string, cohort: Cohort, indicatorCodes: readonly string[], activityStatuses: readonly string[], rubricId: string, withFitness = false): Promise<TermRunInput> {
  const params = [termId, cohort.stage, cohort.entryYear, cohort.regionId];
  const members = (await manager.query(`WITH ${COHORT_CTE} SELECT student_id, school_id, class_id FROM cohort ORDER BY student_id`, params)) as { student_id: string; school_id: string; class_id: string }[];
  const termRows = (await manager.query(
    `WITH ${COHORT_CTE}
     SELECT r.id, r.version, r.student_id, i.code, r.numeric_value::text AS numeric_value, r.text_value, r.marker, r.full_marks::text AS full_marks,
            r.occasion_date::text AS occasion_date, r.occasion_key
     FROM term_records r JOIN indicators i ON i.id = r.indicator_id JOIN cohort c ON c.student_id = r.student_id
     WHERE r.term_id = $1::uuid AND i.code = ANY($5::text[])
     ORDER BY r.student_id, r.id`,
    [...params, indicatorCodes],
  )) as { id: string; version: number; student_id: string; code: string; numeric_value: string | null; text_value: string | null; marker: string | null; full_marks: string | null; occasion_date: string | null; occasion_key: string }[];
  const activityRows = (await manager.query(
    `WITH ${COHORT_CTE}
     SELECT a.id, a.version, a.student_id, a.dimension, a.record_type, a.level, a.role, a.hours::text AS hours, a.award_rank
     FROM activity_records a JOIN cohort c ON c.student_id = a.student_id
     WHERE a.term_id = $1::uuid AND a.status = ANY($5::text[]) AND (a.source <> 'teacher_on_behalf' OR a.student_confirmed_at IS NOT NULL)
     ORDER BY a.student_id, a.id`,
    [...params, activityStatuses],
  )) as { id: string; version: number; student_id: string; dimension: string; record_type: string; level: string | null; role: string | null; hours: string | null; award_rank: string | null }[];

  const fitnessRows = withFitness
    ? ((await manager.query(
        `WITH ${COHORT_CTE}
         SELECT f.id, f.student_id, f.school_year, f.total::text AS total, f.level
         FROM fitness_results f JOIN cohort c ON c.student_id = f.student_id
         WHERE f.school_year = (SELECT school_year FROM terms WHERE id = $1::uuid)
         ORDER BY f.student_id`,
        params,
      )) as { id: string; student_id: string; school_year: string; total: string | null; level: string | null }[])
    : [];

  const records = new Map<string, { termRecords: TermRecordInput[]; activities: ActivityInput[]; fitness: FitnessYearInput | null }>();
  for (const member of members) records.set(member.student_id, { termRecords: [], activities: [], fitness: null });
  const hash = createHash('sha256');
  hash.update(`evaluation-term-run,rubric=${rubricId},term=${termId}\n`);
  for (const m of members) hash.update(`S,${m.student_id},${m.school_id},${m.class_id}\n`);
  for (const row of termRows) {
    const record: TermRecordInput = {
      id: row.id,
      indicatorCode: row.code,
      numericValue: num(row.numeric_value),
      textValue: row.text_value,
      marker: row.marker,
      fullMarks: num(row.full_marks),
      occasionDate: row.occasion_date,
      occasionKey: row.occasion_key,
    };
    records.get(row.student_id)!.termRecords.push(record);
    hash.update(['T', row.id, row.version, row.student_id, row.code, record.numericValue, row.text_value, row.marker, record.fullMarks, row.occasion_date, row.occasion_key].map(cell).join(',') + '\n');
  }
  for (const row of activityRows) {
    const activity: ActivityInput = { id: row.id, dimension: row.dimension, recordType: row.record_type, level: row.level, role: row.role, hours: num(row.hours), awardRank: row.award_rank };
    records.get(row.student_id)!.activities.push(activity);
    hash.update(['A', row.id, row.version, row.student_id, row.dimension, row.record_type, row.level, row.role, activity.hours, row.award_rank].map(cell).join(',') + '\n');
  }
  for (const row of fitnessRows) {
    const fitness: FitnessYearInput = { id: row.id, schoolYear: row.school_year, total: num(row.total), level: row.level };
    records.get(row.student_id)!.fitness = fitness;
    hash.update(['F', row.id, row.student_id, row.school_year, fitness.total, row.level].map(cell).join(',') + '\n');
  }
  return {
    members: members.map((m) => ({ studentId: m.student_id, schoolId: m.school_id, classId: m.class_id })),
    records,
    termRecordCount: termRows.length,
    activityCount: activityRows.length,
    fitnessCount: fitnessRows.length,
    inputHash: hash.digest('hex'),
  };
}
