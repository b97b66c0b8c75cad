import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Write-side freshness for the fitness reads (ADR 0922, refining ADR 0501 and 0920).
 *
 * Until now every fitness read first counted the year's fitness records per school and compared
 * them with the stored results' watermark, and every aggregate read then counted the year's
 * students (latest enrolment, stored result, latest screening) group by group: at city scale
 * about a second of database time per dashboard view. Now the writes leave notes and the reads
 * look only at the notes:
 *
 * - `fitness_source_changes` (school × term): fitness raw records inserted, updated or deleted.
 *   A read recomputes the stored results of the noted school years first.
 * - `fitness_count_changes` (school × school year): a change to what the class counts count, of a
 *   student enrolled at that school that year (an enrolment, a sex code, a stored fitness result,
 *   a vision screening record). A read recounts the noted schools' `fitness_class_counts` first.
 *
 * The notes are append-only logs written by statement triggers in the writer's own transaction,
 * so a change and its note commit together, and writers never wait for each other on a note. The
 * recompute or recount that answers them deletes the notes its snapshot sees before it reads: a
 * change committed before that is in what it reads; one committed after leaves its note.
 *
 * A student's counts belong to the school of their latest enrolment of the year, which a change
 * elsewhere can move: a note therefore names the changed row's school and every school the
 * student is enrolled at that year.
 *
 * The existing data: every school × year with enrolments is noted for a count, and every school
 * × term whose results the old per-read check would have found stale is noted for a recompute.
 */
export class WriteSideFitnessFreshness1795965692398 implements MigrationInterface {
  name = 'WriteSideFitnessFreshness1795965692398';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"fitness_source_changes\" (\"id\" BIGSERIAL NOT NULL, \"school_id\" uuid NOT NULL, \"term_id\" uuid NOT NULL, \"changed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_d735bb4da4aa7d830371ad0e63a\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_fitness_source_changes_term_school\" ON \"fitness_source_changes\"  (\"term_id\", \"school_id\") ");
    await queryRunner.query("CREATE TABLE \"fitness_count_changes\" (\"id\" BIGSERIAL NOT NULL, \"school_id\" uuid NOT NULL, \"school_year\" character varying(9) NOT NULL, \"changed_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_1629fe405bdfd2e70984b48173c\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"ix_fitness_count_changes_year_school\" ON \"fitness_count_changes\"  (\"school_year\", \"school_id\") ");
    await queryRunner.query("CREATE TABLE \"fitness_class_counts\" (\"school_year\" character varying(9) NOT NULL, \"school_id\" uuid NOT NULL, \"class_id\" uuid NOT NULL, \"sex_code\" character(1) NOT NULL, \"enrolled\" integer NOT NULL, \"recorded\" integer NOT NULL, \"tested\" integer NOT NULL, \"exempt\" integer NOT NULL, \"deferred\" integer NOT NULL, \"incomplete\" integer NOT NULL, \"unknown_status\" integer NOT NULL, \"invalid_total\" integer NOT NULL, \"sum_tenths\" bigint NOT NULL, \"excellent\" integer NOT NULL, \"good_or_better\" integer NOT NULL, \"pass\" integer NOT NULL, \"positive\" integer NOT NULL, \"negative\" integer NOT NULL, \"indeterminate\" integer NOT NULL, \"not_screened\" integer NOT NULL, \"invalid_screening\" integer NOT NULL, \"counted_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_589ee39587e607371bc8db2ba56\" PRIMARY KEY (\"school_year\", \"school_id\", \"class_id\", \"sex_code\"))");
    await queryRunner.query(NOTE_COUNT_CHANGES_FUNCTION);
    for (const [table, fn, body] of FUNCTIONS) await queryRunner.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n${body}\n  RETURN NULL;\nEND $$`);
    for (const [table, fn] of FUNCTIONS) {
      for (const [suffix, event, referencing] of EVENTS) {
        if (table === 'students' && event !== 'UPDATE') continue;
        await queryRunner.query(`CREATE TRIGGER ${table}_fitness_notes_${suffix} AFTER ${event} ON "${table}" REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      }
    }
    // The existing data (see above).
    await queryRunner.query(
      `INSERT INTO fitness_count_changes (school_id, school_year)
       SELECT DISTINCT e.school_id, t.school_year FROM enrolments e JOIN terms t ON t.id = e.term_id`,
    );
    await queryRunner.query(
      `INSERT INTO fitness_source_changes (school_id, term_id)
       SELECT DISTINCT source.school_id, source.term_id
         FROM (SELECT r.school_id, r.term_id, t.school_year, count(*) OVER w AS n, max(r.updated_at) OVER w AS latest
                 FROM term_records r JOIN terms t ON t.id = r.term_id JOIN indicators i ON i.id = r.indicator_id
                WHERE i.code LIKE 'physical.fitness.%'
               WINDOW w AS (PARTITION BY r.school_id, t.school_year)) source
         LEFT JOIN fitness_result_sets s ON s.school_id = source.school_id AND s.school_year = source.school_year
        WHERE s.school_id IS NULL OR s.source_count <> source.n OR s.source_updated_at IS DISTINCT FROM source.latest`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, fn] of [...FUNCTIONS].reverse()) {
      for (const [suffix, event] of EVENTS) if (table !== 'students' || event === 'UPDATE') await queryRunner.query(`DROP TRIGGER ${table}_fitness_notes_${suffix} ON "${table}"`);
      await queryRunner.query(`DROP FUNCTION ${fn}()`);
    }
    await queryRunner.query('DROP FUNCTION fitness_note_count_changes(uuid[], varchar[], uuid[])');
    await queryRunner.query("DROP TABLE \"fitness_class_counts\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_fitness_count_changes_year_school\"");
    await queryRunner.query("DROP TABLE \"fitness_count_changes\"");
    await queryRunner.query("DROP INDEX \"public\".\"ix_fitness_source_changes_term_school\"");
    await queryRunner.query("DROP TABLE \"fitness_source_changes\"");
  }
}

