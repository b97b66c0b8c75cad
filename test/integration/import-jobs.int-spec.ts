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
    expect({ status: bad.status, stderr: bad.stderr }).toEqual({ status: 2, stderr: '' });
    expect(bad.stderr).toBe('');
    expect(JSON.parse(bad.stdout)).toMatchObject({ kind: 'fitness', valid: false, errors: [{ row: 3, column: '800米跑', code: 'BAD_TIME' }] });
  });

  it('a CLI import records the same import job row as an uploaded one: state, rows, the report or the error; the file is left alone', async () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js'), 'import', ...args], { env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8', timeout: 60_000 });
    const cliJobs = () => db.dataSource.getRepository(Job).find({ where: { type: 'import' }, order: { createdAt: 'ASC' } }).then((list) => list.filter((job) => job.payload.origin === 'cli'));
    const before = (await cliJobs()).length;
    const file = path.join(FIXTURES, 'ok', 'art.csv');
    const ok = run(['art', file, '--json', '--no-progress']);
    expect(ok.status).toBe(0);
    const okReport = JSON.parse(ok.stdout);
    const bad = run(['fitness', path.join(FIXTURES, 'not-ok', 'fitness', 'exemption-without-reason.csv'), '--no-progress']);
    expect(bad.status).toBe(2);
    const unknown = run(['nonsense', file]);
    expect(unknown.status).not.toBe(0);
    const recorded = (await cliJobs()).slice(before);
    expect(recorded).toHaveLength(2); // the unknown kind wrote no job row
    const [done, failed] = recorded;
    expect(okReport.jobId).toBe(done.id);
    expect(done).toMatchObject({ state: 'succeeded', progressDone: 2, progressTotal: 2, error: null, attempts: 1, schoolId: null, createdBy: null, leaseExpiresAt: null });
    expect(done.payload).toMatchObject({ kind: 'art', fileName: 'art.csv', dryRun: false, origin: 'cli' });
    const { jobId: _jobId, ...report } = okReport;
    expect(done.result).toEqual(report);
    expect(done.result).toMatchObject({ committed: true, summary: { recordsCreated: 6, recordsUpdated: 0 } });
    expect(done.workerId).toMatch(/:\d+:[0-9a-f]{8}$/);
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(bad.stdout).toContain(`job       ${failed.id}`);
    expect(failed).toMatchObject({ state: 'failed', error: expect.objectContaining({ code: 'IMPORT_INVALID' }) });
    expect(failed.result).toMatchObject({ kind: 'fitness', valid: false, errors: [expect.objectContaining({ row: 4, code: 'EXEMPTION_REASON_REQUIRED' })] });
    expect(fs.existsSync(file)).toBe(true);
  });

  it('the job list shows each viewer the jobs they may see, newest first: CLI imports to city-wide scopes', async () => {
    const none = { all: false, schoolIds: [], classIds: [], studentIds: [] };
    const someone = 'c5a0f0d4-2a7e-4d1b-9b8e-3f0e7c1d2a55';
    const all = await jobs.list({ userId: someone, scope: EVERYTHING }, { type: 'import' });
    const everyImport = await db.dataSource.getRepository(Job).find({ where: { type: 'import' }, order: { createdAt: 'DESC', id: 'ASC' } });
    expect(all.total).toBe(everyImport.length);
    expect(all.items.map((job) => job.id)).toEqual(everyImport.map((job) => job.id));
    expect(all.items.some((job) => job.payload.origin === 'cli')).toBe(true);
    const schoolA = await jobs.list({ userId: someone, scope: { ...none, schoolIds: [world.schoolA] } }, { type: 'import' });
    expect(schoolA.items.length).toBeGreaterThan(0);
    expect(schoolA.items.every((job) => job.schoolId === world.schoolA)).toBe(true);
    expect((await jobs.list({ userId: someone, scope: { ...none, schoolIds: [world.schoolB] } }, {})).total).toBe(0);
    const failed = await jobs.list({ userId: someone, scope: EVERYTHING }, { type: 'import', state: 'failed', pageSize: 1 });
    expect(failed).toMatchObject({ page: 1, pageSize: 1, total: everyImport.filter((job) => job.state === 'failed').length });
    expect(failed.items).toHaveLength(1);
  });
});
