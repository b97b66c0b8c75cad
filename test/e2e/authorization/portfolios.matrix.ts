import { type AuthedClient, signedInAs } from '../../helpers/auth';
import { allRoles, type MatrixModule, type World } from './matrix';

// Statuses: 200/201 allowed; 401 not signed in; 403 the role lacks the permission; 404 a
// portfolio or student outside the caller's scope (answered as if absent); 409 allowed caller,
// but the step does not apply to the portfolio's state (every write row aims at a sealed or
// superseded version, so no row changes the world for the rows after it).
const signedIn = (status: number) => allRoles(status, { anonymous: 401 });
const PURPOSE = `purpose=${encodeURIComponent('2025年提前批录取审核')}`;

/** A sealed portfolio reopened once and sealed again: returns [version 1 (superseded), version 2 (current)]. */
async function sealedTwice(studentId: string, clients: { school: AuthedClient; teacher: AuthedClient; student: AuthedClient }): Promise<[string, string]> {
  const seal = async (id: string) => {
    await clients.student.post(`/api/portfolios/${id}/confirm`).expect(200);
    await clients.teacher.post(`/api/portfolios/${id}/comment`).send({ comment: '积极进取' }).expect(200);
    await clients.school.post(`/api/portfolios/${id}/sign-off`).expect(200);
    await clients.school.post(`/api/portfolios/${id}/seal`).expect(200);
  };
  const first = (await clients.school.post('/api/portfolios').send({ studentId }).expect(201)).body.id as string;
  await seal(first);
  const second = (await clients.school.post(`/api/portfolios/${first}/reopen`).send({ reason: '申诉成立' }).expect(201)).body.id as string;
  await seal(second);
  return [first, second];
}

/** Reads of one portfolio: everyone reaching the student; the admissions officer of S1 reaches P1, who applied to S1 in an open batch. */
const readExpected = { ...allRoles([200, 404]), anonymous: 401, city_admin: 200 } as const;

