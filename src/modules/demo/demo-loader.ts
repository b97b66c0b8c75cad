import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { EVERYTHING } from '../auth/data-scope';
import type { Role } from '../auth/roles';
import { UsersService } from '../auth/users.service';
import type { ImportReport } from '../imports/import-report';
import { ImportRejectedError } from '../imports/imports.errors';
import { ImportsService } from '../imports/imports.service';
import { EvidenceService } from '../intake/evidence/evidence.service';
import { FitnessResultsService } from '../fitness/fitness-results.service';
import { RosterService } from '../roster/roster.service';
import type { DemoManifest } from './demo-files';
import { type CpuReading, DemoCpuMeter, formatCpu } from './demo-cpu';
import { addDemoServiceData, demoLoaderActor, type DemoServicesResult, type DemoServiceUsers } from './demo-services';
import { demoLoadPlan, runDemoPlan } from './demo-plan';
import { createDemoAdmissionsBatch } from './demo-workflow';

/** One line of progress: a step finished (reference data, a file, evidence, accounts). */
export interface DemoLoadStep {
  readonly step: string;
  readonly index: number;
  readonly total: number;
  readonly rows: number;
  readonly seconds: number;
  readonly elapsedSeconds: number;
}

/** One phase of the load finished: its wall time and the CPU it cost (Node, and PostgreSQL when measurable). */
export interface DemoLoadPhase {
  readonly phase: string;
  readonly rows: number;
  readonly wallSeconds: number;
  readonly nodeCpuSeconds: number;
  readonly postgresCpuSeconds: number | null;
  /** `CPU 3.1 s Node + 9.8 s PostgreSQL`. */
  readonly cpu: string;
}

export interface DemoAccount {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
  readonly displayName: string;
  /** What the account reaches, in words (school name, class, student). */
  readonly scope: string;
}

export interface DemoLoadResult {
  readonly seconds: number;
  readonly rows: number;
  readonly rowsByKind: Record<string, number>;
  readonly accounts: DemoAccount[];
  readonly accountsFile: string | null;
  readonly phases: DemoLoadPhase[];
  /** What the services made: 写实记录 through the review workflow, evaluation runs and results, sealed portfolios. */
  readonly services: DemoServicesResult | null;
  /** The import report of every file, in the order they finished. */
  readonly reports: { file: string; kind: string; rowCount: number; errorCount: number; dryRun: boolean; committed: boolean }[];
}

export interface DemoLoadOptions {
  readonly onStep?: (step: DemoLoadStep) => void;
  /** Hears each phase as it ends (reference data, imports, evidence, accounts, workflow, evaluation, portfolios). */
  readonly onPhase?: (phase: DemoLoadPhase) => void;
  /** Where to write the accounts (username, role, password); null: do not write. */
  readonly accountsFile?: string | null;
  /** Validate every file without writing it (rosters are committed, since records need them). */
  readonly dryRunRecords?: boolean;
  /** Tasks (imports, fitness results, evidence) running at once (default 3: two cores, and the waits of each import). */
  readonly concurrency?: number;
}

/** A password that meets the policy (20 characters, four classes), made now, shown once. */
export function demoPassword(): string {
  const body = randomBytes(15).toString('base64url').replace(/[-_]/g, 'x');
  return `${body.slice(0, 6)}-${body.slice(6, 12)}-${body.slice(12)}Q4`;
}

/** Throws when an import does not commit, with the first problems in the message. */
function assertCommitted(report: ImportReport, file: string): void {
  if (report.valid && report.committed) return;
  const first = report.errors.slice(0, 5).map((e) => `row ${e.row ?? '-'} ${e.column ?? ''} ${e.code}: ${e.message}`).join('; ');
  throw new Error(`demo file ${file} was refused by the import (${report.errorCount} problems): ${first}`);
}

/**
 * Loads a generated demo city (a folder written by writeDemoCity) through the real services:
 * regions, schools and terms through RosterService (the API's rules), every file through
 * ImportsService (decode, validate, stage, merge — the pipeline schools use), evidence through
 * EvidenceService, then one account per role through UsersService with passwords made now.
 */
