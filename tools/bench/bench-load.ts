/**
 * `npm run bench:load` — issue 10 point 1: the service under concurrent users, on loopback.
 *
 * Starts the service as `npm start` does (node dist/src/main.js) on a scratch database
 * (DATABASE_URL's server: wuyu_load_<pid>, created and dropped; else an embedded PostgreSQL in
 * a temporary directory), seeds a lean city set-based — 4 districts, 40 schools, 20,000
 * students, 60,000 exam scores in one term, a value-added run — and lets BENCH_USERS (200)
 * simulated users work for BENCH_SECONDS (180) after BENCH_WARMUP (30) seconds, each with a
 * think time of 0.5–1.5 s:
 *   - bureau users (city admin, district officers): the value-added run, fitness aggregates,
 *     term records of a school in their scope;
 *   - school staff (school admins, teachers): their school's term records and students; school
 *     admins also the value-added run (their own row only, no rank);
 *   - school admins uploading a small score file (a dry run, or a commit of unchanged content).
 * Every answer is checked: 5xx counted, and every record or group must lie in the caller's
 * scope (wrong-scope answers counted). Every 2 s the database connections of the service and its
 * resident memory are sampled. Printed: requests, 5xx, wrong-scope answers, p50/p95/p99 latency
 * of reads and uploads, connections over time, RSS after warm-up (min, max, growth).
 *
 * Not covered here: portfolios read by admissions officers (this lean city has none); the demo
 * city generator is another helper's work.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { createDataSource, migrate } from '../../src/database/data-source';
import { ensureDatabase, openDatabaseRuntime } from '../../src/database/database-runtime';
import { UsersService } from '../../src/modules/auth/users.service';

const USERS = Number(process.env.BENCH_USERS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 180);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 30);
const DISTRICTS = 4;
const SCHOOLS_PER_DISTRICT = 10;
const STUDENTS_PER_SCHOOL = 500;
const PASSWORD = 'Quiet-Lake-73-stone';
const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Account {
  role: 'city_admin' | 'district_officer' | 'school_admin' | 'teacher';
  token: string;
  schoolId?: string;
  schoolCode?: string;
  schools: Set<string>; // schools in scope (empty set + bureau=true for the city admin = all)
  all: boolean;
}

interface Sample {
  kind: string;
  ms: number;
  status: number;
  at: number;
  /** The error code of a refused request. */
  code?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function startService(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`service exited with ${code}:\n${output}`)));
  });
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(tmpdir(), 'wuyu-bench-load-'));
  const config = loadConfig({ ...process.env, WUYU_DATA_DIR: work, LOG_LEVEL: 'silent' });
  const runtime = await openDatabaseRuntime(config);
  const benchDb = `wuyu_load_${process.pid}`;
  const url = await ensureDatabase(runtime.url, benchDb);
  let service: ChildProcess | undefined;
  try {
    const dataSource = createDataSource(url, { poolSize: 2 });
    await dataSource.initialize();
    await migrate(dataSource);
    // ── a lean city ──
    await dataSource.query(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city')`);
    await dataSource.query(`INSERT INTO regions (code, name, level, parent_id) SELECT '15030' || d, '区' || d, 'district', (SELECT id FROM regions WHERE code = '150300') FROM generate_series(1, $1) d`, [DISTRICTS]);
    await dataSource.query(
      `INSERT INTO schools (code, name, stage, region_id)
       SELECT '31150' || d || lpad(s::text, 4, '0'), '学校' || d || '-' || s, 'junior', (SELECT id FROM regions WHERE code = '15030' || d)
       FROM generate_series(1, $1) d, generate_series(1, $2) s`,
      [DISTRICTS, SCHOOLS_PER_DISTRICT],
    );
    await dataSource.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20')`);
    await dataSource.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) SELECT id, '2024-2025', 'J1', '1班' FROM schools`);
    await dataSource.query(
      `INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id)
       SELECT 'G15030' || substr(sc.code, 6, 5) || lpad(i::text, 8, '0'), '学生' || i, (1 + i % 2)::text, '2012-01-01', '01', sc.id FROM schools sc, generate_series(1, $1) i`,
      [STUDENTS_PER_SCHOOL],
    );
    await dataSource.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) SELECT s.id, c.id, t.id, s.school_id FROM students s JOIN school_classes c ON c.school_id = s.school_id, terms t`);
    await dataSource.query(
      `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source)
       SELECT s.school_id, s.id, t.id, i.id, o.key, o.type, o.day::date, round((40 + (abs(hashtext(s.id::text || o.key || i.code)) % 600) / 10.0)::numeric, 1), 100, 'school_import'
       FROM students s, terms t, indicators i, (VALUES ('midterm|2024-11-10', 'midterm', '2024-11-10'), ('final|2025-01-15', 'final', '2025-01-15')) AS o(key, type, day)
       WHERE i.code IN ('academic.exam.math', 'academic.exam.chinese') AND NOT (i.code = 'academic.exam.chinese' AND o.type = 'midterm')`,
    );
    await dataSource.query('ANALYZE');
    const schools = (await dataSource.query(`SELECT s.id, s.code, r.id AS region_id FROM schools s JOIN regions r ON r.id = s.region_id ORDER BY s.code`)) as { id: string; code: string; region_id: string }[];
    const districts = [...new Set(schools.map((s) => s.region_id))];
    const classes = new Map(((await dataSource.query(`SELECT id, school_id FROM school_classes`)) as { id: string; school_id: string }[]).map((c) => [c.school_id, c.id]));
    const numbers = new Map<string, string[]>();
    for (const row of (await dataSource.query(`SELECT school_id, student_number FROM students WHERE right(student_number, 3) IN ('001', '002', '003')`)) as { school_id: string; student_number: string }[]) {
      numbers.set(row.school_id, [...(numbers.get(row.school_id) ?? []), row.student_number]);
    }
    // ── users ──
    const usersService = new UsersService(dataSource);
    const specs: { username: string; role: Account['role']; grant: Record<string, string>; schoolId?: string; schools: string[]; all: boolean }[] = [
      { username: 'city', role: 'city_admin', grant: {}, schools: [], all: true },
      ...districts.map((regionId, d) => ({ username: `district${d}`, role: 'district_officer' as const, grant: { regionId }, schools: schools.filter((s) => s.region_id === regionId).map((s) => s.id), all: false })),
      ...schools.map((s, k) => ({ username: `school${k}`, role: 'school_admin' as const, grant: { schoolId: s.id }, schoolId: s.id, schools: [s.id], all: false })),
      ...schools.map((s, k) => ({ username: `teacher${k}`, role: 'teacher' as const, grant: { classId: classes.get(s.id)! }, schoolId: s.id, schools: [s.id], all: false })),
    ];
    for (const spec of specs) await usersService.create({ username: spec.username, displayName: spec.username, password: PASSWORD, roles: [{ role: spec.role, ...spec.grant }] } as never, null);
    await dataSource.destroy();

    const started = await startService({ ...process.env, DATABASE_URL: url, WUYU_DATA_DIR: work, PORT: '0', LOG_LEVEL: 'error', LOGIN_ATTEMPTS_PER_MINUTE: '10000' });
    service = started.child;
    const base = started.url;
    const accounts: Account[] = [];
    for (const spec of specs) {
      const response = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: spec.username, password: PASSWORD }) });
      if (response.status !== 200) throw new Error(`login ${spec.username}: ${response.status}`);
      const token = ((await response.json()) as { accessToken: string }).accessToken;
      accounts.push({ role: spec.role, token, schoolId: spec.schoolId, schoolCode: schools.find((s) => s.id === spec.schoolId)?.code, schools: new Set(spec.schools), all: spec.all });
    }
    const city = accounts[0];
    const auth = (account: Account) => ({ authorization: `Bearer ${account.token}` });
    // The value-added run the bureau reads.
    const term = ((await (await fetch(`${base}/api/terms`, { headers: auth(city) })).json()) as { items: { id: string }[] }).items[0].id;
    const study = (await (
      await fetch(`${base}/api/value-added/studies`, {
        method: 'POST',
        headers: { ...auth(city), 'content-type': 'application/json' },
        body: JSON.stringify({ name: '负载测试', outcome: { termId: term, examType: 'final', examDate: '2025-01-15', subject: 'academic.exam.math' }, priors: [{ termId: term, examType: 'midterm', examDate: '2024-11-10', subject: 'academic.exam.math' }], covariates: [], grouping: 'school', model: 'ols', minGroupSize: 10 }),
      })
    ).json()) as { id: string };
    const run = (await (await fetch(`${base}/api/value-added/studies/${study.id}/runs`, { method: 'POST', headers: { ...auth(city), 'content-type': 'application/json' }, body: '{}' })).json()) as { id: string };
    for (let waited = 0; ; waited += 1) {
      const state = ((await (await fetch(`${base}/api/value-added/runs/${run.id}`, { headers: auth(city) })).json()) as { state: string }).state;
      if (state === 'succeeded') break;
      if (state === 'failed' || waited > 600) throw new Error(`value-added run ${state}`);
      await sleep(500);
    }

    process.stdout.write(
      `bench:load — ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, database ${runtime.embedded ? 'embedded' : 'DATABASE_URL'}; ` +
        `${schools.length} schools, ${schools.length * STUDENTS_PER_SCHOOL} students, ${USERS} users for ${SECONDS} s after ${WARMUP} s warm-up\n`,
    );

    // ── the load ──
    const samples: Sample[] = [];
    const wrong: string[] = [];
    const t0 = Date.now();
    const end = t0 + (WARMUP + SECONDS) * 1000;
    const call = async (kind: string, account: Account, pathAndQuery: string, init: RequestInit = {}): Promise<unknown> => {
      const startedAt = Date.now();
      let status = 0;
      let body: unknown = null;
      try {
        const response = await fetch(`${base}${pathAndQuery}`, { ...init, headers: { ...auth(account), ...(init.headers as Record<string, string>) } });
        status = response.status;
        body = await response.json().catch(() => null);
      } catch {
        status = -1;
      }
      const code = status >= 400 ? String((body as { code?: unknown } | null)?.code ?? '') : undefined;
      samples.push({ kind, ms: Date.now() - startedAt, status, at: startedAt - t0, code });
      return status === 200 || status === 201 ? body : null;
    };
    const inScope = (account: Account, schoolId: string) => account.all || account.schools.has(schoolId);
    const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)];
    const schoolAdmins = accounts.filter((a) => a.role === 'school_admin');
    const staff = accounts.filter((a) => a.role === 'school_admin' || a.role === 'teacher');
    const bureau = accounts.filter((a) => a.role === 'city_admin' || a.role === 'district_officer');

    const user = async (index: number) => {
      const kindOfUser = index % 10 < 4 ? 'bureau' : index % 10 < 9 ? 'staff' : 'uploader';
      while (Date.now() < end) {
        if (kindOfUser === 'bureau') {
          const account = pick(bureau);
          const action = Math.random();
          if (action < 0.4) {
            // Bureau readers (city and district) see every school's group rows, with ranks (docs/value-added-service.md).
            const body = (await call('read:value-added', account, `/api/value-added/runs/${run.id}`)) as { groups: { schoolId: string; rank: number | null }[] } | null;
            if (body && body.groups.length !== schools.length) wrong.push(`value-added run with ${body.groups.length} of ${schools.length} groups to ${account.role}`);
            for (const group of body?.groups ?? []) if (group.rank === null) wrong.push(`value-added group without rank to ${account.role}`);
          } else if (action < 0.6) {
            await call('read:fitness', account, `/api/fitness/aggregates?level=school&schoolYear=2024-2025`);
          } else {
            const school = account.all ? pick(schools).id : pick([...account.schools]);
            const body = (await call('read:term-records', account, `/api/term-records?termId=${term}&schoolId=${school}&pageSize=50`)) as { items: { schoolId: string }[] } | null;
            for (const item of body?.items ?? []) if (!inScope(account, item.schoolId)) wrong.push(`term record of ${item.schoolId} to ${account.role}`);
          }
        } else if (kindOfUser === 'staff') {
          const account = pick(staff);
          const action = Math.random();
          if (account.role === 'school_admin' && action < 0.15) {
            // A school sees only its own group row, without a rank.
            const body = (await call('read:value-added', account, `/api/value-added/runs/${run.id}`)) as { groups: { schoolId: string; rank: number | null }[] } | null;
            for (const group of body?.groups ?? []) if (group.schoolId !== account.schoolId || group.rank !== null) wrong.push(`value-added group of ${group.schoolId} (rank ${group.rank}) to the school admin of ${account.schoolId}`);
          } else if (action < 0.7) {
            const body = (await call('read:term-records', account, `/api/term-records?termId=${term}&pageSize=50&page=${1 + Math.floor(Math.random() * 10)}`)) as { items: { schoolId: string }[] } | null;
            for (const item of body?.items ?? []) if (item.schoolId !== account.schoolId) wrong.push(`term record of ${item.schoolId} to ${account.role} of ${account.schoolId}`);
          } else {
            const body = (await call('read:students', account, `/api/students?pageSize=50`)) as { items: { schoolId: string }[] } | null;
            for (const item of body?.items ?? []) if (item.schoolId !== account.schoolId) wrong.push(`student of ${item.schoolId} to ${account.role} of ${account.schoolId}`);
          }
        } else {
          const account = pick(schoolAdmins);
          const rows = (numbers.get(account.schoolId!) ?? []).map((n) => `${n},2024-2025-1,数学,期末,2025-01-15,88`);
          const form = new FormData();
          form.append('file', new Blob([`学籍号,学年学期,科目,考试类型,考试日期,成绩\n${rows.join('\n')}\n`]), 'scores.csv');
          await call('upload:scores', account, `/api/imports/scores${Math.random() < 0.5 ? '?dryRun=true' : ''}`, { method: 'POST', body: form });
        }
        await sleep(500 + Math.random() * 1000);
      }
    };
    const connections: { at: number; n: number }[] = [];
    const rss: { at: number; mb: number }[] = [];
    const monitor = (async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      while (Date.now() < end) {
        const [{ n }] = (await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'wuyu'`, [benchDb])).rows;
        connections.push({ at: Date.now() - t0, n });
        rss.push({ at: Date.now() - t0, mb: rssMb(service!.pid!) });
        await sleep(2000);
      }
      await client.end();
    })();
    await Promise.all([...Array.from({ length: USERS }, (_, i) => sleep((i * 1000) / USERS).then(() => user(i))), monitor]);

    // ── figures ──
    const measured = samples.filter((s) => s.at >= WARMUP * 1000);
    const reads = measured.filter((s) => s.kind.startsWith('read:'));
    const uploads = measured.filter((s) => s.kind.startsWith('upload:'));
    const errors5xx = samples.filter((s) => s.status >= 500).length;
    const failed = samples.filter((s) => s.status === -1).length;
    const other4xx = samples.filter((s) => s.status >= 400 && s.status < 500).length;
    const steady = rss.filter((r) => r.at >= WARMUP * 1000).map((r) => r.mb);
    const rssGrowth = steady.length > 1 ? (steady[steady.length - 1] - steady[0]) / steady[0] : Number.NaN;
    const rssSpread = steady.length > 1 ? (Math.max(...steady) - Math.min(...steady)) / Math.min(...steady) : Number.NaN;
    const connWarm = connections.filter((c) => c.at >= WARMUP * 1000).map((c) => c.n);
    const p95 = percentile(reads.map((s) => s.ms), 95);
    process.stdout.write(`requests: ${samples.length} (${measured.length} after warm-up, ${(measured.length / SECONDS).toFixed(1)}/s); 5xx: ${errors5xx}; network failures: ${failed}; 4xx: ${other4xx}; wrong-scope answers: ${wrong.length}\n`);
    const refusals = new Map<string, number>();
    for (const sample of samples.filter((s) => s.status >= 400 || s.status === -1)) refusals.set(`${sample.kind} ${sample.status} ${sample.code ?? ''}`.trim(), (refusals.get(`${sample.kind} ${sample.status} ${sample.code ?? ''}`.trim()) ?? 0) + 1);
    if (refusals.size > 0) process.stdout.write(`  refused: ${[...refusals].map(([key, n]) => `${key} ×${n}`).join('; ')}\n`);
    for (const kind of [...new Set(measured.map((s) => s.kind))].sort()) {
      const ms = measured.filter((s) => s.kind === kind).map((s) => s.ms);
      process.stdout.write(`  ${kind.padEnd(18)} n=${String(ms.length).padStart(6)}  p50 ${percentile(ms, 50)} ms  p95 ${percentile(ms, 95)} ms  p99 ${percentile(ms, 99)} ms  max ${Math.max(...ms)} ms\n`);
    }
    process.stdout.write(`reads p95: ${p95} ms (target < 200 ms: ${p95 < 200 ? 'met' : 'NOT met'}); uploads p95: ${percentile(uploads.map((s) => s.ms), 95)} ms\n`);
    process.stdout.write(`database connections of the service after warm-up: min ${Math.min(...connWarm)}, max ${Math.max(...connWarm)} (pool max 20; no growth: ${Math.max(...connWarm) <= 20 ? 'met' : 'NOT met'})\n`);
    process.stdout.write(
      `service RSS after warm-up: first ${steady[0]?.toFixed(0)} MB, last ${steady[steady.length - 1]?.toFixed(0)} MB, min ${Math.min(...steady).toFixed(0)}, max ${Math.max(...steady).toFixed(0)} MB; ` +
        `growth ${(rssGrowth * 100).toFixed(1)}%, spread ${(rssSpread * 100).toFixed(1)}% (target within 10%: ${Math.abs(rssGrowth) <= 0.1 ? 'met' : 'NOT met'})\n`,
    );
    process.stdout.write(`zero 5xx: ${errors5xx === 0 ? 'met' : 'NOT met'}; zero wrong-scope: ${wrong.length === 0 ? 'met' : `NOT met (${wrong.slice(0, 3).join('; ')})`}\n`);
    if (errors5xx > 0 || wrong.length > 0) process.exitCode = 1;
  } finally {
    if (service && service.exitCode === null) {
      service.kill('SIGTERM');
      await new Promise((resolve) => service!.once('exit', resolve));
    }
    const admin = new Client({ connectionString: runtime.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await runtime.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
