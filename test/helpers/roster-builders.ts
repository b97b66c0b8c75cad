import { idNumberCheckCharacter } from '../../src/modules/roster/student-number';

/** A valid synthetic 学籍号: prefix + region + birth date (YYYYMMDD) + 3-digit sequence + check character. */
export function studentNumber(birth = '20120305', sequence = '123', prefix = 'G', region = '150302'): string {
  const first17 = `${region}${birth}${sequence}`;
  return `${prefix}${first17}${idNumberCheckCharacter(first17)}`;
}

/** The same number with its check character changed, so only the check digit is wrong. */
export function withWrongCheckDigit(valid: string): string {
  const last = valid[valid.length - 1];
  return valid.slice(0, -1) + (last === '1' ? '2' : '1');
}
