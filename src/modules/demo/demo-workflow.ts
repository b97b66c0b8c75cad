import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { ActorService } from '../auth/actor.service';
import { EvidenceService } from '../intake/evidence/evidence.service';
import { AdmissionsService } from '../portfolios/admissions.service';
import { Clock } from '../review/clock';
import { IntegrityService } from '../review/integrity.service';
import { RecordTransitions } from '../review/record-transitions';
import { ReviewRecordsService } from '../review/review-records.service';
import { ReviewSettingsService } from '../review/review-settings.service';
import { placeholderPdf } from './demo-city';
import type { DemoManifest } from './demo-files';

/**
 * The parts of the demo city that go through services rather than files: the admission batch
 * the applications name (set up as the city does), and 写实记录 in every state of the review
 * workflow reachable today, written by the demo student and teacher through the review
 * service (DRAFT, SUBMITTED, VERIFIED, RETURNED, REJECTED, SELECTED, a teacher's on-behalf
 * record awaiting the student's confirmation, and a queue of the class's submissions). The
 * clock is pinned inside the last term, so the steps' times are the same on every load.
 */

/** The batch's period: from its fixed opening day until a year from today at the earliest (so officers can read now). */
export async function createDemoAdmissionsBatch(dataSource: DataSource, manifest: DemoManifest): Promise<void> {
  const batch = manifest.admissionsBatch;
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  const closesOn = inAYear > '2027-07-31' ? inAYear : '2027-07-31';
  await new AdmissionsService(dataSource).createBatch({ code: batch.code, name: batch.name, opensOn: batch.opensOn, closesOn });
}

interface Step {
  title: string;
  dimension: 'moral' | 'academic' | 'physical' | 'aesthetic' | 'labour';
  recordType: string;
  startDate: string;
  hours: number;
  level: 'school' | 'district' | 'city';
  /** What happens after creation. */
  then: ('submit' | 'verify' | 'return' | 'reject' | 'select')[];
  remark?: string;
  evidence?: boolean;
}

const STUDENT_RECORDS: readonly Step[] = [
  { title: '班级读书分享会', dimension: 'academic', recordType: '研究性学习', startDate: '2026-03-12', hours: 2, level: 'school', then: [] },
  { title: '社区垃圾分类宣传', dimension: 'labour', recordType: '社会实践', startDate: '2026-03-21', hours: 4, level: 'district', then: ['submit'], evidence: true },
  { title: '校园科技节机器人展示', dimension: 'academic', recordType: '科技活动', startDate: '2026-04-10', hours: 6, level: 'school', then: ['submit', 'verify'], evidence: true },
  { title: '春季植树志愿活动', dimension: 'moral', recordType: '志愿服务', startDate: '2026-04-03', hours: 3, level: 'district', then: ['submit', 'return'], remark: '请补充活动照片和组织单位证明' },
  { title: '市青少年书法大赛', dimension: 'aesthetic', recordType: '获奖', startDate: '2026-05-16', hours: 5, level: 'city', then: ['submit', 'reject'], remark: '未能核实获奖证书，如有异议可申诉' },
  { title: '校运会跳远比赛', dimension: 'physical', recordType: '体育竞赛', startDate: '2026-04-24', hours: 3, level: 'school', then: ['submit', 'verify', 'select'], evidence: true },
];

export async function addDemoWorkflowRecords(dataSource: DataSource, config: AppConfig, manifest: DemoManifest, userIds: { student: string; teacher: string }): Promise<number> {
  const clock = new Clock();
  clock.pin(new Date('2026-06-15T10:00:00+08:00'));
  const settings = new ReviewSettingsService(dataSource);
  const review = new ReviewRecordsService(dataSource, new RecordTransitions(clock), new EvidenceService(dataSource, config), settings, new IntegrityService(dataSource, settings, clock), clock);
  const actors = new ActorService(dataSource);
  const student = (await actors.load(userIds.student))!.actor;
  const teacher = (await actors.load(userIds.teacher))!.actor;
  const lastTerm = manifest.terms[manifest.terms.length - 1];
  const [{ id: termId }] = (await dataSource.query('SELECT id FROM terms WHERE code = $1', [lastTerm.code])) as { id: string }[];
  let count = 0;

  for (const step of STUDENT_RECORDS) {
    const record = await review.create(student, { termId, dimension: step.dimension, recordType: step.recordType, title: step.title, startDate: step.startDate, endDate: step.startDate, hours: step.hours, level: step.level, role: 'participant' } as never);
    if (step.evidence) await review.attachEvidence(student, record.id, { bytes: placeholderPdf(`workflow ${step.title.length} ${step.startDate}`), originalName: `${step.startDate}-photo.pdf` }, `${step.startDate}T15:00:00+08:00`);
    for (const action of step.then) {
      if (action === 'submit') await review.submit(student, record.id);
      else await review.review(teacher, record.id, action, step.remark ?? null);
    }
    count += 1;
  }

  // The teacher enters records for classmates (flagged, awaiting each student's confirmation) and submits them: the class's queue.
  const classmates = (await dataSource.query(
    `SELECT e.student_id FROM enrolments e JOIN terms t ON t.id = e.term_id JOIN role_assignments a ON a.class_id = e.class_id AND a.user_id = $1
     JOIN students s ON s.id = e.student_id WHERE t.code = $2 ORDER BY s.student_number LIMIT 6`,
    [userIds.teacher, lastTerm.code],
  )) as { student_id: string }[];
  for (const [index, { student_id: studentId }] of classmates.entries()) {
    const record = await review.create(teacher, {
      studentId, termId, dimension: 'labour', recordType: '劳动周', title: '班级劳动周值日', startDate: '2026-05-11', endDate: '2026-05-15', hours: 10, level: 'school', role: 'participant',
    } as never);
    if (index % 2 === 0) await review.submit(teacher, record.id);
    count += 1;
  }
  return count;
}
