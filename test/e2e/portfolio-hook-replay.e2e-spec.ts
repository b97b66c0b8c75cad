import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app';
import { JsonLogger } from '../../src/common/logging/json-logger';
import { loadConfig } from '../../src/config/app-config';
import { Scheduler } from '../../src/modules/jobs/scheduler';
import { PORTFOLIO_HOOK_REPLAY_TASK, PortfolioHook } from '../../src/modules/portfolios/portfolio-hook';
import { ReviewEvents } from '../../src/modules/review/review-events';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { createRecordWorld, FIXTURE_STUDENTS, type RecordWorld } from '../helpers/record-fixtures';
import { startTestApp, TEST_AUTH_SECRET, type TestApp } from '../helpers/test-app';

/**
 * The review → portfolio hook replays what it missed (ADR 0815): a confirmed record revoked while
 * no listener heard it (the event lost between commit and delivery, as when the process dies)
 * reaches the portfolio when an app starts; once only, however many processes replay.
 */
describe('portfolio hook: changes made while nobody listened are replayed at start, once', () => {
  let t: TestApp;
  let world: RecordWorld;
  let schoolAdmin: AuthedClient;
  let student: AuthedClient;
  let portfolioId: string;
  let records: string[];
  let app2: INestApplication | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-test-data-'));

  const portfolio = async () => (await schoolAdmin.get(`/api/portfolios/${portfolioId}`).expect(200)).body;
  const itemIds = (body: { document: { sections: { activityRecords: { items: { id: string }[] } } } }) => body.document.sections.activityRecords.items.map((item) => item.id);
  const ledger = async () => (await t.db.dataSource.query(`SELECT record_id, change, via FROM portfolio_record_changes ORDER BY applied_at, record_id`)) as { record_id: string; change: string; via: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    world = await createRecordWorld(t.db.dataSource);
    schoolAdmin = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId: world.schoolA }]);
    student = await signedInAs(t.app, t.db.dataSource, [{ role: 'student', studentId: world.students.s1 }]);
    const csv = [
      '学籍号,姓名,学年学期,维度,记录类型,标题,级别,角色,开始日期,结束日期,时长,地点,组织单位,获奖等次',
      `${FIXTURE_STUDENTS.s1},张伟,2024-2025-1,德,志愿服务,社区敬老院志愿服务,区县,主要参与者,2024-10-01,2024-10-03,12,海勃湾区敬老院,校团委,`,
      `${FIXTURE_STUDENTS.s1},张伟,2024-2025-1,德,志愿服务,图书馆整理,校级,参与者,2024-10-12,,3,学校图书馆,校团委,`,
      `${FIXTURE_STUDENTS.s1},张伟,2024-2025-1,劳,劳动实践,校园植树,校级,参与者,2024-11-02,,4,学校操场,校团委,`,
    ].join('\n');
    await schoolAdmin.post('/api/imports/activities').attach('file', Buffer.from(csv, 'utf8'), 'activities.csv').expect(201);
    await t.db.dataSource.query(`UPDATE activity_records SET status = 'CONFIRMED' WHERE student_id = $1`, [world.students.s1]);
    const compiled = (await schoolAdmin.post('/api/portfolios').send({ studentId: world.students.s1 }).expect(201)).body;
    portfolioId = compiled.id;
    records = itemIds(compiled);
    expect(records).toHaveLength(3);
    await student.post(`/api/portfolios/${portfolioId}/confirm`).expect(200);
  }, 120_000);
  afterAll(async () => {
    await app2?.close();
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a revocation whose event was lost leaves the portfolio as it was', async () => {
    // The change commits, then the process "dies" before the event reaches any listener.
    jest.spyOn(t.app.get(ReviewEvents), 'emitConfirmedRecordChanged').mockResolvedValue(undefined);
    await schoolAdmin.post(`/api/review/records/${records[0]}/revoke`).send({ remark: '诚信核查：证明材料系伪造' }).expect(201);
    const unchanged = await portfolio();
    expect(unchanged.status).toBe('student_confirmed');
    expect(itemIds(unchanged)).toContain(records[0]);
    expect(await ledger()).toEqual([]);
  });

  it('an app starting on the database replays it: the draft is compiled again without the record, the reason in its history', async () => {
    app2 = await createApp({ ...loadConfig({ LOG_LEVEL: 'error', AUTH_SECRET: TEST_AUTH_SECRET }), dataDir, schedulerIntervalSeconds: 3600 }, t.db.dataSource, new JsonLogger('error', () => undefined));
    await app2.init(); // the scheduler's first round runs at start
    for (let waited = 0; (await portfolio()).status !== 'compiled'; waited += 100) {
      if (waited > 15_000) throw new Error('the replay at start did not reach the portfolio within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const after = await portfolio();
    expect(itemIds(after)).not.toContain(records[0]);
    expect(after.steps.studentConfirmed).toBeNull();
    expect(after.history[after.history.length - 1]).toMatchObject({ action: 'reset', fromStatus: 'student_confirmed', toStatus: 'compiled', by: null, remark: expect.stringContaining('证明材料系伪造') });
    expect(await ledger()).toEqual([{ record_id: records[0], change: 'revoked', via: 'replay' }]);
  });

  it('replays nothing twice', async () => {
    const events = (await portfolio()).history.length;
    expect(await app2!.get(Scheduler).runTask(PORTFOLIO_HOOK_REPLAY_TASK)).toEqual({ ran: true, result: { replayed: [] } });
    expect(await t.app.get(PortfolioHook).replay()).toEqual({ replayed: [] });
    expect((await portfolio()).history.length).toBe(events);
  });

  it('two processes replaying the same missed change at once take it in once', async () => {
    await schoolAdmin.post(`/api/review/records/${records[1]}/revoke`).send({ remark: '诚信核查：时长不实' }).expect(201); // event still lost
    const events = (await portfolio()).history.length;
    const [one, two] = await Promise.all([t.app.get(PortfolioHook).replay(), app2!.get(PortfolioHook).replay()]);
    expect([...one.replayed, ...two.replayed]).toEqual([{ recordId: records[1], change: 'revoked', version: expect.any(Number), portfolioVersion: 1 }]);
    const after = await portfolio();
    expect(after.history.length).toBe(events + 1);
    expect(itemIds(after)).not.toContain(records[1]);
    expect((await ledger()).map((row) => [row.record_id, row.via])).toEqual([
      [records[0], 'replay'],
      [records[1], 'replay'],
    ]);
  });

  it('a change heard live is in the ledger, and the replay leaves it alone', async () => {
    jest.restoreAllMocks();
    const left = itemIds(await portfolio());
    expect(left.length).toBeGreaterThan(0);
    const events = (await portfolio()).history.length;
    await schoolAdmin.post(`/api/review/records/${left[0]}/revoke`).send({ remark: '诚信核查：重复申报' }).expect(201);
    expect((await portfolio()).history.length).toBe(events + 1); // heard live by the app that made the change
    expect((await ledger()).find((row) => row.record_id === left[0])).toMatchObject({ change: 'revoked', via: 'event' });
    expect(await app2!.get(PortfolioHook).replay()).toEqual({ replayed: [] });
    expect((await portfolio()).history.length).toBe(events + 1);
  });
});
