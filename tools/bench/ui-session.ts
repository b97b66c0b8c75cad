/**
 * A running Wuyu with the demo city and a few analyses, for the UI benchmark and the screenshots
 * (`npm run bench:ui`, `npm run screenshots`; docs/web-ui.md).
 *
 * Data: `data/ui-demo-<scale>/` (git-ignored; `--fresh` starts over) holds an embedded PostgreSQL — or,
 * with DATABASE_URL, the database `wuyu_ui_demo_<scale>` (or `WUYU_UI_DATABASE`) on that server, its
 * accounts and evidence files in `data/ui-demo-<scale>-<database>/`. An empty database gets the demo
 * city (`wuyu demo:load --seed 8 --scale <scale>`, its accounts in demo-accounts.txt), then, as
 * demo.city through the API: value-added studies of 数学 for each school year (ols + multilevel),
 * one of 语文, and a growth run of 数学; a portfolio compiled for the demo student.
 */
import type { INestApplication } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app';
import { JsonLogger } from '../../src/common/logging/json-logger';
import { ensureAuthSecret, loadConfig } from '../../src/config/app-config';
import { findProjectRoot } from '../../src/config/project-root';
import { createDataSource, migrate } from '../../src/database/data-source';
import { ensureDatabase, openDatabaseRuntime } from '../../src/database/database-runtime';

export interface Account {
  username: string;
  password: string;
  role: string;
}

export interface UiSession {
  baseUrl: string;
  accounts: Map<string, Account>;
  ids: { latestRunId: string | null; studentId: string | null; portfolioId: string | null };
  counts: { schools: number; students: number; termRecords: number };
  launchBrowser(): Promise<Browser>;
  /** Process ids of the PostgreSQL backends serving this database (the app's pool), for CPU figures. */
  backendPids(): Promise<number[]>;
  close(): Promise<void>;
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** demo-accounts.txt: `username  password  role  scope` lines after # comments. */
function readAccounts(file: string): Map<string, Account> {
  const accounts = new Map<string, Account>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [username, password, role] = line.trim().split(/\s+/);
    accounts.set(role, { username, password, role });
  }
  return accounts;
}

class Api {
  private token = '';
  constructor(private readonly baseUrl: string) {}

  async login(account: Account): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: account.username, password: account.password }) });
    if (!response.ok) throw new Error(`login of ${account.username} failed: ${response.status} ${await response.text()}`);
    this.token = ((await response.json()) as { accessToken: string }).accessToken;
  }

  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${url}`, { method, headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', 'x-access-purpose': encodeURIComponent('演示数据准备') }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async waitFor(url: string): Promise<void> {
    for (let attempt = 0; attempt < 2400; attempt += 1) {
      const run = await this.call<{ state: string; error?: unknown }>('GET', url);
      if (run.state === 'succeeded') return;
      if (run.state === 'failed') throw new Error(`${url} failed: ${JSON.stringify(run.error)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`${url} did not finish`);
  }
}

interface Occasion {
  termId: string;
  code: string;
  schoolYear: string;
  examType: string;
  examDate: string;
  n: number;
}

/** The exam occasions of a subject with many scores, oldest first. */
async function occasions(dataSource: DataSource, subject: string): Promise<Occasion[]> {
  return dataSource.query(
    `SELECT t.id AS "termId", t.code, t.school_year AS "schoolYear", r.exam_type AS "examType", to_char(r.occasion_date, 'YYYY-MM-DD') AS "examDate", count(*)::int AS n
       FROM term_records r JOIN indicators i ON i.id = r.indicator_id JOIN terms t ON t.id = r.term_id
      WHERE i.code = $1 AND r.exam_type IS NOT NULL AND r.occasion_date IS NOT NULL
      GROUP BY t.id, t.code, t.school_year, r.exam_type, r.occasion_date HAVING count(*) >= 500
      ORDER BY r.occasion_date, t.code`,
    [subject],
  );
}

/** Value-added studies per school year (first exam → last exam of the year), a growth run, a portfolio. */
async function prepareAnalyses(api: Api, dataSource: DataSource, accounts: Map<string, Account>): Promise<void> {
  await api.login(accounts.get('city_admin')!);
  const existing = await api.call<{ items: unknown[] }>('GET', '/api/reports/value-added/studies');
  if (existing.items.length > 0) return;
  const occasion = (o: Occasion, subject: string) => ({ termId: o.termId, examType: o.examType, examDate: o.examDate, subject });
  const runs: string[] = [];
  for (const subject of ['academic.exam.math', 'academic.exam.chinese']) {
    const all = await occasions(dataSource, subject);
    const years = [...new Set(all.map((o) => o.schoolYear))];
    for (const year of subject === 'academic.exam.math' ? years : years.slice(-1)) {
      const inYear = all.filter((o) => o.schoolYear === year);
      if (inYear.length < 2) continue;
      const name = `${subject === 'academic.exam.math' ? '数学' : '语文'}增值 ${year}`;
      const study = await api.call<{ id: string }>('POST', '/api/value-added/studies', { name, outcome: occasion(inYear[inYear.length - 1], subject), priors: [occasion(inYear[0], subject)], covariates: ['female'], grouping: 'school', model: 'multilevel', minGroupSize: 20 });
      const run = await api.call<{ id: string }>('POST', `/api/value-added/studies/${study.id}/runs`, { models: ['multilevel', 'ols', 'zgain'] });
      log(`  value-added: ${name} (${inYear[0].code} ${inYear[0].examDate} → ${inYear[inYear.length - 1].code} ${inYear[inYear.length - 1].examDate})`);
      runs.push(run.id);
    }
  }
  for (const id of runs) await api.waitFor(`/api/value-added/runs/${id}`);
  const math = await occasions(dataSource, 'academic.exam.math');
  if (math.length >= 2) {
    const [current, prior] = [math[math.length - 1], math[math.length - 2]];
    const growth = await api.call<{ id: string }>('POST', '/api/growth/runs', { indicator: 'academic.exam.math', current: { termId: current.termId, examType: current.examType, examDate: current.examDate }, priors: [{ termId: prior.termId, examType: prior.examType, examDate: prior.examDate }], minimumN: 20 });
    log('  growth: 数学');
    await api.waitFor(`/api/growth/runs/${growth.id}`);
  }
}

