/**
 * `npm run bench:load` — issue 10 point 1: the service under a city's concurrent users, on loopback.
 * Design and the reasons for it: docs/adr/1030-load-bench-city-users.md; how to run it and the
 * figures: docs/operations.md ("Load benchmark").
 *
 * 1. The city. The demo city (`wuyu demo:load --scale $BENCH_SCALE`, default city: ~60,000
 *    students, 1.1 M records) in a database kept between runs: with DATABASE_URL, the database
 *    $BENCH_DB (default wuyu_load_bench_city) on that server, created when missing; without, an
 *    embedded PostgreSQL in data/load-bench/. Loaded once when the database has no users; reused
 *    afterwards (BENCH_FRESH=1 drops it and loads again). The bench adds, once, its own accounts
 *    (bench.*, one password) and, when the city has none, value-added studies and a growth run.
 * 2. The service, started as `npm start` does (node dist/src/main.js, port 0), with a short access
 *    token lifetime (BENCH_TOKEN_TTL, default 120 s) so that refreshes happen during the run.
 * 3. BENCH_USERS (200) simulated users — bureau, admissions officers, school administrators,
 *    teachers in city proportions — each logging in once (spread over the ramp-up), then viewing
 *    pages (each page issues the requests the web UI's page issues) with a log-normal think time
 *    between pages (median BENCH_THINK_MEDIAN s, default 5; σ 0.9; clipped to 1–60 s); on an expired
 *    token the client refreshes once and retries, as web/src/api.ts does. BENCH_WARMUP (30) s of
 *    ramp-up and warm-up, then BENCH_SECONDS (180) s measured.
 * 4. Every answer is checked against the caller's scope (every student and school in the body;
 *    and probes of records outside the scope must be refused).
 * 5. Every 2 s: the service's open database connections, its RSS and its CPU.
 * 6. After the load: each request class replayed serially to measure server-side CPU per request
 *    (node process + its PostgreSQL backends) — independent of other load on the machine.
 *
 * Bounded: the whole bench is killed after BENCH_TIMEOUT seconds (default: setup 1500 + the run);
 * the service it started is killed on every exit path.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { ensureAuthSecret, loadConfig } from '../../src/config/app-config';
import { createDataSource, migrate } from '../../src/database/data-source';
import { type DatabaseRuntime, ensureDatabase, openDatabaseRuntime } from '../../src/database/database-runtime';
import { UsersService } from '../../src/modules/auth/users.service';

const env = process.env;
const USERS = Number(env.BENCH_USERS ?? 200);
const SECONDS = Number(env.BENCH_SECONDS ?? 180);
const WARMUP = Number(env.BENCH_WARMUP ?? 30);
const THINK_MEDIAN_S = Number(env.BENCH_THINK_MEDIAN ?? 5);
const THINK_SIGMA = 0.9;
const TOKEN_TTL = Number(env.BENCH_TOKEN_TTL ?? 120);
const SCALE = env.BENCH_SCALE ?? 'city';
const DB_NAME = env.BENCH_DB ?? `wuyu_load_bench_${SCALE}`;
const TIMEOUT_S = Number(env.BENCH_TIMEOUT ?? 1500 + WARMUP + SECONDS);
const CALIBRATION_N = Number(env.BENCH_CALIBRATION ?? 20);
const PASSWORD = 'Bench-Lake-73-stone-load';
const PURPOSE = encodeURIComponent('负载测试 load benchmark');
const ROOT = path.resolve(__dirname, '..', '..', '..');
const DATA_DIR = path.join(ROOT, 'data', `load-bench-${SCALE}`);

type Role = 'city_admin' | 'district_officer' | 'school_admin' | 'teacher' | 'admissions_officer';

/** One simulated person: an account and what it may see. */
interface Person {
  username: string;
  role: Role;
  /** The target of the grant: region, school or class id; none for the city. */
  target: string | null;
  schoolId: string | null;
  regionId: string | null;
  classId: string | null;
  access: string;
  refresh: string;
}

interface Sample {
  kind: string;
  ms: number;
  status: number;
  at: number;
  code?: string;
}

interface City {
  schools: { id: string; code: string; regionId: string; stage: string }[];
  regions: string[];
  /** student id → current school id */
  studentSchool: Map<string, string>;
  /** class id → the students ever enrolled in it */
  classStudents: Map<string, Set<string>>;
  /** receiving school id → applicant student ids (open batches) */
  applicants: Map<string, Set<string>>;
  /** receiving school id → sealed portfolio ids of its applicants */
  sealedOfApplicants: Map<string, string[]>;
  /** sealed portfolios of students who applied nowhere (probes for admissions officers) */
  sealedOfOthers: string[];
  /** school id → a few students (for student pages) */
  someStudents: Map<string, string[]>;
  /** school id → classes of the latest school year with students */
  classesOfSchool: Map<string, string[]>;
  /** class id → the score file of the class (latest term, 期末 数学) */
  classScores: Map<string, { header: string; rows: { line: string[]; value: number; full: number }[] }>;
  latestTerm: string;
  latestYear: string;
  runs: { valueAdded: string[]; growth: string[] };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);
const out = (line: string) => process.stdout.write(`${line}\n`);
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A log-normal think time: median THINK_MEDIAN_S, σ THINK_SIGMA, clipped to 1–60 s. */
function thinkMs(): number {
  const u = 1 - Math.random();
  const v = Math.random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(60_000, Math.max(1_000, THINK_MEDIAN_S * 1000 * Math.exp(THINK_SIGMA * normal)));
}

function procStat(pid: number): { cpuMs: number; rssMb: number } | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // after "pid (comm) ": state=0 … utime=11, stime=12 (clock ticks), rss=21 (pages)
    return { cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100, rssMb: (Number(fields[21]) * 4096) / 1048576 };
  } catch {
    return null;
  }
}

// ───────────────────────── cleanup and the time bound ─────────────────────────

let service: ChildProcess | undefined;
let runtime: DatabaseRuntime | undefined;
function killService(): void {
  if (service && service.exitCode === null && service.signalCode === null) service.kill('SIGKILL');
}
process.on('exit', killService);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`bench:load: ${signal}, stopping`);
    killService();
    void (runtime?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}
