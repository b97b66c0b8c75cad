import * as crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { downloadBy, launchBrowser, listen, open, signIn, waitReady } from '../helpers/browser';
import { studentNumber, withWrongCheckDigit } from '../helpers/roster-builders';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedUiWorld, type UiWorld, waitForRun } from '../helpers/ui-fixture';

// Browser globals inside page.evaluate callbacks (the project's TypeScript lib has no DOM).
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const location: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const sessionStorage: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const performance: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The web UI in a real browser (Debian's Chromium through playwright-core) against the real app
 * and PostgreSQL: sign-in per role and scope, the value-added overview's chart read from the
 * page's ECharts instance, an upload with errors shown by row, exports round-tripped.
 */
interface StoredRow {
  school_id: string;
  n: number;
  estimate: number;
  ci_low: number;
  ci_high: number;
  category: string;
}

/** The ECharts option of a chart on the page (`[data-chart=id]`). */
async function chartOption(page: Page, id: string): Promise<{ series: { id?: string; type: string; data: unknown[] }[]; xAxis: { data?: string[] }[] }> {
  return page.evaluate((chartId) => {
    const element = document.querySelector(`[data-chart="${chartId}"]`);
    const instance = window.echarts.getInstanceByDom(element);
    return JSON.parse(JSON.stringify(instance.getOption()));
  }, id);
}

async function tableRows(page: Page, id: string): Promise<string[][]> {
  return page.$$eval(`[data-table="${id}"] tbody tr`, (rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => (cell as { textContent: string | null }).textContent ?? '')));
}

