import { allRoles, type MatrixModule, type World } from './matrix';

// Value-added: bureau roles (city, district) define studies and start runs; they and school
// administrators read results (a school only its own group rows — row filtering is tested in
// test/e2e/value-added.e2e-spec.ts); every other role is refused.
const signedIn = (status: number) => allRoles(status, { anonymous: 401 });
const readers = (status: number) => ({ ...signedIn(403), city_admin: status, district_officer: status, school_admin: status });
const managers = (status: number) => ({ ...signedIn(403), city_admin: status, district_officer: status });

const occasion = (w: World, examType: string, examDate: string) => ({ termId: w.ids.T, examType, examDate, subject: 'academic.exam.math' });
const studyBody = (w: World) => ({ name: `矩阵${w.unique()}`, outcome: occasion(w, 'final', '2025-01-15'), priors: [occasion(w, 'midterm', '2024-11-10')], grouping: 'school', model: 'zgain' });

export const valueAddedMatrix: MatrixModule = {
  async setup(w) {
    const db = w.t.db.dataSource;
    const [{ id: math }] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.math'`);
    for (const [student, school] of [[w.ids.P1, w.ids.S1], [w.ids.P2, w.ids.S2]]) {
      for (const [examType, examDate, value] of [['midterm', '2024-11-10', '70'], ['final', '2025-01-15', '75']]) {
        await db.query(
          `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 100, 'school_import')`,
          [school, student, w.ids.T, math, `${examType}|${examDate}`, examType, examDate, value],
        );
      }
    }
    const study = await w.t.admin.post('/api/value-added/studies').send(studyBody(w)).expect(201);
    w.ids.VAstudy = study.body.id;
    w.ids.VArun = (await w.t.admin.post(`/api/value-added/studies/${study.body.id}/runs`).send({}).expect(202)).body.id;
  },
  rows: [
    { route: 'POST /api/value-added/studies', own: (w) => ({ url: '/api/value-added/studies', body: studyBody(w) }), expected: managers(201) },
    { route: 'GET /api/value-added/studies', own: () => ({ url: '/api/value-added/studies' }), expected: readers(200) },
    { route: 'GET /api/value-added/studies/:id', own: (w) => ({ url: `/api/value-added/studies/${w.ids.VAstudy}` }), expected: readers(200) },
    // The study has a run, so it is kept (409) even for those who may delete.
    { route: 'DELETE /api/value-added/studies/:id', own: (w) => ({ url: `/api/value-added/studies/${w.ids.VAstudy}` }), expected: managers(409) },
    { route: 'POST /api/value-added/studies/:id/runs', own: (w) => ({ url: `/api/value-added/studies/${w.ids.VAstudy}/runs`, body: {} }), expected: managers(202) },
    { route: 'GET /api/value-added/studies/:id/runs', own: (w) => ({ url: `/api/value-added/studies/${w.ids.VAstudy}/runs` }), expected: readers(200) },
    { route: 'GET /api/value-added/runs/:id', own: (w) => ({ url: `/api/value-added/runs/${w.ids.VArun}` }), expected: readers(200) },
  ],
};
