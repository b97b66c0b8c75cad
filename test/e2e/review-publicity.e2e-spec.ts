import { type AuthedClient, signedInAs } from '../helpers/auth';
import { createRecordWorld, FIXTURE_STUDENTS, type RecordWorld } from '../helpers/record-fixtures';
import { studentNumber } from '../helpers/roster-builders';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { Clock } from '../../src/modules/review/clock';
import { ConfirmedRecordsService } from '../../src/modules/review/confirmed-records.service';
import { type ConfirmedRecordChanged, ReviewEvents } from '../../src/modules/review/review-events';

/** China time, as people in the schools read the calendar. */
const at = (local: string) => new Date(`${local}+08:00`);

/**
 * Publicity over New Year 2025 (window 2024-12-27 … 2025-01-03 with 01-01 off), objections and
 * their investigation, confirmation only after the window (server clock pinned), the redacted
 * view, then appeals against a confirmed and a rejected record with the bureau's reconsideration.
 */
describe('review workflow over HTTP: publicity batches, objections, confirmation, appeals', () => {
  let t: TestApp;
  let world: RecordWorld;
  let clock: Clock;
  let s1: AuthedClient;
  let s2: AuthedClient;
  let guardian1: AuthedClient;
  let teacher: AuthedClient;
  let schoolAdmin: AuthedClient;
  let otherSchoolAdmin: AuthedClient;
  let outsider: AuthedClient; // a student of school B
  let otherClassStudent: AuthedClient; // school A, class 2班
  let district: AuthedClient;
  const events: ConfirmedRecordChanged[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    world = await createRecordWorld(t.db.dataSource);
    const db = t.db.dataSource;
    clock = t.app.get(Clock);
    t.app.get(ReviewEvents).onConfirmedRecordChanged((event) => void events.push(event));
    clock.pin(at('2024-12-20T09:00:00'));
    const [region] = await db.query(`SELECT region_id FROM schools WHERE id = $1`, [world.schoolA]);
    const [class2] = await db.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '2班') RETURNING id`, [world.schoolA]);
    const [pupil] = await db.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '刘洋', '1', '2012-06-01', '01', $2) RETURNING id`, [studentNumber('20120601', '921'), world.schoolA]);
    await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [pupil.id, class2.id, world.term1, world.schoolA]);
    ids.class2 = class2.id;
    s1 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s1 }]);
    s2 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s2 }]);
    guardian1 = await signedInAs(t.app, db, [{ role: 'guardian', studentId: world.students.s1 }]);
    teacher = await signedInAs(t.app, db, [{ role: 'teacher', classId: world.classA }]);
    schoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: world.schoolA }]);
    otherSchoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: world.schoolB }]);
    outsider = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.outside }]);
    otherClassStudent = await signedInAs(t.app, db, [{ role: 'student', studentId: pupil.id }]);
    district = await signedInAs(t.app, db, [{ role: 'district_officer', regionId: region.region_id }]);
    await t.admin.put('/api/review/holidays/2025-01-01').send({ kind: 'holiday', name: '元旦' }).expect(200);

    // A score of s1 exists: the publicity view must never show it.
    const [indicator] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.chinese'`);
    await db.query(
      `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source)
       VALUES ($1, $2, $3, $4, 'final|2025-01-15', 'final', '2025-01-15', 97.5, 100, 'school_import')`,
      [world.schoolA, world.students.s1, world.term1, indicator.id],
    );

    // Records A, B, C of s1 and D of s2, each verified and selected.
    const make = async (client: AuthedClient, key: string, title: string, extra: Record<string, unknown> = {}) => {
      const body = { termId: world.term1, dimension: 'moral', recordType: '志愿服务', title, level: 'district', role: 'organiser', startDate: '2024-12-14', hours: 4, ...extra };
      const id = (await client.post('/api/review/records').send(body).expect(201)).body.id;
      await client.post(`/api/review/records/${id}/submit`).expect(201);
      await teacher.post(`/api/review/records/${id}/verify`).send({}).expect(201);
      await teacher.post(`/api/review/records/${id}/select`).send({}).expect(201);
      ids[key] = id;
    };
    await make(s1, 'A', '社区图书角志愿服务');
    await make(s1, 'B', '校园环保宣传');
    await make(s1, 'C', `征文${FIXTURE_STUDENTS.s1}`); // a title carrying the 学籍号: masked in publicity
    await make(s2, 'D', '敬老院慰问演出');
  }, 120_000);
  afterAll(() => t.close());

  const status = async (id: string) => ((await t.db.dataSource.query('SELECT status FROM activity_records WHERE id = $1', [id])) as { status: string }[])[0].status;

  it('computes the window over New Year and refuses batches that are too short, start in the past, or have nothing to show', async () => {
    const preview = await s1.get('/api/review/working-days?start=2024-12-27&days=5').expect(200);
    expect(preview.body).toEqual({ firstDay: '2024-12-27', lastDay: '2025-01-03', closesAt: '2025-01-03T16:00:00.000Z', workingDays: 5 });

    const base = { termId: world.term1, scope: 'class', classId: world.classA, title: '2024-2025学年第一学期写实记录公示' };
    expect((await schoolAdmin.post('/api/review/publicity-batches').send({ ...base, startsOn: '2024-12-27', workingDays: 3 }).expect(400)).body).toMatchObject({ code: 'INVALID_BATCH', details: { field: 'workingDays' } });
    expect((await schoolAdmin.post('/api/review/publicity-batches').send({ ...base, startsOn: '2024-12-19' }).expect(400)).body).toMatchObject({ code: 'INVALID_BATCH', details: { field: 'startsOn' } });
    expect((await schoolAdmin.post('/api/review/publicity-batches').send({ ...base, classId: ids.class2, startsOn: '2024-12-27' }).expect(409)).body.code).toBe('NOTHING_TO_PUBLISH');
    await otherSchoolAdmin.post('/api/review/publicity-batches').send({ ...base, startsOn: '2024-12-27' }).expect(404);
    await teacher.post('/api/review/publicity-batches').send({ ...base, startsOn: '2024-12-27' }).expect(403);

    const batch = await schoolAdmin.post('/api/review/publicity-batches').send({ ...base, startsOn: '2024-12-27' }).expect(201);
    expect(batch.body).toMatchObject({ scope: 'class', workingDays: 5, firstDay: '2024-12-27', lastDay: '2025-01-03', closesAt: '2025-01-03T16:00:00.000Z', state: 'scheduled', records: 4 });
    ids.batch = batch.body.id;
    for (const key of ['A', 'B', 'C', 'D']) expect(await status(ids[key])).toBe('IN_PUBLICITY');
  });

  it('shows its audience a redacted list: name, class, title, dates, hours, level, role — no scores, ranks, ID numbers or 学籍号', async () => {
    const view = await s2.get(`/api/review/publicity-batches/${ids.batch}/records`).expect(200);
    expect(view.body.items).toHaveLength(4);
    for (const line of view.body.items) expect(Object.keys(line).sort()).toEqual(['className', 'endDate', 'hours', 'level', 'recordId', 'role', 'startDate', 'studentName', 'title']);
    expect(view.body.items.map((line: { studentName: string }) => line.studentName).sort()).toEqual(['张伟', '张伟', '张伟', '王芳'].sort());
    expect(view.body.items[0]).toMatchObject({ className: '1班', hours: 4, level: 'district', role: 'organiser', startDate: '2024-12-14' });
    const text = JSON.stringify(view.body);
    for (const number of Object.values(FIXTURE_STUDENTS)) {
      expect(text).not.toContain(number);
      expect(text).not.toContain(number.slice(1)); // the 18-character ID number inside the 学籍号
    }
    expect(text).not.toMatch(/\d{17}[\dX]/);
    expect(text).not.toContain('97.5');
    expect(text).not.toMatch(/score|rank|studentNumber|idNumber|birth/i);
    expect(view.body.items.find((line: { recordId: string }) => line.recordId === ids.C).title).toBe('征文＊＊＊');

    // the audience: the class's students, guardians and teacher, the school; not another class, not another school
    await guardian1.get(`/api/review/publicity-batches/${ids.batch}/records`).expect(200);
    await teacher.get(`/api/review/publicity-batches/${ids.batch}/records`).expect(200);
    await otherClassStudent.get(`/api/review/publicity-batches/${ids.batch}/records`).expect(404);
    await outsider.get(`/api/review/publicity-batches/${ids.batch}/records`).expect(404);
    await otherSchoolAdmin.get(`/api/review/publicity-batches/${ids.batch}`).expect(404);
    expect((await otherClassStudent.get('/api/review/publicity-batches').expect(200)).body.total).toBe(0);
  });

  it('accepts objections only inside the window (server clock), and only from the audience', async () => {
    const objection = { activityRecordId: ids.A, reason: '该活动当天我也在场，组织者不是他' };
    expect((await s2.post(`/api/review/publicity-batches/${ids.batch}/objections`).send(objection).expect(409)).body.code).toBe('PUBLICITY_WINDOW_NOT_OPEN');
    clock.pin(at('2024-12-30T10:00:00'));
    expect((await s2.get(`/api/review/publicity-batches/${ids.batch}`).expect(200)).body.state).toBe('open');
    await outsider.post(`/api/review/publicity-batches/${ids.batch}/objections`).send(objection).expect(404);
    await schoolAdmin.post(`/api/review/publicity-batches/${ids.batch}/objections`).send(objection).expect(403);
    expect((await s2.post(`/api/review/publicity-batches/${ids.batch}/objections`).send({ ...objection, activityRecordId: world.students.s3 }).expect(409)).body.code).toBe('RECORD_NOT_IN_BATCH');

    const raised = await s2.post(`/api/review/publicity-batches/${ids.batch}/objections`).send(objection).expect(201);
    expect(raised.body).toMatchObject({ status: 'open', raisedAs: 'student', activityRecordId: ids.A });
    ids.objectionA = raised.body.id;
    expect(await status(ids.A)).toBe('UNDER_INVESTIGATION');
    ids.objectionB = (await teacher.post(`/api/review/publicity-batches/${ids.batch}/objections`).send({ activityRecordId: ids.B, reason: '时长存疑' }).expect(201)).body.id;
    ids.objectionC = (await guardian1.post(`/api/review/publicity-batches/${ids.batch}/objections`).send({ activityRecordId: ids.C, reason: '非本人完成' }).expect(201)).body.id;

    // the school investigates: B dismissed (back to publicity), C upheld (revoked)
    const listed = await schoolAdmin.get(`/api/review/objections?batchId=${ids.batch}&status=open`).expect(200);
    expect(listed.body.total).toBe(3);
    await schoolAdmin.post(`/api/review/objections/${ids.objectionB}/decision`).send({ outcome: 'dismissed', remark: '经核实时长属实' }).expect(201);
    expect(await status(ids.B)).toBe('IN_PUBLICITY');
    await schoolAdmin.post(`/api/review/objections/${ids.objectionC}/decision`).send({ outcome: 'upheld', remark: '经调查非本人完成' }).expect(201);
    expect(await status(ids.C)).toBe('REVOKED');
    expect((await schoolAdmin.post(`/api/review/objections/${ids.objectionC}/decision`).send({ outcome: 'dismissed', remark: 'x' }).expect(409)).body.code).toBe('OBJECTION_ALREADY_DECIDED');
  });

  it('confirms nothing while the window is open, takes no objection after it closes (409), then confirms on close', async () => {
    clock.pin(new Date('2025-01-03T15:59:59Z')); // 23:59:59 on the last day, Beijing
    const early = await schoolAdmin.post(`/api/review/publicity-batches/${ids.batch}/close`).expect(409);
    expect(early.body).toMatchObject({ code: 'PUBLICITY_WINDOW_STILL_OPEN', messageZh: '公示期尚未结束，不能确认', details: { closesAt: '2025-01-03T16:00:00.000Z' } });
    expect(await status(ids.B)).toBe('IN_PUBLICITY');

    clock.pin(new Date('2025-01-03T16:00:00Z')); // 00:00 on 2025-01-04, Beijing: closed
    const late = await s2.post(`/api/review/publicity-batches/${ids.batch}/objections`).send({ activityRecordId: ids.D, reason: '迟到的异议' }).expect(409);
    expect(late.body).toMatchObject({ code: 'PUBLICITY_WINDOW_CLOSED', messageZh: '公示期已结束，不再受理异议' });
    expect(await status(ids.D)).toBe('IN_PUBLICITY');

    clock.pin(at('2025-01-04T09:00:00'));
    const closed = await schoolAdmin.post(`/api/review/publicity-batches/${ids.batch}/close`).expect(201);
    expect(closed.body).toMatchObject({ state: 'confirmed', confirmedNow: 2, underInvestigation: 1 });
    expect(await status(ids.B)).toBe('CONFIRMED');
    expect(await status(ids.D)).toBe('CONFIRMED');
    expect(await status(ids.A)).toBe('UNDER_INVESTIGATION');
    const steps = (await s1.get(`/api/review/records/${ids.B}/transitions`).expect(200)).body.items.map((s: { action: string; toStatus: string }) => `${s.action}>${s.toStatus}`);
    expect(steps).toEqual(['create>DRAFT', 'submit>SUBMITTED', 'verify>VERIFIED', 'select>SELECTED', 'publish>IN_PUBLICITY', 'object>UNDER_INVESTIGATION', 'clear>IN_PUBLICITY', 'pass>PUBLICITY_PASSED', 'confirm>CONFIRMED']);

    // A's objection dismissed after the window: back to publicity, confirmed by the next close
    await schoolAdmin.post(`/api/review/objections/${ids.objectionA}/decision`).send({ outcome: 'dismissed', remark: '组织者身份属实' }).expect(201);
    expect((await schoolAdmin.post(`/api/review/publicity-batches/${ids.batch}/close`).expect(201)).body.confirmedNow).toBe(1);
    expect(await status(ids.A)).toBe('CONFIRMED');
  });

  it('never changes a confirmed record in place (409 for every workflow action and edit)', async () => {
    const id = ids.B;
    for (const action of ['verify', 'select']) expect((await teacher.post(`/api/review/records/${id}/${action}`).send({}).expect(409)).body.code).toBe('INVALID_TRANSITION');
    for (const action of ['return', 'reject']) expect((await teacher.post(`/api/review/records/${id}/${action}`).send({ remark: 'x' }).expect(409)).body.code).toBe('INVALID_TRANSITION');
    expect((await s1.post(`/api/review/records/${id}/submit`).expect(409)).body.code).toBe('INVALID_TRANSITION');
    expect((await s1.patch(`/api/review/records/${id}`).send({ hours: 40 }).expect(409)).body.code).toBe('NOT_EDITABLE');
    expect((await s1.post(`/api/review/records/${id}/evidence`).attach('file', Buffer.from('%PDF-1.7 late'), 'x.pdf').expect(409)).body.code).toBe('NOT_EDITABLE');
    expect(await status(id)).toBe('CONFIRMED');
  });

  it('an appeal against a confirmed record: filed in time, dismissed by the school, escalated, upheld by the district as a new version; the hook fires', async () => {
    clock.pin(at('2025-01-06T10:00:00'));
    // fileBy: 5 working days after the confirmation on Saturday 2025-01-04 → end of Friday 2025-01-10
    const filed = await s1.post('/api/review/appeals').send({ activityRecordId: ids.B, reason: '实际服务时长为6小时，有签到表为证', requestedChanges: { hours: 6 } }).expect(201);
    expect(filed.body).toMatchObject({ subject: 'confirmed_record', status: 'filed', fileBy: '2025-01-10T16:00:00.000Z' });
    const appealId = filed.body.id;
    expect((await guardian1.post('/api/review/appeals').send({ activityRecordId: ids.B, reason: '同上' }).expect(409)).body.code).toBe('APPEAL_ALREADY_OPEN');
    await s2.post('/api/review/appeals').send({ activityRecordId: ids.B, reason: '不是我的记录' }).expect(404);
    await teacher.post(`/api/review/appeals/${appealId}/decision`).send({ outcome: 'dismissed', remark: 'x' }).expect(403);

    const dismissed = await schoolAdmin.post(`/api/review/appeals/${appealId}/decision`).send({ outcome: 'dismissed', remark: '签到表无法证明时长' }).expect(201);
    expect(dismissed.body).toMatchObject({ status: 'dismissed', escalateBy: '2025-01-13T16:00:00.000Z' }); // 5 working days after Monday 01-06
    expect((await district.post(`/api/review/appeals/${appealId}/bureau-decision`).send({ outcome: 'upheld', remark: 'x', amendment: { hours: 6 } }).expect(409)).body.code).toBe('APPEAL_ALREADY_DECIDED');
    await s1.post(`/api/review/appeals/${appealId}/escalate`).send({ reason: '请教育局复议' }).expect(201);

    const upheld = await district.post(`/api/review/appeals/${appealId}/bureau-decision`).send({ outcome: 'upheld', remark: '签到表与活动方证明一致，时长更正为6小时', amendment: { hours: 6 } }).expect(201);
    expect(upheld.body).toMatchObject({ status: 'bureau_upheld', bureauRemark: '签到表与活动方证明一致，时长更正为6小时' });
    const record = (await s1.get(`/api/review/records/${ids.B}`).expect(200)).body;
    expect(record).toMatchObject({ status: 'AMENDED', hours: 6, version: 2 });
    const [kept] = await t.db.dataSource.query(`SELECT snapshot FROM record_versions WHERE record_id = $1 AND version = 1`, [ids.B]);
    expect(kept.snapshot).toMatchObject({ hours: 4, status: 'CONFIRMED' });
    const last = (await s1.get(`/api/review/records/${ids.B}/transitions`).expect(200)).body.items.at(-1);
    expect(last).toMatchObject({ action: 'amend', fromStatus: 'CONFIRMED', toStatus: 'AMENDED', actorRole: 'district_officer', remark: '签到表与活动方证明一致，时长更正为6小时' });

    expect(events).toEqual([expect.objectContaining({ recordId: ids.B, studentId: world.students.s1, change: 'amended', cause: 'appeal', appealId, version: 2 })]);
    const service = t.app.get(ConfirmedRecordsService);
    const confirmed = await service.confirmedRecordsForStudent(world.students.s1);
    expect(confirmed.map((r) => [r.id, r.status, r.version, r.hours])).toEqual(expect.arrayContaining([[ids.B, 'AMENDED', 2, 6], [ids.A, 'CONFIRMED', 1, 4]]));
    expect(confirmed.map((r) => r.id)).not.toContain(ids.C); // revoked during publicity
    expect(await service.changesSince(at('2025-01-01T00:00:00'))).toEqual([expect.objectContaining({ recordId: ids.B, change: 'amended', appealId, version: 2 })]);
  });

  it('refuses appeals and escalations after their deadlines (409), and appeals of records that are not appealable', async () => {
    clock.pin(at('2025-01-11T00:00:01')); // the day after fileBy of the confirmation on 01-04
    const late = await s1.post('/api/review/appeals').send({ activityRecordId: ids.A, reason: '补充申诉' }).expect(409);
    expect(late.body).toMatchObject({ code: 'APPEAL_WINDOW_CLOSED', details: { fileBy: expect.any(String) } });
    expect((await s1.post('/api/review/appeals').send({ activityRecordId: ids.C, reason: '撤销不公' }).expect(409)).body.code).toBe('NOT_APPEALABLE');
  });

  it('an appeal upheld against a rejection sends the record back to review; a dismissed one cannot be escalated late', async () => {
    clock.pin(at('2025-01-13T09:00:00'));
    const reject = async (title: string) => {
      const id = (await s2.post('/api/review/records').send({ termId: world.term1, dimension: 'labour', recordType: '劳动实践', title, startDate: '2025-01-10', hours: 2 }).expect(201)).body.id;
      await s2.post(`/api/review/records/${id}/submit`).expect(201);
      await teacher.post(`/api/review/records/${id}/reject`).send({ remark: '缺少佐证' }).expect(201);
      return id;
    };
    const first = await reject('家务劳动周');
    const second = await reject('社区垃圾分类');
    const appeal = (await s2.post('/api/review/appeals').send({ activityRecordId: first, reason: '已补交家长确认单' }).expect(201)).body;
    expect(appeal).toMatchObject({ subject: 'rejection', fileBy: '2025-01-20T16:00:00.000Z' });
    await schoolAdmin.post(`/api/review/appeals/${appeal.id}/decision`).send({ outcome: 'upheld', remark: '重新审核' }).expect(201);
    expect(await status(first)).toBe('SUBMITTED');
    await teacher.post(`/api/review/records/${first}/verify`).send({}).expect(201);

    const other = (await s2.post('/api/review/appeals').send({ activityRecordId: second, reason: '有照片为证' }).expect(201)).body;
    const dismissed = (await schoolAdmin.post(`/api/review/appeals/${other.id}/decision`).send({ outcome: 'dismissed', remark: '照片无法证明' }).expect(201)).body;
    clock.pin(new Date(new Date(dismissed.escalateBy).getTime() + 1000));
    expect((await s2.post(`/api/review/appeals/${other.id}/escalate`).send({ reason: '请复议' }).expect(409)).body.code).toBe('ESCALATION_WINDOW_CLOSED');
    expect(await status(second)).toBe('REJECTED');
  });

  it('an integrity case revokes a confirmed record with its reason and fires the hook', async () => {
    const before = events.length;
    await teacher.post(`/api/review/records/${ids.D}/revoke`).send({ remark: 'x' }).expect(403);
    expect((await schoolAdmin.post(`/api/review/records/${ids.D}/amend`).send({ remark: '无变更' }).expect(400)).body.code).toBe('INVALID_AMENDMENT');
    const revoked = await schoolAdmin.post(`/api/review/records/${ids.D}/revoke`).send({ remark: '诚信核查：证明材料系伪造' }).expect(201);
    expect(revoked.body.status).toBe('REVOKED');
    expect(events.slice(before)).toEqual([expect.objectContaining({ recordId: ids.D, change: 'revoked', cause: 'integrity_case', appealId: null, reason: '诚信核查：证明材料系伪造' })]);
    expect((await schoolAdmin.post(`/api/review/records/${ids.D}/revoke`).send({ remark: '再次' }).expect(409)).body.code).toBe('INVALID_TRANSITION');
  });
});
