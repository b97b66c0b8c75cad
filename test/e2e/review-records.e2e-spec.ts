import { type AuthedClient, signedInAs } from '../helpers/auth';
import { createRecordWorld, type RecordWorld } from '../helpers/record-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const PNG = (text: string) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(text)]);

/** 写实记录 entered by people and moved through review over HTTP (issue 7, point 3: records, state machine, history). */
describe('review workflow over HTTP: create, edit, evidence, submit, verify/return/reject, select, history', () => {
  let t: TestApp;
  let world: RecordWorld;
  let student: AuthedClient; // s1
  let student2: AuthedClient; // s2
  let teacher: AuthedClient; // class A
  let schoolAdmin: AuthedClient;
  let otherSchoolAdmin: AuthedClient;

  beforeAll(async () => {
    t = await startTestApp();
    world = await createRecordWorld(t.db.dataSource);
    const db = t.db.dataSource;
    student = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s1 }]);
    student2 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s2 }]);
    teacher = await signedInAs(t.app, db, [{ role: 'teacher', classId: world.classA }]);
    schoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: world.schoolA }]);
    otherSchoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: world.schoolB }]);
  });
  afterAll(() => t.close());

  let titleCounter = 0;
  const draft = (overrides: Record<string, unknown> = {}) => ({
    termId: world.term1,
    dimension: 'moral',
    recordType: '志愿服务',
    title: `社区志愿服务${++titleCounter}`,
    level: 'school',
    role: 'participant',
    startDate: '2024-10-12',
    hours: 3,
    ...overrides,
  });
  const status = async (id: string) => ((await t.db.dataSource.query('SELECT status FROM activity_records WHERE id = $1', [id])) as { status: string }[])[0].status;

  it('a student creates, edits, attaches evidence to and submits their own record; a teacher verifies; the history shows every step', async () => {
    const created = await student.post('/api/review/records').send(draft({ title: '敬老院志愿服务' })).expect(201);
    expect(created.body).toMatchObject({ status: 'DRAFT', source: 'student', enteredOnBehalf: false, needsStudentConfirmation: false, studentId: world.students.s1, version: 1, nextActions: ['submit'] });
    const id = created.body.id;

    const edited = await student.patch(`/api/review/records/${id}`).send({ hours: 4, location: '海勃湾区敬老院', startTime: '08:30', endTime: '12:30' }).expect(200);
    expect(edited.body).toMatchObject({ hours: 4, location: '海勃湾区敬老院', startTime: '08:30', endTime: '12:30', version: 2 });
    const [version] = await t.db.dataSource.query(`SELECT version, snapshot FROM record_versions WHERE record_id = $1`, [id]);
    expect(version).toMatchObject({ version: 1, snapshot: expect.objectContaining({ hours: 3, location: null, status: 'DRAFT' }) });

    const evidence = await student.post(`/api/review/records/${id}/evidence`).attach('file', PNG('certificate s1'), '证明.png').expect(201);
    expect(evidence.body).toMatchObject({ mediaType: 'image/png', originalName: '证明.png' });

    await student.post(`/api/review/records/${id}/submit`).expect(201).expect((r) => expect(r.body.status).toBe('SUBMITTED'));
    const verified = await teacher.post(`/api/review/records/${id}/verify`).send({ remark: '属实' }).expect(201);
    expect(verified.body).toMatchObject({ status: 'VERIFIED', nextActions: ['select'] });

    const history = await student.get(`/api/review/records/${id}/transitions`).expect(200);
    expect(history.body.items.map((s: { action: string; fromStatus: string | null; toStatus: string | null; actorRole: string }) => [s.action, s.fromStatus, s.toStatus, s.actorRole])).toEqual([
      ['create', null, 'DRAFT', 'student'],
      ['edit', null, null, 'student'],
      ['evidence', null, null, 'student'],
      ['submit', 'DRAFT', 'SUBMITTED', 'student'],
      ['verify', 'SUBMITTED', 'VERIFIED', 'teacher'],
    ]);
    expect(history.body.items[4]).toMatchObject({ actorUserId: teacher.user.id, remark: '属实', actionZh: '审核通过', at: expect.stringMatching(/^\d{4}-/) });
    expect(history.body.items[1].context).toEqual({ version: 2, changed: ['startTime', 'endTime', 'hours', 'location'] });
  });

  it('return needs a remark, sends the record back for editing and resubmission; reject keeps its reason and ends review', async () => {
    const id = (await student.post('/api/review/records').send(draft()).expect(201)).body.id;
    await student.post(`/api/review/records/${id}/submit`).expect(201);

    const noRemark = await teacher.post(`/api/review/records/${id}/return`).send({}).expect(400);
    expect(noRemark.body).toMatchObject({ code: 'REMARK_REQUIRED', messageZh: expect.any(String) });
    expect(await status(id)).toBe('SUBMITTED');

    const returned = await teacher.post(`/api/review/records/${id}/return`).send({ remark: '请补充活动证明' }).expect(201);
    expect(returned.body).toMatchObject({ status: 'RETURNED', reviewRemark: '请补充活动证明' });
    await student.patch(`/api/review/records/${id}`).send({ organiser: '街道办' }).expect(200);
    await student.post(`/api/review/records/${id}/submit`).expect(201);

    const rejected = await schoolAdmin.post(`/api/review/records/${id}/reject`).send({ remark: '活动无法核实' }).expect(201);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', reviewRemark: '活动无法核实', nextActions: ['reinstate'] });

    const again = await teacher.post(`/api/review/records/${id}/verify`).send({}).expect(409);
    expect(again.body).toMatchObject({ code: 'INVALID_TRANSITION', message: expect.stringContaining('REJECTED'), messageZh: expect.stringMatching(/[\u4e00-\u9fff]/), requestId: expect.any(String) });
    expect(await status(id)).toBe('REJECTED');
    const steps = (await teacher.get(`/api/review/records/${id}/transitions`).expect(200)).body.items.map((s: { action: string }) => s.action);
    expect(steps).toEqual(['create', 'submit', 'return', 'edit', 'submit', 'reject']);
  });

  it('refuses edits after submission (409) and review by someone without records.review (403); other students’ and schools’ records are not found', async () => {
    const id = (await student.post('/api/review/records').send(draft()).expect(201)).body.id;
    await student.post(`/api/review/records/${id}/submit`).expect(201);
    expect((await student.patch(`/api/review/records/${id}`).send({ hours: 9 }).expect(409)).body.code).toBe('NOT_EDITABLE');
    expect((await student.post(`/api/review/records/${id}/evidence`).attach('file', PNG('late'), 'late.png').expect(409)).body.code).toBe('NOT_EDITABLE');
    expect((await student.post(`/api/review/records/${id}/submit`).expect(409)).body.code).toBe('INVALID_TRANSITION');
    expect((await student.post(`/api/review/records/${id}/verify`).send({}).expect(403)).body.code).toBe('FORBIDDEN');
    await student2.get(`/api/review/records/${id}`).expect(404);
    await student2.patch(`/api/review/records/${id}`).send({ hours: 1 }).expect(404);
    await otherSchoolAdmin.post(`/api/review/records/${id}/verify`).send({}).expect(404);
    expect(await status(id)).toBe('SUBMITTED');
  });

  it('validates content: dates inside the term, end after start, times only on one-day activities, no duplicate title+date', async () => {
    expect((await student.post('/api/review/records').send(draft({ startDate: '2025-03-01' })).expect(400)).body.code).toBe('OUTSIDE_TERM');
    expect((await student.post('/api/review/records').send(draft({ endDate: '2024-10-01' })).expect(400)).body).toMatchObject({ code: 'INVALID_RECORD', details: { field: 'endDate' } });
    expect((await student.post('/api/review/records').send(draft({ endDate: '2024-10-13', startTime: '08:00', endTime: '09:00' })).expect(400)).body.code).toBe('INVALID_RECORD');
    expect((await student.post('/api/review/records').send(draft({ startTime: '08:00' })).expect(400)).body.code).toBe('INVALID_RECORD');
    expect((await student.post('/api/review/records').send(draft({ title: 'x'.repeat(31) })).expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await student.post('/api/review/records').send(draft({ termId: world.term2 })).expect(400)).body.code).toBe('NOT_ENROLLED');
    await student.post('/api/review/records').send(draft({ title: '同名活动' })).expect(201);
    expect((await student.post('/api/review/records').send(draft({ title: '同名活动' })).expect(409)).body.code).toBe('DUPLICATE_RECORD');
    expect((await student.post('/api/review/records').send(draft({ studentId: world.students.s2 })).expect(404)).body.code).toBe('NOT_FOUND');
    expect((await schoolAdmin.post('/api/review/records').send(draft({ studentId: world.students.s2 })).expect(403)).body.code).toBe('NO_RECORD_PERMISSION');
  });

  it('a teacher-on-behalf record is flagged and cannot be verified or selected until the student confirms it', async () => {
    const created = await teacher.post('/api/review/records').send(draft({ studentId: world.students.s2, title: '班级劳动周' })).expect(201);
    expect(created.body).toMatchObject({ source: 'teacher_on_behalf', enteredOnBehalf: true, needsStudentConfirmation: true, studentId: world.students.s2 });
    const id = created.body.id;
    await teacher.post(`/api/review/records/${id}/submit`).expect(201);

    const refused = await schoolAdmin.post(`/api/review/records/${id}/verify`).send({}).expect(409);
    expect(refused.body).toMatchObject({ code: 'STUDENT_CONFIRMATION_REQUIRED', messageZh: '该记录由教师代录，须经学生本人确认后才能审核或遴选' });
    expect(await status(id)).toBe('SUBMITTED');

    // only the student concerned confirms; not another student, not the teacher
    await student.post(`/api/review/records/${id}/confirm`).expect(404);
    await teacher.post(`/api/review/records/${id}/confirm`).expect(403);
    const confirmed = await student2.post(`/api/review/records/${id}/confirm`).expect(201);
    expect(confirmed.body).toMatchObject({ needsStudentConfirmation: false, studentConfirmedAt: expect.any(String) });
    expect((await student2.post(`/api/review/records/${id}/confirm`).expect(409)).body.code).toBe('CONFIRMATION_NOT_NEEDED');

    await schoolAdmin.post(`/api/review/records/${id}/verify`).send({}).expect(201);
    await teacher.post(`/api/review/records/${id}/select`).send({}).expect(201);
    const steps = (await student2.get(`/api/review/records/${id}/transitions`).expect(200)).body.items.map((s: { action: string; actorRole: string }) => `${s.action}:${s.actorRole}`);
    expect(steps).toEqual(['create:teacher', 'submit:teacher', 'student_confirm:student', 'verify:school_admin', 'select:teacher']);
  });

  it('a teacher’s edit of an on-behalf draft asks the student to confirm again; a teacher cannot edit a student’s own record', async () => {
    const id = (await teacher.post('/api/review/records').send(draft({ studentId: world.students.s2 })).expect(201)).body.id;
    await student2.post(`/api/review/records/${id}/confirm`).expect(201);
    const edited = await teacher.patch(`/api/review/records/${id}`).send({ hours: 5 }).expect(200);
    expect(edited.body.needsStudentConfirmation).toBe(true);

    const own = (await student.post('/api/review/records').send(draft()).expect(201)).body.id;
    expect((await teacher.patch(`/api/review/records/${own}`).send({ hours: 1 }).expect(403)).body.code).toBe('NOT_AUTHOR');
  });

  it('selects within the configured per-dimension cap (409 beyond it)', async () => {
    await t.admin.put('/api/review/settings').send({ selectionCaps: { labour: 1 } }).expect(200);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const id = (await student.post('/api/review/records').send(draft({ dimension: 'labour', recordType: '劳动实践' })).expect(201)).body.id;
      await student.post(`/api/review/records/${id}/submit`).expect(201);
      await teacher.post(`/api/review/records/${id}/verify`).send({}).expect(201);
      ids.push(id);
    }
    await teacher.post(`/api/review/records/${ids[0]}/select`).send({}).expect(201);
    const refused = await teacher.post(`/api/review/records/${ids[1]}/select`).send({}).expect(409);
    expect(refused.body).toMatchObject({ code: 'SELECTION_CAP_REACHED', details: { cap: 1, selected: 1, dimension: 'labour' } });
    expect(await status(ids[1])).toBe('VERIFIED');

    // two selections at once for the same student, term and dimension: exactly one fits under the cap
    await t.admin.put('/api/review/settings').send({ selectionCaps: { aesthetic: 1 } }).expect(200);
    const racing: string[] = [];
    for (let i = 0; i < 2; i++) {
      const id = (await student.post('/api/review/records').send(draft({ dimension: 'aesthetic', recordType: '艺术实践' })).expect(201)).body.id;
      await student.post(`/api/review/records/${id}/submit`).expect(201);
      await teacher.post(`/api/review/records/${id}/verify`).send({}).expect(201);
      racing.push(id);
    }
    const results = await Promise.all(racing.map((id) => teacher.post(`/api/review/records/${id}/select`).send({})));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    await t.admin.put('/api/review/settings').send({ selectionCaps: { labour: 10, aesthetic: 10 } }).expect(200);
  });

  it('lists the review queue by status within scope', async () => {
    const queue = await teacher.get(`/api/review/records?status=SUBMITTED&termId=${world.term1}`).expect(200);
    expect(queue.body.items.length).toBeGreaterThan(0);
    expect(queue.body.items.every((r: { status: string; schoolId: string }) => r.status === 'SUBMITTED' && r.schoolId === world.schoolA)).toBe(true);
    expect((await otherSchoolAdmin.get('/api/review/records?status=SUBMITTED').expect(200)).body.total).toBe(0);
  });
});
