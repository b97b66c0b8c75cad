/**
 * `npm run bench:province` — issue 10 point 5: a province-sized data set through the product's
 * own code paths, with the wall time, CPU time and peak memory of every step.
 *
 * Steps (each measured; the ones the issue names run as separate child processes):
 *   0. roster   PROVINCE_STUDENTS students (default 4,000,000) in schools of 1,000 (½ primary
 *               P1–P6, ¼ junior J1–J3, ¼ senior S1–S3) in PROVINCE_REGIONS regions (16), classes
 *               of 40, enrolled in 2024-2025-1. Inserted set-based in SQL (INSERT … SELECT over
 *               generate_series), NOT through the roster import: the roster import is not what
 *               is measured here.
 *   1. import   one term of scores (数学 期末 2024-2025-1, one row per student; each grade sits
 *               its final on its own day) written as one UTF-8 CSV per region and imported file
 *               after file by `node dist/src/cli/main.js import scores <file>` — the CLI that
 *               `npm run wuyu -- import scores` runs (a job row, streaming read, COPY into
 *               staging, set-based checks, one merge per file).
 *   2. prior    the prior term for one grade only (J3's 数学 期末 2023-2024-2, as J2): the same
 *               CLI, one file per region.
 *   3. value-added  a study of J3 数学 (outcome 2024-2025-1 final, prior 2023-2024-2 final,
 *               covariates female + minority, grouping school, multilevel) created and run by
 *               ValueAddedService's job handler through JobsWorker.runOne, as the service's
 *               worker runs it (child process).
 *   4. growth   the SGP run of the same progression by GrowthService's job handler (child).
 *   5. fitness raw   the fitness raw measurements of everyone (2024-2025-1, the items of their
 *               grade and sex: 7–9 records a student) INSERTed set-based in SQL straight into
 *               term_records (three connections) — NOT through the fitness import (4M students ≈
 *               33M records; said so in the output). Not one of the measured product paths.
 *   6. fitness  `node dist/src/cli/main.js fitness:recompute --school-year 2024-2025`: the
 *               service's recompute that scores everyone and stores fitness_results.
 *
 * Measurement: the Node children run under `/usr/bin/time -v` (peak RSS = maximum resident set
 * size, CPU = user + system). PostgreSQL backends are sampled every 250 ms from /proc while a
 * step runs (every backend connected to the bench database except the sampler's own): CPU from
 * /proc/<pid>/stat (summed over backends), peak RSS as the largest VmHWM of one backend (this
 * counts the shared_buffers pages the backend touched) and the largest sum of RssAnon (private
 * memory) over all backends at one sample. Backends that live less than 250 ms may be missed.
 * The load average is printed with every step: on the shared 2-core machine wall time includes
 * waiting for a core.
 *
 * Database: DATABASE_URL's server (a scratch database wuyu_province_<pid> is created and
 * dropped), else an embedded PostgreSQL in a temporary directory. Options (environment):
 * PROVINCE_STUDENTS (4000000), PROVINCE_REGIONS (16), PROVINCE_KEEP=1 (keep the database and
 * the files), PROVINCE_WORK_DIR (where the files go; default a temporary directory),
 * PROVINCE_STEPS (a comma list of roster,import,prior,va,growth,fitness-raw,fitness; default all)
 * and PROVINCE_DATABASE (go on with a kept database of an earlier run; it is kept again).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { createDataSource, migrate } from '../../src/database/data-source';
import { ensureDatabase, openDatabaseRuntime } from '../../src/database/database-runtime';
import { GROWTH_JOB, GrowthService } from '../../src/modules/growth/growth.service';
import { JobsService } from '../../src/modules/jobs/jobs.service';
import { JobsWorker } from '../../src/modules/jobs/jobs.worker';
import { VALUE_ADDED_JOB, ValueAddedService } from '../../src/modules/value-added/value-added.service';
import { SeededRandom } from '../../src/scoring-core';

const STUDENTS = Number(process.env.PROVINCE_STUDENTS ?? 4_000_000);
const ALL_STEPS = ['roster', 'import', 'prior', 'va', 'growth', 'fitness-raw', 'fitness'];
/** PROVINCE_STEPS: a subset to run (e.g. to finish a kept database: PROVINCE_DATABASE=… PROVINCE_STEPS=va,growth,fitness-raw,fitness). */
/** PROVINCE_IMPORT_FROM: the first region file to import (an earlier, interrupted run of a kept database imported the ones before). */
const IMPORT_FROM = Number(process.env.PROVINCE_IMPORT_FROM ?? 0);
const STEPS = (process.env.PROVINCE_STEPS ?? ALL_STEPS.join(',')).split(',').map((step) => step.trim());
const REGIONS = Number(process.env.PROVINCE_REGIONS ?? 16);
const PER_SCHOOL = 1000;
const CLASS_SIZE = 40;
const CLI = path.resolve(__dirname, '..', '..', 'src', 'cli', 'main.js');
const TIME = '/usr/bin/time';
const CURRENT_TERM = '2024-2025-1';
const PRIOR_TERM = '2023-2024-2';
const STUDY_GRADE = 'J3';
const PRIOR_DATE = '2024-07-01';