export async function loadDemoCity(dataSource: DataSource, config: AppConfig, dir: string, manifest: DemoManifest, options: DemoLoadOptions = {}): Promise<DemoLoadResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const plan = demoLoadPlan(manifest).filter((task) => !options.dryRunRecords || task.file);
  // reference data, the plan's tasks, then accounts and the three service phases
  const total = 1 + plan.length + (options.dryRunRecords ? 1 : 4);
  let index = 0;
  let stepStarted = elapsed();
  /** A step finished; `since` is when it started (imports overlap, so not the previous step's end). */
  const step = (name: string, rows: number, since = stepStarted) => {
    index += 1;
    const now = elapsed();
    options.onStep?.({ step: name, index, total, rows, seconds: now - since, elapsedSeconds: now });
    stepStarted = now;
  };
  const meter = new DemoCpuMeter(dataSource);
  await meter.begin();
  const phases: DemoLoadPhase[] = [];
  let phaseWall = elapsed();
  let phaseCpu: CpuReading = await meter.read();
  /** A phase ended: its wall time and CPU since the previous phase ended. */
  const phase = async (name: string, rows: number) => {
    const cpu = await meter.read();
    const now = elapsed();
    const entry: DemoLoadPhase = {
      phase: name,
      rows,
      wallSeconds: now - phaseWall,
      nodeCpuSeconds: cpu.nodeSeconds - phaseCpu.nodeSeconds,
      postgresCpuSeconds: cpu.postgresSeconds === null || phaseCpu.postgresSeconds === null ? null : cpu.postgresSeconds - phaseCpu.postgresSeconds,
      cpu: formatCpu(phaseCpu, cpu),
    };
    phases.push(entry);
    options.onPhase?.(entry);
    phaseWall = now;
    phaseCpu = cpu;
  };

  try {
    // 1. regions, schools, terms (no import format for them: the roster service, as the API does)
    const roster = new RosterService(dataSource, new AuditService(dataSource));
    const actor = demoLoaderActor();
    const regionIds = new Map<string, string>();
    for (const region of manifest.regions) {
      const created = await roster.createRegion({ code: region.code, name: region.name, level: region.level, parentId: region.parentCode ? regionIds.get(region.parentCode) : undefined });
      regionIds.set(region.code, created.id);
    }
    for (const school of manifest.schools) {
      await roster.createSchool({ code: school.code, name: school.name, stage: school.stage, regionId: regionIds.get(school.regionCode)! }, actor);
    }
    for (const term of manifest.terms) await roster.createTerm({ code: term.code, startDate: term.startDate, endDate: term.endDate });
    if (manifest.admissionsBatch) await createDemoAdmissionsBatch(dataSource, manifest);
    const referenceRows = manifest.regions.length + manifest.schools.length + manifest.terms.length + 1;
    step(`regions ${manifest.regions.length}, schools ${manifest.schools.length}, terms ${manifest.terms.length}, admission batch`, referenceRows);
    await phase('reference data', referenceRows);

    // 2. the files through the import pipeline, the fitness results and the evidence: a plan of overlapping tasks (demo-plan.ts, ADR 0902)
    const imports = new ImportsService(dataSource, config);
    const rowsByKind: Record<string, number> = {};
    const secondsByKind: Record<string, number> = {};
    const reports: DemoLoadResult['reports'] = [];
    let rows = 0;
    const importFile = async (file: DemoManifest['files'][number], again: boolean) => {
      const since = elapsed();
      const dryRun = Boolean(options.dryRunRecords) && file.kind !== 'roster';
      let report: ImportReport;
      try {
        report = await imports.run(file.kind, { path: path.join(dir, file.path) }, path.basename(file.path), { dryRun, context: { scope: EVERYTHING, actorUserId: null } });
      } catch (error) {
        if (error instanceof ImportRejectedError) report = error.report;
        else throw error;
      }
      if (!again) reports.push({ file: file.path, kind: file.kind, rowCount: report.rowCount, errorCount: report.errorCount, dryRun: report.dryRun, committed: report.committed });
      if (!dryRun || !report.valid) assertCommitted(report, file.path);
      // Fresh statistics, so the next imports' joins on students and enrolments plan well.
      if (file.kind === 'roster' && !again) await dataSource.query('ANALYZE students, enrolments, school_classes');
      if (!again) {
        rows += report.rowCount;
        rowsByKind[file.kind] = (rowsByKind[file.kind] ?? 0) + report.rowCount;
      }
      const label = again ? 'roster again' : file.kind;
      secondsByKind[label] = (secondsByKind[label] ?? 0) + (elapsed() - since);
      step(`${again ? 'roster (again: the current school and status are the newest term’s)' : file.kind} ${file.path}`, report.rowCount, since);
    };
    const fitness = new FitnessResultsService(dataSource);
    let fitnessResults = 0;
    await runDemoPlan(plan, options.concurrency ?? 3, async (task) => {
      if (task.file) return importFile(task.file, Boolean(task.again));
      const since = elapsed();
      if (task.fitnessYear) {
        // Computed once for every school (as fitness:recompute does), so the first portfolio or dashboard does not pay for it.
        const summary = await fitness.recompute(task.fitnessYear, null);
        fitnessResults += summary.results;
        secondsByKind['fitness results'] = (secondsByKind['fitness results'] ?? 0) + (elapsed() - since);
        step(`fitness year results ${task.fitnessYear}`, summary.results, since);
      } else if (task.evidence) {
        await attachEvidence(dataSource, config, dir, manifest);
        secondsByKind.evidence = elapsed() - since;
        step(`evidence ${manifest.evidence.length}`, manifest.evidence.length, since);
      }
    });
    // Statistics for what follows (evaluation input, fitness freshness, the first page views), and the
    // visibility map, without which the fitness reads' index-only scans visit every heap page (ADR 0920, 0921):
    // autovacuum would take minutes to get there, and a server may run without it.
    if (!options.dryRunRecords) await dataSource.query('VACUUM (ANALYZE) term_records, activity_records, students, enrolments, fitness_results');
    await phase(`imports, fitness results and evidence, overlapping (${Object.entries(secondsByKind).map(([kind, seconds]) => `${kind} ${seconds.toFixed(1)} s`).join(', ')})`, rows + fitnessResults);

    // 4. one account per role, passwords made now
    const { accounts, userIds } = options.dryRunRecords ? { accounts: [], userIds: null } : await createDemoAccounts(dataSource, manifest);
    let accountsFile: string | null = null;
    if (options.accountsFile && accounts.length > 0) {
      accountsFile = options.accountsFile;
      writeDemoAccounts(accountsFile, accounts, manifest);
    }
    step(`accounts ${accounts.length}`, accounts.length);
    await phase('accounts', accounts.length);

    // 5. through the services: 写实记录 in every workflow state, evaluation runs, sealed portfolios of applicants
    let services: DemoLoadResult['services'] = null;
    if (userIds) {
      services = await addDemoServiceData(dataSource, config, manifest, userIds, async ({ name, count }) => {
        const label = {
          workflow: ['review workflow', '写实记录 through the review workflow'],
          evaluation: ['evaluation runs', 'evaluation results (default rubric, last term; graduation of 初三)'],
          portfolios: ['sealed portfolios', 'sealed portfolios of applicants'],
        }[name];
        step(`${label[1]} ${count}`, count);
        await phase(label[0], count);
      });
    }
    return { seconds: elapsed(), rows, rowsByKind, accounts, accountsFile, phases, services, reports };
  } finally {
    meter.stop();
  }
}

