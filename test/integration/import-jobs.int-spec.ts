import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/app-config';
import { EVERYTHING } from '../../src/modules/auth/data-scope';
import { importJobHandler } from '../../src/modules/imports/import-job.handler';
import { ImportsService } from '../../src/modules/imports/imports.service';
import { Job } from '../../src/modules/jobs/entities/job.entity';
import { JobsService } from '../../src/modules/jobs/jobs.service';
import { JobsWorker } from '../../src/modules/jobs/jobs.worker';
import { createRecordWorld, FIXTURE_STUDENTS, type RecordWorld } from '../helpers/record-fixtures';
import { PROJECT_ROOT } from '../helpers/spawn-service';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'imports');

describe('import jobs (jobs table, FOR UPDATE SKIP LOCKED) and the import CLI', () => {
  let db: TestDatabase;
  let world: RecordWorld;
  let jobs: JobsService;
  let worker: JobsWorker;
  let spool: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createRecordWorld(db.dataSource);
    jobs = new JobsService(db.dataSource);
    worker = new JobsWorker(jobs);
    worker.register('import', importJobHandler(new ImportsService(db.dataSource, loadConfig({}))));
    spool = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-spool-'));
  });
  afterAll(async () => {
    fs.rmSync(spool, { recursive: true, force: true });
    await db.drop();
  });

  const spooled = (name: string, content: Buffer) => {
    const file = path.join(spool, `${Math.random().toString(36).slice(2)}-${name}`);
    fs.writeFileSync(file, content);
    return file;
  };

  it('runs a queued import: state, rows processed / total, and the report; the spooled file is removed', async () => {
    const lines = ['学籍号,学年学期,科目,考试类型,考试日期,成绩'];
    for (let day = 1; day <= 28; day += 1) for (const s of [FIXTURE_STUDENTS.s1, FIXTURE_STUDENTS.s2, FIXTURE_STUDENTS.s3]) lines.push(`${s},2024-2025-1,历史,统考,2024-10-${String(day).padStart(2, '0')},${70 + day}`);
    const file = spooled('history.csv', Buffer.from(lines.join('\r\n')));
    const queued = await jobs.enqueue('import', { kind: 'scores', path: file, fileName: 'history.csv', dryRun: false, scope: { all: false, schoolIds: [world.schoolA], classIds: [], studentIds: [] }, actorUserId: null }, { schoolId: world.schoolA });
    expect(queued.state).toBe('queued');
    (worker as unknown as { stopped: boolean }).stopped = false;
    await worker.drain();
    const done = await db.dataSource.getRepository(Job).findOneByOrFail({ id: queued.id });
    expect(done).toMatchObject({ state: 'succeeded', progressDone: 84, progressTotal: 84, error: null, attempts: 1 });
    expect(done.result).toMatchObject({ kind: 'scores', committed: true, rowCount: 84, summary: { recordsCreated: 84, recordsUpdated: 0 } });
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('an invalid file fails the job with IMPORT_INVALID and keeps the report', async () => {
    const file = spooled('bad.csv', fs.readFileSync(path.join(FIXTURES, 'not-ok', 'scores', 'value-out-of-bounds.csv')));
    const queued = await jobs.enqueue('import', { kind: 'scores', path: file, fileName: 'bad.csv', dryRun: false, scope: EVERYTHING, actorUserId: null });
    await worker.drain();
    const done = await db.dataSource.getRepository(Job).findOneByOrFail({ id: queued.id });
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({ code: 'IMPORT_INVALID' });
    expect(done.result).toMatchObject({ valid: false, errorCount: 1, errors: [expect.objectContaining({ row: 3, code: 'VALUE_OUT_OF_BOUNDS' })] });
  });

  it('two workers claiming at once never take the same job (SKIP LOCKED), and neither waits for the other', async () => {
    const a = await jobs.enqueue('probe', {});
    const b = await jobs.enqueue('probe', {});
    const claimed = await Promise.all([jobs.claimNext(['probe']), jobs.claimNext(['probe']), jobs.claimNext(['probe'])]);
    const ids = claimed.filter((job): job is Job => job !== null).map((job) => job.id).sort();
    expect(ids).toEqual([a.id, b.id].sort());
    expect(claimed.filter((job) => job === null)).toHaveLength(1);
  });

  it('a job is visible to its creator and to scopes covering its school, and 404 to others', async () => {
    const creator = '6f1c1f7e-3b7a-4c59-9d44-0a3f6a1c2b11';
    const job = await jobs.enqueue('probe', {}, { schoolId: world.schoolA, createdBy: creator });
    const none = { all: false, schoolIds: [], classIds: [], studentIds: [] };
    await expect(jobs.get(job.id, { userId: creator, scope: none })).resolves.toMatchObject({ id: job.id });
    await expect(jobs.get(job.id, { userId: 'someone', scope: { ...none, schoolIds: [world.schoolA] } })).resolves.toMatchObject({ id: job.id });
    await expect(jobs.get(job.id, { userId: 'someone', scope: { ...none, schoolIds: [world.schoolB] } })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('`wuyu import <kind> <file>` streams the file, shows a progress bar and prints the report', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js'), 'import', ...args], { env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8', timeout: 60_000 });
    const ok = run(['vision', path.join(FIXTURES, 'ok', 'vision.csv')]);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toMatch(/\[#{30}\] 100% 3\/3 rows {2}done/);
    expect(ok.stdout).toMatch(/recordsCreated=6/);
    const bad = run(['fitness', path.join(FIXTURES, 'not-ok', 'fitness', 'bad-time.csv'), '--json', '--no-progress']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('');
    expect(JSON.parse(bad.stdout)).toMatchObject({ kind: 'fitness', valid: false, errors: [{ row: 3, column: '800米跑', code: 'BAD_TIME' }] });
  });
});
