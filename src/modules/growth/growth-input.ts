import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { GrowthOccasion } from './entities/growth-run.entity';

/** A run's input: students with a number at the current occasion, sorted by student id. */
export interface GrowthInput {
  readonly studentIds: readonly string[];
  /** The school of the current record (the student's school in that term). */
  readonly schoolIds: readonly string[];
  /** The grade of the student's class in the current term (enrolments), null when not enrolled. */
  readonly gradeCodes: readonly (string | null)[];
  readonly current: Float64Array;
  /** Most recent first; NaN where the student has no number (missing or 缺考/免考/缓考). */
  readonly priors: Float64Array[];
  /** Students whose current record is a marker (no number): counted, never imputed. */
  readonly markedCurrent: number;
  readonly inputHash: string;
}

/**
 * Reads the run's values with one SQL statement under the caller's snapshot: every student with a
 * number for the indicator at the current occasion, with the prior numbers (NULL where missing or
 * a marker). O(students).
 */
export async function readGrowthInput(manager: EntityManager, indicatorId: string, occasion: GrowthOccasion, priors: readonly GrowthOccasion[]): Promise<GrowthInput> {
  const params: unknown[] = [indicatorId, occasion.termId, occasion.occasionKey ?? ''];
  const priorCtes = priors.map((prior, index) => {
    params.push(prior.termId, prior.occasionKey ?? '');
    return `p${index + 1} AS (SELECT student_id, numeric_value AS value FROM term_records
             WHERE indicator_id = $1 AND term_id = $${params.length - 1}::uuid AND occasion_key = $${params.length} AND numeric_value IS NOT NULL)`;
  });
  const rows = (await manager.query(
    `WITH c AS (SELECT student_id, school_id, numeric_value AS value, marker FROM term_records
                WHERE indicator_id = $1 AND term_id = $2::uuid AND occasion_key = $3)${priorCtes.map((cte) => `,\n         ${cte}`).join('')}
     SELECT c.student_id, c.school_id, k.grade_code, c.value::text AS value, ARRAY[${priors.map((_, index) => `p${index + 1}.value::text`).join(', ')}] AS priors
     FROM c ${priors.map((_, index) => `LEFT JOIN p${index + 1} ON p${index + 1}.student_id = c.student_id`).join(' ')}
     LEFT JOIN enrolments e ON e.student_id = c.student_id AND e.term_id = $2::uuid
     LEFT JOIN school_classes k ON k.id = e.class_id
     ORDER BY c.student_id`,
    params,
  )) as GrowthRow[];
  return toGrowthInput(rows, priors.length);
}

/**
 * The same input for a derived total: the sum of several once-a-term indicators of one term
 * (e.g. the 艺术素质测评 total = 基础 + 学业 + 发展). A student has a total only when every part is a
 * number that term; a missing part or a marker (缺考/免考/缓考) means no total, never a smaller one.
 */
export async function readSummedGrowthInput(manager: EntityManager, partIds: readonly string[], occasion: GrowthOccasion, priors: readonly GrowthOccasion[]): Promise<GrowthInput> {
  const terms = [occasion.termId, ...priors.map((prior) => prior.termId)];
  const rows = (await manager.query(
    `WITH totals AS (
       SELECT student_id, term_id, min(school_id::text)::uuid AS school_id,
              CASE WHEN count(numeric_value) = $3 THEN sum(numeric_value) END AS value
       FROM term_records
       WHERE indicator_id = ANY($1::uuid[]) AND term_id = ANY($2::uuid[]) AND occasion_key = ''
       GROUP BY student_id, term_id)
     SELECT c.student_id, c.school_id, k.grade_code, c.value::text AS value,
            ARRAY[${priors.map((_, index) => `p${index + 1}.value::text`).join(', ')}] AS priors
     FROM totals c
     ${priors.map((_, index) => `LEFT JOIN totals p${index + 1} ON p${index + 1}.student_id = c.student_id AND p${index + 1}.term_id = $${index + 5}::uuid`).join(' ')}
     LEFT JOIN enrolments e ON e.student_id = c.student_id AND e.term_id = $4::uuid
     LEFT JOIN school_classes k ON k.id = e.class_id
     WHERE c.term_id = $4::uuid
     ORDER BY c.student_id`,
    [partIds, terms, partIds.length, occasion.termId, ...priors.map((prior) => prior.termId)],
  )) as GrowthRow[];
  return toGrowthInput(rows, priors.length);
}

/**
 * The same input from the stored fitness year results (国家学生体质健康标准 totals, ADR 0501): every
 * student with a result in the current school year; a result without a total (incomplete, 免测,
 * 暂缓) counts as `markedCurrent`, and as missing when a prior. School and grade are the result's.
 */
export async function readFitnessGrowthInput(manager: EntityManager, occasion: GrowthOccasion, priors: readonly GrowthOccasion[]): Promise<GrowthInput> {
  const params: unknown[] = [occasion.schoolYear, ...priors.map((prior) => prior.schoolYear)];
  const rows = (await manager.query(
    `SELECT c.student_id, c.school_id, c.grade_code, c.total::text AS value,
            ARRAY[${priors.map((_, index) => `p${index + 1}.total::text`).join(', ')}] AS priors
     FROM fitness_results c
     ${priors.map((_, index) => `LEFT JOIN fitness_results p${index + 1} ON p${index + 1}.student_id = c.student_id AND p${index + 1}.school_year = $${index + 2}`).join('\n     ')}
     WHERE c.school_year = $1
     ORDER BY c.student_id`,
    params,
  )) as GrowthRow[];
  return toGrowthInput(rows, priors.length);
}

interface GrowthRow {
  student_id: string;
  school_id: string;
  grade_code: string | null;
  value: string | null;
  priors: (string | null)[];
}

function toGrowthInput(rows: readonly GrowthRow[], priorCount: number): GrowthInput {
  const kept = rows.filter((row) => row.value !== null);
  const current = Float64Array.from(kept, (row) => Number(row.value));
  const priorColumns = Array.from({ length: priorCount }, (_, k) => Float64Array.from(kept, (row) => (row.priors[k] === null ? Number.NaN : Number(row.priors[k]))));
  const studentIds = kept.map((row) => row.student_id);
  const schoolIds = kept.map((row) => row.school_id);
  const gradeCodes = kept.map((row) => row.grade_code);
  return { studentIds, schoolIds, gradeCodes, current, priors: priorColumns, markedCurrent: rows.length - kept.length, inputHash: hashGrowthInput(studentIds, schoolIds, gradeCodes, current, priorColumns) };
}

/**
 * SHA-256 over the canonical serialisation: a header line, then `student,school,grade,current,prior…`
 * per student in student-id order, numbers as JavaScript's shortest round-trip decimals (so
 * `95.50` and `95.5` hash alike), a missing grade or prior as an empty cell. Same input ⇒ same hash.
 */
export function hashGrowthInput(studentIds: readonly string[], schoolIds: readonly string[], gradeCodes: readonly (string | null)[], current: Float64Array, priors: readonly Float64Array[]): string {
  const hash = createHash('sha256');
  hash.update(['student', 'school', 'grade', 'current', ...priors.map((_, index) => `prior${index + 1}`)].join(',') + '\n');
  for (let row = 0; row < studentIds.length; row += 1) {
    const cells = [studentIds[row], schoolIds[row], gradeCodes[row] ?? '', String(current[row]), ...priors.map((column) => (Number.isNaN(column[row]) ? '' : String(column[row])))];
    hash.update(cells.join(',') + '\n');
  }
  return hash.digest('hex');
}
