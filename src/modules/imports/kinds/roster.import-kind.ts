import type { EntityManager } from 'typeorm';
import { resolveEthnicity, SEX_ALIASES, STUDENT_STATUS_ALIASES } from '../../roster/code-lists';
import type { StudentStatus } from '../../roster/entities/student.entity';
import { studentFieldProblems } from '../../roster/student-rules';
import { isSchoolInScope } from '../../auth/data-scope';
import type { ImportKind, ParsedRow, RowCells, RowProblem } from '../pipeline/import-kind';
import { parseFlexibleDate } from '../pipeline/parse-values';

type RosterColumn = 'studentNumber' | 'name' | 'sex' | 'birthDate' | 'ethnicity' | 'schoolCode' | 'grade' | 'className' | 'term' | 'status';

export interface RosterRow {
  studentNumber: string;
  name: string;
  sexCode: string;
  birthDate: string;
  ethnicityCode: string;
  schoolCode: string;
  gradeCode: string;
  className: string;
  termCode: string;
  status: StudentStatus;
}

interface ResolvedRosterRow extends RosterRow {
  schoolId: string;
  schoolYear: string;
}

/** Grade as written in Chinese schools' files → grade code. */
const GRADE_ALIASES: Readonly<Record<string, string>> = {
  一年级: 'P1', 二年级: 'P2', 三年级: 'P3', 四年级: 'P4', 五年级: 'P5', 六年级: 'P6',
  七年级: 'J1', 初一: 'J1', 八年级: 'J2', 初二: 'J2', 九年级: 'J3', 初三: 'J3',
  十年级: 'S1', 高一: 'S1', 十一年级: 'S2', 高二: 'S2', 十二年级: 'S3', 高三: 'S3',
};
const GRADE_CODES = new Set(['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'J1', 'J2', 'J3', 'S1', 'S2', 'S3', 'U12', 'U34']);

function problem(row: number, column: string, code: string, message: string, messageZh: string, value?: string): RowProblem {
  return { row, column, code, message, messageZh, value };
}

/**
 * The roster import: one row per student and term — who the student is and which class they
 * sit in. Creates missing classes, creates or updates students, and enrols them; a row that
 * matches what is stored changes nothing.
 */
export const rosterImportKind: ImportKind<RosterColumn, RosterRow, ResolvedRosterRow> = {
  kind: 'roster',
  titleZh: '学生名册',
  columns: [
    { key: 'studentNumber', headers: ['学籍号', 'studentNumber', 'student_number', '全国学籍号'], required: true, description: 'G/J/L + 18位身份证号' },
    { key: 'name', headers: ['姓名', 'name'], required: true },
    { key: 'sex', headers: ['性别', 'sex'], required: true, description: '男/女、M/F 或 1/2' },
    { key: 'birthDate', headers: ['出生日期', 'birthDate', 'birth_date'], required: true, description: '2012-03-05、2012/3/5 或 2012年3月5日' },
    { key: 'ethnicity', headers: ['民族', 'ethnicity'], required: true, description: '汉族 或 01' },
    { key: 'schoolCode', headers: ['学校标识码', 'schoolCode', 'school_code'], required: true },
    { key: 'grade', headers: ['年级', 'grade', 'gradeCode', 'grade_code'], required: true, description: '初一 / 七年级 / J1' },
    { key: 'className', headers: ['班级', 'class', 'className', 'class_name'], required: true },
    { key: 'term', headers: ['学年学期', 'term', 'termCode', 'term_code'], required: true, description: '2024-2025-1' },
    { key: 'status', headers: ['学籍状态', 'status'], required: false, description: '在读/转出/毕业/休学，默认在读' },
  ],
  exampleRows: [
    {
      studentNumber: 'G15030220120305001X',
      name: '张三',
      sex: '男',
      birthDate: '2012-03-05',
      ethnicity: '汉族',
      schoolCode: '3115030201',
      grade: '初一',
      className: '1班',
      term: '2024-2025-1',
      status: '在读',
    },
  ],

  parseRow(cells: RowCells<RosterColumn>, rowNumber: number, header: (key: RosterColumn) => string): ParsedRow<RosterRow> {
    const problems: RowProblem[] = [];
    for (const key of ['studentNumber', 'name', 'sex', 'birthDate', 'ethnicity', 'schoolCode', 'grade', 'className', 'term'] as const) {
      if (cells[key] === '') problems.push(problem(rowNumber, header(key), 'REQUIRED_VALUE_MISSING', `${header(key)} is empty`, `${header(key)}不能为空`));
    }
    if (problems.length > 0) return { problems };

    const studentNumber = cells.studentNumber.toUpperCase().replace(/\s+/g, '');
    const sexCode = SEX_ALIASES[cells.sex.toUpperCase()];
    const birthDate = parseFlexibleDate(cells.birthDate);
    const ethnicityCode = resolveEthnicity(cells.ethnicity);
    const gradeCode = GRADE_CODES.has(cells.grade.toUpperCase()) ? cells.grade.toUpperCase() : GRADE_ALIASES[cells.grade];
    const status = cells.status === '' ? 'enrolled' : (STUDENT_STATUS_ALIASES[cells.status] as StudentStatus | undefined);
    if (!sexCode) problems.push(problem(rowNumber, header('sex'), 'UNKNOWN_SEX', 'sex must be 男/女, M/F or 1/2', '性别应为男/女、M/F或1/2', cells.sex));
    if (!birthDate) problems.push(problem(rowNumber, header('birthDate'), 'BAD_DATE', 'not a date (use 2012-03-05, 2012/3/5 or 2012年3月5日)', '日期格式无法识别（请用2012-03-05、2012/3/5或2012年3月5日）', cells.birthDate));
    if (!ethnicityCode) problems.push(problem(rowNumber, header('ethnicity'), 'UNKNOWN_ETHNICITY', 'not a GB 3304 ethnicity name or code', '不是GB 3304民族名称或代码', cells.ethnicity));
    if (!gradeCode) problems.push(problem(rowNumber, header('grade'), 'UNKNOWN_GRADE', 'grade must be like 初一, 七年级 or J1', '年级应为“初一”“七年级”或“J1”等', cells.grade));
    if (!/^\d{10}$/.test(cells.schoolCode)) problems.push(problem(rowNumber, header('schoolCode'), 'BAD_SCHOOL_CODE', 'the school code has ten digits', '学校标识码应为10位数字', cells.schoolCode));
    if (!/^\d{4}-\d{4}-[12]$/.test(cells.term)) problems.push(problem(rowNumber, header('term'), 'BAD_TERM_CODE', 'the term looks like 2024-2025-1', '学年学期格式应为2024-2025-1', cells.term));
    if (!status) problems.push(problem(rowNumber, header('status'), 'UNKNOWN_STATUS', 'status must be 在读, 转出, 毕业 or 休学', '学籍状态应为在读、转出、毕业或休学', cells.status));
    if (cells.name.length > 50) problems.push(problem(rowNumber, header('name'), 'TOO_LONG', 'the name is longer than 50 characters', '姓名超过50个字符', cells.name));
    if (cells.className.length > 50) problems.push(problem(rowNumber, header('className'), 'TOO_LONG', 'the class name is longer than 50 characters', '班级名称超过50个字符', cells.className));
    if (sexCode && birthDate && ethnicityCode) {
      const columnOfField: Record<string, RosterColumn> = { studentNumber: 'studentNumber', sexCode: 'sex', birthDate: 'birthDate', ethnicityCode: 'ethnicity' };
      for (const found of studentFieldProblems({ studentNumber, sexCode, birthDate, ethnicityCode })) {
        const column = header(columnOfField[found.field ?? 'studentNumber']);
        problems.push(problem(rowNumber, column, found.code, found.message, found.messageZh ?? found.message, String(found.value ?? '')));
      }
    } else {
      for (const found of studentFieldProblems({ studentNumber, sexCode: '1', birthDate: '', ethnicityCode: '01' }).filter((p) => p.field === 'studentNumber')) {
        problems.push(problem(rowNumber, header('studentNumber'), found.code, found.message, found.messageZh ?? found.message, studentNumber));
      }
    }
    if (problems.length > 0) return { problems };
    return {
      row: {
        studentNumber,
        name: cells.name,
        sexCode: sexCode!,
        birthDate: birthDate!,
        ethnicityCode: ethnicityCode!,
        schoolCode: cells.schoolCode,
        gradeCode: gradeCode!,
        className: cells.className,
        termCode: cells.term,
        status: status!,
      },
    };
  },

  keyOf: (row) => `${row.studentNumber}|${row.termCode}`,

  async resolve(rows, manager, header, context) {
    const problems: RowProblem[] = [];
    const schoolCodes = [...new Set(rows.map(({ row }) => row.schoolCode))];
    const termCodes = [...new Set(rows.map(({ row }) => row.termCode))];
    const schools = new Map<string, string>(
      (await manager.query('SELECT code, id FROM schools WHERE code = ANY($1)', [schoolCodes]) as { code: string; id: string }[]).map((s) => [s.code.trim(), s.id]),
    );
    const terms = new Map<string, string>(
      (await manager.query('SELECT code, school_year FROM terms WHERE code = ANY($1)', [termCodes]) as { code: string; school_year: string }[]).map((t) => [t.code, t.school_year]),
    );
    // A student already registered at a school outside the uploader's scope cannot be moved by this upload.
    const numbers = [...new Set(rows.map(({ row }) => row.studentNumber))];
    const existingSchool = new Map<string, string>(
      (await manager.query('SELECT student_number, school_id FROM students WHERE student_number = ANY($1)', [numbers]) as { student_number: string; school_id: string }[]).map((s) => [s.student_number, s.school_id]),
    );
    const firstOfStudent = new Map<string, { rowNumber: number; row: RosterRow }>();
    const resolved: { rowNumber: number; row: ResolvedRosterRow }[] = [];
    for (const { rowNumber, row } of rows) {
      const schoolId = schools.get(row.schoolCode);
      const schoolYear = terms.get(row.termCode);
      if (!schoolId) problems.push(problem(rowNumber, header('schoolCode'), 'UNKNOWN_SCHOOL', `no school has the code ${row.schoolCode}`, `没有标识码为${row.schoolCode}的学校`, row.schoolCode));
      else if (!isSchoolInScope(context.scope, schoolId)) {
        problems.push(problem(rowNumber, header('schoolCode'), 'SCHOOL_OUT_OF_SCOPE', `you may not import students of school ${row.schoolCode}`, `无权导入学校${row.schoolCode}的学生`, row.schoolCode));
      }
      const currentSchool = existingSchool.get(row.studentNumber);
      if (currentSchool && currentSchool !== schoolId && !isSchoolInScope(context.scope, currentSchool)) {
        problems.push(problem(rowNumber, header('studentNumber'), 'STUDENT_IN_OTHER_SCHOOL', 'this student is registered at a school outside your scope; the transfer must be released there first', '该学生学籍在您权限外的学校，须先由原校办理转出', row.studentNumber));
      }
      if (!schoolYear) problems.push(problem(rowNumber, header('term'), 'UNKNOWN_TERM', `term ${row.termCode} is not set up; create it first`, `学期${row.termCode}尚未设置，请先创建`, row.termCode));
      const first = firstOfStudent.get(row.studentNumber);
      if (first) {
        const differs = (['name', 'sexCode', 'birthDate', 'ethnicityCode'] as const).find((field) => first.row[field] !== row[field]);
        if (differs) {
          problems.push(problem(rowNumber, header(differs === 'sexCode' ? 'sex' : differs === 'ethnicityCode' ? 'ethnicity' : differs), 'CONFLICTING_STUDENT_DATA', `this row describes the student of row ${first.rowNumber} differently`, `该行与第${first.rowNumber}行同一学生的信息不一致`, String(row[differs])));
        }
      } else firstOfStudent.set(row.studentNumber, { rowNumber, row });
      if (schoolId && schoolYear && isSchoolInScope(context.scope, schoolId)) resolved.push({ rowNumber, row: { ...row, schoolId, schoolYear } });
    }
    return { resolved, problems };
  },

  async commit(rows, manager: EntityManager) {
    // 1. classes that do not exist yet
    const classKeys = new Map<string, ResolvedRosterRow>();
    for (const row of rows) classKeys.set(`${row.schoolId}|${row.schoolYear}|${row.gradeCode}|${row.className}`, row);
    const classRows = [...classKeys.values()];
    const createdClasses = (await manager.query(
      `INSERT INTO school_classes (school_id, school_year, grade_code, name)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[])
       ON CONFLICT (school_id, school_year, grade_code, name) DO NOTHING
       RETURNING id`,
      [classRows.map((r) => r.schoolId), classRows.map((r) => r.schoolYear), classRows.map((r) => r.gradeCode), classRows.map((r) => r.className)],
    )) as unknown[];

    // 2. students: the row of the latest term describes the student's current school and status
    const latest = new Map<string, ResolvedRosterRow>();
    for (const row of rows) {
      const seen = latest.get(row.studentNumber);
      if (!seen || seen.termCode < row.termCode) latest.set(row.studentNumber, row);
    }
    const students = [...latest.values()];
    // Only new or changed students reach the upsert: ON CONFLICT would still lock (and dirty) every unchanged row.
    const studentResults = (await manager.query(
      `INSERT INTO students (student_number, name, sex_code, birth_date, ethnicity_code, status, school_id)
       SELECT u.*
       FROM unnest($1::varchar[], $2::varchar[], $3::char[], $4::date[], $5::char[], $6::varchar[], $7::uuid[])
            AS u(student_number, name, sex_code, birth_date, ethnicity_code, status, school_id)
       LEFT JOIN students s ON s.student_number = u.student_number
       WHERE s.id IS NULL
          OR (s.name, s.sex_code, s.birth_date, s.ethnicity_code, s.status, s.school_id)
             IS DISTINCT FROM (u.name, u.sex_code, u.birth_date, u.ethnicity_code, u.status, u.school_id)
       ON CONFLICT (student_number) DO UPDATE
         SET name = EXCLUDED.name, sex_code = EXCLUDED.sex_code, birth_date = EXCLUDED.birth_date,
             ethnicity_code = EXCLUDED.ethnicity_code, status = EXCLUDED.status, school_id = EXCLUDED.school_id, updated_at = now()
         WHERE (students.name, students.sex_code, students.birth_date, students.ethnicity_code, students.status, students.school_id)
               IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.sex_code, EXCLUDED.birth_date, EXCLUDED.ethnicity_code, EXCLUDED.status, EXCLUDED.school_id)
       RETURNING (xmax = 0) AS inserted`,
      [
        students.map((r) => r.studentNumber),
        students.map((r) => r.name),
        students.map((r) => r.sexCode),
        students.map((r) => r.birthDate),
        students.map((r) => r.ethnicityCode),
        students.map((r) => r.status),
        students.map((r) => r.schoolId),
      ],
    )) as { inserted: boolean }[];

    // 3. enrolments: one per student and term; a changed class moves the enrolment
    // Unchanged enrolments are left alone (a re-import locks and rewrites nothing).
    const enrolmentResults = (await manager.query(
      `INSERT INTO enrolments (student_id, class_id, term_id, school_id)
       SELECT s.id, c.id, t.id, c.school_id
       FROM unnest($1::varchar[], $2::varchar[], $3::uuid[], $4::varchar[], $5::varchar[]) AS u(student_number, term_code, school_id, grade_code, class_name)
       JOIN students s ON s.student_number = u.student_number
       JOIN terms t ON t.code = u.term_code
       JOIN school_classes c ON c.school_id = u.school_id AND c.school_year = t.school_year AND c.grade_code = u.grade_code AND c.name = u.class_name
       LEFT JOIN enrolments e ON e.student_id = s.id AND e.term_id = t.id
       WHERE e.id IS NULL OR (e.class_id, e.school_id) IS DISTINCT FROM (c.id, c.school_id)
       ON CONFLICT (student_id, term_id) DO UPDATE SET class_id = EXCLUDED.class_id, school_id = EXCLUDED.school_id
         WHERE (enrolments.class_id, enrolments.school_id) IS DISTINCT FROM (EXCLUDED.class_id, EXCLUDED.school_id)
       RETURNING (xmax = 0) AS inserted`,
      [rows.map((r) => r.studentNumber), rows.map((r) => r.termCode), rows.map((r) => r.schoolId), rows.map((r) => r.gradeCode), rows.map((r) => r.className)],
    )) as { inserted: boolean }[];

    return {
      classesCreated: createdClasses.length,
      studentsCreated: studentResults.filter((r) => r.inserted).length,
      studentsUpdated: studentResults.filter((r) => !r.inserted).length,
      enrolmentsCreated: enrolmentResults.filter((r) => r.inserted).length,
      enrolmentsMoved: enrolmentResults.filter((r) => !r.inserted).length,
    };
  },
};
