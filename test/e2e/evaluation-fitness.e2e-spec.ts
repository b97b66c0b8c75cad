import { type AuthedClient, signedInAs } from '../helpers/auth';
import { studentNumber } from '../helpers/roster-builders';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Fitness year totals as an evaluation source (docs/evaluation.md, "Fitness rules"): a term run
 * of a rubric with `source: { fitness: {} }` scores each student's 国家学生体质健康标准 result of
 * the term's school year, keeps the fitness result's id as provenance, explains it, and puts it
 * in the input hash (a changed total changes the hash and the score).
 */
const CUTOFFS = { A: 85, B: 70, C: 60 };
const zero = (id: string) => ({ id, nameZh: id, nameEn: id, source: { indicators: ['moral.volunteer_hours'] }, formula: '0' });
const DEFINITION = {
  dimensions: {
    moral: { maxScore: 100, cutoffs: CUTOFFS, rules: [zero('m')] },
    academic: { maxScore: 100, cutoffs: CUTOFFS, rules: [zero('a')] },
    physical: {
      maxScore: 100,
      cutoffs: CUTOFFS,
      rules: [
        { id: 'fitness_total', nameZh: '体质健康学年总分', nameEn: 'Fitness year total', source: { fitness: {} }, formula: 'total * 0.5 + 10 * passed' },
        { id: 'fitness_level', nameZh: '体质健康等级', nameEn: 'Fitness level', source: { fitness: {} }, formula: 'level_points', levelPoints: { 优秀: 30, 良好: 25, 及格: 20, 不及格: 5 } },
      ],
    },
    aesthetic: { maxScore: 100, cutoffs: CUTOFFS, rules: [zero('e')] },
    labour: { maxScore: 100, cutoffs: CUTOFFS, rules: [zero('l')] },
  },
  quota: null,
  termWeights: {},
};

