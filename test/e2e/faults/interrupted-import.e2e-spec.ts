import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createUser, TEST_PASSWORD } from '../../helpers/auth';
import { createRecordWorld, type RecordWorld } from '../../helpers/record-fixtures';
import { studentNumber } from '../../helpers/roster-builders';
import { killLeftoverServices, type RunningService, startService } from '../../helpers/spawn-service';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { TEST_AUTH_SECRET } from '../../helpers/test-app';

/**
 * Issue 10, fault 1: the app is killed with SIGKILL in the middle of a large import. The
 * import's transaction dies with its connection, so the database holds none of the file; the
 * job left `running` is failed as INTERRUPTED once its lease expires (JOB_LEASE_SECONDS, 2 s
 * here); a retry imports the whole file from the spooled copy.
 */
jest.setTimeout(180_000);

const STUDENTS = 1500;
const DATES = 40;
const SUBJECTS = ['历史', '地理'];
const ROWS = STUDENTS * DATES * SUBJECTS.length; // 120,000

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('SIGKILL in the middle of a large import', () => {
  let db: TestDatabase;
  let world: RecordWorld;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-fault-import-'));
  const env = () => ({ ...process.env, DATABASE_URL: db.url, WUYU_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error', AUTH_SECRET: TEST_AUTH_SECRET, JOB_LEASE_SECONDS: '2' });
  const count = async (table: string) => Number((await db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createRecordWorld(db.dataSource);
    const numbers = Array.from({ length: STUDENTS }, (_, i) => studentNumber(`2012${String(1 + (i % 12)).padStart(2, '0')}${String(1 + Math.floor(i / 12) % 28).padStart(2, '0')}`, String(100 + Math.floor(i / 336)).padStart(3, '0')));
    expect(new Set(numbers).size).toBe(STUDENTS);
    await db.dataSource.query(
      `WITH s AS (INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id)
                  SELECT n, '学生', '1', '2012-03-05', '01', $2 FROM unnest($1::text[]) AS n RETURNING id)
       INSERT INTO enrolments (student_id, class_id, term_id, school_id) SELECT id, $3, $4, $2 FROM s`,
      [numbers, world.schoolA, world.classA, world.term1],
    );
    const lines = ['学籍号,学年学期,科目,考试类型,考试日期,成绩'];
    for (const number of numbers) {
      for (let d = 0; d < DATES; d += 1) {
        const date = `2024-${d < 30 ? '10' : '11'}-${String(1 + (d % 30)).padStart(2, '0')}`;
        for (const subject of SUBJECTS) lines.push(`${number},2024-2025-1,${subject},统考,${date},${60 + ((d * 7) % 40)}`);
      }
    }
    fs.writeFileSync(path.join(dataDir, 'big.csv'), lines.join('\n'));
    await createUser(db.dataSource, [{ role: 'city_admin' }], 'fault-admin');
  });
  afterAll(async () => {
    await killLeftoverServices();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signIn(service: RunningService): Promise<Record<string, string>> {
    const response = await fetch(`${service.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'fault-admin', password: TEST_PASSWORD }) });
    expect(response.status).toBe(200);
    return { authorization: `Bearer ${((await response.json()) as { accessToken: string }).accessToken}` };
  }

  it('keeps none of the file, shows the job as failed (INTERRUPTED) after the restart, and a retry imports all of it', async () => {
    const first = await startService(env());
    const auth = await signIn(first);
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(path.join(dataDir, 'big.csv'))]), 'big.csv');
    const accepted = await fetch(`${first.url}/api/imports/scores/jobs`, { method: 'POST', headers: auth, body: form });
    expect(accepted.status).toBe(202);
    const jobId = ((await accepted.json()) as { id: string }).id;

    // Kill it once the job has streamed a good part of the file into its transaction.
    const seen = await waitFor('the import to be under way', async () => {
      const job = (await (await fetch(`${first.url}/api/jobs/${jobId}`, { headers: auth })).json()) as { state: string; progress: { done: number } };
      return job.state === 'running' && job.progress.done >= 20_000 ? job : undefined;
    });
    expect(seen.progress.done).toBeLessThan(ROWS);
    await first.stop('SIGKILL');

    // Nothing of the file is in the database; the job row still says running (its process is gone).
    expect(await count('term_records')).toBe(0);
    expect(await count('import_batches')).toBe(0);
    expect((await db.dataSource.query(`SELECT state FROM jobs WHERE id = $1`, [jobId]))[0].state).toBe('running');

    const second = await startService(env());
    const auth2 = await signIn(second);
    const failed = await waitFor('the dead job to be failed', async () => {
      const job = (await (await fetch(`${second.url}/api/jobs/${jobId}`, { headers: auth2 })).json()) as { state: string; error: { code: string; messageZh: string } | null };
      return job.state === 'failed' ? job : undefined;
    });
    expect(failed.error).toMatchObject({ code: 'INTERRUPTED' });
    expect(failed.error!.messageZh).toMatch(/重试/);
    expect(await count('term_records')).toBe(0);

    // A job that did not fail by interruption cannot be retried; this one can.
    const retried = await fetch(`${second.url}/api/jobs/${jobId}/retry`, { method: 'POST', headers: auth2 });
    expect(retried.status).toBe(202);
    expect(((await retried.json()) as { state: string }).state).toBe('queued');
    const done = await waitFor(
      'the retried import to finish',
      async () => {
        const job = (await (await fetch(`${second.url}/api/jobs/${jobId}`, { headers: auth2 })).json()) as { state: string; result: { rowCount: number; committed: boolean } | null; error: unknown };
        return job.state === 'succeeded' || job.state === 'failed' ? job : undefined;
      },
      120_000,
    );
    expect(done).toMatchObject({ state: 'succeeded', error: null, result: { rowCount: ROWS, committed: true } });
    expect(await count('term_records')).toBe(ROWS);
    expect(await count('import_batches')).toBe(1);
    const again = await fetch(`${second.url}/api/jobs/${jobId}/retry`, { method: 'POST', headers: auth2 });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('JOB_NOT_RETRYABLE');
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
