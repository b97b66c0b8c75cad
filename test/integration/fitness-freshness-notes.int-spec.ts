import type { DataSource } from 'typeorm';
import { Client } from 'pg';
import { EVERYTHING } from '../../src/modules/auth/data-scope';
import type { FitnessAggregateQueryDto } from '../../src/modules/fitness/dto/fitness.dto';
import { FitnessAggregatesService } from '../../src/modules/fitness/fitness-aggregates.service';
import { FitnessClassCountsService } from '../../src/modules/fitness/fitness-class-counts.service';
import { FitnessResultsService } from '../../src/modules/fitness/fitness-results.service';
import { createRecordWorld, type RecordWorld } from '../helpers/record-fixtures';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const YEAR = '2024-2025';

/** Undoes the applied migrations, newest first, down to and including `name`. */
async function undoMigrationsThrough(dataSource: DataSource, name: string): Promise<void> {
  const applied = ((await dataSource.query(`SELECT name FROM schema_migrations ORDER BY id DESC`)) as { name: string }[]).map((row) => row.name);
  expect(applied).toContain(name);
  for (const undone of applied.slice(0, applied.indexOf(name) + 1)) {
    await dataSource.undoLastMigration({ transaction: 'each' });
    const [last] = (await dataSource.query(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`)) as { name: string }[];
    expect(last.name).not.toBe(undone);
  }
}

/**
 * ADR 0922: the fitness reads' freshness is noted on the write side. Statement triggers note the
 * school × term of every fitness record inserted, updated or deleted (for the stored results),
 * and the school × year of every change to what the class counts count (for the stored counts),
 * in the writer's transaction; a read recomputes and recounts what is noted before it reads, and
 * never reads the records to decide. These tests change data behind the services' back (plain
 * SQL, as an operator or another tool would) and race writers against recomputes on separate
 * connections.
 */
describe('fitness results: change notes written by the term_records triggers (ADR 0922)', () => {
  let db: TestDatabase;
  let world: RecordWorld;
  let service: FitnessResultsService;
  const indicator: Record<string, string> = {};

  const notes = async (source: DataSource = db.dataSource) =>
    ((await source.query(`SELECT DISTINCT school_id, term_id FROM fitness_source_changes ORDER BY school_id, term_id`)) as { school_id: string; term_id: string }[]).map((row) => `${row.school_id}/${row.term_id}`);
  const heightOf = async (student: string): Promise<number | null> => {
    const [row] = (await db.dataSource.query(`SELECT measurements->>'height_cm' AS height FROM fitness_results WHERE student_id = $1 AND school_year = $2`, [student, YEAR])) as { height: string | null }[];
    return row ? Number(row.height) : null;
  };
  const insertHeight = (runner: { query: (sql: string, params: unknown[]) => Promise<unknown> }, student: string, school: string, term: string, value: number) =>
    runner.query(`INSERT INTO term_records (school_id, student_id, term_id, indicator_id, numeric_value, source) VALUES ($1, $2, $3, $4, $5, 'system')`, [school, student, term, indicator.height_cm, value]);

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createRecordWorld(db.dataSource);
    for (const row of (await db.dataSource.query(`SELECT code, id FROM indicators WHERE code IN ('physical.fitness.height_cm', 'physical.fitness.weight_kg', 'physical.vision.left')`)) as { code: string; id: string }[]) {
      indicator[row.code.split('.').pop()!] = row.id;
    }
    service = new FitnessResultsService(db.dataSource);
  });
  afterAll(() => db.drop());

  it('a fitness record inserted, updated or deleted notes its school and term; other records do not; a read answers the notes', async () => {
    const { s1, s2 } = world.students;
    await db.dataSource.query(`INSERT INTO term_records (school_id, student_id, term_id, indicator_id, numeric_value, source) VALUES ($1, $2, $3, $4, 4.9, 'system')`, [world.schoolA, s1, world.term1, indicator.left]);
    expect(await notes()).toEqual([]);

    await insertHeight(db.dataSource, s1, world.schoolA, world.term1, 150.5);
    await insertHeight(db.dataSource, s2, world.schoolA, world.term2, 148);
    expect(await notes()).toEqual([`${world.schoolA}/${world.term1}`, `${world.schoolA}/${world.term2}`].sort());
    await service.ensureFresh([YEAR]);
    expect(await notes()).toEqual([]);
    expect(await heightOf(s1)).toBe(150.5);
    expect(await heightOf(s2)).toBe(148);

    await db.dataSource.query(`UPDATE term_records SET numeric_value = 151.5, updated_at = now() WHERE student_id = $1 AND indicator_id = $2`, [s1, indicator.height_cm]);
    expect(await notes()).toEqual([`${world.schoolA}/${world.term1}`]);
    await service.ensureFresh([YEAR]);
    expect(await heightOf(s1)).toBe(151.5);

    // Deleting a school's last fitness records: the old count check never saw a school with no records left.
    await db.dataSource.query(`DELETE FROM term_records WHERE indicator_id = $1`, [indicator.height_cm]);
    expect(await notes()).toEqual([`${world.schoolA}/${world.term1}`, `${world.schoolA}/${world.term2}`].sort());
    await service.ensureFresh([YEAR]);
    expect(await heightOf(s1)).toBeNull();
    expect(await heightOf(s2)).toBeNull();
    expect(await notes()).toEqual([]);
  });

  it('with nothing noted, the check before a read sends one statement and it does not read term_records', async () => {
    await insertHeight(db.dataSource, world.students.s1, world.schoolA, world.term1, 150);
    await service.ensureFresh([YEAR]);
    const sent: string[] = [];
    const spy = jest.spyOn(db.dataSource, 'query').mockImplementation(function (this: DataSource, ...args: Parameters<DataSource['query']>) {
      sent.push(String(args[0]));
      return (jest.requireActual('typeorm').DataSource.prototype.query as DataSource['query']).apply(this, args);
    } as DataSource['query']);
    try {
      await service.ensureFresh([YEAR, '2023-2024']);
      await service.ensureFresh(null);
    } finally {
      spy.mockRestore();
    }
    expect(sent).toHaveLength(2);
    for (const sql of sent) expect(sql).not.toMatch(/term_records/);
  });

  it('results scored with other tables are recomputed though nothing is noted', async () => {
    await db.dataSource.query(`UPDATE fitness_result_sets SET standard_version = 'gb-student-fitness-2014+000000000000' WHERE school_year = $1`, [YEAR]);
    await db.dataSource.query(`UPDATE fitness_results SET standard_version = 'gb-student-fitness-2014+000000000000' WHERE school_year = $1`, [YEAR]);
    expect(await notes()).toEqual([]);
    await service.ensureFresh([YEAR]);
    const versions = (await db.dataSource.query(`SELECT DISTINCT standard_version FROM fitness_results WHERE school_year = $1`, [YEAR])) as { standard_version: string }[];
    expect(versions).toHaveLength(1);
    expect(versions[0].standard_version).not.toMatch(/000000000000$/);
  });

  describe('races between a writer and a recompute, on two connections', () => {
    let writer: Client;
    let blocker: Client;
    beforeEach(async () => {
      writer = new Client({ connectionString: db.url });
      blocker = new Client({ connectionString: db.url });
      await writer.connect();
      await blocker.connect();
    });
    afterEach(async () => {
      await writer.end();
      await blocker.end();
    });

    it('a recompute does not wait for a writer still in progress, and the writer’s note outlives it: the next read takes the change', async () => {
      const { s2 } = world.students;
      await insertHeight(db.dataSource, s2, world.schoolA, world.term1, 140); // committed, noted
      await writer.query('BEGIN');
      await writer.query(`UPDATE term_records SET numeric_value = 141, updated_at = now() WHERE student_id = $1 AND indicator_id = $2`, [s2, indicator.height_cm]); // its note is not visible yet

      // Bounded: were the recompute to wait for the writer, this would time out.
      const recomputed = await Promise.race([service.recompute(YEAR, [world.schoolA]).then(() => 'done'), new Promise((resolve) => setTimeout(() => resolve('waited'), 10_000))]);
      expect(recomputed).toBe('done');
      expect(await heightOf(s2)).toBe(140); // the writer has not committed
      expect(await notes()).toEqual([]); // the committed note is answered; the writer's is not visible yet

      await writer.query('COMMIT');
      expect(await notes()).toEqual([`${world.schoolA}/${world.term1}`]); // the writer's note, kept
      await service.ensureFresh([YEAR]);
      expect(await heightOf(s2)).toBe(141);
      expect(await notes()).toEqual([]);
    });

    it('a writer that commits while a recompute is under way neither waits for it nor loses its note', async () => {
      const { s3 } = world.students;
      await insertHeight(db.dataSource, s3, world.schoolA, world.term2, 130); // noted
      // Hold the recompute after it answered the notes: it next replaces fitness_results, which the blocker locks.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE fitness_results IN EXCLUSIVE MODE');
      const recompute = service.recompute(YEAR, [world.schoolA]);
      let recomputeWaiting = false;
      for (let attempt = 0; attempt < 100 && !recomputeWaiting; attempt += 1) {
        const rows = (await db.dataSource.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%DELETE FROM fitness_results%'`)) as unknown[];
        recomputeWaiting = rows.length > 0;
        if (!recomputeWaiting) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(recomputeWaiting).toBe(true);

      // Bounded: were the writer to wait for the recompute (or its note), this would time out.
      const written = await Promise.race([
        writer.query(`UPDATE term_records SET numeric_value = 131, updated_at = now() WHERE student_id = $1 AND indicator_id = $2`, [s3, indicator.height_cm]).then(() => 'done'),
        new Promise((resolve) => setTimeout(() => resolve('waited'), 10_000)),
      ]);
      expect(written).toBe('done');

      await blocker.query('COMMIT');
      await recompute;
      expect(await notes()).toEqual([`${world.schoolA}/${world.term2}`]); // the writer's note outlived the recompute
      await service.ensureFresh([YEAR]);
      expect(await heightOf(s3)).toBe(131);
      expect(await notes()).toEqual([]);
    });
  });

  it('the migration notes what the old per-read check would have found stale, and nothing else', async () => {
    const fresh = await createTestDatabase();
    try {
      const other = await createRecordWorld(fresh.dataSource);
      const [{ id: height }] = (await fresh.dataSource.query(`SELECT id FROM indicators WHERE code = 'physical.fitness.height_cm'`)) as { id: string }[];
      await fresh.dataSource.query(`INSERT INTO term_records (school_id, student_id, term_id, indicator_id, numeric_value, source) VALUES ($1, $2, $3, $4, 150, 'system'), ($5, $6, $3, $4, 151, 'system')`, [
        other.schoolA, other.students.s1, other.term1, height, other.schoolB, other.students.outside,
      ]);
      await new FitnessResultsService(fresh.dataSource).recompute(YEAR, null);
      expect(await notes(fresh.dataSource)).toEqual([]);

      // Before this migration: school B's record changes (its watermark goes stale), A's does not.
      await undoMigrationsThrough(fresh.dataSource, 'WriteSideFitnessFreshness1795965692398');
      expect(await fresh.dataSource.query(`SELECT to_regclass('public.fitness_source_changes') AS t`)).toEqual([{ t: null }]);
      await fresh.dataSource.query(`UPDATE term_records SET numeric_value = 152, updated_at = now() WHERE student_id = $1`, [other.students.outside]);
      await fresh.dataSource.runMigrations({ transaction: 'each' });

      expect(await notes(fresh.dataSource)).toEqual([`${other.schoolB}/${other.term1}`]);
      await new FitnessResultsService(fresh.dataSource).ensureFresh([YEAR]);
      const [row] = (await fresh.dataSource.query(`SELECT measurements->>'height_cm' AS height FROM fitness_results WHERE student_id = $1`, [other.students.outside])) as { height: string }[];
      expect(Number(row.height)).toBe(152);
    } finally {
      await fresh.drop();
    }
  });

  describe('class counts: a change to anything counted notes the schools, and the next aggregate read recounts them', () => {
    let aggregates: FitnessAggregatesService;
    let counts: FitnessClassCountsService;
    const read = async (level: 'class' | 'school', extra: Partial<FitnessAggregateQueryDto> = {}) =>
      (await aggregates.fitness(EVERYTHING, { level, schoolYear: YEAR, ...extra } as FitnessAggregateQueryDto)).groups.map((g) => ({ unit: g.unit.name + (level === 'school' ? '' : `@${g.unit.schoolId === world.schoolA ? 'A' : 'B'}`), enrolled: g.summary.enrolled, recorded: g.summary.recorded })).sort((x, y) => x.unit.localeCompare(y.unit));
    const myopia = async () => (await aggregates.myopia(EVERYTHING, { level: 'school', schoolYear: YEAR } as FitnessAggregateQueryDto)).groups.map((g) => ({ unit: g.unit.name, enrolled: g.summary.records, positive: g.summary.positive }));
    const countNotes = async () => ((await db.dataSource.query(`SELECT DISTINCT school_id, school_year FROM fitness_count_changes ORDER BY 1, 2`)) as { school_id: string; school_year: string }[]).map((row) => `${row.school_id === world.schoolA ? 'A' : row.school_id === world.schoolB ? 'B' : row.school_id}/${row.school_year}`).sort();
    let classA2 = '';

    beforeAll(async () => {
      counts = new FitnessClassCountsService(db.dataSource);
      aggregates = new FitnessAggregatesService(db.dataSource, service, counts);
      [{ id: classA2 }] = (await db.dataSource.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, $2, 'J1', '2班') RETURNING id`, [world.schoolA, YEAR])) as { id: string }[];
      await aggregates.fitness(EVERYTHING, { level: 'school', schoolYear: YEAR } as FitnessAggregateQueryDto);
      expect(await countNotes()).toEqual([]);
    });

    it('starts from the roster: 4 students at A (1班), 1 at B', async () => {
      expect(await read('school')).toEqual([
        { unit: '乌海市第一中学', enrolled: 4, recorded: expect.any(Number) },
        { unit: '乌海市第二中学', enrolled: 1, recorded: 0 },
      ]);
    });

    it('an enrolment in a later term moves the student to its class: both classes are recounted', async () => {
      await db.dataSource.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [world.students.template, classA2, world.term2, world.schoolA]);
      expect(await countNotes()).toEqual([`A/${YEAR}`]);
      expect(await read('class')).toEqual([
        { unit: '1班@A', enrolled: 3, recorded: expect.any(Number) },
        { unit: '1班@B', enrolled: 1, recorded: 0 },
        { unit: '2班@A', enrolled: 1, recorded: expect.any(Number) },
      ]);
      expect(await countNotes()).toEqual([]);
    });

    it('a student who changes school mid-year counts at the new school only, and the old school is recounted too', async () => {
      const [{ id: classB }] = (await db.dataSource.query(`SELECT class_id AS id FROM enrolments WHERE student_id = $1`, [world.students.outside])) as { id: string }[];
      await db.dataSource.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [world.students.s3, classB, world.term2, world.schoolB]);
      // Noted at B (the new row) and at A (where the student was enrolled that year).
      expect(await countNotes()).toEqual([`A/${YEAR}`, `B/${YEAR}`].sort());
      expect(await read('school')).toEqual([
        { unit: '乌海市第一中学', enrolled: 3, recorded: expect.any(Number) },
        { unit: '乌海市第二中学', enrolled: 2, recorded: expect.any(Number) },
      ]);
      // Undone: the enrolment deleted, the student counts at A again.
      await db.dataSource.query(`DELETE FROM enrolments WHERE student_id = $1 AND term_id = $2`, [world.students.s3, world.term2]);
      expect(await read('school')).toEqual([
        { unit: '乌海市第一中学', enrolled: 4, recorded: expect.any(Number) },
        { unit: '乌海市第二中学', enrolled: 1, recorded: 0 },
      ]);
    });

    it('a corrected sex code moves the student between the sex filters', async () => {
      const boys = async () => (await read('school', { sex: 'M' })).find((g) => g.unit === '乌海市第一中学')?.enrolled ?? 0;
      const before = await boys();
      await db.dataSource.query(`UPDATE students SET sex_code = '1' WHERE id = $1`, [world.students.s2]); // 王芳 was 2
      expect(await countNotes()).toEqual([`A/${YEAR}`]);
      expect(await boys()).toBe(before + 1);
      await db.dataSource.query(`UPDATE students SET name = '王芳芳' WHERE id = $1`, [world.students.s2]); // not a counted field
      expect(await countNotes()).toEqual([]);
    });

    it('a stored result changed behind the service, and a vision screening record, are recounted', async () => {
      await db.dataSource.query(`UPDATE fitness_results SET status = 'exempt', total = NULL, level = NULL WHERE student_id = $1 AND school_year = $2`, [world.students.s1, YEAR]);
      expect(await countNotes()).toEqual([`A/${YEAR}`]);
      const [exempt] = (await aggregates.fitness(EVERYTHING, { level: 'school', schoolYear: YEAR } as FitnessAggregateQueryDto)).groups.map((g) => g.summary.exempt);
      expect(exempt).toBe(1);

      const positiveAtA = async () => (await myopia()).find((g) => g.unit === '乌海市第一中学')!.positive;
      const before = await positiveAtA();
      await db.dataSource.query(`INSERT INTO term_records (school_id, student_id, term_id, indicator_id, numeric_value, source) VALUES ($1, $2, $3, $4, 4.6, 'system')`, [world.schoolA, world.students.s2, world.term2, indicator.left]);
      expect(await countNotes()).toEqual([`A/${YEAR}`]);
      expect(await positiveAtA()).toBe(before + 1);
    });

    it('with nothing noted, an aggregate read reads the counts only: no statement touches enrolments, records or results', async () => {
      await aggregates.fitness(EVERYTHING, { level: 'school', schoolYear: YEAR } as FitnessAggregateQueryDto);
      const sent: string[] = [];
      const original = db.dataSource.query.bind(db.dataSource);
      const spy = jest.spyOn(db.dataSource, 'query').mockImplementation(((sql: string, parameters?: unknown[]) => {
        sent.push(sql);
        return original(sql, parameters);
      }) as DataSource['query']);
      try {
        await aggregates.fitness(EVERYTHING, { level: 'class', schoolYear: YEAR } as FitnessAggregateQueryDto);
        await aggregates.myopia(EVERYTHING, { level: 'school', schoolYear: YEAR } as FitnessAggregateQueryDto);
      } finally {
        spy.mockRestore();
      }
      expect(sent.some((sql) => /fitness_class_counts/.test(sql))).toBe(true);
      for (const sql of sent) expect(sql).not.toMatch(/\b(enrolments|term_records|fitness_results|students)\b/);
    });

    it('an enrolment committed while a recount is under way neither waits for it nor loses its note', async () => {
      const blocker = new Client({ connectionString: db.url });
      const writer = new Client({ connectionString: db.url });
      await blocker.connect();
      await writer.connect();
      try {
        await db.dataSource.query(`UPDATE enrolments SET class_id = class_id WHERE student_id = $1`, [world.students.s1]); // noted: A
        // Hold the recount after it took its notes: it next replaces fitness_class_counts, which the blocker locks.
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE fitness_class_counts IN EXCLUSIVE MODE');
        const recount = counts.recount(YEAR);
        let waiting = false;
        for (let attempt = 0; attempt < 100 && !waiting; attempt += 1) {
          waiting = ((await db.dataSource.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%DELETE FROM fitness_class_counts%'`)) as unknown[]).length > 0;
          if (!waiting) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(waiting).toBe(true);
        const written = await Promise.race([
          writer.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [world.students.s1, classA2, world.term2, world.schoolA]).then(() => 'done'),
          new Promise((resolve) => setTimeout(() => resolve('waited'), 10_000)),
        ]);
        expect(written).toBe('done');
        await blocker.query('COMMIT');
        expect(await recount).toBe(1);
        expect(await countNotes()).toEqual([`A/${YEAR}`]); // the writer's note outlived the recount
        expect((await read('class')).find((g) => g.unit === '2班@A')!.enrolled).toBe(2);
      } finally {
        await blocker.end();
        await writer.end();
      }
    });

    it('a recount takes only the schools noted, and two readers never count a year twice at once', async () => {
      await db.dataSource.query(`UPDATE enrolments SET class_id = class_id WHERE student_id = $1`, [world.students.outside]); // B only
      expect(await countNotes()).toEqual([`B/${YEAR}`]);
      const countedAt = async () => Object.fromEntries(((await db.dataSource.query(`SELECT school_id, max(counted_at) AS at FROM fitness_class_counts WHERE school_year = $1 GROUP BY 1`, [YEAR])) as { school_id: string; at: Date }[]).map((row) => [row.school_id, row.at.getTime()]));
      const before = await countedAt();
      const recounted = await Promise.all([counts.recount(YEAR), counts.recount(YEAR)]);
      expect(recounted.sort()).toEqual([0, 1]);
      const after = await countedAt();
      expect(after[world.schoolA]).toBe(before[world.schoolA]);
      expect(after[world.schoolB]).toBeGreaterThan(before[world.schoolB]);
    });
  });
});