const STAGES: Record<string, readonly string[]> = {
  primary: ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'],
  junior: ['J1', 'J2', 'J3'],
  senior: ['S1', 'S2', 'S3'],
};
const ALL_GRADES = [...STAGES.primary, ...STAGES.junior, ...STAGES.senior];

/** School s: ½ primary, ¼ junior, ¼ senior; regions are blocks of consecutive schools (regionOf). The SQL below uses the same formulas. */
function stageOf(school: number): string {
  return school % 4 < 2 ? 'primary' : school % 4 === 2 ? 'junior' : 'senior';
}

/** The final exam of grade g (2024-2025-1) is on 2025-01-06 + its ordinal: J3 → 2025-01-15. */
const SCHOOLS = Math.ceil(STUDENTS / PER_SCHOOL);
const SCHOOLS_PER_REGION = Math.ceil(SCHOOLS / REGIONS);
function regionOf(school: number): number {
  return Math.floor(school / SCHOOLS_PER_REGION);
}

function examDate(grade: string): string {
  const day = 6 + ALL_GRADES.indexOf(grade) + 1;
  return `2025-01-${String(day).padStart(2, '0')}`;
}

function studentNumber(index: number): string {
  return `G1503022012${String(index).padStart(8, '0')}`;
}

// ───────────────────────── measurement ─────────────────────────

interface StepFigures {
  step: string;
  wall: number;
  nodeCpu: number | null;
  nodeRssMb: number | null;
  pgCpu: number;
  pgHwmMb: number;
  pgAnonMb: number;
  rows: string;
  note: string;
  load: string;
}

/** Samples the bench database's backends from /proc while a step runs. */
class BackendSampler {
  private cpuByPid = new Map<number, { first: number; last: number }>();
  private hwm = 0;
  private anon = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly client: Client, private readonly database: string) {}

  start(): void {
    this.cpuByPid.clear();
    this.hwm = 0;
    this.anon = 0;
    this.timer = setInterval(() => void this.sample(), 250);
  }

  async stop(): Promise<{ cpu: number; hwmMb: number; anonMb: number }> {
    clearInterval(this.timer);
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 20));
    await this.sample();
    let cpu = 0;
    for (const { first, last } of this.cpuByPid.values()) cpu += last - first;
    return { cpu, hwmMb: this.hwm / 1024, anonMb: this.anon / 1024 };
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const rows = (await this.client.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [this.database])).rows as { pid: number }[];
      let anon = 0;
      for (const { pid } of rows) {
        try {
          const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
          const cpu = (Number(stat[11]) + Number(stat[12])) / 100;
          const known = this.cpuByPid.get(pid);
          // A backend first seen now may have worked before the step (a pooled connection): count from here,
          // except a backend born during the step (its whole life is this step's), told by its start time.
          if (known) known.last = cpu;
          else this.cpuByPid.set(pid, { first: this.bornDuringStep(stat) ? 0 : cpu, last: cpu });
          const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
          const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
          anon += Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0);
          this.hwm = Math.max(this.hwm, hwm);
        } catch {
          // the backend exited between the query and the read
        }
      }
      this.anon = Math.max(this.anon, anon);
    } catch {
      // the sampler's own query failed (server busy restarting?): skip this sample
    } finally {
      this.busy = false;
    }
  }

  stepStartedTicks = 0;

  /** starttime (field 22, clock ticks since boot) after the step began. */
  private bornDuringStep(stat: string[]): boolean {
    return Number(stat[19]) >= this.stepStartedTicks;
  }
}

function uptimeTicks(): number {
  return Math.floor(Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100);
}

function loadText(): string {
  return loadavg().map((l) => l.toFixed(1)).join(' ');
}

interface ChildRun {
  wall: number;
  cpu: number | null;
  rssMb: number | null;
  stdout: string;
}

