import {
  fitGrowthCoefficients,
  growthGoodnessOfFit,
  growthPercentileToReach,
  growthTrajectories,
  type GrowthCoefficientSet,
  percentileRanks,
  shrinkGroupMedians,
  studentGrowthPercentiles,
  summariseGrowthGroups,
  zScores,
} from '../../src/scoring-core';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { studentNumber } from '../helpers/roster-builders';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Growth service (issue 11, points 4–5): 3 schools × 100 students with a math final in two
 * terms (prior: 2023-2024-2, current: 2024-2025-1) written as term records; a few students
 * without a prior or absent (缺考) at the current exam; rope skipping (a once-a-term count of
 * another dimension) for the same students.
 */
interface Student {
  id: string;
  schoolId: string;
  prior: number | null;
  current: number | null;
  skipPrior: number;
  skipNow: number;
}

const PRIOR_EXAM = { examType: 'final', examDate: '2024-07-01' };
const CURRENT_EXAM = { examType: 'final', examDate: '2025-01-15' };

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('growth runs', () => {
  let t: TestApp;
  let priorTerm: string;
  let currentTerm: string;
  let schools: string[];
  let students: Student[];
  let schoolAdmin: AuthedClient;
  let teacher: AuthedClient;
  let district: AuthedClient;
  let ownStudent: AuthedClient;

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.db.dataSource;
    const [city] = await db.query(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
    const [d1] = await db.query(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id`, [city.id]);
    [{ id: priorTerm }] = await db.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2023-2024-2', '2023-2024', 2, '2024-02-20', '2024-07-10') RETURNING id`);
    [{ id: currentTerm }] = await db.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id`);
    const [{ id: math }] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.math'`);
    const [{ id: skip }] = await db.query(`SELECT id FROM indicators WHERE code = 'physical.fitness.rope_skip_1min'`);
    schools = [];
    const classes: string[] = [];
    for (let s = 0; s < 3; s += 1) {
      const [school] = await db.query(`INSERT INTO schools (code, name, stage, region_id) VALUES ($1, $2, 'junior', $3) RETURNING id`, [`311503020${s + 1}`, `第${s + 1}中学`, d1.id]);
      const [klass] = await db.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J2', '1班') RETURNING id`, [school.id]);
      schools.push(school.id);
      classes.push(klass.id);
    }
    const random = lcg(20250115);
    const normal = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    const effects = [-4, 0, 4];
    students = [];
    const record = (s: number, student: string, term: string, indicator: string, exam: typeof PRIOR_EXAM | null, value: number | null, marker: string | null = null) =>
      db.query(
        `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, marker, full_marks, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'school_import')`,
        [schools[s], student, term, indicator, exam ? `${exam.examType}|${exam.examDate}` : '', exam?.examType ?? null, exam?.examDate ?? null, value, marker, exam ? 100 : null],
      );
    let sequence = 100;
    for (let s = 0; s < 3; s += 1) {
      for (let i = 0; i < 100; i += 1) {
        sequence += 1;
        const [row] = await db.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '学生', '1', '2011-03-05', '01', $2) RETURNING id`, [
          studentNumber('20110305', String(sequence)),
          schools[s],
        ]);
        await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [row.id, classes[s], currentTerm, schools[s]]);
        const prior = Math.round((60 + 12 * normal()) * 10) / 10;
        const current = Math.round((18 + 0.75 * prior + effects[s] + 6 * normal()) * 10) / 10;
        const skipPrior = Math.round(120 + 25 * normal());
        const skipNow = Math.round(20 + 0.9 * skipPrior + 10 * normal());
        // Students 0–4 of each school have no prior; 5–6 were absent (缺考) at the current exam.
        const hasPrior = i >= 5;
        const absent = i === 5 || i === 6;
        if (hasPrior) await record(s, row.id, priorTerm, math, PRIOR_EXAM, prior);
        await record(s, row.id, currentTerm, math, CURRENT_EXAM, absent ? null : current, absent ? 'absent' : null);
        await record(s, row.id, priorTerm, skip, null, skipPrior);
        await record(s, row.id, currentTerm, skip, null, skipNow);
        students.push({ id: row.id, schoolId: schools[s], prior: hasPrior ? prior : null, current: absent ? null : current, skipPrior, skipNow });
      }
    }
    students.sort(byId);
    schoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: schools[0] }]);
    teacher = await signedInAs(t.app, db, [{ role: 'teacher', classId: classes[0] }]);
    district = await signedInAs(t.app, db, [{ role: 'district_officer', regionId: d1.id }]);
    ownStudent = await signedInAs(t.app, db, [{ role: 'student', studentId: students.find((s) => s.schoolId === schools[0] && s.prior !== null && s.current !== null)!.id }]);
  }, 300_000);
  afterAll(() => t.close());

  const mathRun = (overrides: Record<string, unknown> = {}) => ({
    indicator: 'academic.exam.math',
    current: { termId: currentTerm, ...CURRENT_EXAM },
    priors: [{ termId: priorTerm, ...PRIOR_EXAM }],
    minimumN: 10,
    ...overrides,
  });

  /** Starts a run and waits for its job, checking the progress is visible and complete at the end. */
  async function finishedRun(client: AuthedClient, body: Record<string, unknown>) {
    const created = await client.post('/api/growth/runs').send(body).expect(202);
    expect(created.body.state).toBe('queued');
    for (let attempt = 0; attempt < 480; attempt += 1) {
      const job = await client.get(`/api/jobs/${created.body.jobId}`).expect(200);
      expect(job.body.type).toBe('growth-run');
      if (job.body.state === 'succeeded' || job.body.state === 'failed') {
        if (job.body.state === 'succeeded') {
          // The read, two τ chains per fitted order, the scoring and the write
          // (a baseline-referenced run fits nothing: 3 steps.)
          expect(job.body.progress.total).toBe(body.baselineRunId ? 3 : 3 + 2 * job.body.result.orders);
          expect(job.body.progress.done).toBe(job.body.progress.total);
        }
        return { job: job.body, run: (await client.get(`/api/growth/runs/${created.body.id}`).expect(200)).body };
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('the growth run did not finish');
  }

  async function storedStudents(runId: string) {
    return (await t.db.dataSource.query(
      `SELECT student_id, school_id, value, z_score, percentile_rank, prior_values, prior_z_scores, prior_percentile_ranks, sgp, sgp_order FROM growth_student_results WHERE run_id = $1 ORDER BY student_id`,
      [runId],
    )) as {
      student_id: string;
      school_id: string;
      value: number;
      z_score: number;
      percentile_rank: number;
      prior_values: (number | null)[];
      prior_z_scores: (number | null)[];
      prior_percentile_ranks: (number | null)[];
      sgp: number | null;
      sgp_order: number | null;
    }[];
  }

  it('stores the SGPs, z-scores and percentile ranks the scoring core computes on the same data; re-running gives identical results', async () => {
    const { run, job } = await finishedRun(district, mathRun());
    expect(run.state).toBe('succeeded');
    expect(run.engineVersion).toMatch(/^wuyu-scoring-core\//);
    expect(run.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.parameters).toMatchObject({ indicator: 'academic.exam.math', minimumN: 10, taus: 100, orders: [1] });
    const cohort = students.filter((s) => s.current !== null);
    expect(run.summary).toEqual({ students: 294, withSgp: 279, missingPrior: 15, markedCurrent: 6, schools: 3 });
    expect(job.result).toMatchObject({ runId: run.id, inputHash: run.inputHash });

    const scores = { current: Float64Array.from(cohort, (s) => s.current!), priors: [Float64Array.from(cohort, (s) => s.prior ?? Number.NaN)] };
    const set = fitGrowthCoefficients(scores);
    const expected = studentGrowthPercentiles(scores, set);
    const z = zScores(scores.current);
    const pr = percentileRanks(scores.current);
    const rows = await storedStudents(run.id);
    expect(rows.map((r) => r.student_id)).toEqual(cohort.map((s) => s.id));
    rows.forEach((row, index) => {
      expect(row.sgp ?? 0).toBe(expected.sgp[index]);
      expect(row.sgp_order ?? 0).toBe(expected.order[index]);
      expect(row.value).toBe(cohort[index].current);
      expect(row.prior_values).toEqual([cohort[index].prior]);
      expect(row.z_score).toBeCloseTo(z[index], 12);
      expect(row.percentile_rank).toBeCloseTo(pr[index], 12);
    });
    // The prior's z-score and percentile rank among the students who have it.
    const withPrior = cohort.flatMap((c, index) => (c.prior === null ? [] : [index]));
    const priorZ = zScores(Float64Array.from(withPrior, (index) => cohort[index].prior!));
    const priorPr = percentileRanks(Float64Array.from(withPrior, (index) => cohort[index].prior!));
    expect(rows.filter((row) => row.prior_values[0] === null).every((row) => row.prior_z_scores[0] === null && row.prior_percentile_ranks[0] === null)).toBe(true);
    withPrior.forEach((index, k) => {
      expect(rows[index].prior_z_scores[0]).toBeCloseTo(priorZ[k], 12);
      expect(rows[index].prior_percentile_ranks[0]).toBeCloseTo(priorPr[k], 12);
    });
    // The stored matrices are the core's (knots, boundaries, LOSS/HOSS, N per order).
    const coefficients = (await district.get(`/api/growth/runs/${run.id}/coefficients`).expect(200)).body.coefficients as GrowthCoefficientSet;
    expect(coefficients.priorScales).toEqual(set.priorScales);
    expect(coefficients.currentScale).toEqual(set.currentScale);
    expect(coefficients.matrices.map((m) => m.n)).toEqual([279]);
    coefficients.matrices[0].coefficients.forEach((value, index) => expect(value).toBeCloseTo(set.matrices[0].coefficients[index], 9));

    // Goodness of fit: the core's table on the same prior scores and SGPs.
    const fit = (await district.get(`/api/growth/runs/${run.id}/goodness-of-fit`).expect(200)).body.goodnessOfFit;
    expect(fit).toEqual(JSON.parse(JSON.stringify(growthGoodnessOfFit(scores.priors[0], expected.sgp))));

    // Baseline-referenced: the stored matrices applied to the same data give the same SGPs.
    const { run: baselined } = await finishedRun(district, mathRun({ baselineRunId: run.id }));
    expect(baselined.state).toBe('succeeded');
    expect(baselined.baselineRunId).toBe(run.id);
    expect(baselined.parameters.baselineRunId).toBe(run.id);
    expect((await storedStudents(baselined.id)).map((r) => [r.student_id, r.sgp, r.sgp_order])).toEqual(rows.map((r) => [r.student_id, r.sgp, r.sgp_order]));
    expect((await district.get(`/api/growth/runs/${baselined.id}/coefficients`).expect(200)).body.coefficients).toEqual(coefficients);

    // Same data, same parameters → same hash, same SGPs.
    const { run: again } = await finishedRun(district, mathRun());
    expect(again.inputHash).toBe(run.inputHash);
    expect(again.id).not.toBe(run.id);
    const againRows = await storedStudents(again.id);
    expect(againRows.map(({ student_id, sgp, sgp_order, z_score, percentile_rank }) => [student_id, sgp, sgp_order, z_score, percentile_rank])).toEqual(
      rows.map(({ student_id, sgp, sgp_order, z_score, percentile_rank }) => [student_id, sgp, sgp_order, z_score, percentile_rank]),
    );
    expect((await district.get(`/api/growth/runs/${again.id}/coefficients`).expect(200)).body.coefficients).toEqual(coefficients);
  }, 300_000);

  it('school summaries equal the core’s (median/mean with SEs, EB-shrunk median, suppression); a school sees only its own', async () => {
    const { run } = await finishedRun(district, mathRun({ minimumN: 10 }));
    const rows = await storedStudents(run.id);
    const bySchool = shrinkGroupMedians(summariseGrowthGroups(rows.map((r) => r.school_id), rows.map((r) => r.sgp ?? 0), { minimumN: 10 }));
    // Every student is in a J2 class in the current term: one grade group per school, shrunk among the grade groups.
    const byGrade = shrinkGroupMedians(summariseGrowthGroups(rows.map((r) => `${r.school_id}|J2`), rows.map((r) => r.sgp ?? 0), { minimumN: 10 }));
    const expected = bySchool.map(({ group, ...summary }, index) => {
      const { group: gradeGroup, ...grade } = byGrade[index];
      expect(gradeGroup).toBe(`${group}|J2`);
      return { schoolId: group, ...summary, byGrade: [{ gradeCode: 'J2', ...grade }] };
    });
    const all = (await t.admin.get(`/api/growth/runs/${run.id}/schools`).expect(200)).body;
    expect(all.schools).toEqual(expected);
    expect(all.schools).toHaveLength(3);
    expect(all.schools.every((s: { suppressed: boolean; medianSgpStandardError: number }) => !s.suppressed && s.medianSgpStandardError > 0)).toBe(true);
    expect((await district.get(`/api/growth/runs/${run.id}/schools`).expect(200)).body.schools).toHaveLength(3);
    const own = (await schoolAdmin.get(`/api/growth/runs/${run.id}/schools`).expect(200)).body.schools;
    expect(own.map((s: { schoolId: string }) => s.schoolId)).toEqual([schools[0]]);
    await teacher.get(`/api/growth/runs/${run.id}/schools`).expect(403);
    await schoolAdmin.post('/api/growth/runs').send(mathRun()).expect(403);
    // Minimum N above every school's count: n only.
    const { run: suppressed } = await finishedRun(district, mathRun({ minimumN: 500 }));
    const hidden = (await t.admin.get(`/api/growth/runs/${suppressed.id}/schools`).expect(200)).body.schools;
    expect(hidden.map((s: { n: number; suppressed: boolean; medianSgp: number | null; shrunkMedianSgp: number | null }) => [s.n, s.suppressed, s.medianSgp, s.shrunkMedianSgp])).toEqual(
      expected.map((s) => [s.n, true, null, null]),
    );
    expect(hidden.map((s: { byGrade: { suppressed: boolean }[] }) => s.byGrade.map((g) => g.suppressed))).toEqual([[true], [true], [true]]);
  }, 300_000);

  it('a student’s profile and projections go through the data scope; projections use the stored matrices', async () => {
    const { run } = await finishedRun(district, mathRun());
    const target = students.find((s) => s.schoolId === schools[0] && s.prior !== null && s.current !== null)!;
    const profile = (await ownStudent.get(`/api/growth/students/${target.id}`).expect(200)).body;
    const entry = profile.entries.find((e: { runId: string }) => e.runId === run.id);
    expect(entry).toMatchObject({ indicator: 'academic.exam.math', schoolId: schools[0], value: target.current, priorValues: [target.prior] });
    expect(entry.priorZScores).toEqual([expect.any(Number)]);
    expect(entry.priorPercentileRanks).toEqual([expect.any(Number)]);
    expect(entry.sgp).toBeGreaterThanOrEqual(1);
    expect(entry.sgpOrder).toBe(1);
    await schoolAdmin.get(`/api/growth/students/${target.id}`).expect(200);
    // A bureau user's read of a student's growth is audited, with the student as the target.
    await district.get(`/api/growth/students/${target.id}`).expect(200);
    await district.get(`/api/growth/students/${target.id}/projection?runId=${run.id}`).expect(200);
    const audited = await t.db.dataSource.query(`SELECT action, operation FROM audit_events WHERE target_type = 'growth' AND target_id = $1 AND actor_username = $2 ORDER BY id`, [target.id, district.user.username]);
    expect(audited.map((a: { action: string }) => a.action)).toEqual(['read.growth', 'read.growth']);
    expect(audited[1].operation).toBe(`GET /api/growth/students/:id/projection?runId=${run.id}`);
    const elsewhere = students.find((s) => s.schoolId === schools[1])!;
    await schoolAdmin.get(`/api/growth/students/${elsewhere.id}`).expect(404);
    await ownStudent.get(`/api/growth/students/${elsewhere.id}`).expect(404);
    await t.admin.get('/api/growth/students/00000000-0000-4000-8000-000000000000').expect(404);

    const set = (await t.admin.get(`/api/growth/runs/${run.id}/coefficients`).expect(200)).body.coefficients as GrowthCoefficientSet;
    const projection = (await ownStudent.get(`/api/growth/students/${target.id}/projection?runId=${run.id}&target=75`).expect(200)).body;
    const [p35, p50, p65] = growthTrajectories(set, [target.current!, target.prior!]);
    expect(projection.trajectories).toEqual({ p35, p50, p65 });
    expect(p35).toBeLessThanOrEqual(p50);
    expect(p50).toBeLessThanOrEqual(p65);
    expect(projection.target).toEqual({ score: 75, sgpNeeded: growthPercentileToReach(set, [target.current!, target.prior!], 75) });
    await schoolAdmin.get(`/api/growth/students/${elsewhere.id}/projection?runId=${run.id}`).expect(404);
    await ownStudent.get(`/api/growth/students/${target.id}/projection`).expect(400);
    await ownStudent.get(`/api/growth/students/${target.id}/projection?runId=${run.id}&target=abc`).expect(400);
  }, 300_000);

  it('two priors (most recent first): orders 1 and 2 as the core fits them, the highest order reported', async () => {
    const db = t.db.dataSource;
    const [{ id: math }] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.math'`);
    const MIDTERM = { examType: 'midterm', examDate: '2024-11-10' };
    // A midterm in the current term for 22 of every 25 students (the others have no most recent prior, so no SGP).
    const random = lcg(77);
    const midterm = new Map<string, number>();
    for (const [index, s] of students.entries()) {
      if (index % 25 < 3) continue;
      const value = Math.round(((s.prior ?? 60) * 0.5 + (s.current ?? 60) * 0.4 + 10 * random()) * 10) / 10;
      midterm.set(s.id, value);
      await db.query(
        `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source) VALUES ($1, $2, $3, $4, 'midterm|2024-11-10', 'midterm', '2024-11-10', $5, 100, 'school_import')`,
        [s.schoolId, s.id, currentTerm, math, value],
      );
    }
    const { run, job } = await finishedRun(t.admin, mathRun({ priors: [{ termId: currentTerm, ...MIDTERM }, { termId: priorTerm, ...PRIOR_EXAM }] }));
    expect(run.state).toBe('succeeded');
    expect(job.result.orders).toBe(2);
    expect(job.progress.total).toBe(7);
    const cohort = students.filter((s) => s.current !== null);
    const scores = {
      current: Float64Array.from(cohort, (s) => s.current!),
      priors: [Float64Array.from(cohort, (s) => midterm.get(s.id) ?? Number.NaN), Float64Array.from(cohort, (s) => s.prior ?? Number.NaN)],
    };
    const expected = studentGrowthPercentiles(scores, fitGrowthCoefficients(scores));
    const rows = await storedStudents(run.id);
    expect(rows.map((r) => r.sgp ?? 0)).toEqual(Array.from(expected.sgp));
    expect(rows.map((r) => r.sgp_order ?? 0)).toEqual(Array.from(expected.order));
    expect(new Set(rows.map((r) => r.sgp_order))).toEqual(new Set([1, 2, null]));
    expect(rows.map((r) => r.prior_values)).toEqual(cohort.map((s) => [midterm.get(s.id) ?? null, s.prior]));
    // The projection uses the highest order the history allows: current, midterm, last year's final.
    const target = cohort.find((s) => midterm.has(s.id) && s.prior !== null)!;
    const set = (await t.admin.get(`/api/growth/runs/${run.id}/coefficients`).expect(200)).body.coefficients as GrowthCoefficientSet;
    const projection = (await t.admin.get(`/api/growth/students/${target.id}/projection?runId=${run.id}&target=70`).expect(200)).body;
    const history = [target.current!, midterm.get(target.id)!, target.prior!];
    const [p35, p50, p65] = growthTrajectories(set, history);
    expect(projection.trajectories).toEqual({ p35, p50, p65 });
    expect(projection.target.sgpNeeded).toBe(growthPercentileToReach(set, history, 70));
  }, 300_000);

  it('any numeric indicator: a once-a-term count of another dimension', async () => {
    const { run } = await finishedRun(t.admin, { indicator: 'physical.fitness.rope_skip_1min', current: { termId: currentTerm }, priors: [{ termId: priorTerm }] });
    expect(run.state).toBe('succeeded');
    const scores = { current: Float64Array.from(students, (s) => s.skipNow), priors: [Float64Array.from(students, (s) => s.skipPrior)] };
    const expected = studentGrowthPercentiles(scores, fitGrowthCoefficients(scores));
    const rows = await storedStudents(run.id);
    expect(rows.map((r) => r.sgp)).toEqual(Array.from(expected.sgp));
  }, 300_000);

  it('the 艺术素质测评 total (基础 + 学业 + 发展, recorded as parts) is a growth indicator; a missing part means no total', async () => {
    const db = t.db.dataSource;
    const parts = (await db.query(
      `SELECT code, id FROM indicators WHERE code IN ('aesthetic.assessment.basic', 'aesthetic.assessment.academic', 'aesthetic.assessment.development') ORDER BY code`,
    )) as { code: string; id: string }[];
    const partId = (code: string) => parts.find((p) => p.code === code)!.id;
    const random = lcg(777);
    const totals = new Map<string, [number, number | null]>();
    for (const [index, s] of students.entries()) {
      const before = [Math.round(20 + 20 * random()), Math.round(25 + 25 * random()), Math.round(20 * random())];
      const now = [Math.min(40, before[0] + Math.round(6 * random())), Math.min(50, before[1] + Math.round(8 * random())), Math.round(20 * random())];
      const missingPart = index % 40 === 3; // no 发展 score this term: no total
      totals.set(s.id, [before[0] + before[1] + before[2], missingPart ? null : now[0] + now[1] + now[2]]);
      for (const [term, values] of [[priorTerm, before], [currentTerm, now]] as const) {
        for (const [k, code] of ['aesthetic.assessment.basic', 'aesthetic.assessment.academic', 'aesthetic.assessment.development'].entries()) {
          if (missingPart && term === currentTerm && code === 'aesthetic.assessment.development') continue;
          await db.query(
            `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, numeric_value, source) VALUES ($1, $2, $3, $4, '', $5, 'school_import')`,
            [s.schoolId, s.id, term, partId(code), values[k]],
          );
        }
      }
    }
    const { run } = await finishedRun(district, { indicator: 'aesthetic.assessment.total', current: { termId: currentTerm }, priors: [{ termId: priorTerm }] });
    expect(run.state).toBe('succeeded');
    const cohort = students.filter((s) => totals.get(s.id)![1] !== null);
    const scores = { current: Float64Array.from(cohort, (s) => totals.get(s.id)![1]!), priors: [Float64Array.from(cohort, (s) => totals.get(s.id)![0])] };
    const expected = studentGrowthPercentiles(scores, fitGrowthCoefficients(scores));
    const rows = await storedStudents(run.id);
    expect(rows.map((r) => r.student_id)).toEqual(cohort.map((s) => s.id));
    expect(rows.map((r) => r.sgp)).toEqual(Array.from(expected.sgp));
    // a term without any art assessment is refused, and so is an exam occasion for a once-a-term total
    const empty = await district.post('/api/growth/runs').send({ indicator: 'aesthetic.assessment.total', current: { termId: currentTerm }, priors: [{ termId: '00000000-0000-4000-8000-000000000000' }] }).expect(400);
    expect(empty.body.code).toBe('UNKNOWN_OCCASION');
    const exam = await district.post('/api/growth/runs').send({ indicator: 'aesthetic.assessment.total', current: { termId: currentTerm, ...CURRENT_EXAM }, priors: [{ termId: priorTerm }] }).expect(400);
    expect(exam.body.code).toBe('INVALID_RUN');
  }, 300_000);

  it('the fitness year total (stored fitness results by school year) is a growth indicator too', async () => {
    const db = t.db.dataSource;
    const random = lcg(4242);
    const totals = new Map<string, [number, number | null]>();
    for (const [index, s] of students.entries()) {
      const before = Math.round((55 + 30 * random()) * 10) / 10;
      const exempt = index % 50 === 7; // 免测 this year: no total
      const now = exempt ? null : Math.round(Math.min(100, before * 0.85 + 12 + 8 * random()) * 10) / 10;
      totals.set(s.id, [before, now]);
      for (const [year, grade, total] of [['2023-2024', 'J1', before], ['2024-2025', 'J2', now]] as const) {
        await db.query(
          `INSERT INTO fitness_results (student_id, school_id, school_year, grade_code, sex, status, total, standard_version, engine_version) VALUES ($1, $2, $3, $4, '1', $5, $6, 'test', 'test')`,
          [s.id, s.schoolId, year, grade, total === null ? 'exempt' : 'scored', total],
        );
      }
    }
    const { run } = await finishedRun(district, { indicator: 'fitness.year_total', current: { schoolYear: '2024-2025' }, priors: [{ schoolYear: '2023-2024' }] });
    expect(run.state).toBe('succeeded');
    expect(run.current).toEqual({ schoolYear: '2024-2025' });
    const cohort = students.filter((s) => totals.get(s.id)![1] !== null);
    expect(run.summary).toMatchObject({ students: cohort.length, markedCurrent: students.length - cohort.length });
    const scores = { current: Float64Array.from(cohort, (s) => totals.get(s.id)![1]!), priors: [Float64Array.from(cohort, (s) => totals.get(s.id)![0])] };
    const expected = studentGrowthPercentiles(scores, fitGrowthCoefficients(scores));
    const rows = await storedStudents(run.id);
    expect(rows.map((r) => r.student_id)).toEqual(cohort.map((s) => s.id));
    expect(rows.map((r) => r.sgp)).toEqual(Array.from(expected.sgp));
    const bySchool = (await t.admin.get(`/api/growth/runs/${run.id}/schools`).expect(200)).body.schools;
    expect(bySchool.map((school: { byGrade: { gradeCode: string }[] }) => school.byGrade.map((g) => g.gradeCode))).toEqual([['J2'], ['J2'], ['J2']]);
    // School years only; a year without results is refused.
    await district.post('/api/growth/runs').send({ indicator: 'fitness.year_total', current: { termId: currentTerm }, priors: [{ schoolYear: '2023-2024' }] }).expect(400);
    const missing = await district.post('/api/growth/runs').send({ indicator: 'fitness.year_total', current: { schoolYear: '2024-2025' }, priors: [{ schoolYear: '2019-2020' }] }).expect(400);
    expect(missing.body.code).toBe('UNKNOWN_OCCASION');
    await district.post('/api/growth/runs').send({ indicator: 'fitness.year_total', current: { schoolYear: '2024-25' }, priors: [{ schoolYear: '2023-2024' }] }).expect(400);
  }, 300_000);

  it('bad input → 400 with code and messages, nothing written; a run that cannot be fitted fails with no student rows', async () => {
    const db = t.db.dataSource;
    const count = async () => Number((await db.query(`SELECT count(*) AS n FROM growth_runs`))[0].n);
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [mathRun({ indicator: 'moral.conduct_level' }), 'UNKNOWN_INDICATOR'],
      [mathRun({ indicator: 'academic.exam.nothing' }), 'UNKNOWN_INDICATOR'],
      [mathRun({ priors: [{ termId: priorTerm, examType: 'final' }] }), 'INVALID_RUN'],
      [mathRun({ priors: [{ termId: currentTerm, ...CURRENT_EXAM }] }), 'INVALID_RUN'],
      [mathRun({ priors: [{ termId: priorTerm, examType: 'midterm', examDate: '2024-05-01' }] }), 'UNKNOWN_OCCASION'],
      [mathRun({ priors: [] }), 'VALIDATION_FAILED'],
      [mathRun({ minimumN: 0 }), 'VALIDATION_FAILED'],
      [mathRun({ current: { termId: 'not-a-uuid', ...CURRENT_EXAM } }), 'VALIDATION_FAILED'],
      [mathRun({ baselineRunId: '00000000-0000-4000-8000-000000000000' }), 'INVALID_RUN'],
      [mathRun({ current: { schoolYear: '2024-2025' } }), 'INVALID_RUN'],
      [mathRun({ indicator: 'physical.fitness.rope_skip_1min', current: { termId: currentTerm }, priors: [{ termId: priorTerm }], baselineRunId: (await db.query(`SELECT id FROM growth_runs WHERE indicator_code = 'academic.exam.math' AND state = 'succeeded' LIMIT 1`))[0].id }), 'INVALID_RUN'],
    ];
    for (const [body, code] of cases) {
      const response = await district.post('/api/growth/runs').send(body).expect(400);
      if (code !== 'VALIDATION_FAILED') expect(response.body.code).toBe(code);
      expect(response.body.message).toEqual(expect.any(String));
      expect(response.body.messageZh).toEqual(expect.any(String));
    }
    expect(await count()).toBe(before);
    await district.get('/api/growth/runs/not-a-uuid').expect(400);
    await district.get('/api/growth/runs/00000000-0000-4000-8000-000000000000').expect(404);

    // Two students with a prior in a new term: too few for an order-1 fit → failed, nothing stored.
    const [{ id: lonely }] = await db.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2022-2023-2', '2022-2023', 2, '2023-02-20', '2023-07-10') RETURNING id`);
    const [{ id: math }] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.math'`);
    for (const s of students.slice(0, 2)) {
      await db.query(
        `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source) VALUES ($1, $2, $3, $4, 'final|2023-07-01', 'final', '2023-07-01', 50, 100, 'school_import')`,
        [s.schoolId, s.id, lonely, math],
      );
    }
    const { run, job } = await finishedRun(district, mathRun({ priors: [{ termId: lonely, examType: 'final', examDate: '2023-07-01' }] }));
    expect(run.state).toBe('failed');
    expect(run.error.code).toBe('SCORING_INPUT');
    expect(run.error.messageZh).toEqual(expect.any(String));
    expect(job.state).toBe('failed');
    expect(await storedStudents(run.id)).toEqual([]);
    await district.get(`/api/growth/runs/${run.id}/schools`).expect(409);
  }, 300_000);
});
