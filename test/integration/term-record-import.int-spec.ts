import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../src/config/app-config';
import type { DataScope } from '../../src/modules/auth/data-scope';
import { ImportRejectedError } from '../../src/modules/imports/imports.errors';
import { ImportsService } from '../../src/modules/imports/imports.service';
import type { ImportReport } from '../../src/modules/imports/import-report';
import { csvTemplate, xlsxTemplate } from '../../src/modules/imports/import-template';
import { createRecordWorld, FIXTURE_STUDENTS, type RecordWorld, recordSnapshot } from '../helpers/record-fixtures';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'imports');
const USER = '6f1c1f7e-3b7a-4c59-9d44-0a3f6a1c2b11';
const OTHER_USER = '0b7d8a52-8d1e-4b0e-a3a3-5f5b8a1f9e22';

/** Runs an import; a rejected commit answers its report instead of throwing. */
async function run(service: ImportsService, kind: string, source: Buffer | { path: string }, options: { dryRun?: boolean; scope: DataScope; user?: string; name?: string }): Promise<ImportReport> {
  try {
    return await service.run(kind, source, options.name ?? 'file.csv', { dryRun: options.dryRun ?? false, context: { scope: options.scope, actorUserId: options.user ?? USER } });
  } catch (error) {
    if (error instanceof ImportRejectedError) return error.report;
    throw error;
  }
}