const deadline = setTimeout(() => {
  log(`bench:load: not finished after ${TIMEOUT_S} s (BENCH_TIMEOUT), stopping`);
  killService();
  void (runtime?.stop() ?? Promise.resolve()).finally(() => process.exit(2));
}, TIMEOUT_S * 1000);
deadline.unref();

// ───────────────────────── the city (once) ─────────────────────────

async function prepareDatabase(): Promise<{ url: string; embedded: boolean }> {
  if (env.BENCH_FRESH === '1') {
    // Start over: also the generated demo files (demo:load reuses a folder it generated before, so a
    // changed generator would not be seen) and, without DATABASE_URL, the embedded database.
    fs.rmSync(env.DATABASE_URL ? path.join(DATA_DIR, 'demo') : DATA_DIR, { recursive: true, force: true });
  }
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const config = ensureAuthSecret(loadConfig({ ...env, WUYU_DATA_DIR: DATA_DIR, LOG_LEVEL: 'silent', WUYU_DEMO: 'off' }));
  runtime = await openDatabaseRuntime(config);
  const admin = new Client({ connectionString: runtime.url });
  if (!runtime.embedded && env.BENCH_FRESH === '1') {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin.end();
  }
  const url = runtime.embedded ? runtime.url : await ensureDatabase(runtime.url, DB_NAME);
  const probe = new Client({ connectionString: url });
  await probe.connect();
  const [{ has }] = (await probe.query(`SELECT to_regclass('public.users') IS NOT NULL AS has`)).rows;
  const users = has ? Number((await probe.query('SELECT count(*)::int AS n FROM users')).rows[0].n) : 0;
  await probe.end();
  if (users === 0) {
    log(`loading the demo city (scale ${SCALE}) into ${runtime.embedded ? DATA_DIR : DB_NAME} — once; later runs reuse it …`);
    const started = Date.now();
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'demo:load', '--seed', '8', '--scale', SCALE], {
      env: { ...env, DATABASE_URL: url, WUYU_DATA_DIR: DATA_DIR, WUYU_DEMO: 'off' },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 1_200_000,
    });
    if (result.status !== 0) throw new Error(`demo:load failed (${result.status ?? result.signal})`);
    log(`  loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return { url, embedded: runtime.embedded };
}

interface AccountSpec {
  username: string;
  role: Role;
  grant: { regionId?: string; schoolId?: string; classId?: string };
}

/** The bench's accounts, in city proportions (ADR 1030), created once with one known password. */
async function prepareAccounts(url: string, city: Pick<City, 'schools' | 'regions' | 'applicants' | 'classesOfSchool'>): Promise<AccountSpec[]> {
  const junior = city.schools.filter((s) => s.stage !== 'primary' && s.stage !== 'senior' && s.stage !== 'vocational').map((s) => s.id);
  const specs: AccountSpec[] = [];
  for (let i = 0; i < 4; i += 1) specs.push({ username: `bench.city.${i}`, role: 'city_admin', grant: {} });
  city.regions.forEach((regionId, d) => {
    for (let i = 0; i < 8; i += 1) specs.push({ username: `bench.district.${d}.${i}`, role: 'district_officer', grant: { regionId } });
  });
  [...city.applicants.keys()].sort().forEach((schoolId, k) => {
    for (let i = 0; i < 4; i += 1) specs.push({ username: `bench.admissions.${k}.${i}`, role: 'admissions_officer', grant: { schoolId } });
  });
  city.schools.forEach((school, k) => specs.push({ username: `bench.school.${k}`, role: 'school_admin', grant: { schoolId: school.id } }));
  // Teachers: two classes in each school (junior schools first: their teachers are the busiest in spring).
  const teacherSchools = [...junior, ...city.schools.map((s) => s.id).filter((id) => !junior.includes(id))];
  let t = 0;
  for (const schoolId of teacherSchools) {
    for (const classId of (city.classesOfSchool.get(schoolId) ?? []).slice(0, 2)) specs.push({ username: `bench.teacher.${t++}`, role: 'teacher', grant: { classId } });
  }
  const dataSource = createDataSource(url, { poolSize: 2 });
  await dataSource.initialize();
  try {
    const existing = new Set(((await dataSource.query(`SELECT username FROM users WHERE username LIKE 'bench.%'`)) as { username: string }[]).map((r) => r.username));
    const missing = specs.filter((s) => !existing.has(s.username));
    if (missing.length > 0) log(`creating ${missing.length} bench accounts …`);
    const users = new UsersService(dataSource);
    for (const spec of missing) await users.create({ username: spec.username, displayName: spec.username, password: PASSWORD, roles: [{ role: spec.role, ...spec.grant }] } as never, null);
  } finally {
    await dataSource.destroy();
  }
  return specs;
}

async function readCity(url: string): Promise<Omit<City, 'runs'>> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const q = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];
    const schools = await q<{ id: string; code: string; regionId: string; stage: string }>(`SELECT id, trim(code) AS code, region_id AS "regionId", stage FROM schools ORDER BY code`);
    const regions = [...new Set(schools.map((s) => s.regionId))].sort();
    const studentSchool = new Map((await q<{ id: string; school_id: string }>(`SELECT id, school_id FROM students`)).map((r) => [r.id, r.school_id]));
    const [latest] = await q<{ id: string; school_year: string }>(`SELECT t.id, t.school_year FROM terms t WHERE EXISTS (SELECT 1 FROM enrolments e WHERE e.term_id = t.id) ORDER BY t.start_date DESC LIMIT 1`);
    const classRows = await q<{ id: string; school_id: string }>(
      `SELECT c.id, c.school_id FROM school_classes c WHERE c.school_year = $1 AND EXISTS (SELECT 1 FROM enrolments e WHERE e.class_id = c.id AND e.term_id = $2)
        ORDER BY c.school_id, c.grade_code DESC, c.name`,
      [latest.school_year, latest.id],
    );
    const classesOfSchool = new Map<string, string[]>();
    for (const row of classRows) classesOfSchool.set(row.school_id, [...(classesOfSchool.get(row.school_id) ?? []), row.id]);
    const classStudents = new Map<string, Set<string>>();
    for (const row of await q<{ class_id: string; student_id: string }>(`SELECT DISTINCT class_id, student_id FROM enrolments`)) {
      if (!classStudents.has(row.class_id)) classStudents.set(row.class_id, new Set());
      classStudents.get(row.class_id)!.add(row.student_id);
    }
    const applicants = new Map<string, Set<string>>();
    for (const row of await q<{ school_id: string; student_id: string }>(
      `SELECT a.school_id, a.student_id FROM admissions_applications a JOIN admissions_batches b ON b.id = a.batch_id
        WHERE (now() AT TIME ZONE 'Asia/Shanghai')::date BETWEEN b.opens_on AND b.closes_on`,
    )) {
      if (!applicants.has(row.school_id)) applicants.set(row.school_id, new Set());
      applicants.get(row.school_id)!.add(row.student_id);
    }
    const sealed = await q<{ id: string; student_id: string }>(`SELECT id, student_id FROM portfolios WHERE status = 'sealed'`);
    const sealedOfApplicants = new Map<string, string[]>();
    for (const [schoolId, students] of applicants) sealedOfApplicants.set(schoolId, sealed.filter((p) => students.has(p.student_id)).map((p) => p.id));
    const anyApplicant = new Set([...applicants.values()].flatMap((s) => [...s]));
    const sealedOfOthers = sealed.filter((p) => !anyApplicant.has(p.student_id)).map((p) => p.id);
    const someStudents = new Map<string, string[]>();
    for (const row of await q<{ school_id: string; ids: string[] }>(
      `SELECT e.school_id, (array_agg(e.student_id ORDER BY e.student_id))[1:40] AS ids FROM enrolments e WHERE e.term_id = $1 GROUP BY e.school_id`,
      [latest.id],
    )) {
      someStudents.set(row.school_id, row.ids);
    }
    // A class's 期末 数学 of the latest term, as the school's teacher exported it: the upload of the class's scores.
    const classScores = new Map<string, { header: string; rows: { line: string[]; value: number; full: number }[] }>();
    const scoreRows = await q<{ class_id: string; number: string; name: string; term: string; subject: string; type: string; day: string; value: string; full: string }>(
      `SELECT e.class_id, s.student_number AS number, s.name, t.code AS term, '数学' AS subject, '期末' AS type, to_char(r.occasion_date, 'YYYY-MM-DD') AS day,
              r.numeric_value::text AS value, r.full_marks::text AS full
         FROM term_records r JOIN indicators i ON i.id = r.indicator_id AND i.code = 'academic.exam.math'
         JOIN terms t ON t.id = r.term_id JOIN students s ON s.id = r.student_id
         JOIN enrolments e ON e.student_id = r.student_id AND e.term_id = r.term_id
        WHERE r.term_id = $1 AND r.exam_type = 'final' AND r.numeric_value IS NOT NULL AND e.class_id = ANY($2::uuid[])
        ORDER BY e.class_id, s.student_number`,
      [latest.id, [...classesOfSchool.values()].map((list) => list[0])],
    );
    for (const row of scoreRows) {
      if (!classScores.has(row.class_id)) classScores.set(row.class_id, { header: '学籍号,姓名,学年学期,科目,考试类型,考试日期,成绩,满分', rows: [] });
      classScores.get(row.class_id)!.rows.push({ line: [row.number, row.name, row.term, row.subject, row.type, row.day], value: Number(row.value), full: Number(row.full) });
    }
    return { schools, regions, studentSchool, classStudents, applicants, sealedOfApplicants, sealedOfOthers, someStudents, classesOfSchool, classScores, latestTerm: latest.id, latestYear: latest.school_year };
  } finally {
    await db.end();
  }
}

async function startService(url: string): Promise<string> {
  const child = spawn(process.execPath, [...(env.BENCH_NODE_OPTIONS ? env.BENCH_NODE_OPTIONS.split(' ') : []), path.join(ROOT, 'dist', 'src', 'main.js')], {
    env: {
      ...env,
      DATABASE_URL: url,
      WUYU_DATA_DIR: DATA_DIR,
      WUYU_DEMO: 'off',
      PORT: '0',
      LOG_LEVEL: 'error',
      ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL),
      // All simulated users sign in from 127.0.0.1; real ones come from many addresses.
      LOGIN_ATTEMPTS_PER_MINUTE: '10000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  service = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 100_000) output = output.slice(-50_000);
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`service exited (${code ?? signal}):\n${output.slice(-4000)}`)));
  });
}

// ───────────────────────── HTTP as the web client does it ─────────────────────────

/** The last request of each class, to replay serially after the load. */
const lastRequest = new Map<string, { person: Person; pathAndQuery: string; init: () => RequestInit }>();

class Client2 {
  constructor(
    readonly base: string,
    readonly samples: Sample[],
    readonly t0: () => number,
  ) {}

  async login(person: Person): Promise<void> {
    const started = Date.now();
    const response = await fetch(`${this.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: person.username, password: PASSWORD }) });
    this.samples.push({ kind: 'auth:login', ms: Date.now() - started, status: response.status, at: started - this.t0() });
    if (response.status !== 200) throw new Error(`login of ${person.username}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { accessToken: string; refreshToken: string };
    person.access = body.accessToken;
    person.refresh = body.refreshToken;
  }

  /** One refresh at a time per person, shared by the requests waiting on it (web/src/api.ts): a refresh token is single-use, and a second use revokes the sign-in. */
  private readonly refreshing = new Map<Person, Promise<boolean>>();

  private refresh(person: Person, expiredToken: string): Promise<boolean> {
    if (person.access !== expiredToken) return Promise.resolve(true); // another request of this page already refreshed
    let pending = this.refreshing.get(person);
    if (!pending) {
      pending = this.refreshOnce(person).finally(() => this.refreshing.delete(person));
      this.refreshing.set(person, pending);
    }
    return pending;
  }

  private async refreshOnce(person: Person): Promise<boolean> {
    const started = Date.now();
    const response = await fetch(`${this.base}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: person.refresh }) });
    this.samples.push({ kind: 'auth:refresh', ms: Date.now() - started, status: response.status, at: started - this.t0() });
    if (response.status !== 200) return false;
    const body = (await response.json()) as { accessToken: string; refreshToken: string };
    person.access = body.accessToken;
    person.refresh = body.refreshToken;
    return true;
  }

  /** One request; on 401 TOKEN_EXPIRED refreshes once and sends it again (web/src/api.ts). */
  async call(kind: string, person: Person, pathAndQuery: string, init: () => RequestInit = () => ({})): Promise<{ status: number; body: unknown }> {
    lastRequest.set(kind, { person, pathAndQuery, init });
    let usedToken = person.access;
    const send = async () => {
      const request = init();
      usedToken = person.access;
      const headers: Record<string, string> = { authorization: `Bearer ${person.access}`, ...(request.headers as Record<string, string>) };
      if (person.role === 'city_admin' || person.role === 'district_officer' || person.role === 'admissions_officer') headers['x-access-purpose'] = PURPOSE;
      const started = Date.now();
      let status = -1;
      let body: unknown = null;
      try {
        const response = await fetch(`${this.base}${pathAndQuery}`, { ...request, headers, signal: AbortSignal.timeout(120_000) });
        status = response.status;
        const text = await response.text();
        body = (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
      } catch {
        status = -1;
      }
      const code = status >= 400 ? String((body as { code?: unknown } | null)?.code ?? '') : undefined;
      return { status, body, ms: Date.now() - started, started, code };
    };
    let result = await send();
    if (result.status === 401 && result.code === 'TOKEN_EXPIRED') {
      this.samples.push({ kind: 'auth:expired', ms: result.ms, status: 401, at: result.started - this.t0(), code: result.code });
      if (await this.refresh(person, usedToken)) result = await send();
    }
    this.samples.push({ kind, ms: result.ms, status: result.status, at: result.started - this.t0(), code: result.code });
    return result;
  }
}

