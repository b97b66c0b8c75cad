/**
 * 学籍号 (national student number) validation.
 *
 * Forms accepted (教育部全国中小学生学籍信息管理系统):
 *  - `G` + the 18-character resident ID number (GB 11643-1999): 6-digit region code, 8-digit
 *    birth date YYYYMMDD, 3-digit sequence (odd = male, even = female), 1 check character;
 *  - `J` + 18 characters of the same structure, issued to students without an ID number;
 *  - `L` + 18 characters of the same structure, a temporary number.
 * The check character is ISO 7064 MOD 11-2 over the first 17 digits (weights 2^(17-i) mod 11;
 * remainder → "10X98765432"). For J/L numbers we require the same structure and check digit.
 */
export type StudentNumberProblem =
  | 'WRONG_LENGTH'
  | 'BAD_PREFIX'
  | 'NOT_DIGITS'
  | 'BAD_BIRTH_DATE'
  | 'BAD_CHECK_DIGIT';

export interface ParsedStudentNumber {
  readonly prefix: 'G' | 'J' | 'L';
  readonly idNumber: string;
  readonly regionCode: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  /** GB/T 2261.1: '1' male, '2' female, from the sequence digit's parity. */
  readonly sexCode: '1' | '2';
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

export function idNumberCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index += 1) sum += Number(first17[index]) * WEIGHTS[index];
  return CHECK_CHARACTERS[sum % 11];
}

export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

export function parseStudentNumber(raw: string): { ok: true; value: ParsedStudentNumber } | { ok: false; problem: StudentNumberProblem } {
  const value = raw.trim().toUpperCase();
  if (value.length !== 19) return { ok: false, problem: 'WRONG_LENGTH' };
  const prefix = value[0];
  if (prefix !== 'G' && prefix !== 'J' && prefix !== 'L') return { ok: false, problem: 'BAD_PREFIX' };
  const idNumber = value.slice(1);
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { ok: false, problem: 'NOT_DIGITS' };
  const year = Number(idNumber.slice(6, 10));
  const month = Number(idNumber.slice(10, 12));
  const day = Number(idNumber.slice(12, 14));
  if (year < 1900 || !isRealDate(year, month, day)) return { ok: false, problem: 'BAD_BIRTH_DATE' };
  if (idNumberCheckCharacter(idNumber.slice(0, 17)) !== idNumber[17]) return { ok: false, problem: 'BAD_CHECK_DIGIT' };
  return {
    ok: true,
    value: {
      prefix,
      idNumber,
      regionCode: idNumber.slice(0, 6),
      birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
      sexCode: Number(idNumber[16]) % 2 === 1 ? '1' : '2',
    },
  };
}

export const STUDENT_NUMBER_MESSAGES: Record<StudentNumberProblem, [en: string, zh: string]> = {
  WRONG_LENGTH: ['a student number has 19 characters: G/J/L and an 18-character ID number', '学籍号应为19位：G/J/L加18位身份证号'],
  BAD_PREFIX: ['a student number starts with G, J or L', '学籍号应以G、J或L开头'],
  NOT_DIGITS: ['after the prefix come 17 digits and a digit or X', '前缀后应为17位数字加1位数字或X'],
  BAD_BIRTH_DATE: ['the birth date inside the student number is not a real date', '学籍号中的出生日期无效'],
  BAD_CHECK_DIGIT: ['the check digit of the student number is wrong (mistyped?)', '学籍号校验位错误（是否录入有误？）'],
};
