import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { AppModule } from '../../app.module';
import type { AppConfig } from '../../config/app-config';
import { Actor } from '../auth/actor';
import { ActorService } from '../auth/actor.service';
import { EVERYTHING } from '../auth/data-scope';
import { EvaluationRunsService } from '../evaluation/evaluation-runs.service';
import { RubricsService } from '../evaluation/rubrics.service';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { AppealsService } from '../review/appeals.service';
import { Clock } from '../review/clock';
import { PublicityService } from '../review/publicity.service';
import { ReviewRecordsService } from '../review/review-records.service';
import { chinaDate, windowOfWorkingDays } from '../review/workflow/working-days';
import { CalendarService } from '../review/calendar.service';
import { placeholderPdf } from './demo-city';
import type { DemoManifest } from './demo-files';

/**
 * The parts of the demo city made through the services rather than files (ADR 0900, 0901):
 *
 *  1. 写实记录 in every state of the review workflow (ADR 0810), written by the demo student,
 *     teacher and school administrator through ReviewRecordsService, PublicityService and
 *     AppealsService — so every status is reached by the state machine and every step is in
 *     `activity_record_transitions`. The review clock is pinned for each step: a spring-term
 *     timeline on fixed dates (a publicity batch with objections upheld and dismissed, then
 *     closed and confirmed; appeals upheld with an amendment, dismissed and escalated, and one
 *     pending), and one publicity batch opened on the day of loading so that it is open when
 *     someone looks (its dates and the times of its steps are the only ones that follow the
 *     day of loading; the determinism digest reads them relative to that day).
 *  2. Evaluation runs (the default rubric, assigned to every cohort of the last term): a term
 *     run per cohort, then a graduation run for the 初三 cohort, through EvaluationRunsService
 *     and the jobs worker — so every student of the last term has five-dimension levels.
 *     At `city` scale only the cohorts the demo accounts read (初二 and 初三 of the demo
 *     district) are run, to keep the load within its budget (a term run costs ~0.15 ms of CPU
 *     per student and dimension); the rubric is assigned to every cohort, so an administrator
 *     runs the others with POST /api/evaluation/runs.
 *  3. Sealed 综合素质档案 for 初三 applicants of the demo admissions school, through
 *     PortfoliosService (compile → confirmed → commented → signed off → sealed), so the demo
 *     admissions officer reads applicants with sealed portfolios whose hashes verify.
 *
 * Everything runs in a Nest application context over the loader's DataSource (the services
 * with their real wiring, the portfolio hook included), without the HTTP server and with the
 * scheduler off, so nothing but these calls touches the data while they run.
 */

export interface DemoServiceUsers {
  readonly student: string;
  readonly teacher: string;
  readonly schoolAdmin: string;
  readonly admissions: string;
}

export interface DemoServicesResult {
  readonly workflowRecords: number;
  readonly evaluationRuns: number;
  readonly evaluationResults: number;
  readonly portfolios: number;
}

export interface DemoServicePhase {
  readonly name: 'workflow' | 'evaluation' | 'portfolios';
  readonly count: number;
}

/** At most this many applicants get a sealed portfolio, per scale: each costs six transactions and its sections' reads (~0.3 s of CPU at city scale, most of it the fitness section's freshness check over the whole city). */
export const DEMO_SEALED_PORTFOLIOS: Readonly<Record<DemoManifest['scale'], number>> = { small: 1_000, district: 40, city: 12 };

/**
 * Which cohorts get a term run in the last term, per scale: every one, or — at `city` scale, whose
 * 60,000 students would cost ~40 s of CPU — the 初二 and 初三 cohorts of the demo district, the
 * students the demo accounts read (the district officer, school, teacher, student, and the
 * applicants whose portfolios are sealed).
 */
export const DEMO_EVALUATION: Readonly<Record<DemoManifest['scale'], { grades: readonly string[] | 'all'; region: 'city' | 'demo district' }>> = {
  small: { grades: 'all', region: 'city' },
  district: { grades: 'all', region: 'city' },
  city: { grades: ['J2', 'J3'], region: 'demo district' },
};