// ───────────────────────── scope checks ─────────────────────────

/** School-level value-added and growth results: the bureau (valueadded.manage) sees every school's (docs/value-added-service.md, "Who sees what"). */
const RESULT_KINDS = new Set(['read:va-report', 'read:va-run', 'read:school-va', 'read:school-growth']);

function scopeChecker(city: City, person: Person, kind = ''): { student(id: string): boolean; school(id: string): boolean } {
  const all = () => true;
  if (RESULT_KINDS.has(kind) && person.role === 'district_officer') return { student: () => false, school: all };
  switch (person.role) {
    case 'city_admin':
      return { student: all, school: all };
    case 'district_officer': {
      const schools = new Set(city.schools.filter((s) => s.regionId === person.regionId).map((s) => s.id));
      return { student: (id) => schools.has(city.studentSchool.get(id) ?? ''), school: (id) => schools.has(id) };
    }
    case 'school_admin':
      return { student: (id) => city.studentSchool.get(id) === person.schoolId, school: (id) => id === person.schoolId };
    case 'teacher': {
      const students = city.classStudents.get(person.classId!) ?? new Set<string>();
      return { student: (id) => students.has(id), school: (id) => id === person.schoolId };
    }
    case 'admissions_officer': {
      const students = city.applicants.get(person.schoolId!) ?? new Set<string>();
      return { student: (id) => students.has(id), school: (id) => id === person.schoolId };
    }
  }
}

