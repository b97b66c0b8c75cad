import { allRoles, type Expected, type MatrixModule, type MatrixRole, type World } from './matrix';

const signedIn = (status: number) => allRoles(status, { anonymous: 401 });
const scopedRead: Record<MatrixRole, Expected> = {
  anonymous: 401,
  city_admin: [200, 200],
  district_officer: [200, 404],
  school_admin: [200, 404],
  registrar: [200, 404],
  teacher: [200, 404],
  admissions_officer: [404, 404],
  student: [200, 404],
  guardian: [200, 404],
};
/** Authors: the student (own) and the class teacher (on behalf); everyone else lacks both permissions. */
const authors = (status: number): Record<MatrixRole, Expected> => ({ ...signedIn(403), student: [status, 404], teacher: [status, 404] });
/** Reviewers (records.review): the class teacher and the school administrator. */
const reviewers = (status: number): Record<MatrixRole, Expected> => ({ ...signedIn(403), teacher: [status, 404], school_admin: [status, 404] });
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Fixtures consumed one per request (every role's request takes one, refused or not), for rows whose success changes the record's state. */
const pools = new Map<string, string[]>();
function take(key: string): string {
  const id = pools.get(key)?.shift();
  if (!id) throw new Error(`review matrix: pool ${key} is empty`);
  return id;
}

/** The review workflow (issue 7): records, transitions, corrections, publicity and objections, appeals, calendar, integrity queue, settings. */
export const reviewMatrix: MatrixModule = {
  async setup(w: World) {
    const db = w.t.db.dataSource;
    let n = 0;
    const insert = async (which: '1' | '2', status: string, source: string, dimension = 'moral', confirmed = true) => {
      const [student, school] = which === '1' ? [w.ids.P1, w.ids.S1] : [w.ids.P2, w.ids.S2];
      const [row] = await db.query(
        `INSERT INTO activity_records (school_id, student_id, term_id, dimension, record_type, title, start_date, hours, source, status, student_confirmed_at)
         VALUES ($1, $2, $3, $4, '志愿服务', $5, '2024-10-15', 2, $6, $7, $8) RETURNING id`,
        [school, student, w.ids.T, dimension, `矩阵记录${++n}`, source, status, confirmed ? new Date() : null],
      );
      return row.id as string;
    };
    const pool = async (key: string, count: number, status: string, source: string, dimension = 'moral', confirmed = true) => {
      for (const which of ['1', '2'] as const) {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) ids.push(await insert(which, status, source, dimension, confirmed));
        pools.set(`${key}${which}`, ids);
      }
    };
    for (const which of ['1', '2'] as const) {
      w.ids[`RR${which}`] = await insert(which, 'SUBMITTED', 'student');
      w.ids[`RD${which}`] = await insert(which, 'DRAFT', 'teacher_on_behalf', 'moral', false); // edited and given evidence by student and teacher
      w.ids[`RC${which}`] = await insert(which, 'SUBMITTED', 'teacher_on_behalf', 'moral', false); // to confirm
    }
    await pool('submit', 9, 'DRAFT', 'teacher_on_behalf');
    await pool('verify', 9, 'SUBMITTED', 'student');
    await pool('return', 9, 'SUBMITTED', 'student');
    await pool('reject', 9, 'SUBMITTED', 'student');
    await pool('select', 9, 'VERIFIED', 'student', 'labour');
    await pool('amend', 9, 'CONFIRMED', 'student');
    await pool('revoke', 9, 'CONFIRMED', 'student');

    // Publicity: an open batch (window around now) and a closed one per school, each with a record in it.
    const batch = async (which: '1' | '2', open: boolean) => {
      const [school, classId] = which === '1' ? [w.ids.S1, w.ids.C1] : [w.ids.S2, w.ids.C2];
      const [row] = await db.query(
        `INSERT INTO publicity_batches (school_id, term_id, scope, class_id, title, working_days, first_day, last_day, opens_at, closes_at)
         VALUES ($1, $2, 'class', $3, '矩阵公示', 5, current_date - 10, current_date + 10, now() - interval '10 days', now() + $4::interval) RETURNING id`,
        [school, w.ids.T, classId, open ? '10 days' : '-1 day'],
      );
      const record = await insert(which, 'IN_PUBLICITY', 'student');
      await db.query(`INSERT INTO publicity_batch_records (batch_id, activity_record_id) VALUES ($1, $2)`, [row.id, record]);
      return { batchId: row.id as string, recordId: record };
    };
    for (const which of ['1', '2'] as const) {
      const open = await batch(which, true);
      w.ids[`PB${which}`] = open.batchId;
      w.ids[`PBR${which}`] = open.recordId;
      w.ids[`PBC${which}`] = (await batch(which, false)).batchId;
      await insert(which, 'SELECTED', 'student'); // for a new batch
      const objections: string[] = [];
      for (let i = 0; i < 9; i++) {
        const record = await insert(which, 'UNDER_INVESTIGATION', 'student');
        await db.query(`INSERT INTO publicity_batch_records (batch_id, activity_record_id) VALUES ($1, $2)`, [open.batchId, record]);
        const [objection] = await db.query(
          `INSERT INTO publicity_objections (batch_id, activity_record_id, school_id, student_id, raised_by, raised_as, reason, status, raised_at)
           SELECT $1, a.id, a.school_id, a.student_id, $3, 'student', '矩阵异议', 'open', now() FROM activity_records a WHERE a.id = $2 RETURNING id`,
          [open.batchId, record, w.clients.student!.user.id],
        );
        objections.push(objection.id);
      }
      pools.set(`objection${which}`, objections);
    }
    await db.query(`INSERT INTO holidays (date, kind, name) VALUES ('2030-10-02', 'holiday', '国庆节')`);

    // Appeals: rejected records (just rejected) to appeal; appeals filed, dismissed, escalated.
    const rejected = async (which: '1' | '2') => {
      const id = await insert(which, 'REJECTED', 'student');
      await db.query(
        `INSERT INTO activity_record_transitions (activity_record_id, school_id, student_id, action, from_status, to_status, at) SELECT id, school_id, student_id, 'reject', 'SUBMITTED', 'REJECTED', now() FROM activity_records WHERE id = $1`,
        [id],
      );
      return id;
    };
    const appeal = async (which: '1' | '2', status: string) => {
      const record = await rejected(which);
      const [row] = await db.query(
        `INSERT INTO record_appeals (activity_record_id, school_id, student_id, subject, status, filed_by, reason, filed_at, file_by, escalate_by)
         SELECT a.id, a.school_id, a.student_id, 'rejection', $2, $3, '矩阵申诉', now(), now() + interval '7 days', now() + interval '7 days' FROM activity_records a WHERE a.id = $1 RETURNING id`,
        [record, status, w.clients.student!.user.id],
      );
      return row.id as string;
    };
    for (const which of ['1', '2'] as const) {
      w.ids[`AP${which}`] = await appeal(which, 'filed');
      for (const [key, status] of [['appealFiled', 'filed'], ['appealDismissed', 'dismissed'], ['appealEscalated', 'escalated']] as const) {
        const list: string[] = [];
        for (let i = 0; i < 9; i++) list.push(await appeal(which, status));
        pools.set(`${key}${which}`, list);
      }
      const toAppeal: string[] = [];
      for (let i = 0; i < 9; i++) toAppeal.push(await rejected(which));
      pools.set(`rejected${which}`, toAppeal);
    }

    for (const which of ['1', '2'] as const) {
      const ids: string[] = [];
      for (let i = 0; i < 9; i++) {
        const [flag] = await db.query(
          `INSERT INTO integrity_flags (activity_record_id, school_id, student_id, rule, fingerprint, details, status, detected_by, detected_at)
           SELECT id, school_id, student_id, 'implausible_hours', $2, '{}', 'open', 'scan', now() FROM activity_records WHERE id = $1 RETURNING id`,
          [w.ids[`RR${which}`], `matrix${i}`],
        );
        ids.push(flag.id);
      }
      pools.set(`flag${which}`, ids);
    }
  },
  rows: [
    { route: 'GET /api/review/records', own: (w) => ({ url: `/api/review/records?termId=${w.ids.T}&status=SUBMITTED` }), expected: signedIn(200) },
    { route: 'GET /api/review/records/:id', own: (w) => ({ url: `/api/review/records/${w.ids.RR1}` }), other: (w) => ({ url: `/api/review/records/${w.ids.RR2}` }), expected: scopedRead },
    {
      route: 'GET /api/review/records/:id/transitions',
      own: (w) => ({ url: `/api/review/records/${w.ids.RR1}/transitions` }),
      other: (w) => ({ url: `/api/review/records/${w.ids.RR2}/transitions` }),
      expected: scopedRead,
    },
    {
      route: 'POST /api/review/records',
      own: (w) => ({ url: '/api/review/records', body: { studentId: w.ids.P1, termId: w.ids.T, dimension: 'moral', recordType: '志愿服务', title: `矩阵新建${w.unique()}`, startDate: '2024-10-20' } }),
      other: (w) => ({ url: '/api/review/records', body: { studentId: w.ids.P2, termId: w.ids.T, dimension: 'moral', recordType: '志愿服务', title: `矩阵新建${w.unique()}`, startDate: '2024-10-20' } }),
      expected: authors(201),
    },
    { route: 'PATCH /api/review/records/:id', own: (w) => ({ url: `/api/review/records/${w.ids.RD1}`, body: { hours: 3 } }), other: (w) => ({ url: `/api/review/records/${w.ids.RD2}`, body: { hours: 3 } }), expected: authors(200) },
    {
      route: 'POST /api/review/records/:id/evidence',
      own: (w) => ({ url: `/api/review/records/${w.ids.RD1}/evidence`, file: { name: 'p.png', content: Buffer.concat([PNG, Buffer.from(`review own ${w.unique()}`)]) } }),
      other: (w) => ({ url: `/api/review/records/${w.ids.RD2}/evidence`, file: { name: 'p.png', content: Buffer.concat([PNG, Buffer.from(`review other ${w.unique()}`)]) } }),
      expected: authors(201),
    },
    { route: 'POST /api/review/records/:id/submit', own: () => ({ url: `/api/review/records/${take('submit1')}/submit` }), other: () => ({ url: `/api/review/records/${take('submit2')}/submit` }), expected: authors(201) },
    {
      route: 'POST /api/review/records/:id/confirm',
      own: (w) => ({ url: `/api/review/records/${w.ids.RC1}/confirm` }),
      other: (w) => ({ url: `/api/review/records/${w.ids.RC2}/confirm` }),
      expected: { ...signedIn(403), student: [201, 404] },
    },
    { route: 'POST /api/review/records/:id/verify', own: () => ({ url: `/api/review/records/${take('verify1')}/verify`, body: {} }), other: () => ({ url: `/api/review/records/${take('verify2')}/verify`, body: {} }), expected: reviewers(201) },
    {
      route: 'POST /api/review/records/:id/return',
      own: () => ({ url: `/api/review/records/${take('return1')}/return`, body: { remark: '请补充' } }),
      other: () => ({ url: `/api/review/records/${take('return2')}/return`, body: { remark: '请补充' } }),
      expected: reviewers(201),
    },
    {
      route: 'POST /api/review/records/:id/reject',
      own: () => ({ url: `/api/review/records/${take('reject1')}/reject`, body: { remark: '不属实' } }),
      other: () => ({ url: `/api/review/records/${take('reject2')}/reject`, body: { remark: '不属实' } }),
      expected: reviewers(201),
    },
    { route: 'POST /api/review/records/:id/select', own: () => ({ url: `/api/review/records/${take('select1')}/select`, body: {} }), other: () => ({ url: `/api/review/records/${take('select2')}/select`, body: {} }), expected: reviewers(201) },
    { route: 'GET /api/review/integrity/flags', own: () => ({ url: '/api/review/integrity/flags' }), expected: { ...signedIn(403), teacher: 200, school_admin: 200 } },
    { route: 'POST /api/review/integrity/scan', own: (w) => ({ url: '/api/review/integrity/scan', body: { termId: w.ids.T } }), expected: { ...signedIn(403), teacher: 201, school_admin: 201 } },
    {
      route: 'POST /api/review/integrity/flags/:id/resolve',
      own: () => ({ url: `/api/review/integrity/flags/${take('flag1')}/resolve`, body: { outcome: 'cleared', remark: '已核实' } }),
      other: () => ({ url: `/api/review/integrity/flags/${take('flag2')}/resolve`, body: { outcome: 'cleared', remark: '已核实' } }),
      expected: reviewers(201),
    },
    {
      route: 'POST /api/review/records/:id/amend',
      own: () => ({ url: `/api/review/records/${take('amend1')}/amend`, body: { remark: '申诉成立', amendment: { hours: 5 } } }),
      other: () => ({ url: `/api/review/records/${take('amend2')}/amend`, body: { remark: '申诉成立', amendment: { hours: 5 } } }),
      expected: { ...signedIn(403), school_admin: [201, 404] },
    },
    {
      route: 'POST /api/review/records/:id/revoke',
      own: () => ({ url: `/api/review/records/${take('revoke1')}/revoke`, body: { remark: '诚信问题' } }),
      other: () => ({ url: `/api/review/records/${take('revoke2')}/revoke`, body: { remark: '诚信问题' } }),
      expected: { ...signedIn(403), school_admin: [201, 404] },
    },
    {
      route: 'POST /api/review/publicity-batches',
      own: (w) => ({ url: '/api/review/publicity-batches', body: { termId: w.ids.T, scope: 'class', classId: w.ids.C1, title: '矩阵新公示', startsOn: '2030-01-07' } }),
      other: (w) => ({ url: '/api/review/publicity-batches', body: { termId: w.ids.T, scope: 'class', classId: w.ids.C2, title: '矩阵新公示', startsOn: '2030-01-07' } }),
      expected: { ...signedIn(403), school_admin: [201, 404] },
    },
    { route: 'GET /api/review/publicity-batches', own: () => ({ url: '/api/review/publicity-batches' }), expected: signedIn(200) },
    { route: 'GET /api/review/publicity-batches/:id', own: (w) => ({ url: `/api/review/publicity-batches/${w.ids.PB1}` }), other: (w) => ({ url: `/api/review/publicity-batches/${w.ids.PB2}` }), expected: scopedRead },
    {
      route: 'GET /api/review/publicity-batches/:id/records',
      own: (w) => ({ url: `/api/review/publicity-batches/${w.ids.PB1}/records` }),
      other: (w) => ({ url: `/api/review/publicity-batches/${w.ids.PB2}/records` }),
      expected: scopedRead,
    },
    {
      route: 'POST /api/review/publicity-batches/:id/objections',
      own: (w) => ({ url: `/api/review/publicity-batches/${w.ids.PB1}/objections`, body: { activityRecordId: w.ids.PBR1, reason: '矩阵异议' } }),
      other: (w) => ({ url: `/api/review/publicity-batches/${w.ids.PB2}/objections`, body: { activityRecordId: w.ids.PBR2, reason: '矩阵异议' } }),
      expected: { ...signedIn(403), student: [201, 404], guardian: [201, 404], teacher: [201, 404] },
    },
    {
      route: 'POST /api/review/publicity-batches/:id/close',
      own: (w) => ({ url: `/api/review/publicity-batches/${w.ids.PBC1}/close` }),
      other: (w) => ({ url: `/api/review/publicity-batches/${w.ids.PBC2}/close` }),
      expected: { ...signedIn(403), school_admin: [201, 404] },
    },
    { route: 'GET /api/review/objections', own: () => ({ url: '/api/review/objections?status=open' }), expected: { ...signedIn(403), school_admin: 200 } },
    {
      route: 'POST /api/review/objections/:id/decision',
      own: () => ({ url: `/api/review/objections/${take('objection1')}/decision`, body: { outcome: 'dismissed', remark: '不成立' } }),
      other: () => ({ url: `/api/review/objections/${take('objection2')}/decision`, body: { outcome: 'dismissed', remark: '不成立' } }),
      expected: { ...signedIn(403), school_admin: [201, 404] },
    },
    { route: 'GET /api/review/holidays', own: () => ({ url: '/api/review/holidays?year=2030' }), expected: signedIn(200) },
    { route: 'PUT /api/review/holidays/:date', own: () => ({ url: '/api/review/holidays/2030-10-01', body: { kind: 'holiday', name: '国庆节' } }), expected: { ...signedIn(403), city_admin: 200 } },
    { route: 'DELETE /api/review/holidays/:date', own: () => ({ url: '/api/review/holidays/2030-10-02' }), expected: { ...signedIn(403), city_admin: 200 } },
    { route: 'GET /api/review/working-days', own: () => ({ url: '/api/review/working-days?start=2030-01-07&days=5' }), expected: signedIn(200) },
    {
      route: 'POST /api/review/appeals',
      own: () => ({ url: '/api/review/appeals', body: { activityRecordId: take('rejected1'), reason: '有新证据' } }),
      other: () => ({ url: '/api/review/appeals', body: { activityRecordId: take('rejected2'), reason: '有新证据' } }),
      expected: { ...signedIn(403), student: [201, 404], guardian: [201, 404] },
    },
    { route: 'GET /api/review/appeals', own: () => ({ url: '/api/review/appeals?status=filed' }), expected: signedIn(200) },
    { route: 'GET /api/review/appeals/:id', own: (w) => ({ url: `/api/review/appeals/${w.ids.AP1}` }), other: (w) => ({ url: `/api/review/appeals/${w.ids.AP2}` }), expected: scopedRead },
    {
      route: 'POST /api/review/appeals/:id/decision',
      own: () => ({ url: `/api/review/appeals/${take('appealFiled1')}/decision`, body: { outcome: 'dismissed', remark: '理由不成立' } }),
      other: () => ({ url: `/api/review/appeals/${take('appealFiled2')}/decision`, body: { outcome: 'dismissed', remark: '理由不成立' } }),
      expected: { ...signedIn(403), school_admin: [201, 404] },
    },
    {
      route: 'POST /api/review/appeals/:id/escalate',
      own: () => ({ url: `/api/review/appeals/${take('appealDismissed1')}/escalate`, body: { reason: '请复议' } }),
      other: () => ({ url: `/api/review/appeals/${take('appealDismissed2')}/escalate`, body: { reason: '请复议' } }),
      expected: { ...signedIn(403), student: [201, 404], guardian: [201, 404] },
    },
    {
      route: 'POST /api/review/appeals/:id/bureau-decision',
      own: () => ({ url: `/api/review/appeals/${take('appealEscalated1')}/bureau-decision`, body: { outcome: 'dismissed', remark: '维持原决定' } }),
      other: () => ({ url: `/api/review/appeals/${take('appealEscalated2')}/bureau-decision`, body: { outcome: 'dismissed', remark: '维持原决定' } }),
      expected: { ...signedIn(403), city_admin: [201, 201], district_officer: [201, 404] },
    },
    { route: 'GET /api/review/settings', own: () => ({ url: '/api/review/settings' }), expected: signedIn(200) },
    { route: 'PUT /api/review/settings', own: () => ({ url: '/api/review/settings', body: { publicityMinWorkingDays: 5 } }), expected: { ...signedIn(403), city_admin: 200 } },
  ],
};
