import type { Browser, Page } from 'playwright-core';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- inside page.waitForFunction (no DOM lib here)
import { Clock } from '../../src/modules/review/clock';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { launchBrowser, listen, open, signIn } from '../helpers/browser';
import { createRecordWorld, type RecordWorld } from '../helpers/record-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The school's review queue in the browser (issue 9: "School: … the review queue"): a school
 * administrator sees the submitted 写实记录 and the open integrity flags of their own school only,
 * verifies a record and clears a flag from the page, and the API confirms both.
 *
 * Fixture (tools: test/helpers/record-fixtures.ts): school A with students 张伟 (s1) and 李娜 (s3),
 * school B with 赵六. s1 submits one record; s3 submits two whose hours of one day overlap (an
 * integrity flag on the second); 赵六 does the same at school B (another flag).
 */
describe('the review queue in the browser', () => {
  let t: TestApp;
  let world: RecordWorld;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let admin: AuthedClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.db.dataSource;
    world = await createRecordWorld(db);
    const clock = t.app.get(Clock);
    let minutes = 0;
    const submit = async (client: AuthedClient, key: string, title: string, extra: Record<string, unknown> = {}) => {
      ids[key] = (await client.post('/api/review/records').send({ termId: world.term1, dimension: 'labour', recordType: '劳动实践', title, startDate: '2024-11-09', hours: 2, ...extra }).expect(201)).body.id;
      clock.pin(new Date(Date.parse('2024-11-20T02:00:00Z') + (minutes += 30) * 60_000)); // apart, so no submission burst
      await client.post(`/api/review/records/${ids[key]}/submit`).expect(201);
    };
    const s1 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s1 }]);
    const s3 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s3 }]);
    const outside = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.outside }]);
    await submit(s1, 'plain', '社区清洁志愿服务');
    await submit(s3, 'morning', '敬老院上午服务', { startTime: '08:00', endTime: '11:00', hours: 3 });
    await submit(s3, 'clash', '图书馆整理书架', { startTime: '10:30', endTime: '12:00', hours: 1.5 });
    await submit(outside, 'otherMorning', '二中上午劳动', { startTime: '08:00', endTime: '11:00', hours: 3 });
    await submit(outside, 'otherClash', '二中重叠劳动', { startTime: '10:00', endTime: '12:00', hours: 2 });
    const flags = (await db.query(`SELECT id, activity_record_id FROM integrity_flags WHERE status = 'open'`)) as { id: string; activity_record_id: string }[];
    ids.flag = flags.find((f) => f.activity_record_id === ids.clash)!.id;
    ids.otherFlag = flags.find((f) => f.activity_record_id === ids.otherClash)!.id;
    admin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: world.schoolA }], 'ui-reviewer');
    baseUrl = await listen(t.app);
    browser = await launchBrowser();
  }, 240_000);

  beforeEach(async () => {
    page = await (await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' })).newPage();
  });
  afterEach(async () => page.context().close());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const recordsShown = () => page.$$eval('[data-table="review-queue"] button[data-action=verify]', (buttons) => buttons.map((b) => b.getAttribute('data-record')));
  const flagsShown = () => page.$$eval('[data-table="review-flags"] button[data-flag-action=cleared]', (buttons) => buttons.map((b) => b.getAttribute('data-flag')));

  it('a school administrator sees only their school’s submitted records and open flags, verifies one record and clears one flag; the API confirms both', async () => {
    await signIn(page, baseUrl, admin.user.username);
    await open(page, baseUrl, '#/review');
    expect((await recordsShown()).sort()).toEqual([ids.plain, ids.morning, ids.clash].sort());
    const queue = await page.textContent('[data-table="review-queue"] tbody');
    for (const title of ['社区清洁志愿服务', '敬老院上午服务', '图书馆整理书架']) expect(queue).toContain(title);
    expect(queue).not.toContain('二中');
    expect(await flagsShown()).toEqual([ids.flag]);
    const flagsText = await page.textContent('[data-table="review-flags"] tbody');
    expect(flagsText).toContain('图书馆整理书架');
    expect(flagsText).toContain('活动时间重叠');
    expect(flagsText).not.toContain('二中');

    // Verify s1's record from the queue.
    await page.click(`[data-table="review-queue"] button[data-action=verify][data-record="${ids.plain}"]`);
    await page.waitForFunction((id) => !document.querySelector(`button[data-action=verify][data-record="${id}"]`) && document.querySelector('main')?.getAttribute('data-state') === 'ready', ids.plain);
    expect((await recordsShown()).sort()).toEqual([ids.morning, ids.clash].sort());
    const verified = (await admin.get(`/api/review/records/${ids.plain}`).expect(200)).body;
    expect(verified.status).toBe('VERIFIED');
    const steps = (await admin.get(`/api/review/records/${ids.plain}/transitions`).expect(200)).body;
    expect(JSON.stringify(steps)).toContain(admin.user.id);

    // Clear the flag, with the remark the page asks for; the record stays where it was.
    page.once('dialog', (dialog) => void dialog.accept('已核实：上午和中午是两次不同的活动'));
    await page.click(`[data-table="review-flags"] button[data-flag-action=cleared][data-flag="${ids.flag}"]`);
    await page.waitForFunction((id) => !document.querySelector(`button[data-flag="${id}"]`) && document.querySelector('main')?.getAttribute('data-state') === 'ready', ids.flag);
    const flags = (await admin.get(`/api/review/integrity/flags?activityRecordId=${ids.clash}&status=cleared`).expect(200)).body.items;
    expect(flags).toEqual([expect.objectContaining({ id: ids.flag, status: 'cleared', resolvedBy: admin.user.id, resolutionRemark: '已核实：上午和中午是两次不同的活动' })]);
    expect((await admin.get(`/api/review/records/${ids.clash}`).expect(200)).body.status).toBe('SUBMITTED');
    // School B's flag is untouched and was never on the page.
    const [other] = await t.db.dataSource.query(`SELECT status FROM integrity_flags WHERE id = $1`, [ids.otherFlag]);
    expect(other.status).toBe('open');
  });
});