/** The loader's own identity for steps no demo account takes (portfolio steps of students and schools without accounts). */
export const DEMO_LOADER_USER_ID = '00000000-0000-0000-0000-000000000000';

export function demoLoaderActor(): Actor {
  return new Actor(DEMO_LOADER_USER_ID, 'demo-loader', [
    { id: 'demo-loader', role: 'city_admin', regionId: null, schoolId: null, classId: null, studentId: null, regionIds: [], schoolIds: [], everything: true },
  ]);
}

async function createContext(dataSource: DataSource, config: AppConfig): Promise<INestApplicationContext> {
  // The scheduler (publicity auto-close, …) stays off here: the loader alone moves the clock.
  const quiet = { ...config, schedulerIntervalSeconds: 0 } as AppConfig;
  return NestFactory.createApplicationContext(AppModule.forRoot(quiet, dataSource), { logger: false, abortOnError: false });
}

/** Runs the service-made parts of the demo city; `onPhase` hears each part as it finishes. */
export async function addDemoServiceData(
  dataSource: DataSource,
  config: AppConfig,
  manifest: DemoManifest,
  users: DemoServiceUsers,
  onPhase: (phase: DemoServicePhase) => Promise<void> | void = () => undefined,
): Promise<DemoServicesResult> {
  const app = await createContext(dataSource, config);
  const clock = app.get(Clock);
  try {
    const workflowRecords = await addWorkflowRecords(app, dataSource, manifest, users, clock);
    await onPhase({ name: 'workflow', count: workflowRecords });
    clock.pin(null);
    const evaluation = await runEvaluation(app, dataSource, manifest);
    await onPhase({ name: 'evaluation', count: evaluation.results });
    const portfolios = await sealApplicantPortfolios(app, dataSource, manifest);
    await onPhase({ name: 'portfolios', count: portfolios });
    return { workflowRecords, evaluationRuns: evaluation.runs, evaluationResults: evaluation.results, portfolios };
  } finally {
    clock.pin(null);
    await app.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 1. the review workflow

type Dimension = 'moral' | 'academic' | 'physical' | 'aesthetic' | 'labour';

interface OwnRecord {
  key: string;
  title: string;
  dimension: Dimension;
  recordType: string;
  startDate: string;
  hours: number;
  level: 'school' | 'district' | 'city';
  evidence?: boolean;
}

/** The demo student's own 写实记录 in the last term, by the key the timeline uses. */
const OWN_RECORDS: readonly OwnRecord[] = [
  { key: 'confirmedThenEscalated', title: '校园心理健康周主题班会', dimension: 'moral', recordType: '主题教育', startDate: '2026-04-15', hours: 2, level: 'school' },
  { key: 'confirmedThenAmended', title: '五四青年节合唱比赛', dimension: 'aesthetic', recordType: '艺术活动', startDate: '2026-04-17', hours: 4, level: 'district', evidence: true },
  { key: 'draft', title: '班级读书分享会', dimension: 'academic', recordType: '研究性学习', startDate: '2026-03-12', hours: 2, level: 'school' },
  { key: 'submitted', title: '社区垃圾分类宣传', dimension: 'labour', recordType: '社会实践', startDate: '2026-03-21', hours: 4, level: 'district', evidence: true },
  { key: 'verified', title: '校园科技节机器人展示', dimension: 'academic', recordType: '科技活动', startDate: '2026-04-10', hours: 6, level: 'school', evidence: true },
  { key: 'returned', title: '春季植树志愿活动', dimension: 'moral', recordType: '志愿服务', startDate: '2026-04-03', hours: 3, level: 'district' },
  { key: 'rejectedAppealed', title: '市青少年书法大赛', dimension: 'aesthetic', recordType: '获奖', startDate: '2026-05-16', hours: 5, level: 'city' },
  { key: 'inPublicity', title: '校运会跳远比赛', dimension: 'physical', recordType: '体育竞赛', startDate: '2026-04-24', hours: 3, level: 'school', evidence: true },
  { key: 'selected', title: '期末班级志愿服务总结', dimension: 'labour', recordType: '志愿服务', startDate: '2026-06-05', hours: 3, level: 'school' },
];

/** `2026-05-06T09:00` (China time) as an instant. */
const at = (dayAndTime: string) => new Date(`${dayAndTime}:00+08:00`);

/** The latest working day on or before today (China time): the open batch starts there, so it is open today. */
async function latestWorkingDay(app: INestApplicationContext): Promise<string> {
  const calendar = await app.get(CalendarService).calendar();
  let day = chinaDate(new Date());
  for (let i = 0; i < 14; i += 1) {
    if (windowOfWorkingDays(day, 1, calendar).firstDay === day) return day;
    day = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  }
  return day;
}

async function addWorkflowRecords(app: INestApplicationContext, dataSource: DataSource, manifest: DemoManifest, users: DemoServiceUsers, clock: Clock): Promise<number> {
  const review = app.get(ReviewRecordsService);
  const publicity = app.get(PublicityService);
  const appeals = app.get(AppealsService);
  const actors = app.get(ActorService);
  const actorOf = async (userId: string) => (await actors.load(userId))!.actor;
  const student = await actorOf(users.student);
  const teacher = await actorOf(users.teacher);
  const school = await actorOf(users.schoolAdmin);
  const lastTerm = manifest.terms[manifest.terms.length - 1];
  const [{ termId, classId, schoolId, gradeCode }] = (await dataSource.query(
    `SELECT t.id AS "termId", c.id AS "classId", c.school_id AS "schoolId", c.grade_code AS "gradeCode"
     FROM role_assignments a JOIN school_classes c ON c.id = a.class_id JOIN terms t ON t.code = $2 WHERE a.user_id = $1`,
    [users.teacher, lastTerm.code],
  )) as { termId: string; classId: string; schoolId: string; gradeCode: string }[];
  const step = (when: string) => clock.pin(at(when));

  // Imported (VERIFIED) records of the grade's other students, in a fixed order: some are selected for each publicity batch.
  const imported = (await dataSource.query(
    `SELECT a.id FROM activity_records a JOIN enrolments e ON e.student_id = a.student_id AND e.term_id = a.term_id JOIN school_classes c ON c.id = e.class_id
     JOIN students s ON s.id = a.student_id JOIN role_assignments r ON r.user_id = $1
     WHERE a.term_id = $2 AND c.school_id = $3 AND c.grade_code = $4 AND a.status = 'VERIFIED' AND a.source = 'school_import' AND a.student_id <> r.student_id
     ORDER BY s.student_number, a.start_date, a.title`,
    [users.student, termId, schoolId, gradeCode],
  )) as { id: string }[];
  if (imported.length < 7) throw new Error(`demo workflow: the demo grade has ${imported.length} imported 写实记录 in ${lastTerm.code}; 7 are needed for the publicity batches`);
  const forFirstBatch = imported.slice(0, 4).map((r) => r.id);
  const forOpenBatch = imported.slice(4, 7).map((r) => r.id);

  const own = new Map<string, string>();
  const create = async (key: string, when: string) => {
    const spec = OWN_RECORDS.find((r) => r.key === key)!;
    step(when);
    const record = await review.create(student, {
      termId, dimension: spec.dimension, recordType: spec.recordType, title: spec.title, startDate: spec.startDate, endDate: spec.startDate, hours: spec.hours, level: spec.level, role: 'participant',
    } as never);
    if (spec.evidence) await review.attachEvidence(student, record.id, { bytes: placeholderPdf(`workflow ${spec.title.length} ${spec.startDate}`), originalName: `${spec.startDate}-photo.pdf` }, `${spec.startDate}T15:00:00+08:00`);
    own.set(key, record.id);
    return record.id;
  };
  let count = 0;

  // April: two records written, submitted and verified.
  for (const key of ['confirmedThenEscalated', 'confirmedThenAmended']) {
    await create(key, '2026-04-20T15:00');
    await review.submit(student, own.get(key)!);
    count += 1;
  }
  step('2026-04-22T10:00');
  for (const key of ['confirmedThenEscalated', 'confirmedThenAmended']) await review.review(teacher, own.get(key)!, 'verify', null);

  // May: term-end selection and a grade publicity batch of five working days.
  step('2026-05-06T09:00');
  for (const key of ['confirmedThenEscalated', 'confirmedThenAmended']) await review.review(teacher, own.get(key)!, 'select', null);
  for (const id of forFirstBatch) await review.review(school, id, 'select', null);
  step('2026-05-06T09:30');
  const first = await publicity.create(school, { termId, scope: 'grade', schoolId, gradeCode, title: `${lastTerm.code}学期写实记录公示（第一批）`, startsOn: '2026-05-07', workingDays: 5 } as never);
  // Two objections: one upheld (the record is revoked), one dismissed (back on show).
  step('2026-05-08T10:00');
  const upheld = await publicity.object(student, first.id, { activityRecordId: forFirstBatch[0], reason: '该活动当天学校组织期中考试，时间与校历不符，请核实。' } as never);
  step('2026-05-08T11:00');
  const dismissed = await publicity.object(teacher, first.id, { activityRecordId: forFirstBatch[1], reason: '活动级别疑似填写有误（应为校级），请核实。' } as never);
  step('2026-05-11T10:00');
  await publicity.decideObjection(school, upheld.id, 'upheld', '经核实，该活动时间与期中考试冲突，记录不实，予以撤销。');
  await publicity.decideObjection(school, dismissed.id, 'dismissed', '经核实，该活动由区教育局主办，级别填写无误。');
  // The window has closed: the school closes the batch; the records pass publicity and are confirmed.
  step('2026-05-14T09:00');
  await publicity.close(school, first.id);

  // Appeals against confirmed records: one upheld with an amendment, one dismissed and escalated to the bureau.
  step('2026-05-15T10:00');
  const amendAppeal = await appeals.file(student, { activityRecordId: own.get('confirmedThenAmended')!, reason: '合唱比赛含两天排练，活动时长应为6小时。', requestedChanges: { hours: 6 } } as never);
  const escalateAppeal = await appeals.file(student, { activityRecordId: own.get('confirmedThenEscalated')!, reason: '该班会由区心理健康中心指导，级别应为区级。', requestedChanges: { level: 'district' } } as never);
  step('2026-05-19T10:00');
  await appeals.decide(school, amendAppeal.id, { outcome: 'upheld', remark: '经核实排练记录，时长更正为6小时。', amendment: { hours: 6 } } as never);
  await appeals.decide(school, escalateAppeal.id, { outcome: 'dismissed', remark: '活动由本校组织，区中心仅提供资料，级别维持校级。' } as never);
  step('2026-05-20T10:00');
  await appeals.escalate(student, escalateAppeal.id, '区心理健康中心派员到校指导，有通知文件为证，请区教育局复核。');

  // June: a record being written, one submitted, one verified, one returned, one rejected (appealed), one selected.
  await create('selected', '2026-06-12T16:00');
  await review.submit(student, own.get('selected')!);
  for (const key of ['draft', 'submitted', 'verified', 'returned', 'rejectedAppealed', 'inPublicity']) await create(key, '2026-06-15T10:00');
  for (const key of ['submitted', 'verified', 'returned', 'rejectedAppealed', 'inPublicity']) await review.submit(student, own.get(key)!);
  for (const key of ['verified', 'inPublicity', 'selected']) await review.review(teacher, own.get(key)!, 'verify', null);
  await review.review(teacher, own.get('returned')!, 'return', '请补充活动照片和组织单位证明');
  await review.review(teacher, own.get('rejectedAppealed')!, 'reject', '未能核实获奖证书，如有异议可申诉');
  await review.review(teacher, own.get('inPublicity')!, 'select', null);
  count += 7;
  // The teacher enters records for classmates (flagged, awaiting each student's confirmation) and submits some: the class's queue.
  step('2026-06-15T11:00');
  const classmates = (await dataSource.query(
    `SELECT e.student_id FROM enrolments e JOIN students s ON s.id = e.student_id WHERE e.class_id = $1 AND e.term_id = $2 AND s.id <> (SELECT student_id FROM role_assignments WHERE user_id = $3)
     ORDER BY s.student_number LIMIT 6`,
    [classId, termId, users.student],
  )) as { student_id: string }[];
  for (const [index, { student_id: studentId }] of classmates.entries()) {
    const record = await review.create(teacher, {
      studentId, termId, dimension: 'labour', recordType: '劳动周', title: '班级劳动周值日', startDate: '2026-05-11', endDate: '2026-05-15', hours: 10, level: 'school', role: 'participant',
    } as never);
    if (index % 2 === 0) await review.submit(teacher, record.id);
    count += 1;
  }

  step('2026-06-16T10:00');
  await appeals.file(student, { activityRecordId: own.get('rejectedAppealed')!, reason: '获奖证书原件已交班主任，请重新审核。' } as never);

  // The day of loading: a second batch, open now (ten working days from the latest working day), with an objection under investigation;
  // the record selected after it was published waits for the next batch.
  const today = await latestWorkingDay(app);
  step(`${today}T09:00`);
  for (const id of forOpenBatch) await review.review(school, id, 'select', null);
  step(`${today}T09:30`);
  const open = await publicity.create(school, { termId, scope: 'grade', schoolId, gradeCode, title: `${lastTerm.code}学期写实记录公示（第二批）`, startsOn: today, workingDays: 10 } as never);
  step(`${today}T10:00`);
  await publicity.object(student, open.id, { activityRecordId: forOpenBatch[0], reason: '该同学当天请假未到校，请核实。' } as never);
  step(`${today}T10:30`);
  await review.review(teacher, own.get('selected')!, 'select', null);
  return count;
}

// ---------------------------------------------------------------------------------------------
// 2. evaluation runs

const STAGE_OF_GRADE: Readonly<Record<string, { stage: 'primary' | 'junior' | 'senior'; year: number }>> = {
  P1: { stage: 'primary', year: 0 }, P2: { stage: 'primary', year: 1 }, P3: { stage: 'primary', year: 2 }, P4: { stage: 'primary', year: 3 }, P5: { stage: 'primary', year: 4 }, P6: { stage: 'primary', year: 5 },
  J1: { stage: 'junior', year: 0 }, J2: { stage: 'junior', year: 1 }, J3: { stage: 'junior', year: 2 },
  S1: { stage: 'senior', year: 0 }, S2: { stage: 'senior', year: 1 }, S3: { stage: 'senior', year: 2 },
};

async function runEvaluation(app: INestApplicationContext, dataSource: DataSource, manifest: DemoManifest): Promise<{ runs: number; results: number }> {
  const rubrics = app.get(RubricsService);
  const runs = app.get(EvaluationRunsService);
  const lastTerm = manifest.terms[manifest.terms.length - 1];
  const firstYear = Number(lastTerm.schoolYear.slice(0, 4));
  const [{ termId }] = (await dataSource.query('SELECT id AS "termId" FROM terms WHERE code = $1', [lastTerm.code])) as { termId: string }[];
  const [rubric] = (await dataSource.query(`SELECT id FROM evaluation_rubrics WHERE code = 'default' AND superseded_at IS NULL ORDER BY version DESC LIMIT 1`)) as { id: string }[];
  if (!rubric) throw new Error('demo evaluation: the default rubric is missing (migration SeedDefaultRubric)');
  const grades = (await dataSource.query(
    `SELECT DISTINCT c.grade_code FROM enrolments e JOIN school_classes c ON c.id = e.class_id WHERE e.term_id = $1 ORDER BY c.grade_code`,
    [termId],
  )) as { grade_code: string }[];
  const cohortOf = (gradeCode: string) => ({ stage: STAGE_OF_GRADE[gradeCode].stage, entryYear: firstYear - STAGE_OF_GRADE[gradeCode].year });
  const known = grades.map((g) => g.grade_code).filter((code) => STAGE_OF_GRADE[code]);
  // The rubric is assigned to every cohort city-wide (an administrator can run any of them) …
  for (const code of known) await rubrics.assign({ rubricId: rubric.id, ...cohortOf(code) } as never, DEMO_LOADER_USER_ID);
  // … and run for the cohorts of this scale's budget, city-wide or in the demo district.
  const plan = DEMO_EVALUATION[manifest.scale];
  let regionId: string | undefined;
  if (plan.region === 'demo district') {
    [{ id: regionId }] = (await dataSource.query('SELECT id FROM regions WHERE code = $1', [manifest.accounts.districtCode])) as { id: string }[];
  }
  const cohorts = known.filter((code) => plan.grades === 'all' || plan.grades.includes(code)).map(cohortOf);
  const ids: string[] = [];
  for (const cohort of cohorts) {
    if (regionId) await rubrics.assign({ rubricId: rubric.id, ...cohort, regionId } as never, DEMO_LOADER_USER_ID);
    ids.push((await runs.enqueueTermRun({ termId, ...cohort, regionId } as never, DEMO_LOADER_USER_ID)).id);
  }
  await waitForRuns(dataSource, ids);
  // The 初三 cohort leaves junior school: its graduation result gives the levels its portfolios carry.
  const leaving = cohorts.find((c) => c.stage === 'junior' && c.entryYear === firstYear - 2);
  if (leaving) {
    const graduation = await runs.enqueueGraduationRun({ stage: 'junior', entryYear: leaving.entryYear, regionId } as never, DEMO_LOADER_USER_ID);
    ids.push(graduation.id);
    await waitForRuns(dataSource, [graduation.id]);
  }
  const [{ results }] = (await dataSource.query('SELECT count(*)::int AS results FROM evaluation_results')) as { results: number }[];
  return { runs: ids.length, results };
}

/** Waits until the jobs worker has finished the runs; a failed run fails the load with its error. */
async function waitForRuns(dataSource: DataSource, ids: readonly string[]): Promise<void> {
  for (;;) {
    const rows = (await dataSource.query('SELECT id, state, error FROM evaluation_runs WHERE id = ANY($1::uuid[])', [ids])) as { id: string; state: string; error: unknown }[];
    const failed = rows.find((r) => r.state === 'failed');
    if (failed) throw new Error(`demo evaluation run ${failed.id} failed: ${JSON.stringify(failed.error)}`);
    if (rows.length === ids.length && rows.every((r) => r.state === 'succeeded')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// 3. sealed portfolios of applicants

async function sealApplicantPortfolios(app: INestApplicationContext, dataSource: DataSource, manifest: DemoManifest): Promise<number> {
  const portfolios = app.get(PortfoliosService);
  const loader = demoLoaderActor();
  // Applicants with a graduation result (at city scale: those from the demo district's junior schools), by 学籍号.
  const applicants = (await dataSource.query(
    `SELECT DISTINCT s.id, s.student_number FROM admissions_applications a JOIN schools rs ON rs.id = a.school_id JOIN students s ON s.id = a.student_id
     WHERE rs.code = $1 AND EXISTS (SELECT 1 FROM evaluation_results r JOIN evaluation_runs x ON x.id = r.run_id WHERE r.student_id = s.id AND x.kind = 'graduation')
     ORDER BY s.student_number LIMIT $2`,
    [manifest.accounts.admissionsSchoolCode, DEMO_SEALED_PORTFOLIOS[manifest.scale]],
  )) as { id: string; student_number: string }[];
  for (const applicant of applicants) {
    const { portfolio } = await portfolios.compile(EVERYTHING, applicant.id, loader);
    await portfolios.advance(EVERYTHING, portfolio.id, 'confirm', loader);
    await portfolios.advance(EVERYTHING, portfolio.id, 'comment', loader, '该生品学兼优，积极参加集体活动。（演示评语）');
    await portfolios.advance(EVERYTHING, portfolio.id, 'signOff', loader);
    await portfolios.seal(EVERYTHING, portfolio.id, loader);
  }
  return applicants.length;
}
