import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Client } from 'pg';
import * as path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';
import { PROJECT_ROOT } from '../helpers/spawn-service';

const cli = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

// Each test spawns several CLI processes one after another (each loads Nest and TypeORM): on a
// loaded 2-core machine one start can take 20 s, so the default 60 s per test is too tight.
jest.setTimeout(240_000);

const fixture = (kind: 'ok' | 'not-ok', name: string) => path.join(PROJECT_ROOT, 'test', 'fixtures', 'imports', kind, name);

describe('CLI (npm run wuyu -- …) against a real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    const [city] = await db.dataSource.query("INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id");
    const [district] = await db.dataSource.query("INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id", [city.id]);
    await db.dataSource.query("INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030201', '一中', 'junior', $1)", [district.id]);
    await db.dataSource.query("INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20')");
  });
  afterAll(() => db.drop());

  it('migrate reports an up-to-date schema; schema:check finds no drift', () => {
    const migrate = cli(['migrate'], { DATABASE_URL: db.url });
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toContain('schema is up to date');
    const check = cli(['schema:check'], { DATABASE_URL: db.url });
    expect(check.stdout).toContain('entities and migrations agree');
    expect(check.status).toBe(0);
  });

  it('roster:import --dry-run reports and writes nothing; a real import writes; a bad file exits 2 with row errors', async () => {
    const dry = cli(['roster:import', fixture('ok', 'roster-gbk.csv'), '--dry-run'], { DATABASE_URL: db.url });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/valid \(dry run, nothing written\)/);
    expect((await db.dataSource.query('SELECT count(*)::int AS n FROM students'))[0].n).toBe(0);

    const real = cli(['roster:import', fixture('ok', 'roster.xlsx')], { DATABASE_URL: db.url });
    expect(real.status).toBe(0);
    expect(real.stdout).toMatch(/studentsCreated=5/);
    expect((await db.dataSource.query('SELECT count(*)::int AS n FROM students'))[0].n).toBe(5);

    const bad = cli(['import', 'roster', fixture('not-ok', 'bad-check-digit.csv')], { DATABASE_URL: db.url });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toMatch(/row 3, column 学籍号: \[STUDENT_NUMBER_BAD_CHECK_DIGIT\]/);

    const missing = cli(['roster:import', '/no/such/file.csv'], { DATABASE_URL: db.url });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/FILE_NOT_FOUND/);
  });
});

describe('CLI demo:load into a brand-new database', () => {
  it('migrates it first (as npm start does), then loads the small demo city and prints the accounts', async () => {
    const name = `wuyu_cli_demo_${process.pid}_${Date.now()}`;
    const admin = new Client({ connectionString: process.env.WUYU_TEST_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.WUYU_TEST_ADMIN_URL!);
    url.pathname = `/${name}`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-cli-demo-'));
    try {
      const load = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js'), 'demo:load', '--scale', 'small', '--seed', '3'], {
        env: { ...process.env, DATABASE_URL: url.toString(), WUYU_DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 200_000,
      });
      expect(load.stderr).not.toContain('QueryFailedError');
      expect(load.status).toBe(0);
      expect(load.stdout).toMatch(/^loaded \d+ rows in /m);
      expect(load.stdout).toContain('demo.city');
      const again = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js'), 'demo:load', '--scale', 'small', '--seed', '3'], {
        env: { ...process.env, DATABASE_URL: url.toString(), WUYU_DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(again.status).not.toBe(0);
      expect(again.stderr).toContain('DATABASE_NOT_EMPTY');
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
