import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored fitness results follow roster corrections (ADR 0925, refining ADR 0501 and 0922).
 *
 * A student's year result is scored with the grade of their latest enrolment of the year (its
 * class) and their sex code, and stores that school, class, grade and sex. Until now only changes
 * to the fitness records themselves left a recompute note (`fitness_source_changes`); a corrected
 * sex code or a class move left the stored result — and its score, since the standard's tables are
 * per grade and sex — as it was until someone asked for `POST /api/fitness/recompute`.
 *
 * Now two more statement triggers note, in the writer's transaction, the school × term of every
 * fitness record of the students concerned:
 * - `students`: a changed sex code — every school year of the student's records (the sex is not
 *   per year);
 * - `enrolments`: a statement after which a student's latest enrolment of a school year is in
 *   another class or school than before it (or there is one where there was none, or none where
 *   there was one). "Before" is the enrolments now, without the rows the statement wrote and with
 *   the rows it removed. Adding the second term's enrolment in the same class — the usual roster
 *   import — notes nothing, so a bulk import pays two small index reads per student and year.
 *
 * - `school_classes`: a changed grade code — every student enrolled in the class (an operator's
 *   correction; the roster import never changes a class's grade, which identifies the class).
 *
 * The existing data: every school × term of the fitness records of students whose stored result
 * disagrees with the roster now (another class or school than their latest enrolment of the year,
 * or another sex) is noted, so results left stale by earlier corrections are recomputed on the
 * next read.
 */
export class FitnessResultsFollowTheRoster1795972000000 implements MigrationInterface {
  name = 'FitnessResultsFollowTheRoster1795972000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(NOTE_FUNCTION);
    await queryRunner.query(`CREATE FUNCTION students_note_fitness_source_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fitness_note_source_changes(array_agg(n.id), NULL)
     FROM changed_new n JOIN changed_old o ON o.id = n.id AND o.sex_code IS DISTINCT FROM n.sex_code
   HAVING count(*) > 0;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE FUNCTION enrolments_note_fitness_source_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
${noteMovedStudents({ touched: 'changed_new', added: 'changed_new', removed: null })}
  ELSIF TG_OP = 'UPDATE' THEN
${noteMovedStudents({ touched: '(SELECT * FROM changed_new UNION ALL SELECT * FROM changed_old)', added: 'changed_new', removed: 'changed_old' })}
  ELSE
${noteMovedStudents({ touched: 'changed_old', added: null, removed: 'changed_old' })}
  END IF;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE FUNCTION school_classes_note_fitness_source_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM fitness_note_source_changes(array_agg(e.student_id), array_agg(n.school_year))
     FROM changed_new n JOIN changed_old o ON o.id = n.id AND o.grade_code IS DISTINCT FROM n.grade_code
     JOIN enrolments e ON e.class_id = n.id
   HAVING count(*) > 0;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE TRIGGER school_classes_fitness_source_notes_updated AFTER UPDATE ON "school_classes" REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION school_classes_note_fitness_source_changes()`);
    await queryRunner.query(`CREATE TRIGGER students_fitness_source_notes_updated AFTER UPDATE ON "students" REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION students_note_fitness_source_changes()`);
    for (const [suffix, event, referencing] of EVENTS) {
      await queryRunner.query(`CREATE TRIGGER enrolments_fitness_source_notes_${suffix} AFTER ${event} ON "enrolments" REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION enrolments_note_fitness_source_changes()`);
    }
    // The existing data (see above): results that disagree with the roster as it is now.
    await queryRunner.query(`SELECT fitness_note_source_changes(array_agg(stale.student_id), array_agg(stale.school_year))
       FROM (SELECT fr.student_id, fr.school_year
               FROM fitness_results fr
               JOIN students s ON s.id = fr.student_id
               LEFT JOIN LATERAL (SELECT e.class_id, e.school_id FROM enrolments e JOIN terms t ON t.id = e.term_id
                                   WHERE e.student_id = fr.student_id AND t.school_year = fr.school_year
                                   ORDER BY t.term_number DESC LIMIT 1) latest ON TRUE
              WHERE fr.class_id IS DISTINCT FROM latest.class_id
                 OR (latest.school_id IS NOT NULL AND fr.school_id <> latest.school_id)
                 OR fr.sex IS DISTINCT FROM (CASE s.sex_code WHEN '1' THEN 'M' WHEN '2' THEN 'F' END)) stale
     HAVING count(*) > 0`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [suffix] of [...EVENTS].reverse()) await queryRunner.query(`DROP TRIGGER enrolments_fitness_source_notes_${suffix} ON "enrolments"`);
    await queryRunner.query(`DROP TRIGGER students_fitness_source_notes_updated ON "students"`);
    await queryRunner.query(`DROP TRIGGER school_classes_fitness_source_notes_updated ON "school_classes"`);
    await queryRunner.query('DROP FUNCTION school_classes_note_fitness_source_changes()');
    await queryRunner.query('DROP FUNCTION enrolments_note_fitness_source_changes()');
    await queryRunner.query('DROP FUNCTION students_note_fitness_source_changes()');
    await queryRunner.query('DROP FUNCTION fitness_note_source_changes(uuid[], varchar[])');
  }
}