/** Runs `node <args>` under /usr/bin/time -v (when present) and returns its figures. */
function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<ChildRun> {
  const useTime = fs.existsSync(TIME);
  const command = useTime ? TIME : process.execPath;
  const argv = useTime ? ['-v', process.execPath, ...args] : args;
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`node ${args.slice(0, 3).join(' ')} exited ${code}:\n${stdout.slice(-4000)}\n${stderr}`));
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      resolve({ wall, cpu: user && system ? Number(user[1]) + Number(system[1]) : null, rssMb: rss ? Number(rss[1]) / 1024 : null, stdout });
    });
  });
}

// ───────────────────────── data ─────────────────────────

/** Writes one UTF-8 score CSV per region: every student's 数学 期末 of 2024-2025-1, and J3's prior term. */
async function writeScoreFiles(directory: string): Promise<{ current: string[]; prior: string[]; priorRows: number }> {
  const header = '学籍号,姓名,学年学期,科目,考试类型,考试日期,成绩,满分\n';
  const open = (name: string) => {
    const file = path.join(directory, name);
    return { file, descriptor: fs.openSync(file, 'w'), chunk: header };
  };
  const current = Array.from({ length: REGIONS }, (_, region) => open(`scores-${CURRENT_TERM}-region${String(region).padStart(2, '0')}.csv`));
  const prior = Array.from({ length: REGIONS }, (_, region) => open(`scores-${PRIOR_TERM}-${STUDY_GRADE}-region${String(region).padStart(2, '0')}.csv`));
  const flush = (out: { descriptor: number; chunk: string }, force = false) => {
    if (force || out.chunk.length > 1 << 20) {
      fs.writeSync(out.descriptor, out.chunk);
      out.chunk = '';
    }
  };
  const random = new SeededRandom(20241231);
  const schools = Math.ceil(STUDENTS / PER_SCHOOL);
  const schoolEffect = Float64Array.from({ length: schools }, () => 0.35 * random.nextNormal());
  const score = (value: number) => String(Math.round(Math.min(100, Math.max(0, value)) * 2) / 2);
  let priorRows = 0;
  for (let index = 0; index < STUDENTS; index += 1) {
    const school = Math.floor(index / PER_SCHOOL);
    const grades = STAGES[stageOf(school)];
    const grade = grades[(index % PER_SCHOOL) % grades.length];
    const region = regionOf(school);
    const ability = random.nextNormal();
    const number = studentNumber(index);
    const now = random.nextUniform() < 0.02 ? '缺考' : score(72 + 11 * (ability + schoolEffect[school]) + 6 * random.nextNormal());
    current[region].chunk += `${number},学生${index},${CURRENT_TERM},数学,期末,${examDate(grade)},${now},100\n`;
    flush(current[region]);
    if (grade === STUDY_GRADE) {
      const before = random.nextUniform() < 0.01 ? '缺考' : score(70 + 11 * (ability + 0.8 * schoolEffect[school]) + 6 * random.nextNormal());
      prior[region].chunk += `${number},学生${index},${PRIOR_TERM},数学,期末,${PRIOR_DATE},${before},100\n`;
      flush(prior[region]);
      priorRows += 1;
    }
  }
  for (const out of [...current, ...prior]) {
    flush(out, true);
    fs.closeSync(out.descriptor);
  }
  // A region without the grade has no prior rows: no file for it.
  const hasRows = (out: { file: string }) => fs.statSync(out.file).size > Buffer.byteLength(header) + 10;
  return { current: current.filter(hasRows).map((out) => out.file), prior: prior.filter(hasRows).map((out) => out.file), priorRows };
}