/**
 * Every student and school a body names must lie in the caller's scope: `studentId` fields and
 * `student.id`; `schoolId` fields (not for admissions officers, whose applicants come from other
 * schools: for them `receivingSchool.id`). Returns the violations.
 */
function scopeViolations(body: unknown, person: Person, check: ReturnType<typeof scopeChecker>): string[] {
  const found: string[] = [];
  const visit = (value: unknown, key: string) => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'studentId' && typeof v === 'string' && !check.student(v)) found.push(`student ${v} to ${person.username}`);
      else if (k === 'student' && v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' && !check.student((v as { id: string }).id)) found.push(`student ${(v as { id: string }).id} to ${person.username}`);
      else if (k === 'schoolId' && typeof v === 'string' && person.role !== 'admissions_officer' && !check.school(v)) found.push(`school ${v} (${key}) to ${person.username}`);
      else if (k === 'receivingSchool' && v && typeof v === 'object' && !check.school((v as { id: string }).id)) found.push(`applicant of school ${(v as { id: string }).id} to ${person.username}`);
      if (k !== 'student') visit(v, k);
    }
  };
  visit(body, '');
  return found;
}

// ───────────────────────── the pages people look at ─────────────────────────

type PageView = (client: Client2, person: Person) => Promise<void>;

