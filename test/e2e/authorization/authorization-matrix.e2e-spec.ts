import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import request from 'supertest';
import { signedInAs } from '../../helpers/auth';
import { studentNumber } from '../../helpers/roster-builders';
import { startTestApp, type TestApp } from '../../helpers/test-app';
import { accessMatrix } from './access.matrix';
import { evaluationMatrix } from './evaluation.matrix';
import { fitnessMatrix } from './fitness.matrix';
import { growthMatrix } from './growth.matrix';
import { importsMatrix } from './imports.matrix';
import { intakeMatrix } from './intake.matrix';
import { jobsMatrix } from './jobs.matrix';
import { portfoliosMatrix } from './portfolios.matrix';
import { type Expected, MATRIX_ROLES, type MatrixModule, type MatrixRole, type MatrixRow, type World } from './matrix';
import { reviewMatrix } from './review.matrix';
import { reportsMatrix } from './reports.matrix';
import { rosterMatrix } from './roster.matrix';
import { valueAddedMatrix } from './value-added.matrix';

/** Every module's rows. A new endpoint adds its rows in a `<module>.matrix.ts` and lists it here. */
// portfolios before review: review's amend/revoke rows change P1's confirmed records, and the portfolio hook then reopens P1's sealed portfolio.
const MODULES: readonly MatrixModule[] = [rosterMatrix, importsMatrix, intakeMatrix, accessMatrix, valueAddedMatrix, fitnessMatrix, growthMatrix, jobsMatrix, portfoliosMatrix, reviewMatrix, reportsMatrix, evaluationMatrix];

async function buildWorld(t: TestApp): Promise<World> {
  const ids: Record<string, string> = {};
  const admin = t.admin;
  ids.city = (await admin.post('/api/regions').send({ code: '150300', name: '乌海市', level: 'city' }).expect(201)).body.id;
  ids.D1 = (await admin.post('/api/regions').send({ code: '150302', name: '海勃湾区', level: 'district', parentId: ids.city }).expect(201)).body.id;
  ids.D2 = (await admin.post('/api/regions').send({ code: '150303', name: '海南区', level: 'district', parentId: ids.city }).expect(201)).body.id;
  ids.S1code = '3115030201';
  ids.S2code = '3115030301';
  ids.S1 = (await admin.post('/api/schools').send({ code: ids.S1code, name: '一中', stage: 'junior', regionId: ids.D1 }).expect(201)).body.id;
  ids.S2 = (await admin.post('/api/schools').send({ code: ids.S2code, name: '二中', stage: 'junior', regionId: ids.D2 }).expect(201)).body.id;
  ids.T = (await admin.post('/api/terms').send({ code: '2024-2025-1', startDate: '2024-09-01', endDate: '2025-01-20' }).expect(201)).body.id;
  ids.C1 = (await admin.post('/api/classes').send({ schoolId: ids.S1, schoolYear: '2024-2025', gradeCode: 'J1', name: '1班' }).expect(201)).body.id;
  ids.C2 = (await admin.post('/api/classes').send({ schoolId: ids.S2, schoolYear: '2024-2025', gradeCode: 'J1', name: '1班' }).expect(201)).body.id;
  const student = (number: string, schoolId: string) => ({ studentNumber: number, name: '学生', sexCode: '1', birthDate: '2012-03-05', ethnicityCode: '01', schoolId });
  ids.P1 = (await admin.post('/api/students').send(student(studentNumber('20120305', '011'), ids.S1)).expect(201)).body.id;
  ids.P2 = (await admin.post('/api/students').send(student(studentNumber('20120305', '013'), ids.S2)).expect(201)).body.id;
  ids.E1 = (await admin.post('/api/enrolments').send({ studentId: ids.P1, classId: ids.C1, termId: ids.T }).expect(201)).body.id;
  ids.E2 = (await admin.post('/api/enrolments').send({ studentId: ids.P2, classId: ids.C2, termId: ids.T }).expect(201)).body.id;

  const db = t.db.dataSource;
  let counter = 0;
  return {
    t,
    ids,
    unique: () => ++counter,
    clients: {
      city_admin: t.admin,
      district_officer: await signedInAs(t.app, db, [{ role: 'district_officer', regionId: ids.D1 }]),
      school_admin: await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: ids.S1 }]),
      registrar: await signedInAs(t.app, db, [{ role: 'registrar', schoolId: ids.S1 }]),
      teacher: await signedInAs(t.app, db, [{ role: 'teacher', classId: ids.C1 }]),
      admissions_officer: await signedInAs(t.app, db, [{ role: 'admissions_officer', schoolId: ids.S1 }]),
      student: await signedInAs(t.app, db, [{ role: 'student', studentId: ids.P1 }]),
      guardian: await signedInAs(t.app, db, [{ role: 'guardian', studentId: ids.P1 }]),
    },
  };
}

