import type { ErrorDetail } from '../../common/errors/domain-error';
import { ETHNICITY_CODES, SEX_CODES } from './code-lists';
import { parseStudentNumber, STUDENT_NUMBER_MESSAGES } from './student-number';

export interface StudentFields {
  studentNumber: string;
  sexCode: string;
  birthDate: string;
  ethnicityCode: string;
}

/**
 * Rules a student must satisfy, shared by the API and the import pipeline so both say the
 * same thing: a valid 学籍号, known codes, and — for G numbers, which embed the ID number —
 * birth date and sex agreeing with the number (cross-field checks).
 */
export function studentFieldProblems(fields: StudentFields): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const parsed = parseStudentNumber(fields.studentNumber);
  if (!parsed.ok) {
    const [message, messageZh] = STUDENT_NUMBER_MESSAGES[parsed.problem];
    problems.push({ field: 'studentNumber', code: `STUDENT_NUMBER_${parsed.problem}`, message, messageZh, value: fields.studentNumber });
  }
  if (!SEX_CODES[fields.sexCode]) {
    problems.push({ field: 'sexCode', code: 'UNKNOWN_SEX_CODE', message: 'sex must be 男/女, M/F or a GB/T 2261.1 code', messageZh: '性别应为男/女或GB/T 2261.1代码', value: fields.sexCode });
  }
  if (!ETHNICITY_CODES[fields.ethnicityCode]) {
    problems.push({ field: 'ethnicityCode', code: 'UNKNOWN_ETHNICITY_CODE', message: 'ethnicity must be a GB 3304 code or name', messageZh: '民族应为GB 3304代码或名称', value: fields.ethnicityCode });
  }
  if (parsed.ok && parsed.value.prefix === 'G') {
    if (fields.birthDate && parsed.value.birthDate !== fields.birthDate) {
      problems.push({
        field: 'birthDate',
        code: 'BIRTH_DATE_MISMATCH',
        message: `the birth date ${fields.birthDate} differs from the one in the student number (${parsed.value.birthDate})`,
        messageZh: `出生日期${fields.birthDate}与学籍号中的出生日期（${parsed.value.birthDate}）不一致`,
        value: fields.birthDate,
      });
    }
    if ((fields.sexCode === '1' || fields.sexCode === '2') && parsed.value.sexCode !== fields.sexCode) {
      problems.push({
        field: 'sexCode',
        code: 'SEX_MISMATCH',
        message: 'the sex differs from the one encoded in the student number',
        messageZh: '性别与学籍号中的性别码不一致',
        value: fields.sexCode,
      });
    }
  }
  return problems;
}
