import type { DataSource } from 'typeorm';
import type { AuthedClient } from './auth';
import { studentNumber } from './roster-builders';

/**
 * A small city for the browser tests: districts D1 (5 schools) and D2 (3 schools), junior
 * schools except one primary, one school with too few students (insufficient at minGroupSize
 * 10), one school whose name starts with "=" (formula neutralisation in exports); a math
 * midterm (prior) and final (outcome) in one term; a study run with ols and multilevel.
 */
export interface UiWorld {
  cityId: string;
  districts: string[];
  schools: { id: string; name: string; regionId: string; stage: string; size: number }[];
  termId: string;
  studyId: string;
  runId: string;
  classIds: string[];
}

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function seedUiWorld(db: DataSource, admin: AuthedClient): Promise<UiWorld> {
  const [city] = await db.query(`INSERT INTO regions (code, name, level) VALUES ('150300', '乌海市', 'city') RETURNING id`);
  const [d1] = await db.query(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150302', '海勃湾区', 'district', $1) RETURNING id`, [city.id]);
  const [d2] = await db.query(`INSERT INTO regions (code, name, level, parent_id) VALUES ('150303', '海南区', 'district', $1) RETURNING id`, [city.id]);
  const [{ id: termId }] = await db.query(`INSERT INTO terms (code, school_year, term_number, start_date, end_date) VALUES ('2024-2025-1', '2024-2025', 1, '2024-09-01', '2025-01-20') RETURNING id`);
  const [{ id: math }] = await db.query(`SELECT id FROM indicators WHERE code = 'academic.exam.math'`);
  const plan = [
    { name: '海勃湾第一中学', region: d1.id, stage: 'junior', size: 14, effect: 4 },
    { name: '海勃湾第二中学', region: d1.id, stage: 'junior', size: 12, effect: -4 },
    { name: '海勃湾第三中学', region: d1.id, stage: 'junior', size: 12, effect: 0 },
    { name: '=HYPERLINK("http://x")中学', region: d1.id, stage: 'junior', size: 11, effect: 1 },
    { name: '海勃湾实验小学', region: d1.id, stage: 'primary', size: 6, effect: 0 },
    { name: '海南区第一中学', region: d2.id, stage: 'junior', size: 13, effect: 2 },
    { name: '海南区第二中学', region: d2.id, stage: 'junior', size: 12, effect: -2 },
    { name: '海南区第三中学', region: d2.id, stage: 'junior', size: 12, effect: 0 },
  ];
  const random = lcg(20251129);
  const normal = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const schools: UiWorld['schools'] = [];
  const classIds: string[] = [];
  let sequence = 100;
  for (const [s, school] of plan.entries()) {
    const [row] = await db.query(`INSERT INTO schools (code, name, stage, region_id) VALUES ($1, $2, $3, $4) RETURNING id`, [`31150302${String(s + 10)}`, school.name, school.stage, school.region]);
    const [klass] = await db.query(`INSERT INTO school_classes (school_id, school_year, grade_code, name) VALUES ($1, '2024-2025', 'J1', '1班') RETURNING id`, [row.id]);
    schools.push({ id: row.id, name: school.name, regionId: school.region, stage: school.stage, size: school.size });
    classIds.push(klass.id);
    for (let i = 0; i < school.size; i += 1) {
      sequence += 1;
      const [student] = await db.query(`INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, school_id) VALUES ($1, '学生', $2, '2012-03-05', '01', $3) RETURNING id`, [
        studentNumber('20120305', String(sequence)),
        i % 2 === 0 ? '2' : '1',
        row.id,
      ]);
      await db.query(`INSERT INTO enrolments (student_id, class_id, term_id, school_id) VALUES ($1, $2, $3, $4)`, [student.id, klass.id, termId, row.id]);
      const prior = Math.round((60 + 10 * normal()) * 10) / 10;
      const outcome = Math.round((10 + 0.85 * prior + school.effect + 4 * normal()) * 10) / 10;
      for (const [examType, examDate, value] of [['midterm', '2024-11-10', prior], ['final', '2025-01-15', outcome]] as const) {
        await db.query(
          `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, exam_type, occasion_date, numeric_value, full_marks, source) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 100, 'school_import')`,
          [row.id, student.id, termId, math, `${examType}|${examDate}`, examType, examDate, value],
        );
      }
    }
  }
  const occasion = (examType: string, examDate: string) => ({ termId, examType, examDate, subject: 'academic.exam.math' });
  const study = await admin.post('/api/value-added/studies').send({ name: '初一数学增值', outcome: occasion('final', '2025-01-15'), priors: [occasion('midterm', '2024-11-10')], covariates: ['female'], grouping: 'school', model: 'ols', minGroupSize: 10 }).expect(201);
  const run = await admin.post(`/api/value-added/studies/${study.body.id}/runs`).send({ models: ['ols', 'multilevel'] }).expect(202);
  await waitForRun(admin, run.body.id);
  return { cityId: city.id, districts: [d1.id, d2.id], schools, termId, studyId: study.body.id, runId: run.body.id, classIds };
}

export async function waitForRun(client: AuthedClient, runId: string): Promise<void> {
  for (let attempt = 0; attempt < 480; attempt += 1) {
    const run = await client.get(`/api/value-added/runs/${runId}`).expect(200);
    if (run.body.state === 'succeeded') return;
    if (run.body.state === 'failed') throw new Error(`run ${runId} failed: ${JSON.stringify(run.body.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`run ${runId} did not finish`);
}