export async function openUiSession(options: { scale: string; fresh: boolean }): Promise<UiSession> {
  const root = findProjectRoot();
  // With DATABASE_URL the demo's accounts and evidence files belong to that database, not to the embedded one.
  const external = process.env.DATABASE_URL ? (process.env.WUYU_UI_DATABASE ?? `wuyu_ui_demo_${options.scale}`) : null;
  const dataDir = path.join(root, 'data', external ? `ui-demo-${options.scale}-${external}` : `ui-demo-${options.scale}`);
  if (options.fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const config = ensureAuthSecret(loadConfig({ ...process.env, WUYU_DATA_DIR: dataDir, LOG_LEVEL: 'silent', WUYU_DEMO: 'off' }));
  const runtime = await openDatabaseRuntime(config);
  const url = runtime.embedded ? runtime.url : await ensureDatabase(runtime.url, external ?? `wuyu_ui_demo_${options.scale}`);
  const dataSource = createDataSource(url, { poolSize: 10 });
  await dataSource.initialize();
  await migrate(dataSource);
  const accountsFile = path.join(dataDir, 'demo-accounts.txt');
  const [{ users }] = await dataSource.query('SELECT count(*)::int AS users FROM users');
  if (users === 0) {
    log(`loading the demo city (scale ${options.scale}) into ${runtime.embedded ? dataDir : 'DATABASE_URL'} …`);
    const started = Date.now();
    const result = spawnSync(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'demo:load', '--seed', '8', '--scale', options.scale], {
      env: { ...process.env, DATABASE_URL: url, WUYU_DATA_DIR: dataDir, WUYU_DEMO: 'off' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (result.status !== 0) throw new Error('demo:load failed (is the demo city on this branch? npm run wuyu -- demo:load --help)');
    log(`  loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  if (!fs.existsSync(accountsFile)) {
    throw new Error(`${accountsFile} is missing but the database already has users: drop the database ${external ?? ''} (or remove ${dataDir}) and run again to reload the demo city`);
  }
  const accounts = readAccounts(accountsFile);
  const app: INestApplication = await createApp(config, dataSource, new JsonLogger('error'));
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const api = new Api(baseUrl);
  log('preparing analyses (value-added, growth) …');
  await prepareAnalyses(api, dataSource, accounts);
  const [latest] = await dataSource.query(`SELECT r.id FROM value_added_runs r JOIN value_added_studies s ON s.id = r.study_id WHERE r.state = 'succeeded' ORDER BY s.name, r.finished_at DESC LIMIT 1`);
  const student = accounts.get('student') ? (await dataSource.query(`SELECT ra.student_id AS id FROM role_assignments ra JOIN users u ON u.id = ra.user_id WHERE u.username = $1`, [accounts.get('student')!.username]))[0] : null;
  let portfolioId: string | null = null;
  if (student && accounts.get('school_admin')) {
    await api.login(accounts.get('school_admin')!);
    const listed = await api.call<{ items: { id: string }[] }>('GET', `/api/portfolios?studentId=${student.id}`).catch(() => ({ items: [] }));
    portfolioId = listed.items[0]?.id ?? (await api.call<{ id: string }>('POST', '/api/portfolios', { studentId: student.id }).catch(() => null))?.id ?? null;
  }
  const [counts] = await dataSource.query(`SELECT (SELECT count(*)::int FROM schools) AS schools, (SELECT count(*)::int FROM students) AS students, (SELECT count(*)::int FROM term_records) AS "termRecords"`);
  return {
    baseUrl,
    accounts,
    counts,
    ids: { latestRunId: latest?.id ?? null, studentId: student?.id ?? null, portfolioId },
    backendPids: async () => ((await dataSource.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)) as { pid: number }[]).map((row) => row.pid).concat(
      ((await dataSource.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[]).map((row) => row.pid),
    ),
    launchBrowser: () =>
      chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'] }),
    async close() {
      await app.close();
      await dataSource.destroy();
      await runtime.stop();
    },
  };
}

/** Signs in through the login page. */
export async function signInPage(page: import('playwright-core').Page, baseUrl: string, account: Account): Promise<void> {
  await page.goto(`${baseUrl}/#/login`);
  await page.fill('input[name=username]', account.username);
  await page.fill('input[name=password]', account.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('main[data-state=ready]', { timeout: 120_000 });
}
