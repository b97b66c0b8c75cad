import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { termIdsOfSchoolYears } from './fitness-results.service';

export const VISION_LEFT = 'physical.vision.left';
export const VISION_RIGHT = 'physical.vision.right';
/** 5-point notation bounds, as summarizeMyopiaScreening checks them. */
export const LOWEST_ACUITY = '3.0';
export const HIGHEST_ACUITY = '5.3';

/** Totals are one-decimal numerics: integer tenths, as the scoring core counts them. */
const TENTHS = 'round(fr.total * 10)';
const SCORED = `fr.status = 'scored'`;
const [L, R] = ['v.left_eye', 'v.right_eye'];

/** The counted columns of fitness_class_counts: column → aggregate over the class's students (`fr` their result, `v` their screening). */
export const CLASS_COUNT_COLUMNS = {
  recorded: 'count(fr.status)',
  tested: `count(*) FILTER (WHERE ${SCORED})`,
  exempt: `count(*) FILTER (WHERE fr.status = 'exempt')`,
  deferred: `count(*) FILTER (WHERE fr.status = 'deferred')`,
  incomplete: `count(*) FILTER (WHERE fr.status = 'incomplete')`,
  unknown_status: `count(*) FILTER (WHERE fr.status NOT IN ('scored', 'exempt', 'deferred', 'incomplete'))`,
  invalid_total: `count(*) FILTER (WHERE ${SCORED} AND (fr.total IS NULL OR fr.total * 10 <> ${TENTHS} OR fr.total < 0 OR fr.total > 120))`,
  sum_tenths: `coalesce(sum(${TENTHS}) FILTER (WHERE ${SCORED}), 0)`,
  excellent: `count(*) FILTER (WHERE ${SCORED} AND ${TENTHS} >= 900)`,
  good_or_better: `count(*) FILTER (WHERE ${SCORED} AND ${TENTHS} >= 800)`,
  pass: `count(*) FILTER (WHERE ${SCORED} AND ${TENTHS} >= 600)`,
  positive: `count(*) FILTER (WHERE ${L} < 5.0 OR ${R} < 5.0)`,
  negative: `count(*) FILTER (WHERE ${L} >= 5.0 AND ${R} >= 5.0)`,
  indeterminate: `count(*) FILTER (WHERE (${L} IS NULL) <> (${R} IS NULL) AND coalesce(${L}, ${R}) >= 5.0)`,
  not_screened: `count(*) FILTER (WHERE ${L} IS NULL AND ${R} IS NULL)`,
  invalid_screening: `count(*) FILTER (WHERE NOT (${L} BETWEEN ${LOWEST_ACUITY} AND ${HIGHEST_ACUITY}) OR NOT (${R} BETWEEN ${LOWEST_ACUITY} AND ${HIGHEST_ACUITY}))`,
} as const;
export type ClassCountColumn = keyof typeof CLASS_COUNT_COLUMNS;

/**
 * The stored class counts behind the fitness and myopia aggregates (ADR 0922): per school year ×
 * class × sex code, the students whose latest enrolment of the year is in the class, counted by
 * their stored fitness result of the year and their latest screening per eye that year.
 *
 * The writes that change what is counted (enrolments, sex codes, stored fitness results, vision
 * screening records) leave a note per school × year (triggers, migration
 * WriteSideFitnessFreshness); before a read, the noted schools are recounted. A read with no notes
 * reads only the counts: one row per class, never one per student.
 */
@Injectable()
export class FitnessClassCountsService {
  constructor(private readonly dataSource: DataSource) {}

  /** Recounts the noted schools of these years; afterwards the years' counts are as fresh as the data committed before the call. */
  async ensureCounted(schoolYears: readonly string[]): Promise<void> {
    const noted = (await this.dataSource.query(`SELECT DISTINCT school_year FROM fitness_count_changes WHERE school_year = ANY($1::varchar[]) ORDER BY 1`, [schoolYears])) as { school_year: string }[];
    for (const { school_year } of noted) await this.recount(school_year);
  }

  /**
   * Recounts the schools of the year that have notes, in one transaction holding the year's lock
   * (two readers never count the same year at once). The notes this snapshot sees are deleted
   * first: a change committed before is in what is counted next; one committed later keeps its
   * note. Returns the number of schools recounted.
   */
  async recount(schoolYear: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL jit = off');
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`wuyu.fitness-counts.${schoolYear}`]);
      const schools = ((await manager.query(`DELETE FROM fitness_count_changes WHERE school_year = $1 RETURNING school_id`, [schoolYear])) as [{ school_id: string }[], number])[0].map((row) => row.school_id);
      if (schools.length === 0) return 0;
      const schoolIds = [...new Set(schools)];
      await manager.query(`DELETE FROM fitness_class_counts WHERE school_year = $1 AND school_id = ANY($2::uuid[])`, [schoolYear, schoolIds]);
      const visionIndicators = ((await manager.query(`SELECT id::text AS id FROM indicators WHERE code IN ('${VISION_LEFT}', '${VISION_RIGHT}')`)) as { id: string }[]).map((row) => row.id);
      const columns = Object.keys(CLASS_COUNT_COLUMNS) as ClassCountColumn[];
      // $1 the year, $2 its term ids (term_records is partitioned by term: ADR 1010), $3 the vision
      // indicators (as text: ix_term_records_indicator_text_term, ADR 0921), $4 the schools.
      await manager.query(
        `WITH candidates AS (
           SELECT DISTINCT student_id FROM enrolments WHERE term_id = ANY($2::uuid[]) AND school_id = ANY($4::uuid[])),
         enrolled AS (
           SELECT DISTINCT ON (e.student_id) e.student_id, e.school_id, e.class_id
             FROM enrolments e JOIN terms t ON t.id = e.term_id
            WHERE e.term_id = ANY($2::uuid[]) AND e.student_id IN (SELECT student_id FROM candidates)
            ORDER BY e.student_id, t.term_number DESC),
         latest_screening AS (
           SELECT DISTINCT ON (r.student_id, r.indicator_id) r.student_id, i.code, r.numeric_value::float8 AS value
             FROM term_records r JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id
            WHERE r.term_id = ANY($2::uuid[]) AND r.indicator_id::text = ANY($3::text[]) AND r.student_id IN (SELECT student_id FROM candidates)
            ORDER BY r.student_id, r.indicator_id, t.term_number DESC),
         vision AS (
           SELECT student_id, max(value) FILTER (WHERE code = '${VISION_LEFT}') AS left_eye, max(value) FILTER (WHERE code = '${VISION_RIGHT}') AS right_eye
             FROM latest_screening GROUP BY student_id)
         INSERT INTO fitness_class_counts (school_year, school_id, class_id, sex_code, enrolled, ${columns.join(', ')})
         SELECT $1, en.school_id, en.class_id, st.sex_code, count(*), ${columns.map((column) => CLASS_COUNT_COLUMNS[column]).join(', ')}
           FROM enrolled en
           JOIN students st ON st.id = en.student_id
           LEFT JOIN fitness_results fr ON fr.student_id = en.student_id AND fr.school_year = $1
           LEFT JOIN vision v ON v.student_id = en.student_id
          WHERE en.school_id = ANY($4::uuid[])
          GROUP BY en.school_id, en.class_id, st.sex_code`,
        [schoolYear, await termIdsOfSchoolYears(manager, [schoolYear]), visionIndicators, schoolIds],
      );
      return schoolIds.length;
    });
  }
}
