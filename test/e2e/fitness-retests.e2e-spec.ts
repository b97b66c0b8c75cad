/**
 * 补测 (retests) and 免予执行 / 暂缓 with their reasons (issue 5, ADR 0510), from the real fixture
 * file test/fixtures/imports/ok/fitness-retest.csv through the HTTP import, the stored records, the
 * student-year results and the aggregates, against a real PostgreSQL.
 *
 * Four 初二 (J2) girls of one class, 2024-2025. Their tables and the hand computation of the
 * base test (86.7) are in test/e2e/fitness.e2e-spec.ts; here:
 *  R1: the base test with 肺活量 1200 (0 points, −11.7) and 800米 5'41" = 341 s (0 points, −20, no
 *      bonus 2): 86.7 − 11.7 − 20 − 2 = 53.0 不及格. 补测 800米 300 s (50 points: +10): 63.0 及格.
 *      A corrected retest of 199 s (100 points, bonus 2): 53.0 + 20 + 2 = 75.0 及格.
 *  R2: the base test, 86.7 良好; its 补测 (800米 3'10") is kept but not used (the year did not fail).
 *  R3: every item 免测, reason 先天性心脏病，凭医院证明免予执行: exempt, no total.
 *  R4: 肺活量 and 800米 暂缓, reason 右臂骨折，康复后补测: deferred, no total.
 * (Full-width punctuation is normalised on import: the stored reasons have ASCII commas.)
 * Class aggregate: enrolled 4, recorded 4, tested 2 (R1 63.0, R2 86.7), exempt 1, deferred 1,
 * incomplete 0; participation = tested / (enrolled − exempt) = 2/3 (the deferred student stays in
 * the denominator: not yet tested); mean (63.0 + 86.7) / 2 = 74.85; 合格率 2/2, 优良率 1/2, 优秀率 0.
 * Without the retest R1 would fail: 合格率 1/2.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { expectClose } from '../helpers/expect-close';
import { studentNumber } from '../helpers/roster-builders';
import { startTestApp, type TestApp } from '../helpers/test-app';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'imports', 'ok', 'fitness-retest.csv');
const TOL = 1e-12;
type Key = 'R1' | 'R2' | 'R3' | 'R4';
const STUDENTS: Record<Key, { number: string; name: string }> = {
  R1: { number: studentNumber('20110305', '921'), name: '陈静' },
  R2: { number: studentNumber('20110305', '922'), name: '刘洋' },
  R3: { number: studentNumber('20110305', '923'), name: '杨丽' },
  R4: { number: studentNumber('20110305', '924'), name: '黄敏' },
};
const RETEST_HEADER = '学籍号,姓名,学年学期,测试日期,800米跑,测试类型';

describe('fitness retests (补测) and exemptions with reasons (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  const ids: Record<string, string> = {};

  const upload = (name: string, bytes: Buffer) => t.admin.post('/api/imports/fitness').attach('file', bytes, name);
  const resultOf = async (key: Key) => {
    const response = await t.admin.get(`/api/fitness/results?studentId=${ids[key]}&schoolYear=2024-2025`).expect(200);
    expect(response.body.items).toHaveLength(1);
    return response.body.items[0];
  };
  const run800Records = async (key: Key) =>
    ((await t.admin.get(`/api/term-records?studentId=${ids[key]}&dimension=physical&pageSize=100`).expect(200)).body.items as { id: string; indicator: { code: string }; occasion: { key: string; date: string }; value: { number: number | null }; version: number }[])
      .filter((record) => record.indicator.code === 'physical.fitness.run_800m')
      .sort((a, b) => a.occasion.key.localeCompare(b.occasion.key));

  beforeAll(async () => {
    t = await startTestApp();
    db = t.db.dataSource;
    const one = async (sql: string, params: unknown[] = []) => ((await db.query(sql, params)) as { id: string }[])[0].id;
    const city = await one(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
    const district = await one(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id`, [city]);
    ids.school = await one(`INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030201', '一中', 'junior', $1) RETURNING id`, [district]);
    ids.term1 = await one(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id`);
    ids.term2 = await one(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-2', '2024-2025', 2, '2025-02-20', '2025-07-10') RETURNING id`);
    ids.class = await one(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J2', '1班') RETURNING id`, [ids.school]);
    for (const [key, student] of Object.entries(STUDENTS)) {
      ids[key] = await one(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, $2, '2', '2011-03-05', '01', $3) RETURNING id`, [student.number, student.name, ids.school]);
      await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [ids[key], ids.class, ids.term1, ids.school]);
    }
    const response = await upload('fitness-retest.csv', fs.readFileSync(FIXTURE));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ committed: true, errorCount: 0 });
  }, 120_000);
  afterAll(() => t.close());

  it('keeps the retest as its own record beside the original: both are read back', async () => {
    const [original, retest] = await run800Records('R1');
    expect(original).toMatchObject({ occasion: { key: '', date: '2024-10-12' }, value: { number: 341 }, version: 1 });
    expect(retest).toMatchObject({ occasion: { key: 'retest', date: '2024-12-05' }, value: { number: 300 }, version: 1 });
  });

  it('a failing student with a passing retest: the year is the re-scored test, and the original result is kept', async () => {
    const r1 = await resultOf('R1');
    expect(r1).toMatchObject({ status: 'scored', total: 63, level: '及格', exemption: null, measurements: { run_800m: 300, vital_capacity: 1200 } });
    expect(r1.itemScores).toMatchObject({ run_800m: 50, vital_capacity: 0 });
    expect(r1.retest).toMatchObject({ applied: true, termNumber: 1, measurements: { run_800m: 300 }, replaced: ['run_800m'] });
    expect(r1.retest.original).toMatchObject({ status: 'scored', total: 53, level: '不及格', measurements: { run_800m: 341 } });
    expect(r1.retest.original.itemScores).toMatchObject({ run_800m: 0 });
  });

  it('a retest of a student who did not fail is stored but not used, and the result says why', async () => {
    const [, retest] = await run800Records('R2');
    expect(retest).toMatchObject({ occasion: { key: 'retest' }, value: { number: 190 } });
    const r2 = await resultOf('R2');
    expect(r2).toMatchObject({ status: 'scored', total: 86.7, level: '良好', measurements: { run_800m: 199 } });
    expect(r2.retest).toMatchObject({ applied: false, replaced: [], measurements: { run_800m: 190 } });
    expect(r2.retest.reason).toMatch(/^not used: .*不及格.*良好/);
  });

  it('exempt and deferred students carry the recorded reason in their records and their year result', async () => {
    const records = (await t.admin.get(`/api/term-records?studentId=${ids.R3}&dimension=physical&pageSize=100`).expect(200)).body.items as { indicator: { code: string }; value: { marker: string | null; markerReason: string | null } }[];
    const marked = records.filter((record) => record.value.marker !== null);
    expect(marked).toHaveLength(6);
    for (const record of marked) expect(record.value).toMatchObject({ marker: 'exempt', markerReason: '先天性心脏病,凭医院证明免予执行' });
    const r3 = await resultOf('R3');
    expect(r3).toMatchObject({ status: 'exempt', total: null, level: null, exemption: { kind: 'exempt', reason: '先天性心脏病,凭医院证明免予执行' }, retest: null });
    expect(r3.reason).toMatch(/^免予执行 \(exempt\): 先天性心脏病,凭医院证明免予执行 \(marked for /);
    const r4 = await resultOf('R4');
    expect(r4).toMatchObject({ status: 'deferred', total: null, exemption: { kind: 'deferred', reason: '右臂骨折,康复后补测' } });
  });

  it('aggregates record exempt and deferred students without scoring them; the retest counts', async () => {
    const { body } = await t.admin.get('/api/fitness/aggregates?level=class&schoolYear=2024-2025').expect(200);
    expect(body.groups).toHaveLength(1);
    const { summary } = body.groups[0];
    expect(summary).toMatchObject({ enrolled: 4, recorded: 4, tested: 2, exempt: 1, deferred: 1, incomplete: 0, excellentCount: 0, goodOrBetterCount: 1, passCount: 2 });
    expectClose(summary.participation, 2 / 3, TOL);
    expectClose(summary.meanTotal, 74.85, TOL);
    expectClose(summary.passRate, 1, TOL);
    expectClose(summary.goodOrBetterRate, 0.5, TOL);
    expectClose(summary.excellentRate, 0, TOL);
  });

  it('a corrected retest becomes a new version of the retest record; the original test is untouched', async () => {
    const csv = `${RETEST_HEADER}\n${STUDENTS.R1.number},,2024-2025-1,2024-12-05,199,补测\n`;
    const response = await upload('retest-correction.csv', Buffer.from(csv, 'utf8'));
    expect(response.status).toBe(201);
    expect(response.body.summary).toEqual({ recordsCreated: 0, recordsUpdated: 1 });
    const [original, retest] = await run800Records('R1');
    expect(original).toMatchObject({ value: { number: 341 }, version: 1 });
    expect(retest).toMatchObject({ value: { number: 199 }, version: 2 });
    const history = (await t.admin.get(`/api/term-records/${retest.id}/history`).expect(200)).body;
    expect(history.versions.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([[1, false], [2, true]]);
    expect(history.versions[0].values).toMatchObject({ numericValue: 300 });
    // Fresh on the next read: 53.0 + 20 + 2 = 75.0.
    expect(await resultOf('R1')).toMatchObject({ status: 'scored', total: 75, level: '及格', retest: { applied: true, measurements: { run_800m: 199 } } });
  });

  it('a second retest in another term of the same school year is refused with a row error, and nothing is written', async () => {
    const before = await db.query(`SELECT count(*)::int AS n, max(updated_at) AS latest FROM term_records`);
    const csv = `${RETEST_HEADER}\n${STUDENTS.R1.number},,2024-2025-2,2025-05-20,250,补测\n`;
    const response = await upload('second-retest.csv', Buffer.from(csv, 'utf8'));
    expect(response.status).toBe(422);
    expect(response.body.details.errors).toEqual([expect.objectContaining({ row: 2, column: '测试类型', code: 'RETEST_ALREADY_RECORDED', value: '2024-2025-2' })]);
    expect(response.body.details.errors[0].messageZh).toContain('2024-2025-1');
    expect(await db.query(`SELECT count(*)::int AS n, max(updated_at) AS latest FROM term_records`)).toEqual(before);
  });
});