/** The roster, set-based in SQL (not the roster import): regions, schools, terms, classes, students, enrolments. */
async function insertRoster(db: Client): Promise<void> {
  const schools = Math.ceil(STUDENTS / PER_SCHOOL);
  await db.query(`INSERT INTO regions (code, name, level) SELECT '31' || lpad(r::text, 4, '0'), '地区' || r, 'city' FROM generate_series(0, $1 - 1) r`, [REGIONS]);
  await db.query(
    `INSERT INTO schools (code, name, stage, region_id)
     SELECT '3' || lpad(s::text, 9, '0'), '学校' || s, CASE WHEN s % 4 < 2 THEN 'primary' WHEN s % 4 = 2 THEN 'junior' ELSE 'senior' END,
            (SELECT id FROM regions WHERE code = '31' || lpad((s / $2)::text, 4, '0'))
     FROM generate_series(0, $1 - 1) s`,
    [schools, SCHOOLS_PER_REGION],
  );
  await db.query(
    `INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES
       ('${PRIOR_TERM}', '2023-2024', 2, '2024-02-19', '2024-07-12'), ('${CURRENT_TERM}', '2024-2025', 1, '2024-09-01', '2025-01-20')`,
  );
  await db.query(`CREATE UNLOGGED TABLE bench_schools AS
     SELECT s.id, substr(s.code, 2)::int AS idx,
            CASE s.stage WHEN 'primary' THEN ARRAY['P1','P2','P3','P4','P5','P6'] WHEN 'junior' THEN ARRAY['J1','J2','J3'] ELSE ARRAY['S1','S2','S3'] END AS grades
     FROM schools s`);
  await db.query(`CREATE UNIQUE INDEX ON bench_schools (idx)`);
  // Student i: school i / 1000, grade (i mod 1000) mod #grades, class ((i mod 1000) / #grades) / 40 + 1 — as writeScoreFiles.
  await db.query(
    `CREATE UNLOGGED TABLE bench_students AS
     SELECT i AS idx, gen_random_uuid() AS id, b.id AS school_id,
            b.grades[((i % ${PER_SCHOOL}) % cardinality(b.grades)) + 1] AS grade_code,
            ((i % ${PER_SCHOOL}) / cardinality(b.grades)) / ${CLASS_SIZE} + 1 AS class_no,
            CASE WHEN i % 2 = 0 THEN '1' ELSE '2' END AS sex_code
     FROM generate_series(0, $1 - 1) i JOIN bench_schools b ON b.idx = i / ${PER_SCHOOL}`,
    [STUDENTS],
  );
  await db.query(
    `INSERT INTO school_classes (school_id, school_year, grade_code, name)
     SELECT DISTINCT school_id, '2024-2025', grade_code, class_no || '班' FROM bench_students`,
  );
  await db.query(
    `INSERT INTO students (id, student_number, name, sex_code, birth_date, ethnicity_code, school_id)
     SELECT id, 'G1503022012' || lpad(idx::text, 8, '0'), '学生' || idx, sex_code, DATE '2008-01-01' + (idx % 3650), CASE WHEN idx % 17 = 0 THEN '02' ELSE '01' END, school_id
     FROM bench_students ORDER BY idx`,
  );
  await db.query(
    `INSERT INTO enrolments (student_id, class_id, term_id, school_id)
     SELECT b.id, c.id, (SELECT id FROM terms WHERE code = '${CURRENT_TERM}'), b.school_id
     FROM bench_students b JOIN school_classes c ON c.school_id = b.school_id AND c.school_year = '2024-2025' AND c.grade_code = b.grade_code AND c.name = b.class_no || '班'`,
  );
  await db.query('ANALYZE');
}

/**
 * The fitness raw measurements of 2024-2025-1, set-based in SQL straight into term_records (the
 * items of each student's grade and sex; values spread over each item's usual range by a hash).
 */
async function insertFitnessRaw(url: string): Promise<number> {
  const u = (k: number) => `((hashint4(b.idx * 16 + ${k}) & 65535) / 65535.0)`;
  const ord = `(array_position(ARRAY['P1','P2','P3','P4','P5','P6','J1','J2','J3','S1','S2','S3'], b.grade_code))`;
  const primary = `b.grade_code LIKE 'P%'`;
  const secondary = `b.grade_code NOT LIKE 'P%'`;
  const items: [string, string, string][] = [
    ['height_cm', 'TRUE', `round((112 + 5 * ${ord} + 16 * ${u(1)} - 8)::numeric, 1)`],
    ['weight_kg', 'TRUE', `round((19 + 3.6 * ${ord} + 14 * ${u(2)} - 5)::numeric, 1)`],
    ['vital_capacity', 'TRUE', `round(700 + 260 * ${ord} + 900 * ${u(3)} - 450)`],
    ['run_50m', 'TRUE', `round((12.8 - 0.32 * ${ord} + 3 * ${u(4)} - 1.5)::numeric, 1)`],
    ['sit_and_reach', 'TRUE', `round((-4 + 24 * ${u(5)})::numeric, 1)`],
    ['rope_skip_1min', primary, `round(40 + 8 * ${ord} + 100 * ${u(6)})`],
    ['sit_up_1min', `(b.grade_code IN ('P3','P4','P5','P6') OR (${secondary} AND b.sex_code = '2'))`, `round(15 + 40 * ${u(7)})`],
    ['shuttle_50mx8', `b.grade_code IN ('P5','P6')`, `round(95 + 50 * ${u(8)})`],
    ['standing_long_jump', secondary, `round(140 + 120 * ${u(9)})`],
    ['pull_up', `${secondary} AND b.sex_code = '1'`, `round(16 * ${u(10)})`],
    ['run_1000m', `${secondary} AND b.sex_code = '1'`, `round(200 + 130 * ${u(11)})`],
    ['run_800m', `${secondary} AND b.sex_code = '2'`, `round(190 + 120 * ${u(12)})`],
  ];
  // Three connections, an item at a time each: the step is setup, not a measured path.
  let total = 0;
  const queue = [...items];
  await Promise.all(
    [0, 1, 2].map(async () => {
      const db = new Client({ connectionString: url, application_name: 'wuyu-bench-province' });
      await db.connect();
      try {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [item, applies, value] = next;
          const result = await db.query(
            `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, numeric_value, source)
             SELECT b.school_id, b.id, (SELECT id FROM terms WHERE code = '${CURRENT_TERM}'), (SELECT id FROM indicators WHERE code = 'physical.fitness.${item}'), '', ${value}, 'school_import'
             FROM bench_students b WHERE ${applies}`,
          );
          total += result.rowCount ?? 0;
        }
      } finally {
        await db.end();
      }
    }),
  );
  const db = new Client({ connectionString: url });
  await db.connect();
  await db.query('ANALYZE term_records');
  await db.end();
  return total;
}