function pages(city: City, wrong: string[], uploads: { committed: number; changed: number; dryRuns: number }): Record<Role, { weight: number; view: PageView }[]> {
  const checked = async (client: Client2, kind: string, person: Person, url: string, extra?: (body: unknown) => void) => {
    const { status, body } = await client.call(kind, person, url);
    if (status === 200) {
      wrong.push(...scopeViolations(body, person, scopeChecker(city, person, kind)).map((v) => `${kind}: ${v}`));
      extra?.(body);
    }
    return { status, body };
  };
  /** A record outside the caller's scope must be refused (403/404), never answered. */
  const probe = async (client: Client2, kind: string, person: Person, url: string) => {
    const { status } = await client.call(kind, person, url);
    if (status === 200) wrong.push(`${kind}: ${url} answered to ${person.username}, outside their scope`);
  };
  const outsideStudent = (person: Person) => {
    const check = scopeChecker(city, person);
    for (let i = 0; i < 50; i += 1) {
      const school = pick(city.schools).id;
      const candidate = pick(city.someStudents.get(school) ?? []);
      if (candidate && !check.student(candidate)) return candidate;
    }
    return null;
  };
  const vaRun = () => pick(city.runs.valueAdded);
  const schoolInScope = (person: Person) =>
    person.role === 'city_admin' ? pick(city.schools).id : person.role === 'district_officer' ? pick(city.schools.filter((s) => s.regionId === person.regionId)).id : person.schoolId!;

  const vaOverview: PageView = async (c, p) => {
    await c.call('read:va-studies', p, '/api/reports/value-added/studies');
    if (city.runs.valueAdded.length === 0) return;
    await checked(c, 'read:va-report', p, `/api/reports/value-added/runs/${vaRun()}`, (body) => {
      const groups = (body as { groups?: { rank: number | null }[] }).groups ?? [];
      if (p.role === 'school_admin') for (const g of groups) if (g.rank !== null) wrong.push(`read:va-report: a rank shown to ${p.username}`);
    });
  };
  const vaRunRaw: PageView = async (c, p) => {
    if (city.runs.valueAdded.length === 0) return;
    await checked(c, 'read:va-run', p, `/api/value-added/runs/${vaRun()}`);
  };
  const schoolPage: PageView = async (c, p) => {
    if (p.role !== 'school_admin') await c.call('read:schools', p, '/api/schools?pageSize=200');
    const school = schoolInScope(p);
    await Promise.all([checked(c, 'read:school-va', p, `/api/reports/schools/${school}/value-added`), checked(c, 'read:school-growth', p, `/api/reports/schools/${school}/growth`)]);
  };
  const fitnessPage: PageView = async (c, p) => {
    await c.call('read:terms', p, '/api/terms?pageSize=200');
    const level = p.role === 'city_admin' ? pick(['district', 'school']) : 'school';
    await checked(c, 'read:fitness', p, `/api/fitness/aggregates?level=${level}&schoolYear=${city.latestYear}`);
    await checked(c, 'read:myopia', p, `/api/fitness/myopia?level=${level}&schoolYear=${city.latestYear}`);
  };
  const termRecords: PageView = async (c, p) => {
    const school = p.role === 'teacher' ? null : schoolInScope(p);
    const page = 1 + Math.floor(Math.random() * 5);
    await checked(c, 'read:term-records', p, `/api/term-records?termId=${city.latestTerm}${school ? `&schoolId=${school}` : ''}&pageSize=50&page=${page}`);
  };
  const studentPage: PageView = async (c, p) => {
    const list = (await checked(c, 'read:students', p, `/api/students?pageSize=50`)).body as { items?: { id: string }[] } | null;
    const id = pick(list?.items ?? [])?.id;
    if (!id) return;
    await Promise.all([
      checked(c, 'read:growth-profile', p, `/api/growth/students/${id}`),
      c.call('read:terms', p, '/api/terms?pageSize=200'),
      checked(c, 'read:portfolios', p, `/api/portfolios?studentId=${id}&pageSize=50`),
    ]);
    if (Math.random() < 0.1) {
      const other = outsideStudent(p);
      if (other) await probe(c, 'probe:outside-student', p, `/api/growth/students/${other}`);
    }
  };
  const uploadPage: PageView = async (c, p) => {
    const classId = (city.classesOfSchool.get(p.schoolId!) ?? [])[0];
    const file = classId ? city.classScores.get(classId) : undefined;
    await c.call('read:import-kinds', p, '/api/imports');
    if (!file || file.rows.length === 0) return;
    // A correction now and then (one score changed by a point): a new version of that record.
    const change = Math.random() < 0.3 ? Math.floor(Math.random() * file.rows.length) : -1;
    const csv = `\uFEFF${file.header}\n${file.rows.map((r, i) => [...r.line, i === change ? String(r.value > 0 ? r.value - 1 : r.value + 1) : String(r.value), String(r.full)].join(',')).join('\n')}\n`;
    const form = () => {
      const body = new FormData();
      body.append('file', new Blob([csv], { type: 'text/csv' }), `${classId}-数学.csv`);
      return { method: 'POST', body };
    };
    const dry = await c.call('upload:scores-check', p, '/api/imports/scores?dryRun=true', form);
    uploads.dryRuns += 1;
    if (dry.status !== 200) return;
    await sleep(thinkMs()); // reads the check's report, then commits
    const committed = await c.call('upload:scores-commit', p, '/api/imports/scores', form);
    if (committed.status === 201) {
      uploads.committed += 1;
      if (change >= 0) uploads.changed += 1;
    }
  };
  const applicantsPage: PageView = async (c, p) => {
    await c.call('read:batches', p, '/api/admissions/batches?pageSize=200');
    await checked(c, 'read:applicants', p, `/api/admissions/applicants?sort=${pick(['levels', 'name', 'appliedOn'])}&pageSize=200`);
  };
  const portfolioPage: PageView = async (c, p) => {
    const sealed = city.sealedOfApplicants.get(p.schoolId!) ?? [];
    if (sealed.length === 0) {
      await applicantsPage(c, p);
      return;
    }
    const id = pick(sealed);
    await checked(c, 'read:portfolio', p, `/api/portfolios/${id}`, (body) => {
      const document = body as { status?: string; document?: { student?: { id?: string } } };
      if (document.status !== 'sealed') wrong.push(`read:portfolio: an unsealed portfolio (${document.status}) to ${p.username}`);
    });
    if (Math.random() < 0.15) await c.call('read:portfolio-verify', p, `/api/portfolios/${id}/verify`);
    if (Math.random() < 0.1 && city.sealedOfOthers.length > 0) await probe(c, 'probe:outside-portfolio', p, `/api/portfolios/${pick(city.sealedOfOthers)}`);
  };

  return {
    city_admin: [
      { weight: 35, view: vaOverview },
      { weight: 10, view: vaRunRaw },
      { weight: 25, view: schoolPage },
      { weight: 20, view: fitnessPage },
      { weight: 10, view: termRecords },
    ],
    district_officer: [
      { weight: 35, view: vaOverview },
      { weight: 5, view: vaRunRaw },
      { weight: 25, view: schoolPage },
      { weight: 20, view: fitnessPage },
      { weight: 10, view: termRecords },
      { weight: 5, view: studentPage },
    ],
    admissions_officer: [
      { weight: 35, view: applicantsPage },
      { weight: 65, view: portfolioPage },
    ],
    school_admin: [
      { weight: 30, view: termRecords },
      { weight: 30, view: studentPage },
      { weight: 15, view: schoolPage },
      { weight: 10, view: vaOverview },
      { weight: 15, view: uploadPage },
    ],
    teacher: [
      { weight: 55, view: studentPage },
      { weight: 45, view: termRecords },
    ],
  };
}

function choose(views: { weight: number; view: PageView }[]): PageView {
  const total = views.reduce((sum, v) => sum + v.weight, 0);
  let r = Math.random() * total;
  for (const v of views) {
    r -= v.weight;
    if (r <= 0) return v.view;
  }
  return views[views.length - 1].view;
}

