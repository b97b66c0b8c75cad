import { maskStudentNumber } from './student-number-mask';

describe('maskStudentNumber', () => {
  it('keeps the prefix, four region digits and the last four characters', () => {
    expect(maskStudentNumber('G150302201203050017')).toBe('G1503**********0017');
    expect(maskStudentNumber('G150302201203050017')).toHaveLength(19);
  });
  it('hides short values entirely', () => {
    expect(maskStudentNumber('G1234')).toBe('*****');
  });
});