/**
 * ADR 0925: a student's year result is scored with the grade of their latest enrolment of the year
 * and their sex code, and stores that school, class, grade and sex. A correction to either (or to
 * the class's grade code) notes
 * a recompute of the school × term of the student's fitness records, in the writer's transaction;
 * a roster change that leaves every latest enrolment where it was notes nothing.
 */
describe('fitness results follow roster corrections (ADR 0925)', () => {
  let db: TestDatabase;
  let world: RecordWorld;
  let service: FitnessResultsService;
  let height = '';
  let classJ2 = '';

  const notes = async () =>
    ((await db.dataSource.query(`SELECT DISTINCT school_id, term_id FROM fitness_source_changes`)) as { school_id: string; term_id: string }[])
      .map((row) => `${row.school_id === world.schoolA ? 'A' : row.school_id === world.schoolB ? 'B' : row.school_id}/${row.term_id === world.term1 ? 'term1' : row.term_id === world.term2 ? 'term2' : row.term_id}`)
      .sort();
  const stored = async (student: string) => {
    const [row] = (await db.dataSource.query(`SELECT school_id, class_id, grade_code, sex, status FROM fitness_results WHERE student_id = $1 AND school_year = $2`, [student, YEAR])) as {
      school_id: string;
      class_id: string | null;
      grade_code: string | null;
      sex: string | null;
      status: string;
    }[];
    return row ? { school: row.school_id === world.schoolA ? 'A' : row.school_id === world.schoolB ? 'B' : row.school_id, class: row.class_id, grade: row.grade_code, sex: row.sex } : null;
  };
  const measure = (student: string, school: string, term: string, value: number) =>
    db.dataSource.query(`INSERT INTO term_records (school_id, student_id, term_id, indicator_id, numeric_value, source) VALUES ($1, $2, $3, $4, $5, 'system')`, [school, student, term, height, value]);

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createRecordWorld(db.dataSource);
    [{ id: height }] = (await db.dataSource.query(`SELECT id FROM indicators WHERE code = 'physical.fitness.height_cm'`)) as { id: string }[];
    [{ id: classJ2 }] = (await db.dataSource.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, $2, 'J2', '3班') RETURNING id`, [world.schoolA, YEAR])) as { id: string }[];
    service = new FitnessResultsService(db.dataSource);
    await measure(world.students.s1, world.schoolA, world.term1, 150);
    await measure(world.students.s2, world.schoolA, world.term1, 148);
    await service.ensureFresh([YEAR]);
    expect(await notes()).toEqual([]);
  });
  afterAll(() => db.drop());

  it('a corrected sex code notes the student’s records, and the next read stores the result with the new sex', async () => {
    expect(await stored(world.students.s2)).toMatchObject({ sex: 'F', class: world.classA, grade: 'J1' });
    await db.dataSource.query(`UPDATE students SET sex_code = '1' WHERE id = $1`, [world.students.s2]);
    expect(await notes()).toEqual(['A/term1']);
    await service.ensureFresh([YEAR]);
    expect(await notes()).toEqual([]);
    expect(await stored(world.students.s2)).toMatchObject({ sex: 'M' });
    // Not a field the score depends on, and a student without fitness records: nothing noted.
    await db.dataSource.query(`UPDATE students SET name = '王芳芳' WHERE id = $1`, [world.students.s2]);
    await db.dataSource.query(`UPDATE students SET sex_code = '1' WHERE id = $1`, [world.students.s3]);
    expect(await notes()).toEqual([]);
  });

  it('the second term’s enrolment in the same class notes nothing; a move to another class re-files the result under its class and grade; undoing it moves it back', async () => {
    await db.dataSource.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [world.students.s1, world.classA, world.term2, world.schoolA]);
    expect(await notes()).toEqual([]);

    await db.dataSource.query(`UPDATE enrolments SET class_id = $1 WHERE student_id = $2 AND term_id = $3`, [classJ2, world.students.s1, world.term2]);
    expect(await notes()).toEqual(['A/term1']);
    await service.ensureFresh([YEAR]);
    expect(await stored(world.students.s1)).toMatchObject({ school: 'A', class: classJ2, grade: 'J2' });

    // A correction of the earlier term: the latest enrolment (term 2) is unchanged, nothing noted.
    await db.dataSource.query(`UPDATE enrolments SET class_id = $1 WHERE student_id = $2 AND term_id = $3`, [classJ2, world.students.s1, world.term1]);
    await db.dataSource.query(`UPDATE enrolments SET class_id = $1 WHERE student_id = $2 AND term_id = $3`, [world.classA, world.students.s1, world.term1]);
    // Rewriting a row with its own values: nothing noted.
    await db.dataSource.query(`UPDATE enrolments SET class_id = class_id, school_id = school_id`);
    expect(await notes()).toEqual([]);

    await db.dataSource.query(`DELETE FROM enrolments WHERE student_id = $1 AND term_id = $2`, [world.students.s1, world.term2]);
    expect(await notes()).toEqual(['A/term1']);
    await service.ensureFresh([YEAR]);
    expect(await stored(world.students.s1)).toMatchObject({ school: 'A', class: world.classA, grade: 'J1' });
  });

  it('a student measured before they were on the roster is scored once enrolled, even when both terms’ enrolments come in one statement', async () => {
    const [{ id: late }] = (await db.dataSource.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ('G150302201201010099', '晚到', '2', '2012-01-01', '01', $1) RETURNING id`, [world.schoolA])) as { id: string }[];
    await measure(late, world.schoolA, world.term2, 149);
    await service.ensureFresh([YEAR]);
    expect(await stored(late)).toMatchObject({ class: null, grade: null });

    await db.dataSource.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4), ($1, $2, $5, $4)`, [late, world.classA, world.term1, world.schoolA, world.term2]);
    expect(await notes()).toEqual(['A/term2']);
    await service.ensureFresh([YEAR]);
    expect(await stored(late)).toMatchObject({ class: world.classA, grade: 'J1', sex: 'F' });
  });

  it('a move to another school mid-year re-files the result at the new school', async () => {
    const [{ id: classB }] = (await db.dataSource.query(`SELECT class_id AS id FROM enrolments WHERE student_id = $1`, [world.students.outside])) as { id: string }[];
    await db.dataSource.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [world.students.s2, classB, world.term2, world.schoolB]);
    expect(await notes()).toEqual(['A/term1']); // where the student's records are
    await service.ensureFresh([YEAR]);
    expect(await stored(world.students.s2)).toMatchObject({ school: 'B', class: classB });
  });

  it('a class’s corrected grade code re-scores its students with the other grade’s tables', async () => {
    const [{ id: classJ3 }] = (await db.dataSource.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, $2, 'J1', '9班') RETURNING id`, [world.schoolA, YEAR])) as { id: string }[];
    const [{ id: pupil }] = (await db.dataSource.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ('G150302201201020088', '年级', '1', '2012-01-02', '01', $1) RETURNING id`, [world.schoolA])) as { id: string }[];
    await db.dataSource.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [pupil, classJ3, world.term1, world.schoolA]);
    await measure(pupil, world.schoolA, world.term1, 160);
    await service.ensureFresh([YEAR]);
    expect(await stored(pupil)).toMatchObject({ class: classJ3, grade: 'J1' });
    await db.dataSource.query(`UPDATE school_classes SET name = '九班' WHERE id = $1`, [classJ3]); // not the grade: nothing noted
    expect(await notes()).toEqual([]);
    await db.dataSource.query(`UPDATE school_classes SET grade_code = 'J3' WHERE id = $1`, [classJ3]);
    expect(await notes()).toEqual(['A/term1']);
    await service.ensureFresh([YEAR]);
    expect(await stored(pupil)).toMatchObject({ class: classJ3, grade: 'J3' });
  });

  it('a sex code changed in the same transaction as the student’s records is recomputed once, with both', async () => {
    await db.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE students SET sex_code = '2' WHERE id = $1`, [world.students.s1]);
      await manager.query(`UPDATE term_records SET numeric_value = 151, updated_at = now() WHERE student_id = $1 AND indicator_id = $2`, [world.students.s1, height]);
    });
    expect(await notes()).toEqual(['A/term1']);
    await service.ensureFresh([YEAR]);
    const [row] = (await db.dataSource.query(`SELECT sex, measurements->>'height_cm' AS height FROM fitness_results WHERE student_id = $1`, [world.students.s1])) as { sex: string; height: string }[];
    expect(row).toEqual({ sex: 'F', height: '151' });
  });

  it('the migration notes the results that disagree with the roster as it is (corrections made before it), and nothing else', async () => {
    const fresh = await createTestDatabase();
    try {
      const other = await createRecordWorld(fresh.dataSource);
      const [{ id: h }] = (await fresh.dataSource.query(`SELECT id FROM indicators WHERE code = 'physical.fitness.height_cm'`)) as { id: string }[];
      await fresh.dataSource.query(`INSERT INTO term_records (school_id, student_id, term_id, indicator_id, numeric_value, source) VALUES ($1, $2, $3, $4, 150, 'system'), ($1, $5, $3, $4, 151, 'system'), ($6, $7, $3, $4, 152, 'system')`, [
        other.schoolA, other.students.s1, other.term1, h, other.students.s2, other.schoolB, other.students.outside,
      ]);
      await new FitnessResultsService(fresh.dataSource).recompute(YEAR, null);

      await undoMigrationsThrough(fresh.dataSource, 'FitnessResultsFollowTheRoster1795972000000');
      // Corrections while the triggers were not there: s2's sex (school A), outside's class (school B, same class again: no change).
      await fresh.dataSource.query(`UPDATE students SET sex_code = '1' WHERE id = $1`, [other.students.s2]);
      await fresh.dataSource.query(`UPDATE enrolments SET class_id = class_id WHERE student_id = $1`, [other.students.outside]);
      await fresh.dataSource.query(`DELETE FROM fitness_source_changes`);
      await fresh.dataSource.runMigrations({ transaction: 'each' });

      const noted = (await fresh.dataSource.query(`SELECT DISTINCT school_id, term_id FROM fitness_source_changes`)) as { school_id: string; term_id: string }[];
      expect(noted).toEqual([{ school_id: other.schoolA, term_id: other.term1 }]);
      await new FitnessResultsService(fresh.dataSource).ensureFresh([YEAR]);
      const [row] = (await fresh.dataSource.query(`SELECT sex FROM fitness_results WHERE student_id = $1`, [other.students.s2])) as { sex: string }[];
      expect(row.sex).toBe('M');
    } finally {
      await fresh.drop();
    }
  });
});

