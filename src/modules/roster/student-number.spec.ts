import { idNumberCheckCharacter, parseStudentNumber } from './student-number';

/** Builds a valid synthetic number: region 150302 (海勃湾区), birth date, sequence, computed check. */
function make(prefix: string, birth: string, sequence: string): string {
  const first17 = `150302${birth}${sequence}`;
  return `${prefix}${first17}${idNumberCheckCharacter(first17)}`;
}

describe('parseStudentNumber (学籍号)', () => {
  it('computes the GB 11643 check character (worked example 11010519491231002X)', () => {
    // The standard's own example: 11010519491231002 → X
    expect(idNumberCheckCharacter('11010519491231002')).toBe('X');
  });

  it('accepts G, J and L numbers with the right check digit and reads birth date and sex', () => {
    const parsed = parseStudentNumber(make('G', '20120305', '123'));
    expect(parsed).toEqual({
      ok: true,
      value: { prefix: 'G', idNumber: expect.any(String), regionCode: '150302', birthDate: '2012-03-05', sexCode: '1' },
    });
    expect(parseStudentNumber(make('J', '20111111', '002'))).toMatchObject({ ok: true, value: { sexCode: '2' } });
    expect(parseStudentNumber(make('L', '20100101', '010'))).toMatchObject({ ok: true });
    expect(parseStudentNumber(`g${make('G', '20120305', '123').slice(1)}`)).toMatchObject({ ok: true });
  });

  it('rejects a wrong check digit', () => {
    const valid = make('G', '20120305', '123');
    const wrong = valid.slice(0, 18) + (valid[18] === '1' ? '2' : '1');
    expect(parseStudentNumber(wrong)).toEqual({ ok: false, problem: 'BAD_CHECK_DIGIT' });
  });

  it('rejects wrong lengths, prefixes, characters and impossible birth dates', () => {
    expect(parseStudentNumber(make('G', '20120305', '123').slice(0, 18))).toEqual({ ok: false, problem: 'WRONG_LENGTH' });
    expect(parseStudentNumber(`${make('G', '20120305', '123')}1`)).toEqual({ ok: false, problem: 'WRONG_LENGTH' });
    expect(parseStudentNumber(`K${make('G', '20120305', '123').slice(1)}`)).toEqual({ ok: false, problem: 'BAD_PREFIX' });
    expect(parseStudentNumber('G15030220120305A234')).toEqual({ ok: false, problem: 'NOT_DIGITS' });
    expect(parseStudentNumber(make('G', '20130229', '123'))).toEqual({ ok: false, problem: 'BAD_BIRTH_DATE' });
    expect(parseStudentNumber(make('G', '20121301', '123'))).toEqual({ ok: false, problem: 'BAD_BIRTH_DATE' });
  });
});
