import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'imports');
const okFile = (name: string) => path.join(FIXTURES, 'ok', name);
const badFile = (name: string) => path.join(FIXTURES, 'not-ok', name);

/** Row counts of every roster table plus their max(updated_at): equal snapshots mean nothing was written. */
async function snapshot(t: TestApp): Promise<Record<string, unknown>> {
  const [row] = await t.db.dataSource.query(`
    SELECT (SELECT count(*) FROM students)::int AS students,
           (SELECT count(*) FROM school_classes)::int AS classes,
           (SELECT count(*) FROM enrolments)::int AS enrolments,
           (SELECT count(*) FROM import_batches)::int AS batches,
           (SELECT max(updated_at) FROM students) AS students_updated,
           (SELECT string_agg(class_id::text, ',' ORDER BY id) FROM enrolments) AS placements`);
  return row;
}

describe('roster import pipeline (real files, real PostgreSQL)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    const city = (await t.admin.post('/api/regions').send({ code: '150300', name: '乌海市', level: 'city' }).expect(201)).body;
    const district = (await t.admin.post('/api/regions').send({ code: '150302', name: '海勃湾区', level: 'district', parentId: city.id }).expect(201)).body;
    await t.admin.post('/api/schools').send({ code: '3115030201', name: '乌海市第一中学', stage: 'junior', regionId: district.id }).expect(201);
    await t.admin.post('/api/terms').send({ code: '2024-2025-1', startDate: '2024-09-01', endDate: '2025-01-20' }).expect(201);
    await t.admin.post('/api/terms').send({ code: '2024-2025-2', startDate: '2025-02-20', endDate: '2025-07-10' }).expect(201);
  });
  afterAll(() => t.close());

  const upload = (file: string, dryRun = false) =>
    t.admin.post(`/api/imports/roster${dryRun ? '?dryRun=true' : ''}`).attach('file', fs.readFileSync(file), path.basename(file));

  it('offers templates with Chinese headers as CSV (UTF-8 BOM) and XLSX', async () => {
    // supertest's parser type names its own Response; the stream API is all we use
    const binary = (res: { on(event: string, listener: (chunk?: Buffer) => void): void }, done: (error: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk) => chunks.push(chunk!));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    };
    const csv = await t.admin.get('/api/imports/roster/template?format=csv').buffer(true).parse(binary as never).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const text = (csv.body as Buffer).toString('utf8');
    expect(text.startsWith('\uFEFF学籍号,姓名,性别,出生日期,民族,学校标识码,年级,班级,学年学期,学籍状态')).toBe(true);
    const xlsx = await t.admin.get('/api/imports/roster/template').buffer(true).parse(binary as never).expect(200);
    expect((xlsx.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    // Both templates, filled only with their example row, pass validation as they are.
    for (const [name, bytes] of [['template.csv', Buffer.from(text, 'utf8')], ['template.xlsx', xlsx.body as Buffer]] as const) {
      const report = await t.admin.post('/api/imports/roster?dryRun=true').attach('file', bytes, name).expect(200);
      expect(report.body).toMatchObject({ valid: true, rowCount: 1, errors: [] });
    }


  });

  it('a dry run reports without writing', async () => {
    const before = await snapshot(t);
    const report = await upload(okFile('roster-utf8.csv'), true).expect(200);
    expect(report.body).toMatchObject({ kind: 'roster', valid: true, dryRun: true, committed: false, rowCount: 5, errorCount: 0, encoding: 'utf-8' });
    expect(await snapshot(t)).toEqual(before);
  });

  it('imports a valid file in one go, and importing it again changes nothing', async () => {
    const first = await upload(okFile('roster-utf8.csv')).expect(201);
    expect(first.body).toMatchObject({ valid: true, committed: true, summary: { classesCreated: 2, studentsCreated: 5, studentsUpdated: 0, enrolmentsCreated: 5, enrolmentsMoved: 0 } });
    const after = await snapshot(t);
    expect(after).toMatchObject({ students: 5, classes: 2, enrolments: 5, batches: 1 });
    const again = await upload(okFile('roster-utf8.csv')).expect(201);
    expect(again.body.summary).toEqual({ classesCreated: 0, studentsCreated: 0, studentsUpdated: 0, enrolmentsCreated: 0, enrolmentsMoved: 0 });
    expect(again.body.batchId).toBeUndefined();
    expect(await snapshot(t)).toEqual(after);
  });

  it.each([
    ['roster-utf8-bom.csv', 'utf-8-bom'],
    ['roster-gbk.csv', 'gb18030'],
    ['roster-gb18030.csv', 'gb18030'],
    ['roster-fullwidth.csv', 'utf-8'],
    ['roster-english-headers.csv', 'utf-8'],
    ['roster.xlsx', 'xlsx'],
  ])('%s decodes to the same students (%s) and changes nothing already stored', async (name, encoding) => {
    const before = await snapshot(t);
    const report = await upload(okFile(name), true).expect(200);
    expect(report.body).toMatchObject({ valid: true, encoding, rowCount: 5, errors: [] });
    const committed = await upload(okFile(name)).expect(201);
    const changes = committed.body.summary;
    if (name === 'roster-gbk.csv') {
      // the GBK file spells one name 龚明 (GBK has no 䶮): exactly that student is updated
      expect(changes).toMatchObject({ studentsUpdated: 1, studentsCreated: 0, enrolmentsCreated: 0 });
      await upload(okFile('roster-utf8.csv')).expect(201);
    } else {
      expect(changes).toEqual({ classesCreated: 0, studentsCreated: 0, studentsUpdated: 0, enrolmentsCreated: 0, enrolmentsMoved: 0 });
      expect(await snapshot(t)).toEqual(before);
    }
    const names = (await t.db.dataSource.query('SELECT name FROM students ORDER BY student_number')).map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(['张伟', '王芳', '李娜', '䶮明', '欧阳娜娜']));
  });

  it('normalises full-width digits and ideographic spaces', async () => {
    const report = await upload(okFile('roster-fullwidth.csv'), true).expect(200);
    expect(report.body.valid).toBe(true);
  });

  const notOk: [file: string, status: number, expected: { row?: number; column?: string; code: string }[]][] = [
    ['empty.csv', 422, [{ code: 'EMPTY_FILE' }]],
    ['header-only.csv', 422, [{ code: 'NO_DATA_ROWS' }]],
    ['missing-column.csv', 422, [{ row: 1, column: '学籍号', code: 'MISSING_COLUMN' }]],
    ['unknown-column.csv', 422, [{ row: 1, column: '家庭住址', code: 'UNKNOWN_COLUMN' }]],
    ['duplicate-column.csv', 422, [{ row: 1, column: '姓名', code: 'DUPLICATE_COLUMN' }]],
    ['value-without-header.csv', 422, [{ row: 4, code: 'VALUE_WITHOUT_HEADER' }]],
    ['bad-check-digit.csv', 422, [{ row: 3, column: '学籍号', code: 'STUDENT_NUMBER_BAD_CHECK_DIGIT' }]],
    ['wrong-length-student-number.csv', 422, [{ row: 4, column: '学籍号', code: 'STUDENT_NUMBER_WRONG_LENGTH' }]],
    ['birth-date-mismatch.csv', 422, [{ row: 2, column: '出生日期', code: 'BIRTH_DATE_MISMATCH' }]],
    ['sex-mismatch.csv', 422, [{ row: 2, column: '性别', code: 'SEX_MISMATCH' }]],
    ['bad-date.csv', 422, [{ row: 5, column: '出生日期', code: 'BAD_DATE' }]],
    ['unknown-sex.csv', 422, [{ row: 3, column: '性别', code: 'UNKNOWN_SEX' }]],
    ['unknown-ethnicity.csv', 422, [{ row: 3, column: '民族', code: 'UNKNOWN_ETHNICITY' }]],
    ['unknown-grade.csv', 422, [{ row: 3, column: '年级', code: 'UNKNOWN_GRADE' }]],
    ['unknown-school.csv', 422, [{ row: 6, column: '学校标识码', code: 'UNKNOWN_SCHOOL' }]],
    ['unknown-term.csv', 422, [{ row: 6, column: '学年学期', code: 'UNKNOWN_TERM' }]],
    ['required-value-missing.csv', 422, [{ row: 4, column: '姓名', code: 'REQUIRED_VALUE_MISSING' }]],
    ['duplicate-row.csv', 422, [{ row: 7, code: 'DUPLICATE_ROW_IN_FILE' }]],
    ['conflicting-student.csv', 422, [{ row: 7, column: '姓名', code: 'CONFLICTING_STUDENT_DATA' }]],
    ['unterminated-quote.csv', 422, [{ code: 'MALFORMED_CSV' }]],
    ['undetectable-encoding.csv', 422, [{ code: 'ENCODING_UNDETECTED' }]],
    ['legacy.xls', 422, [{ code: 'UNREADABLE_FILE' }]],
    ['corrupt.xlsx', 422, [{ code: 'UNREADABLE_FILE' }]],
    ['wrong-template.csv', 422, [
      { row: 1, column: '科目', code: 'UNKNOWN_COLUMN' },
      { row: 1, column: '考试类型', code: 'UNKNOWN_COLUMN' },
      { row: 1, column: '成绩', code: 'UNKNOWN_COLUMN' },
      { row: 1, column: '性别', code: 'MISSING_COLUMN' },
      { row: 1, column: '出生日期', code: 'MISSING_COLUMN' },
      { row: 1, column: '民族', code: 'MISSING_COLUMN' },
      { row: 1, column: '学校标识码', code: 'MISSING_COLUMN' },
      { row: 1, column: '年级', code: 'MISSING_COLUMN' },
      { row: 1, column: '班级', code: 'MISSING_COLUMN' },
      { row: 1, column: '学年学期', code: 'MISSING_COLUMN' },
    ]],
  ];

  it('has a fixture for every failure mode listed here and no unlisted one', () => {
    expect(fs.readdirSync(path.join(FIXTURES, 'not-ok'), { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name).sort()).toEqual(notOk.map(([file]) => file).sort());
  });

  it.each(notOk)('%s is rejected with a structured report and writes nothing', async (file, status, expected) => {
    const before = await snapshot(t);
    const dry = await upload(badFile(file), true).expect(200);
    expect(dry.body.valid).toBe(false);
    const rejected = await upload(badFile(file)).expect(status);
    expect(rejected.body).toMatchObject({ code: 'IMPORT_INVALID', message: expect.any(String), messageZh: expect.any(String) });
    const report = rejected.body.details;
    expect(report).toMatchObject({ kind: 'roster', valid: false, committed: false, errorCount: expected.length });
    expect(report.errors.map((e: { row?: number; column?: string; code: string }) => ({ ...(e.row ? { row: e.row } : {}), ...(e.column ? { column: e.column } : {}), code: e.code }))).toEqual(expected);
    for (const error of report.errors) {
      expect(error.message).toEqual(expect.any(String));
      expect(error.messageZh).toEqual(expect.any(String));
    }
    expect(dry.body.errors).toEqual(report.errors);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a file over the size limit and writes nothing', async () => {
    const small = await startTestApp({ importMaxBytes: 200 });
    try {
      const response = await small.admin.post('/api/imports/roster').attach('file', fs.readFileSync(okFile('roster-utf8.csv')), 'roster.csv').expect(413);
      expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
      expect((await small.db.dataSource.query('SELECT count(*)::int AS n FROM students'))[0].n).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('answers an upload without a file, or of an unknown kind, with a clear 4xx', async () => {
    expect((await t.admin.post('/api/imports/roster').expect(400)).body.code).toBe('FILE_REQUIRED');
    expect((await t.admin.post('/api/imports/marks').attach('file', Buffer.from('a'), 'a.csv').expect(404)).body.code).toBe('UNKNOWN_IMPORT_KIND');
    expect((await t.admin.post('/api/imports/roster?dryRun=yes').attach('file', Buffer.from('a'), 'a.csv').expect(400)).body.code).toBe('VALIDATION_FAILED');
  });

  it('a failure in the middle of the commit leaves no partial rows', async () => {
    const fresh = await startTestApp();
    try {
      const city = (await fresh.admin.post('/api/regions').send({ code: '150300', name: '乌海市', level: 'city' }).expect(201)).body;
      const district = (await fresh.admin.post('/api/regions').send({ code: '150302', name: '海勃湾区', level: 'district', parentId: city.id }).expect(201)).body;
      await fresh.admin.post('/api/schools').send({ code: '3115030201', name: '一中', stage: 'junior', regionId: district.id }).expect(201);
      await fresh.admin.post('/api/terms').send({ code: '2024-2025-1', startDate: '2024-09-01', endDate: '2025-01-20' }).expect(201);
      // Classes and students are written first; the enrolment step then fails at the database.
      await fresh.db.dataSource.query(`
        CREATE FUNCTION fail_enrolment() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'simulated crash during commit'; END $$;
        CREATE TRIGGER fail_enrolment BEFORE INSERT ON enrolments FOR EACH ROW EXECUTE FUNCTION fail_enrolment();`);
      const response = await fresh.admin.post('/api/imports/roster').attach('file', fs.readFileSync(okFile('roster-utf8.csv')), 'roster.csv').expect(500);
      expect(response.body.code).toBe('INTERNAL_ERROR');
      expect(JSON.stringify(response.body)).not.toContain('simulated crash');
      const [counts] = await fresh.db.dataSource.query(
        'SELECT (SELECT count(*) FROM students)::int AS students, (SELECT count(*) FROM school_classes)::int AS classes, (SELECT count(*) FROM import_batches)::int AS batches',
      );
      expect(counts).toEqual({ students: 0, classes: 0, batches: 0 });
      await fresh.db.dataSource.query('DROP TRIGGER fail_enrolment ON enrolments');
      const retried = await fresh.admin.post('/api/imports/roster').attach('file', fs.readFileSync(okFile('roster-utf8.csv')), 'roster.csv').expect(201);
      expect(retried.body.summary.studentsCreated).toBe(5);
    } finally {
      await fresh.close();
    }
  });

  it('a changed class moves the enrolment; a changed name updates the student', async () => {
    const text = fs.readFileSync(okFile('roster-utf8.csv'), 'utf8').replace('王芳,女,2012/4/17,蒙古族,3115030201,七年级,1班', '王芳芳,女,2012/4/17,蒙古族,3115030201,七年级,2班');
    const report = await t.admin.post('/api/imports/roster').attach('file', Buffer.from(text, 'utf8'), 'changed.csv').expect(201);
    expect(report.body.summary).toEqual({ classesCreated: 0, studentsCreated: 0, studentsUpdated: 1, enrolmentsCreated: 0, enrolmentsMoved: 1 });
  });
});
