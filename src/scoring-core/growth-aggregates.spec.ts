import { expectClose } from '../../test/helpers/expect-close';
import { growthGoodnessOfFit, shrinkGroupMedians, summariseGrowthGroups } from './growth-aggregates';

describe('summariseGrowthGroups (SGP summarizeSGP)', () => {
  it('computes median, mean and their standard errors per group, ignoring students without an SGP', () => {
    const groups = ['B', 'A', 'A', 'A', 'A', 'B', 'B', 'C'];
    const sgp = [50, 10, 20, 30, 90, 0, 70, 40];
    const [a, b, c] = summariseGrowthGroups(groups, sgp);
    expect([a.group, a.n, a.medianSgp, a.meanSgp]).toEqual(['A', 4, 25, 37.5]);
    // R: sd(c(10,20,30,90)) = 35.939764421413; 1.253·sd/√4 and sd/√4.
    expectClose(a.meanSgpStandardError as number, 35.939764421413 / 2, 1e-12);
    expectClose(a.medianSgpStandardError as number, (1.253 * 35.939764421413) / 2, 1e-12);
    expect([b.n, b.medianSgp]).toEqual([2, 60]);
    expect(c.n).toBe(1);
    expect(c.meanSgpStandardError).toBeNaN(); // sd of one value is NA in R
  });

  it('suppresses groups below the minimum N', () => {
    const [a, b] = summariseGrowthGroups(['A', 'A', 'B'], [40, 60, 55], { minimumN: 2 });
    expect(a.suppressed).toBe(false);
    expect(b).toEqual({ group: 'B', n: 1, suppressed: true, medianSgp: null, meanSgp: null, medianSgpStandardError: null, meanSgpStandardError: null });
  });
});

describe('shrinkGroupMedians (empirical Bayes, METHODS.md 1.6)', () => {
  it('pulls noisy medians toward 50 by c/(c + SE²)', () => {
    const summaries = [
      { group: 'A', n: 100, suppressed: false, medianSgp: 70, meanSgp: 68, medianSgpStandardError: 3, meanSgpStandardError: 2.4 },
      { group: 'B', n: 9, suppressed: false, medianSgp: 30, meanSgp: 35, medianSgpStandardError: 10, meanSgpStandardError: 8 },
      { group: 'C', n: 50, suppressed: false, medianSgp: 50, meanSgp: 50, medianSgpStandardError: 4, meanSgpStandardError: 3.2 },
    ];
    // var(70, 30, 50) = 400; mean SE² = (9 + 100 + 16)/3 = 41.667; c = 358.333.
    const c = 400 - 125 / 3;
    const shrunk = shrinkGroupMedians(summaries);
    expect(shrunk.map((s) => s.shrunkMedianSgp)).toEqual([Math.round(50 + (20 * c) / (c + 9)), Math.round(50 - (20 * c) / (c + 100)), 50]);
  });

  it('shrinks everything to 50 when the medians vary no more than their noise, and skips suppressed groups', () => {
    const summaries = [
      { group: 'A', n: 10, suppressed: false, medianSgp: 52, meanSgp: 52, medianSgpStandardError: 10, meanSgpStandardError: 8 },
      { group: 'B', n: 10, suppressed: false, medianSgp: 48, meanSgp: 48, medianSgpStandardError: 10, meanSgpStandardError: 8 },
      { group: 'C', n: 1, suppressed: true, medianSgp: null, meanSgp: null, medianSgpStandardError: null, meanSgpStandardError: null },
    ];
    expect(shrinkGroupMedians(summaries).map((s) => s.shrunkMedianSgp)).toEqual([50, 50, null]);
  });
});

describe('growthGoodnessOfFit (prior decile × SGP decile)', () => {
  it('puts 10% in every cell when SGPs are uniform and independent of the prior', () => {
    const prior: number[] = [];
    const sgp: number[] = [];
    for (let decile = 0; decile < 10; decile += 1) {
      for (let value = 0; value < 100; value += 1) {
        prior.push(decile * 100 + value);
        sgp.push((value % 10) * 10 + 5); // 5, 15, …, 95: one per SGP decile
      }
    }
    const table = growthGoodnessOfFit(prior, sgp);
    expect(table.counts.every((row) => row.every((count) => count === 10))).toBe(true);
    expect(table.maxDeviation).toBe(0);
    expect(table.chiSquare).toBe(0);
  });

  it('shows a misfit: SGP rising with the prior leaves cells empty', () => {
    const prior = Array.from({ length: 1000 }, (_, i) => i);
    const sgp = prior.map((p) => Math.min(99, 1 + Math.floor(p / 10)));
    const table = growthGoodnessOfFit(prior, sgp);
    expect(table.rowPercentages[0][9]).toBe(0);
    expect(table.maxDeviation).toBeGreaterThan(50);
  });
});
