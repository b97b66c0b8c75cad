/**
 * The fitness service (issue 5 point 3) over HTTP and a real PostgreSQL: raw measurements go in
 * through the real fitness and vision imports, year results are stored and kept fresh, and the
 * aggregates are checked against values computed by hand below.
 *
 * Fixture: 初二 (J2) girls. Tables (J2 女, thresholds.csv): 肺活量 100 = 2900, 78 = 2400, 10 = 1300;
 * 50米 78 = 9.0 s; 坐位体前屈 78 = 14.6; 仰卧起坐 100 = 51 (bonus from 53); 立定跳远 76 = 168;
 * 800米 100 = 210 s, 50 = 300 s, 10 = 340 s, bonus 2 = 200 s. Weights (J1–U34 女): BMI 15,
 * 肺活量 15, 50米 20, 坐位体前屈 10, 立定跳远 10, 仰卧起坐 10, 800米 20.
 *  A: 158 cm 56 kg (BMI 22.4 超重 80), 2450 ml (78), 9.0 s (78), 15.0 (78), 52 (100), 170 (76),
 *     199 s (100, bonus 2): 12 + 11.7 + 15.6 + 7.8 + 10 + 7.6 + 20 = 84.7, total 86.7 良好
 *  B: A with 800米 300 s (50, no bonus): 84.7 − 10 = 74.7 及格
 *  C: A with 肺活量 1200 (0) and 800米 341 s (0): 84.7 − 11.7 − 20 = 53.0 不及格
 *  D: A with 肺活量 2900 (100): 84.7 + 0.15·22 = 88.0, + 2 = 90.0 优秀 (exactly at the cut)
 *  E: A without 800米: incomplete (missing run_800m)
 *  F: A with 800米 免测: exempt
 *  G: enrolled, never tested
 * School 一中 (district 海勃湾区), class J2 1班, 2024-2025: enrolled 7, recorded 6, tested 4,
 * exempt 1, incomplete 1; participation 4 / (7 − 1) = 2/3; mean (86.7 + 74.7 + 53.0 + 90.0) / 4
 * = 76.1; 优秀率 1/4, 优良率 2/4, 合格率 3/4. 2022 targets: 合格率 75 vs 90 → gap 15 points;
 * 优良率 50 vs 30 → met. 2025: 合格率 gap 20; 优良率 50 vs 50 → met (exactly).
 * 2023-2024 (J2 1班 of that year): A-inputs 86.7 and C-inputs 53.0 → tested 2, mean 69.85,
 * 合格率 1/2, 优良率 1/2, 优秀率 0, participation 1. Change: mean +6.25, 合格率 +25,
 * 优良率 0, 优秀率 +25, participation −33.33… points.
 * School 二中 (district 海南区): student H with A's inputs, 86.7.
 */
import type { DataSource } from 'typeorm';
import { FitnessResultsService } from '../../src/modules/fitness/fitness-results.service';
import { expectClose } from '../helpers/expect-close';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { studentNumber } from '../helpers/roster-builders';
import { startTestApp, type TestApp } from '../helpers/test-app';