// ───────────────────────── children: value-added and growth runs ─────────────────────────

/** Child: creates the study (or growth run), runs its job through JobsWorker.runOne, prints the run's outcome. */
async function child(kind: 'va' | 'growth', url: string): Promise<void> {
  const dataSource = createDataSource(url, { poolSize: 3 });
  await dataSource.initialize();
  try {
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
    const jobs = new JobsService(dataSource);
    const worker = new JobsWorker(jobs, config);
    const actor = randomUUID();
    const [current] = (await dataSource.query(`SELECT id FROM terms WHERE code = $1`, [CURRENT_TERM])) as { id: string }[];
    const [prior] = (await dataSource.query(`SELECT id FROM terms WHERE code = $1`, [PRIOR_TERM])) as { id: string }[];
    const outcome = { termId: current.id, examType: 'final', examDate: examDate(STUDY_GRADE) };
    const before = { termId: prior.id, examType: 'final', examDate: PRIOR_DATE };
    const claim = async (type: string) => {
      const job = await jobs.claimNext([type], { workerId: worker.workerId, seconds: worker.leaseSeconds });
      if (!job) throw new Error(`no ${type} job queued`);
      await worker.runOne(job);
    };
    if (kind === 'va') {
      const service = new ValueAddedService(dataSource, jobs, worker);
      worker.register(VALUE_ADDED_JOB, service.jobHandler());
      const study = await service.createStudy(
        {
          name: `province ${STUDY_GRADE} 数学`,
          outcome: { ...outcome, subject: 'academic.exam.math' },
          priors: [{ ...before, subject: 'academic.exam.math' }],
          covariates: ['female', 'minority'],
          grouping: 'school',
          model: 'multilevel',
          minGroupSize: 10,
        } as Parameters<ValueAddedService['createStudy']>[0],
        actor,
      );
      const { run } = await service.enqueueRun(study.id, {} as Parameters<ValueAddedService['enqueueRun']>[1], actor);
      await claim(VALUE_ADDED_JOB);
      const [row] = (await dataSource.query(`SELECT state, summary, error FROM value_added_runs WHERE id = $1`, [run.id])) as { state: string; summary: { cohort: Record<string, unknown> } | null; error: unknown }[];
      if (row.state !== 'succeeded') throw new Error(`value-added run ${row.state}: ${JSON.stringify(row.error)}`);
      process.stdout.write(`${JSON.stringify({ state: row.state, cohort: row.summary?.cohort })}\n`);
    } else {
      const service = new GrowthService(dataSource, jobs, worker);
      worker.register(GROWTH_JOB, service.jobHandler());
      const run = await service.enqueueRun({ indicator: 'academic.exam.math', current: outcome, priors: [before], minimumN: 10 } as Parameters<GrowthService['enqueueRun']>[0], actor);
      await claim(GROWTH_JOB);
      const [row] = (await dataSource.query(`SELECT state, summary AS counts, error FROM growth_runs WHERE id = $1`, [run.id])) as { state: string; counts: unknown; error: unknown }[];
      if (row.state !== 'succeeded') throw new Error(`growth run ${row.state}: ${JSON.stringify(row.error)}`);
      process.stdout.write(`${JSON.stringify({ state: row.state, counts: row.counts })}\n`);
    }
  } finally {
    await dataSource.destroy();
  }
}