/** The evidence placeholders, attached to their 写实记录 through the evidence service. */
async function attachEvidence(dataSource: DataSource, config: AppConfig, dir: string, manifest: DemoManifest): Promise<void> {
  if (manifest.evidence.length === 0) return;
  const evidence = new EvidenceService(dataSource, config);
  const found = (await dataSource.query(
    `SELECT a.id, s.student_number, t.code AS term_code, a.title, to_char(a.start_date, 'YYYY-MM-DD') AS start_date
     FROM activity_records a JOIN students s ON s.id = a.student_id JOIN terms t ON t.id = a.term_id
     WHERE s.student_number = ANY($1)`,
    [[...new Set(manifest.evidence.map((e) => e.studentNumber))]],
  )) as { id: string; student_number: string; term_code: string; title: string; start_date: string }[];
  const idOf = new Map(found.map((r) => [`${r.student_number}|${r.term_code}|${r.title}|${r.start_date}`, r.id]));
  for (const item of manifest.evidence) {
    const recordId = idOf.get(`${item.studentNumber}|${item.termCode}|${item.title}|${item.startDate}`);
    if (!recordId) throw new Error(`demo evidence ${item.file}: no 写实记录 ${item.title} of ${item.studentNumber} in ${item.termCode}`);
    await evidence.attach(EVERYTHING, null, recordId, { bytes: readFileSync(path.join(dir, item.file)), originalName: path.basename(item.file) }, `${item.startDate}T10:00:00+08:00`);
  }
}

