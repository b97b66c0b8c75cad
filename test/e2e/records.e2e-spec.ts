import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type AuthedClient, signedInAs } from '../helpers/auth';
import { createRecordWorld, FIXTURE_STUDENTS, type RecordWorld } from '../helpers/record-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'imports');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR evidence photo')]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n');

describe('term records over HTTP: imports, reading through scope, history, evidence, catalogue, jobs', () => {
  let t: TestApp;
  let world: RecordWorld;
  let schoolAdmin: AuthedClient; // school A
  let otherSchool: AuthedClient; // school B
  let teacher: AuthedClient; // class 1班 of school A
  let student: AuthedClient; // s1
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wuyu-records-e2e-'));
    t = await startTestApp({ dataDir, evidenceMaxBytes: 2000 });
    world = await createRecordWorld(t.db.dataSource);
    schoolAdmin = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId: world.schoolA }]);
    otherSchool = await signedInAs(t.app, t.db.dataSource, [{ role: 'school_admin', schoolId: world.schoolB }]);
    teacher = await signedInAs(t.app, t.db.dataSource, [{ role: 'teacher', classId: world.classA }]);
    student = await signedInAs(t.app, t.db.dataSource, [{ role: 'student', studentId: world.students.s1 }]);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const upload = (client: AuthedClient, kind: string, file: string, dryRun = false) =>
    client.post(`/api/imports/${kind}${dryRun ? '?dryRun=true' : ''}`).attach('file', fs.readFileSync(path.join(FIXTURES, file)), path.basename(file));

  it('offers every kind with Chinese-headed templates (CSV with BOM, XLSX)', async () => {
    const kinds = (await schoolAdmin.get('/api/imports').expect(200)).body.items.map((k: { kind: string }) => k.kind);
    expect(kinds).toEqual(expect.arrayContaining(['roster', 'scores', 'fitness', 'vision', 'art', 'labour', 'activities']));
    const csv = await schoolAdmin.get('/api/imports/scores/template?format=csv').expect(200);
    expect(csv.text.startsWith('\uFEFF学籍号,姓名,学年学期,科目,考试类型,考试日期,成绩,满分')).toBe(true);
    const xlsx = await schoolAdmin.get('/api/imports/fitness/template').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect((xlsx.body as Buffer).subarray(0, 2).toString()).toBe('PK');
  });

  it('imports through HTTP with the uploader’s scope: another school’s admin sees the students as unknown', async () => {
    const refused = await upload(otherSchool, 'scores', 'ok/scores-gbk.csv').expect(422);
    expect(refused.body.code).toBe('IMPORT_INVALID');
    expect(refused.body.details.errors.every((e: { code: string }) => e.code === 'UNKNOWN_STUDENT')).toBe(true);
    const dry = await upload(schoolAdmin, 'scores', 'ok/scores-gbk.csv', true).expect(200);
    expect(dry.body).toMatchObject({ valid: true, dryRun: true, committed: false });
    const committed = await upload(schoolAdmin, 'scores', 'ok/scores-gbk.csv').expect(201);
    expect(committed.body).toMatchObject({ committed: true, summary: { recordsCreated: 6, recordsUpdated: 0 } });
    await upload(schoolAdmin, 'activities', 'ok/activities.csv').expect(201);
    // A teacher has no imports.commit permission.
    await upload(teacher, 'scores', 'ok/scores-gbk.csv').expect(403);
  });

  it('lists a student’s records by term and dimension, a class’s by indicator — each caller only within scope', async () => {
    const mine = await student.get(`/api/term-records?studentId=${world.students.s1}&termId=${world.term1}&dimension=academic`).expect(200);
    expect(mine.body.total).toBe(2);
    expect(mine.body.items.map((r: { indicator: { code: string } }) => r.indicator.code).sort()).toEqual(['academic.exam.chinese', 'academic.exam.math']);
    // The student asking for a classmate's records gets an empty page, not the records.
    expect((await student.get(`/api/term-records?studentId=${world.students.s2}`).expect(200)).body.total).toBe(0);
    const indicators = (await teacher.get('/api/indicators?dimension=academic').expect(200)).body.items as { id: string; code: string }[];
    const chinese = indicators.find((i) => i.code === 'academic.exam.chinese')!;
    const classChinese = await teacher.get(`/api/term-records?classId=${world.classA}&indicatorId=${chinese.id}`).expect(200);
    expect(classChinese.body.items.map((r: { value: unknown }) => r.value)).toEqual(
      expect.arrayContaining([{ number: 98, text: null, marker: null, markerReason: null, fullMarks: 120 }, { number: null, text: null, marker: 'absent', markerReason: null, fullMarks: 120 }]),
    );
    expect((await otherSchool.get(`/api/term-records?schoolId=${world.schoolA}`).expect(200)).body.total).toBe(0);
    expect((await schoolAdmin.get(`/api/activity-records?studentId=${world.students.s1}&dimension=moral`).expect(200)).body.items[0]).toMatchObject({
      title: '社区敬老院志愿服务', level: 'district', role: 'main_participant', hours: 12, source: 'school_import', status: 'VERIFIED', needsStudentConfirmation: false,
    });
    await student.get('/api/term-records?dimension=music').expect(400);
    await student.get('/api/term-records?unknown=1').expect(400);
  });

  it('a record outside the caller’s scope is 404, exactly like a missing one; a malformed id is 400', async () => {
    const [record] = (await schoolAdmin.get(`/api/term-records?studentId=${world.students.s2}`).expect(200)).body.items;
    await schoolAdmin.get(`/api/term-records/${record.id}`).expect(200);
    const outside = await student.get(`/api/term-records/${record.id}`).expect(404);
    const missing = await student.get('/api/term-records/00000000-0000-4000-8000-000000000000').expect(404);
    expect(outside.body.code).toBe(missing.body.code);
    expect((await student.get('/api/term-records/not-a-uuid').expect(400)).body.code).toBe('INVALID_ID');
  });

  it('GET a record’s history: the old value with who set it and when, then the current one', async () => {
    const iconv = require('iconv-lite');
    const changed = iconv.encode(iconv.decode(fs.readFileSync(path.join(FIXTURES, 'ok', 'scores-gbk.csv')), 'gbk').replace(',98,', ',99,'), 'gbk') as Buffer;
    const second = await signedInAs(t.app, t.db.dataSource, [{ role: 'registrar', schoolId: world.schoolA }]);
    await second.post('/api/imports/scores').attach('file', changed, 'fixed.csv').expect(201);
    const [record] = (await schoolAdmin.get(`/api/term-records?studentId=${world.students.s1}&dimension=academic`).expect(200)).body.items.filter((r: { indicator: { code: string } }) => r.indicator.code === 'academic.exam.chinese');
    const history = (await teacher.get(`/api/term-records/${record.id}/history`).expect(200)).body;
    expect(history.versions).toHaveLength(2);
    expect(history.versions[0]).toMatchObject({ version: 1, current: false, values: { numericValue: 98 }, recordedBy: schoolAdmin.user.id, source: 'school_import' });
    expect(history.versions[1]).toMatchObject({ version: 2, current: true, values: { number: 99 }, recordedBy: second.user.id, supersededAt: null });
    expect(history.versions[0].supersededAt).toEqual(expect.any(String));
    await otherSchool.get(`/api/term-records/${record.id}/history`).expect(404);
  });

  it('evidence: stored by SHA-256, typed by content, size-limited, deduplicated, and read back through scope', async () => {
    const [activity] = (await schoolAdmin.get(`/api/activity-records?studentId=${world.students.s1}`).expect(200)).body.items;
    const [otherActivity] = (await schoolAdmin.get(`/api/activity-records?studentId=${world.students.s2}`).expect(200)).body.items;
    const first = await schoolAdmin.post(`/api/activity-records/${activity.id}/evidence`).field('capturedAt', '2024-10-02T09:30:00Z').attach('file', PNG, '照片.jpg').expect(201);
    const sha256 = require('node:crypto').createHash('sha256').update(PNG).digest('hex');
    expect(first.body).toMatchObject({ sha256, mediaType: 'image/png', sizeBytes: PNG.length, originalName: '照片.jpg', capturedAt: '2024-10-02T09:30:00.000Z', sameFileOnOtherStudents: 0 });
    expect(fs.readFileSync(path.join(dataDir, 'evidence', sha256.slice(0, 2), sha256))).toEqual(PNG);
    // The same file again on the same record: nothing new (200, same id).
    const again = await schoolAdmin.post(`/api/activity-records/${activity.id}/evidence`).attach('file', PNG, 'copy.png').expect(200);
    expect(again.body.id).toBe(first.body.id);
    // The same file on another student's record: stored once, flagged on both.
    const copied = await schoolAdmin.post(`/api/activity-records/${otherActivity.id}/evidence`).attach('file', PNG, 'x.png').expect(201);
    expect(copied.body.sameFileOnOtherStudents).toBe(1);
    expect(fs.readdirSync(path.join(dataDir, 'evidence', sha256.slice(0, 2)))).toEqual([sha256]);
    await schoolAdmin.post(`/api/activity-records/${activity.id}/evidence`).attach('file', PDF, 'certificate.pdf').expect(201);
    expect((await student.get(`/api/activity-records/${activity.id}/evidence`).expect(200)).body.items).toHaveLength(2);

    const content = await student.get(`/api/evidence/${first.body.id}/content`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(content.headers['content-type']).toBe('image/png');
    expect(content.body).toEqual(PNG);
    await otherSchool.get(`/api/evidence/${first.body.id}/content`).expect(404);

    const renamed = await schoolAdmin.post(`/api/activity-records/${activity.id}/evidence`).attach('file', Buffer.from('MZ\x90\x00 not a photo'), 'photo.jpg').expect(415);
    expect(renamed.body).toMatchObject({ code: 'EVIDENCE_TYPE_NOT_ALLOWED', messageZh: expect.stringMatching(/按内容/) });
    await schoolAdmin.post(`/api/activity-records/${activity.id}/evidence`).attach('file', Buffer.concat([PNG, Buffer.alloc(3000)]), 'big.png').expect(413);
    expect((await schoolAdmin.post(`/api/activity-records/${activity.id}/evidence`).expect(400)).body.code).toBe('FILE_REQUIRED');
    await schoolAdmin.post(`/api/activity-records/${activity.id}/evidence`).field('capturedAt', 'yesterday').attach('file', PDF, 'a.pdf').expect(400);
    await otherSchool.post(`/api/activity-records/${activity.id}/evidence`).attach('file', PDF, 'a.pdf').expect(404);
    await teacher.post(`/api/activity-records/${activity.id}/evidence`).attach('file', PDF, 'a.pdf').expect(403);
    expect((await t.db.dataSource.query('SELECT count(*)::int AS n FROM evidence_files'))[0].n).toBe(3);
  });

  it('the catalogue: a city administrator adds a subject, which imports at once, and retires it; its records stay', async () => {
    const created = await t.admin.post('/api/indicators').send({ code: 'academic.exam.music', dimension: 'academic', nameZh: '音乐', nameEn: 'Music', valueType: 'score', fullMarks: 100, maxValue: 150, aliases: ['music'] }).expect(201);
    expect(created.body).toMatchObject({ code: 'academic.exam.music', builtIn: false, retiredAt: null });
    await t.admin.post('/api/indicators').send({ code: 'academic.exam.music', dimension: 'academic', nameZh: '音乐', nameEn: 'Music', valueType: 'score', fullMarks: 100 }).expect(409);
    await t.admin.post('/api/indicators').send({ code: 'moral.x', dimension: 'moral', nameZh: 'x', nameEn: 'x', valueType: 'level' }).expect(400);
    await schoolAdmin.post('/api/indicators').send({ code: 'moral.y', dimension: 'moral', nameZh: 'y', nameEn: 'y', valueType: 'text' }).expect(403);
    const file = Buffer.from(`学籍号,学年学期,科目,考试类型,考试日期,成绩\n${FIXTURE_STUDENTS.s1},2024-2025-1,音乐,期末,2025-01-17,91\n`);
    await schoolAdmin.post('/api/imports/scores').attach('file', file, 'music.csv').expect(201);
    const retired = await t.admin.post(`/api/indicators/${created.body.id}/retire`).expect(201);
    expect(retired.body.retiredAt).toEqual(expect.any(String));
    const refused = await schoolAdmin.post('/api/imports/scores').attach('file', Buffer.from(file.toString().replace(',91', ',92')), 'music.csv').expect(422);
    expect(refused.body.details.errors).toEqual([expect.objectContaining({ row: 2, column: '科目', code: 'INDICATOR_RETIRED' })]);
    const kept = await schoolAdmin.get(`/api/term-records?indicatorId=${created.body.id}`).expect(200);
    expect(kept.body.items).toEqual([expect.objectContaining({ value: expect.objectContaining({ number: 91 }), indicator: expect.objectContaining({ retired: true }) })]);
    expect((await schoolAdmin.get('/api/indicators?includeRetired=true&dimension=academic').expect(200)).body.items.map((i: { code: string }) => i.code)).toContain('academic.exam.music');
    expect((await schoolAdmin.get('/api/indicators?dimension=academic').expect(200)).body.items.map((i: { code: string }) => i.code)).not.toContain('academic.exam.music');
  });

  it('a large file as a job: 202 with the job id, then state, rows processed / total and the report', async () => {
    const lines = ['学籍号,学年学期,科目,考试类型,考试日期,成绩'];
    for (let day = 1; day <= 28; day += 1) for (const s of [FIXTURE_STUDENTS.s1, FIXTURE_STUDENTS.s2, FIXTURE_STUDENTS.s3]) lines.push(`${s},2024-2025-2,地理,统考,2025-03-${String(day).padStart(2, '0')},${60 + day}`);
    const accepted = await schoolAdmin.post('/api/imports/scores/jobs').attach('file', Buffer.from(lines.join('\n')), 'geo.csv').expect(202);
    expect(accepted.body).toMatchObject({ id: expect.any(String), type: 'import', state: 'queued' });
    let job = accepted.body;
    for (let attempt = 0; attempt < 100 && (job.state === 'queued' || job.state === 'running'); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await schoolAdmin.get(`/api/jobs/${accepted.body.id}`).expect(200)).body;
    }
    expect(job).toMatchObject({ state: 'succeeded', progress: { done: 84, total: 84 }, result: { committed: true, summary: { recordsCreated: 84 } } });
    await otherSchool.get(`/api/jobs/${accepted.body.id}`).expect(404);
    await teacher.post('/api/imports/scores/jobs').attach('file', Buffer.from(lines.join('\n')), 'geo.csv').expect(403);
  });
});
