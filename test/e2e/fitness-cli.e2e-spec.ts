import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { studentNumber } from '../helpers/roster-builders';
import { PROJECT_ROOT } from '../helpers/spawn-service';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const cli = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

/**
 * `wuyu fitness:recompute` against a real PostgreSQL. One J2 girl with the worked example of
 * test/e2e/fitness.e2e-spec.ts (86.7) and one with no 800 m result (incomplete), inserted as term
 * records directly; the roster then moves the second one to a sex code the tables lack, which
 * only an explicit recompute picks up.
 */
describe('CLI fitness:recompute', () => {
  let db: TestDatabase;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    db = await createTestDatabase();
    const one = async (sql: string, params: unknown[] = []) => ((await db.dataSource.query(sql, params)) as { id: string }[])[0].id;
    ids.city = await one("INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id");
    ids.school = await one("INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030201', '一中', 'junior', $1) RETURNING id", [ids.city]);
    ids.term = await one("INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id");
    ids.class = await one("INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J2', '1班') RETURNING id", [ids.school]);
    const values: Record<string, number> = { height_cm: 158, weight_kg: 56, vital_capacity: 2450, run_50m: 9.0, sit_and_reach: 15.0, sit_up_1min: 52, standing_long_jump: 170, run_800m: 199 };
    for (const [key, sequence] of [['complete', '801'], ['partial', '802']] as const) {
      ids[key] = await one("INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '学生', '2', '2011-03-05', '01', $2) RETURNING id", [studentNumber('20110305', sequence), ids.school]);
      await db.dataSource.query('INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)', [ids[key], ids.class, ids.term, ids.school]);
      for (const [input, value] of Object.entries(values)) {
        if (key === 'partial' && input === 'run_800m') continue;
        await db.dataSource.query(
          `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, numeric_value, source)
           SELECT $1, $2, $3, id, $4, 'school_import' FROM indicators WHERE code = $5`,
          [ids.school, ids[key], ids.term, value, `physical.fitness.${input}`],
        );
      }
    }
  });
  afterAll(() => db.drop());

  const stored = async () =>
    (await db.dataSource.query('SELECT student_id, status, total::float8 AS total, sex, missing, reason FROM fitness_results ORDER BY student_id')) as { student_id: string; status: string; total: number | null; sex: string | null; missing: string[]; reason: string | null }[];

  it('recomputes every school of the year, then the school given after a roster change; bad input exits 2 and writes nothing', async () => {
    const first = cli(['fitness:recompute', '--school-year', '2024-2025'], { DATABASE_URL: db.url });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^fitness 2024-2025: 2 results at 1 schools \(scored 1, incomplete 1, exempt 0, deferred 0\); tables gb-student-fitness-2014\+[0-9a-f]{12}\n$/);
    const byStudent = new Map((await stored()).map((row) => [row.student_id, row]));
    expect(byStudent.get(ids.complete)).toMatchObject({ status: 'scored', total: 86.7, sex: 'F' });
    expect(byStudent.get(ids.partial)).toMatchObject({ status: 'incomplete', total: null, missing: ['run_800m'] });

    await db.dataSource.query("UPDATE students SET sex_code = '9' WHERE id = $1", [ids.complete]);
    const again = cli(['fitness:recompute', '--school-year', '2024-2025', '--school-code', '3115030201'], { DATABASE_URL: db.url });
    expect(again.status).toBe(0);
    expect((await stored()).find((row) => row.student_id === ids.complete)).toMatchObject({ status: 'incomplete', total: null, sex: null });

    const before = await stored();
    const badYear = cli(['fitness:recompute', '--school-year', '2024-2026'], { DATABASE_URL: db.url });
    expect(badYear.status).toBe(2);
    expect(badYear.stderr).toMatch(/INVALID_SCHOOL_YEAR/);
    const badSchool = cli(['fitness:recompute', '--school-year', '2024-2025', '--school-code', '9999999999'], { DATABASE_URL: db.url });
    expect(badSchool.status).toBe(2);
    expect(badSchool.stderr).toMatch(/UNKNOWN_SCHOOL.*9999999999/);
    expect(await stored()).toEqual(before);
  });
});
