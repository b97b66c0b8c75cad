import { type AuthedClient, signedInAs } from '../helpers/auth';
import { createRecordWorld, FIXTURE_STUDENTS, type RecordWorld } from '../helpers/record-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const PURPOSE = encodeURIComponent('2025年提前批录取审核');

/**
 * Admissions over HTTP (ADR 0820): batches and their periods, applications through the import
 * pipeline, and the officer's scope — their own school's applicants, sealed portfolios only,
 * only while the period is open, every read audited with its purpose.
 */
describe('admissions: batches, applications import, the officer’s scope, the applicants list', () => {
  let t: TestApp;
  let world: RecordWorld;
  let registrar: AuthedClient; // school A (the students' junior school)
  let officerH: AuthedClient; // high school H
  let officerK: AuthedClient; // high school K
  let schoolAdmin: AuthedClient;
  const ids: Record<string, string> = {};

  const upload = (client: AuthedClient, csv: string, dryRun = false) => client.post(`/api/imports/applications${dryRun ? '?dryRun=true' : ''}`).attach('file', Buffer.from(`\uFEFF${csv}`, 'utf8'), '报考申请.csv');
  const header = '学籍号,姓名,报考学校标识码,录取批次,申请日期';

  /** Takes a student's portfolio through every step to sealed (the school's staff in scope). */
  async function seal(studentId: string): Promise<string> {
    const student = await signedInAs(t.app, t.db.dataSource, [{ role: 'student', studentId }]);
    const teacher = await signedInAs(t.app, t.db.dataSource, [{ role: 'teacher', classId: world.classA }]);
    const id = (await schoolAdmin.post('/api/portfolios').send({ studentId }).expect(201)).body.id as string;
    await student.post(`/api/portfolios/${id}/confirm`).expect(200);
    await teacher.post(`/api/portfolios/${id}/comment`).send({ comment: '品学兼优' }).expect(200);
    await schoolAdmin.post(`/api/portfolios/${id}/sign-off`).expect(200);
    await schoolAdmin.post(`/api/portfolios/${id}/seal`).expect(200);
    return id;
  }

  beforeAll(async () => {
    t = await startTestApp();
    world = await createRecordWorld(t.db.dataSource);
    const [{ region_id: region }] = await t.db.dataSource.query('SELECT region_id FROM schools WHERE id = $1', [world.schoolA]);
    ids.H = (await t.admin.post('/api/schools').send({ code: '3115030401', name: '乌海市第一高级中学', stage: 'senior', regionId: region }).expect(201)).body.id;
    ids.K = (await t.admin.post('/api/schools').send({ code: '3115030402', name: '乌海市第二高级中学', stage: 'senior', regionId: region }).expect(201)).body.id;
    registrar = await signedInAs(t.app, t.db.dataSource, [{ role: 'registrar', schoolId: world.schoolA }]);
    schoolAdmin = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId: world.schoolA }]);
    officerH = await signedInAs(t.app, t.db.dataSource, [{ role: 'admissions_officer', schoolId: ids.H }]);
    officerK = await signedInAs(t.app, t.db.dataSource, [{ role: 'admissions_officer', schoolId: ids.K }]);
  }, 120_000);
  afterAll(() => t.close());

  it('lets the city set up batches with periods; refuses a period that closes before it opens and a duplicate code', async () => {
    const open = await t.admin.post('/api/admissions/batches').send({ code: '2025-提前批', name: '2025年提前批', opensOn: day(-3), closesOn: day(3) }).expect(201);
    expect(open.body).toMatchObject({ code: '2025-提前批', opensOn: day(-3), closesOn: day(3), open: true });
    ids.open = open.body.id;
    ids.over = (await t.admin.post('/api/admissions/batches').send({ code: '2024-统招', name: '2024年统招批', opensOn: day(-30), closesOn: day(-1) }).expect(201)).body.id;
    const backwards = await t.admin.post('/api/admissions/batches').send({ code: 'x', name: 'x', opensOn: day(2), closesOn: day(1) }).expect(400);
    expect(backwards.body).toMatchObject({ code: 'INVALID_PERIOD', messageZh: expect.any(String) });
    expect((await t.admin.post('/api/admissions/batches').send({ code: '2025-提前批', name: 'again', opensOn: day(0), closesOn: day(1) }).expect(409)).body.code).toBe('DUPLICATE_BATCH_CODE');
    await registrar.post('/api/admissions/batches').send({ code: 'y', name: 'y', opensOn: day(0), closesOn: day(1) }).expect(403);
    const batches = (await officerH.get('/api/admissions/batches').expect(200)).body.items;
    expect(batches.map((b: { code: string; open: boolean }) => [b.code, b.open])).toEqual([
      ['2025-提前批', true],
      ['2024-统招', false],
    ]);
  });

  it('offers an applications template with Chinese headers', async () => {
    const template = await registrar.get('/api/imports/applications/template?format=csv').expect(200);
    expect(template.text.startsWith('\uFEFF学籍号,姓名,报考学校标识码,录取批次,申请日期')).toBe(true);
  });

  it('imports applications: dry run, commit, idempotent re-import; bad rows reported, nothing written', async () => {
    const good = [
      header,
      `${FIXTURE_STUDENTS.s1},张伟,3115030401,2025-提前批,2025-06-20`,
      `${FIXTURE_STUDENTS.s2},,3115030402,2025-提前批,2025/6/21`,
      `${FIXTURE_STUDENTS.s3},李娜,3115030401,2024-统招,2024年6月20日`,
      `${FIXTURE_STUDENTS.s3},李娜,3115030402,2025-提前批,2025-06-22`,
    ].join('\n');
    const dry = await upload(registrar, good, true).expect(200);
    expect(dry.body).toMatchObject({ kind: 'applications', valid: true, dryRun: true, committed: false, rowCount: 4 });
    expect(await t.db.dataSource.query('SELECT count(*)::int AS n FROM admissions_applications')).toEqual([{ n: 0 }]);
    expect((await upload(registrar, good).expect(201)).body.summary).toEqual({ applicationsCreated: 4, applicationsUpdated: 0 });
    expect((await upload(registrar, good).expect(201)).body.summary).toEqual({ applicationsCreated: 0, applicationsUpdated: 0 });

    const bad = [
      header,
      `${FIXTURE_STUDENTS.outside},赵六,3115030401,2025-提前批,2025-06-20`, // another school's student: unknown to this registrar
      `${FIXTURE_STUDENTS.s1},张三,3115030401,2025-提前批,2025-06-20`, // name differs from the roster
      `${FIXTURE_STUDENTS.s2},王芳,9999999999,2025-提前批,2025-06-20`,
      `${FIXTURE_STUDENTS.s2},王芳,3115030401,2026-补录,2025-06-20`,
      `${FIXTURE_STUDENTS.s2},王芳,3115030401,2025-提前批,六月`,
    ].join('\n');
    const refused = await upload(registrar, bad).expect(422);
    expect(refused.body.details.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [2, 'UNKNOWN_STUDENT'],
      [3, 'STUDENT_NAME_MISMATCH'],
      [4, 'UNKNOWN_SCHOOL'],
      [5, 'UNKNOWN_BATCH'],
      [6, 'BAD_DATE'],
    ]);
    expect(await t.db.dataSource.query('SELECT count(*)::int AS n FROM admissions_applications')).toEqual([{ n: 4 }]);
    await officerH.post('/api/imports/applications').attach('file', Buffer.from(good, 'utf8'), 'a.csv').expect(403);
  });

  it('shows an officer the sealed portfolio of their own applicant only — another school’s applicant is 404', async () => {
    ids.s1 = await seal(world.students.s1); // applied to H
    ids.s2 = await seal(world.students.s2); // applied to K
    const read = (client: AuthedClient, id: string) => client.get(`/api/portfolios/${id}?purpose=${PURPOSE}`);
    const mine = await read(officerH, ids.s1).expect(200);
    expect(mine.body).toMatchObject({ status: 'sealed', studentId: world.students.s1 });
    await read(officerH, ids.s2).expect(404);
    await read(officerK, ids.s2).expect(200);
    await read(officerK, ids.s1).expect(404);
    expect((await officerH.get(`/api/portfolios/${ids.s1}/verify?purpose=${PURPOSE}`).expect(200)).body.valid).toBe(true);
    // Raw records, drafts and the roster stay closed to officers: the portfolio is what they read.
    await officerH.get(`/api/students/${world.students.s1}`).expect(404);
    expect((await officerH.get(`/api/activity-records?studentId=${world.students.s1}`).expect(200)).body.items).toEqual([]);
  });

  it('never shows an officer an unsealed portfolio, nor an applicant of a batch whose period is over', async () => {
    // s3 applied to H in the closed batch and to K in the open one; its portfolio is only compiled.
    const compiled = (await schoolAdmin.post('/api/portfolios').send({ studentId: world.students.s3 }).expect(201)).body.id;
    await officerK.get(`/api/portfolios/${compiled}?purpose=${PURPOSE}`).expect(404);
    await officerH.get(`/api/portfolios/${compiled}?purpose=${PURPOSE}`).expect(404);
    const listedH = (await officerH.get(`/api/admissions/applicants?purpose=${PURPOSE}`).expect(200)).body;
    expect(listedH.items.map((a: { student: { id: string } }) => a.student.id)).toEqual([world.students.s1]);
  });

  it('ends the officer’s access when the period ends (and restores it when the city extends it)', async () => {
    await t.admin.patch(`/api/admissions/batches/${ids.open}`).send({ closesOn: day(-1), opensOn: day(-3) }).expect(200);
    await officerH.get(`/api/portfolios/${ids.s1}?purpose=${PURPOSE}`).expect(404);
    await officerH.get(`/api/portfolios/${ids.s1}/print?purpose=${PURPOSE}`).expect(404);
    expect((await officerH.get(`/api/admissions/applicants?purpose=${PURPOSE}`).expect(200)).body).toMatchObject({ items: [], total: 0 });
    expect((await officerH.get(`/api/portfolios?purpose=${PURPOSE}`).expect(200)).body.items).toEqual([]);
    await t.admin.patch(`/api/admissions/batches/${ids.open}`).send({ opensOn: day(-1), closesOn: day(-2) }).expect(400);
    await t.admin.patch(`/api/admissions/batches/${ids.open}`).send({ closesOn: day(3) }).expect(200);
    await officerH.get(`/api/portfolios/${ids.s1}?purpose=${PURPOSE}`).expect(200);
  });

  it('requires a purpose for every admissions read and stores it in the audit trail', async () => {
    const refused = await officerH.get(`/api/portfolios/${ids.s1}`).expect(400);
    expect(refused.body).toMatchObject({ code: 'PURPOSE_REQUIRED', messageZh: expect.any(String) });
    expect(refused.body.document).toBeUndefined();
    await officerH.get('/api/admissions/applicants').expect(400);
    await officerH.get(`/api/portfolios/${ids.s1}`).set('X-Access-Purpose', encodeURIComponent('录取资格复核')).expect(200);
    await officerH.get(`/api/admissions/applicants?purpose=${PURPOSE}`).expect(200);
    const events = await t.db.dataSource.query(
      `SELECT action, outcome, purpose, target_id FROM audit_events WHERE actor_user_id = $1 AND action IN ('read.portfolio', 'read.applicant') ORDER BY id`,
      [officerH.user.id],
    );
    expect(events.filter((e: { outcome: string }) => e.outcome === '400')).toEqual([
      { action: 'read.portfolio', outcome: '400', purpose: null, target_id: ids.s1 },
      { action: 'read.applicant', outcome: '400', purpose: null, target_id: null },
    ]);
    expect(events.slice(-3)).toEqual([
      { action: 'read.portfolio', outcome: 'success', purpose: '录取资格复核', target_id: ids.s1 },
      // one event per applicant shown (s1 is H's only applicant in an open batch), then the list read itself
      { action: 'read.applicant', outcome: 'success', purpose: '2025年提前批录取审核', target_id: world.students.s1 },
      { action: 'read.applicant', outcome: 'success', purpose: '2025年提前批录取审核', target_id: null },
    ]);
    // School staff are not audited readers: no purpose asked.
    await schoolAdmin.get(`/api/portfolios/${ids.s1}`).expect(200);
  });

  it('filters and sorts the applicants by dimension levels, one page at a time', async () => {
    // Levels come from the evaluation module's graduation results once it is on main; here three
    // further sealed portfolios of H's applicants carry levels as fixture rows.
    const db = t.db.dataSource;
    const levelsOf: Record<string, Record<string, string>> = {
      [world.students.s1]: {},
      [world.students.s2]: { moral: 'A', academic: 'A', physical: 'B', aesthetic: 'B', labour: 'C' }, // 4 at B or better
      [world.students.s3]: { moral: 'B', academic: 'C', physical: 'C', aesthetic: 'B', labour: 'B' }, // 3
      [world.students.template]: { moral: 'A', academic: 'B', physical: 'A', aesthetic: 'A', labour: 'A' }, // 5
    };
    for (const studentId of [world.students.s2, world.students.s3, world.students.template]) {
      await db.query(`INSERT INTO admissions_applications (student_id, school_id, batch_id, applied_on) VALUES ($1, $2, $3, '2025-06-25') ON CONFLICT DO NOTHING`, [studentId, ids.H, ids.open]);
      await db.query(
        `INSERT INTO portfolios (student_id, school_id, version, status, content, dimension_levels, compiled_at, sealed_at, snapshot, content_sha256)
         VALUES ($1, $2, 100, 'sealed', '{}'::jsonb, $3::jsonb, now(), now(), '{}', repeat('0', 64))`,
        [studentId, world.schoolA, JSON.stringify(levelsOf[studentId])],
      );
    }
    const list = async (query: string) => (await officerH.get(`/api/admissions/applicants?purpose=${PURPOSE}&${query}`).expect(200)).body;
    const studentsOf = (page: { items: { student: { id: string } }[] }) => page.items.map((item) => item.student.id);
    const atBOrBetter = (levels: Record<string, string>) => Object.values(levels).filter((level) => level <= 'B').length;
    const points = (levels: Record<string, string>) => Object.values(levels).reduce((sum, level) => sum + (4 - 'ABCD'.indexOf(level)), 0);

    const all = await list('pageSize=50');
    expect(all.total).toBe(4);
    for (const item of all.items) expect(item.dimensionsAtBOrBetter).toBe(atBOrBetter(levelsOf[item.student.id]));
    const expectedOrder = Object.keys(levelsOf).sort((a, b) => points(levelsOf[b]) - points(levelsOf[a]) || a.localeCompare(b));
    expect(studentsOf(all)).toEqual(expectedOrder);

    const fourOfFive = await list('minLevel=B&minDimensions=4');
    expect(studentsOf(fourOfFive).sort()).toEqual(Object.keys(levelsOf).filter((id) => atBOrBetter(levelsOf[id]) >= 4).sort());
    const academicA = await list('academic=A');
    expect(studentsOf(academicA)).toEqual([world.students.s2]);
    const byLabourWorstFirst = await list('sort=-labour');
    const worstLabour = Object.keys(levelsOf).filter((id) => levelsOf[id].labour).sort((a, b) => levelsOf[b].labour.localeCompare(levelsOf[a].labour))[0];
    expect(studentsOf(byLabourWorstFirst)[0]).toBe(worstLabour);
    const pageTwo = await list('pageSize=3&page=2');
    expect({ total: pageTwo.total, ids: studentsOf(pageTwo) }).toEqual({ total: 4, ids: expectedOrder.slice(3) });
    for (const item of all.items) expect(item.student.studentNumber).toMatch(/\*{4,}/);
    await officerH.get(`/api/admissions/applicants?purpose=${PURPOSE}&minLevel=E`).expect(400);
    await officerH.get(`/api/admissions/applicants?purpose=${PURPOSE}&sort=rank`).expect(400);
  });
});