async function finished(client: AuthedClient, jobId: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const job = await client.get(`/api/jobs/${jobId}`).expect(200);
    if (job.body.state === 'succeeded') return;
    if (job.body.state === 'failed') throw new Error(`job failed: ${JSON.stringify(job.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error('job did not finish');
}

describe('evaluation: fitness year totals as a rubric source', () => {
  let t: TestApp;
  let district: AuthedClient;
  const ids: Record<string, string> = {};
  const students: string[] = [];
  const fitness: Record<string, string> = {};

  const run = async () => {
    const queued = await district.post('/api/evaluation/runs').send({ termId: ids.T1, stage: 'junior', entryYear: 2024 }).expect(202);
    await finished(district, queued.body.jobId);
    return (await district.get(`/api/evaluation/runs/${queued.body.id}`).expect(200)).body;
  };
  const physical = async (runId: string) =>
    Object.fromEntries(
      ((await district.get(`/api/evaluation/runs/${runId}/results`).expect(200)).body.items as { studentId: string; dimension: string; score: number; level: string }[])
        .filter((row) => row.dimension === 'physical')
        .map((row) => [row.studentId, [row.score, row.level]]),
    );

  beforeAll(async () => {
    t = await startTestApp();
    const db = t.db.dataSource;
    const [city] = await db.query(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
    const [d1] = await db.query(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id`, [city.id]);
    [{ id: ids.T1 }] = await db.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id`);
    const [school] = await db.query(`INSERT INTO schools (code, name, stage, region_id) VALUES ('3115030201', '第一中学', 'junior', $1) RETURNING id`, [d1.id]);
    const [klass] = await db.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '1班') RETURNING id`, [school.id]);
    for (let i = 0; i < 3; i += 1) {
      const [student] = await db.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '学生', '1', '2012-01-01', '01', $2) RETURNING id`, [studentNumber('20120101', String(700 + i)), school.id]);
      await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [student.id, klass.id, ids.T1, school.id]);
      students.push(student.id);
    }
    const result = async (key: string, student: string, schoolYear: string, status: string, total: number | null, level: string | null) => {
      const [row] = await db.query(
        `INSERT INTO fitness_results (student_id, school_id, class_id, school_year, grade_code, sex, status, total, level, standard_version, engine_version)
         VALUES ($1, $2, $3, $4, 'J1', 'M', $5, $6, $7, 'test', 'test') RETURNING id`,
        [student, school.id, klass.id, schoolYear, status, total, level],
      );
      fitness[key] = row.id;
    };
    await result('good', students[0], '2024-2025', 'scored', 88, '良好');
    await result('earlier', students[0], '2023-2024', 'scored', 99, '优秀'); // another school year: never read for 2024-2025-1
    await result('failing', students[1], '2024-2025', 'scored', 55, '不及格');
    await result('exempt', students[2], '2024-2025', 'exempt', null, null);

    district = await signedInAs(t.app, db, [{ role: 'district_officer', regionId: d1.id }]);
    const rubric = await district.post('/api/evaluation/rubrics').send({ code: 'fitness', nameZh: '体质方案', nameEn: 'Fitness rubric', definition: DEFINITION }).expect(201);
    await district.put('/api/evaluation/assignments').send({ stage: 'junior', entryYear: 2024, rubricId: rubric.body.id }).expect(200);
  }, 120_000);
  afterAll(() => t.close());

  it('refuses a fitness rule that reads what a fitness result does not have (400, nothing stored)', async () => {
    const bad = { ...DEFINITION, dimensions: { ...DEFINITION.dimensions, physical: { ...DEFINITION.dimensions.physical, rules: [{ ...DEFINITION.dimensions.physical.rules[0], formula: 'sum_hours' }] } } };
    const refused = await district.post('/api/evaluation/rubrics').send({ code: 'fitness-bad', nameZh: '错误', nameEn: 'Bad', definition: bad }).expect(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_FORMULA', details: [expect.objectContaining({ field: 'dimensions.physical.rules[0].formula', value: 'sum_hours' })] });
    expect((await district.get('/api/evaluation/rubrics').expect(200)).body.items.map((r: { code: string }) => r.code)).not.toContain('fitness-bad');
  });

  let first: { id: string; inputHash: string; summary: Record<string, unknown> };
  it('scores the year result of the term’s school year (hand-computed), with its id as provenance', async () => {
    first = await run();
    expect(first.summary).toMatchObject({ students: 3, fitnessResults: 3 });
    // 88·0.5 + 10 + 25 = 79 → B; 55·0.5 + 0 + 5 = 32.5 → D; exempt: no total → 0 → D
    expect(await physical(first.id)).toEqual({ [students[0]]: [79, 'B'], [students[1]]: [32.5, 'D'], [students[2]]: [0, 'D'] });

    const explained = await district.get(`/api/evaluation/students/${students[0]}/explanation?termId=${ids.T1}&dimension=physical`).expect(200);
    const [entry] = explained.body.explanations;
    expect(entry.provenance.rules.map((rule: { ruleId: string; recordIds: string[]; source?: string }) => [rule.ruleId, rule.recordIds, rule.source])).toEqual([
      ['fitness_total', [fitness.good], 'fitness'],
      ['fitness_level', [fitness.good], 'fitness'],
    ]);
    expect(entry.provenance.rules[0].terms[0].inputs).toEqual([{ key: 'total', value: 88, recordIds: [fitness.good] }]);
    const text = entry.lines.map((line: { textZh: string }) => line.textZh).join('\n');
    expect(text).toContain(`total = 88（本学期所在学年的体质健康学年总分（无成绩时为0）；记录：${fitness.good}）`);
    expect(text).toContain('level_points = 25（该学年体质健康等级按规则的等级分值表折算的分数');
    expect(text).not.toContain(fitness.earlier);
  });

  it('puts the fitness results in the input hash: same data, same hash; a changed total, a new hash and score', async () => {
    expect((await run()).inputHash).toBe(first.inputHash);
    await t.db.dataSource.query(`UPDATE fitness_results SET total = 90, level = '优秀' WHERE id = $1`, [fitness.good]);
    const changed = await run();
    expect(changed.inputHash).not.toBe(first.inputHash);
    // 90·0.5 + 10 + 30 = 85 → A
    expect((await physical(changed.id))[students[0]]).toEqual([85, 'A']);
  });
});
