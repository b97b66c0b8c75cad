import { allRoles, type Expected, type MatrixModule, type MatrixRole, type World } from './matrix';

const signedIn = (status: number) => allRoles(status, { anonymous: 401 });
/** A record of student P1 (own) or P2 (other), read with students.read through the data scope: outside it is 404. */
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
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Term records, 写实记录, evidence, the indicator catalogue, import jobs. */
export const intakeMatrix: MatrixModule = {
  async setup(w: World) {
    const db = w.t.db.dataSource;
    const [chinese] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.chinese'`); // (value-added's setup uses math)
    w.ids.IND = chinese.id;
    const [labour] = await db.query(`SELECT id FROM indicators WHERE code = 'labour.list_item_hours'`);
    w.ids.IND_LABOUR = labour.id;
    const [spare] = await db.query(`INSERT INTO indicators (code, dimension, name_zh, name_en, value_type, aliases) VALUES ('moral.matrix_spare', 'moral', '备用', 'Spare', 'text', '[]') RETURNING id`);
    w.ids.IND_SPARE = spare.id;
    for (const [key, student, school] of [['1', w.ids.P1, w.ids.S1], ['2', w.ids.P2, w.ids.S2]] as const) {
      const [record] = await db.query(
        `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source)
         VALUES ($1, $2, $3, $4, 'final|2025-01-15', 'final', '2025-01-15', 88, 100, 'school_import') RETURNING id`,
        [school, student, w.ids.T, chinese.id],
      );
      w.ids[`TR${key}`] = record.id;
      const [activity] = await db.query(
        `INSERT INTO activity_records (school_id, student_id, term_id, dimension, record_type, title, start_date, source, status)
         VALUES ($1, $2, $3, 'moral', '志愿服务', '敬老院志愿服务', '2024-10-01', 'school_import', 'VERIFIED') RETURNING id`,
        [school, student, w.ids.T],
      );
      w.ids[`AR${key}`] = activity.id;
      const evidence = await w.t.admin.post(`/api/activity-records/${activity.id}/evidence`).attach('file', Buffer.concat([PNG, Buffer.from(`matrix ${key}`)]), 'photo.png').expect(201);
      w.ids[`EV${key}`] = evidence.body.id;
      const [job] = await db.query(`INSERT INTO jobs (type, state, payload, school_id) VALUES ('probe', 'succeeded', '{}', $1) RETURNING id`, [school]);
      w.ids[`JOB${key}`] = job.id;
    }
  },
  rows: [
    { route: 'GET /api/indicators', own: () => ({ url: '/api/indicators?dimension=academic' }), expected: signedIn(200) },
    { route: 'GET /api/indicators/:id', own: (w) => ({ url: `/api/indicators/${w.ids.IND}` }), expected: signedIn(200) },
    {
      route: 'POST /api/indicators',
      own: (w) => ({ url: '/api/indicators', body: { code: `moral.matrix_${w.unique()}`, dimension: 'moral', nameZh: '测试', nameEn: 'Test', valueType: 'boolean' } }),
      expected: { ...signedIn(403), city_admin: 201 },
    },
    { route: 'POST /api/indicators/:id/retire', own: (w) => ({ url: `/api/indicators/${w.ids.IND_SPARE}/retire` }), expected: { ...signedIn(403), city_admin: 201 } },
    { route: 'GET /api/term-records', own: (w) => ({ url: `/api/term-records?termId=${w.ids.T}` }), expected: signedIn(200) },
    {
      route: 'POST /api/term-records',
      // One value at a time (records.enter): teachers for their class, school admins for their school; a new labour item each call.
      own: (w) => ({ url: '/api/term-records', body: { studentId: w.ids.P1, termId: w.ids.T, indicatorId: w.ids.IND_LABOUR, category: '家庭', item: `matrix ${w.unique()}`, value: '2' } }),
      other: (w) => ({ url: '/api/term-records', body: { studentId: w.ids.P2, termId: w.ids.T, indicatorId: w.ids.IND_LABOUR, category: '家庭', item: `matrix ${w.unique()}`, value: '2' } }),
      expected: { ...signedIn(403), city_admin: [201, 201], school_admin: [201, 404], teacher: [201, 404] },
    },
    {
      route: 'PUT /api/term-records/:id',
      own: (w) => ({ url: `/api/term-records/${w.ids.TR1}`, body: { value: String(50 + (w.unique() % 50)) } }),
      other: (w) => ({ url: `/api/term-records/${w.ids.TR2}`, body: { value: String(50 + (w.unique() % 50)) } }),
      expected: { ...signedIn(403), city_admin: [200, 200], school_admin: [200, 404], teacher: [200, 404] },
    },
    { route: 'GET /api/term-records/:id', own: (w) => ({ url: `/api/term-records/${w.ids.TR1}` }), other: (w) => ({ url: `/api/term-records/${w.ids.TR2}` }), expected: scopedRead },
    { route: 'GET /api/term-records/:id/history', own: (w) => ({ url: `/api/term-records/${w.ids.TR1}/history` }), other: (w) => ({ url: `/api/term-records/${w.ids.TR2}/history` }), expected: scopedRead },
    { route: 'GET /api/activity-records', own: (w) => ({ url: `/api/activity-records?termId=${w.ids.T}` }), expected: signedIn(200) },
    { route: 'GET /api/activity-records/:id', own: (w) => ({ url: `/api/activity-records/${w.ids.AR1}` }), other: (w) => ({ url: `/api/activity-records/${w.ids.AR2}` }), expected: scopedRead },
    { route: 'GET /api/activity-records/:id/history', own: (w) => ({ url: `/api/activity-records/${w.ids.AR1}/history` }), other: (w) => ({ url: `/api/activity-records/${w.ids.AR2}/history` }), expected: scopedRead },
    { route: 'GET /api/activity-records/:id/evidence', own: (w) => ({ url: `/api/activity-records/${w.ids.AR1}/evidence` }), other: (w) => ({ url: `/api/activity-records/${w.ids.AR2}/evidence` }), expected: scopedRead },
    {
      route: 'POST /api/activity-records/:id/evidence',
      // A new file each time (201); outside the uploader's scope the record is not found.
      own: (w) => ({ url: `/api/activity-records/${w.ids.AR1}/evidence`, file: { name: 'p.png', content: Buffer.concat([PNG, Buffer.from(`own ${w.unique()}`)]) } }),
      other: (w) => ({ url: `/api/activity-records/${w.ids.AR2}/evidence`, file: { name: 'p.png', content: Buffer.concat([PNG, Buffer.from(`other ${w.unique()}`)]) } }),
      expected: { ...signedIn(403), city_admin: [201, 201], school_admin: [201, 404], registrar: [201, 404] },
    },
    { route: 'GET /api/evidence/:id/content', own: (w) => ({ url: `/api/evidence/${w.ids.EV1}/content` }), other: (w) => ({ url: `/api/evidence/${w.ids.EV2}/content` }), expected: scopedRead },
    {
      route: 'POST /api/imports/:kind/jobs',
      // Accepted as a job (validation runs in the job and lands in its report).
      own: () => ({ url: '/api/imports/scores/jobs?dryRun=true', file: { name: 's.csv', content: Buffer.from('学籍号,学年学期,科目,考试类型,考试日期,成绩\n') } }),
      expected: { ...signedIn(403), city_admin: 202, school_admin: 202, registrar: 202 },
    },
    {
      route: 'GET /api/jobs/:id',
      own: (w) => ({ url: `/api/jobs/${w.ids.JOB1}` }),
      other: (w) => ({ url: `/api/jobs/${w.ids.JOB2}` }),
      // A school's jobs: its creator, and callers whose scope covers the school.
      expected: { ...signedIn(404), city_admin: [200, 200], district_officer: [200, 404], school_admin: [200, 404], registrar: [200, 404] },
    },
  ],
};
