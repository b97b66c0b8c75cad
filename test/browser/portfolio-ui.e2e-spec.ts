import type { Browser, Page } from 'playwright-core';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { launchBrowser, listen, open, signIn } from '../helpers/browser';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedUiWorld, type UiWorld } from '../helpers/ui-fixture';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * Portfolios in the browser: an admissions officer lists the applicants of their high school,
 * opens a sealed portfolio and verifies its hash; the student sees the versions on their page.
 */
describe('portfolios and admissions in the browser', () => {
  let t: TestApp;
  let world: UiWorld;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let officer: AuthedClient;
  let student: AuthedClient;
  let portfolioId: string;
  let hash: string;

  beforeAll(async () => {
    t = await startTestApp();
    world = await seedUiWorld(t.db.dataSource, t.admin);
    const db = t.db.dataSource;
    const junior = world.schools[0];
    const [{ id: studentId, student_number: number, name }] = await db.query(`SELECT id, student_number, name FROM students WHERE school_id = $1 ORDER BY student_number LIMIT 1`, [junior.id]);
    const high = (await t.admin.post('/api/schools').send({ code: '3115030490', name: '乌海市第一高级中学', stage: 'senior', regionId: junior.regionId }).expect(201)).body.id;
    await t.admin.post('/api/admissions/batches').send({ code: '2025-提前批', name: '2025年提前批', opensOn: day(-3), closesOn: day(3) }).expect(201);
    const registrar = await signedInAs(t.app, db, [{ role: 'registrar', schoolId: junior.id }]);
    const csv = `\uFEFF学籍号,姓名,报考学校标识码,录取批次,申请日期\n${number},${name},3115030490,2025-提前批,${day(-1)}\n`;
    await registrar.post('/api/imports/applications').attach('file', Buffer.from(csv, 'utf8'), '报考申请.csv').expect(201);
    // The portfolio through every step to sealed.
    const schoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: junior.id }]);
    student = await signedInAs(t.app, db, [{ role: 'student', studentId }], 'ui-student');
    const teacher = await signedInAs(t.app, db, [{ role: 'teacher', classId: world.classIds[0] }]);
    portfolioId = (await schoolAdmin.post('/api/portfolios').send({ studentId }).expect(201)).body.id;
    await student.post(`/api/portfolios/${portfolioId}/confirm`).expect(200);
    await teacher.post(`/api/portfolios/${portfolioId}/comment`).send({ comment: '品学兼优' }).expect(200);
    await schoolAdmin.post(`/api/portfolios/${portfolioId}/sign-off`).expect(200);
    hash = (await schoolAdmin.post(`/api/portfolios/${portfolioId}/seal`).expect(200)).body.contentSha256;
    officer = await signedInAs(t.app, db, [{ role: 'admissions_officer', schoolId: high }], 'ui-officer');
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

  it('an admissions officer sees the applicant, opens the sealed portfolio and verifies its hash; the read is audited with its purpose', async () => {
    await signIn(page, baseUrl, officer.user.username);
    expect(page.url()).toContain('#/admissions');
    const nav = await page.$$eval('header nav a', (links) => links.map((a) => a.getAttribute('data-nav')));
    expect(nav).toEqual(['/admissions']);
    await page.waitForSelector(`[data-portfolio="${portfolioId}"]`);
    expect(await page.$$eval('[data-table="applicants"] tbody tr', (rows) => rows.length)).toBe(1);
    await page.click(`[data-portfolio="${portfolioId}"]`);
    await page.waitForSelector('main[data-page="/portfolio"][data-state=ready]');
    expect(await page.getAttribute('[data-hash]', 'data-hash')).toBe(hash);
    await page.click('button[data-action=verify]');
    await page.waitForSelector('[data-verified=true]');
    const events = await t.db.dataSource.query(`SELECT action, purpose FROM audit_events WHERE actor_user_id = $1 AND action IN ('read.portfolio', 'read.applicant') ORDER BY occurred_at`, [officer.user.id]);
    expect(events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['read.applicant', 'read.portfolio']));
    expect(new Set(events.map((e: { purpose: string }) => e.purpose))).toEqual(new Set(['招生录取审核']));
  });

  it('the student sees their growth profile page with the sealed portfolio version', async () => {
    await signIn(page, baseUrl, student.user.username);
    expect(page.url()).toContain('#/student');
    await open(page, baseUrl, '#/student');
    await page.waitForSelector(`[data-table="student-portfolios"] [data-portfolio="${portfolioId}"]`);
    expect(await page.textContent('[data-table="student-portfolios"] tbody')).toContain('已封存');
  });
});
