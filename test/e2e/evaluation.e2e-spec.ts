import { EvaluationResultsService } from '../../src/modules/evaluation/evaluation-results.service';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { studentNumber } from '../helpers/roster-builders';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Evaluation (issue 7 points 1–2) over HTTP on a real PostgreSQL: rubric CRUD with the formula
 * sandbox at save time, the default rubric, a term run with provenance explained end to end,
 * in-use edit → 409, supersede, the quota check against a hand-computed fixture, graduation
 * combination by term weights, reproducibility, scope and audit.
 *
 * World: district D1 with schools S1 (10 students, junior, class J1 of 2024-2025) and S2
 * (3 students); terms 2024-2025-1 (T1) and 2024-2025-2 (T2): the cohort junior-2024.
 */
const CUTOFFS = { A: 85, B: 70, C: 60 };
const rule = (id: string, indicators: string[], formula: string, extra: Record<string, unknown> = {}) => ({ id, nameZh: `规则${id}`, nameEn: `Rule ${id}`, source: { indicators }, formula, ...extra });
const E2E_DEFINITION = {
  dimensions: {
    moral: {
      maxScore: 100,
      cutoffs: CUTOFFS,
      rules: [
        rule('conduct', ['moral.conduct_level'], 'level_points', { levelPoints: { A: 60, B: 50, C: 40, D: 25 } }),
        rule('volunteer', ['moral.volunteer_hours'], 'min(sum, 40) / 2'),
        { id: 'moral_activities', nameZh: '思想品德写实记录', nameEn: 'Moral activity records', source: { activities: {} }, formula: 'min(2 * count + 3 * count_level_at_least("区县级"), 20)' },
      ],
    },
    academic: { maxScore: 100, cutoffs: CUTOFFS, rules: [rule('math', ['academic.exam.math'], 'mean_percent')] },
    physical: { maxScore: 100, cutoffs: CUTOFFS, rules: [rule('exercise', ['physical.daily_exercise'], '20 * yes')] },
    aesthetic: { maxScore: 100, cutoffs: CUTOFFS, rules: [rule('practice', ['aesthetic.practice_hours'], 'min(sum, 10) * 2')] },
    labour: { maxScore: 100, cutoffs: CUTOFFS, rules: [rule('social', ['labour.social_practice_hours'], 'min(sum, 20)')] },
  },
  quota: { maxShareA: 0.3, exemptDimensions: ['moral'] },
  termWeights: { '1': 1, '2': 2 },
};

// Math (full marks 100) per student of S1 in T1 and T2, and of S2 in T1 and T2.
const S1_MATH_T1 = [98, 95, 92, 90, 90, 88, 86, 80, 72, 55];
const S1_MATH_T2 = [80, 95, 60, 90, 90, 88, 86, 80, 72, 55];
const S2_MATH_T1 = [99, 70, 50];
const S2_MATH_T2 = [99, 70, 50];