/** The three statement events, with their transition tables (one name for each side, whatever the table). */
const EVENTS = [
  ['inserted', 'INSERT', 'NEW TABLE AS changed_new'],
  ['updated', 'UPDATE', 'OLD TABLE AS changed_old NEW TABLE AS changed_new'],
  ['deleted', 'DELETE', 'OLD TABLE AS changed_old'],
] as const;

/**
 * Notes a count change for each (student, school year, school) given — the i-th element of each
 * array is one changed row — and for every school the student is enrolled at that year (their
 * counts may move there or away).
 */
const NOTE_COUNT_CHANGES_FUNCTION = `CREATE FUNCTION fitness_note_count_changes(p_students uuid[], p_years varchar[], p_schools uuid[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO fitness_count_changes (school_id, school_year)
  SELECT DISTINCT m.school_id, m.school_year
    FROM (SELECT c.school_id, c.school_year FROM unnest(p_students, p_years, p_schools) AS c(student_id, school_year, school_id)
          UNION ALL
          SELECT e.school_id, t.school_year
            FROM (SELECT DISTINCT student_id, school_year FROM unnest(p_students, p_years) AS c(student_id, school_year)) c
            JOIN terms t ON t.school_year = c.school_year
            JOIN enrolments e ON e.student_id = c.student_id AND e.term_id = t.id) m
$$`;

/** A branch per event: the same statement over the event's transition tables. */
function perEvent(statement: (rows: string) => string): string {
  return `  IF TG_OP = 'INSERT' THEN
${statement('changed_new')}
  ELSIF TG_OP = 'UPDATE' THEN
${statement('(SELECT * FROM changed_new UNION ALL SELECT * FROM changed_old)')}
  ELSE
${statement('changed_old')}
  END IF;`;
}

const FITNESS_INDICATORS = `(SELECT id FROM indicators WHERE code LIKE 'physical.fitness.%')`;
const VISION_INDICATORS = `(SELECT id FROM indicators WHERE code IN ('physical.vision.left', 'physical.vision.right'))`;

/** [table, trigger function, body]: what each table's changes note. */
const FUNCTIONS: readonly (readonly [string, string, string])[] = [
  [
    'term_records',
    'term_records_note_fitness_changes',
    perEvent(
      (rows) => `    INSERT INTO fitness_source_changes (school_id, term_id)
    SELECT DISTINCT c.school_id, c.term_id FROM ${rows} c WHERE c.indicator_id IN ${FITNESS_INDICATORS};
    PERFORM fitness_note_count_changes(array_agg(c.student_id), array_agg(t.school_year), array_agg(c.school_id))
       FROM (SELECT DISTINCT c.student_id, c.term_id, c.school_id FROM ${rows} c WHERE c.indicator_id IN ${VISION_INDICATORS}) c JOIN terms t ON t.id = c.term_id
     HAVING count(*) > 0;`,
    ),
  ],
  [
    'enrolments',
    'enrolments_note_fitness_count_changes',
    perEvent(
      (rows) => `    PERFORM fitness_note_count_changes(array_agg(c.student_id), array_agg(t.school_year), array_agg(c.school_id))
       FROM (SELECT DISTINCT c.student_id, c.term_id, c.school_id FROM ${rows} c) c JOIN terms t ON t.id = c.term_id
     HAVING count(*) > 0;`,
    ),
  ],
  [
    'fitness_results',
    'fitness_results_note_count_changes',
    perEvent(
      (rows) => `    PERFORM fitness_note_count_changes(array_agg(c.student_id), array_agg(c.school_year), array_agg(c.school_id))
       FROM (SELECT DISTINCT c.student_id, c.school_year, c.school_id FROM ${rows} c) c
     HAVING count(*) > 0;`,
    ),
  ],
  [
    'students',
    'students_note_fitness_count_changes',
    // Only updates (a student's first enrolment notes their counts); only a changed sex code counts.
    `  PERFORM fitness_note_count_changes(array_agg(e.student_id), array_agg(t.school_year), array_agg(e.school_id))
     FROM changed_new n JOIN changed_old o ON o.id = n.id AND o.sex_code IS DISTINCT FROM n.sex_code
     JOIN enrolments e ON e.student_id = n.id JOIN terms t ON t.id = e.term_id
   HAVING count(*) > 0;`,
  ],
];
