import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/app-config';
import { JsonLogger } from '../../src/common/logging/json-logger';
import { Scheduler } from '../../src/modules/jobs/scheduler';
import { Clock } from '../../src/modules/review/clock';
import { PUBLICITY_CLOSE_TASK } from '../../src/modules/review/publicity-auto-close';
import { PublicityService } from '../../src/modules/review/publicity.service';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { createRecordWorld, type RecordWorld } from '../helpers/record-fixtures';
import { startTestApp, TEST_AUTH_SECRET, type TestApp } from '../helpers/test-app';

/** China time, as the schools read the calendar. */
const at = (local: string) => new Date(`${local}+08:00`);

/**
 * Publicity batches close themselves (ADR 0813): the scheduler's `publicity.close` task closes,
 * as `system`, every batch whose window has ended — not a second early — with the school's own
 * close's effects (confirmed unless under investigation), audited; idempotent; two closers at
 * once close each batch once; and with SCHEDULER_INTERVAL_SECONDS set it happens on its own.
 */
describe('scheduler: publicity batches close themselves after their window', () => {
  let t: TestApp;
  let world: RecordWorld;
  let clock: Clock;
  let scheduler: Scheduler;
  let teacher: AuthedClient;
  let schoolAdmin: AuthedClient;
  let s2: AuthedClient;
  const ids: Record<string, string> = {};
  const batches: Record<string, string> = {};

  const status = async (id: string) => ((await t.db.dataSource.query('SELECT status FROM activity_records WHERE id = $1', [id])) as { status: string }[])[0].status;
  const confirmSteps = async (id: string) =>
    (await t.db.dataSource.query(`SELECT actor_user_id, actor_role FROM activity_record_transitions WHERE activity_record_id = $1 AND action = 'confirm'`, [id])) as { actor_user_id: string | null; actor_role: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    world = await createRecordWorld(t.db.dataSource);
    const db = t.db.dataSource;
    clock = t.app.get(Clock);
    scheduler = t.app.get(Scheduler);
    clock.pin(at('2024-12-20T09:00:00'));
    const s1 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s1 }]);
    s2 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s2 }]);
    teacher = await signedInAs(t.app, db, [{ role: 'teacher', classId: world.classA }]);
    schoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: world.schoolA }]);
    await t.admin.put('/api/review/holidays/2025-01-01').send({ kind: 'holiday', name: '元旦' }).expect(200);

    const make = async (client: AuthedClient, key: string, title: string) => {
      const body = { termId: world.term1, dimension: 'moral', recordType: '志愿服务', title, level: 'district', role: 'organiser', startDate: '2024-12-14', hours: 4 };
      const id = (await client.post('/api/review/records').send(body).expect(201)).body.id;
      await client.post(`/api/review/records/${id}/submit`).expect(201);
      await teacher.post(`/api/review/records/${id}/verify`).send({}).expect(201);
      await teacher.post(`/api/review/records/${id}/select`).send({}).expect(201);
      ids[key] = id;
    };
    const batch = async (key: string, startsOn: string) => {
      const created = await schoolAdmin.post('/api/review/publicity-batches').send({ termId: world.term1, scope: 'class', classId: world.classA, title: `公示${key}`, startsOn }).expect(201);
      batches[key] = created.body.id;
      return created.body;
    };
    await make(s1, 'A', '社区图书角志愿服务');
    await make(s1, 'B', '校园环保宣传');
    await make(s2, 'D', '敬老院慰问演出');
    expect(await batch('first', '2024-12-27')).toMatchObject({ closesAt: '2025-01-03T16:00:00.000Z', records: 3 });
    await make(s1, 'E', '交通安全宣传');
    await make(s2, 'F', '图书馆整理');
    expect(await batch('second', '2025-01-06')).toMatchObject({ closesAt: '2025-01-10T16:00:00.000Z', records: 2 });
    await make(s2, 'G', '植树活动');
    expect(await batch('third', '2025-01-13')).toMatchObject({ closesAt: '2025-01-17T16:00:00.000Z', records: 1 });

    // An objection to B keeps it under investigation through the close.
    clock.pin(at('2024-12-30T10:00:00'));
    ids.objectionB = (await s2.post(`/api/review/publicity-batches/${batches.first}/objections`).send({ activityRecordId: ids.B, reason: '时长存疑' }).expect(201)).body.id;
    expect(await status(ids.B)).toBe('UNDER_INVESTIGATION');
  }, 120_000);
  afterAll(() => t.close());

  it('registers the task; the test app runs no rounds of its own (interval 0)', () => {
    expect(scheduler.intervalSeconds).toBe(0);
    expect(scheduler.taskNames).toContain(PUBLICITY_CLOSE_TASK);
  });

  it('closes nothing one second before the window ends', async () => {
    clock.pin(new Date('2025-01-03T15:59:59Z')); // 23:59:59 on the last day, Beijing
    expect(await scheduler.runTask(PUBLICITY_CLOSE_TASK)).toEqual({ ran: true, result: { closed: [] } });
    for (const key of ['A', 'D']) expect(await status(ids[key])).toBe('IN_PUBLICITY');
    expect((await schoolAdmin.get(`/api/review/publicity-batches/${batches.first}`).expect(200)).body).toMatchObject({ state: 'open', closedAt: null });
  });

  it('closes the batch after it, as the school would: confirmed unless under investigation, as system, audited', async () => {
    clock.pin(new Date('2025-01-03T16:00:01Z'));
    expect(await scheduler.runTask(PUBLICITY_CLOSE_TASK)).toEqual({ ran: true, result: { closed: [{ batchId: batches.first, confirmedNow: 2 }] } });
    expect(await status(ids.A)).toBe('CONFIRMED');
    expect(await status(ids.D)).toBe('CONFIRMED');
    expect(await status(ids.B)).toBe('UNDER_INVESTIGATION');
    for (const key of ['second', 'third']) expect((await schoolAdmin.get(`/api/review/publicity-batches/${batches[key]}`).expect(200)).body.closedAt).toBeNull();
    expect((await schoolAdmin.get(`/api/review/publicity-batches/${batches.first}`).expect(200)).body).toMatchObject({ state: 'confirmed', closedAt: '2025-01-03T16:00:01.000Z', underInvestigation: 1 });

    const history = (await schoolAdmin.get(`/api/review/records/${ids.A}/transitions`).expect(200)).body.items as { action: string; toStatus: string; actorUserId: string | null; actorRole: string | null }[];
    expect(history.slice(-2).map((step) => [step.action, step.toStatus, step.actorUserId, step.actorRole])).toEqual([
      ['pass', 'PUBLICITY_PASSED', null, 'system'],
      ['confirm', 'CONFIRMED', null, 'system'],
    ]);
    const audit = await t.db.dataSource.query(`SELECT actor_user_id, actor_username, action, target_type, outcome, operation FROM audit_events WHERE target_id = $1 AND actor_user_id IS NULL`, [batches.first]);
    expect(audit).toEqual([
      { actor_user_id: null, actor_username: 'system', action: 'write', target_type: 'publicity', outcome: 'success', operation: 'system: close publicity batch after its window (2 confirmed)' },
    ]);
    // the school's own close afterwards finds nothing left
    expect((await schoolAdmin.post(`/api/review/publicity-batches/${batches.first}/close`).expect(201)).body.confirmedNow).toBe(0);
  });

  it('is idempotent: another round changes nothing; a cleared record is confirmed by the next round', async () => {
    const transitions = async () => ((await t.db.dataSource.query('SELECT count(*)::int AS n FROM activity_record_transitions')) as { n: number }[])[0].n;
    const before = await transitions();
    expect(await scheduler.runTask(PUBLICITY_CLOSE_TASK)).toEqual({ ran: true, result: { closed: [] } });
    expect(await transitions()).toBe(before);

    await schoolAdmin.post(`/api/review/objections/${ids.objectionB}/decision`).send({ outcome: 'dismissed', remark: '经核实时长属实' }).expect(201);
    expect(await status(ids.B)).toBe('IN_PUBLICITY');
    expect(await scheduler.runTask(PUBLICITY_CLOSE_TASK)).toEqual({ ran: true, result: { closed: [{ batchId: batches.first, confirmedNow: 1 }] } });
    expect(await status(ids.B)).toBe('CONFIRMED');
    expect(await confirmSteps(ids.B)).toEqual([{ actor_user_id: null, actor_role: 'system' }]);
  });

  it('two closers at once close each batch once', async () => {
    clock.pin(new Date('2025-01-10T16:00:01Z'));
    const publicity = t.app.get(PublicityService);
    const [one, two] = await Promise.all([publicity.closeEnded(), publicity.closeEnded()]);
    expect([...one.closed, ...two.closed]).toEqual([{ batchId: batches.second, confirmedNow: 2 }]);
    for (const key of ['E', 'F']) {
      expect(await status(ids[key])).toBe('CONFIRMED');
      expect(await confirmSteps(ids[key])).toHaveLength(1);
    }
  });

  it('skips the round while another process holds the task’s lock', async () => {
    clock.pin(new Date('2025-01-17T16:00:01Z'));
    const other = t.db.dataSource.createQueryRunner();
    await other.connect();
    try {
      expect((await other.query(`SELECT pg_try_advisory_lock(hashtext('wuyu.scheduler'), hashtext($1)) AS locked`, [PUBLICITY_CLOSE_TASK]))[0].locked).toBe(true);
      expect(await scheduler.runTask(PUBLICITY_CLOSE_TASK)).toEqual({ ran: false });
      expect(await status(ids.G)).toBe('IN_PUBLICITY');
      await other.query(`SELECT pg_advisory_unlock(hashtext('wuyu.scheduler'), hashtext($1))`, [PUBLICITY_CLOSE_TASK]);
    } finally {
      await other.release();
    }
    clock.pin(new Date('2025-01-17T15:00:00Z'));
  });

  it('with SCHEDULER_INTERVAL_SECONDS=1, a second app instance closes the batch by itself once the window ends', async () => {
    let app2: INestApplication | undefined;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-test-data-'));
    try {
      app2 = await createApp({ ...loadConfig({ LOG_LEVEL: 'error', AUTH_SECRET: TEST_AUTH_SECRET }), dataDir, schedulerIntervalSeconds: 1 }, t.db.dataSource, new JsonLogger('error', () => undefined));
      const clock2 = app2.get(Clock);
      clock2.pin(new Date('2025-01-17T15:59:59Z')); // before init: the first round runs at start
      await app2.init();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(await status(ids.G)).toBe('IN_PUBLICITY');
      clock2.pin(new Date('2025-01-17T16:00:00Z'));
      for (let waited = 0; (await status(ids.G)) !== 'CONFIRMED'; waited += 100) {
        if (waited > 10_000) throw new Error('the scheduler did not close the batch within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await confirmSteps(ids.G)).toEqual([{ actor_user_id: null, actor_role: 'system' }]);
      expect((await schoolAdmin.get(`/api/review/publicity-batches/${batches.third}`).expect(200)).body.closedAt).toBe('2025-01-17T16:00:00.000Z');
    } finally {
      await app2?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