async function waitForJob(client: AuthedClient, jobId: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const job = await client.get(`/api/jobs/${jobId}`).expect(200);
    if (job.body.state === 'succeeded') return job.body;
    if (job.body.state === 'failed') throw new Error(`job failed: ${JSON.stringify(job.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error('job did not finish');
}

describe('evaluation: rubrics, runs, provenance, quotas, graduation', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let s1Students: string[];
  let s2Students: string[];
  let P: string;
  let rubricId: string;
  let termRunId: string;
  let district: AuthedClient;
  let teacherC1: AuthedClient;
  let teacherC2: AuthedClient;
  let guardianP: AuthedClient;
  let schoolAdminS2: AuthedClient;
  const recordIds: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.db.dataSource;
    ids = {};
    const [city] = await db.query(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
    const [d1] = await db.query(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id`, [city.id]);
    ids.city = city.id;
    ids.D1 = d1.id;
    [{ id: ids.T1 }] = await db.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id`);
    [{ id: ids.T2 }] = await db.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-2', '2024-2025', 2, '2025-02-17', '2025-07-10') RETURNING id`);
    const indicator = async (code: string) => (await db.query(`SELECT id FROM indicators WHERE code = $1`, [code]))[0].id as string;
    const math = await indicator('academic.exam.math');
    const conduct = await indicator('moral.conduct_level');
    const volunteer = await indicator('moral.volunteer_hours');
    const exercise = await indicator('physical.daily_exercise');
    const students: string[][] = [];
    for (const [s, size] of [[1, 10], [2, 3]] as const) {
      const [school] = await db.query(`INSERT INTO schools (code, name, stage, region_id) VALUES ($1, $2, 'junior', $3) RETURNING id`, [`311503020${s}`, `第${s}中学`, d1.id]);
      const [klass] = await db.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '1班') RETURNING id`, [school.id]);
      ids[`S${s}`] = school.id;
      ids[`C${s}`] = klass.id;
      const list: string[] = [];
      for (let i = 0; i < size; i += 1) {
        const [student] = await db.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '学生', '1', '2012-01-01', '01', $2) RETURNING id`, [
          studentNumber('20120101', String(100 * s + i)),
          school.id,
        ]);
        for (const term of [ids.T1, ids.T2]) await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [student.id, klass.id, term, school.id]);
        list.push(student.id);
      }
      students.push(list);
    }
    [s1Students, s2Students] = students;
    P = s1Students[0];
    const termRecord = async (student: string, school: string, term: string, indicatorId: string, value: { numeric?: number; text?: string; marker?: string }, occasion = '', fullMarks: number | null = null) => {
      const [row] = await db.query(
        `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, text_value, marker, full_marks, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'school_import') RETURNING id`,
        [school, student, term, indicatorId, occasion, occasion ? 'final' : null, occasion ? occasion.split('|')[1] : null, value.numeric ?? null, value.text ?? null, value.marker ?? null, fullMarks],
      );
      return row.id as string;
    };
    for (const [school, list, t1, t2] of [[ids.S1, s1Students, S1_MATH_T1, S1_MATH_T2], [ids.S2, s2Students, S2_MATH_T1, S2_MATH_T2]] as const) {
      for (const [index, student] of list.entries()) {
        recordIds[`math1-${student}`] = await termRecord(student, school, ids.T1, math, { numeric: t1[index] }, 'final|2025-01-15', 100);
        recordIds[`math2-${student}`] = await termRecord(student, school, ids.T2, math, { numeric: t2[index] }, 'final|2025-07-01', 100);
      }
    }
    // P's moral records in T1: conduct A, volunteer 12 h + 6.5 h, daily exercise yes.
    recordIds.conduct = await termRecord(P, ids.S1, ids.T1, conduct, { text: 'A' });
    recordIds.vol1 = await termRecord(P, ids.S1, ids.T1, volunteer, { numeric: 12 }, '');
    recordIds.vol2 = await termRecord(P, ids.S1, ids.T2, volunteer, { numeric: 99 }, ''); // another term: not counted in T1
    recordIds.exercise = await termRecord(P, ids.S1, ids.T1, exercise, { text: 'true' });
    await db.query(`UPDATE term_records SET numeric_value = 18.5 WHERE id = $1`, [recordIds.vol1]);
    const activity = async (title: string, level: string | null, status: string, source = 'school_import', dimension = 'moral') => {
      const [row] = await db.query(
        `INSERT INTO activity_records (school_id, student_id, term_id, dimension, record_type, title, level, role, start_date, hours, source, status)
         VALUES ($1, $2, $3, $4, '志愿服务', $5, $6, 'participant', '2024-10-01', 2, $7, $8) RETURNING id`,
        [ids.S1, P, ids.T1, dimension, title, level, source, status],
      );
      return row.id as string;
    };
    recordIds.actSchool = await activity('校园清洁', 'school', 'VERIFIED');
    recordIds.actCity = await activity('市级志愿活动', 'city', 'CONFIRMED');
    recordIds.actNational = await activity('全国主题教育', 'national', 'PUBLICITY_PASSED');
    recordIds.actRevoked = await activity('已撤销记录', 'national', 'REVOKED');
    recordIds.actUnconfirmed = await activity('教师代录未确认', 'city', 'VERIFIED', 'teacher_on_behalf');
    recordIds.actLabour = await activity('劳动记录', 'city', 'VERIFIED', 'school_import', 'labour');

    district = await signedInAs(t.app, db, [{ role: 'district_officer', regionId: ids.D1 }]);
    teacherC1 = await signedInAs(t.app, db, [{ role: 'teacher', classId: ids.C1 }]);
    teacherC2 = await signedInAs(t.app, db, [{ role: 'teacher', classId: ids.C2 }]);
    guardianP = await signedInAs(t.app, db, [{ role: 'guardian', studentId: P }]);
    schoolAdminS2 = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: ids.S2 }]);
  }, 180_000);
  afterAll(() => t.close());

  describe('rubrics', () => {
    it('ships the default rubric (version 1, built in, all five dimensions, quota with moral exempt)', async () => {
      const list = await guardianP.get('/api/evaluation/rubrics').expect(200);
      const seeded = list.body.items.find((r: { code: string }) => r.code === 'default');
      expect(seeded).toMatchObject({ version: 1, builtIn: true, inUse: false, supersededAt: null });
      expect(Object.keys(seeded.definition.dimensions).sort()).toEqual(['academic', 'aesthetic', 'labour', 'moral', 'physical']); // jsonb orders keys its own way
      expect(seeded.definition.quota).toEqual({ maxShareA: 0.3, exemptDimensions: ['moral'] });
      // it passes the same check as any saved rubric
      const copy = await t.admin.post('/api/evaluation/rubrics').send({ code: 'default-copy', nameZh: '默认方案副本', nameEn: 'Copy', definition: seeded.definition }).expect(201);
      expect(copy.body.definition).toMatchObject(seeded.definition); // the saved copy is normalised (weight 1 written out)
    });

    it('refuses a dangerous formula at save time with a 400 naming the offending part, and stores nothing', async () => {
      const before = (await t.admin.get('/api/evaluation/rubrics').expect(200)).body.items.length;
      for (const [formula, part] of [
        ['import({x: 1}, {override: true})', 'import'],
        ['createUnit("lap")', 'createUnit'],
        ['sum = 1', 'sum = 1'],
        ['f(x) = x', 'f(x) = x'],
        ['sum.constructor', 'sum.constructor'],
      ]) {
        const definition = structuredClone(E2E_DEFINITION);
        (definition.dimensions.moral.rules[1] as { formula: string }).formula = formula;
        const response = await t.admin.post('/api/evaluation/rubrics').send({ code: 'evil', nameZh: '恶意', nameEn: 'Evil', definition }).expect(400);
        expect(response.body).toMatchObject({ code: 'INVALID_FORMULA', messageZh: expect.stringContaining(part) });
        expect(response.body.message).toContain('dimensions.moral.rules[1].formula');
        expect(response.body.message).toContain(part);
        expect(response.body.details[0]).toMatchObject({ field: 'dimensions.moral.rules[1].formula', value: part });
      }
      const unknown = await t.admin.post('/api/evaluation/rubrics').send({ code: 'evil', nameZh: '恶意', nameEn: 'Evil', definition: { ...E2E_DEFINITION, quota: { maxShareA: 2 } } }).expect(400);
      expect(unknown.body).toMatchObject({ code: 'INVALID_RUBRIC', details: [{ field: 'quota.maxShareA' }] });
      expect((await t.admin.get('/api/evaluation/rubrics').expect(200)).body.items.length).toBe(before);
    });

    it('creates a rubric, edits it while unused, assigns it to the cohort', async () => {
      const created = await district.post('/api/evaluation/rubrics').send({ code: 'e2e', nameZh: '测试方案', nameEn: 'E2E rubric', definition: { ...E2E_DEFINITION, quota: null } }).expect(201);
      rubricId = created.body.id;
      expect(created.body).toMatchObject({ code: 'e2e', version: 1, inUse: false });
      await t.admin.post('/api/evaluation/rubrics').send({ code: 'e2e', nameZh: '重复', nameEn: 'Duplicate', definition: E2E_DEFINITION }).expect(409);
      const edited = await district.put(`/api/evaluation/rubrics/${rubricId}`).send({ nameZh: '测试方案', nameEn: 'E2E rubric', definition: E2E_DEFINITION }).expect(200);
      expect(edited.body.definition.quota).toEqual({ maxShareA: 0.3, exemptDimensions: ['moral'] });
      const assignment = await district.put('/api/evaluation/assignments').send({ stage: 'junior', entryYear: 2024, rubricId }).expect(200);
      expect(assignment.body).toMatchObject({ stage: 'junior', entryYear: 2024, regionId: null, rubricId });
      await schoolAdminS2.put('/api/evaluation/assignments').send({ stage: 'junior', entryYear: 2024, rubricId }).expect(403);
    });
  });

  describe('a term run', () => {
    beforeAll(async () => {
      const run = await district.post('/api/evaluation/runs').send({ termId: ids.T1, stage: 'junior', entryYear: 2024 }).expect(202);
      termRunId = run.body.id;
      await waitForJob(district, run.body.jobId);
    });

    it('stores rubric version, input hash, engine version and counts', async () => {
      const run = await district.get(`/api/evaluation/runs/${termRunId}`).expect(200);
      expect(run.body).toMatchObject({ kind: 'term', state: 'succeeded', rubricId, termId: ids.T1, cohort: { stage: 'junior', entryYear: 2024, regionId: null }, engineVersion: expect.stringMatching(/^wuyu-scoring-core\//) });
      expect(run.body.inputHash).toMatch(/^[0-9a-f]{64}$/);
      expect(run.body.summary).toMatchObject({ students: 13, results: 65, schools: 2 });
    });

    it('explains a level to a parent: rules, terms, values and the ids of the records behind every point', async () => {
      const response = await guardianP.get(`/api/evaluation/students/${P}/explanation?termId=${ids.T1}&dimension=moral`).expect(200);
      expect(response.body.explanations).toHaveLength(1);
      const [moral] = response.body.explanations;
      // 60 (conduct A) + min(18.5, 40)/2 = 9.25 + min(2·3 + 3·2, 20) = 12 → 81.25 → B (A from 85)
      expect(moral).toMatchObject({ dimension: 'moral', termId: ids.T1, runId: termRunId, score: 81.25, level: 'B', computedLevel: 'B' });
      const rules = moral.provenance.rules;
      expect(rules.map((r: { ruleId: string; weightedPoints: number }) => [r.ruleId, r.weightedPoints])).toEqual([['conduct', 60], ['volunteer', 9.25], ['moral_activities', 12]]);
      expect(rules[0].terms[0].inputs).toEqual([{ key: 'level_points', value: 60, recordIds: [recordIds.conduct] }]);
      expect(rules[1].terms[0].inputs).toEqual([{ key: 'sum', value: 18.5, recordIds: [recordIds.vol1] }]);
      // revoked, unconfirmed teacher-on-behalf and other-dimension records do not count
      expect(rules[2].recordIds).toEqual([recordIds.actSchool, recordIds.actCity, recordIds.actNational].sort());
      expect(rules[2].terms[0].inputs).toEqual([
        { key: 'count', value: 3, recordIds: [recordIds.actSchool, recordIds.actCity, recordIds.actNational].sort() },
        { key: 'count_level_at_least__district', value: 2, recordIds: [recordIds.actCity, recordIds.actNational].sort() },
      ]);
      expect(moral.summary.textZh).toContain('81.25分');
      expect(moral.summary.textZh).toContain('B（良好）');
      const text = moral.lines.map((l: { text: string }) => l.text).join('\n');
      expect(text).toContain(recordIds.conduct);
      expect(text).toContain('count_level_at_least("district") = 2');
      // the student's results view agrees
      const results = await guardianP.get(`/api/evaluation/students/${P}/results`).expect(200);
      expect(results.body.terms).toHaveLength(1);
      expect(results.body.terms[0]).toMatchObject({ termId: ids.T1, runId: termRunId, rubric: { id: rubricId, code: 'e2e', version: 1 } });
      expect(results.body.terms[0].dimensions.find((d: { dimension: string }) => d.dimension === 'moral')).toEqual({ dimension: 'moral', score: 81.25, level: 'B', computedLevel: 'B', quotaAdjusted: false });
    });

    it('checks the A quota per school against the hand-computed fixture', async () => {
      const report = await district.get(`/api/evaluation/runs/${termRunId}/quota`).expect(200);
      expect(report.body.quota).toEqual({ maxShareA: 0.3, exemptDimensions: ['moral'] });
      const group = (school: string, dimension: string) => report.body.groups.find((g: { schoolId: string; dimension: string }) => g.schoolId === school && g.dimension === dimension);
      // S1 math: A = 98, 95, 92, 90, 90, 88, 86 (7); ⌊0.3·10⌋ = 3; the 4th A scores 90 → 90, 90, 88, 86 become B.
      expect(group(ids.S1, 'academic')).toMatchObject({ students: 10, allowedA: 3, boundaryScore: 90, computed: { A: 7, B: 2, C: 0, D: 1 }, final: { A: 3, B: 6, C: 0, D: 1 } });
      expect(group(ids.S1, 'academic').demoted).toEqual([3, 4, 5, 6].map((i) => ({ studentId: s1Students[i], score: S1_MATH_T1[i] })).sort((a, b) => b.score - a.score || (a.studentId < b.studentId ? -1 : 1)));
      // S2: 3 students → ⌊0.9⌋ = 0 A: the 99 becomes B.
      expect(group(ids.S2, 'academic')).toMatchObject({ students: 3, allowedA: 0, computed: { A: 1 }, final: { A: 0, B: 2 }, demoted: [{ studentId: s2Students[0], score: 99 }] });
      expect(group(ids.S1, 'moral')).toMatchObject({ exempt: true, allowedA: null, demoted: [] });
      // the affected student's result says why
      const explained = await district.get(`/api/evaluation/students/${s1Students[3]}/explanation?termId=${ids.T1}&dimension=academic`).expect(200);
      expect(explained.body.explanations[0]).toMatchObject({ score: 90, computedLevel: 'A', level: 'B' });
      expect(explained.body.explanations[0].lines.at(-1).textZh).toContain('调整为B');
      // a school sees its own groups only; distribution is counts per school, and per district for the bureau
      const own = await schoolAdminS2.get(`/api/evaluation/runs/${termRunId}/quota`).expect(200);
      expect(new Set(own.body.groups.map((g: { schoolId: string }) => g.schoolId))).toEqual(new Set([ids.S2]));
      const distribution = await district.get(`/api/evaluation/runs/${termRunId}/distribution`).expect(200);
      const s1 = distribution.body.schools.find((s: { schoolId: string }) => s.schoolId === ids.S1);
      expect(s1.dimensions.find((d: { dimension: string }) => d.dimension === 'academic')).toEqual({ dimension: 'academic', students: 10, levels: { A: 3, B: 6, C: 0, D: 1 }, computedLevels: { A: 7, B: 2, C: 0, D: 1 } });
      expect(distribution.body.regions).toEqual([expect.objectContaining({ regionId: ids.D1 })]);
      const schoolView = await schoolAdminS2.get(`/api/evaluation/runs/${termRunId}/distribution`).expect(200);
      expect(schoolView.body.schools.map((s: { schoolId: string }) => s.schoolId)).toEqual([ids.S2]);
      expect(schoolView.body.regions).toEqual([]);
    });

    it('reads student rows through the data scope, and audits bureau reads of student-level data', async () => {
      const teacherRows = await teacherC1.get(`/api/evaluation/runs/${termRunId}/results?pageSize=200`).expect(200);
      expect(new Set(teacherRows.body.items.map((r: { studentId: string }) => r.studentId))).toEqual(new Set(s1Students));
      expect(teacherRows.body.total).toBe(50);
      await teacherC2.get(`/api/evaluation/students/${P}/explanation`).expect(404);
      await teacherC2.get(`/api/evaluation/students/${P}/results`).expect(404);
      await district.get(`/api/evaluation/students/${P}/results`).expect(200);
      const audit = await t.db.dataSource.query(`SELECT action, target_id FROM audit_events WHERE actor_username = $1 AND action = 'read.evaluation'`, [district.user.username]);
      expect(audit).toEqual(expect.arrayContaining([{ action: 'read.evaluation', target_id: P }]));
      const teacherAudit = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE actor_username = $1 AND action LIKE 'read.%'`, [teacherC1.user.username]);
      expect(teacherAudit[0].n).toBe(0);
    });

    it('is reproducible: a second run on the same data has the same input hash and the same results', async () => {
      const again = await district.post('/api/evaluation/runs').send({ termId: ids.T1, stage: 'junior', entryYear: 2024 }).expect(202);
      await waitForJob(district, again.body.jobId);
      const [first, second] = await Promise.all([termRunId, again.body.id].map((id) => district.get(`/api/evaluation/runs/${id}`).expect(200)));
      expect(second.body.inputHash).toBe(first.body.inputHash);
      const rows = (runId: string) =>
        t.db.dataSource.query(`SELECT student_id, dimension, score, computed_level, level, quota_adjusted, provenance FROM evaluation_results WHERE run_id = $1 ORDER BY student_id, dimension`, [runId]);
      expect(await rows(again.body.id)).toEqual(await rows(termRunId));
      // a changed record changes the hash
      await t.db.dataSource.query(`UPDATE term_records SET numeric_value = 97, version = version + 1 WHERE id = $1`, [recordIds[`math1-${P}`]]);
      const third = await district.post('/api/evaluation/runs').send({ termId: ids.T1, stage: 'junior', entryYear: 2024 }).expect(202);
      await waitForJob(district, third.body.jobId);
      const thirdRun = await district.get(`/api/evaluation/runs/${third.body.id}`).expect(200);
      expect(thirdRun.body.inputHash).not.toBe(first.body.inputHash);
      await t.db.dataSource.query(`UPDATE term_records SET numeric_value = 98, version = version + 1 WHERE id = $1`, [recordIds[`math1-${P}`]]);
      const fourth = await district.post('/api/evaluation/runs').send({ termId: ids.T1, stage: 'junior', entryYear: 2024 }).expect(202);
      await waitForJob(district, fourth.body.jobId);
      termRunId = fourth.body.id;
    });

    it('refuses a run for a cohort without a rubric, and for an empty cohort the job fails with EMPTY_COHORT', async () => {
      const none = await district.post('/api/evaluation/runs').send({ termId: ids.T1, stage: 'senior', entryYear: 2024 }).expect(400);
      expect(none.body.code).toBe('RUBRIC_NOT_ASSIGNED');
      await district.put('/api/evaluation/assignments').send({ stage: 'junior', entryYear: 2023, rubricId }).expect(200);
      const empty = await district.post('/api/evaluation/runs').send({ termId: ids.T1, stage: 'junior', entryYear: 2023 }).expect(202);
      for (let attempt = 0; ; attempt += 1) {
        const job = await district.get(`/api/jobs/${empty.body.jobId}`).expect(200);
        if (job.body.state === 'failed') {
          expect(job.body.error.code).toBe('EMPTY_COHORT');
          break;
        }
        if (attempt > 200) throw new Error('job did not fail');
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect((await district.get(`/api/evaluation/runs/${empty.body.id}`).expect(200)).body).toMatchObject({ state: 'failed', error: { code: 'EMPTY_COHORT' } });
    });
  });

  describe('versions', () => {
    it('refuses to edit a rubric in use (409) and leaves it unchanged', async () => {
      const before = await t.admin.get(`/api/evaluation/rubrics/${rubricId}`).expect(200);
      expect(before.body.inUse).toBe(true);
      const response = await district.put(`/api/evaluation/rubrics/${rubricId}`).send({ nameZh: '改', nameEn: 'Changed', definition: { ...E2E_DEFINITION, quota: null } }).expect(409);
      expect(response.body).toMatchObject({ code: 'RUBRIC_IN_USE', messageZh: expect.stringContaining('不能修改') });
      expect((await t.admin.get(`/api/evaluation/rubrics/${rubricId}`).expect(200)).body).toEqual(before.body);
    });

    it('supersedes it with version 2, which takes over the cohort; version 1 stays readable and frozen', async () => {
      const definition = structuredClone(E2E_DEFINITION);
      definition.dimensions.moral.rules[1].formula = 'min(sum, 40)';
      const next = await district.post(`/api/evaluation/rubrics/${rubricId}/supersede`).send({ nameZh: '测试方案', nameEn: 'E2E rubric', definition }).expect(201);
      expect(next.body).toMatchObject({ code: 'e2e', version: 2, supersedesId: rubricId, inUse: false });
      const old = await t.admin.get(`/api/evaluation/rubrics/${rubricId}`).expect(200);
      expect(old.body.supersededAt).not.toBeNull();
      await district.post(`/api/evaluation/rubrics/${rubricId}/supersede`).send({ nameZh: 'x', nameEn: 'x', definition }).expect(409);
      const assignments = await district.get('/api/evaluation/assignments').expect(200);
      expect(assignments.body.items.filter((a: { rubricId: string }) => a.rubricId === rubricId)).toEqual([]);
      expect(assignments.body.items.find((a: { entryYear: number }) => a.entryYear === 2024).rubricId).toBe(next.body.id);
      // a new run uses version 2: volunteer now counts 18.5 instead of 9.25
      const run = await district.post('/api/evaluation/runs').send({ termId: ids.T1, stage: 'junior', entryYear: 2024 }).expect(202);
      expect(run.body.rubricId).toBe(next.body.id);
      await waitForJob(district, run.body.jobId);
      const results = await guardianP.get(`/api/evaluation/students/${P}/results`).expect(200);
      expect(results.body.terms[0]).toMatchObject({ runId: run.body.id, rubric: { version: 2 } });
      expect(results.body.terms[0].dimensions[0]).toMatchObject({ dimension: 'moral', score: 90.5, level: 'A' });
      // the earlier run keeps its version's results
      const oldRows = await t.db.dataSource.query(`SELECT score FROM evaluation_results WHERE run_id = $1 AND student_id = $2 AND dimension = 'moral'`, [termRunId, P]);
      expect(oldRows).toEqual([{ score: 81.25 }]);
      termRunId = run.body.id;
    });
  });

  describe('graduation', () => {
    it('combines the latest term results by the term weights (hand-checked), with its own quota check', async () => {
      const t2 = await district.post('/api/evaluation/runs').send({ termId: ids.T2, stage: 'junior', entryYear: 2024 }).expect(202);
      await waitForJob(district, t2.body.jobId);
      const graduation = await district.post('/api/evaluation/graduation-runs').send({ stage: 'junior', entryYear: 2024 }).expect(202);
      await waitForJob(district, graduation.body.jobId);
      const run = await district.get(`/api/evaluation/runs/${graduation.body.id}`).expect(200);
      expect(run.body).toMatchObject({ kind: 'graduation', state: 'succeeded', termId: null });
      expect(run.body.summary.termRuns).toEqual([termRunId, t2.body.id].sort());
      const results = await guardianP.get(`/api/evaluation/students/${P}/results`).expect(200);
      const academic = results.body.graduation.dimensions.find((d: { dimension: string }) => d.dimension === 'academic');
      // (98·1 + 80·2) / 3 = 86 → A by the cut-offs; S1's graduation A: 95 (s1), 90, 90, 88, 86, 86 (s0 = P):
      // ⌊0.3·10⌋ = 3, the 4th scores 88 → 88, 86, 86 become B, so P is B.
      expect(academic).toMatchObject({ score: 86, computedLevel: 'A', level: 'B', quotaAdjusted: true, missingPositions: [] });
      expect(academic.terms.map((x: { position: number; weight: number; score: number }) => [x.position, x.weight, x.score])).toEqual([[1, 1, 98], [2, 2, 80]]);
      const explained = await guardianP.get(`/api/evaluation/students/${P}/explanation?dimension=academic`).expect(200);
      const grad = explained.body.explanations.find((e: { termId: string | null }) => e.termId === null);
      expect(grad.lines.map((l: { textZh: string }) => l.textZh)).toEqual(expect.arrayContaining([expect.stringContaining('2024-2025-2学期（本学段第2学期）：80分 × 权重2')]));
      const quota = await district.get(`/api/evaluation/runs/${graduation.body.id}/quota`).expect(200);
      const group = quota.body.groups.find((g: { schoolId: string; dimension: string }) => g.schoolId === ids.S1 && g.dimension === 'academic');
      expect(group).toMatchObject({ allowedA: 3, boundaryScore: 88, computed: { A: 6 }, final: { A: 3 } });
      expect(group.demoted.map((d: { studentId: string }) => d.studentId).sort()).toEqual([s1Students[0], s1Students[5], s1Students[6]].sort());
    });

    it('serves other modules through EvaluationResultsService (term results, graduation, levels in bulk, scoped or not)', async () => {
      const service = t.app.get(EvaluationResultsService);
      const terms = await service.termResultsForStudent(P);
      expect(terms.map((term) => term.termCode)).toEqual(['2024-2025-1', '2024-2025-2']);
      expect(terms[0].dimensions.map((d) => d.dimension)).toEqual(['moral', 'academic', 'physical', 'aesthetic', 'labour']);
      const graduation = await service.graduationResultForStudent(P);
      expect(graduation?.dimensions.find((d) => d.dimension === 'academic')).toMatchObject({ score: 86, level: 'B', computedLevel: 'A' });
      const unknown = '00000000-0000-4000-8000-000000000000';
      const levels = await service.levelsForStudents([P, s2Students[0], unknown]);
      expect([...levels.keys()].sort()).toEqual([P, s2Students[0]].sort());
      expect(levels.get(P)).toMatchObject({ source: 'graduation', termCode: null, levels: { academic: 'B', moral: 'D' }, scores: { academic: 86, moral: 56.83 } }); // moral: (90.5 + 2·40) / 3
      expect(levels.get(s2Students[0])).toMatchObject({ source: 'graduation', levels: { academic: 'B' } });
      // with a scope (class C1's teacher), students outside it are absent
      const scoped = await service.levelsForStudents([P, s2Students[0]], { all: false, schoolIds: [], classIds: [ids.C1], studentIds: [] });
      expect([...scoped.keys()]).toEqual([P]);
      expect(await service.termResultsForStudent(s2Students[0], { all: false, schoolIds: [], classIds: [ids.C1], studentIds: [] })).toEqual([]);
      expect(await service.graduationResultForStudent(s2Students[0], { all: false, schoolIds: [ids.S1], classIds: [], studentIds: [] })).toBeNull();
    });
  });
});
