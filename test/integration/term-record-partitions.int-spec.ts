import * as fs from 'node:fs';
import * as path from 'node:path';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { loadConfig } from '../../src/config/app-config';
import { pendingSchemaChanges } from '../../src/database/data-source';
import { EVERYTHING, type DataScope } from '../../src/modules/auth/data-scope';
import type { FitnessAggregateQueryDto } from '../../src/modules/fitness/dto/fitness.dto';
import { FitnessAggregatesService } from '../../src/modules/fitness/fitness-aggregates.service';
import { FitnessClassCountsService } from '../../src/modules/fitness/fitness-class-counts.service';
import { FitnessResultsService } from '../../src/modules/fitness/fitness-results.service';
import { ImportsService } from '../../src/modules/imports/imports.service';
import { RecordsService } from '../../src/modules/intake/records.service';
import { TermRecordEntryService } from '../../src/modules/intake/term-record-entry.service';
import { createRecordWorld, type RecordWorld } from '../helpers/record-fixtures';
import { studentNumber } from '../helpers/roster-builders';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'imports');
const USER = '6f1c1f7e-3b7a-4c59-9d44-0a3f6a1c2b11';
const OLD_YEARS = ['2019-2020', '2020-2021', '2021-2022', '2022-2023', '2023-2024'];
const OLD_PARTITIONS = OLD_YEARS.flatMap((year) => [1, 2].map((term) => `term_records_${year.replace('-', '_')}_${term}`));

interface CapturedPlan {
  readonly sql: string;
  /** The term_records partitions the plan reads or writes (not the parent, which holds no rows). */
  readonly partitions: string[];
  /** The indexes the plan scans on term_records partitions. */
  readonly indexes: string[];
}

/** Every index a plan scans on a term_records partition (index, index-only and bitmap index scans: a partition's indexes are named after it). */
function partitionIndexesOf(plan: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const fields = node as Record<string, unknown>;
      if (typeof fields['Index Name'] === 'string' && (fields['Index Name'] as string).startsWith('term_records_')) found.add(fields['Index Name'] as string);
      Object.values(fields).forEach(walk);
    }
  };
  walk(plan);
  return [...found].sort();
}

/** Every relation name of a plan (EXPLAIN FORMAT JSON) that is a term_records partition. */
function partitionsOf(plan: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'Relation Name' && typeof value === 'string' && value.startsWith('term_records_')) found.add(value);
        else walk(value);
      }
    }
  };
  walk(plan);
  return [...found].sort();
}

/**
 * ADR 1010: term_records is LIST-partitioned by term, so a query that names its term reads that
 * term's partition only — the old school years' partitions do not appear in its plan. Every
 * statement the services send that mentions term_records is EXPLAINed first, on the same
 * connection and in the same transaction (the import's staging table is visible there), with
 * the same parameters; the test then looks at which partitions each plan touches.
 */
