import { JobsWorker } from '../../../src/modules/jobs/jobs.worker';
import { studentNumber } from '../../helpers/roster-builders';
import { startTestApp, type TestApp } from '../../helpers/test-app';

/**
 * Issue 10, fault 5: a value-added run whose process died mid-run. A SIGKILL leaves exactly
 * this in the database: the job `running` under a lease nobody renews, the run `running`, and
 * no result rows (they are written in the transaction that marks the run succeeded). The sweep
 * fails both with INTERRUPTED, the run shows no groups, and a retry computes the same results
 * as an uninterrupted run of the same study.
 */
describe('an interrupted model run', () => {
  let t: TestApp;
  let worker: JobsWorker;
  let studyId: string;
  let termId: string;

  beforeAll(async () => {
    t = await startTestApp();
    worker = t.app.get(JobsWorker);
    const db = t.db.dataSource;
    const [city] = await db.query(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
    [{ id: termId }] = await db.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id`);
    const [{ id: math }] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.math'`);
    let sequence = 100;
    for (let s = 0; s < 3; s += 1) {
      const [school] = await db.query(`INSERT INTO schools (code, name, stage, region_id) VALUES ($1, $2, 'junior', $3) RETURNING id`, [`311503020${s + 1}`, `第${s + 1}中学`, city.id]);
      const [klass] = await db.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '1班') RETURNING id`, [school.id]);
      for (let i = 0; i < 15; i += 1) {
        sequence += 1;
        const [student] = await db.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '学生', '1', '2012-03-05', '01', $2) RETURNING id`, [studentNumber('20120305', String(sequence)), school.id]);
        await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [student.id, klass.id, termId, school.id]);
        const prior = 50 + ((i * 37 + s * 11) % 40);
        const outcome = 5 + 0.9 * prior + 3 * (s - 1) + ((i * 13) % 7) - 3;
        for (const [key, type, date, value] of [['midterm|2024-11-10', 'midterm', '2024-11-10', prior], ['final|2025-01-15', 'final', '2025-01-15', outcome]] as const) {
          await db.query(
            `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 100, 'school_import')`,
            [school.id, student.id, termId, math, key, type, date, value],
          );
        }
      }
    }
    const study = await t.admin
      .post('/api/value-added/studies')
      .send({
        name: '中断测试',
        outcome: { termId, examType: 'final', examDate: '2025-01-15', subject: 'academic.exam.math' },
        priors: [{ termId, examType: 'midterm', examDate: '2024-11-10', subject: 'academic.exam.math' }],
        covariates: [],
        grouping: 'school',
        model: 'ols',
        minGroupSize: 5,
      })
      .expect(201);
    studyId = study.body.id;
  }, 120_000);
  afterAll(() => t.close());

  async function settled(jobId: string): Promise<{ state: string; error: { code: string } | null }> {
    for (let attempt = 0; attempt < 240; attempt += 1) {
      const job = await t.admin.get(`/api/jobs/${jobId}`).expect(200);
      if (job.body.state === 'succeeded' || job.body.state === 'failed') return job.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  it('shows no partial results, is failed as INTERRUPTED, and a retry gives the results of an uninterrupted run', async () => {
    // Reference: an uninterrupted run.
    const reference = await t.admin.post(`/api/value-added/studies/${studyId}/runs`).send({}).expect(202);
    expect((await settled(reference.body.jobId)).state).toBe('succeeded');
    const expected = (await t.admin.get(`/api/value-added/runs/${reference.body.id}`).expect(200)).body;
    expect(expected.groups).toHaveLength(3);

    // A process claims the next run and dies: stop this worker, then leave the state a SIGKILL leaves.
    await worker.onApplicationShutdown();
    const created = await t.admin.post(`/api/value-added/studies/${studyId}/runs`).send({}).expect(202);
    await t.db.dataSource.query(`UPDATE jobs SET state = 'running', attempts = 1, started_at = now(), lease_expires_at = now() - interval '1 second', worker_id = 'dead:1:x' WHERE id = $1`, [created.body.jobId]);
    await t.db.dataSource.query(`UPDATE value_added_runs SET state = 'running' WHERE id = $1`, [created.body.id]);

    // While it "runs", readers see the run without any group rows.
    const during = (await t.admin.get(`/api/value-added/runs/${created.body.id}`).expect(200)).body;
    expect(during).toMatchObject({ state: 'running', summary: null });
    expect(during.groups).toEqual([]);
    const retryTooEarly = await t.admin.post(`/api/jobs/${created.body.jobId}/retry`).expect(409);
    expect(retryTooEarly.body.code).toBe('JOB_NOT_RETRYABLE');

    const swept = await worker.sweepExpiredLeases();
    expect(swept.map((job) => job.id)).toEqual([created.body.jobId]);
    const failedJob = (await t.admin.get(`/api/jobs/${created.body.jobId}`).expect(200)).body;
    expect(failedJob).toMatchObject({ state: 'failed', error: { code: 'INTERRUPTED' } });
    const failedRun = (await t.admin.get(`/api/value-added/runs/${created.body.id}`).expect(200)).body;
    expect(failedRun).toMatchObject({ state: 'failed', error: { code: 'INTERRUPTED' }, summary: null });
    expect(failedRun.groups).toEqual([]);
    expect(Number((await t.db.dataSource.query(`SELECT count(*) AS n FROM value_added_group_results WHERE run_id = $1`, [created.body.id]))[0].n)).toBe(0);

    // Retried (worker running again): the same results as the uninterrupted run.
    worker.onApplicationBootstrap();
    const retried = await t.admin.post(`/api/jobs/${created.body.jobId}/retry`).expect(202);
    expect(retried.body.state).toBe('queued');
    // The run left `failed` at once (queued again, or already picked up by the worker).
    expect(['queued', 'running', 'succeeded']).toContain((await t.admin.get(`/api/value-added/runs/${created.body.id}`).expect(200)).body.state);
    expect((await settled(created.body.jobId)).state).toBe('succeeded');
    const rerun = (await t.admin.get(`/api/value-added/runs/${created.body.id}`).expect(200)).body;
    expect(rerun).toMatchObject({ state: 'succeeded', error: null, inputHash: expected.inputHash });
    expect(rerun.groups).toEqual(expected.groups);
  });

  it('a growth run interrupted the same way: no student results while it is down, INTERRUPTED, and a retry matches an uninterrupted run', async () => {
    const body = { indicator: 'academic.exam.math', current: { termId, examType: 'final', examDate: '2025-01-15' }, priors: [{ termId, examType: 'midterm', examDate: '2024-11-10' }], minimumN: 5 };
    const reference = await t.admin.post('/api/growth/runs').send(body).expect(202);
    expect((await settled(reference.body.jobId)).state).toBe('succeeded');
    const expected = (await t.admin.get(`/api/growth/runs/${reference.body.id}/schools`).expect(200)).body;
    const count = async (runId: string) => Number((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM growth_student_results WHERE run_id = $1`, [runId]))[0].n);
    expect(await count(reference.body.id)).toBe(45);

    await worker.onApplicationShutdown();
    const created = await t.admin.post('/api/growth/runs').send(body).expect(202);
    await t.db.dataSource.query(`UPDATE jobs SET state = 'running', attempts = 1, started_at = now(), lease_expires_at = now() - interval '1 second', worker_id = 'dead:1:x' WHERE id = $1`, [created.body.jobId]);
    await t.db.dataSource.query(`UPDATE growth_runs SET state = 'running' WHERE id = $1`, [created.body.id]);
    expect(await count(created.body.id)).toBe(0);
    await worker.sweepExpiredLeases();
    expect((await t.admin.get(`/api/growth/runs/${created.body.id}`).expect(200)).body).toMatchObject({ state: 'failed', error: { code: 'INTERRUPTED' } });
    expect(await count(created.body.id)).toBe(0);

    worker.onApplicationBootstrap();
    await t.admin.post(`/api/jobs/${created.body.jobId}/retry`).expect(202);
    expect((await settled(created.body.jobId)).state).toBe('succeeded');
    const rerun = (await t.admin.get(`/api/growth/runs/${created.body.id}`).expect(200)).body;
    expect(rerun).toMatchObject({ state: 'succeeded', error: null, inputHash: (await t.admin.get(`/api/growth/runs/${reference.body.id}`).expect(200)).body.inputHash });
    expect(await count(created.body.id)).toBe(45);
    const schools = (await t.admin.get(`/api/growth/runs/${created.body.id}/schools`).expect(200)).body;
    expect({ ...schools, runId: undefined }).toEqual({ ...expected, runId: undefined });
  });
});
