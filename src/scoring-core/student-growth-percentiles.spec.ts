import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulateGrowthCohort } from '../../test/helpers/simulate-growth';
import { growthGoodnessOfFit } from './growth-aggregates';
import {
  checkGrowthCoefficientSet,
  fitGrowthCoefficients,
  growthPercentileCuts,
  growthPercentileOf,
  growthPercentilePredictions,
  growthScoreScale,
  rowsWithPriors,
  SGP_TAUS,
  studentGrowthPercentiles,
  type GrowthCoefficientSet,
  type GrowthScores,
} from './student-growth-percentiles';

const referenceDirectory = join(__dirname, '../../test/reference/growth');

interface SgpGolden {
  source: string;
  splines: { knots: number[]; boundaries: number[]; loss_hoss: number[] }[];
  current_spline: { knots: number[]; boundaries: number[]; loss_hoss: number[] };
  orders: { order: number; n: number; rows: number; coefficients: number[] }[];
}

function readCsv(name: string): string[][] {
  return readFileSync(join(referenceDirectory, name), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}
const parseScore = (text: string): number => (text === '' ? Number.NaN : Number(text));

describe('student growth percentiles against R (quantreg br + splines::bs, 20,000 students)', () => {
  const data = readCsv('sgp-data.csv');
  const scores: GrowthScores = {
    current: Float64Array.from(data.map((row) => parseScore(row[1]))),
    priors: [2, 3, 4].map((column) => Float64Array.from(data.map((row) => parseScore(row[column])))),
  };
  const golden = JSON.parse(readFileSync(join(referenceDirectory, 'sgp-golden.json'), 'utf8')) as SgpGolden;
  const expected = readCsv('sgp-r.csv');
  let set: GrowthCoefficientSet;
  let result: ReturnType<typeof studentGrowthPercentiles>;

  beforeAll(() => {
    set = fitGrowthCoefficients(scores);
    result = studentGrowthPercentiles(scores, set);
  });

  it('places knots, boundaries and LOSS/HOSS exactly where the SGP package does', () => {
    expect(set.priorScales.map((s) => [s.knots, s.boundaries, s.lossHoss])).toEqual(golden.splines.map((s) => [s.knots, s.boundaries, s.loss_hoss]));
    expect([set.currentScale.knots, set.currentScale.boundaries, set.currentScale.lossHoss]).toEqual([
      golden.current_spline.knots,
      golden.current_spline.boundaries,
      golden.current_spline.loss_hoss,
    ]);
  });

  it('fits coefficient matrices within 1e-6 relative of R for orders 1, 2 and 3', () => {
    expect(set.matrices.map((m) => [m.order, m.n, m.rows])).toEqual(golden.orders.map((o) => [o.order, o.n, o.rows]));
    for (const matrix of set.matrices) {
      const reference = golden.orders[matrix.order - 1].coefficients;
      // Relative to the largest coefficient of the same tau column: a B-spline coefficient near
      // zero has no meaningful relative error of its own.
      for (let tau = 0; tau < SGP_TAUS.length; tau += 1) {
        const column = reference.slice(tau * matrix.rows, (tau + 1) * matrix.rows);
        const scale = Math.max(...column.map(Math.abs));
        column.forEach((value, row) => {
          expect(Math.abs(matrix.coefficients[tau * matrix.rows + row] - value) / Math.max(Math.abs(value), 1e-3 * scale)).toBeLessThan(1e-6);
        });
      }
    }
  });

  it('gives SGPs identical to R for at least 99.5% of students in every order, never more than 1 apart', () => {
    for (let order = 1; order <= 3; order += 1) {
      let compared = 0;
      let identical = 0;
      let largestDifference = 0;
      let sgpWithoutReference = 0;
      expected.forEach((row, index) => {
        const reference = parseScore(row[order]);
        const ours = result.sgpByOrder[order - 1][index];
        if (Number.isNaN(reference)) {
          if (ours !== 0) sgpWithoutReference += 1;
          return;
        }
        compared += 1;
        if (ours === reference) identical += 1;
        largestDifference = Math.max(largestDifference, Math.abs(ours - reference));
      });
      expect({ order, compared, sgpWithoutReference }).toEqual({ order, compared: golden.orders[order - 1].n, sgpWithoutReference: 0 });
      expect(largestDifference).toBeLessThanOrEqual(1);
      expect(identical / compared).toBeGreaterThanOrEqual(0.995);
    }
    const reported = expected.map((row) => [row[4] === '' ? 0 : Number(row[4]), row[5] === '' ? 0 : Number(row[5])]);
    expect(reported.filter(([sgp, order], index) => sgp !== result.sgp[index] || order !== result.order[index]).length).toBe(0);
  });

  it('round-trips the coefficient set through JSON and reproduces identical SGPs (baseline use)', () => {
    const restored = checkGrowthCoefficientSet(JSON.parse(JSON.stringify(set)));
    const fromStored = studentGrowthPercentiles(scores, restored);
    expect(Array.from(fromStored.sgp)).toEqual(Array.from(result.sgp));
    expect(restored.matrices[0].n).toBe(golden.orders[0].n);
  });
});

describe('student growth percentile properties (simulated cohorts)', () => {
  const cohort = simulateGrowthCohort(8000, 2, 20250601);
  const set = fitGrowthCoefficients(cohort);
  const result = studentGrowthPercentiles(cohort, set);

  it('is roughly uniform within every prior decile (goodness of fit)', () => {
    const table = growthGoodnessOfFit(cohort.priors[0], result.sgp);
    // 800 students a decile, 80 a cell expected; binomial sd ≈ 8.5 students ≈ 1.1 points. 5 points
    // is > 4 sd. The first SGP decile holds 9 percentiles (1–9), hence ≈ 9%.
    expect(table.maxDeviation).toBeLessThan(5);
    expect(table.n).toBe(8000);
  });

  it('is uncorrelated with the prior score', () => {
    const x = cohort.priors[0];
    const y = result.sgp;
    const n = x.length;
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i += 1) {
      mx += x[i] / n;
      my += y[i] / n;
    }
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i += 1) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) ** 2;
      syy += (y[i] - my) ** 2;
    }
    // sd of a null correlation at n = 8000 is 1/√n ≈ 0.011.
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(0.04);
  });

  it('is monotone in the current score for fixed priors', () => {
    const student = 17;
    const priors = cohort.priors.map((p) => Float64Array.of(p[student]));
    let previous = 0;
    for (let score = 300; score <= 800; score += 2.5) {
      const { sgp } = studentGrowthPercentiles({ current: Float64Array.of(score), priors }, set);
      expect(sgp[0]).toBeGreaterThanOrEqual(previous);
      previous = sgp[0];
    }
    expect(previous).toBe(99);
  });

  it('does not depend on the order of the rows', () => {
    const n = cohort.current.length;
    const permutation = Array.from({ length: n }, (_, i) => (i * 7919) % n); // 7919 is prime, coprime to 8000
    const shuffled: GrowthScores = {
      current: Float64Array.from(permutation, (i) => cohort.current[i]),
      priors: cohort.priors.map((p) => Float64Array.from(permutation, (i) => p[i])),
    };
    const shuffledResult = studentGrowthPercentiles(shuffled, fitGrowthCoefficients(shuffled));
    expect(permutation.filter((original, position) => shuffledResult.sgp[position] !== result.sgp[original]).length).toBe(0);
  });

  it('counts students without a current or most recent prior score and gives them no SGP', () => {
    const current = Float64Array.from(cohort.current);
    const last = Float64Array.from(cohort.priors[0]);
    current[0] = Number.NaN;
    last[1] = Number.NaN;
    const before = Float64Array.from(cohort.priors[1]);
    before[2] = Number.NaN;
    const partial = studentGrowthPercentiles({ current, priors: [last, before] }, set);
    expect([partial.missingCurrent, partial.missingPrior]).toEqual([1, 1]);
    expect([partial.sgp[0], partial.sgp[1], partial.order[2], partial.order[3]]).toEqual([0, 0, 1, 2]);
  });

  it('gives percentile cuts that separate the SGPs (a score above CUT_p earns more than p)', () => {
    const rows = rowsWithPriors(cohort, 2).subarray(0, 50);
    const predictions = growthPercentilePredictions(set, cohort.priors, rows, 2);
    const cuts = growthPercentileCuts(predictions, 100, [35, 65], set.currentScale.lossHoss, 5);
    rows.forEach((row, index) => {
      const own = predictions.subarray(index * 100, index * 100 + 100);
      expect(growthPercentileOf(own, cuts[index * 2] + 1e-5)).toBeGreaterThanOrEqual(36);
      expect(growthPercentileOf(own, cuts[index * 2])).toBeLessThanOrEqual(35);
      expect(cuts[index * 2 + 1]).toBeGreaterThanOrEqual(cuts[index * 2]);
      // Counting on the sorted, rounded predictions gives the SGP the cohort run reported.
      expect(growthPercentileOf(own, cohort.current[row])).toBe(result.sgpByOrder[1][row]);
    });
  });
});

describe('growthScoreScale and input checks', () => {
  it('rejects constant or too short scores and mismatched priors', () => {
    expect(() => growthScoreScale([5, 5, 5])).toThrow(expect.objectContaining({ code: 'CONSTANT_COLUMN' }));
    expect(() => growthScoreScale([5, Number.NaN])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => fitGrowthCoefficients({ current: new Float64Array(3), priors: [new Float64Array(2)] })).toThrow(
      expect.objectContaining({ code: 'DIMENSION_MISMATCH' }),
    );
    const tiny = simulateGrowthCohort(8, 1, 1);
    expect(() => fitGrowthCoefficients(tiny)).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
  });

  it('refuses a coefficient document of another format', () => {
    expect(() => checkGrowthCoefficientSet({ format: 'something else' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
