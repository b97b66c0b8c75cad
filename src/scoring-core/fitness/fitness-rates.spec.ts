/**
 * Group aggregates on a small fixture, computed by hand in the comments. Rates are ratios of
 * small integers; expectClose with 1e-12 relative covers their binary representation.
 */
import { expectClose } from '../../../test/helpers/expect-close';
import { ScoringInputError } from '../scoring-input-error';
import { compareWithFitnessTargets, fitnessYearOverYear, summarizeFitnessCounts, summarizeFitnessGroup, type FitnessResultForRates } from './fitness-rates';

const scored = (total: number): FitnessResultForRates => ({ status: 'scored', total });

// A class of 10 enrolled students, 9 with a record this year (one never turned up).
const thisYear: FitnessResultForRates[] = [
  scored(95.0), // 优秀
  scored(90.0), // 优秀 (boundary)
  scored(89.9), // 良好
  scored(80.0), // 良好 (boundary)
  scored(79.9), // 及格
  scored(60.0), // 及格 (boundary)
  scored(59.9), // 不及格
  { status: 'exempt', total: null },
  { status: 'incomplete', total: null },
];
// Last year: 5 enrolled, 4 tested: 70.0, 85.0, 50.0, 92.0.
const lastYear: FitnessResultForRates[] = [scored(70), scored(85), scored(50), scored(92)];

describe('summarizeFitnessGroup', () => {
  it('counts levels and computes the rates over tested students', () => {
    const summary = summarizeFitnessGroup(thisYear, { enrolled: 10 });
    expect(summary).toMatchObject({ enrolled: 10, recorded: 9, tested: 7, exempt: 1, deferred: 0, incomplete: 1, excellentCount: 2, goodOrBetterCount: 4, passCount: 6 });
    // participation = 7 tested / (10 enrolled − 1 exempt) = 7/9
    expectClose(summary.participation!, 7 / 9, 1e-12);
    // mean = (95 + 90 + 89.9 + 80 + 79.9 + 60 + 59.9) / 7 = 554.7 / 7 = 79.242857…
    expectClose(summary.meanTotal!, 554.7 / 7, 1e-12);
    expectClose(summary.excellentRate!, 2 / 7, 1e-12); // 优秀率 28.57%
    expectClose(summary.goodOrBetterRate!, 4 / 7, 1e-12); // 优良率 57.14%
    expectClose(summary.passRate!, 6 / 7, 1e-12); // 合格率 85.71%
  });

  it('uses the records as the roster when no enrolment is given, and nulls empty rates', () => {
    const summary = summarizeFitnessGroup([{ status: 'deferred', total: null }]);
    expect(summary.enrolled).toBe(1);
    expect(summary.tested).toBe(0);
    expect(summary.participation).toBe(0);
    expect(summary.meanTotal).toBeNull();
    expect(summary.passRate).toBeNull();
    expect(summarizeFitnessGroup([{ status: 'exempt', total: null }]).participation).toBeNull();
  });

  it('rejects an enrolment below the records and totals that are not one-decimal', () => {
    expect(() => summarizeFitnessGroup(thisYear, { enrolled: 8 })).toThrow(ScoringInputError);
    expect(() => summarizeFitnessGroup([scored(80.05)])).toThrow(/one-decimal/);
    expect(() => summarizeFitnessGroup([{ status: 'scored', total: null }])).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
  });
});