export const portfoliosMatrix: MatrixModule = {
  async setup(w: World) {
    const { t, ids } = w;
    const db = t.db.dataSource;
    const today = new Date();
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    ids.batchOpen = (await t.admin.post('/api/admissions/batches').send({ code: 'matrix-open', name: '提前批', opensOn: day(-2), closesOn: day(2) }).expect(201)).body.id;
    const applications = `学籍号,报考学校标识码,录取批次,申请日期\n${await numberOf(w, ids.P1)},${ids.S1code},matrix-open,${day(-1)}\n${await numberOf(w, ids.P2)},${ids.S2code},matrix-open,${day(-1)}\n`;
    await t.admin.post('/api/imports/applications').attach('file', Buffer.from(applications, 'utf8'), 'applications.csv').expect(201);
    [ids.PF1old, ids.PF1] = await sealedTwice(ids.P1, { school: w.clients.school_admin!, teacher: w.clients.teacher!, student: w.clients.student! });
    [ids.PF2old, ids.PF2] = await sealedTwice(ids.P2, {
      school: await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: ids.S2 }]),
      teacher: await signedInAs(t.app, db, [{ role: 'teacher', classId: ids.C2 }]),
      student: await signedInAs(t.app, db, [{ role: 'student', studentId: ids.P2 }]),
    });
  },
  rows: [
    {
      // Compile: the school (and the city). The latest version is sealed → 409 for whoever may compile; another school's student → 404.
      route: 'POST /api/portfolios',
      own: (w) => ({ url: '/api/portfolios', body: { studentId: w.ids.P1 } }),
      other: (w) => ({ url: '/api/portfolios', body: { studentId: w.ids.P2 } }),
      expected: { ...signedIn(403), city_admin: 409, school_admin: [409, 404] },
    },
    {
      // The list is filtered by scope (never 404); audited readers state a purpose.
      route: 'GET /api/portfolios',
      own: (w) => ({ url: `/api/portfolios?studentId=${w.ids.P1}&${PURPOSE}` }),
      expected: signedIn(200),
    },
    { route: 'GET /api/portfolios/:id', own: (w) => ({ url: `/api/portfolios/${w.ids.PF1}?${PURPOSE}` }), other: (w) => ({ url: `/api/portfolios/${w.ids.PF2}?${PURPOSE}` }), expected: readExpected },
    { route: 'GET /api/portfolios/:id/print', own: (w) => ({ url: `/api/portfolios/${w.ids.PF1}/print?${PURPOSE}` }), other: (w) => ({ url: `/api/portfolios/${w.ids.PF2}/print?${PURPOSE}` }), expected: readExpected },
    { route: 'GET /api/portfolios/:id/snapshot', own: (w) => ({ url: `/api/portfolios/${w.ids.PF1}/snapshot?${PURPOSE}` }), other: (w) => ({ url: `/api/portfolios/${w.ids.PF2}/snapshot?${PURPOSE}` }), expected: readExpected },
    { route: 'GET /api/portfolios/:id/verify', own: (w) => ({ url: `/api/portfolios/${w.ids.PF1}/verify?${PURPOSE}` }), other: (w) => ({ url: `/api/portfolios/${w.ids.PF2}/verify?${PURPOSE}` }), expected: readExpected },
    {
      route: 'POST /api/portfolios/:id/confirm',
      own: (w) => ({ url: `/api/portfolios/${w.ids.PF1}/confirm` }),
      other: (w) => ({ url: `/api/portfolios/${w.ids.PF2}/confirm` }),
      expected: { ...signedIn(403), student: [409, 404], guardian: [409, 404] },
    },
    {
      route: 'POST /api/portfolios/:id/comment',
      own: (w) => ({ url: `/api/portfolios/${w.ids.PF1}/comment`, body: { comment: '评语' } }),
      other: (w) => ({ url: `/api/portfolios/${w.ids.PF2}/comment`, body: { comment: '评语' } }),
      expected: { ...signedIn(403), teacher: [409, 404] },
    },
    {
      route: 'POST /api/portfolios/:id/sign-off',
      own: (w) => ({ url: `/api/portfolios/${w.ids.PF1}/sign-off` }),
      other: (w) => ({ url: `/api/portfolios/${w.ids.PF2}/sign-off` }),
      expected: { ...signedIn(403), city_admin: 409, school_admin: [409, 404] },
    },
    {
      route: 'POST /api/portfolios/:id/seal',
      own: (w) => ({ url: `/api/portfolios/${w.ids.PF1}/seal` }),
      other: (w) => ({ url: `/api/portfolios/${w.ids.PF2}/seal` }),
      expected: { ...signedIn(403), city_admin: 409, school_admin: [409, 404] },
    },
    {
      // Aimed at the superseded version 1: 409 NOT_LATEST_VERSION for whoever may reopen.
      route: 'POST /api/portfolios/:id/reopen',
      own: (w) => ({ url: `/api/portfolios/${w.ids.PF1old}/reopen`, body: { reason: '申诉成立' } }),
      other: (w) => ({ url: `/api/portfolios/${w.ids.PF2old}/reopen`, body: { reason: '申诉成立' } }),
      expected: { ...signedIn(403), city_admin: 409, school_admin: [409, 404] },
    },
    {
      route: 'POST /api/admissions/batches',
      own: (w) => ({ url: '/api/admissions/batches', body: { code: `matrix-${w.unique()}`, name: '统招批', opensOn: '2025-07-01', closesOn: '2025-07-20' } }),
      expected: { ...signedIn(403), city_admin: 201 },
    },
    { route: 'GET /api/admissions/batches', own: () => ({ url: '/api/admissions/batches' }), expected: signedIn(200) },
    {
      route: 'PATCH /api/admissions/batches/:id',
      own: (w) => ({ url: `/api/admissions/batches/${w.ids.batchOpen}`, body: { name: '提前批' } }),
      expected: { ...signedIn(403), city_admin: 200 },
    },
    {
      // The officer of S1 lists the applications to S1 (P1's); the city all. Everyone else lacks admissions.read.
      route: 'GET /api/admissions/applicants',
      own: () => ({ url: `/api/admissions/applicants?${PURPOSE}` }),
      expected: { ...signedIn(403), city_admin: 200, admissions_officer: 200 },
    },
  ],
};

async function numberOf(w: World, studentId: string): Promise<string> {
  const [row] = await w.t.db.dataSource.query('SELECT student_number FROM students WHERE id = $1', [studentId]);
  return row.student_number as string;
}