describe('term_records partitions: old school years cost nothing in daily queries', () => {
  let db: TestDatabase;
  let world: RecordWorld;
  let plans: CapturedPlan[] = [];
  let capture = false;
  const originalQuery = PostgresQueryRunner.prototype.query;

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createRecordWorld(db.dataSource);
    // Five past school years, ten terms, each with rows of the same students and indicators.
    for (const year of OLD_YEARS) {
      const first = Number(year.slice(0, 4));
      for (const term of [1, 2]) {
        const [{ id }] = await db.dataSource.query(
          `INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [`${year}-${term}`, year, term, term === 1 ? `${first}-09-01` : `${first + 1}-02-20`, term === 1 ? `${first + 1}-01-20` : `${first + 1}-07-10`],
        );
        await db.dataSource.query(
          `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, source)
           SELECT $1, s.id, $2, i.id, 'final|' || $3 || '-01-15', 'final', ($3 || '-01-15')::date, 75, 'school_import'
           FROM unnest($4::uuid[]) s(id), (SELECT id FROM indicators WHERE code LIKE 'academic.exam.%') i`,
          [world.schoolA, id, first + 1, Object.values(world.students)],
        );
      }
    }
    await db.dataSource.query('ANALYZE term_records');
    jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(async function (this: PostgresQueryRunner, sql: string, parameters?: unknown[], structured?: boolean) {
      // A cursor's query (DECLARE … CURSOR FOR <query>) is explained as that query.
      const explained = sql.replace(/^\s*DECLARE\s+\S+\s+(NO\s+SCROLL\s+)?CURSOR\s+FOR\s+/i, '');
      if (capture && /\bterm_records\b/.test(sql) && /^\s*(WITH|SELECT|INSERT|UPDATE|DELETE)\b/i.test(explained)) {
        const [{ 'QUERY PLAN': plan }] = (await originalQuery.call(this, `EXPLAIN (FORMAT JSON) ${explained}`, parameters)) as { 'QUERY PLAN': unknown }[];
        plans.push({ sql, partitions: partitionsOf(plan), indexes: partitionIndexesOf(plan) });
      }
      return originalQuery.call(this, sql, parameters, structured as false);
    } as typeof originalQuery);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await db.drop();
  });

  /** Runs `work` and returns the plans of the term_records statements it sent. */
  async function plansOf(work: () => Promise<unknown>): Promise<CapturedPlan[]> {
    plans = [];
    capture = true;
    try {
      await work();
    } finally {
      capture = false;
    }
    return plans;
  }

  const expectOnly = (captured: CapturedPlan[], allowed: string[]) => {
    expect(captured.length).toBeGreaterThan(0);
    for (const plan of captured) {
      expect({ sql: plan.sql, partitions: plan.partitions.filter((name) => !allowed.includes(name)) }).toEqual({ sql: plan.sql, partitions: [] });
    }
  };

  it('every existing and new term has its own partition, and the DEFAULT partition stays empty', async () => {
    const partitions = (await db.dataSource.query(
      `SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'term_records'::regclass ORDER BY 1`,
    )) as { relname: string }[];
    expect(partitions.map((row) => row.relname)).toEqual([...OLD_PARTITIONS, 'term_records_2024_2025_1', 'term_records_2024_2025_2', 'term_records_default'].sort());
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM term_records_default')).toEqual([{ n: 0 }]);
  });

  it('the detector sees old partitions when a query does not name its term', async () => {
    const captured = await plansOf(() => db.dataSource.query('SELECT count(*) FROM term_records WHERE student_id = $1', [world.students.s1]));
    expect(captured[0].partitions).toEqual(expect.arrayContaining(OLD_PARTITIONS));
  });

  it('the score import (staging, checks, the one merge statement) reads and writes the file’s term only', async () => {
    const imports = new ImportsService(db.dataSource, loadConfig({}));
    const scope: DataScope = { all: false, schoolIds: [world.schoolA], classIds: [], studentIds: [] };
    const file = fs.readFileSync(path.join(FIXTURES, 'ok', 'scores-gbk.csv'));
    const captured = await plansOf(() => imports.run('scores', file, 'scores.csv', { dryRun: false, context: { scope, actorUserId: USER } }));
    expect(captured.some((plan) => /INSERT INTO term_records/.test(plan.sql) && /UPDATE term_records/.test(plan.sql))).toBe(true);
    expectOnly(captured, ['term_records_2024_2025_1']);
    // A changed file: the merge's version + update path, still the one term.
    const changed = Buffer.from(require('iconv-lite').encode(require('iconv-lite').decode(file, 'gbk').replace(',112.5,', ',115,'), 'gbk') as Buffer);
    const again = await plansOf(() => imports.run('scores', changed, 'scores.csv', { dryRun: false, context: { scope, actorUserId: USER } }));
    expectOnly(again, ['term_records_2024_2025_1']);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM record_versions WHERE record_kind = 'term_record'`)).toEqual([{ n: 1 }]);
  });

  it('the import merge finds existing records by identity even when the partition has no statistics (ADR 0921)', async () => {
    // A new term whose partition was analysed while empty, then filled without ANALYZE (an import in
    // progress, or a server without autovacuum): the planner believes it empty. With an index led by
    // the indicator on term_records it took that index to find existing records and walked a whole
    // subject per staged row (a 100,000-row import and the city demo load stalled for minutes).
    const [{ id: termId }] = await db.dataSource.query(
      `INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2030-2031-1', '2030-2031', 1, '2030-09-01', '2031-01-20') RETURNING id`,
    );
    await db.dataSource.query('ANALYZE term_records');
    await db.dataSource.query(
      `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, source)
       SELECT $1, gen_random_uuid(), $2, i.id, 'final|2031-01-15', 'final', '2031-01-15', 70, 'school_import'
       FROM generate_series(1, 6000) g, (SELECT id FROM indicators WHERE code LIKE 'academic.exam.%') i`,
      [world.schoolA, termId],
    );
    const imports = new ImportsService(db.dataSource, loadConfig({}));
    const scope: DataScope = { all: false, schoolIds: [world.schoolA], classIds: [], studentIds: [] };
    const iconv = require('iconv-lite');
    const text = (iconv.decode(fs.readFileSync(path.join(FIXTURES, 'ok', 'scores-gbk.csv')), 'gbk') as string).replaceAll('2024-2025-1', '2030-2031-1');
    const run = () => imports.run('scores', Buffer.from(iconv.encode(text, 'gbk') as Buffer), 'scores.csv', { dryRun: false, context: { scope, actorUserId: USER } });
    const first = await plansOf(run);
    const changed = text.replace(',112.5,', ',115,');
    const again = await plansOf(() => imports.run('scores', Buffer.from(iconv.encode(changed, 'gbk') as Buffer), 'scores.csv', { dryRun: false, context: { scope, actorUserId: USER } }));
    const merges = [...first, ...again].filter((plan) => /INSERT INTO term_records/.test(plan.sql));
    expect(merges.length).toBe(2);
    for (const plan of merges) {
      expect({ sql: plan.sql, indexes: plan.indexes.filter((name) => !/student_id|pkey/.test(name)) }).toEqual({ sql: plan.sql, indexes: [] });
    }
    await db.dataSource.query(`DELETE FROM term_records WHERE term_id = $1`, [termId]);
  });

  it('a fitness import with 补测 rows (the one-retest-per-year check, the merge) reads the file’s school year only', async () => {
    const [classA] = [world.classA];
    for (const [suffix, name] of [['921', '陈静'], ['922', '刘洋'], ['923', '杨丽'], ['924', '黄敏']]) {
      const [{ id }] = await db.dataSource.query(
        `INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, $2, '2', '2011-03-05', '01', $3) RETURNING id`,
        [studentNumber('20110305', suffix), name, world.schoolA],
      );
      await db.dataSource.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [id, classA, world.term1, world.schoolA]);
    }
    const imports = new ImportsService(db.dataSource, loadConfig({}));
    const scope: DataScope = { all: false, schoolIds: [world.schoolA], classIds: [], studentIds: [] };
    const file = fs.readFileSync(path.join(FIXTURES, 'ok', 'fitness-retest.csv'));
    let report: { committed?: boolean } = {};
    const captured = await plansOf(async () => {
      report = await imports.run('fitness', file, 'fitness-retest.csv', { dryRun: false, context: { scope, actorUserId: USER } });
    });
    expect(report.committed).toBe(true);
    expect(captured.some((plan) => /min\(t2\.code\)/.test(plan.sql))).toBe(true); // the retest check ran
    expectOnly(captured, ['term_records_2024_2025_1', 'term_records_2024_2025_2']);
  });

  it('the record lists by student and term, and by school, term and indicator, read that term only', async () => {
    const records = new RecordsService(db.dataSource);
    const [math] = await db.dataSource.query(`SELECT id FROM indicators WHERE code = 'academic.exam.math'`);
    let page: { total: number } | undefined;
    const byStudent = await plansOf(async () => {
      page = await records.listTermRecords(EVERYTHING, { studentId: world.students.s1, termId: world.term1 });
    });
    expect(page!.total).toBe(2);
    expectOnly(byStudent, ['term_records_2024_2025_1']);
    const bySchool = await plansOf(async () => {
      page = await records.listTermRecords(EVERYTHING, { schoolId: world.schoolA, termId: world.term1, indicatorId: math.id });
    });
    expect(page!.total).toBeGreaterThan(0);
    expectOnly(bySchool, ['term_records_2024_2025_1']);
  });

  it('entering and correcting one value touch that term only once the record is found', async () => {
    const records = new RecordsService(db.dataSource);
    const entry = new TermRecordEntryService(db.dataSource, records);
    const [english] = await db.dataSource.query(`SELECT id FROM indicators WHERE code = 'academic.exam.english'`);
    let id = '';
    const created = await plansOf(async () => {
      ({ id } = await entry.create(EVERYTHING, USER, { studentId: world.students.s2, termId: world.term2, indicatorId: english.id, value: '91', examType: '期末', examDate: '2025-06-30' }));
    });
    // Looked up by id alone (the response read back, PUT /api/term-records/:id's first lookup):
    // each partition's primary-key index is probed once. Every other statement names the term.
    const byIdOnly = (captured: CapturedPlan[]) => captured.filter((plan) => /WHERE r\.id = \$1 AND (?!r\.term_id)/.test(plan.sql));
    expect(byIdOnly(created)).toHaveLength(1);
    expectOnly(created.filter((plan) => !byIdOnly(created).includes(plan)), ['term_records_2024_2025_2']);
    const corrected = await plansOf(() => entry.update(EVERYTHING, USER, id, { value: '93' }));
    expect(byIdOnly(corrected)).toHaveLength(2);
    const rest = corrected.filter((plan) => !byIdOnly(corrected).includes(plan));
    expect(rest).toHaveLength(4); // row lock, changed?, the version, the update
    expectOnly(rest, ['term_records_2024_2025_2']);
    expect(await db.dataSource.query(`SELECT numeric_value::text AS value, version FROM term_records WHERE id = $1`, [id])).toEqual([{ value: '93', version: 2 }]);
  });

  it('the fitness report (freshness check, recompute of the year, recount of the class counts with the screenings) reads its year and the year before only', async () => {
    await db.dataSource.query(
      `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, numeric_value, source)
       SELECT $1, s.id, $2, i.id, CASE i.code WHEN 'physical.fitness.height_cm' THEN 150 WHEN 'physical.fitness.weight_kg' THEN 42 ELSE 4.9 END, 'school_import'
       FROM unnest($3::uuid[]) s(id), indicators i WHERE i.code IN ('physical.fitness.height_cm', 'physical.fitness.weight_kg', 'physical.vision.left')`,
      [world.schoolA, world.term1, [world.students.s1, world.students.s2]],
    );
    const results = new FitnessResultsService(db.dataSource);
    const aggregates = new FitnessAggregatesService(db.dataSource, results, new FitnessClassCountsService(db.dataSource));
    const captured = await plansOf(() => aggregates.fitness(EVERYTHING, { level: 'city', schoolYear: '2024-2025' } as FitnessAggregateQueryDto));
    expect(captured.some((plan) => /^\s*DECLARE/.test(plan.sql))).toBe(true); // the year was recomputed: its records read through the cursor
    expect(captured.some((plan) => /INSERT INTO fitness_class_counts/.test(plan.sql) && /latest_screening/.test(plan.sql))).toBe(true); // the counts recounted with the screenings
    expectOnly(captured, ['term_records_2024_2025_1', 'term_records_2024_2025_2', 'term_records_2023_2024_1', 'term_records_2023_2024_2']);
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM fitness_results WHERE school_year = '2024-2025' AND student_id = ANY($1::uuid[])`, [[world.students.s1, world.students.s2]])).toEqual([{ n: 2 }]);
    expect(await db.dataSource.query(`SELECT school_id FROM fitness_result_sets WHERE school_year = '2024-2025'`)).toEqual([{ school_id: world.schoolA }]);
  });

  it('a term inserted without its trigger still takes records (DEFAULT partition); creating its partition moves them', async () => {
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    let termId = '';
    try {
      await runner.query('SET session_replication_role = replica');
      [{ id: termId }] = await runner.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2025-2026-1', '2025-2026', 1, '2025-09-01', '2026-01-20') RETURNING id`);
      await runner.query('SET session_replication_role = origin');
    } finally {
      await runner.release();
    }
    await db.dataSource.query(
      `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, numeric_value, source) SELECT $1, $2, $3, id, 1, 'system' FROM indicators WHERE code = 'academic.exam.math'`,
      [world.schoolA, world.students.s1, termId],
    );
    expect(await db.dataSource.query('SELECT tableoid::regclass::text AS partition FROM term_records WHERE term_id = $1', [termId])).toEqual([{ partition: 'term_records_default' }]);
    await db.dataSource.query('SELECT term_records_ensure_partition($1)', [termId]);
    expect(await db.dataSource.query('SELECT tableoid::regclass::text AS partition FROM term_records WHERE term_id = $1', [termId])).toEqual([{ partition: 'term_records_2025_2026_1' }]);
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM term_records_default')).toEqual([{ n: 0 }]);
  });

  it('the migration converts a table holding rows, and its down converts them back, row for row', async () => {
    const fresh = await createTestDatabase();
    const digest = async () =>
      (await fresh.dataSource.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(r::text, ',' ORDER BY r.id), '')) AS md5 FROM term_records r`)) as { n: number; md5: string }[];
    const applied = async () => ((await fresh.dataSource.query('SELECT name FROM schema_migrations')) as { name: string }[]).map((row) => row.name);
    const isPartitioned = async () => (await fresh.dataSource.query(`SELECT relkind FROM pg_class WHERE oid = 'term_records'::regclass`))[0].relkind === 'p';
    try {
      while ((await applied()).includes('PartitionTermRecords1795950100000')) await fresh.dataSource.undoLastMigration({ transaction: 'each' });
      expect(await isPartitioned()).toBe(false);
      const terms = ['2023-2024-1', '2023-2024-2', '2024-2025-1'];
      for (const [index, code] of terms.entries()) {
        await fresh.dataSource.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ($1, $2, $3, $4, $5)`, [code, code.slice(0, 9), Number(code.slice(10)), `202${3 + index}-09-01`, `202${4 + index}-01-20`]);
      }
      await fresh.dataSource.query(
        `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, numeric_value, text_value, marker, source, version)
         SELECT gen_random_uuid(), gen_random_uuid(), t.id, i.id, '', CASE WHEN n % 7 = 0 THEN NULL ELSE n % 100 END, NULL, CASE WHEN n % 7 = 0 THEN 'absent' END, 'school_import', 1 + n % 3
         FROM terms t, (SELECT id FROM indicators WHERE code LIKE 'academic.exam.%' ORDER BY code LIMIT 3) i, generate_series(1, 300) n`,
      );
      const before = await digest();
      expect(before[0].n).toBe(2700);
      await fresh.dataSource.runMigrations({ transaction: 'each' });
      expect(await isPartitioned()).toBe(true);
      expect(await digest()).toEqual(before);
      expect(await fresh.dataSource.query(`SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM term_records GROUP BY 1 ORDER BY 1`)).toEqual(
        terms.map((code) => ({ partition: `term_records_${code.replace(/-/g, '_')}`, n: 900 })),
      );
      expect(await pendingSchemaChanges(fresh.dataSource)).toEqual([]);
      while ((await applied()).includes('PartitionTermRecords1795950100000')) await fresh.dataSource.undoLastMigration({ transaction: 'each' });
      expect(await isPartitioned()).toBe(false);
      expect(await digest()).toEqual(before);
    } finally {
      await fresh.drop();
    }
  });

  it('two terms created at once in two transactions both get their partitions', async () => {
    const [a, b] = [db.dataSource.createQueryRunner(), db.dataSource.createQueryRunner()];
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.startTransaction();
      await b.startTransaction();
      await a.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2025-2026-2', '2025-2026', 2, '2026-02-20', '2026-07-10')`);
      const second = b.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2026-2027-1', '2026-2027', 1, '2026-09-01', '2027-01-20')`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await a.commitTransaction();
      await second;
      await b.commitTransaction();
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
    const names = (await db.dataSource.query(`SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'term_records'::regclass`)) as { relname: string }[];
    expect(names.map((row) => row.relname)).toEqual(expect.arrayContaining(['term_records_2025_2026_2', 'term_records_2026_2027_1']));
  });
});