const TOL = 1e-12;
const HEADER = '学籍号,姓名,学年学期,测试日期,身高,体重,肺活量,50米跑,坐位体前屈,一分钟仰卧起坐,立定跳远,800米跑,免测原因';
type Key = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';
const NUMBERS: Record<Key, string> = Object.fromEntries(
  (['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const).map((key, index) => [key, studentNumber('20110305', String(701 + index))]),
) as Record<Key, string>;

function fitnessRow(key: Key, term: string, overrides: Partial<Record<'vc' | 'run800', string>> = {}): string {
  const run800 = overrides.run800 ?? `3'19"`;
  return [NUMBERS[key], '', term, '2024-10-12', '158', '56', overrides.vc ?? '2450', '9.0', '15.0', '52', '170', run800, run800 === '免测' ? '下肢残疾' : ''].join(',');
}

describe('fitness service: stored results, aggregates vs targets, myopia (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  const ids: Record<string, string> = {};
  let schoolAdmin: AuthedClient;

  async function importFile(kind: string, lines: string[]) {
    const response = await t.admin.post(`/api/imports/${kind}`).attach('file', Buffer.from(`${lines.join('\n')}\n`, 'utf8'), `${kind}.csv`);
    expect([response.status, response.status === 201 ? null : response.body]).toEqual([201, null]);
    return response.body;
  }

  beforeAll(async () => {
    t = await startTestApp();
    db = t.db.dataSource;
    const one = async (sql: string, params: unknown[] = []) => ((await db.query(sql, params)) as { id: string }[])[0].id;
    ids.city = await one(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
    ids.D1 = await one(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id`, [ids.city]);
    ids.D2 = await one(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150303', '海南区', 'district', $1) RETURNING id`, [ids.city]);
    ids.S1 = await one(`INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030201', '一中', 'junior', $1) RETURNING id`, [ids.D1]);
    ids.S2 = await one(`INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030301', '二中', 'junior', $1) RETURNING id`, [ids.D2]);
    ids.T0 = await one(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2023-2024-1', '2023-2024', 1, '2023-09-01', '2024-01-20') RETURNING id`);
    ids.T1 = await one(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id`);
    ids.C0 = await one(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2023-2024', 'J2', '1班') RETURNING id`, [ids.S1]);
    ids.C1 = await one(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J2', '1班') RETURNING id`, [ids.S1]);
    ids.C2 = await one(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J2', '1班') RETURNING id`, [ids.S2]);
    for (const key of Object.keys(NUMBERS) as Key[]) {
      const school = key === 'H' ? ids.S2 : ids.S1;
      ids[key] = await one(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, $2, '2', '2011-03-05', '01', $3) RETURNING id`, [NUMBERS[key], `学生${key}`, school]);
      await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [ids[key], key === 'H' ? ids.C2 : ids.C1, ids.T1, school]);
    }
    // Last year: A and C were in that year's J2 1班 (a fixture, not a real cohort).
    for (const key of ['A', 'C'] as const) await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [ids[key], ids.C0, ids.T0, ids.S1]);
    await importFile('fitness', [
      HEADER,
      fitnessRow('A', '2024-2025-1'),
      fitnessRow('B', '2024-2025-1', { run800: '300' }),
      fitnessRow('C', '2024-2025-1', { vc: '1200', run800: '341' }),
      fitnessRow('D', '2024-2025-1', { vc: '2900' }),
      fitnessRow('E', '2024-2025-1', { run800: '' }),
      fitnessRow('F', '2024-2025-1', { run800: '免测' }),
      fitnessRow('H', '2024-2025-1'),
      fitnessRow('A', '2023-2024-1'),
      fitnessRow('C', '2023-2024-1', { vc: '1200', run800: '341' }),
    ]);
    await importFile('vision', [
      '学籍号,学年学期,筛查日期,左眼裸眼视力,右眼裸眼视力',
      `${NUMBERS.A},2024-2025-1,2024-09-20,4.9,5.0`,
      `${NUMBERS.B},2024-2025-1,2024-09-20,5.0,5.1`,
      `${NUMBERS.C},2024-2025-1,2024-09-20,5.2,`,
      `${NUMBERS.D},2024-2025-1,2024-09-20,,4.8`,
      `${NUMBERS.H},2024-2025-1,2024-09-20,5.0,5.0`,
      `${NUMBERS.A},2023-2024-1,2023-09-20,5.0,5.0`,
      `${NUMBERS.C},2023-2024-1,2023-09-20,4.8,4.8`,
    ]);
    schoolAdmin = await signedInAs(t.app, db, [{ role: 'school_admin', schoolId: ids.S1 }]);
  }, 120_000);
  afterAll(() => t.close());

  const resultOf = async (key: Key, schoolYear = '2024-2025') => {
    const response = await t.admin.get(`/api/fitness/results?studentId=${ids[key]}&schoolYear=${schoolYear}`).expect(200);
    expect(response.body.items).toHaveLength(1);
    return response.body.items[0];
  };

  it('stores each student-year result with the tables version; a missing item gives no total and the reason', async () => {
    const a = await resultOf('A');
    expect(a).toMatchObject({ status: 'scored', gradeCode: 'J2', sex: 'F', classId: ids.C1, schoolId: ids.S1, bmi: 22.4, bmiScore: 80, bonus: 2, total: 86.7, level: '良好', missing: [], reason: null });
    expect(a.itemScores).toEqual({ vital_capacity: 78, run_50m: 78, sit_and_reach: 78, sit_up_1min: 100, standing_long_jump: 76, run_800m: 100 });
    expect(a.measurements).toMatchObject({ height_cm: 158, weight_kg: 56, run_800m: 199 });
    expectClose(a.standardScore, 84.7, TOL);
    expect(a.standardVersion).toMatch(/^gb-student-fitness-2014\+[0-9a-f]{12}$/);
    expect(a.engineVersion).toMatch(/^wuyu-scoring-core\//);
    expect(await resultOf('B')).toMatchObject({ status: 'scored', total: 74.7, level: '及格' });
    expect(await resultOf('C')).toMatchObject({ status: 'scored', total: 53, level: '不及格' });
    expect(await resultOf('D')).toMatchObject({ status: 'scored', total: 90, level: '优秀' });
    const e = await resultOf('E');
    expect(e).toMatchObject({ status: 'incomplete', total: null, level: null, standardScore: null, missing: ['run_800m'] });
    expect(e.reason).toContain('run_800m');
    const f = await resultOf('F');
    expect(f).toMatchObject({ status: 'exempt', total: null });
    expect(f.reason).toContain('免予执行');
    const g = await t.admin.get(`/api/fitness/results?studentId=${ids.G}`).expect(200);
    expect(g.body.items).toEqual([]);
  });

  it('aggregates per class, school, district and city match the hand-computed values, with targets and the change', async () => {
    const { body } = await t.admin.get('/api/fitness/aggregates?level=school&schoolYear=2024-2025').expect(200);
    expect(body).toMatchObject({ level: 'school', schoolYear: '2024-2025', previousSchoolYear: '2023-2024', gradeCode: null, sex: null });
    expect(body.groups.map((g: { unit: { name: string } }) => g.unit.name)).toEqual(['一中', '二中']);
    const [s1, s2] = body.groups;
    expect(s1.unit).toEqual({ level: 'school', id: ids.S1, code: '3115030201', name: '一中' });
    expect(s1.summary).toMatchObject({ enrolled: 7, recorded: 6, tested: 4, exempt: 1, deferred: 0, incomplete: 1, excellentCount: 1, goodOrBetterCount: 2, passCount: 3 });
    expectClose(s1.summary.participation, 2 / 3, TOL);
    expectClose(s1.summary.meanTotal, 76.1, TOL);
    expectClose(s1.summary.excellentRate, 0.25, TOL);
    expectClose(s1.summary.goodOrBetterRate, 0.5, TOL);
    expectClose(s1.summary.passRate, 0.75, TOL);
    expect(s1.targets[2022].passRate).toMatchObject({ targetPercent: 90, met: false });
    expectClose(s1.targets[2022].passRate.gapPoints, 15, TOL);
    expect(s1.targets[2022].goodOrBetterRate).toMatchObject({ targetPercent: 30, met: true, gapPoints: 0 });
    expect(s1.targets[2025].passRate).toMatchObject({ targetPercent: 95, met: false });
    expectClose(s1.targets[2025].passRate.gapPoints, 20, TOL);
    expect(s1.targets[2025].goodOrBetterRate).toMatchObject({ targetPercent: 50, met: true, gapPoints: 0 });
    expect(s1.previous).toMatchObject({ enrolled: 2, tested: 2, passCount: 1, goodOrBetterCount: 1, excellentCount: 0 });
    expectClose(s1.previous.meanTotal, 69.85, TOL);
    expectClose(s1.change.meanTotal, 6.25, 1e-9);
    expectClose(s1.change.passRatePoints, 25, TOL);
    expect(s1.change.goodOrBetterRatePoints).toBe(0);
    expectClose(s1.change.excellentRatePoints, 25, TOL);
    expectClose(s1.change.participationPoints, -100 / 3, 1e-9);
    expect(s2.summary).toMatchObject({ enrolled: 1, tested: 1, meanTotal: 86.7 });
    expect(s2.previous).toBeNull();
    expect(s2.change).toBeNull();

    const classes = (await t.admin.get('/api/fitness/aggregates?level=class&schoolYear=2024-2025&gradeCode=J2&sex=F').expect(200)).body;
    expect(classes.groups).toHaveLength(2);
    expect(classes.groups.find((g: { unit: { id: string } }) => g.unit.id === ids.C1).summary).toMatchObject({ enrolled: 7, tested: 4 });
    const districts = (await t.admin.get('/api/fitness/aggregates?level=district&schoolYear=2024-2025').expect(200)).body;
    expect(districts.groups.map((g: { unit: { code: string; id: string } }) => [g.unit.code, g.unit.id])).toEqual([['150302', ids.D1], ['150303', ids.D2]]);
    const city = (await t.admin.get('/api/fitness/aggregates?level=city&schoolYear=2024-2025').expect(200)).body;
    expect(city.groups).toHaveLength(1);
    // City: 一中's four totals and 二中's 86.7: mean (304.4 + 86.7) / 5 = 78.22; 合格 4/5, 优良 3/5, 优秀 1/5.
    expect(city.groups[0].summary).toMatchObject({ enrolled: 8, tested: 5, passCount: 4, goodOrBetterCount: 3, excellentCount: 1 });
    expectClose(city.groups[0].summary.meanTotal, 78.22, 1e-12);
    // Boys: nobody → no groups.
    expect((await t.admin.get('/api/fitness/aggregates?level=city&schoolYear=2024-2025&sex=M').expect(200)).body.groups).toEqual([]);
  });

  it('myopia: screening-positive rate per school and its change against the −0.5 point target', async () => {
    const { body } = await t.admin.get('/api/fitness/myopia?level=school&schoolYear=2024-2025').expect(200);
    const s1 = body.groups.find((g: { unit: { id: string } }) => g.unit.id === ids.S1);
    // A 4.9/5.0 positive, B 5.0/5.1 negative, C 5.2/— indeterminate, D —/4.8 positive; E, F, G not screened.
    expect(s1.summary).toEqual({ records: 7, screened: 3, positive: 2, indeterminate: 1, notScreened: 3, rate: 2 / 3 });
    // Last year: A 5.0/5.0 negative, C 4.8/4.8 positive → 1/2. Change 66.67 − 50 = +16.67 points: not met.
    expect(s1.previous).toMatchObject({ screened: 2, positive: 1, rate: 0.5 });
    expectClose(s1.change.changePoints, 100 * (2 / 3 - 0.5), 1e-9);
    expect(s1.change).toMatchObject({ targetChangePoints: -0.5, met: false });
    const s2 = body.groups.find((g: { unit: { id: string } }) => g.unit.id === ids.S2);
    expect(s2.summary).toMatchObject({ screened: 1, positive: 0, rate: 0 });
    expect(s2.change).toBeNull();
  });

  it('recomputes when a raw value changes: a corrected 800 m time re-scores the student and the aggregates', async () => {
    const before = await resultOf('B');
    // Unchanged raw data: the watermark matches, so a read does not recompute.
    expect((await resultOf('B')).computedAt).toBe(before.computedAt);
    await importFile('fitness', [HEADER, fitnessRow('B', '2024-2025-1')]);
    const after = await resultOf('B');
    expect(after).toMatchObject({ status: 'scored', total: 86.7, level: '良好' });
    expect(new Date(after.computedAt).getTime()).toBeGreaterThan(new Date(before.computedAt).getTime());
    const { body } = await t.admin.get('/api/fitness/aggregates?level=school&schoolYear=2024-2025').expect(200);
    const s1 = body.groups[0];
    // Totals now 86.7, 86.7, 53.0, 90.0: mean 79.1; 优良 3/4, 合格 3/4.
    expectClose(s1.summary.meanTotal, 79.1, TOL);
    expect(s1.summary).toMatchObject({ tested: 4, goodOrBetterCount: 3, passCount: 3 });
  });

  it('an aggregate read that finds stale results recomputes them and counts the fresh ones', async () => {
    // A slower 800 m for B, and the aggregates are the first read after it: no list read refreshes first.
    await importFile('fitness', [HEADER, fitnessRow('B', '2024-2025-1', { run800: `4'40"` })]);
    const { body } = await t.admin.get('/api/fitness/aggregates?level=school&schoolYear=2024-2025').expect(200);
    const s1 = body.groups[0];
    const stored = await t.admin.get(`/api/fitness/results?schoolYear=2024-2025&schoolId=${ids.S1}&pageSize=100`).expect(200);
    const totals = (stored.body.items as { status: string; total: number }[]).filter((r) => r.status === 'scored').map((r) => r.total);
    expect(totals).toHaveLength(4);
    expect((await resultOf('B')).total).toBeLessThan(86.7);
    expectClose(s1.summary.meanTotal, totals.reduce((a, b) => a + b, 0) / totals.length, TOL);
    expect(s1.summary.meanTotal).toBeLessThan(79.1);
  });

  it('recompute on request: the city for any school, a school for itself only; the summary counts the statuses', async () => {
    const all = await t.admin.post('/api/fitness/recompute').send({ schoolYear: '2024-2025' }).expect(200);
    expect(all.body).toMatchObject({ schoolYear: '2024-2025', schools: 2, results: 7, scored: 5, incomplete: 1, exempt: 1, deferred: 0 });
    const own = await schoolAdmin.post('/api/fitness/recompute').send({ schoolYear: '2024-2025' }).expect(200);
    expect(own.body).toMatchObject({ schools: 1, results: 6 });
    const other = await schoolAdmin.post('/api/fitness/recompute').send({ schoolYear: '2024-2025', schoolIds: [ids.S2] }).expect(403);
    expect(other.body).toMatchObject({ code: 'SCHOOL_OUT_OF_SCOPE', messageZh: expect.any(String) });
    await t.admin.post('/api/fitness/recompute').send({ schoolYear: '2024-2025', schoolIds: ['00000000-0000-4000-8000-000000000000'] }).expect(404);
  });

  it('recompute reads the year through a cursor in batches: batches smaller than one student give the same stored results', async () => {
    const stored = async () =>
      (await db.query(
        `SELECT student_id, school_id, class_id, grade_code, sex, status, bmi::text, standard_score::text, bonus, total::text, level, item_scores, measurements, missing, reason
         FROM fitness_results WHERE school_year = '2024-2025' ORDER BY student_id`,
      )) as Record<string, unknown>[];
    const service = new FitnessResultsService(db);
    await service.recompute('2024-2025', null);
    const whole = await stored();
    expect(whole).toHaveLength(7);
    // 3 records a FETCH: every student's 7–8 records span several batches, and some batches hold one student only.
    for (const fetchSize of [3, 8, 1000]) {
      service.fetchSize = fetchSize;
      expect(await service.recompute('2024-2025', null)).toMatchObject({ schools: 2, results: 7, scored: 5, incomplete: 1, exempt: 1 });
      expect(await stored()).toEqual(whole);
      expect(await service.recompute('2024-2025', [ids.S1])).toMatchObject({ schools: 1, results: 6 });
      expect(await stored()).toEqual(whole);
    }
  });

  it('scope: a school sees only its own students and its own aggregates; another school’s student is 404', async () => {
    const listed = await schoolAdmin.get('/api/fitness/results?schoolYear=2024-2025').expect(200);
    expect(listed.body.total).toBe(6);
    expect(listed.body.items.every((item: { schoolId: string }) => item.schoolId === ids.S1)).toBe(true);
    const hidden = await schoolAdmin.get(`/api/fitness/results?studentId=${ids.H}`).expect(404);
    expect(hidden.body).toMatchObject({ code: 'NOT_FOUND', message: expect.any(String), messageZh: expect.any(String) });
    const schools = (await schoolAdmin.get('/api/fitness/aggregates?level=school&schoolYear=2024-2025').expect(200)).body;
    expect(schools.groups.map((g: { unit: { id: string } }) => g.unit.id)).toEqual([ids.S1]);
    expect(JSON.stringify(schools)).not.toContain(ids.A);
    await schoolAdmin.get('/api/fitness/aggregates?level=district&schoolYear=2024-2025').expect(403);
    await schoolAdmin.get('/api/fitness/myopia?level=city&schoolYear=2024-2025').expect(403);
    const district = await signedInAs(t.app, db, [{ role: 'district_officer', regionId: ids.D1 }]);
    expect((await district.get('/api/fitness/aggregates?level=school&schoolYear=2024-2025').expect(200)).body.groups).toHaveLength(2);
    await district.get(`/api/fitness/results?studentId=${ids.H}`).expect(404);
    const student = await signedInAs(t.app, db, [{ role: 'student', studentId: ids.A }]);
    expect((await student.get('/api/fitness/results').expect(200)).body.items.map((item: { studentId: string }) => item.studentId)).toEqual([ids.A, ids.A]);
    await student.get('/api/fitness/aggregates?level=class&schoolYear=2024-2025').expect(403);
  });

  it('student-level reads are audited for bureau callers; aggregate reads and school staff reads are not', async () => {
    const audited = async () =>
      (await db.query(`SELECT action, operation, target_type, outcome FROM audit_events WHERE operation LIKE 'GET /api/fitness/%' ORDER BY id`)) as { action: string; operation: string; target_type: string; outcome: string }[];
    const before = (await audited()).length;
    await t.admin.get(`/api/fitness/results?studentId=${ids.A}`).expect(200);
    await t.admin.get('/api/fitness/aggregates?level=city&schoolYear=2024-2025').expect(200);
    await schoolAdmin.get(`/api/fitness/results?studentId=${ids.A}`).expect(200);
    const events = (await audited()).slice(before);
    expect(events).toEqual([{ action: 'read.fitness', operation: `GET /api/fitness/results?studentId=${ids.A}`, target_type: 'fitness', outcome: 'success' }]);
  });

  it('a roster re-import that corrects a sex code and moves a student to another class re-scores and re-files their results, with no recompute request (ADR 0925)', async () => {
    // The fixture stored A as a girl, but A's student number encodes a boy (sequence 701: odd).
    expect(await resultOf('A')).toMatchObject({ sex: 'F', status: 'scored', total: 86.7 });
    expect(await resultOf('A', '2023-2024')).toMatchObject({ sex: 'F', status: 'scored' });
    expect(await resultOf('D')).toMatchObject({ classId: ids.C1, total: 90 });
    await importFile('roster', [
      '学籍号,姓名,性别,出生日期,民族,学校标识码,年级,班级,学年学期,学籍状态',
      `${NUMBERS.A},学生A,男,2011-03-05,汉族,3115030201,八年级,1班,2024-2025-1,在读`,
      `${NUMBERS.D},学生D,女,2011-03-05,汉族,3115030201,八年级,2班,2024-2025-1,在读`,
    ]);
    // A is a boy: the boys' J2 tables ask for pull-ups and the 1000 m, which A's records lack — in both years.
    for (const year of ['2024-2025', '2023-2024']) {
      const a = await resultOf('A', year);
      expect(a).toMatchObject({ sex: 'M', status: 'incomplete', total: null });
      expect(a.missing).toEqual(expect.arrayContaining(['pull_up', 'run_1000m']));
    }
    const [{ id: class2 }] = (await db.query(`SELECT id FROM school_classes WHERE school_id = $1 AND school_year = '2024-2025' AND grade_code = 'J2' AND name = '2班'`, [ids.S1])) as { id: string }[];
    expect(await resultOf('D')).toMatchObject({ classId: class2, gradeCode: 'J2', total: 90, level: '优秀' });
    const { body } = await t.admin.get(`/api/fitness/aggregates?level=class&schoolYear=2024-2025`).expect(200);
    const class2Group = (body.groups as { unit: { id: string }; summary: { tested: number; meanTotal: number } }[]).find((g) => g.unit.id === class2);
    expect(class2Group?.summary).toMatchObject({ tested: 1, meanTotal: 90 });
  });

  it('bad query parameters and bodies are 400 with a code and both messages, and nothing is written', async () => {
    const [{ count: before }] = await db.query(`SELECT count(*)::int AS count, max(computed_at) AS latest FROM fitness_results`);
    for (const url of [
      '/api/fitness/aggregates?level=province&schoolYear=2024-2025',
      '/api/fitness/aggregates?level=school',
      '/api/fitness/aggregates?level=school&schoolYear=2024',
      '/api/fitness/aggregates?level=school&schoolYear=2024-2026',
      '/api/fitness/aggregates?level=school&schoolYear=2024-2025&gradeCode=G9',
      '/api/fitness/aggregates?level=school&schoolYear=2024-2025&sex=X',
      '/api/fitness/aggregates?level=school&schoolYear=2024-2025&schoolID=x',
      '/api/fitness/myopia?level=school&schoolYear=24-25',
      '/api/fitness/results?studentId=not-a-uuid',
      '/api/fitness/results?schoolYear=2024-2026',
      '/api/fitness/results?pageSize=1000',
    ]) {
      const response = await t.admin.get(url);
      expect([url, response.status]).toEqual([url, 400]);
      expect(response.body).toMatchObject({ code: expect.any(String), message: expect.any(String), messageZh: expect.any(String) });
    }
    for (const body of [{}, { schoolYear: '2024-2026' }, { schoolYear: '2024-2025', schoolIds: ['x'] }, { schoolYear: '2024-2025', extra: 1 }]) {
      const response = await t.admin.post('/api/fitness/recompute').send(body);
      expect([body, response.status]).toEqual([body, 400]);
      expect(response.body.messageZh).toEqual(expect.any(String));
    }
    const [{ count: after }] = await db.query(`SELECT count(*)::int AS count FROM fitness_results`);
    expect(after).toBe(before);
  });
});