/** 200 people of a city at work: 15% bureau, 8% admissions, 30% school administrators, 47% teachers (ADR 1030). */
function crowd(specs: AccountSpec[], city: City): Person[] {
  const byRole = (role: Role) => specs.filter((s) => s.role === role);
  const shares: [Role, number][] = [
    ['city_admin', 0.02],
    ['district_officer', 0.13],
    ['admissions_officer', 0.08],
    ['school_admin', 0.3],
    ['teacher', 0.47],
  ];
  const people: Person[] = [];
  for (const [role, share] of shares) {
    const accounts = byRole(role);
    const n = role === 'teacher' ? USERS - people.length : Math.max(1, Math.round(USERS * share));
    for (let i = 0; i < n && accounts.length > 0; i += 1) {
      const spec = accounts[i % accounts.length];
      const classId = spec.grant.classId ?? null;
      const schoolId = spec.grant.schoolId ?? (classId ? ([...city.classesOfSchool].find(([, list]) => list.includes(classId))?.[0] ?? null) : null);
      people.push({ username: spec.username, role, target: spec.grant.regionId ?? spec.grant.schoolId ?? classId, schoolId, regionId: spec.grant.regionId ?? null, classId, access: '', refresh: '' });
    }
  }
  return people;
}

// ───────────────────────── analyses the bureau reads (once) ─────────────────────────

async function prepareAnalyses(client: Client2, url: string, city: Omit<City, 'runs'>, person: Person): Promise<City['runs']> {
  // A connection of its own each time: the setup connection sits idle for as long as the runs take,
  // and after a fresh city load it was found closed by then ("Connection terminated"; cause not found).
  const ids = async () => {
    const fresh = new Client({ connectionString: url });
    await fresh.connect();
    try {
      return {
        valueAdded: ((await fresh.query(`SELECT id FROM value_added_runs WHERE state = 'succeeded' ORDER BY finished_at`)).rows as { id: string }[]).map((r) => r.id),
        growth: ((await fresh.query(`SELECT id FROM growth_runs WHERE state = 'succeeded' ORDER BY finished_at`)).rows as { id: string }[]).map((r) => r.id),
      };
    } finally {
      await fresh.end();
    }
  };
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const existing = await ids();
    if (existing.valueAdded.length > 0 && existing.growth.length > 0) return existing;
    log('running value-added studies and a growth run for the bureau to read — once …');
    const occasions = (await db.query(
      `SELECT t.id AS "termId", t.school_year AS "schoolYear", r.exam_type AS "examType", to_char(r.occasion_date, 'YYYY-MM-DD') AS "examDate"
         FROM term_records r JOIN indicators i ON i.id = r.indicator_id JOIN terms t ON t.id = r.term_id
        WHERE i.code = 'academic.exam.math' AND r.exam_type IS NOT NULL AND r.occasion_date IS NOT NULL
        GROUP BY 1, 2, 3, 4 HAVING count(*) >= 500 ORDER BY 4`,
    )).rows as { termId: string; schoolYear: string; examType: string; examDate: string }[];
    const post = async (path: string, body: unknown) => {
      const { status, body: answer } = await client.call('setup', person, path, () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
      if (status !== 201 && status !== 200 && status !== 202) throw new Error(`POST ${path}: ${status} ${JSON.stringify(answer)}`);
      return answer as { id: string };
    };
    const runs: string[] = [];
    if (existing.valueAdded.length === 0) {
      for (const year of [...new Set(occasions.map((o) => o.schoolYear))]) {
        const inYear = occasions.filter((o) => o.schoolYear === year);
        if (inYear.length < 2) continue;
        const [first, last] = [inYear[0], inYear[inYear.length - 1]];
        const name = `负载测试 数学增值 ${year}`;
        // Idempotent: an earlier, interrupted setup may have left the study or its run.
        const [known] = (await db.query(`SELECT s.id, (SELECT r.id FROM value_added_runs r WHERE r.study_id = s.id AND r.state <> 'failed' ORDER BY r.created_at DESC LIMIT 1) AS run FROM value_added_studies s WHERE s.name = $1`, [name])).rows as { id: string; run: string | null }[];
        const studyId =
          known?.id ??
          (
            await post('/api/value-added/studies', {
              name,
              outcome: { termId: last.termId, examType: last.examType, examDate: last.examDate, subject: 'academic.exam.math' },
              priors: [{ termId: first.termId, examType: first.examType, examDate: first.examDate, subject: 'academic.exam.math' }],
              covariates: ['female'],
              grouping: 'school',
              model: 'multilevel',
              minGroupSize: 20,
            })
          ).id;
        runs.push(`/api/value-added/runs/${known?.run ?? (await post(`/api/value-added/studies/${studyId}/runs`, { models: ['multilevel', 'ols', 'zgain'] })).id}`);
      }
    }
    if (existing.growth.length === 0 && occasions.length >= 2) {
      const [known] = (await db.query(`SELECT id FROM growth_runs WHERE state <> 'failed' ORDER BY created_at DESC LIMIT 1`)).rows as { id: string }[];
      const [prior, current] = occasions.slice(-2);
      runs.push(
        `/api/growth/runs/${known?.id ?? (await post('/api/growth/runs', { indicator: 'academic.exam.math', current: { termId: current.termId, examType: current.examType, examDate: current.examDate }, priors: [{ termId: prior.termId, examType: prior.examType, examDate: prior.examDate }], minimumN: 20 })).id}`,
      );
    }
    for (const run of runs) {
      for (let waited = 0; ; waited += 1) {
        const { body } = await client.call('setup', person, run);
        const state = (body as { state?: string }).state;
        if (state === 'succeeded') break;
        if (state === 'failed' || waited > 1200) throw new Error(`${run}: ${state}`);
        await sleep(1000);
      }
    }
    void city;
  } finally {
    await db.end().catch(() => undefined);
  }
  return ids();
}

// ───────────────────────── main ─────────────────────────

