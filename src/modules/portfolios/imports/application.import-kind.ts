import { studentInScopeSql } from '../../auth/data-scope';
import type { ImportKind, ParsedRow, RowCells, RowProblem } from '../../imports/pipeline/import-kind';
import { parseFlexibleDate } from '../../imports/pipeline/parse-values';

type ApplicationColumn = 'studentNumber' | 'name' | 'schoolCode' | 'batch' | 'appliedOn';

export interface ApplicationRow {
  studentNumber: string;
  name: string | null;
  schoolCode: string;
  batchCode: string;
  appliedOn: string;
}

interface ResolvedApplicationRow {
  studentId: string;
  schoolId: string;
  batchId: string;
  appliedOn: string;
}

function problem(row: number, column: string, code: string, message: string, messageZh: string, value?: string): RowProblem {
  return { row, column, code, message, messageZh, value };
}

/**
 * Admissions applications (报考申请): one row per student × receiving school × admission batch.
 * The student must be in the uploader's scope (the sending school, or the city), the receiving
 * school and the batch must exist. An application lets the receiving school's admissions
 * officers read the student's sealed portfolio during the batch's period (ADR 0820).
 * Re-importing a file changes nothing; a changed 申请日期 updates the application.
 */
export const applicationImportKind: ImportKind<ApplicationColumn, ApplicationRow, ResolvedApplicationRow> = {
  kind: 'applications',
  titleZh: '招生报考申请',
  columns: [
    { key: 'studentNumber', headers: ['学籍号', 'studentNumber', 'student_number', '全国学籍号'], required: true, description: 'G/J/L + 18位身份证号' },
    { key: 'name', headers: ['姓名', 'name'], required: false, description: '可空；填写时须与名册一致' },
    { key: 'schoolCode', headers: ['报考学校标识码', 'schoolCode', 'school_code', '报考学校'], required: true, description: '接收学校（高中）的10位学校标识码' },
    { key: 'batch', headers: ['录取批次', 'batch', 'batchCode', 'batch_code'], required: true, description: '市里设置的批次代码，如 2025-提前批' },
    { key: 'appliedOn', headers: ['申请日期', 'appliedOn', 'applied_on'], required: true, description: '2025-06-20、2025/6/20 或 2025年6月20日' },
  ],
  exampleRows: [{ studentNumber: 'G15030220120305001X', name: '张三', schoolCode: '3115030401', batch: '2025-提前批', appliedOn: '2025-06-20' }],

  parseRow(cells: RowCells<ApplicationColumn>, rowNumber: number, header: (key: ApplicationColumn) => string): ParsedRow<ApplicationRow> {
    const problems: RowProblem[] = [];
    for (const key of ['studentNumber', 'schoolCode', 'batch', 'appliedOn'] as const) {
      if (cells[key] === '') problems.push(problem(rowNumber, header(key), 'REQUIRED_VALUE_MISSING', `${header(key)} is empty`, `${header(key)}不能为空`));
    }
    if (problems.length > 0) return { problems };
    const studentNumber = cells.studentNumber.toUpperCase().replace(/\s+/g, '');
    const appliedOn = parseFlexibleDate(cells.appliedOn);
    if (!/^[GJL][0-9]{17}[0-9X]$/.test(studentNumber)) {
      problems.push(problem(rowNumber, header('studentNumber'), 'BAD_STUDENT_NUMBER', 'a 学籍号 is G, J or L followed by an 18-character ID number', '学籍号应为G、J或L加18位身份证号', cells.studentNumber));
    }
    if (!/^\d{10}$/.test(cells.schoolCode)) problems.push(problem(rowNumber, header('schoolCode'), 'BAD_SCHOOL_CODE', 'the school code has ten digits', '学校标识码应为10位数字', cells.schoolCode));
    if (cells.batch.length > 40) problems.push(problem(rowNumber, header('batch'), 'TOO_LONG', 'the batch code is longer than 40 characters', '录取批次超过40个字符', cells.batch));
    if (!appliedOn) problems.push(problem(rowNumber, header('appliedOn'), 'BAD_DATE', 'not a date (use 2025-06-20, 2025/6/20 or 2025年6月20日)', '日期格式无法识别（请用2025-06-20、2025/6/20或2025年6月20日）', cells.appliedOn));
    if (problems.length > 0) return { problems };
    return { row: { studentNumber, name: cells.name === '' ? null : cells.name, schoolCode: cells.schoolCode, batchCode: cells.batch, appliedOn: appliedOn! } };
  },

  keyOf: (row) => `${row.studentNumber}|${row.schoolCode}|${row.batchCode}`,

  async resolve(rows, manager, header, context) {
    const problems: RowProblem[] = [];
    const numbers = [...new Set(rows.map(({ row }) => row.studentNumber))];
    const params: unknown[] = [numbers];
    const inScope = studentInScopeSql(context.scope, { studentIdColumn: 's.id', schoolIdColumn: 's.school_id' }, params);
    // A student outside the uploader's scope is reported exactly like an unknown one: the file must not reveal who exists elsewhere.
    const students = new Map<string, { id: string; name: string }>(
      ((await manager.query(`SELECT s.student_number, s.id, s.name FROM students s WHERE s.student_number = ANY($1) AND ${inScope}`, params)) as { student_number: string; id: string; name: string }[]).map((s) => [
        s.student_number,
        { id: s.id, name: s.name },
      ]),
    );
    const schools = new Map<string, string>(
      ((await manager.query('SELECT code, id FROM schools WHERE code = ANY($1)', [[...new Set(rows.map(({ row }) => row.schoolCode))]])) as { code: string; id: string }[]).map((s) => [s.code.trim(), s.id]),
    );
    const batches = new Map<string, string>(
      ((await manager.query('SELECT code, id FROM admissions_batches WHERE code = ANY($1)', [[...new Set(rows.map(({ row }) => row.batchCode))]])) as { code: string; id: string }[]).map((b) => [b.code, b.id]),
    );
    const resolved: { rowNumber: number; row: ResolvedApplicationRow }[] = [];
    for (const { rowNumber, row } of rows) {
      const student = students.get(row.studentNumber);
      const schoolId = schools.get(row.schoolCode);
      const batchId = batches.get(row.batchCode);
      if (!student) {
        problems.push(problem(rowNumber, header('studentNumber'), 'UNKNOWN_STUDENT', 'no student with this 学籍号 in your scope', '您的权限范围内没有该学籍号的学生', row.studentNumber));
      } else if (row.name !== null && row.name !== student.name) {
        problems.push(problem(rowNumber, header('name'), 'STUDENT_NAME_MISMATCH', 'the name differs from the roster’s name for this student number', '姓名与名册中该学籍号的学生不一致', row.name));
      }
      if (!schoolId) problems.push(problem(rowNumber, header('schoolCode'), 'UNKNOWN_SCHOOL', `no school has the code ${row.schoolCode}`, `没有标识码为${row.schoolCode}的学校`, row.schoolCode));
      if (!batchId) problems.push(problem(rowNumber, header('batch'), 'UNKNOWN_BATCH', `admission batch ${row.batchCode} is not set up; the city sets it up first`, `录取批次${row.batchCode}尚未设置，请先由市级管理员设置`, row.batchCode));
      if (student && schoolId && batchId) resolved.push({ rowNumber, row: { studentId: student.id, schoolId, batchId, appliedOn: row.appliedOn } });
    }
    return { resolved, problems };
  },

  async commit(rows, manager) {
    const results = (await manager.query(
      `INSERT INTO admissions_applications (student_id, school_id, batch_id, applied_on)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::date[])
       ON CONFLICT (student_id, school_id, batch_id) DO UPDATE SET applied_on = EXCLUDED.applied_on
         WHERE admissions_applications.applied_on IS DISTINCT FROM EXCLUDED.applied_on
       RETURNING (xmax = 0) AS inserted`,
      [rows.map((r) => r.studentId), rows.map((r) => r.schoolId), rows.map((r) => r.batchId), rows.map((r) => r.appliedOn)],
    )) as { inserted: boolean }[];
    return { applicationsCreated: results.filter((r) => r.inserted).length, applicationsUpdated: results.filter((r) => !r.inserted).length };
  },
};
