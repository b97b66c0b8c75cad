import { compensatedSum, describe as describeValues, mean } from './descriptive-statistics';
import { zScores, tScores } from './standardise';
import { midRanks, percentileRanks } from './percentile-ranks';
import { ScoringInputError } from './scoring-input-error';
import { expectAllClose, expectClose } from '../../test/helpers/expect-close';

describe('compensatedSum', () => {
  it('keeps the small terms a naive sum loses', () => {
    expect(compensatedSum(Float64Array.of(1e100, 1, -1e100))).toBe(1);
    const values = new Float64Array(1_000_001).fill(0.1);
    values[0] = 1e8;
    // Exact sum of the doubles: 1e8 + 1e6 × fl(0.1); the naive loop is off by ~1e-2.
    expectClose(compensatedSum(values), 1e8 + 1e6 * 0.1, 1e-15);
  });
});

describe('describe', () => {
  it('matches R mean/var/sd on a small sample', () => {
    const result = describeValues(Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9));
    expectClose(result.mean, 5, 1e-15);
    expectClose(result.variance, 32 / 7, 1e-15);
    expectClose(result.standardDeviation, Math.sqrt(32 / 7), 1e-15);
    expect([result.minimum, result.maximum, result.count]).toEqual([2, 9, 8]);
  });

  it('is exact for a large offset (NIST StRD NumAcc4-style: 1e9 + {0.2, 0.1, 0.3, …})', () => {
    const values = new Float64Array(1001);
    values[0] = 1000000000.2;
    for (let index = 1; index < 1001; index += 2) {
      values[index] = 1000000000.1;
      values[index + 1] = 1000000000.3;
    }
    // NIST NumAcc4 certified: mean 1000000000.2, SD 0.1 (to the rounding of the decimal inputs).
    const result = describeValues(values);
    expectClose(result.mean, 1000000000.2, 1e-15);
    expectClose(result.standardDeviation, 0.1, 1e-6);
  });

  it('refuses fewer than two values and non-finite values', () => {
    expect(() => describeValues(Float64Array.of(1))).toThrow(ScoringInputError);
    expect(() => describeValues(Float64Array.of(1, Infinity))).toThrow(/non-finite/);
    expect(() => mean(new Float64Array(0))).toThrow(/at least one/);
  });
});

describe('zScores and tScores', () => {
  it('follow R scale()', () => {
    expectAllClose(zScores(Float64Array.of(1, 2, 3)), [-1, 0, 1], 1e-15);
    expectAllClose(tScores(Float64Array.of(1, 2, 3)), [40, 50, 60], 1e-15);
  });

  it('refuse a constant column', () => {
    try {
      zScores(Float64Array.of(3, 3, 3), 'prior');
      throw new Error('expected an error');
    } catch (error) {
      expect((error as ScoringInputError).code).toBe('CONSTANT_COLUMN');
    }
  });
});

describe('midRanks and percentileRanks', () => {
  it('average the ranks of ties like R rank(ties.method = "average")', () => {
    expectAllClose(midRanks(Float64Array.of(10, 20, 20, 30)), [1, 2.5, 2.5, 4], 1e-15);
    expectAllClose(midRanks(Float64Array.of(5, 1, 5, 5, -2)), [4, 2, 4, 4, 1], 1e-15);
  });

  it('give PR = 100(midrank − 0.5)/N with mean 50', () => {
    expectAllClose(percentileRanks(Float64Array.of(10, 20, 20, 30)), [12.5, 50, 50, 87.5], 1e-15);
    const ranks = percentileRanks(Float64Array.of(3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5));
    expectClose(mean(ranks), 50, 1e-14);
  });
});
