import { type AuthedClient, signedInAs } from '../helpers/auth';
import { createRecordWorld, type RecordWorld } from '../helpers/record-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { Clock } from '../../src/modules/review/clock';

const PNG = (text: string) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(text)]);

/** Integrity checks (issue 7, point 4): each rule flags on submission and on demand; flags go to a queue and never change a record's status. */
describe('review integrity checks over HTTP', () => {
  let t: TestApp;
  let world: RecordWorld;
  let clock: Clock;
  let s1: AuthedClient;
  let s2: AuthedClient;
  let s3: AuthedClient;
  let teacher: AuthedClient;
  let otherSchoolAdmin: AuthedClient;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp();
    world = await createRecordWorld(t.db.dataSource);
    const db = t.db.dataSource;
    clock = t.app.get(Clock);
    clock.pin(new Date('2024-11-20T02:00:00Z'));
    s1 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s1 }]);
    s2 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s2 }]);
    s3 = await signedInAs(t.app, db, [{ role: 'student', studentId: world.students.s3 }]);
    teacher = await signedInAs(t.app, db, [{ role: 'teacher', classId: world.classA }]);
    otherSchoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: world.schoolB }]);
  });
  afterAll(() => t.close());

  const create = async (client: AuthedClient, extra: Record<string, unknown> = {}) =>
    (await client.post('/api/review/records').send({ termId: world.term1, dimension: 'labour', recordType: '劳动实践', title: `劳动记录${++counter}`, startDate: '2024-11-02', hours: 2, ...extra }).expect(201)).body.id as string;
  /** Submits 20 minutes after the previous submission (the clock is pinned), so only the burst test makes bursts. */
  const submit = (client: AuthedClient, id: string) => {
    clock.pin(new Date(clock.now().getTime() + 20 * 60_000));
    return client.post(`/api/review/records/${id}/submit`).expect(201);
  };
  const submitAt = (client: AuthedClient, id: string, instant: string) => {
    clock.pin(new Date(instant));
    return client.post(`/api/review/records/${id}/submit`).expect(201);
  };
  const flagsOf = async (id: string) => (await teacher.get(`/api/review/integrity/flags?activityRecordId=${id}`).expect(200)).body.items as { rule: string; details: Record<string, unknown>; status: string; detectedBy: string }[];
  const status = async (id: string) => ((await t.db.dataSource.query('SELECT status FROM activity_records WHERE id = $1', [id])) as { status: string }[])[0].status;

  it('duplicate evidence: the same file on two students’ records is flagged on both sides once submitted', async () => {
    const photo = PNG('one certificate photo, two students');
    const mine = await create(s1);
    await s1.post(`/api/review/records/${mine}/evidence`).attach('file', photo, 'a.png').expect(201);
    await submit(s1, mine);
    expect(await flagsOf(mine)).toEqual([]);

    const theirs = await create(s2);
    await s2.post(`/api/review/records/${theirs}/evidence`).attach('file', photo, 'b.png').expect(201);
    const submitted = await s2.post(`/api/review/records/${theirs}/submit`).expect(201);
    expect(submitted.body).toMatchObject({ status: 'SUBMITTED', openIntegrityFlags: 1 }); // flagged, not rejected
    expect(await flagsOf(theirs)).toEqual([expect.objectContaining({ rule: 'duplicate_evidence', status: 'open', detectedBy: 'submission', details: expect.objectContaining({ otherStudents: 1 }) })]);

    // the earlier record is caught by an on-demand scan
    const scan = await teacher.post('/api/review/integrity/scan').send({ termId: world.term1 }).expect(201);
    expect(scan.body.newFlags.duplicate_evidence).toBe(1);
    expect((await flagsOf(mine)).map((f) => f.rule)).toEqual(['duplicate_evidence']);
    // running it again adds nothing
    expect((await teacher.post('/api/review/integrity/scan').send({ termId: world.term1 }).expect(201)).body.newFlags).toEqual({ duplicate_evidence: 0, overlapping_times: 0, implausible_hours: 0, submission_burst: 0 });
  });

  it('overlapping times: two one-day activities of one student whose hours of the day overlap', async () => {
    const morning = await create(s3, { startDate: '2024-11-09', startTime: '08:00', endTime: '11:00', hours: 3 });
    await submit(s3, morning);
    const clash = await create(s3, { startDate: '2024-11-09', startTime: '10:30', endTime: '12:00', hours: 1.5 });
    await submit(s3, clash);
    const afternoon = await create(s3, { startDate: '2024-11-09', startTime: '12:00', endTime: '13:00', hours: 1 }); // touches, does not overlap
    await submit(s3, afternoon);
    expect(await flagsOf(clash)).toEqual([expect.objectContaining({ rule: 'overlapping_times', details: expect.objectContaining({ date: '2024-11-09', from: '10:30', to: '12:00', otherRecordId: morning, otherFrom: '08:00', otherTo: '11:00' }) })]);
    expect(await flagsOf(afternoon)).toEqual([]);
  });

  it('implausible hours: more than the configured hours a day, for one record or for one day’s records together', async () => {
    const long = await create(s1, { startDate: '2024-11-16', hours: 15 });
    await submit(s1, long);
    expect(await flagsOf(long)).toEqual([expect.objectContaining({ rule: 'implausible_hours', details: expect.objectContaining({ hours: 15, days: 1, threshold: 12 }) })]);

    const spread = await create(s1, { startDate: '2024-11-04', endDate: '2024-11-08', hours: 30 }); // 6 a day: fine
    await submit(s1, spread);
    expect(await flagsOf(spread)).toEqual([]);

    const a = await create(s1, { startDate: '2024-11-23', hours: 7 });
    await submit(s1, a);
    const b = await create(s1, { startDate: '2024-11-23', hours: 6 });
    await submit(s1, b);
    expect(await flagsOf(b)).toEqual([expect.objectContaining({ rule: 'implausible_hours', details: expect.objectContaining({ date: '2024-11-23', hoursThatDay: 13, records: 2 }) })]);

    // the threshold is configuration
    await t.admin.put('/api/review/settings').send({ maxHoursPerDay: 16 }).expect(200);
    const allowed = await create(s1, { startDate: '2024-11-30', hours: 15 });
    await submit(s1, allowed);
    expect(await flagsOf(allowed)).toEqual([]);
    await t.admin.put('/api/review/settings').send({ maxHoursPerDay: 12 }).expect(200);
  });

  it('bursts: N submissions for one student within M minutes flag the N-th (and later) submission', async () => {
    await t.admin.put('/api/review/settings').send({ burstCount: 3, burstMinutes: 10 }).expect(200);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await create(s2, { startDate: `2024-10-0${i + 1}` }));
    await submitAt(s2, ids[0], '2024-11-21T02:00:00Z');
    await submitAt(s2, ids[1], '2024-11-21T02:04:00Z');
    await submitAt(s2, ids[2], '2024-11-21T02:15:00Z'); // 11 minutes after the first: only two within 10 minutes
    expect(await flagsOf(ids[2])).toEqual([]);
    await submitAt(s2, ids[3], '2024-11-21T02:16:00Z');
    const fifth = await create(s2, { startDate: '2024-10-06' });
    await submitAt(s2, fifth, '2024-11-21T02:17:00Z');
    expect(await flagsOf(fifth)).toEqual([expect.objectContaining({ rule: 'submission_burst', details: expect.objectContaining({ submissions: 3, withinMinutes: 10, threshold: 3 }) })]);
    expect(await status(fifth)).toBe('SUBMITTED');
  });

  it('the queue is scoped, and a flag is resolved once with a remark; the record keeps its status', async () => {
    expect((await otherSchoolAdmin.get('/api/review/integrity/flags').expect(200)).body.total).toBe(0);
    const queue = (await teacher.get('/api/review/integrity/flags?status=open').expect(200)).body;
    expect(queue.total).toBeGreaterThanOrEqual(5);
    expect(new Set(queue.items.map((f: { rule: string }) => f.rule))).toEqual(new Set(['duplicate_evidence', 'overlapping_times', 'implausible_hours', 'submission_burst']));
    const flag = queue.items[0];
    await otherSchoolAdmin.post(`/api/review/integrity/flags/${flag.id}/resolve`).send({ outcome: 'cleared', remark: 'x' }).expect(404);
    const resolved = await teacher.post(`/api/review/integrity/flags/${flag.id}/resolve`).send({ outcome: 'confirmed', remark: '与家长核实，照片为他人所拍' }).expect(201);
    expect(resolved.body).toMatchObject({ status: 'confirmed', resolvedBy: teacher.user.id, resolutionRemark: '与家长核实，照片为他人所拍' });
    expect((await teacher.post(`/api/review/integrity/flags/${flag.id}/resolve`).send({ outcome: 'cleared', remark: '改判' }).expect(409)).body.code).toBe('FLAG_ALREADY_RESOLVED');
    expect(await status(flag.activityRecordId)).toBe('SUBMITTED');
  });
});
