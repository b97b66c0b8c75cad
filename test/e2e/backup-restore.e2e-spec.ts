import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Client } from 'pg';
import { APP_CONFIG, type AppConfig } from '../../src/config/app-config';
import { SEEDED_TABLES } from '../../src/database/backup/backup';
import { signedInAs } from '../helpers/auth';
import { createRecordWorld, FIXTURE_STUDENTS } from '../helpers/record-fixtures';
import { PROJECT_ROOT } from '../helpers/spawn-service';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { createTestDatabase } from '../helpers/test-database';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A database with no tables at all (restore migrates it first), on the test server. */
async function blankDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wuyu_restore_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: process.env.WUYU_TEST_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  await admin.end();
  const url = new URL(process.env.WUYU_TEST_ADMIN_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: process.env.WUYU_TEST_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** md5 of every row of every table (text form, sorted), computed by PostgreSQL: independent of the backup code. */
async function tableDigests(url: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query(`SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') ORDER BY relname`)).rows.map((row) => row.relname as string);
    const digests: Record<string, string> = {};
    for (const table of tables) {
      const { rows } = await client.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM "${table}" t`);
      digests[table] = `${rows[0].n}:${rows[0].digest}`;
    }
    return digests;
  } finally {
    await client.end();
  }
}

function filesOf(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {};
  const result: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true }).map(String)) {
    const full = path.join(dir, entry);
    if (fs.statSync(full).isFile()) result[entry] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  }
  return result;
}

function cli(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js'), ...args], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Issue 10, point 4: `wuyu backup <file>` and `wuyu restore <file>` (ADR 1004). A populated
 * database and its evidence store are backed up, restored into a new, empty database and data
 * directory, and every table's digest and every evidence file match. Restore refuses a non-empty
 * target and another schema version, and a damaged backup leaves the target untouched.
 */
describe('backup and restore', () => {
  jest.setTimeout(180_000);
  let t: TestApp;
  let sourceDataDir: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-backup-'));
  const backupFile = path.join(work, 'wuyu.backup');
  const blanks: { drop(): Promise<void> }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    sourceDataDir = t.app.get<symbol, AppConfig>(APP_CONFIG).dataDir;
    const db = t.db.dataSource;
    const world = await createRecordWorld(db);
    // Term records through the real import, a custom indicator, 写实记录 with evidence, users, roles, audit events.
    const lines = ['学籍号,学年学期,科目,考试类型,考试日期,成绩'];
    for (const student of [FIXTURE_STUDENTS.s1, FIXTURE_STUDENTS.s2, FIXTURE_STUDENTS.s3]) for (let day = 1; day <= 20; day += 1) lines.push(`${student},2024-2025-1,历史,统考,2024-10-${String(day).padStart(2, '0')},${60 + day}.5`);
    await t.admin.post('/api/imports/scores').attach('file', Buffer.from(lines.join('\n')), '历史.csv').expect(201);
    await t.admin.post('/api/indicators').send({ code: 'moral.backup_test', dimension: 'moral', nameZh: '备份测试', nameEn: 'Backup test', valueType: 'boolean' }).expect(201);
    const [activity] = await db.query(
      `INSERT INTO activity_records (school_id, student_id, term_id, dimension, record_type, title, start_date, source, status)
       VALUES ($1, $2, $3, 'moral', '志愿服务', '敬老院志愿服务', '2024-10-01', 'school_import', 'VERIFIED') RETURNING id`,
      [world.schoolA, world.students.s1, world.term1],
    );
    for (const label of ['photo one', 'photo two', '照片三']) await t.admin.post(`/api/activity-records/${activity.id}/evidence`).attach('file', Buffer.concat([PNG, Buffer.from(label)]), 'p.png').expect(201);
    const officer = await signedInAs(t.app, db, [{ role: 'district_officer', regionId: (await db.query(`SELECT id FROM regions WHERE level = 'district'`))[0].id }]);
    await officer.get(`/api/term-records?termId=${world.term1}`).expect(200);
  });
  afterAll(async () => {
    await t.close();
    for (const blank of blanks) await blank.drop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('restores into an empty database every table and every evidence file exactly', async () => {
    const before = await tableDigests(t.db.url);
    expect(Number(before.term_records.split(':')[0])).toBe(60);
    expect(Number(before.evidence_files.split(':')[0])).toBe(3);
    expect(Number(before.audit_events.split(':')[0])).toBeGreaterThan(0);
    const made = cli(['backup', backupFile], { DATABASE_URL: t.db.url, WUYU_DATA_DIR: sourceDataDir });
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/backup written to .*: \d+ tables, \d+ rows, 3 evidence files/);
    // Refuses to overwrite a file.
    expect(cli(['backup', backupFile], { DATABASE_URL: t.db.url, WUYU_DATA_DIR: sourceDataDir }).stderr).toMatch(/FILE_EXISTS/);

    const blank = await blankDatabase();
    blanks.push(blank);
    const targetDataDir = path.join(work, 'restored-data');
    const restored = cli(['restore', backupFile], { DATABASE_URL: blank.url, WUYU_DATA_DIR: targetDataDir });
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    expect(await tableDigests(blank.url)).toEqual(before);
    expect(filesOf(path.join(targetDataDir, 'evidence'))).toEqual(filesOf(path.join(sourceDataDir, 'evidence')));
    expect(Object.keys(filesOf(path.join(targetDataDir, 'evidence')))).toHaveLength(3);
    // The restored sequence goes on where the source stopped (no duplicate audit ids).
    const client = new Client({ connectionString: blank.url });
    await client.connect();
    const [{ next }] = (await client.query(`SELECT nextval('audit_events_id_seq')::int AS next`)).rows;
    const [{ max }] = (await client.query(`SELECT max(id)::int AS max FROM audit_events`)).rows;
    await client.end();
    expect(next).toBe(max + 1);

    // A second restore into the now populated database is refused and changes nothing.
    const again = cli(['restore', backupFile], { DATABASE_URL: blank.url, WUYU_DATA_DIR: targetDataDir });
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/TARGET_NOT_EMPTY/);
    expect(await tableDigests(blank.url)).toEqual(before);
  });

  it('refuses a backup of another schema version, and a damaged backup leaves the target as it was', async () => {
    // Another schema version: the same backup with one migration fewer in its header.
    const lines = zlib.gunzipSync(fs.readFileSync(backupFile));
    const newline = lines.indexOf(10);
    const header = JSON.parse(lines.subarray(0, newline).toString('utf8'));
    header.migrations = header.migrations.slice(0, -1);
    const older = path.join(work, 'older.backup');
    fs.writeFileSync(older, zlib.gzipSync(Buffer.concat([Buffer.from(JSON.stringify(header)), lines.subarray(newline)])));

    // Damaged: cut off in the middle of its evidence files.
    const truncated = path.join(work, 'truncated.backup');
    fs.writeFileSync(truncated, zlib.gzipSync(lines.subarray(0, lines.length - 40)));
    const junk = path.join(work, 'junk.backup');
    fs.writeFileSync(junk, randomBytes(4096));

    for (const [file, code] of [[older, 'SCHEMA_VERSION_MISMATCH'], [truncated, 'NOT_A_BACKUP'], [junk, 'NOT_A_BACKUP']] as const) {
      const target = await createTestDatabase(); // migrated, only the seeded reference rows
      await target.dataSource.destroy();
      const empty = await tableDigests(target.url);
      const dataDir = path.join(work, `data-${code}-${path.basename(file)}`);
      const result = cli(['restore', file], { DATABASE_URL: target.url, WUYU_DATA_DIR: dataDir });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(code);
      expect(await tableDigests(target.url)).toEqual(empty);
      expect(filesOf(path.join(dataDir, 'evidence'))).toEqual({});
      await target.drop();
    }
  });

  it('names exactly the tables that migrations seed as the ones a restore target may hold', async () => {
    const target = await createTestDatabase();
    try {
      const digests = await tableDigests(target.url);
      const filled = Object.entries(digests)
        .filter(([table, digest]) => table !== 'schema_migrations' && !digest.startsWith('0:'))
        .map(([table]) => table)
        .sort();
      expect(filled).toEqual([...SEEDED_TABLES].sort());
    } finally {
      await target.drop();
    }
  });
});
