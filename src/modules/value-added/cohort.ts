import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { StudyOccasion, ValueAddedStudy } from './entities/value-added-study.entity';

/** Why a student of the population is left out (first that applies, in this order). Never imputed. */
export const EXCLUSION_REASONS = ['missing_outcome', 'outcome_marker', 'incomplete_outcome', 'missing_prior', 'prior_marker', 'incomplete_prior', 'missing_covariate', 'no_class'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** The cohort a run fits: rows sorted by student id, groups sorted by id. */
export interface Cohort {
  /** Students with a record at any of the study's occasions. */
  readonly population: number;
  readonly excluded: Record<ExclusionReason, number>;
  readonly studentIds: readonly string[];
  readonly outcome: Float64Array;
  readonly priors: Float64Array[];
  readonly covariates: Float64Array[];
  /** Names of the covariate columns, in order (female, then minority). */
  readonly covariateNames: readonly string[];
  readonly groupIndex: Int32Array;
  /** Group ids (school or class) in index order, with the school each belongs to. */
  readonly groups: readonly { readonly id: string; readonly schoolId: string }[];
  /** SHA-256 of the canonical serialisation (see canonicalCohort). */
  readonly inputHash: string;
}

/**
 * The values of one occasion per student: (student_id, school_id, value, marked).
 * A subject reads its record; `total` sums every academic score sat at that exam and is NULL
 * unless the student has a number for every subject anyone sat there.
 */
function occasionSql(occasion: StudyOccasion, params: unknown[]): string {
  params.push(occasion.termId, `${occasion.examType}|${occasion.examDate}`);
  const term = `$${params.length - 1}::uuid`;
  const key = `$${params.length}::varchar`;
  if (occasion.subject !== 'total') {
    params.push(occasion.subject);
    return `SELECT r.student_id, r.school_id, r.numeric_value AS value, r.marker IS NOT NULL AS marked
            FROM term_records r JOIN indicators i ON i.id = r.indicator_id
            WHERE r.term_id = ${term} AND r.occasion_key = ${key} AND i.code = $${params.length}`;
  }
  const academic = `JOIN indicators i ON i.id = r.indicator_id AND i.dimension = 'academic' AND i.value_type = 'score'`;
  return `SELECT r.student_id, min(r.school_id::text)::uuid AS school_id,
                 CASE WHEN count(r.numeric_value) = (SELECT count(DISTINCT r2.indicator_id) FROM term_records r2 JOIN indicators i ON i.id = r2.indicator_id AND i.dimension = 'academic' AND i.value_type = 'score'
                                                     WHERE r2.term_id = ${term} AND r2.occasion_key = ${key})
                      THEN sum(r.numeric_value) END AS value,
                 bool_or(r.marker IS NOT NULL) AS marked
          FROM term_records r ${academic}
          WHERE r.term_id = ${term} AND r.occasion_key = ${key}
          GROUP BY r.student_id`;
}

interface CohortRow {
  student_id: string;
  group_id: string | null;
  school_id: string | null;
  outcome: string | null;
  priors: (string | null)[];
  female: number | null;
  minority: number | null;
  reason: ExclusionReason | null;
}

/**
 * Assembles a study's cohort with one SQL statement: the population is every student with a
 * record at the outcome or a prior occasion; a student is included when the outcome and every
 * prior are numbers (no 缺考/免考/缓考 marker, `total` complete), the covariates known and — for
 * class grouping — an enrolment in the outcome term; otherwise counted under the first reason.
 * The school of a student is the outcome record's (the school in that term). O(population).
 */
export async function assembleCohort(manager: EntityManager, study: Pick<ValueAddedStudy, 'outcome' | 'priors' | 'covariates' | 'grouping'>): Promise<Cohort> {
  const params: unknown[] = [];
  const outcomeSql = occasionSql(study.outcome, params);
  const priorSql = study.priors.map((prior) => occasionSql(prior, params));
  params.push(study.outcome.termId);
  const outcomeTerm = `$${params.length}::uuid`;
  const priorAliases = study.priors.map((_, index) => `p${index + 1}`);
  const useFemale = study.covariates.includes('female');
  const useMinority = study.covariates.includes('minority');
  const female = `CASE s.sex_code WHEN '2' THEN 1 WHEN '1' THEN 0 END`;
  const minority = `CASE WHEN s.ethnicity_code = '01' THEN 0 WHEN s.ethnicity_code BETWEEN '02' AND '56' THEN 1 END`;
  const any = (condition: (alias: string) => string) => priorAliases.map(condition).join(' OR ');
  const covariateMissing = [useFemale ? `${female} IS NULL` : '', useMinority ? `${minority} IS NULL` : ''].filter(Boolean).join(' OR ') || 'FALSE';
  const byClass = study.grouping === 'class';
  const sql = `
    WITH o AS (${outcomeSql}),
    ${priorSql.map((text, index) => `${priorAliases[index]} AS (${text})`).join(',\n    ')},
    population AS (SELECT student_id FROM o ${priorAliases.map((alias) => `UNION SELECT student_id FROM ${alias}`).join(' ')})
    SELECT s.id AS student_id,
           ${byClass ? 'e.class_id' : 'o.school_id'} AS group_id,
           ${byClass ? 'e.school_id' : 'o.school_id'} AS school_id,
           o.value::text AS outcome,
           ARRAY[${priorAliases.map((alias) => `${alias}.value::text`).join(', ')}] AS priors,
           ${female} AS female, ${minority} AS minority,
           CASE WHEN o.student_id IS NULL THEN 'missing_outcome'
                WHEN o.marked THEN 'outcome_marker'
                WHEN o.value IS NULL THEN 'incomplete_outcome'
                WHEN ${any((alias) => `${alias}.student_id IS NULL`)} THEN 'missing_prior'
                WHEN ${any((alias) => `${alias}.marked`)} THEN 'prior_marker'
                WHEN ${any((alias) => `${alias}.value IS NULL`)} THEN 'incomplete_prior'
                WHEN ${covariateMissing} THEN 'missing_covariate'
                WHEN ${byClass ? 'e.class_id IS NULL' : 'FALSE'} THEN 'no_class'
           END AS reason
    FROM population pop
    JOIN students s ON s.id = pop.student_id
    LEFT JOIN o ON o.student_id = s.id
    ${priorAliases.map((alias) => `LEFT JOIN ${alias} ON ${alias}.student_id = s.id`).join('\n    ')}
    LEFT JOIN enrolments e ON e.student_id = s.id AND e.term_id = ${outcomeTerm}
    ORDER BY s.id`;
  const rows = (await manager.query(sql, params)) as CohortRow[];

  const excluded = Object.fromEntries(EXCLUSION_REASONS.map((reason) => [reason, 0])) as Record<ExclusionReason, number>;
  const included = rows.filter((row) => {
    if (row.reason === null) return true;
    excluded[row.reason] += 1;
    return false;
  });
  const count = included.length;
  const groupSchools = new Map<string, string>();
  for (const row of included) groupSchools.set(row.group_id!, row.school_id!);
  const groupIds = [...groupSchools.keys()].sort();
  const indexOf = new Map(groupIds.map((id, index) => [id, index]));
  const outcome = new Float64Array(count);
  const priors = study.priors.map(() => new Float64Array(count));
  const covariateNames = [...(useFemale ? ['female'] : []), ...(useMinority ? ['minority'] : [])];
  const covariates = covariateNames.map(() => new Float64Array(count));
  const groupIndex = new Int32Array(count);
  included.forEach((row, index) => {
    outcome[index] = Number(row.outcome);
    row.priors.forEach((value, prior) => (priors[prior][index] = Number(value)));
    covariateNames.forEach((name, column) => (covariates[column][index] = name === 'female' ? row.female! : row.minority!));
    groupIndex[index] = indexOf.get(row.group_id!)!;
  });
  const studentIds = included.map((row) => row.student_id);
  const groups = groupIds.map((id) => ({ id, schoolId: groupSchools.get(id)! }));
  return {
    population: rows.length,
    excluded,
    studentIds,
    outcome,
    priors,
    covariates,
    covariateNames,
    groupIndex,
    groups,
    inputHash: hashCohort(studentIds, groups, groupIndex, outcome, priors, covariateNames, covariates),
  };
}

/**
 * SHA-256 over the canonical serialisation: a header line, then one line per included student
 * in student-id order — `student,group,outcome,prior…,covariate…` with numbers as JavaScript's
 * shortest round-trip decimals (so `95.50` and `95.5` hash alike). Same cohort ⇒ same hash.
 */
export function hashCohort(
  studentIds: readonly string[],
  groups: readonly { id: string }[],
  groupIndex: Int32Array,
  outcome: Float64Array,
  priors: readonly Float64Array[],
  covariateNames: readonly string[],
  covariates: readonly Float64Array[],
): string {
  const hash = createHash('sha256');
  hash.update(['student', 'group', 'outcome', ...priors.map((_, index) => `prior${index + 1}`), ...covariateNames].join(',') + '\n');
  for (let row = 0; row < studentIds.length; row += 1) {
    const cells = [studentIds[row], groups[groupIndex[row]].id, String(outcome[row]), ...priors.map((column) => String(column[row])), ...covariates.map((column) => String(column[row]))];
    hash.update(cells.join(',') + '\n');
  }
  return hash.digest('hex');
}