describe('term-record imports (streaming + COPY, real PostgreSQL)', () => {
  let db: TestDatabase;
  let world: RecordWorld;
  let imports: ImportsService;
  let schoolA: DataScope;

  beforeAll(async () => {
    db = await createTestDatabase();
    world = await createRecordWorld(db.dataSource);
    imports = new ImportsService(db.dataSource, { ...loadConfig({}), importMaxBytes: 4096 });
    schoolA = { all: false, schoolIds: [world.schoolA], classIds: [], studentIds: [] };
  });
  afterAll(() => db.drop());

  const ok = (name: string) => fs.readFileSync(path.join(FIXTURES, 'ok', name));

  it('a dry run of a GBK score file reports it valid and writes nothing', async () => {
    const before = await recordSnapshot(db.dataSource);
    const report = await run(imports, 'scores', ok('scores-gbk.csv'), { dryRun: true, scope: schoolA });
    expect(report).toMatchObject({ kind: 'scores', encoding: 'gb18030', rowCount: 6, valid: true, dryRun: true, committed: false, errorCount: 0 });
    expect(await recordSnapshot(db.dataSource)).toEqual(before);
  });

  it('commits scores with exam occasions, stores 缺考/免考 as markers (never zero), and a re-upload changes nothing', async () => {
    const first = await run(imports, 'scores', ok('scores-gbk.csv'), { scope: schoolA });
    expect(first).toMatchObject({ valid: true, committed: true, summary: { recordsCreated: 6, recordsUpdated: 0 } });
    expect(first.batchId).toEqual(expect.any(String));
    const rows = await db.dataSource.query(
      `SELECT s.student_number, i.code, r.exam_type, r.occasion_date::text AS date, r.numeric_value::text AS value, r.full_marks::text AS full_marks, r.marker, r.source, r.recorded_by, r.school_id, r.version
       FROM term_records r JOIN students s ON s.id = r.student_id JOIN indicators i ON i.id = r.indicator_id ORDER BY s.student_number, i.code, r.occasion_date`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ student_number: FIXTURE_STUDENTS.s1, code: 'academic.exam.math', exam_type: 'final', date: '2025-01-16', value: '112.5', full_marks: '120', marker: null, source: 'school_import', recorded_by: USER, school_id: world.schoolA, version: 1 }),
        expect.objectContaining({ student_number: FIXTURE_STUDENTS.s2, code: 'academic.exam.chinese', date: '2025-01-15', value: null, marker: 'absent' }),
        expect.objectContaining({ student_number: FIXTURE_STUDENTS.s2, code: 'academic.exam.math', date: '2025-01-16', value: '101' }), // Excel serial date
        expect.objectContaining({ student_number: FIXTURE_STUDENTS.s3, code: 'academic.exam.english', exam_type: 'midterm', value: null, marker: 'exempt', full_marks: '100' }),
        expect.objectContaining({ student_number: FIXTURE_STUDENTS.s3, code: 'academic.exam.math', value: '88' }), // full-width ８８
      ]),
    );
    const after = await recordSnapshot(db.dataSource);
    const again = await run(imports, 'scores', ok('scores-gbk.csv'), { scope: schoolA, user: OTHER_USER });
    expect(again).toMatchObject({ committed: true, summary: { recordsCreated: 0, recordsUpdated: 0 } });
    expect(again.batchId).toBeUndefined();
    expect(await recordSnapshot(db.dataSource)).toEqual(after);
  });

  it('a changed value becomes a new version; the old one is kept with who set it and when', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'ok', 'scores-gbk.csv'));
    const changed = Buffer.from(
      require('iconv-lite').encode(require('iconv-lite').decode(text, 'gbk').replace(',112.5,', ',115,'), 'gbk') as Buffer,
    );
    const [before] = await db.dataSource.query(`SELECT r.id, r.updated_at FROM term_records r JOIN indicators i ON i.id = r.indicator_id JOIN students s ON s.id = r.student_id WHERE i.code = 'academic.exam.math' AND s.student_number = $1`, [FIXTURE_STUDENTS.s1]);
    const report = await run(imports, 'scores', changed, { scope: schoolA, user: OTHER_USER });
    expect(report.summary).toEqual({ recordsCreated: 0, recordsUpdated: 1 });
    const [current] = await db.dataSource.query('SELECT numeric_value::text AS value, version, recorded_by FROM term_records WHERE id = $1', [before.id]);
    expect(current).toEqual({ value: '115', version: 2, recorded_by: OTHER_USER });
    const versions = await db.dataSource.query(`SELECT version, snapshot, recorded_by, recorded_at, superseded_at FROM record_versions WHERE record_id = $1`, [before.id]);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, recorded_by: USER, snapshot: expect.objectContaining({ numericValue: 112.5, examType: 'final', fullMarks: 120 }) });
    expect(new Date(versions[0].recorded_at).getTime()).toBe(new Date(before.updated_at).getTime());
    // Uploading the changed file again is a no-op: no third version.
    const again = await run(imports, 'scores', changed, { scope: schoolA, user: OTHER_USER });
    expect(again.summary).toEqual({ recordsCreated: 0, recordsUpdated: 0 });
    expect(await db.dataSource.query('SELECT count(*)::int AS n FROM record_versions WHERE record_id = $1', [before.id])).toEqual([{ n: 1 }]);
  });

  it.each([
    ['fitness', 'fitness.csv', 24], // 8 filled items per student (S3's 800 m a 免测 marker)
    ['vision', 'vision.csv', 6],
    ['art', 'art.csv', 6],
    ['labour', 'labour.csv', 3],
    ['activities', 'activities.csv', 3],
  ])('imports a valid %s file, then a re-upload changes nothing', async (kind, file, created) => {
    const first = await run(imports, kind, ok(file), { scope: schoolA });
    expect(first).toMatchObject({ valid: true, committed: true, errorCount: 0, summary: { recordsCreated: created, recordsUpdated: 0 } });
    const snapshot = await recordSnapshot(db.dataSource);
    const again = await run(imports, kind, ok(file), { scope: schoolA });
    expect(again.summary).toEqual({ recordsCreated: 0, recordsUpdated: 0 });
    expect(await recordSnapshot(db.dataSource)).toEqual(snapshot);
  });

  it('stores fitness times in seconds and 免测 as a marker with its reason', async () => {
    const rows = await db.dataSource.query(
      `SELECT s.student_number, i.code, r.numeric_value::text AS value, r.marker, r.marker_reason FROM term_records r JOIN students s ON s.id = r.student_id JOIN indicators i ON i.id = r.indicator_id
       WHERE i.code IN ('physical.fitness.run_1000m', 'physical.fitness.run_800m') ORDER BY s.student_number`,
    );
    expect(rows).toEqual([
      { student_number: FIXTURE_STUDENTS.s3, code: 'physical.fitness.run_800m', value: null, marker: 'exempt', marker_reason: '先天性心脏病,凭医院证明免予执行' }, // born 2011: sorts first (full-width ， normalised)
      { student_number: FIXTURE_STUDENTS.s1, code: 'physical.fitness.run_1000m', value: '235', marker: null, marker_reason: null },
      { student_number: FIXTURE_STUDENTS.s2, code: 'physical.fitness.run_800m', value: '238', marker: null, marker_reason: null },
    ]);
  });

  it("every kind's CSV and XLSX template, filled only with its example row, imports as it is", async () => {
    for (const kind of ['scores', 'fitness', 'vision', 'art', 'labour', 'activities']) {
      const definition = imports.getKind(kind);
      for (const [name, bytes] of [['t.csv', csvTemplate(definition)], ['t.xlsx', await xlsxTemplate(definition)]] as const) {
        const report = await run(new ImportsService(db.dataSource, loadConfig({})), kind, bytes, { dryRun: true, scope: schoolA, name });
        expect({ kind, name, errors: report.errors }).toEqual({ kind, name, errors: [] });
      }
    }
  });

  const notOk: [kind: string, file: string, expected: { row?: number; column?: string; code: string }[]][] = [
    ['scores', 'undetectable-encoding.csv', [{ code: 'ENCODING_UNDETECTED' }]],
    ['scores', 'unknown-student.csv', [{ row: 4, column: '学籍号', code: 'UNKNOWN_STUDENT' }]],
    ['scores', 'student-out-of-scope.csv', [{ row: 5, column: '学籍号', code: 'UNKNOWN_STUDENT' }]],
    ['scores', 'unknown-indicator.csv', [{ row: 3, column: '科目', code: 'UNKNOWN_INDICATOR' }]],
    ['scores', 'value-out-of-bounds.csv', [{ row: 3, column: '成绩', code: 'VALUE_OUT_OF_BOUNDS' }]],
    ['scores', 'bad-date.csv', [{ row: 6, column: '考试日期', code: 'BAD_DATE' }]],
    ['scores', 'duplicate-row.csv', [{ row: 8, code: 'DUPLICATE_ROW_IN_FILE' }]],
    ['scores', 'missing-column.csv', [{ row: 1, column: '科目', code: 'MISSING_COLUMN' }]],
    ['scores', 'empty.csv', [{ code: 'EMPTY_FILE' }]],
    ['scores', 'oversized.csv', [{ code: 'FILE_TOO_LARGE' }]],
    ['scores', 'marker-unknown.csv', [{ row: 2, column: '成绩', code: 'BAD_NUMBER' }]],
    ['scores', 'wrong-template.csv', [
      { row: 1, column: '性别', code: 'UNKNOWN_COLUMN' },
      { row: 1, column: '出生日期', code: 'UNKNOWN_COLUMN' },
      { row: 1, column: '民族', code: 'UNKNOWN_COLUMN' },
      { row: 1, column: '学校标识码', code: 'UNKNOWN_COLUMN' },
      { row: 1, column: '年级', code: 'UNKNOWN_COLUMN' },
      { row: 1, column: '班级', code: 'UNKNOWN_COLUMN' },
      { row: 1, column: '科目', code: 'MISSING_COLUMN' },
      { row: 1, column: '考试类型', code: 'MISSING_COLUMN' },
      { row: 1, column: '考试日期', code: 'MISSING_COLUMN' },
      { row: 1, column: '成绩', code: 'MISSING_COLUMN' },
    ]],
    ['fitness', 'bad-time.csv', [{ row: 3, column: '800米跑', code: 'BAD_TIME' }]],
    ['fitness', 'value-out-of-bounds.csv', [{ row: 2, column: '50米跑', code: 'VALUE_OUT_OF_BOUNDS' }]],
    ['fitness', 'exemption-without-reason.csv', [{ row: 4, column: '免测原因', code: 'EXEMPTION_REASON_REQUIRED' }]],
    ['fitness', 'reason-without-exemption.csv', [{ row: 2, column: '免测原因', code: 'REASON_WITHOUT_EXEMPTION' }]],
    ['fitness', 'unknown-test-type.csv', [{ row: 3, column: '测试类型', code: 'UNKNOWN_TEST_TYPE' }]],
    ['fitness', 'retest-with-marker.csv', [{ row: 5, column: '测试类型', code: 'RETEST_WITH_MARKER' }]],
    ['fitness', 'second-retest.csv', [{ row: 6, column: '测试类型', code: 'RETEST_ALREADY_RECORDED' }]],
    ['vision', 'value-out-of-bounds.csv', [{ row: 4, column: '右眼裸眼视力', code: 'VALUE_OUT_OF_BOUNDS' }]],
    ['art', 'value-out-of-bounds.csv', [{ row: 3, column: '基础指标', code: 'VALUE_OUT_OF_BOUNDS' }]],
    ['labour', 'unknown-category.csv', [{ row: 4, column: '类别', code: 'UNKNOWN_LABOUR_CATEGORY' }]],
    ['activities', 'title-too-long.csv', [{ row: 2, column: '标题', code: 'TOO_LONG' }]],
    ['activities', 'end-before-start.csv', [{ row: 4, column: '结束日期', code: 'END_BEFORE_START' }]],
  ];

  it('has a fixture for every failure mode listed here and no unlisted one', () => {
    const onDisk = fs.readdirSync(path.join(FIXTURES, 'not-ok'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).flatMap((dir) => fs.readdirSync(path.join(FIXTURES, 'not-ok', dir.name)).map((file) => `${dir.name}/${file}`));
    expect(onDisk.sort()).toEqual(notOk.map(([kind, file]) => `${kind}/${file}`).sort());
  });

  it.each(notOk)('%s/%s is rejected with a structured report (dry run and commit) and writes nothing', async (kind, file, expected) => {
    const before = await recordSnapshot(db.dataSource);
    const bytes = fs.readFileSync(path.join(FIXTURES, 'not-ok', kind, file));
    const dry = await run(imports, kind, bytes, { dryRun: true, scope: schoolA, name: file });
    const commit = await run(imports, kind, bytes, { scope: schoolA, name: file });
    for (const report of [dry, commit]) {
      expect(report.valid).toBe(false);
      expect(report.committed).toBe(false);
      expect(report.errorCount).toBe(expected.length);
      expect(report.errors.map(({ row, column, code }) => ({ ...(row !== undefined ? { row } : {}), ...(column !== undefined ? { column } : {}), code }))).toEqual(expected);
      for (const error of report.errors) {
        expect(error.message).toEqual(expect.any(String));
        expect(error.messageZh).toMatch(/[\u4e00-\u9fff]/);
      }
    }
    expect(await recordSnapshot(db.dataSource)).toEqual(before);
  });

  it('every later copy of a record is reported with the row it repeats, however many there are (wide kinds too)', async () => {
    const header = '学籍号,学年学期,筛查日期,左眼裸眼视力,右眼裸眼视力';
    const rows = [
      `${FIXTURE_STUDENTS.s1},2024-2025-2,2025-03-20,4.9,5.0`, // row 2
      `${FIXTURE_STUDENTS.s2},2024-2025-2,2025-03-20,4.6,4.7`, // row 3
      `${FIXTURE_STUDENTS.s1},2024-2025-2,2025-03-20,4.9,5.0`, // row 4 repeats row 2 (both eyes)
      `${FIXTURE_STUDENTS.s1},2024-2025-2,2025-03-21,,5.1`, // row 5 repeats row 2 (right eye; the date is not part of a screening's identity)
      `${FIXTURE_STUDENTS.s3},2024-2025-2,2025-03-20,5.0,`, // row 6: a new record
      `${FIXTURE_STUDENTS.s2},2024-2025-1,2024-09-20,4.6,4.7`, // row 7: another term, not a repeat
      `${FIXTURE_STUDENTS.s2},2024-2025-2,,4.5,`, // row 8 repeats row 3
    ];
    const before = await recordSnapshot(db.dataSource);
    const report = await run(imports, 'vision', Buffer.from([header, ...rows].join('\r\n')), { dryRun: true, scope: schoolA });
    expect(report.errorCount).toBe(3);
    expect(report.errors.map(({ row, code, message, messageZh }) => ({ row, code, message, messageZh }))).toEqual([
      { row: 4, code: 'DUPLICATE_ROW_IN_FILE', message: 'this row repeats row 2', messageZh: '该行与第2行重复' },
      { row: 5, code: 'DUPLICATE_ROW_IN_FILE', message: 'this row repeats row 2', messageZh: '该行与第2行重复' },
      { row: 8, code: 'DUPLICATE_ROW_IN_FILE', message: 'this row repeats row 3', messageZh: '该行与第3行重复' },
    ]);
    // Without the repeats the same rows are valid, and a commit stores them with time-ordered (UUID v7) ids.
    const unique = await run(imports, 'vision', Buffer.from([header, rows[0], rows[1], rows[4]].join('\r\n')), { scope: schoolA });
    expect(unique).toMatchObject({ valid: true, committed: true, summary: { recordsCreated: 5 } });
    const ids = (await db.dataSource.query('SELECT id FROM term_records WHERE import_batch_id = $1', [unique.batchId])) as { id: string }[];
    expect(ids).toHaveLength(5);
    for (const { id } of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await db.dataSource.query('DELETE FROM term_records WHERE import_batch_id = $1', [unique.batchId]);
    await db.dataSource.query('DELETE FROM import_batches WHERE id = $1', [unique.batchId]);
    expect(await recordSnapshot(db.dataSource)).toEqual(before);
  });

  it('the outside-scope student is refused with the same words as an unknown one (existence does not leak)', async () => {
    const unknown = await run(imports, 'scores', fs.readFileSync(path.join(FIXTURES, 'not-ok', 'scores', 'unknown-student.csv')), { dryRun: true, scope: schoolA });
    const outside = await run(imports, 'scores', fs.readFileSync(path.join(FIXTURES, 'not-ok', 'scores', 'student-out-of-scope.csv')), { dryRun: true, scope: schoolA });
    const words = (report: ImportReport) => report.errors.map(({ code, message, messageZh }) => ({ code, message, messageZh }));
    expect(words(outside)).toEqual(words(unknown));
    // The same file is fine for a city-wide uploader.
    const city = await run(imports, 'scores', fs.readFileSync(path.join(FIXTURES, 'not-ok', 'scores', 'student-out-of-scope.csv')), { dryRun: true, scope: { all: true, schoolIds: [], classIds: [], studentIds: [] } });
    expect(city.valid).toBe(true);
  });

  it('a commit that fails after the merge, at the last moment, leaves the database exactly as before', async () => {
    const before = await recordSnapshot(db.dataSource);
    const text = fs.readFileSync(path.join(FIXTURES, 'ok', 'scores-gbk.csv'));
    const iconv = require('iconv-lite');
    const changed = iconv.encode(iconv.decode(text, 'gbk').replace(',98,', ',99,').replace('英语,期中,2024-11-08,免考', '英语,期中,2024-11-08,91'), 'gbk') as Buffer;
    let wrote: number | undefined;
    await expect(
      imports.run('scores', changed, 'changed.csv', {
        dryRun: false,
        context: { scope: schoolA, actorUserId: USER },
        beforeCommit: async (manager) => {
          [{ n: wrote }] = await manager.query(`SELECT count(*)::int AS n FROM record_versions`);
          throw new Error('power cut at the last row');
        },
      }),
    ).rejects.toThrow('power cut');
    // The merge had written inside the transaction: 98→99, 免考→91, and 115 back to the file's 112.5.
    expect(wrote).toBe((before.versions as number) + 3);
    expect(await recordSnapshot(db.dataSource)).toEqual(before);
  });

  it('an .xlsx whose sheet stops short is refused even after some of its chunks were merged, and nothing is written (ADR 0430)', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('成绩');
    sheet.addRow(['学籍号', '姓名', '学年学期', '科目', '考试类型', '考试日期', '成绩', '满分']);
    const students = [FIXTURE_STUDENTS.s1, FIXTURE_STUDENTS.s2, FIXTURE_STUDENTS.s3];
    for (let day = 0; day < 700; day += 1) {
      const date = new Date(Date.UTC(2023, 0, 1 + day)).toISOString().slice(0, 10);
      for (const student of students) sheet.addRow([student, '', '2024-2025-1', '数学', '统考', date, 60 + (day % 40), 100]);
    }
    const zip = await JSZip.loadAsync(await workbook.xlsx.writeBuffer());
    const xml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    zip.file('xl/worksheets/sheet1.xml', xml.slice(0, xml.indexOf('</sheetData>'))); // every row there, the end missing
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const large = new ImportsService(db.dataSource, { ...loadConfig({}), importMaxBytes: 10_000_000 });
    const before = await recordSnapshot(db.dataSource);
    let merged = 0;
    let report: ImportReport;
    try {
      report = await large.run('scores', bytes, 'cut.xlsx', { dryRun: false, context: { scope: schoolA, actorUserId: USER }, chunkLines: 500, afterChunkMerged: async () => void (merged += 1) });
    } catch (error) {
      if (!(error instanceof ImportRejectedError)) throw error;
      report = error.report;
    }
    expect(merged).toBeGreaterThanOrEqual(2);
    expect(report).toMatchObject({ format: 'xlsx', valid: false, committed: false });
    expect(report.errors.map((e) => e.code)).toEqual(['UNREADABLE_FILE']);
    expect(await recordSnapshot(db.dataSource)).toEqual(before);
  });

  it('a connection killed mid-commit leaves the database exactly as before', async () => {
    const before = await recordSnapshot(db.dataSource);
    const rows = ['学籍号,学年学期,科目,考试类型,考试日期,成绩'];
    for (let day = 1; day <= 28; day += 1) for (const s of [FIXTURE_STUDENTS.s1, FIXTURE_STUDENTS.s2, FIXTURE_STUDENTS.s3]) rows.push(`${s},2024-2025-2,数学,统考,2025-03-${String(day).padStart(2, '0')},${60 + day}`);
    const big = new ImportsService(db.dataSource, loadConfig({}));
    await expect(
      big.run('scores', Buffer.from(rows.join('\n')), 'kill.csv', {
        dryRun: false,
        context: { scope: schoolA, actorUserId: USER },
        beforeCommit: async (manager) => {
          const [{ pid }] = await manager.query('SELECT pg_backend_pid() AS pid');
          await db.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
          await manager.query('SELECT 1');
        },
      }),
    ).rejects.toThrow();
    expect(await recordSnapshot(db.dataSource)).toEqual(before);
  });

  it('two uploads for the same school and term at the same time are serialised, never interleaved', async () => {
    const file = (value: number) => {
      const lines = ['学籍号,学年学期,科目,考试类型,考试日期,成绩'];
      for (let day = 1; day <= 28; day += 1) for (const s of [FIXTURE_STUDENTS.s1, FIXTURE_STUDENTS.s2, FIXTURE_STUDENTS.s3]) lines.push(`${s},2024-2025-1,化学,统考,2024-10-${String(day).padStart(2, '0')},${value}`);
      return Buffer.from(lines.join('\n'));
    };
    const unlimited = new ImportsService(db.dataSource, loadConfig({}));
    const first = await run(unlimited, 'scores', file(50), { scope: { all: true, schoolIds: [], classIds: [], studentIds: [] } });
    expect(first.summary).toEqual({ recordsCreated: 84, recordsUpdated: 0 });
    const order: string[] = [];
    const upload = (value: number) =>
      unlimited.run('scores', file(value), `${value}.csv`, {
        dryRun: false,
        context: { scope: schoolA, actorUserId: USER },
        beforeCommit: async () => {
          order.push(`merge ${value}`);
          await new Promise((resolve) => setTimeout(resolve, 300)); // hold the lock: the other upload must wait
          order.push(`commit ${value}`);
        },
      });
    const [a, b] = await Promise.all([upload(70), upload(90)]);
    expect([a.summary, b.summary]).toEqual([{ recordsCreated: 0, recordsUpdated: 84 }, { recordsCreated: 0, recordsUpdated: 84 }]);
    // One ran wholly after the other: merge/commit pairs do not interleave …
    expect([order[0].split(' ')[1], order[1].split(' ')[1]]).toEqual([order[0].split(' ')[1], order[0].split(' ')[1]]);
    const last = Number(order[3].split(' ')[1]);
    // … every record holds the later upload's value at version 3, with both earlier values kept.
    const values = await db.dataSource.query(`SELECT DISTINCT numeric_value::int AS value, version FROM term_records r JOIN indicators i ON i.id = r.indicator_id WHERE i.code = 'academic.exam.chemistry'`);
    expect(values).toEqual([{ value: last, version: 3 }]);
    const history = await db.dataSource.query(
      `SELECT v.version, (v.snapshot->>'numericValue')::int AS value, count(*)::int AS n FROM record_versions v JOIN term_records r ON r.id = v.record_id JOIN indicators i ON i.id = r.indicator_id
       WHERE i.code = 'academic.exam.chemistry' GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(history).toEqual([{ version: 1, value: 50, n: 84 }, { version: 2, value: last === 70 ? 90 : 70, n: 84 }]);
  });

  describe('committed in parts while the file is read (ADR 0420)', () => {
    const CITY: DataScope = { all: true, schoolIds: [], classIds: [], studentIds: [] };
    const SUBJECTS = ['语文', '数学', '英语', '物理'];
    /** One line per student × subject, in the given student order: 4 lines per student. */
    const scoreFile = (students: string[], date: string, value: (student: number, subject: number) => string) => {
      const lines = ['学籍号,学年学期,科目,考试类型,考试日期,成绩'];
      students.forEach((student, i) => SUBJECTS.forEach((subject, j) => lines.push(`${student},2024-2025-2,${subject},统考,${date},${value(i, j)}`)));
      return Buffer.from(lines.join('\n'));
    };
    const inParts = (file: Buffer, options: { chunkLines?: number; afterChunkMerged?: (index: number) => Promise<void>; user?: string } = {}) =>
      imports.run('scores', file, 'parts.csv', { dryRun: false, context: { scope: CITY, actorUserId: options.user ?? USER }, chunkLines: options.chunkLines ?? 4, afterChunkMerged: options.afterChunkMerged }).catch((error) => {
        if (error instanceof ImportRejectedError) return error.report;
        throw error;
      });
    const students = [FIXTURE_STUDENTS.s1, FIXTURE_STUDENTS.s2, FIXTURE_STUDENTS.s3, FIXTURE_STUDENTS.outside];

    it('merges chunk by chunk with the same outcome as one merge: new records, new versions for changed values, nothing for an unchanged re-upload', async () => {
      const merged: number[] = [];
      const first = await inParts(scoreFile(students, '2025-04-01', (i, j) => String(60 + i * 4 + j)), { afterChunkMerged: async (index) => void merged.push(index) });
      expect(first).toMatchObject({ committed: true, rowCount: 16, summary: { recordsCreated: 16, recordsUpdated: 0 } });
      expect(merged).toEqual([0, 1, 2, 3]); // four chunks of four lines, each merged while the next was read
      const [batch] = await db.dataSource.query('SELECT row_count, summary FROM import_batches WHERE id = $1', [first.batchId]);
      expect(batch).toEqual({ row_count: 16, summary: { recordsCreated: 16, recordsUpdated: 0 } });
      // Two values changed, one in the first chunk and one in the last: two new versions, the rest untouched.
      const changed = scoreFile(students, '2025-04-01', (i, j) => String(60 + i * 4 + j + ((i === 0 && j === 1) || (i === 3 && j === 3) ? 0.5 : 0)));
      const second = await inParts(changed, { user: OTHER_USER });
      expect(second.summary).toEqual({ recordsCreated: 0, recordsUpdated: 2 });
      const history = await db.dataSource.query(
        `SELECT s.student_number, (v.snapshot->>'numericValue')::numeric::text AS old, r.numeric_value::text AS new, r.version, r.recorded_by FROM record_versions v
         JOIN term_records r ON r.id = v.record_id JOIN students s ON s.id = r.student_id WHERE r.occasion_date = '2025-04-01' ORDER BY s.student_number`,
      );
      expect(history).toEqual(
        [
          { student_number: FIXTURE_STUDENTS.s1, old: '61', new: '61.5', version: 2, recorded_by: OTHER_USER },
          { student_number: FIXTURE_STUDENTS.outside, old: '75', new: '75.5', version: 2, recorded_by: OTHER_USER },
        ].sort((a, b) => a.student_number.localeCompare(b.student_number)),
      );
      const snapshot = await recordSnapshot(db.dataSource);
      const again = await inParts(changed);
      expect(again).toMatchObject({ committed: true, summary: { recordsCreated: 0, recordsUpdated: 0 } });
      expect(again.batchId).toBeUndefined();
      expect(await recordSnapshot(db.dataSource)).toEqual(snapshot);
    });

    it('a problem found in a later chunk refuses the whole file: the chunks already merged are rolled back', async () => {
      const before = await recordSnapshot(db.dataSource);
      let merged = 0;
      const unknownLast = await inParts(scoreFile([...students, FIXTURE_STUDENTS.nowhere], '2025-04-02', () => '70'), { afterChunkMerged: async () => void (merged += 1) });
      expect(merged).toBeGreaterThan(0); // the file was clean up to the unknown student
      expect(unknownLast).toMatchObject({ committed: false, errorCount: 4 });
      expect(unknownLast.errors.map((error) => [error.row, error.code])).toEqual([18, 19, 20, 21].map((row) => [row, 'UNKNOWN_STUDENT']));
      expect(await recordSnapshot(db.dataSource)).toEqual(before);

      const badValueLast = await inParts(scoreFile(students, '2025-04-02', (i, j) => (i === 3 && j === 3 ? '999' : '70')));
      expect(badValueLast).toMatchObject({ committed: false, errorCount: 1, errors: [expect.objectContaining({ row: 17, code: 'VALUE_OUT_OF_BOUNDS' })] });
      expect(await recordSnapshot(db.dataSource)).toEqual(before);
    });

    it('a line repeating one of an earlier, already merged chunk is reported as a duplicate and nothing is written', async () => {
      const before = await recordSnapshot(db.dataSource);
      const file = Buffer.concat([scoreFile(students, '2025-04-03', () => '80'), Buffer.from(`\n${FIXTURE_STUDENTS.s1},2024-2025-2,语文,统考,2025-04-03,81`)]);
      const report = await inParts(file);
      expect(report).toMatchObject({ committed: false, errorCount: 1, errors: [{ row: 18, code: 'DUPLICATE_ROW_IN_FILE', message: 'this row repeats row 2', messageZh: '该行与第2行重复' }] });
      expect(await recordSnapshot(db.dataSource)).toEqual(before);
    });

    it('two imports whose later chunks reach each other’s school and term start over unchunked instead of deadlocking, and both commit one after the other', async () => {
      // X: school A's student first, then school B's; Y the other way round. Both merge their first
      // chunk (holding A's and B's lock respectively) and wait for each other; each next chunk then
      // needs the lock the other holds. Waiting there would deadlock.
      let arrived = 0;
      let bothArrived!: () => void;
      const barrier = new Promise<void>((resolve) => (bothArrived = resolve));
      const afterChunkMerged = async (index: number) => {
        if (index !== 0) return;
        arrived += 1;
        if (arrived === 2) bothArrived();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([barrier, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
        clearTimeout(timer);
      };
      const x = scoreFile([FIXTURE_STUDENTS.s1, FIXTURE_STUDENTS.outside], '2025-04-04', () => '70');
      const y = scoreFile([FIXTURE_STUDENTS.outside, FIXTURE_STUDENTS.s1], '2025-04-04', () => '90');
      const [a, b] = await Promise.all([inParts(x, { afterChunkMerged }), inParts(y, { afterChunkMerged })]);
      expect(arrived).toBe(2);
      expect([a.committed, b.committed]).toEqual([true, true]);
      // One committed first and created the 8 records; the other then replaced all 8 values.
      expect([a.summary, b.summary]).toEqual(expect.arrayContaining([{ recordsCreated: 8, recordsUpdated: 0 }, { recordsCreated: 0, recordsUpdated: 8 }]));
      const last = a.summary!.recordsUpdated === 8 ? 70 : 90;
      const values = await db.dataSource.query(`SELECT DISTINCT numeric_value::int AS value, version FROM term_records WHERE occasion_date = '2025-04-04'`);
      expect(values).toEqual([{ value: last, version: 2 }]);
    });
  });

  it('streams a file from disk as well as from memory', async () => {
    const report = await run(imports, 'vision', { path: path.join(FIXTURES, 'ok', 'vision.csv') }, { dryRun: true, scope: schoolA });
    expect(report).toMatchObject({ valid: true, rowCount: 3, encoding: 'utf-8' });
  });
});
