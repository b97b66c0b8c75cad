import { shrinkGroupMedians, summariseGrowthGroups } from '../../scoring-core';
import { hashGrowthInput } from './growth-input';
import { schoolSummaries } from './growth.service';

describe('growth run input hash', () => {
  const ids = ['a', 'b', 'c'];
  const schools = ['S1', 'S1', 'S2'];
  const grades = ['J2', null, 'J2'];
  const hash = (current: number[], prior: number[], gradeCodes: (string | null)[] = grades) => hashGrowthInput(ids, schools, gradeCodes, Float64Array.from(current), [Float64Array.from(prior)]);

  it('is the same for the same numbers however they were written, and 64 hex digits', () => {
    expect(hash([95.5, 80, 70], [90, Number.NaN, 60])).toBe(hash([Number('95.50'), 80.0, 7e1], [90, Number.NaN, 60]));
    expect(hash([95.5, 80, 70], [90, Number.NaN, 60])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when a value, a missing prior or a grade changes', () => {
    const base = hash([95.5, 80, 70], [90, Number.NaN, 60]);
    expect(hash([95.5, 80, 70.1], [90, Number.NaN, 60])).not.toBe(base);
    expect(hash([95.5, 80, 70], [90, 0, 60])).not.toBe(base);
    expect(hash([95.5, 80, 70], [90, Number.NaN, 60], ['J2', 'J2', 'J2'])).not.toBe(base);
  });
});

describe('school summaries of a run', () => {
  it('per school as the core summarises and shrinks them, per grade within each school; students without a grade only in the school row', () => {
    const schoolIds = ['S1', 'S1', 'S1', 'S2', 'S2', 'S2', 'S2'];
    const gradeCodes = ['J1', 'J1', 'J2', 'J1', 'J1', null, 'J1'];
    const sgp = Int16Array.from([10, 30, 50, 70, 90, 40, 0]);
    const summaries = schoolSummaries(schoolIds, gradeCodes, sgp, 2);
    const expected = shrinkGroupMedians(summariseGrowthGroups(schoolIds, sgp, { minimumN: 2 }));
    expect(summaries.map((s) => s.schoolId)).toEqual(['S1', 'S2']);
    expect(summaries.map(({ schoolId, byGrade, ...rest }) => ({ group: schoolId, ...rest }))).toEqual(expected);
    const grades = summaries.map((s) => (s.byGrade as { gradeCode: string; n: number; suppressed: boolean }[]).map((g) => [g.gradeCode, g.n, g.suppressed]));
    // S1: J1 has 2 SGPs, J2 one (suppressed); S2: J1 has 2 (the 0 is no SGP), the ungraded student is left out.
    expect(grades).toEqual([
      [
        ['J1', 2, false],
        ['J2', 1, true],
      ],
      [['J1', 2, false]],
    ]);
  });
});