// ───────────────────────── main ─────────────────────────

async function main(): Promise<void> {
  const work = process.env.PROVINCE_WORK_DIR ? fs.mkdtempSync(path.join(process.env.PROVINCE_WORK_DIR, 'wuyu-province-')) : fs.mkdtempSync(path.join(tmpdir(), 'wuyu-province-'));
  const config = loadConfig({ ...process.env, WUYU_DATA_DIR: work, LOG_LEVEL: 'silent' });
  const runtime = await openDatabaseRuntime(config);
  for (const step of STEPS) if (!ALL_STEPS.includes(step)) throw new Error(`PROVINCE_STEPS: unknown step ${step} (steps: ${ALL_STEPS.join(', ')})`);
  // PROVINCE_DATABASE: go on with a database kept by an earlier run (PROVINCE_KEEP=1) of the same PROVINCE_STUDENTS.
  const database = process.env.PROVINCE_DATABASE ?? `wuyu_province_${process.pid}`;
  const url = await ensureDatabase(runtime.url, database);
  const keep = process.env.PROVINCE_KEEP === '1' || process.env.PROVINCE_DATABASE !== undefined;
  const figures: StepFigures[] = [];
  const log = (text: string) => process.stdout.write(`${text}\n`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, WUYU_DATA_DIR: work, LOG_LEVEL: 'silent', IMPORT_MAX_BYTES: '2000000000' };
  const db = new Client({ connectionString: url, application_name: 'wuyu-bench-province' });
  const monitor = new Client({ connectionString: url, application_name: 'wuyu-bench-monitor' });
  const sampler = new BackendSampler(monitor, database);
  let size = async () => 0;
  let autovacuum = true;
  let analyseSeconds = 0;
  try {
    const dataSource = createDataSource(url, { poolSize: 1 });
    await dataSource.initialize();
    await migrate(dataSource);
    await dataSource.destroy();
    await db.connect();
    await monitor.connect();
    size = async () => Number((await db.query('SELECT pg_database_size(current_database()) AS bytes')).rows[0].bytes);
    const serverVersion = (await db.query('SHOW server_version')).rows[0].server_version as string;
    const sharedBuffers = (await db.query('SHOW shared_buffers')).rows[0].shared_buffers as string;
    autovacuum = (await db.query('SHOW autovacuum')).rows[0].autovacuum === 'on';
    const workMem = (await db.query('SHOW work_mem')).rows[0].work_mem as string;
    log(
      `bench:province — ${STUDENTS.toLocaleString('en')} students, ${Math.ceil(STUDENTS / PER_SCHOOL).toLocaleString('en')} schools, ${REGIONS} regions; ` +
        `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}; PostgreSQL ${serverVersion} ` +
        `(${runtime.embedded ? 'embedded' : 'DATABASE_URL server'}, shared_buffers ${sharedBuffers}, work_mem ${workMem}, autovacuum ${autovacuum ? 'on' : 'OFF'}), database ${database}; load average ${loadText()}`,
    );

    /** Measures a step run in this process (its SQL in the backends). */
    const inProcess = async (step: string, work: () => Promise<string>, note: string) => {
      sampler.stepStartedTicks = uptimeTicks();
      sampler.start();
      const started = process.hrtime.bigint();
      const rows = await work();
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const pg = await sampler.stop();
      figures.push({ step, wall, nodeCpu: null, nodeRssMb: null, pgCpu: pg.cpu, pgHwmMb: pg.hwmMb, pgAnonMb: pg.anonMb, rows, note, load: loadText() });
      log(`  ${step}: ${wall.toFixed(1)} s, ${rows} (${note}); PostgreSQL CPU ${pg.cpu.toFixed(1)} s, backend peak ${pg.hwmMb.toFixed(0)} MB, private ${pg.anonMb.toFixed(0)} MB; load ${loadText()}`);
    };
    /** Measures steps run as child processes (one or several, one after the other): summed wall and CPU, largest RSS. */
    const inChildren = async (step: string, runs: string[][], rows: string, note: string, check: (stdout: string) => void) => {
      sampler.stepStartedTicks = uptimeTicks();
      sampler.start();
      const results: ChildRun[] = [];
      for (const [index, args] of runs.entries()) {
        const result = await runNode(args, childEnv);
        check(result.stdout);
        results.push(result);
        // With autovacuum off (as on the shared development server), a term partition analysed
        // while empty keeps "0 rows" and the next file's merge plan degrades with every file
        // (21,000-row files took 2 s, 83 s, 164 s, …): do what autovacuum would do.
        if (!autovacuum && index < runs.length - 1 && args.includes('import')) {
          const analyse = process.hrtime.bigint();
          await db.query('ANALYZE term_records');
          analyseSeconds += Number(process.hrtime.bigint() - analyse) / 1e9;
        }
      }
      const pg = await sampler.stop();
      const wall = results.reduce((sum, r) => sum + r.wall, 0) + analyseSeconds;
      if (analyseSeconds > 0) log(`    (autovacuum is off on this server: ANALYZE term_records after each file, ${analyseSeconds.toFixed(1)} s in all, included)`);
      analyseSeconds = 0;
      const cpu = results.every((r) => r.cpu !== null) ? results.reduce((sum, r) => sum + r.cpu!, 0) : null;
      const rss = results.every((r) => r.rssMb !== null) ? Math.max(...results.map((r) => r.rssMb!)) : null;
      figures.push({ step, wall, nodeCpu: cpu, nodeRssMb: rss, pgCpu: pg.cpu, pgHwmMb: pg.hwmMb, pgAnonMb: pg.anonMb, rows, note, load: loadText() });
      log(
        `  ${step}: ${wall.toFixed(1)} s (${results.length} process${results.length > 1 ? 'es' : ''}), ${rows}; Node CPU ${cpu === null ? '—' : cpu.toFixed(1)} s, peak RSS ${rss === null ? '—' : rss.toFixed(0)} MB; ` +
          `PostgreSQL CPU ${pg.cpu.toFixed(1)} s, backend peak ${pg.hwmMb.toFixed(0)} MB, private ${pg.anonMb.toFixed(0)} MB; load ${loadText()}`,
      );
      return results;
    };

    const run = (step: string) => STEPS.includes(step);
    if (run('roster')) {
      await inProcess('roster (SQL, not measured path)', async () => {
        await insertRoster(db);
        return `${STUDENTS.toLocaleString('en')} students + enrolments`;
      }, 'INSERT … SELECT generate_series, not the roster import');
    }

    if (run('import') || run('prior')) {
      const generated = process.hrtime.bigint();
      const files = await writeScoreFiles(work);
      const megabytes = [...files.current, ...files.prior].reduce((sum, file) => sum + fs.statSync(file).size, 0) / 1e6;
      log(`  score files: ${files.current.length} + ${files.prior.length} CSVs, ${megabytes.toFixed(0)} MB, written in ${(Number(process.hrtime.bigint() - generated) / 1e9).toFixed(1)} s (not timed)`);
      const importCheck = (stdout: string) => {
        const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { committed: boolean; errorCount: number; errors: unknown[] };
        if (!report.committed) throw new Error(`import not committed: ${report.errorCount} errors, e.g. ${JSON.stringify(report.errors.slice(0, 3))}`);
      };
      if (run('import')) {
        const imported = await inChildren(
          'import scores (CLI)',
          files.current.slice(IMPORT_FROM).map((file) => [CLI, 'import', 'scores', file, '--json', '--no-progress']),
          `${STUDENTS.toLocaleString('en')} rows${IMPORT_FROM > 0 ? `, files ${IMPORT_FROM}… only` : ''}`,
          `${files.current.length} files`,
          importCheck,
        );
        const slowest = Math.max(...imported.map((r) => r.wall));
        const importedRows = IMPORT_FROM > 0 ? Number.NaN : STUDENTS;
        log(`    per file: ${imported.map((r) => r.wall.toFixed(1)).join(' ')} s (slowest ${slowest.toFixed(1)} s); ${Number.isNaN(importedRows) ? '' : `${Math.round(importedRows / imported.reduce((s, r) => s + r.wall, 0)).toLocaleString('en')} rows/s overall`}`);
      }
      if (run('prior')) {
        await inChildren(
          `import prior term, ${STUDY_GRADE} only (CLI)`,
          files.prior.map((file) => [CLI, 'import', 'scores', file, '--json', '--no-progress']),
          `${files.priorRows.toLocaleString('en')} rows`,
          `${files.prior.length} files`,
          importCheck,
        );
      }
    }
    // Value-added and growth need only the scores: they run before the (long) fitness steps.
    if (run('va')) {
      let vaSummary = '';
      await inChildren(`value-added ${STUDY_GRADE} 数学 (job)`, [[__filename, '--child', 'va', url]], '', '', (stdout) => {
        vaSummary = stdout.trim().split('\n').pop()!;
      });
      log(`    ${vaSummary}`);
      figures[figures.length - 1].rows = `${(JSON.parse(vaSummary) as { cohort: { population: number } }).cohort.population.toLocaleString('en')} students`;
    }
    if (run('growth')) {
      let growthSummary = '';
      await inChildren(`growth SGP ${STUDY_GRADE} 数学 (job)`, [[__filename, '--child', 'growth', url]], '', '', (stdout) => {
        growthSummary = stdout.trim().split('\n').pop()!;
      });
      log(`    ${growthSummary}`);
      figures[figures.length - 1].rows = `${(JSON.parse(growthSummary) as { counts: { students: number } }).counts.students.toLocaleString('en')} students`;
    }
    if (run('fitness-raw')) {
      await inProcess('fitness raw (SQL, not measured path)', async () => `${(await insertFitnessRaw(url)).toLocaleString('en')} records`, 'INSERT … SELECT into term_records, not the fitness import');
    }
    if (run('fitness')) {
      let fitnessSummary = '';
      await inChildren('fitness recompute (CLI)', [[CLI, 'fitness:recompute', '--school-year', '2024-2025']], `${STUDENTS.toLocaleString('en')} students`, '', (stdout) => {
        fitnessSummary = stdout.trim();
      });
      log(`    ${fitnessSummary}`);
    }

    // The helper tables are kept for a later PROVINCE_STEPS run that still has to insert the fitness raw data.
    if (!keep || run('fitness-raw')) await db.query('DROP TABLE IF EXISTS bench_students, bench_schools');
    await db.query('VACUUM ANALYZE');
    // A partitioned table's size and rows are its partitions'.
    const tables = (await db.query(
      `SELECT c.relname AS name,
              CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0) FROM pg_inherits i WHERE i.inhparent = c.oid)
                   ELSE pg_total_relation_size(c.oid) END AS bytes,
              CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(greatest(p.reltuples, 0)), 0)::bigint || ' in ' || count(*) || ' partitions' FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid WHERE i.inhparent = c.oid)
                   ELSE greatest(c.reltuples, 0)::bigint::text END AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       ORDER BY 2 DESC LIMIT 8`,
    )).rows as { name: string; bytes: string; rows: string }[];
    tables.sort((a, b) => Number(b.bytes) - Number(a.bytes));

    const mb = (value: number | null) => (value === null ? '—' : value.toFixed(0));
    log('');
    log(`| step | wall s | Node CPU s | Node peak RSS MB | PG CPU s | PG backend peak RSS MB (VmHWM) | PG private RSS MB (Σ RssAnon) | size | load (1/5/15 min) |`);
    log(`|---|---:|---:|---:|---:|---:|---:|---|---|`);
    for (const f of figures) {
      log(`| ${f.step}${f.note ? ` — ${f.note}` : ''} | ${f.wall.toFixed(1)} | ${f.nodeCpu === null ? '—' : f.nodeCpu.toFixed(1)} | ${mb(f.nodeRssMb)} | ${f.pgCpu.toFixed(1)} | ${mb(f.pgHwmMb)} | ${mb(f.pgAnonMb)} | ${f.rows} | ${f.load} |`);
    }
    log('');
    log(`Node CPU/RSS from /usr/bin/time -v of the child process(es) (— for steps run in this process, whose work is in SQL); PostgreSQL from /proc of the bench database's backends sampled every 250 ms.`);
    log(`disk: database ${(Number(await size()) / 2 ** 30).toFixed(2)} GiB after VACUUM; largest tables:`);
    for (const table of tables) {
      const [count, partitions] = table.rows.split(' in ');
      log(`  ${table.name.padEnd(24)} ${(Number(table.bytes) / 2 ** 30).toFixed(2).padStart(6)} GiB  (~${Number(count).toLocaleString('en')} rows${partitions ? ` in ${partitions}` : ''})`);
    }
    log(`load average at the end ${loadText()}`);
  } finally {
    await db.end().catch(() => undefined);
    await monitor.end().catch(() => undefined);
    if (keep) {
      log(`kept database ${database} and ${work}`);
    } else {
      const admin = new Client({ connectionString: runtime.url });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      fs.rmSync(work, { recursive: true, force: true });
    }
    await runtime.stop();
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3] as 'va' | 'growth', process.argv[4]).catch((error) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
