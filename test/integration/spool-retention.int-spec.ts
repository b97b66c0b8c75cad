import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { APP_CONFIG, type AppConfig } from '../../src/config/app-config';
import { INTERRUPTED } from '../../src/modules/jobs/jobs.service';
import { JobsWorker } from '../../src/modules/jobs/jobs.worker';
import { Scheduler } from '../../src/modules/jobs/scheduler';
import { SPOOL_FOLDER, SPOOL_RETENTION_TASK } from '../../src/modules/jobs/spool-retention';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Spool retention (ADR 0814) with real files: SPOOL_RETENTION_DAYS (3 here) after a job finished
 * its spooled upload goes; a queued, running or still-retryable job's file never does; an
 * interrupted import past retention stops being retryable before its file is removed; a file no
 * job names goes once it is as old; files outside the spool folder are never touched.
 */
describe('scheduler: spooled uploads of finished jobs are removed after the retention period', () => {
  let t: TestApp;
  let spool: string;
  let scheduler: Scheduler;
  const files: Record<string, string> = {};
  const jobs: Record<string, string> = {};
  const operatorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-operator-'));

  const write = (key: string, dir = spool) => {
    const file = path.join(dir, `${key}-${Math.random().toString(16).slice(2)}.upload`);
    fs.writeFileSync(file, `学籍号,姓名\n${key}\n`);
    files[key] = file;
    return file;
  };
  const job = async (key: string, state: string, options: { daysAgo?: number; error?: Record<string, unknown> | null; origin?: 'cli'; file?: string } = {}) => {
    const file = options.file ?? write(key);
    const payload = { kind: 'scores', path: file, fileName: 'x.csv', dryRun: false, scope: { all: true, schoolIds: [], classIds: [], studentIds: [] }, actorUserId: null, ...(options.origin ? { origin: options.origin } : {}) };
    const finished = state === 'succeeded' || state === 'failed';
    const [row] = await t.db.dataSource.query(
      `INSERT INTO jobs (type, state, payload, error, created_at, started_at, finished_at, lease_expires_at)
       VALUES ('import', $1::varchar, $2::jsonb, $3::jsonb, now() - make_interval(days => $4::int + 1), now() - make_interval(days => $4::int + 1), CASE WHEN $5::boolean THEN now() - make_interval(days => $4::int) END,
               CASE WHEN $1::varchar = 'running' THEN now() + interval '1 hour' END) RETURNING id`,
      [state, JSON.stringify(payload), options.error ? JSON.stringify(options.error) : null, options.daysAgo ?? 0, finished],
    );
    jobs[key] = row.id;
  };
  const exists = (key: string) => fs.existsSync(files[key]);

  beforeAll(async () => {
    t = await startTestApp({ spoolRetentionDays: 3 });
    scheduler = t.app.get(Scheduler);
    // The app's worker would run the queued job of this test (and remove its file as any finished job does): stop it.
    await t.app.get(JobsWorker).onApplicationShutdown();
    spool = path.join(t.app.get<symbol, AppConfig>(APP_CONFIG).dataDir, SPOOL_FOLDER);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    fs.rmSync(operatorDir, { recursive: true, force: true });
  });

  it('removes what is past retention and nothing anyone may still need', async () => {
    fs.mkdirSync(spool, { recursive: true });
    await job('succeededOld', 'succeeded', { daysAgo: 4 });
    await job('succeededRecent', 'succeeded', { daysAgo: 2 });
    await job('invalidOld', 'failed', { daysAgo: 4, error: { code: 'IMPORT_INVALID', message: 'x', messageZh: 'x' } });
    await job('queuedOld', 'queued', { daysAgo: 30 });
    await job('runningOld', 'running', { daysAgo: 30 });
    await job('interruptedOld', 'failed', { daysAgo: 4, error: { ...INTERRUPTED } });
    await job('interruptedRecent', 'failed', { daysAgo: 1, error: { ...INTERRUPTED } });
    await job('cliOld', 'succeeded', { daysAgo: 40, origin: 'cli', file: write('cliOld', operatorDir) });
    await job('cliInterruptedOld', 'failed', { daysAgo: 40, origin: 'cli', error: { ...INTERRUPTED }, file: write('cliInterruptedOld', operatorDir) });
    write('orphanOld');
    const fourDaysAgo = new Date(Date.now() - 4 * 86_400_000);
    fs.utimesSync(files.orphanOld, fourDaysAgo, fourDaysAgo);
    write('orphanFresh'); // spooled a moment ago; its job row may be on its way

    const outcome = await scheduler.runTask(SPOOL_RETENTION_TASK);
    expect(outcome.ran).toBe(true);
    const result = (outcome as unknown as { result: { retryExpired: string[]; removed: string[] } }).result;
    expect(result.retryExpired).toEqual([jobs.interruptedOld]);
    expect(result.removed.sort()).toEqual(['succeededOld', 'invalidOld', 'interruptedOld', 'orphanOld'].map((key) => path.basename(files[key])).sort());

    for (const key of ['succeededOld', 'invalidOld', 'interruptedOld', 'orphanOld']) expect({ key, exists: exists(key) }).toEqual({ key, exists: false });
    for (const key of ['succeededRecent', 'queuedOld', 'runningOld', 'interruptedRecent', 'cliOld', 'cliInterruptedOld', 'orphanFresh']) expect({ key, exists: exists(key) }).toEqual({ key, exists: true });

    // Job rows are all kept (audit); the expired one says since when it cannot be retried.
    expect((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM jobs`))[0].n).toBe(9);
    const [expired] = await t.db.dataSource.query(`SELECT state, error FROM jobs WHERE id = $1`, [jobs.interruptedOld]);
    expect(expired).toMatchObject({ state: 'failed', error: { code: 'INTERRUPTED', retryExpiredAt: expect.any(String) } });
    const [recent] = await t.db.dataSource.query(`SELECT error FROM jobs WHERE id = $1`, [jobs.interruptedRecent]);
    expect(recent.error.retryExpiredAt).toBeUndefined();
  });

  it('is idempotent: a second round removes nothing more', async () => {
    const before = fs.readdirSync(spool).sort();
    expect(await scheduler.runTask(SPOOL_RETENTION_TASK)).toEqual({ ran: true, result: { retryExpired: [], removed: [] } });
    expect(fs.readdirSync(spool).sort()).toEqual(before);
  });
  it('refuses to retry the expired job (409, nothing changes) and still retries a recent one', async () => {
    const refused = await t.admin.post(`/api/jobs/${jobs.interruptedOld}/retry`).expect(409);
    expect(refused.body).toMatchObject({ code: 'JOB_NOT_RETRYABLE', details: { code: 'INTERRUPTED', retryExpiredAt: expect.any(String) }, messageZh: expect.stringContaining('请重新上传') });
    expect((await t.db.dataSource.query(`SELECT state FROM jobs WHERE id = $1`, [jobs.interruptedOld]))[0].state).toBe('failed');
    const retried = await t.admin.post(`/api/jobs/${jobs.interruptedRecent}/retry`).expect(202);
    expect(retried.body.state).toBe('queued');
  });

});
