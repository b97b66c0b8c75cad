/**
 * One term-record value at a time (issue 4 leftover, ADR 0512): a teacher or school admin enters
 * or corrects a value through POST/PUT /api/term-records with the import's validation, versions
 * exactly like an import (who and when), scope-checked and audited — against a real PostgreSQL,
 * after a real import file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { createRecordWorld, FIXTURE_STUDENTS, type RecordWorld, recordSnapshot } from '../helpers/record-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'imports');

describe('term records entered and corrected one at a time (e2e)', () => {
  let t: TestApp;
  let world: RecordWorld;
  let teacher: AuthedClient;
  let schoolAdmin: AuthedClient;
  let registrar: AuthedClient;
  const indicator: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    world = await createRecordWorld(t.db.dataSource);
    for (const row of (await t.db.dataSource.query(
      `SELECT id, code FROM indicators WHERE code IN ('academic.exam.math', 'labour.list_item_hours', 'physical.fitness.run_800m', 'physical.vision.left', 'moral.conduct_level')`,
    )) as { id: string; code: string }[]) {
      indicator[row.code] = row.id;
    }
    teacher = await signedInAs(t.app, t.db.dataSource, [{ role: 'teacher', classId: world.classA }]);
    schoolAdmin = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId: world.schoolA }]);
    registrar = await signedInAs(t.app, t.db.dataSource, [{ role: 'registrar', schoolId: world.schoolA }]);
    const imported = await t.admin.post('/api/imports/scores').attach('file', fs.readFileSync(path.join(FIXTURES, 'ok', 'scores-gbk.csv')), 'scores.csv');
    expect(imported.status).toBe(201);
  }, 120_000);
  afterAll(() => t.close());

  const math = (overrides: Record<string, unknown> = {}) => ({ studentId: world.students.s1, termId: world.term1, indicatorId: indicator['academic.exam.math'], examType: '期中', examDate: '2024/11/7', value: 101.5, fullMarks: 120, ...overrides });

  it('a teacher enters a score for a student of their class: the record carries the source, who and the occasion; a second entry is 409', async () => {
    const response = await teacher.post('/api/term-records').send(math()).expect(201);
    expect(response.body).toMatchObject({
      studentId: world.students.s1,
      schoolId: world.schoolA,
      term: { id: world.term1, code: '2024-2025-1' },
      indicator: { code: 'academic.exam.math' },
      occasion: { examType: 'midterm', date: '2024-11-07', key: 'midterm|2024-11-07' },
      value: { number: 101.5, marker: null, fullMarks: 120 },
      source: 'school_entry',
      version: 1,
      recordedBy: teacher.user.id,
    });
    const again = await schoolAdmin.post('/api/term-records').send(math({ value: 99 })).expect(409);
    expect(again.body).toMatchObject({ code: 'RECORD_EXISTS', details: { recordId: response.body.id } });
    // Audited like every write.
    const [event] = await t.db.dataSource.query(`SELECT action, operation, outcome, target_id FROM audit_events WHERE actor_user_id = $1 AND operation = 'POST /api/term-records' ORDER BY id LIMIT 1`, [teacher.user.id]);
    expect(event).toEqual({ action: 'write', operation: 'POST /api/term-records', outcome: 'success', target_id: response.body.id });
  });

  it('bad input is refused with the import’s codes per field, and writes nothing', async () => {
    const before = await recordSnapshot(t.db.dataSource);
    const cases: [Record<string, unknown>, { field: string; code: string }[]][] = [
      [math({ value: 121, examDate: '2024-11-08' }), [{ field: 'value', code: 'VALUE_OUT_OF_BOUNDS' }]],
      [math({ examType: '月考', examDate: '2024-11-08' }), [{ field: 'examType', code: 'UNKNOWN_EXAM_TYPE' }]],
      [math({ examDate: '2024-11-31' }), [{ field: 'examDate', code: 'BAD_DATE' }]],
      [math({ value: '请假', examDate: '2024-11-08' }), [{ field: 'value', code: 'BAD_NUMBER' }]],
      [{ studentId: world.students.s1, termId: world.term1, indicatorId: indicator['physical.fitness.run_800m'], value: '3分75秒' }, [{ field: 'value', code: 'BAD_TIME' }]],
      [{ studentId: world.students.s2, termId: world.term1, indicatorId: indicator['physical.fitness.run_800m'], value: '免测' }, [{ field: 'exemptionReason', code: 'EXEMPTION_REASON_REQUIRED' }]],
      [{ studentId: world.students.s2, termId: world.term1, indicatorId: indicator['physical.fitness.run_800m'], value: '238', examType: '期末' }, [{ field: 'examType', code: 'FIELD_NOT_APPLICABLE' }]],
      [{ studentId: world.students.s1, termId: world.term1, indicatorId: indicator['moral.conduct_level'], value: 'Z' }, [{ field: 'value', code: 'UNKNOWN_LEVEL' }]],
      [{ studentId: world.students.s1, termId: world.term1, indicatorId: world.students.s2, value: '1' }, [{ field: 'indicatorId', code: 'UNKNOWN_INDICATOR' }]],
    ];
    for (const [body, expected] of cases) {
      const response = await schoolAdmin.post('/api/term-records').send(body);
      expect({ body, status: response.status, code: response.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
      expect(response.body.details.map(({ field, code }: { field: string; code: string }) => ({ field, code }))).toEqual(expected);
      expect(response.body.messageZh).toEqual(expect.any(String));
      for (const detail of response.body.details) expect(detail.messageZh).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(await recordSnapshot(t.db.dataSource)).toEqual(before);
  });

  it('scope: a teacher reaches only their class, a school admin only their school; roles without records.enter are 403', async () => {
    await teacher.post('/api/term-records').send(math({ studentId: world.students.outside })).expect(404);
    await schoolAdmin.post('/api/term-records').send(math({ studentId: world.students.outside })).expect(404);
    await registrar.post('/api/term-records').send(math({ examDate: '2024-11-09' })).expect(403);
    const [outsideRecord] = await t.db.dataSource.query(
      `INSERT INTO term_records (school_id, student_id, term_id, indicator_id, occasion_key, numeric_value, source) VALUES ($1, $2, $3, $4, '', 4.9, 'school_import') RETURNING id`,
      [world.schoolB, world.students.outside, world.term1, indicator['physical.vision.left']],
    );
    await schoolAdmin.put(`/api/term-records/${outsideRecord.id}`).send({ value: '5.0' }).expect(404);
  });

  it('correcting an imported value makes a new version with who and when, like a re-import; the same value again changes nothing', async () => {
    const [imported] = await t.db.dataSource.query(
      `SELECT r.id, r.import_batch_id, r.updated_at FROM term_records r JOIN indicators i ON i.id = r.indicator_id WHERE r.student_id = $1 AND i.code = 'academic.exam.math' AND r.exam_type = 'final'`,
      [world.students.s1],
    );
    const corrected = await teacher.put(`/api/term-records/${imported.id}`).send({ value: '113' }).expect(200);
    expect(corrected.body).toMatchObject({ id: imported.id, value: { number: 113, fullMarks: 120 }, occasion: { examType: 'final', date: '2025-01-16' }, version: 2, source: 'school_entry', recordedBy: teacher.user.id });
    const history = (await schoolAdmin.get(`/api/term-records/${imported.id}/history`).expect(200)).body;
    expect(history.versions).toHaveLength(2);
    expect(history.versions[0]).toMatchObject({ version: 1, current: false, source: 'school_import', recordedBy: t.admin.user.id, values: { numericValue: 112.5, examType: 'final', fullMarks: 120 } });
    expect(new Date(history.versions[0].recordedAt).getTime()).toBe(new Date(imported.updated_at).getTime());
    expect(history.versions[1]).toMatchObject({ version: 2, current: true, source: 'school_entry', recordedBy: teacher.user.id, values: { number: 113 } });
    const [version] = await t.db.dataSource.query('SELECT import_batch_id FROM record_versions WHERE record_id = $1', [imported.id]);
    expect(version.import_batch_id).toBe(imported.import_batch_id);
    // The same value (written differently) again: no third version.
    const same = await schoolAdmin.put(`/api/term-records/${imported.id}`).send({ value: '113.0' }).expect(200);
    expect(same.body).toMatchObject({ version: 2, recordedBy: teacher.user.id });
    // Over the full marks is refused, and the identity fields cannot be sent.
    const tooHigh = await schoolAdmin.put(`/api/term-records/${imported.id}`).send({ value: '121' }).expect(400);
    expect(tooHigh.body.details).toEqual([expect.objectContaining({ field: 'value', code: 'VALUE_OUT_OF_BOUNDS' })]);
    const identity = await schoolAdmin.put(`/api/term-records/${imported.id}`).send({ value: '100', examDate: '2025-01-20' }).expect(400);
    expect(identity.body.details).toEqual([expect.objectContaining({ field: 'examDate', code: 'UNKNOWN_FIELD' })]);
  });

  it('fitness: a 补测 entered beside the original, 免测 with its reason, and one retest per school year', async () => {
    const run800 = indicator['physical.fitness.run_800m'];
    const original = await teacher.post('/api/term-records').send({ studentId: world.students.s3, termId: world.term1, indicatorId: run800, value: `5'41"`, date: '2024-10-12' }).expect(201);
    const retest = await teacher.post('/api/term-records').send({ studentId: world.students.s3, termId: world.term1, indicatorId: run800, value: '300', testType: '补测', date: '2024-12-05' }).expect(201);
    expect(original.body).toMatchObject({ occasion: { key: '', date: '2024-10-12' }, value: { number: 341 } });
    expect(retest.body).toMatchObject({ occasion: { key: 'retest', date: '2024-12-05' }, value: { number: 300 } });
    const second = await teacher.post('/api/term-records').send({ studentId: world.students.s3, termId: world.term2, indicatorId: run800, value: '290', testType: '补测' }).expect(409);
    expect(second.body.code).toBe('RETEST_ALREADY_RECORDED');
    const exempt = await schoolAdmin.post('/api/term-records').send({ studentId: world.students.s2, termId: world.term1, indicatorId: run800, value: '免测', exemptionReason: '哮喘，医院证明' }).expect(201);
    expect(exempt.body.value).toMatchObject({ marker: 'exempt', markerReason: '哮喘,医院证明' });
    // Back to a measured time: the reason goes with the marker, and the old version keeps it.
    const measured = await schoolAdmin.put(`/api/term-records/${exempt.body.id}`).send({ value: '238' }).expect(200);
    expect(measured.body).toMatchObject({ version: 2, value: { number: 238, marker: null, markerReason: null } });
    const history = (await schoolAdmin.get(`/api/term-records/${exempt.body.id}/history`).expect(200)).body;
    expect(history.versions[0].values).toMatchObject({ marker: 'exempt', markerReason: '哮喘,医院证明' });
  });

  it('an indicator no import kind takes (a 德育 level) is checked by its value rule alone', async () => {
    const [row] = await t.db.dataSource.query(`SELECT levels FROM indicators WHERE code = 'moral.conduct_level'`);
    const created = await teacher.post('/api/term-records').send({ studentId: world.students.s2, termId: world.term1, indicatorId: indicator['moral.conduct_level'], value: row.levels[0] }).expect(201);
    expect(created.body).toMatchObject({ indicator: { code: 'moral.conduct_level' }, occasion: { key: '' }, value: { text: row.levels[0] }, source: 'school_entry' });
    const notApplicable = await teacher.post('/api/term-records').send({ studentId: world.students.s3, termId: world.term1, indicatorId: indicator['moral.conduct_level'], value: row.levels[0], testType: '补测' }).expect(400);
    expect(notApplicable.body.details).toEqual([expect.objectContaining({ field: 'testType', code: 'FIELD_NOT_APPLICABLE' })]);
  });

  it('an import after an entry versions it like any change (the same identity)', async () => {
    const csv = `学籍号,学年学期,科目,考试类型,考试日期,成绩,满分\n${FIXTURE_STUDENTS.s1},2024-2025-1,数学,期中,2024-11-07,105,120\n`;
    const response = await schoolAdmin.post('/api/imports/scores').attach('file', Buffer.from(csv, 'utf8'), 'fix.csv').expect(201);
    expect(response.body.summary).toEqual({ recordsCreated: 0, recordsUpdated: 1 });
    const [record] = await t.db.dataSource.query(
      `SELECT r.id, r.version, r.source FROM term_records r JOIN indicators i ON i.id = r.indicator_id WHERE r.student_id = $1 AND i.code = 'academic.exam.math' AND r.occasion_key = 'midterm|2024-11-07'`,
      [world.students.s1],
    );
    expect(record).toMatchObject({ version: 2, source: 'school_import' });
    const history = (await schoolAdmin.get(`/api/term-records/${record.id}/history`).expect(200)).body;
    expect(history.versions[0]).toMatchObject({ version: 1, source: 'school_entry', recordedBy: teacher.user.id, values: { numericValue: 101.5 } });
  });
});