async function main(): Promise<void> {
  const { url, embedded } = await prepareDatabase();
  {
    // The service migrates at start; the bench reads the city before, so migrate here too.
    const dataSource = createDataSource(url, { poolSize: 1 });
    await dataSource.initialize();
    await migrate(dataSource);
    // Planner statistics as autovacuum keeps them on a production server (this one may run with
    // autovacuum off, and demo:load does not analyse): without them the value-added cohort query
    // took over 13 minutes instead of seconds. A few seconds.
    await dataSource.query('ANALYZE');
    await dataSource.destroy();
  }
  const cityBase = await readCity(url);
  const specs = await prepareAccounts(url, cityBase);
  const dbName = new URL(url).pathname.slice(1);
  log('starting the service …');
  const base = await startService(url);
  let t0 = Date.now();
  const samples: Sample[] = [];
  const client = new Client2(base, samples, () => t0);
  const setupPerson: Person = { username: 'bench.city.0', role: 'city_admin', target: null, schoolId: null, regionId: null, classId: null, access: '', refresh: '' };
  await client.login(setupPerson);
  const city: City = { ...cityBase, runs: await prepareAnalyses(client, url, cityBase, setupPerson) };
  const people = crowd(specs, city);
  samples.length = 0;

  const count = (role: Role) => people.filter((p) => p.role === role).length;
  const sealedTotal = [...city.sealedOfApplicants.values()].reduce((n, l) => n + l.length, 0);
  out(`bench:load — ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, PostgreSQL ${embedded ? 'embedded' : `${dbName} (DATABASE_URL server)`}`);
  out(`  city: ${city.schools.length} schools, ${city.studentSchool.size} students, ${[...city.applicants.values()].reduce((n, s) => n + s.size, 0)} applications to ${city.applicants.size} schools, ${sealedTotal} sealed portfolios of applicants; ${city.runs.valueAdded.length} value-added runs, ${city.runs.growth.length} growth runs`);
  out(
    `  ${people.length} simulated users: ${count('city_admin')} city + ${count('district_officer')} district bureau, ${count('admissions_officer')} admissions officers, ${count('school_admin')} school administrators (uploads among their pages), ${count('teacher')} teachers`,
  );
  out(`  each logs in once (spread over ${Math.min(WARMUP, 20)} s), then views pages with a log-normal think time (median ${THINK_MEDIAN_S} s, σ ${THINK_SIGMA}, 1–60 s); access tokens live ${TOKEN_TTL} s and are refreshed on expiry`);
  out(`  ${WARMUP} s ramp-up and warm-up, then ${SECONDS} s measured`);
  if (sealedTotal === 0) out('  NOTE: no sealed portfolios of applicants in this city: admissions officers read applicant lists only');

  // ── the load ──
  const wrong: string[] = [];
  const uploads = { committed: 0, changed: 0, dryRuns: 0 };
  const views = pages(city, wrong, uploads);
  t0 = Date.now();
  const end = t0 + (WARMUP + SECONDS) * 1000;
  const failures: string[] = [];
  const user = async (person: Person, delay: number) => {
    await sleep(delay);
    try {
      await client.login(person);
    } catch (error) {
      failures.push((error as Error).message);
      return;
    }
    await sleep(Math.random() * THINK_MEDIAN_S * 1000);
    while (Date.now() < end) {
      try {
        await choose(views[person.role])(client, person);
      } catch (error) {
        failures.push(`${person.username}: ${(error as Error).message}`);
      }
      await sleep(thinkMs());
    }
  };
  const ramp = Math.min(WARMUP, 20) * 1000;
  const series: { at: number; connections: number; rssMb: number; cpuMs: number; pgCpuMs: number | null }[] = [];
  const pid = service!.pid!;
  const monitorDb = new Client({ connectionString: url, application_name: 'bench-monitor' });
  await monitorDb.connect();
  // The service's backends: its pool's connections ('client backend') and the parallel workers its queries start (CPU only).
  const backendRows = async () => (await monitorDb.query(`SELECT pid, backend_type FROM pg_stat_activity WHERE datname = $1 AND application_name = 'wuyu'`, [dbName])).rows as { pid: number; backend_type: string }[];
  const backends = async () => (await backendRows()).map((r) => r.pid);
  /**
   * CPU of the service's PostgreSQL backends, if PostgreSQL runs on this machine (its /proc
   * readable): a running total, adding per backend what it used since the last look (a backend
   * the pool closed in between loses its last interval; a new one counts from its start).
   */
  const seen = new Map<number, number>();
  let pgTotal = 0;
  const pgCpu = async (): Promise<number | null> => {
    for (const backend of await backends()) {
      const stat = procStat(backend);
      if (!stat) continue; // ended between the listing and the read (or not on this machine: see pgLocal)
      pgTotal += stat.cpuMs - (seen.get(backend) ?? 0);
      seen.set(backend, stat.cpuMs);
    }
    return pgTotal;
  };
  const pgLocal = (await backends()).some((backend) => procStat(backend) !== null);
  await pgCpu();
  const sample = async () => {
    const stat = procStat(pid);
    const list = await backendRows();
    series.push({ at: Date.now() - t0, connections: list.filter((r) => r.backend_type === 'client backend').length, rssMb: stat?.rssMb ?? Number.NaN, cpuMs: stat?.cpuMs ?? Number.NaN, pgCpuMs: pgLocal ? await pgCpu() : null });
  };
  const monitor = (async () => {
    while (Date.now() < end) {
      await sample();
      await sleep(2000);
    }
  })();
  await Promise.all([...people.map((person, i) => user(person, (i * ramp) / people.length)), monitor]);
  await sample();

  // ── server-side CPU per request class, replayed serially ──
  const calibration = new Map<string, { n: number; nodeMs: number; pgMs: number | null; wallMs: number }>();
  if (CALIBRATION_N > 0) {
    for (const [kind, { person, pathAndQuery, init }] of [...lastRequest].sort(([a], [b]) => a.localeCompare(b))) {
      if (kind === 'setup' || kind.startsWith('auth:')) continue;
      const isolated: Sample[] = [];
      const serial = new Client2(base, isolated, () => t0);
      const n0 = procStat(pid)!.cpuMs;
      const pg0 = pgLocal ? await pgCpu() : null;
      const until = Date.now() + 15_000; // a slow class gets fewer replays, at least one
      for (let i = 0; i < CALIBRATION_N && (i === 0 || Date.now() < until); i += 1) await serial.call(kind, person, pathAndQuery, init);
      const n1 = procStat(pid)!.cpuMs;
      const pg1 = pgLocal ? await pgCpu() : null;
      const ofKind = isolated.filter((s) => s.kind === kind);
      calibration.set(kind, {
        n: ofKind.length,
        nodeMs: (n1 - n0) / Math.max(1, ofKind.length),
        pgMs: pg0 !== null && pg1 !== null ? (pg1 - pg0) / Math.max(1, ofKind.length) : null,
        wallMs: percentile(
          ofKind.map((s) => s.ms),
          50,
        ),
      });
    }
  }
  await monitorDb.end();

  // ── figures ──
  const measured = samples.filter((s) => s.at >= WARMUP * 1000);
  const errors5xx = samples.filter((s) => s.status >= 500);
  const network = samples.filter((s) => s.status === -1);
  const refused = samples.filter((s) => s.status >= 400 && s.status < 500 && s.kind !== 'auth:expired' && !s.kind.startsWith('probe:'));
  out('');
  out(`requests: ${samples.length} (${measured.length} in the measured ${SECONDS} s: ${(measured.length / SECONDS).toFixed(1)}/s); 5xx: ${errors5xx.length}; network failures: ${network.length}; other 4xx: ${refused.length}; wrong-scope answers: ${wrong.length}`);
  out(`  uploads: ${uploads.dryRuns} checks (dry runs), ${uploads.committed} commits of a class's scores (${uploads.changed} with a corrected score)`);
  const refusals = new Map<string, number>();
  for (const s of [...errors5xx, ...network, ...refused]) refusals.set(`${s.kind} ${s.status} ${s.code ?? ''}`.trim(), (refusals.get(`${s.kind} ${s.status} ${s.code ?? ''}`.trim()) ?? 0) + 1);
  if (refusals.size > 0) out(`  errors and refusals: ${[...refusals].map(([key, n]) => `${key} ×${n}`).join('; ')}`);
  if (failures.length > 0) out(`  client failures: ${failures.length} (${failures.slice(0, 3).join('; ')})`);
  out('');
  out(`per request class, measured period (wall ms on this machine) | server CPU per request, serial replay (node + PostgreSQL ms):`);
  for (const kind of [...new Set(measured.map((s) => s.kind))].sort()) {
    const ms = measured.filter((s) => s.kind === kind).map((s) => s.ms);
    const cpu = calibration.get(kind);
    const cpuText = cpu ? `  | cpu ${cpu.nodeMs.toFixed(1)} + ${cpu.pgMs === null ? '?' : cpu.pgMs.toFixed(1)} ms, serial p50 ${cpu.wallMs} ms` : '';
    out(`  ${kind.padEnd(24)} n=${String(ms.length).padStart(6)}  p50 ${String(percentile(ms, 50)).padStart(5)}  p95 ${String(percentile(ms, 95)).padStart(5)}  p99 ${String(percentile(ms, 99)).padStart(5)}  max ${String(Math.max(...ms)).padStart(5)}${cpuText}`);
  }
  const reads = measured.filter((s) => s.kind.startsWith('read:'));
  const readP95 = percentile(reads.map((s) => s.ms), 95);
  out(`  ${'all reads'.padEnd(24)} n=${String(reads.length).padStart(6)}  p50 ${String(percentile(reads.map((s) => s.ms), 50)).padStart(5)}  p95 ${String(readP95).padStart(5)}  p99 ${String(percentile(reads.map((s) => s.ms), 99)).padStart(5)}`);
  out('');
  const warm = series.filter((s) => s.at >= WARMUP * 1000 && s.at <= (WARMUP + SECONDS) * 1000);
  out('over time (every 10 s): t, open database connections of the service, service RSS MB, service CPU % of one core, its PostgreSQL backends CPU %:');
  let previous = series[0];
  for (const s of series.filter((_, i) => i % 5 === 0 || i === series.length - 1).slice(1)) {
    const dt = s.at - previous.at;
    const cpu = ((s.cpuMs - previous.cpuMs) / dt) * 100;
    const pg = s.pgCpuMs !== null && previous.pgCpuMs !== null ? `${(((s.pgCpuMs - previous.pgCpuMs) / dt) * 100).toFixed(0)}%` : '?';
    out(`  ${String(Math.round(s.at / 1000)).padStart(4)} s  conn ${String(s.connections).padStart(3)}  rss ${s.rssMb.toFixed(0).padStart(5)} MB  cpu ${cpu.toFixed(0).padStart(3)}%  pg ${pg}`);
    previous = s;
  }
  const connections = warm.map((s) => s.connections);
  const rss = warm.map((s) => s.rssMb);
  const fifth = Math.max(1, Math.floor(rss.length / 5));
  const median = (values: number[]) => percentile(values, 50);
  const rssEarly = median(rss.slice(0, fifth));
  const rssLate = median(rss.slice(-fifth));
  const rssGrowth = (rssLate - rssEarly) / rssEarly;
  const connGrowth = median(connections.slice(-fifth)) - median(connections.slice(0, fifth));
  out('');
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const met = {
    fivexx: errors5xx.length === 0 && network.length === 0,
    scope: wrong.length === 0,
    p95: readP95 < 200,
    connections: connGrowth <= 0 && Math.max(...connections) <= 20,
    rss: Math.abs(rssGrowth) <= 0.1,
  };
  out(`zero 5xx (and no failed connections): ${verdict(met.fivexx)}`);
  out(`zero wrong-scope answers: ${verdict(met.scope)}${wrong.length > 0 ? ` — ${[...new Set(wrong)].slice(0, 5).join('; ')}` : ''}`);
  out(`reads p95 ${readP95} ms < 200 ms: ${verdict(met.p95)} (load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}; wall times include other processes on this machine)`);
  out(`database connections after warm-up: min ${Math.min(...connections)}, max ${Math.max(...connections)} (pool max 20), last fifth − first fifth (medians) ${connGrowth}: no growth ${verdict(met.connections)}`);
  out(`service RSS after warm-up: first-fifth median ${rssEarly.toFixed(0)} MB, last-fifth median ${rssLate.toFixed(0)} MB (${(rssGrowth * 100).toFixed(1)}%), min ${Math.min(...rss).toFixed(0)}, max ${Math.max(...rss).toFixed(0)} MB: stable within 10% ${verdict(met.rss)}`);
  if (!met.fivexx || !met.scope) process.exitCode = 1;
}

void main()
  .catch((error) => {
    log(`${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (service && service.exitCode === null && service.signalCode === null) {
      // Gracefully (the service closes its pool), then by force after 10 s.
      const exited = new Promise((resolve) => service!.once('exit', resolve));
      service.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      killService();
    }
    await runtime?.stop().catch(() => undefined);
    clearTimeout(deadline);
    process.exit();
  });
