import { allRoles, type Expected, type MatrixModule, type MatrixRole, type World } from './matrix';

// Evaluation (issue 7 points 1–2): anyone signed in reads rubrics (the rules students are
// evaluated by); bureau roles (evaluation.manage: city, district) create, edit, supersede and
// assign them and start runs; bureau and school administrators (evaluation.read) read run
// summaries, distributions and quota checks (a school its own rows); student-level results are
// read with students.read through the data scope: P1 own, P2 other, outside the scope 404.
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

let definition: Record<string, unknown> = {};
const content = () => ({ nameZh: '矩阵方案', nameEn: 'Matrix rubric', definition });
/** Each successful supersede needs a version nobody superseded yet: hand out a fresh one per request. */
const nextToSupersede = (w: World) => {
  const index = Number(w.ids.EVsupNext ?? '0');
  w.ids.EVsupNext = String(index + 1);
  return w.ids[`EVsup${index % 9}`];
};

export const evaluationMatrix: MatrixModule = {
  async setup(w) {
    const rubrics = await w.t.admin.get('/api/evaluation/rubrics').expect(200);
    const seeded = rubrics.body.items.find((r: { code: string }) => r.code === 'default');
    definition = seeded.definition;
    w.ids.EVdefault = seeded.id;
    w.ids.EVunused = (await w.t.admin.post('/api/evaluation/rubrics').send({ code: 'matrix-unused', ...content() }).expect(201)).body.id;
    for (let i = 0; i < 9; i += 1) w.ids[`EVsup${i}`] = (await w.t.admin.post('/api/evaluation/rubrics').send({ code: `matrix-sup-${i}`, ...content() }).expect(201)).body.id;
    await w.t.admin.put('/api/evaluation/assignments').send({ stage: 'junior', entryYear: 2024, rubricId: seeded.id }).expect(200);
    const run = await w.t.admin.post('/api/evaluation/runs').send({ termId: w.ids.T, stage: 'junior', entryYear: 2024 }).expect(202);
    w.ids.EVrun = run.body.id;
    for (let attempt = 0; ; attempt += 1) {
      const job = await w.t.admin.get(`/api/jobs/${run.body.jobId}`).expect(200);
      if (job.body.state === 'succeeded') break;
      if (job.body.state === 'failed' || attempt > 400) throw new Error(`evaluation run did not succeed: ${JSON.stringify(job.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  },
  rows: [
    { route: 'GET /api/evaluation/rubrics', own: () => ({ url: '/api/evaluation/rubrics' }), expected: signedIn(200) },
    { route: 'GET /api/evaluation/rubrics/:id', own: (w) => ({ url: `/api/evaluation/rubrics/${w.ids.EVdefault}` }), expected: signedIn(200) },
    { route: 'POST /api/evaluation/rubrics', own: (w) => ({ url: '/api/evaluation/rubrics', body: { code: `matrix-${w.unique()}`, ...content() } }), expected: managers(201) },
    { route: 'PUT /api/evaluation/rubrics/:id', own: (w) => ({ url: `/api/evaluation/rubrics/${w.ids.EVunused}`, body: content() }), expected: managers(200) },
    { route: 'POST /api/evaluation/rubrics/:id/supersede', own: (w) => ({ url: `/api/evaluation/rubrics/${nextToSupersede(w)}/supersede`, body: content() }), expected: managers(201) },
    { route: 'GET /api/evaluation/assignments', own: () => ({ url: '/api/evaluation/assignments' }), expected: readers(200) },
    { route: 'PUT /api/evaluation/assignments', own: (w) => ({ url: '/api/evaluation/assignments', body: { stage: 'senior', entryYear: 2024, rubricId: w.ids.EVunused } }), expected: managers(200) },
    { route: 'POST /api/evaluation/runs', own: (w) => ({ url: '/api/evaluation/runs', body: { termId: w.ids.T, stage: 'junior', entryYear: 2024 } }), expected: managers(202) },
    { route: 'POST /api/evaluation/graduation-runs', own: () => ({ url: '/api/evaluation/graduation-runs', body: { stage: 'junior', entryYear: 2024 } }), expected: managers(202) },
    { route: 'GET /api/evaluation/runs', own: () => ({ url: '/api/evaluation/runs' }), expected: readers(200) },
    { route: 'GET /api/evaluation/runs/:id', own: (w) => ({ url: `/api/evaluation/runs/${w.ids.EVrun}` }), expected: readers(200) },
    { route: 'GET /api/evaluation/runs/:id/distribution', own: (w) => ({ url: `/api/evaluation/runs/${w.ids.EVrun}/distribution` }), expected: readers(200) },
    { route: 'GET /api/evaluation/runs/:id/quota', own: (w) => ({ url: `/api/evaluation/runs/${w.ids.EVrun}/quota` }), expected: readers(200) },
    // Rows are filtered by the student data scope (an empty page outside it), tested in test/e2e/evaluation.e2e-spec.ts.
    { route: 'GET /api/evaluation/runs/:id/results', own: (w) => ({ url: `/api/evaluation/runs/${w.ids.EVrun}/results` }), expected: signedIn(200) },
    { route: 'GET /api/evaluation/students/:id/results', own: (w) => ({ url: `/api/evaluation/students/${w.ids.P1}/results` }), other: (w) => ({ url: `/api/evaluation/students/${w.ids.P2}/results` }), expected: scopedRead },
    { route: 'GET /api/evaluation/students/:id/explanation', own: (w) => ({ url: `/api/evaluation/students/${w.ids.P1}/explanation` }), other: (w) => ({ url: `/api/evaluation/students/${w.ids.P2}/explanation` }), expected: scopedRead },
  ],
};
