import { estimateValueAdded, type ValueAddedModelName } from '../../src/scoring-core';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { studentNumber } from '../helpers/roster-builders';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Value-added service (issue 6, point 4): a cohort of 3 schools × 30 students with a prior
 * (期中 math) and an outcome (期末 math) exam, plus students who must be excluded.
 */
interface Student {
  id: string;
  schoolId: string;
  female: number;
  prior: string | null;
  outcome: string | null;
}

const PRIOR = { examType: 'midterm', examDate: '2024-11-10', subject: 'academic.exam.math' };
const OUTCOME = { examType: 'final', examDate: '2025-01-15', subject: 'academic.exam.math' };

/** A small deterministic generator (the data must be the same on every run of the test). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('value-added studies and runs', () => {
  let t: TestApp;
  let termId: string;
  let schools: string[];
  let included: Student[];
  let schoolAdmin: AuthedClient;
  let teacher: AuthedClient;
  let district: AuthedClient;

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.db.dataSource;
    const [city] = await db.query(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
    const [d1] = await db.query(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id`, [city.id]);
    [{ id: termId }] = await db.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id`);
    const [{ id: math }] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.math'`);
    schools = [];
    const classes: string[] = [];
    for (let s = 0; s < 3; s += 1) {
      const [school] = await db.query(`INSERT INTO schools (code, name, stage, region_id) VALUES ($1, $2, 'junior', $3) RETURNING id`, [`311503020${s + 1}`, `第${s + 1}中学`, d1.id]);
      const [klass] = await db.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '1班') RETURNING id`, [school.id]);
      schools.push(school.id);
      classes.push(klass.id);
    }
    const random = lcg(20250115);
    const normal = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    const effects = [-4, 0, 4];
    const students: Student[] = [];
    let sequence = 100;
    const addStudent = async (s: number, sex: string, prior: string | null, outcome: string | null, outcomeMarker: string | null = null) => {
      sequence += 1;
      const [row] = await db.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '学生', $2, '2012-03-05', '01', $3) RETURNING id`, [
        studentNumber('20120305', String(sequence)),
        sex,
        schools[s],
      ]);
      await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [row.id, classes[s], termId, schools[s]]);
      const record = (occasion: typeof PRIOR, value: string | null, marker: string | null) =>
        db.query(
          `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, marker, full_marks, source)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 100, 'school_import')`,
          [schools[s], row.id, termId, math, `${occasion.examType}|${occasion.examDate}`, occasion.examType, occasion.examDate, value, marker],
        );
      if (prior !== null) await record(PRIOR, prior, null);
      if (outcome !== null || outcomeMarker !== null) await record(OUTCOME, outcome, outcomeMarker);
      return { id: row.id as string, schoolId: schools[s], female: sex === '2' ? 1 : 0, prior, outcome };
    };
    for (let s = 0; s < 3; s += 1) {
      for (let i = 0; i < 30; i += 1) {
        const prior = Math.round((60 + 10 * normal()) * 10) / 10;
        const outcome = Math.round((10 + 0.85 * prior + effects[s] + 4 * normal()) * 10) / 10;
        students.push(await addStudent(s, i % 2 === 0 ? '2' : '1', prior.toFixed(1), outcome.toFixed(1)));
      }
    }
    included = [...students];
    // Excluded, one reason each: absent at the outcome (缺考), no outcome record, no prior record, unknown sex (covariate).
    await addStudent(0, '1', '55.0', null, 'absent');
    await addStudent(1, '1', '61.0', null);
    await addStudent(1, '2', null, '70.0');
    await addStudent(2, '9', '58.0', '66.0');
    included.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    schoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: schools[0] }]);
    teacher = await signedInAs(t.app, db, [{ role: 'teacher', classId: classes[0] }]);
    district = await signedInAs(t.app, db, [{ role: 'district_officer', regionId: d1.id }]);
  }, 180_000);
  afterAll(() => t.close());

  const studyBody = (overrides: Record<string, unknown> = {}) => ({
    name: '初一数学增值',
    outcome: { termId, ...OUTCOME },
    priors: [{ termId, ...PRIOR }],
    covariates: ['female'],
    grouping: 'school',
    model: 'ols',
    minGroupSize: 10,
    ...overrides,
  });

  /** Waits for a run's job, checking the job's progress is visible while it runs and complete after. */
  async function finishedRun(client: AuthedClient, runId: string, jobId: string) {
    for (let attempt = 0; attempt < 240; attempt += 1) {
      const job = await client.get(`/api/jobs/${jobId}`).expect(200);
      expect(job.body.type).toBe('value-added-run');
      if (job.body.state === 'succeeded' || job.body.state === 'failed') {
        if (job.body.state === 'succeeded') expect(job.body.progress.done).toBe(job.body.progress.total);
        return { job: job.body, run: (await client.get(`/api/value-added/runs/${runId}`).expect(200)).body };
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`run ${runId} did not finish`);
  }

  async function run(client: AuthedClient, studyId: string, models?: ValueAddedModelName[]) {
    const created = await client.post(`/api/value-added/studies/${studyId}/runs`).send(models ? { models } : {}).expect(202);
    expect(created.body.state).toBe('queued');
    return finishedRun(client, created.body.id, created.body.jobId);
  }

  /** What the scoring core gives on the same students, in the same order. */
  function coreResult(model: ValueAddedModelName, withFemale: boolean) {
    const groupIds = [...new Set(included.map((s) => s.schoolId))].sort();
    return {
      groupIds,
      result: estimateValueAdded(model, {
        outcome: Float64Array.from(included, (s) => Number(s.outcome)),
        priors: [Float64Array.from(included, (s) => Number(s.prior))],
        priorNames: ['prior1'],
        covariates: withFemale ? [Float64Array.from(included, (s) => s.female)] : [],
        covariateNames: withFemale ? ['female'] : [],
        groupIndex: Int32Array.from(included, (s) => groupIds.indexOf(s.schoolId)),
        groupCount: groupIds.length,
        minGroupSize: 10,
      }),
    };
  }

  it('a run stores the scoring core’s group estimates, the exclusions by reason, the input hash, parameters and engine version', async () => {
    const study = await t.admin.post('/api/value-added/studies').send(studyBody()).expect(201);
    expect(study.body).toMatchObject({ grouping: 'school', model: 'ols', covariates: ['female'], minGroupSize: 10 });
    const { job, run: result } = await run(t.admin, study.body.id);
    expect(job.state).toBe('succeeded');
    expect(result.state).toBe('succeeded');
    expect(result.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.engineVersion).toMatch(/^wuyu-scoring-core\//);
    expect(result.parameters).toMatchObject({ grouping: 'school', covariates: ['female'], minGroupSize: 10, models: ['ols'] });
    expect(result.summary.cohort).toEqual({
      population: 94,
      included: 90,
      groups: 3,
      excluded: { missing_outcome: 1, outcome_marker: 1, incomplete_outcome: 0, missing_prior: 1, prior_marker: 0, incomplete_prior: 0, missing_covariate: 1, no_class: 0 },
    });
    const { groupIds, result: core } = coreResult('ols', true);
    expect(result.summary.models[0]).toMatchObject({ model: 'ols', n: 90 });
    expect(result.summary.models[0].coefficients).toEqual(Array.from(core.leastSquares!.coefficients));
    expect(result.groups.map((g: { groupId: string }) => g.groupId)).toEqual(groupIds);
    result.groups.forEach((group: Record<string, number | string>, index: number) => {
      expect(group.n).toBe(core.groups.size[index]);
      expect(group.estimate).toBe(core.groups.estimate[index]);
      expect(group.se).toBe(core.groups.standardError[index]);
      expect(group.ciLow).toBe(core.groups.ciLow[index]);
      expect(group.ciHigh).toBe(core.groups.ciHigh[index]);
      expect(group.category).toBe(core.groups.category[index]);
    });
    // The simulated school effects are −4, 0, +4: the first and last school stand out.
    const bySchool = Object.fromEntries(result.groups.map((g: { groupId: string; category: string }) => [g.groupId, g.category]));
    expect(bySchool[schools[0]]).toBe('below');
    expect(bySchool[schools[2]]).toBe('above');
    // No student-level value is stored anywhere.
    const [columns] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name LIKE 'value_added_%' AND column_name = 'student_id'`);
    expect(columns.n).toBe(0);
  }, 120_000);

  it('re-running on unchanged data gives byte-identical results; a changed score changes the hash', async () => {
    const study = await t.admin.post('/api/value-added/studies').send(studyBody({ model: 'multilevel', name: '多水平' })).expect(201);
    const first = (await run(t.admin, study.body.id)).run;
    const second = (await run(t.admin, study.body.id)).run;
    const stable = (r: Record<string, unknown>) => JSON.stringify({ ...r, id: undefined, jobId: undefined, createdAt: undefined, finishedAt: undefined });
    expect(second.id).not.toBe(first.id);
    expect(stable(second)).toBe(stable(first));
    const stored = async (runId: string) =>
      (await t.db.dataSource.query(`SELECT string_agg(concat_ws('|', model, group_id, n, estimate::text, se::text, ci_low::text, ci_high::text, category, reliability::text, rank::text), ';' ORDER BY model, group_id) AS rows FROM value_added_group_results WHERE run_id = $1`, [runId]))[0].rows;
    expect(await stored(second.id)).toBe(await stored(first.id));
    const { result: core } = coreResult('multilevel', true);
    first.groups.forEach((group: Record<string, number>, index: number) => {
      expect(group.estimate).toBe(core.groups.estimate[index]);
      expect(group.reliability).toBe(core.groups.reliability![index]);
    });

    // The same scores written as 67.50 instead of 67.5 are the same cohort: same hash.
    const db = t.db.dataSource;
    const [record] = await db.query(`SELECT id, numeric_value::text AS v FROM term_records WHERE student_id = $1 AND occasion_key = 'final|2025-01-15'`, [included[0].id]);
    await db.query(`UPDATE term_records SET numeric_value = $2::numeric(6,2) WHERE id = $1`, [record.id, Number(record.v).toFixed(2)]);
    expect((await run(t.admin, study.body.id)).run.inputHash).toBe(first.inputHash);
    await db.query(`UPDATE term_records SET numeric_value = numeric_value + 1 WHERE id = $1`, [record.id]);
    const changed = (await run(t.admin, study.body.id)).run;
    expect(changed.inputHash).not.toBe(first.inputHash);
    await db.query(`UPDATE term_records SET numeric_value = $2 WHERE id = $1`, [record.id, record.v]);
  }, 180_000);

  it('a method comparison runs several models and reports Spearman correlations and category differences', async () => {
    const study = await t.admin.post('/api/value-added/studies').send(studyBody({ name: '方法比较', minGroupSize: 25 })).expect(201);
    const models: ValueAddedModelName[] = ['zgain', 'prgain', 'ols', 'multilevel'];
    const { run: result } = await run(t.admin, study.body.id, models);
    expect(result.models).toEqual(models);
    expect(result.groups).toHaveLength(12);
    expect(result.summary.models.map((m: { model: string }) => m.model)).toEqual(models);
    expect(result.comparison.groupsCompared).toBe(3);
    expect(result.comparison.correlations.map((c: { models: string[] }) => c.models.join('-'))).toEqual(['zgain-prgain', 'zgain-ols', 'zgain-multilevel', 'prgain-ols', 'prgain-multilevel', 'ols-multilevel']);
    // Spearman's ρ from the core's estimates, independently: with 3 groups, ρ = 1 − 6Σd²/(n(n²−1)).
    const estimates = Object.fromEntries(models.map((m) => [m, coreResult(m, true).result.groups]));
    const ranks = (values: Float64Array) => Array.from(values, (v) => 1 + Array.from(values).filter((w) => w < v).length);
    for (const { models: [a, b], spearman } of result.comparison.correlations) {
      const ra = ranks(estimates[a].estimate);
      const rb = ranks(estimates[b].estimate);
      const d2 = ra.reduce((sum, r, i) => sum + (r - rb[i]) ** 2, 0);
      expect(spearman).toBeCloseTo(1 - (6 * d2) / (3 * 8), 12);
    }
    const expectedDifferences = [...new Set(included.map((s) => s.schoolId))].sort().flatMap((id, index) => {
      const categories = Object.fromEntries(models.map((m) => [m, estimates[m].category[index]]));
      return new Set(Object.values(categories)).size > 1 ? [{ groupId: id, schoolId: id, categories }] : [];
    });
    expect(result.comparison.categoryDifferences).toEqual(expectedDifferences);
    // A school sees its own category differences only, in the run and in the study's run list.
    const ownDifferences = expectedDifferences.filter((d) => d.schoolId === schools[0]);
    expect((await schoolAdmin.get(`/api/value-added/runs/${result.id}`).expect(200)).body.comparison.categoryDifferences).toEqual(ownDifferences);
    const listed = await schoolAdmin.get(`/api/value-added/studies/${study.body.id}/runs`).expect(200);
    expect(listed.body.items.map((r: { comparison: { categoryDifferences: unknown } }) => r.comparison.categoryDifferences)).toEqual([ownDifferences]);
    expect((await t.admin.get(`/api/value-added/studies/${study.body.id}/runs`).expect(200)).body.items[0].comparison.categoryDifferences).toEqual(expectedDifferences);
  }, 180_000);

  it('a school sees only its own rows; bureau roles see every school; other roles are refused', async () => {
    const study = await t.admin.post('/api/value-added/studies').send(studyBody({ name: '范围' })).expect(201);
    const { run: result } = await run(district, study.body.id);
    expect(result.groups).toHaveLength(3);
    const own = await schoolAdmin.get(`/api/value-added/runs/${result.id}`).expect(200);
    expect(own.body.groups.map((g: { schoolId: string }) => g.schoolId)).toEqual([schools[0]]);
    // a school sees its estimate, interval and category, never its place among the schools
    expect(own.body.groups[0]).toMatchObject({ rank: null, category: expect.any(String), ciLow: expect.any(Number) });
    const all = (await t.admin.get(`/api/value-added/runs/${result.id}`).expect(200)).body.groups;
    expect(all).toHaveLength(3);
    expect(all.map((g: { rank: number }) => g.rank).sort()).toEqual([1, 2, 3]);
    await schoolAdmin.post(`/api/value-added/studies/${study.body.id}/runs`).send({}).expect(403);
    await schoolAdmin.post('/api/value-added/studies').send(studyBody()).expect(403);
    await teacher.get(`/api/value-added/runs/${result.id}`).expect(403);
    // A school admin cannot follow the bureau's job.
    await schoolAdmin.get(`/api/jobs/${result.jobId}`).expect(404);
    await t.admin.get('/api/value-added/runs/00000000-0000-4000-8000-000000000000').expect(404);
  }, 120_000);

  it('class grouping puts each student in the class of the outcome term', async () => {
    const study = await t.admin.post('/api/value-added/studies').send(studyBody({ name: '按班', grouping: 'class', model: 'zgain' })).expect(201);
    const { run: result } = await run(t.admin, study.body.id);
    expect(result.groups).toHaveLength(3);
    expect(result.groups.map((g: { n: number }) => g.n)).toEqual([30, 30, 30]);
    expect(result.groups.every((g: { groupId: string; schoolId: string }) => g.groupId !== g.schoolId && schools.includes(g.schoolId))).toBe(true);
  }, 120_000);

  it('bad input is refused with 400, a code and messages in English and Chinese, and nothing written', async () => {
    const count = async () => (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM value_added_studies`))[0].n as number;
    const before = await count();
    const bad: Record<string, unknown>[] = [
      studyBody({ model: 'rank' }),
      studyBody({ grouping: 'district' }),
      studyBody({ priors: [] }),
      studyBody({ covariates: ['income'] }),
      studyBody({ minGroupSize: 0 }),
      studyBody({ outcome: { termId, examType: 'final', examDate: '15/01/2025', subject: 'academic.exam.math' } }),
      studyBody({ extra: 1 }),
    ];
    for (const body of bad) {
      const response = await t.admin.post('/api/value-added/studies').send(body).expect(400);
      expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String), messageZh: expect.any(String) });
    }
    const unknownOccasion = await t.admin.post('/api/value-added/studies').send(studyBody({ outcome: { termId, ...OUTCOME, examDate: '2025-01-16' } })).expect(400);
    expect(unknownOccasion.body).toMatchObject({ code: 'UNKNOWN_OCCASION', messageZh: expect.stringContaining('考试成绩') });
    const unknownSubject = await t.admin.post('/api/value-added/studies').send(studyBody({ outcome: { termId, ...OUTCOME, subject: 'academic.exam.music' } })).expect(400);
    expect(unknownSubject.body.code).toBe('UNKNOWN_OCCASION');
    const same = await t.admin.post('/api/value-added/studies').send(studyBody({ priors: [{ termId, ...OUTCOME }] })).expect(400);
    expect(same.body.code).toBe('INVALID_STUDY');
    expect(await count()).toBe(before);
    const study = await t.admin.post('/api/value-added/studies').send(studyBody({ name: '坏运行' })).expect(201);
    const runs = async () => (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM value_added_runs`))[0].n as number;
    const runsBefore = await runs();
    expect((await t.admin.post(`/api/value-added/studies/${study.body.id}/runs`).send({ models: ['rank'] }).expect(400)).body.code).toBe('VALIDATION_FAILED');
    await t.admin.post('/api/value-added/studies/not-an-id/runs').send({}).expect(400);
    expect(await runs()).toBe(runsBefore);
    // A study without runs may be deleted; one with runs is kept.
    await t.admin.delete(`/api/value-added/studies/${study.body.id}`).expect(204);
    await t.admin.get(`/api/value-added/studies/${study.body.id}`).expect(404);
  }, 120_000);

  it('a cohort imported through the scores import runs like one written directly', async () => {
    // English 统考 scores for the included students, through POST /api/imports/scores.
    const numbers: { id: string; number: string }[] = await t.db.dataSource.query(`SELECT id, student_number AS number FROM students WHERE id = ANY($1::uuid[])`, [included.map((s) => s.id)]);
    const numberOf = new Map(numbers.map((row) => [row.id, row.number]));
    const english = new Map(included.map((s, index) => [s.id, (Number(s.prior) * 0.7 + 20 + (index % 7)).toFixed(1)]));
    const csv = ['学籍号,学年学期,科目,考试类型,考试日期,成绩', ...included.map((s) => `${numberOf.get(s.id)},2024-2025-1,英语,统考,2025-01-10,${english.get(s.id)}`)].join('\n');
    await t.admin.post('/api/imports/scores').attach('file', Buffer.from(csv, 'utf8'), 'english.csv').expect(201);
    const study = await t.admin
      .post('/api/value-added/studies')
      .send(studyBody({ name: '英语', model: 'prgain', covariates: [], outcome: { termId, examType: 'unified', examDate: '2025-01-10', subject: 'academic.exam.english' } }))
      .expect(201);
    const { run: result } = await run(t.admin, study.body.id);
    expect(result.summary.cohort.included).toBe(90);
    const groupIds = [...new Set(included.map((s) => s.schoolId))].sort();
    const core = estimateValueAdded('prgain', {
      outcome: Float64Array.from(included, (s) => Number(english.get(s.id))),
      priors: [Float64Array.from(included, (s) => Number(s.prior))],
      groupIndex: Int32Array.from(included, (s) => groupIds.indexOf(s.schoolId)),
      groupCount: 3,
    });
    expect(result.groups.map((g: { estimate: number }) => g.estimate)).toEqual(Array.from(core.groups.estimate));
    expect(result.groups.map((g: { se: number }) => g.se)).toEqual(Array.from(core.groups.standardError));
  }, 180_000);

  it('a run whose final write fails leaves no group rows (results are written in one transaction)', async () => {
    const db = t.db.dataSource;
    const study = await t.admin.post('/api/value-added/studies').send(studyBody({ name: '中断' })).expect(201);
    await db.query(`CREATE FUNCTION va_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.state = 'succeeded' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await db.query(`CREATE TRIGGER va_test_refuse BEFORE UPDATE ON value_added_runs FOR EACH ROW EXECUTE FUNCTION va_test_refuse()`);
    try {
      const { job, run: result } = await run(t.admin, study.body.id);
      expect(job.state).toBe('failed');
      expect(job.error).toMatchObject({ code: 'JOB_FAILED', messageZh: expect.any(String) });
      expect(result.state).toBe('failed');
      expect(result.groups).toEqual([]);
      const [rows] = await db.query(`SELECT count(*)::int AS n FROM value_added_group_results WHERE run_id = $1`, [result.id]);
      expect(rows.n).toBe(0);
    } finally {
      await db.query(`DROP TRIGGER va_test_refuse ON value_added_runs`);
      await db.query(`DROP FUNCTION va_test_refuse()`);
    }
  }, 120_000);

  it('a run that cannot be fitted fails with its reason and writes no group rows', async () => {
    // Only a total occasion whose single-subject "total" equals the math score: outcome = total of the final, prior = math of the midterm.
    // With minority as covariate every student is Han (01): a constant column the model refuses.
    const study = await t.admin.post('/api/value-added/studies').send(studyBody({ name: '常数协变量', covariates: ['minority'], outcome: { termId, ...OUTCOME, subject: 'total' } })).expect(201);
    const { job, run: result } = await run(t.admin, study.body.id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ code: 'SCORING_INPUT', message: expect.any(String), messageZh: expect.any(String) });
    expect(result.state).toBe('failed');
    expect(result.groups).toEqual([]);
    expect(result.inputHash).toBeNull();
    await t.admin.delete(`/api/value-added/studies/${study.body.id}`).expect(409);
  }, 120_000);
  it('a run with nobody to estimate fails with EMPTY_COHORT and the exclusion counts (here: no class in the outcome term)', async () => {
    const db = t.db.dataSource;
    const [{ id: math }] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.math'`);
    const [student] = await db.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '转学生', '1', '2012-03-05', '01', $2) RETURNING id`, [
      studentNumber('20120305', '299'),
      schools[1],
    ]);
    for (const [key, type, date] of [['midterm|2024-11-10', 'midterm', '2024-11-10'], ['final|2025-01-20', 'final', '2025-01-20']]) {
      await db.query(
        `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source) VALUES ($1, $2, $3, $4, $5, $6, $7, 70, 100, 'school_import')`,
        [schools[1], student.id, termId, math, key, type, date],
      );
    }
    const study = await t.admin.post('/api/value-added/studies').send(studyBody({ name: '无班级', grouping: 'class', outcome: { termId, ...OUTCOME, examDate: '2025-01-20' } })).expect(201);
    const { job, run: result } = await run(t.admin, study.body.id);
    expect(job.state).toBe('failed');
    expect(result.error).toMatchObject({ code: 'EMPTY_COHORT', messageZh: expect.any(String), details: { excluded: { no_class: 1, missing_outcome: 93, missing_prior: 0 } } });
    expect(result.groups).toEqual([]);
  }, 120_000);
});