async function createDemoAccounts(dataSource: DataSource, manifest: DemoManifest): Promise<{ accounts: DemoAccount[]; userIds: DemoServiceUsers }> {
  const target = manifest.accounts;
  const one = async (sql: string, params: unknown[], what: string): Promise<{ id: string; label: string }> => {
    const [row] = (await dataSource.query(sql, params)) as { id: string; label: string }[];
    if (!row) throw new Error(`demo accounts: ${what} is not in the database`);
    return row;
  };
  const district = await one('SELECT id, name AS label FROM regions WHERE code = $1', [target.districtCode], `district ${target.districtCode}`);
  const school = await one('SELECT id, name AS label FROM schools WHERE code = $1', [target.schoolCode], `school ${target.schoolCode}`);
  const schoolClass = await one(
    `SELECT c.id, s.name || ' ' || g.name_zh || c.name || '（' || c.school_year || '）' AS label
     FROM school_classes c JOIN schools s ON s.id = c.school_id JOIN grades g ON g.code = c.grade_code
     WHERE s.code = $1 AND c.school_year = $2 AND c.grade_code = $3 AND c.name = $4`,
    [target.teacherClass.schoolCode, target.teacherClass.schoolYear, target.teacherClass.gradeCode, target.teacherClass.name],
    'the teacher’s class',
  );
  const student = await one('SELECT id, name AS label FROM students WHERE student_number = $1', [target.studentNumber], `student ${target.studentNumber}`);
  const admissions = await one('SELECT id, name AS label FROM schools WHERE code = $1', [target.admissionsSchoolCode], `school ${target.admissionsSchoolCode}`);

  const plan: { username: string; role: Role; displayName: string; grant: Record<string, string>; scope: string }[] = [
    { username: 'demo.city', role: 'city_admin', displayName: '演示·市教育局管理员', grant: {}, scope: '乌海市 (whole city)' },
    { username: 'demo.district', role: 'district_officer', displayName: `演示·${district.label}教育局`, grant: { regionId: district.id }, scope: district.label },
    { username: 'demo.school', role: 'school_admin', displayName: `演示·${school.label}管理员`, grant: { schoolId: school.id }, scope: school.label },
    { username: 'demo.teacher', role: 'teacher', displayName: '演示·班主任', grant: { classId: schoolClass.id }, scope: schoolClass.label },
    { username: 'demo.admissions', role: 'admissions_officer', displayName: `演示·${admissions.label}招生`, grant: { schoolId: admissions.id }, scope: `${admissions.label} (its applicants)` },
    { username: 'demo.student', role: 'student', displayName: student.label, grant: { studentId: student.id }, scope: `${student.label} (self)` },
  ];
  const users = new UsersService(dataSource);
  const accounts: DemoAccount[] = [];
  const ids = new Map<string, string>();
  for (const entry of plan) {
    const password = demoPassword();
    const user = await users.create({ username: entry.username, displayName: entry.displayName, password, roles: [{ role: entry.role, ...entry.grant }] }, null);
    ids.set(entry.role, user.id);
    accounts.push({ username: entry.username, password, role: entry.role, displayName: entry.displayName, scope: entry.scope });
  }
  return { accounts, userIds: { student: ids.get('student')!, teacher: ids.get('teacher')!, schoolAdmin: ids.get('school_admin')!, admissions: ids.get('admissions_officer')! } };
}

/** The accounts as a table, for the console and the accounts file. */
export function formatDemoAccounts(accounts: readonly DemoAccount[]): string {
  const width = Math.max(...accounts.map((a) => a.username.length));
  const roleWidth = Math.max(...accounts.map((a) => a.role.length));
  return accounts.map((a) => `    ${a.username.padEnd(width)}  ${a.password}  ${a.role.padEnd(roleWidth)}  ${a.scope}`).join('\n');
}

function writeDemoAccounts(file: string, accounts: readonly DemoAccount[], manifest: DemoManifest): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const text = [
    `# Wuyu demo city (seed ${manifest.seed}, scale ${manifest.scale}) — demo accounts, passwords generated at load time.`,
    '# 演示账号（密码在导入时随机生成）。Sign in: POST /api/auth/login {"username","password"}',
    '# username  password  role  scope',
    formatDemoAccounts(accounts),
    '',
  ].join('\n');
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}