function send(world: World, role: MatrixRole, method: string, req: { url: string; body?: Record<string, unknown>; file?: { name: string; content: Buffer } }): request.Test {
  const lower = method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
  const client = world.clients[role];
  let test = client ? client[lower](req.url) : request(world.t.app.getHttpServer())[lower](req.url);
  if (req.file) test = test.attach('file', req.file.content, req.file.name);
  else if (req.body) test = test.send(req.body);
  return test;
}

const statusFor = (expected: Expected, which: 'own' | 'other') => (typeof expected === 'number' ? expected : which === 'own' ? expected[0] : expected[1]);

describe('authorization matrix (role × endpoint × own/other scope)', () => {
  let t: TestApp;
  let world: World;
  const rows: MatrixRow[] = MODULES.flatMap((module) => [...module.rows]);

  beforeAll(async () => {
    t = await startTestApp();
    world = await buildWorld(t);
    for (const module of MODULES) await module.setup?.(world);
  }, 120_000);
  afterAll(() => t.close());

  it('has rows for every route of the app, and every row names a real route and every role', () => {
    const document = SwaggerModule.createDocument(t.app, new DocumentBuilder().build());
    const routes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const covered = new Set(rows.map((row) => row.route));
    expect(routes.filter((route) => !covered.has(route))).toEqual([]);
    expect([...covered].filter((route) => !routes.includes(route))).toEqual([]);
    for (const row of rows) expect(Object.keys(row.expected).sort()).toEqual([...MATRIX_ROLES].sort());
  });

  const cases = rows.flatMap((row) =>
    MATRIX_ROLES.flatMap((role) => [
      { row, role, which: 'own' as const },
      ...(row.other ? [{ row, role, which: 'other' as const }] : []),
    ]),
  );

  it.each(cases.map((c) => [`${c.row.route} as ${c.role} (${c.which})`, c] as const))('%s', async (_name, { row, role, which }) => {
    const [method] = row.route.split(' ');
    const req = (which === 'own' ? row.own : row.other!)(world);
    const expected = statusFor(row.expected[role], which);
    const response = await send(world, role, method, req);
    if (response.status !== expected) {
      throw new Error(`${row.route} as ${role} (${which}): expected ${expected}, got ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    }
    if (expected >= 400) expect(response.body).toMatchObject({ code: expect.any(String), message: expect.any(String), messageZh: expect.any(String) });
  });

  it('a list never returns what a by-id read would refuse', async () => {
    for (const role of ['district_officer', 'school_admin', 'teacher', 'student', 'guardian', 'admissions_officer'] as const) {
      const listed = await world.clients[role]!.get('/api/students?pageSize=200').expect(200);
      const ids = listed.body.items.map((s: { id: string }) => s.id);
      expect(ids).not.toContain(world.ids.P2);
      if (role !== 'admissions_officer') expect(ids).toContain(world.ids.P1);
      else expect(ids).toEqual([]);
    }
  });
});
