/**
 * Minimum password policy: at least 10 characters, at least three of the four classes
 * (lower case, upper case, digits, other), not containing the username, and not one of the
 * passwords people pick first. Returns what is wrong, in English and Chinese, or nothing.
 */
const COMMON = ['password', '12345678', 'qwertyuiop', 'admin123', 'wuyu', 'iloveyou', '11111111', 'abc123456', 'woaini'];

export function passwordProblems(password: string, username: string): { message: string; messageZh: string }[] {
  const problems: { message: string; messageZh: string }[] = [];
  if (password.length < 10) problems.push({ message: 'at least 10 characters', messageZh: '至少10个字符' });
  if (password.length > 200) problems.push({ message: 'at most 200 characters', messageZh: '最多200个字符' });
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) problems.push({ message: 'use three of: lower case, upper case, digits, symbols', messageZh: '须包含小写字母、大写字母、数字、符号中的三类' });
  const lower = password.toLowerCase();
  if (username.length >= 3 && lower.includes(username.toLowerCase())) problems.push({ message: 'must not contain the username', messageZh: '不能包含用户名' });
  if (COMMON.some((word) => lower.includes(word))) problems.push({ message: 'too easy to guess', messageZh: '过于简单，容易被猜到' });
  return problems;
}
