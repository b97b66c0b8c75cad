import { passwordProblems } from './password-policy';

describe('passwordProblems', () => {
  it('accepts a long mixed password', () => {
    expect(passwordProblems('Tall-Horse-42-river', 'zhang')).toEqual([]);
  });
  it.each([
    ['Short1!', 'at least 10 characters'],
    ['alllowercaseletters', 'use three of'],
    ['Zhangsan-2024!', 'must not contain the username'],
    ['MyPassword-2024', 'too easy to guess'],
  ])('refuses %s (%s)', (password, expected) => {
    expect(passwordProblems(password, 'zhangsan').map((p) => p.message).join('; ')).toContain(expected);
  });
});