describe('web UI in the browser', () => {
  let t: TestApp;
  let world: UiWorld;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let district: AuthedClient;
  let school: AuthedClient;
  let registrar: AuthedClient;
  let teacher: AuthedClient;
  let stored: StoredRow[];

  beforeAll(async () => {
    t = await startTestApp();
    world = await seedUiWorld(t.db.dataSource, t.admin);
    baseUrl = await listen(t.app);
    const db = t.db.dataSource;
    district = await signedInAs(t.app, db, [{ role: 'district_officer', regionId: world.districts[1] }], 'ui-district');
    school = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: world.schools[0].id }], 'ui-school');
    registrar = await signedInAs(t.app, db, [{ role: 'registrar', schoolId: world.schools[0].id }], 'ui-registrar');
    teacher = await signedInAs(t.app, db, [{ role: 'teacher', classId: world.classIds[0] }], 'ui-teacher');
    stored = await db.query(`SELECT school_id, n, estimate, ci_low, ci_high, category FROM value_added_group_results WHERE run_id = $1 AND model = 'ols' ORDER BY estimate, group_id`, [world.runId]);
    browser = await launchBrowser();
  }, 240_000);

  beforeEach(async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, locale: 'zh-CN' });
    page = await context.newPage();
  });
  afterEach(async () => page.context().close());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the app and ECharts outside /api, with the security headers; the bundles under names that change with their content, kept for a year (ADR 0924)', async () => {
    const index = await t.http.get('/').expect(200);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['cache-control']).toBe('public, max-age=0');
    const app = /<script type="module" src="(\/assets\/app-[0-9a-f]{12}\.js)"><\/script>/.exec(index.text)?.[1];
    const echarts = /<script src="(\/assets\/echarts-[0-9a-f]{12}\.js)" defer><\/script>/.exec(index.text)?.[1];
    const css = /<link rel="stylesheet" href="(\/assets\/app-[0-9a-f]{12}\.css)">/.exec(index.text)?.[1];
    expect([app, echarts, css].every(Boolean)).toBe(true);
    for (const url of [app!, echarts!]) {
      const response = await t.http.get(url).expect(200).expect('content-type', /javascript/);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      // The name is the content's digest: a rebuild with other code gets another name.
      expect(url).toContain(crypto.createHash('sha256').update(response.text.replace(/\/\/# sourceMappingURL=\S+\n$/, '')).digest('hex').slice(0, 12));
    }
    await t.http.get(css!).expect(200).expect('content-type', /css/);
    await t.http.get(`${app!}.map`).expect(200);
    // One module: the pages are in the bundle, not fetched one by one.
    await t.http.get('/main.js').expect(404);
    await t.http.get('/assets/app-000000000000.js').expect(404);
  });

  it('a full load asks for /api/users/me once, started by index.html before the scripts run; with an expired token the page refreshes it and still renders (ADR 0924)', async () => {
    await signIn(page, baseUrl, t.admin.user.username);
    const calls: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/assets/')) calls.push(url.pathname);
    });
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/#/audit`);
    await waitReady(page);
    expect(calls.filter((c) => c === '/api/users/me')).toHaveLength(1);
    // The early request is made before the app bundle has run: it is the first API call; the
    // bundles and the style sheet came from the browser's cache (nothing transferred, not even a 304).
    expect(calls.find((c) => c.startsWith('/api/'))).toBe('/api/users/me');
    const assets = (await page.evaluate(() =>
      performance.getEntriesByType('resource').filter((e: { name: string }) => new URL(e.name).pathname.startsWith('/assets/')).map((e: { name: string; transferSize: number }) => ({ path: new URL(e.name).pathname, transferred: e.transferSize })),
    )) as { path: string; transferred: number }[];
    expect(assets.map((a) => a.path).sort()).toEqual(calls.filter((c) => c.startsWith('/assets/')).sort());
    expect(assets).toHaveLength(3);
    const [meStarted, renderStarted] = (await page.evaluate(() => [
      performance.getEntriesByType('resource').find((e: { name: string }) => new URL(e.name).pathname === '/api/users/me').startTime,
      performance.getEntriesByName('wuyu:render')[0].startTime,
    ])) as [number, number];
    expect(meStarted).toBeLessThan(renderStarted);
    expect(assets.every((a) => a.transferred === 0)).toBe(true);
    expect(await page.getAttribute('header .who', 'data-user')).toBe(t.admin.user.username);

    // An access token the service no longer accepts: the early answer is a 401, so the app asks
    // again through the refresh path and the page renders as the same user.
    await page.evaluate(() => {
      const stored = JSON.parse(sessionStorage.getItem('wuyu.tokens')!);
      sessionStorage.setItem('wuyu.tokens', JSON.stringify({ ...stored, accessToken: 'expired.not.valid' }));
    });
    calls.length = 0;
    await page.goto('about:blank');
    await page.goto(`${baseUrl}/#/audit`);
    await waitReady(page);
    expect(await page.getAttribute('header .who', 'data-user')).toBe(t.admin.user.username);
    expect(calls.filter((c) => c === '/api/users/me')).toHaveLength(3); // early (401), the app's (401), after the refresh (200)
    expect(calls.filter((c) => c === '/api/auth/refresh')).toHaveLength(1);
  });

  it('the city administrator sees every school in the overview: one point and one 95% interval each, from the stored rows', async () => {
    await signIn(page, baseUrl, t.admin.user.username);
    expect(page.url()).toContain('#/va');
    const nav = await page.$$eval('header nav a', (links) => links.map((a) => a.getAttribute('data-nav')));
    expect(nav).toEqual(['/va', '/va/methods', '/va/stability', '/fitness', '/school', '/student', '/admissions', '/uploads', '/audit']);
    const option = await chartOption(page, 'va-caterpillar');
    const intervals = option.series.find((s) => s.id === 'interval')!.data as { value: number[]; category: string }[];
    const points = option.series.filter((s) => s.id?.startsWith('estimate-')).flatMap((s) => s.data as { value: number[] }[]);
    expect(intervals).toHaveLength(world.schools.length);
    expect(points).toHaveLength(world.schools.length);
    // Sorted lowest first: interval i is the i-th stored row's [ciLow, ciHigh]; its point its estimate.
    expect(intervals.map((d) => [d.value[1], d.value[2], d.category])).toEqual(stored.map((r) => [r.ci_low, r.ci_high, r.category]));
    expect(points.map((d) => d.value).sort((a, b) => a[0] - b[0]).map((v) => v[1])).toEqual(stored.map((r) => r.estimate));
    expect(option.xAxis[0].data).toHaveLength(world.schools.length);
    // The small school is shown, as insufficient, never ranked among the others without its label.
    const small = world.schools.find((s) => s.size < 10)!;
    expect(stored.find((r) => r.school_id === small.id)!.category).toBe('insufficient');
    const rows = await tableRows(page, 'va-groups');
    expect(rows).toHaveLength(world.schools.length);
    expect(rows.find((r) => r[1] === small.name)![9]).toBe('样本不足');
    const counts = await page.$eval('[data-counts] [data-category=insufficient] b', (b) => b.textContent);
    expect(counts).toBe('1');
  });

  it('filters by district and by stage', async () => {
    await signIn(page, baseUrl, t.admin.user.username);
    await page.selectOption('select[data-filter=region]', world.districts[1]);
    await page.waitForFunction(() => location.hash.includes('region='));
    await page.waitForSelector('main[data-state=ready]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-table="va-groups"] tbody tr').length === n, 3);
    expect((await tableRows(page, 'va-groups')).map((r) => r[2])).toEqual(['海南区', '海南区', '海南区']);
    await open(page, baseUrl, `#/va?run=${world.runId}&stage=primary`);
    const option = await chartOption(page, 'va-caterpillar');
    expect(option.series.find((s) => s.id === 'interval')!.data).toHaveLength(1);
  });

  it('a school administrator sees only its own school, without a rank; a district officer sees the city’s schools', async () => {
    await signIn(page, baseUrl, school.user.username);
    const option = await chartOption(page, 'va-caterpillar');
    expect(option.series.find((s) => s.id === 'interval')!.data).toHaveLength(1);
    const rows = await tableRows(page, 'va-groups');
    expect(rows.map((r) => r[1])).toEqual([world.schools[0].name]);
    expect(await page.$$eval('[data-table="va-groups"] thead th', (ths) => ths.map((th) => th.textContent))).not.toContain('位次(1=最低)');
    const nav = await page.$$eval('header nav a', (links) => links.map((a) => a.getAttribute('data-nav')));
    expect(nav).not.toContain('/audit');

    await page.context().clearCookies();
    await page.evaluate(() => sessionStorage.clear());
    await signIn(page, baseUrl, district.user.username);
    expect(await tableRows(page, 'va-groups')).toHaveLength(world.schools.length);
    await open(page, baseUrl, '#/audit');
    expect(await page.textContent('main')).toContain('无权访问此页面');
  });

  it('a teacher has no value-added pages and the API refuses them', async () => {
    await signIn(page, baseUrl, teacher.user.username);
    const nav = await page.$$eval('header nav a', (links) => links.map((a) => a.getAttribute('data-nav')));
    expect(nav).toEqual(['/fitness', '/student', '/review']);
    await open(page, baseUrl, `#/va?run=${world.runId}`);
    expect(await page.textContent('main')).toContain('无权访问此页面');
    await teacher.get(`/api/reports/value-added/runs/${world.runId}`).expect(403);
  });

  it('uploads a roster file with errors and shows them by row, as the dry-run report has them', async () => {
    const header = '学籍号,姓名,性别,出生日期,民族,学校标识码,年级,班级,学年学期';
    const good = studentNumber('20120305', '901');
    const csv = [header, `${good},张三,男,2012-03-05,汉族,3115030210,初一,1班,2024-2025-1`, `${withWrongCheckDigit(studentNumber('20120305', '902'))},李四,男,2012-03-05,汉族,3115030210,初一,1班,2024-2025-1`, `${studentNumber('20120305', '903')},王五,X,2012-03-05,汉族,3115030210,初一,1班,2024-2025-1`].join('\n');
    const expected = await registrar.post('/api/imports/roster?dryRun=true').attach('file', Buffer.from(csv, 'utf8'), '名册.csv').expect(200);
    expect(expected.body.errorCount).toBeGreaterThanOrEqual(2);

    await signIn(page, baseUrl, registrar.user.username);
    expect(page.url()).toContain('#/fitness');
    await open(page, baseUrl, '#/uploads?kind=roster');
    await page.setInputFiles('input[type=file]', { name: '名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.click('button[data-action=dry-run]');
    await page.waitForSelector('[data-status=invalid]');
    const rows = await tableRows(page, 'upload-errors');
    expect(rows.map((r) => [Number(r[0]), r[1], r[2]])).toEqual(expected.body.errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code]));
    expect(rows.map((r) => Number(r[0]))).toEqual(expect.arrayContaining([3, 4]));
    expect(await page.isDisabled('button[data-action=commit]')).toBe(true);
    expect(Number((await t.db.dataSource.query(`SELECT count(*) FROM students WHERE name = '张三'`))[0].count)).toBe(0);
  });

  it('exports the overview table as CSV and Excel that read back as the table, neutralised, and audited', async () => {
    await signIn(page, baseUrl, t.admin.user.username);
    const csv = await downloadBy(page, '[data-table="va-groups"] button[data-export=csv]');
    expect(csv.name).toMatch(/\.csv$/);
    expect([...csv.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.body.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines).toHaveLength(world.schools.length + 1);
    expect(lines[0].split(',').slice(0, 3)).toEqual(['学校标识码', '学校', '区县']);
    // Every estimate and interval as stored, in the table's order (lowest first).
    const parse = (line: string) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    const parsed = lines.slice(1).map(parse);
    expect(parsed.map((f) => [Number(f[4]), Number(f[5]), Number(f[7]), Number(f[8])])).toEqual(stored.map((r) => [r.n, r.estimate, r.ci_low, r.ci_high]));
    const formulaSchool = parsed.find((f) => f[1].includes('HYPERLINK'))!;
    expect(formulaSchool[1]).toBe('\'=HYPERLINK("http://x")中学');

    const xlsx = await downloadBy(page, '[data-table="va-groups"] button[data-export=xlsx]');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(world.schools.length + 1);
    const values = Array.from({ length: world.schools.length }, (_, i) => sheet.getRow(i + 2).values as unknown[]);
    expect(values.map((v) => [v[5], v[6], v[8], v[9]])).toEqual(stored.map((r) => [r.n, r.estimate, r.ci_low, r.ci_high]));
    expect(values.map((v) => v[2])).toContain('\'=HYPERLINK("http://x")中学');

    const png = await downloadBy(page, '[data-chart="va-caterpillar"] ~ * button[data-export=png], section:has([data-chart="va-caterpillar"]) button[data-export=png]');
    expect([...png.body.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const svg = await downloadBy(page, 'section:has([data-chart="va-caterpillar"]) button[data-export=svg]');
    expect(svg.body.toString('utf8')).toMatch(/^\s*(<\?xml[^>]*>\s*)?<svg/);

    const events = await t.db.dataSource.query(`SELECT operation, target_type, target_id FROM audit_events WHERE action = 'export' AND actor_user_id = $1 ORDER BY occurred_at`, [t.admin.user.id]);
    expect(events.map((e: { operation: string }) => e.operation.split(':')[0])).toEqual(['export table csv', 'export table xlsx', 'export chart png', 'export chart svg']);
    expect(events[0].target_id).toBe(`/api/reports/value-added/runs/${world.runId}`.slice(0, 64));
  });

  it('year-over-year stability: both axes share bounds rounded outwards around every interval, and no label shows float noise', async () => {
    const second = await t.admin.post(`/api/value-added/studies/${world.studyId}/runs`).send({ models: ['ols'] }).expect(202);
    await waitForRun(t.admin, second.body.id);
    await signIn(page, baseUrl, t.admin.user.username);
    await open(page, baseUrl, `#/va/stability?from=${world.runId}&to=${second.body.id}&model=ols`);
    const axes = (await page.evaluate(() => {
      const instance = window.echarts.getInstanceByDom(document.querySelector('[data-chart="va-stability"]'));
      const option = instance.getOption();
      const texts = instance.getZr().storage.getDisplayList().map((element: { style?: { text?: unknown } }) => element.style?.text).filter((text: unknown) => typeof text === 'string');
      return { x: [option.xAxis[0].min, option.xAxis[0].max], y: [option.yAxis[0].min, option.yAxis[0].max], texts };
    })) as { x: [number, number]; y: [number, number]; texts: string[] };
    const [{ low, high }] = (await t.db.dataSource.query(`SELECT least(0, min(ci_low)) AS low, greatest(0, max(ci_high)) AS high FROM value_added_group_results WHERE run_id = ANY($1::uuid[]) AND model = 'ols'`, [[world.runId, second.body.id]])) as { low: number; high: number }[];
    expect(axes.y).toEqual(axes.x);
    expect(axes.x[0]).toBeLessThanOrEqual(low);
    expect(axes.x[1]).toBeGreaterThanOrEqual(high);
    // Rounded to a tenth of the range's order of magnitude: never more than a step beyond the data.
    const step = 10 ** (Math.floor(Math.log10(high - low)) - 1);
    expect(low - axes.x[0]).toBeLessThan(step + 1e-9);
    expect(axes.x[1] - high).toBeLessThan(step + 1e-9);
    expect(axes.texts.length).toBeGreaterThan(5);
    expect(axes.texts.filter((text) => /\d\.\d{5,}/.test(text))).toEqual([]);
  });

  it('switches to English and back', async () => {
    await signIn(page, baseUrl, t.admin.user.username);
    await page.click('button[data-lang=en]');
    await page.waitForSelector('a[data-nav="/va"]:text("Value-added overview")');
    await page.click('button[data-lang=zh]');
    await page.waitForSelector('a[data-nav="/va"]:text("增值评价总览")');
  });
});
