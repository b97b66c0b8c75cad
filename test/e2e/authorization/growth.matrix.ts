import { studentNumber } from '../../helpers/roster-builders';
import { allRoles, type Expected, type MatrixModule, type MatrixRole, type World } from './matrix';

// Growth: bureau roles (city, district) start runs; they and school administrators read run
// summaries (a school only its own school rows — row filtering is tested in
// test/e2e/growth.e2e-spec.ts). Student-level growth (profile, projection) is read with
// students.read through the data scope: P1 own, P2 other, outside the scope 404.
const signedIn = (status: number) => allRoles(status, { anonymous: 401 });
const readers = (status: number) => ({ ...signedIn(403), city_admin: status, district_officer: status, school_admin: status });
const managers = (status: number) => ({ ...signedIn(403), city_admin: status, district_officer: status });
const scopedRead: Record<MatrixRole, Expected> = {
  anonymous: 401,
  city_admin: [200, 200],
  district_officer: [200, 404],
  school_admin: [200, 404],
  registrar: [200, 404],
  teacher: [200, 404],
  admissions_officer: [404, 404], // sees applicants only; P1 has not applied
  student: [200, 404],
  guardian: [200, 404],
};

const MIDTERM = { examType: 'midterm', examDate: '2024-11-12' };
const FINAL = { examType: 'final', examDate: '2025-01-16' };
const runBody = (w: World) => ({ indicator: 'academic.exam.chinese', current: { termId: w.ids.T, ...FINAL }, priors: [{ termId: w.ids.T, ...MIDTERM }] });

export const growthMatrix: MatrixModule = {
  async setup(w) {
    const db = w.t.db.dataSource;
    const [{ id: chinese }] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.chinese'`);
    // P1, P2 and 40 more students (20 a school): an order-1 fit needs more students than its 8 design columns.
    const students: [string, string][] = [[w.ids.P1, w.ids.S1], [w.ids.P2, w.ids.S2]];
    for (let i = 0; i < 40; i += 1) {
      const school = i % 2 === 0 ? w.ids.S1 : w.ids.S2;
      const [row] = await db.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '学生', '1', '2011-01-01', '01', $2) RETURNING id`, [
        studentNumber('20110101', String(500 + i)),
        school,
      ]);
      students.push([row.id, school]);
    }
    for (const [index, [student, school]] of students.entries()) {
      const prior = 50 + ((index * 37) % 41);
      const current = prior + ((index * 13) % 17) - 8;
      for (const [occasion, value] of [[MIDTERM, prior], [FINAL, current]] as const) {
        await db.query(
          `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 100, 'school_import')`,
          [school, student, w.ids.T, chinese, `${occasion.examType}|${occasion.examDate}`, occasion.examType, occasion.examDate, value],
        );
      }
    }
    const run = await w.t.admin.post('/api/growth/runs').send(runBody(w)).expect(202);
    w.ids.GRrun = run.body.id;
    for (let attempt = 0; ; attempt += 1) {
      const job = await w.t.admin.get(`/api/jobs/${run.body.jobId}`).expect(200);
      if (job.body.state === 'succeeded') break;
      if (job.body.state === 'failed' || attempt > 400) throw new Error(`growth run did not succeed: ${JSON.stringify(job.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  },
  rows: [
    { route: 'POST /api/growth/runs', own: (w) => ({ url: '/api/growth/runs', body: runBody(w) }), expected: managers(202) },
    { route: 'GET /api/growth/runs', own: () => ({ url: '/api/growth/runs' }), expected: readers(200) },
    { route: 'GET /api/growth/runs/:id', own: (w) => ({ url: `/api/growth/runs/${w.ids.GRrun}` }), expected: readers(200) },
    { route: 'GET /api/growth/runs/:id/coefficients', own: (w) => ({ url: `/api/growth/runs/${w.ids.GRrun}/coefficients` }), expected: readers(200) },
    { route: 'GET /api/growth/runs/:id/schools', own: (w) => ({ url: `/api/growth/runs/${w.ids.GRrun}/schools` }), expected: readers(200) },
    { route: 'GET /api/growth/runs/:id/goodness-of-fit', own: (w) => ({ url: `/api/growth/runs/${w.ids.GRrun}/goodness-of-fit` }), expected: readers(200) },
    { route: 'GET /api/growth/students/:id', own: (w) => ({ url: `/api/growth/students/${w.ids.P1}` }), other: (w) => ({ url: `/api/growth/students/${w.ids.P2}` }), expected: scopedRead },
    {
      route: 'GET /api/growth/students/:id/projection',
      own: (w) => ({ url: `/api/growth/students/${w.ids.P1}/projection?runId=${w.ids.GRrun}&target=80` }),
      other: (w) => ({ url: `/api/growth/students/${w.ids.P2}/projection?runId=${w.ids.GRrun}&target=80` }),
      expected: scopedRead,
    },
  ],
};