/**
 * The statement that notes the students whose latest enrolment of a school year the statement
 * changed: `touched` — the rows it wrote or removed; `added` — the rows it wrote (left out of the
 * "before" view); `removed` — the rows it removed or overwrote (put back into the "before" view).
 */
function noteMovedStudents(rows: { touched: string; added: string | null; removed: string | null }): string {
  // Set-based (hash joins over the transition tables; the touched students' enrolments read once):
  // a correlated read of a transition table per student would be quadratic in a bulk statement.
  const latest = (set: string) => `SELECT DISTINCT ON (x.student_id, x.school_year) x.student_id, x.school_year, x.class_id, x.school_id
                  FROM (${set}) x ORDER BY x.student_id, x.school_year, x.term_number DESC`;
  const before = [
    rows.added ? `SELECT k.* FROM current k WHERE NOT EXISTS (SELECT 1 FROM ${rows.added} a WHERE a.id = k.id)` : 'SELECT k.* FROM current k',
    ...(rows.removed ? [`SELECT r.id, r.student_id, t.school_year, t.term_number, r.class_id, r.school_id FROM ${rows.removed} r JOIN terms t ON t.id = r.term_id`] : []),
  ].join('\n                  UNION ALL ');
  return `    PERFORM fitness_note_source_changes(array_agg(m.student_id), array_agg(m.school_year))
       FROM (WITH touched AS (SELECT DISTINCT w.student_id, t.school_year FROM ${rows.touched} w JOIN terms t ON t.id = w.term_id),
                  current AS MATERIALIZED (SELECT e.id, e.student_id, t.school_year, t.term_number, e.class_id, e.school_id
                                             FROM touched c JOIN enrolments e ON e.student_id = c.student_id JOIN terms t ON t.id = e.term_id AND t.school_year = c.school_year),
                  after AS (${latest('SELECT k.* FROM current k')}),
                  before AS (${latest(before)})
             SELECT c.student_id, c.school_year
               FROM touched c LEFT JOIN after a ON a.student_id = c.student_id AND a.school_year = c.school_year
                              LEFT JOIN before b ON b.student_id = c.student_id AND b.school_year = c.school_year
              WHERE (a.class_id, a.school_id) IS DISTINCT FROM (b.class_id, b.school_id)) m
     HAVING count(*) > 0;`;
}

/** The three statement events, with their transition tables. */
const EVENTS = [
  ['inserted', 'INSERT', 'NEW TABLE AS changed_new'],
  ['updated', 'UPDATE', 'OLD TABLE AS changed_old NEW TABLE AS changed_new'],
  ['deleted', 'DELETE', 'OLD TABLE AS changed_old'],
] as const;

/**
 * Notes a recompute of the school × term of every fitness record of these students in these
 * school years (the i-th year goes with the i-th student; a null array of years: every year).
 */
const NOTE_FUNCTION = `CREATE FUNCTION fitness_note_source_changes(p_students uuid[], p_years varchar[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO fitness_source_changes (school_id, term_id)
  SELECT DISTINCT r.school_id, r.term_id
    FROM (SELECT DISTINCT c.student_id, c.school_year FROM unnest(p_students, coalesce(p_years, array_fill(NULL::varchar, ARRAY[cardinality(p_students)]))) AS c(student_id, school_year)) c
    JOIN terms t ON c.school_year IS NULL OR t.school_year = c.school_year
    JOIN term_records r ON r.student_id = c.student_id AND r.term_id = t.id
   WHERE r.indicator_id IN (SELECT id FROM indicators WHERE code LIKE 'physical.fitness.%')
$$`;
