import { fitRandomIntercept } from './random-intercept-model';
import { fitLeastSquares } from './least-squares';
import { ScoringInputError } from './scoring-input-error';
import { SeededRandom } from './seeded-random';
import { expectAllClose, expectClose } from '../../test/helpers/expect-close';

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ScoringInputError) return error.code;
    throw error;
  }
  return 'no error';
}

function simulate(seed: number, groupCount: number, perGroup: number, groupSd: number) {
  const random = new SeededRandom(seed);
  const count = groupCount * perGroup;
  const prior = new Float64Array(count);
  const outcome = new Float64Array(count);
  const groupIndex = new Int32Array(count);
  const effects = Float64Array.from({ length: groupCount }, () => groupSd * random.nextNormal());
  for (let row = 0; row < count; row += 1) {
    const group = Math.floor(row / perGroup);
    groupIndex[row] = group;
    prior[row] = 50 + 10 * random.nextNormal();
    outcome[row] = 5 + 0.8 * prior[row] + effects[group] + 4 * random.nextNormal();
  }
  return { prior, outcome, groupIndex, groupCount, effects };
}

describe('fitRandomIntercept', () => {
  it('satisfies the EB identities û = λ·r̄, Var = λσ²/n, λ = τ²/(τ² + σ²/n)', () => {
    const { prior, outcome, groupIndex, groupCount } = simulate(11, 30, 25, 2);
    const fit = fitRandomIntercept({ outcome, predictors: [prior], groupIndex, groupCount });
    for (let group = 0; group < groupCount; group += 1) {
      const n = fit.groupSizes[group];
      const reliability = fit.groupVariance / (fit.groupVariance + fit.residualVariance / n);
      expectClose(fit.reliabilities[group], reliability, 1e-12);
      expectClose(fit.groupEffects[group], reliability * fit.groupMeanResiduals[group], 1e-12, 1e-12);
      expectClose(fit.groupEffectStandardErrors[group], Math.sqrt((reliability * fit.residualVariance) / n), 1e-12);
    }
    expectClose(fit.intraclassCorrelation, fit.groupVariance / (fit.groupVariance + fit.residualVariance), 1e-14);
    expect(fit.boundary).toBe(false);
  });

  it('recovers the simulated slope and variance components roughly', () => {
    const { prior, outcome, groupIndex, groupCount } = simulate(12, 200, 50, 3);
    const fit = fitRandomIntercept({ outcome, predictors: [prior], groupIndex, groupCount });
    // 10,000 students: slope SE ≈ 0.004, σ² SE ≈ 0.23, τ² SE ≈ 0.9 (200 groups); allow ~4 SE.
    expect(Math.abs(fit.coefficients[1] - 0.8)).toBeLessThan(0.02);
    expect(Math.abs(fit.residualVariance - 16)).toBeLessThan(1);
    expect(Math.abs(fit.groupVariance - 9)).toBeLessThan(3.6);
  });

  it('stops at τ² = 0 when the groups do not differ, and then equals least squares', () => {
    // Every group holds the same four (prior, outcome) pairs: between-group variance is zero.
    const pairs = [
      [1, 2.0],
      [2, 2.5],
      [3, 4.5],
      [4, 4.0],
    ];
    const groupCount = 6;
    const prior = Float64Array.from({ length: 24 }, (_, row) => pairs[row % 4][0]);
    const outcome = Float64Array.from({ length: 24 }, (_, row) => pairs[row % 4][1]);
    const groupIndex = Int32Array.from({ length: 24 }, (_, row) => Math.floor(row / 4));
    const fit = fitRandomIntercept({ outcome, predictors: [prior], groupIndex, groupCount });
    expect(fit.boundary).toBe(true);
    expect(fit.groupVariance).toBe(0);
    expect(Array.from(fit.groupEffects)).toEqual(new Array(groupCount).fill(0));
    const ols = fitLeastSquares({ outcome, predictors: [prior] });
    expectAllClose(fit.coefficients, ols.coefficients, 1e-12);
    expectAllClose(fit.standardErrors, ols.standardErrors, 1e-12);
  });

  it('gives ML a smaller σ² than REML (divisor N instead of N − p)', () => {
    const { prior, outcome, groupIndex, groupCount } = simulate(13, 20, 10, 1);
    const reml = fitRandomIntercept({ outcome, predictors: [prior], groupIndex, groupCount });
    const ml = fitRandomIntercept({ outcome, predictors: [prior], groupIndex, groupCount, estimation: 'ML' });
    expect(ml.estimation).toBe('ML');
    expect(ml.residualVariance + ml.groupVariance).toBeLessThan(reml.residualVariance + reml.groupVariance);
  });

  it('refuses designs it cannot estimate, with codes', () => {
    const { prior, outcome, groupIndex, groupCount } = simulate(14, 5, 6, 1);
    expect(codeOf(() => fitRandomIntercept({ outcome, predictors: [prior], groupIndex: new Int32Array(30), groupCount: 1 }))).toBe(
      'INSUFFICIENT_DATA',
    );
    expect(
      codeOf(() => fitRandomIntercept({ outcome, predictors: [prior], groupIndex: Int32Array.from({ length: 30 }, (_, i) => i), groupCount: 30 })),
    ).toBe('INSUFFICIENT_DATA');
    expect(codeOf(() => fitRandomIntercept({ outcome, predictors: [prior, new Float64Array(30).fill(1)], groupIndex, groupCount }))).toBe(
      'CONSTANT_COLUMN',
    );
    const doubled = Float64Array.from(prior, (value) => 2 * value + 1);
    expect(codeOf(() => fitRandomIntercept({ outcome, predictors: [prior, doubled], groupIndex, groupCount }))).toBe('RANK_DEFICIENT_DESIGN');
    const withNaN = Float64Array.from(outcome);
    withNaN[3] = NaN;
    expect(codeOf(() => fitRandomIntercept({ outcome: withNaN, predictors: [prior], groupIndex, groupCount }))).toBe('NON_FINITE_INPUT');
    expect(codeOf(() => fitRandomIntercept({ outcome, predictors: [prior], groupIndex, groupCount: 6 }))).toBe('GROUP_TOO_SMALL');
    const outOfRange = Int32Array.from(groupIndex);
    outOfRange[0] = 9;
    expect(codeOf(() => fitRandomIntercept({ outcome, predictors: [prior], groupIndex: outOfRange, groupCount }))).toBe('INVALID_ARGUMENT');
  });
});