describe('compareWithFitnessTargets', () => {
  const summary = summarizeFitnessGroup(thisYear, { enrolled: 10 });

  it('compares 合格率 and 优良率 with the 2022 targets (90% / 30%)', () => {
    const check = compareWithFitnessTargets(summary, 2022);
    // 合格率 600/7 = 85.714…% vs 90: not met, 4.2857 points short
    expect(check.passRate.met).toBe(false);
    expectClose(check.passRate.actualPercent!, 600 / 7, 1e-12);
    expectClose(check.passRate.differencePoints!, 600 / 7 - 90, 1e-12);
    expectClose(check.passRate.gapPoints!, 90 - 600 / 7, 1e-12);
    // 优良率 400/7 = 57.142…% vs 30: met, 27.14 points above, gap 0
    expect(check.goodOrBetterRate.met).toBe(true);
    expectClose(check.goodOrBetterRate.differencePoints!, 400 / 7 - 30, 1e-12);
    expect(check.goodOrBetterRate.gapPoints).toBe(0);
  });

  it('compares with the 2025 targets (95% / 50%)', () => {
    const check = compareWithFitnessTargets(summary, 2025);
    expect(check.passRate.targetPercent).toBe(95);
    expect(check.passRate.met).toBe(false);
    expectClose(check.passRate.gapPoints!, 95 - 600 / 7, 1e-12); // 9.2857 points short
    expect(check.goodOrBetterRate.met).toBe(true); // 57.14% ≥ 50%
  });

  it('counts a rate exactly at the target as met', () => {
    // 9 of 10 pass = 90.0% exactly; 3 of 10 良好 or better = 30.0% exactly.
    const group = [scored(85), scored(81), scored(80), ...Array.from({ length: 6 }, () => scored(70)), scored(40)];
    const check = compareWithFitnessTargets(summarizeFitnessGroup(group), 2022);
    expect(check.passRate.met).toBe(true);
    expect(check.goodOrBetterRate.met).toBe(true);
    expect(check.passRate.gapPoints).toBe(0);
    // 19 of 20 = 95% meets 2025's 合格率.
    const twenty = [...Array.from({ length: 19 }, () => scored(60)), scored(59.9)];
    expect(compareWithFitnessTargets(summarizeFitnessGroup(twenty), 2025).passRate.met).toBe(true);
  });

  it('has no verdict for a group nobody was tested in', () => {
    const check = compareWithFitnessTargets(summarizeFitnessGroup([{ status: 'exempt', total: null }]), 2022);
    expect(check.passRate).toEqual({ targetPercent: 90, actualPercent: null, met: null, differencePoints: null, gapPoints: null });
  });
});

describe('fitnessYearOverYear', () => {
  it('gives current − previous, rates in percentage points', () => {
    const change = fitnessYearOverYear(summarizeFitnessGroup(thisYear, { enrolled: 10 }), summarizeFitnessGroup(lastYear, { enrolled: 5 }));
    // mean: 554.7/7 − 297/4 = 79.242857 − 74.25 = 4.992857
    expectClose(change.meanTotal!, 554.7 / 7 - 74.25, 1e-12);
    // 合格率: 6/7 − 3/4 = 85.714 − 75 = +10.714 points
    expectClose(change.passRatePoints!, 100 * (6 / 7 - 0.75), 1e-12);
    // 优良率: 4/7 − 2/4 = +7.143 points; 优秀率: 2/7 − 1/4 = +3.571 points
    expectClose(change.goodOrBetterRatePoints!, 100 * (4 / 7 - 0.5), 1e-12);
    expectClose(change.excellentRatePoints!, 100 * (2 / 7 - 0.25), 1e-12);
    // participation: 7/9 − 4/5 = −2.222 points
    expectClose(change.participationPoints!, 100 * (7 / 9 - 0.8), 1e-12);
  });

  it('is null where a year has no value', () => {
    const empty = summarizeFitnessGroup([]);
    expect(fitnessYearOverYear(empty, summarizeFitnessGroup(lastYear))).toEqual({
      meanTotal: null,
      participationPoints: null,
      excellentRatePoints: null,
      goodOrBetterRatePoints: null,
      passRatePoints: null,
    });
  });
});

describe('summarizeFitnessCounts (counts from SQL, ADR 0920)', () => {
  it('gives the same summary as summarizeFitnessGroup for the counts of the same records', () => {
    // totals 95.0, 85.0, 70.0, 50.0; one exempt, one deferred, one incomplete; enrolled 9.
    const records = [95, 85, 70, 50].map((total) => ({ status: 'scored' as const, total })).concat([{ status: 'exempt', total: null }, { status: 'deferred', total: null }, { status: 'incomplete', total: null }] as never[]);
    const counts = { enrolled: 9, recorded: 7, tested: 4, exempt: 1, deferred: 1, incomplete: 1, sumTenths: 3000, excellentCount: 1, goodOrBetterCount: 2, passCount: 3 };
    expect(summarizeFitnessCounts(counts)).toEqual(summarizeFitnessGroup(records, { enrolled: 9 }));
  });

  it('refuses counts that cannot come from records', () => {
    const ok = { enrolled: 3, recorded: 2, tested: 2, exempt: 0, deferred: 0, incomplete: 0, sumTenths: 1500, excellentCount: 0, goodOrBetterCount: 1, passCount: 2 };
    expect(() => summarizeFitnessCounts(ok)).not.toThrow();
    for (const bad of [{ enrolled: 1 }, { tested: 1 }, { excellentCount: 2 }, { passCount: 3 }, { sumTenths: 2401 }, { deferred: -1 }, { incomplete: 0.5 }]) {
      expect(() => summarizeFitnessCounts({ ...ok, ...bad })).toThrow(ScoringInputError);
    }
  });
});
