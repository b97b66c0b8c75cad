/**
 * Masks a 学籍号 for roles that do not strictly need it: the prefix and region's first four
 * digits and the last four characters stay, e.g. G150302201203050017 → G1503**********0017.
 */
export function maskStudentNumber(studentNumber: string): string {
  if (studentNumber.length <= 9) return '*'.repeat(studentNumber.length);
  return `${studentNumber.slice(0, 5)}${'*'.repeat(studentNumber.length - 9)}${studentNumber.slice(-4)}`;
}
