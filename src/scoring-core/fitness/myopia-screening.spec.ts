/**
 * Myopia screening-positive rate (either eye < 5.0) and its year-over-year change against the
 * −0.5 point target, on a hand-counted fixture. Rates are ratios of small integers
 * (expectClose 1e-12 relative).
 */
import { expectClose } from '../../../test/helpers/expect-close';
import { ScoringInputError } from '../scoring-input-error';
import { myopiaYearOverYear, summarizeMyopiaCounts, summarizeMyopiaScreening, type MyopiaScreeningSummary } from './myopia-screening';

describe('summarizeMyopiaScreening', () => {
  it('counts a student positive when either eye is below 5.0', () => {
    const summary = summarizeMyopiaScreening([
      { leftEye: 5.0, rightEye: 5.1 }, // negative (5.0 is not below 5.0)
      { leftEye: 4.9, rightEye: 5.0 }, // positive
      { leftEye: 5.2, rightEye: null }, // indeterminate: the missing eye could be below 5.0
      { leftEye: null, rightEye: 4.8 }, // positive whatever the other eye is
      { leftEye: null, rightEye: null }, // not screened
      { leftEye: 4.5, rightEye: 4.6 }, // positive
      { leftEye: 5.3, rightEye: 5.0 }, // negative
    ]);
    // screened = 2 negative + 3 positive = 5; rate = 3/5
    expect(summary).toMatchObject({ records: 7, screened: 5, positive: 3, indeterminate: 1, notScreened: 1 });
    expectClose(summary.rate!, 0.6, 1e-12);
  });

  it('has no rate when nobody was screened', () => {
    expect(summarizeMyopiaScreening([{ leftEye: null, rightEye: null }]).rate).toBeNull();
  });

  it('rejects decimal notation and non-finite values', () => {
    expect(() => summarizeMyopiaScreening([{ leftEye: 1.0, rightEye: 5.0 }])).toThrow(/5-point notation \(decimal 1.0 = 5.0\)/);
    expect(() => summarizeMyopiaScreening([{ leftEye: Number.NaN, rightEye: 5.0 }])).toThrow(ScoringInputError);
  });
});

describe('myopiaYearOverYear', () => {
  const summary = (positive: number, screened: number): MyopiaScreeningSummary => ({
    records: screened,
    screened,
    positive,
    indeterminate: 0,
    notScreened: 0,
    rate: positive / screened,
  });

  it('meets the target when the rate falls by at least 0.5 points', () => {
    // 70% → 60%: −10 points, met
    const fell = myopiaYearOverYear(summary(3, 5), summary(7, 10));
    expectClose(fell.changePoints!, -10, 1e-12);
    expect(fell.met).toBe(true);
    // 40% → 39.5%: exactly −0.5 points, met
    const exact = myopiaYearOverYear(summary(79, 200), summary(40, 100));
    expectClose(exact.changePoints!, -0.5, 1e-12);
    expect(exact.met).toBe(true);
    // 40% → 39.8%: −0.2 points, not met
    const slight = myopiaYearOverYear(summary(398, 1000), summary(40, 100));
    expectClose(slight.changePoints!, -0.2, 1e-9);
    expect(slight.met).toBe(false);
    // a rise is not met
    expect(myopiaYearOverYear(summary(41, 100), summary(40, 100)).met).toBe(false);
    expect(fell.targetChangePoints).toBe(-0.5);
  });

  it('has no verdict when a year has nobody screened', () => {
    const none: MyopiaScreeningSummary = { records: 0, screened: 0, positive: 0, indeterminate: 0, notScreened: 0, rate: null };
    expect(myopiaYearOverYear(none, summary(1, 2))).toEqual({ changePoints: null, targetChangePoints: -0.5, met: null });
  });
});

describe('summarizeMyopiaCounts (counts from SQL, ADR 0920)', () => {
  it('gives the same summary as summarizeMyopiaScreening for the counts of the same records', () => {
    const records = [{ leftEye: 5.0, rightEye: 5.1 }, { leftEye: 4.9, rightEye: 5.0 }, { leftEye: 5.2, rightEye: null }, { leftEye: null, rightEye: 4.8 }, { leftEye: null, rightEye: null }];
    expect(summarizeMyopiaCounts({ records: 5, positive: 2, negative: 1, indeterminate: 1, notScreened: 1 })).toEqual(summarizeMyopiaScreening(records));
  });

  it('refuses counts that do not add up to the records', () => {
    expect(() => summarizeMyopiaCounts({ records: 5, positive: 2, negative: 1, indeterminate: 1, notScreened: 0 })).toThrow(ScoringInputError);
    expect(() => summarizeMyopiaCounts({ records: 1, positive: -1, negative: 2, indeterminate: 0, notScreened: 0 })).toThrow(ScoringInputError);
  });
});
