import { estimateValueAdded, categoriseGroup, VALUE_ADDED_MODELS, type ValueAddedInput, type ValueAddedResult } from './value-added';
import { SeededRandom } from './seeded-random';
import { ScoringInputError } from './scoring-input-error';
import { expectAllClose, expectClose } from '../../test/helpers/expect-close';

interface Cohort extends ValueAddedInput {
  readonly trueEffects: Float64Array;
}

/** A cohort of schools with known effects u_j ~ N(0, τ²): y = 20 + 0.6·p1 + 0.2·p2 + 1.5·female − 2·hardship + u_j + e. */
function simulateCohort(seed: number, groupCount: number, tau: number, sigma: number): Cohort {
  const random = new SeededRandom(seed);
  const sizes = Int32Array.from({ length: groupCount }, () => 5 + random.nextInt(56));
  const count = sizes.reduce((sum, size) => sum + size, 0);
  const trueEffects = Float64Array.from({ length: groupCount }, () => tau * random.nextNormal());
  const outcome = new Float64Array(count);
  const prior1 = new Float64Array(count);
  const prior2 = new Float64Array(count);
  const female = new Float64Array(count);
  const hardship = new Float64Array(count);
  const groupIndex = new Int32Array(count);
  let row = 0;
  for (let group = 0; group < groupCount; group += 1) {
    for (let member = 0; member < sizes[group]; member += 1, row += 1) {
      groupIndex[row] = group;
      prior1[row] = 60 + 12 * random.nextNormal();
      prior2[row] = 0.5 * prior1[row] + 30 + 8 * random.nextNormal();
      female[row] = random.nextUniform() < 0.5 ? 1 : 0;
      hardship[row] = random.nextUniform() < 0.2 ? 1 : 0;
      outcome[row] = 20 + 0.6 * prior1[row] + 0.2 * prior2[row] + 1.5 * female[row] - 2 * hardship[row] + trueEffects[group] + sigma * random.nextNormal();
    }
  }
  return {
    outcome,
    priors: [prior1, prior2],
    covariates: [female, hardship],
    priorNames: ['prior1', 'prior2'],
    covariateNames: ['female', 'hardship'],
    groupIndex,
    groupCount,
    trueEffects,
  };
}

function permuteRows(input: ValueAddedInput, order: Int32Array): ValueAddedInput {
  const take = (column: Float64Array) => Float64Array.from(order, (row) => column[row]);
  return {
    ...input,
    outcome: take(input.outcome),
    priors: input.priors.map(take),
    covariates: (input.covariates ?? []).map(take),
    groupIndex: Int32Array.from(order, (row) => input.groupIndex[row]),
  };
}

function shuffled(count: number, seed: number): Int32Array {
  const random = new SeededRandom(seed);
  const order = Int32Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = random.nextInt(index + 1);
    [order[index], order[other]] = [order[other], order[index]];
  }
  return order;
}

function expectSameGroups(actual: ValueAddedResult, expected: ValueAddedResult, mapGroup: (group: number) => number, tolerance: number) {
  const groupCount = expected.groups.size.length;
  const pick = (values: Float64Array) => Float64Array.from({ length: groupCount }, (_, group) => values[mapGroup(group)]);
  expectAllClose(pick(actual.groups.estimate), expected.groups.estimate, tolerance, 1e-9);
  expectAllClose(pick(actual.groups.standardError), expected.groups.standardError, tolerance);
  expect(Array.from({ length: groupCount }, (_, group) => actual.groups.category[mapGroup(group)])).toEqual(expected.groups.category);
}

describe('estimateValueAdded', () => {
  const cohort = simulateCohort(101, 40, 2.5, 8);

  it('zgain: mean z-gain per group and cohort SD/√n', () => {
    const input: ValueAddedInput = {
      outcome: Float64Array.of(10, 20, 30, 40, 50, 60),
      priors: [Float64Array.of(1, 2, 3, 6, 5, 4)],
      groupIndex: Int32Array.of(0, 0, 0, 1, 1, 1),
      groupCount: 2,
      minGroupSize: 3,
    };
    const result = estimateValueAdded('zgain', input);
    // Group 0: z(y) = z(prior) → values 0; group 1: z(y) − z(prior) = [−1.069, 0, 1.069] (mean 0).
    const zOutcome = [-1.336306, -0.801784, -0.267261, 0.267261, 0.801784, 1.336306];
    const zPrior = [-1.336306, -0.801784, -0.267261, 1.336306, 0.801784, 0.267261];
    const values = zOutcome.map((value, index) => value - zPrior[index]);
    expectAllClose(result.studentValues, values, 1e-5, 1e-9);
    expectClose(result.groups.estimate[0], 0, 1e-12, 1); // floor 1: an absolute 1e-12 check of a zero
    expectClose(result.groups.estimate[1], 0, 1e-12, 1);
    expectClose(result.groups.standardError[1], result.cohortStandardDeviation! / Math.sqrt(3), 1e-14);
    expect(result.groups.category).toEqual(['not_significant', 'not_significant']);
  });

  it('prgain: PR change with mid-ranks', () => {
    const result = estimateValueAdded('prgain', {
      outcome: Float64Array.of(5, 5, 7, 9),
      priors: [Float64Array.of(1, 2, 3, 4)],
      groupIndex: Int32Array.of(0, 1, 0, 1),
      groupCount: 2,
    });
    // PR(outcome) = [25, 25, 62.5, 87.5], PR(prior) = [12.5, 37.5, 62.5, 87.5].
    expectAllClose(result.studentValues, [12.5, -12.5, 0, 0], 1e-14, 1e-12);
    expectAllClose(result.groups.estimate, [6.25, -6.25], 1e-14);
    expect(result.groups.category).toEqual(['insufficient', 'insufficient']);
  });

  it('ols: mean residual with se = σ̂/√n_j', () => {
    const result = estimateValueAdded('ols', cohort);
    const fit = result.leastSquares!;
    expect(fit.terms).toEqual(['(Intercept)', 'prior1', 'prior2', 'female', 'hardship']);
    for (let group = 0; group < cohort.groupCount; group += 1) {
      let sum = 0;
      for (let row = 0; row < cohort.outcome.length; row += 1) if (cohort.groupIndex[row] === group) sum += fit.residuals[row];
      const n = result.groups.size[group];
      expectClose(result.groups.estimate[group], sum / n, 1e-10, 1e-12);
      expectClose(result.groups.standardError[group], fit.residualStandardDeviation / Math.sqrt(n), 1e-14);
      expectClose(result.groups.ciLow[group], result.groups.estimate[group] - 1.96 * result.groups.standardError[group], 1e-14, 1e-12);
    }
  });

  it('multilevel: EB estimate, posterior SE and reliability per group', () => {
    const result = estimateValueAdded('multilevel', cohort);
    const fit = result.randomIntercept!;
    expectAllClose(result.groups.estimate, fit.groupEffects, 1e-15, 1e-15);
    expectAllClose(result.groups.reliability!, fit.reliabilities, 1e-15);
    expect(result.predicted).toBe(fit.fitted);
  });

  it('categorises with the documented rules and minimum size', () => {
    expect(categoriseGroup(9, 0.5, 1, 10)).toBe('insufficient');
    expect(categoriseGroup(10, 0.5, 1, 10)).toBe('above');
    expect(categoriseGroup(10, -1, -0.1, 10)).toBe('below');
    expect(categoriseGroup(10, -1, 0.1, 10)).toBe('not_significant');
    expect(categoriseGroup(10, 0, 1, 10)).toBe('not_significant');
  });

  it('rejects unknown models, no priors and a bad minimum group size', () => {
    const code = (action: () => unknown) => {
      try {
        action();
        return 'no error';
      } catch (error) {
        return (error as ScoringInputError).code;
      }
    };
    expect(code(() => estimateValueAdded('median' as never, cohort))).toBe('INVALID_ARGUMENT');
    expect(code(() => estimateValueAdded('ols', { ...cohort, priors: [] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => estimateValueAdded('ols', { ...cohort, minGroupSize: 0 }))).toBe('INVALID_ARGUMENT');
  });

  describe.each(VALUE_ADDED_MODELS.map((model) => [model]))('invariance of %s', (model) => {
    const base = estimateValueAdded(model, cohort);

    it('does not depend on row order', () => {
      const permuted = estimateValueAdded(model, permuteRows(cohort, shuffled(cohort.outcome.length, 5)));
      // Sums in another order differ by rounding only; the REML optimum is polished to ~1e-12.
      expectSameGroups(permuted, base, (group) => group, 1e-9);
    });

    it('does not depend on how the groups are numbered', () => {
      const relabel = shuffled(cohort.groupCount, 6); // old code g → new code relabel[g]
      const relabelled = estimateValueAdded(model, { ...cohort, groupIndex: Int32Array.from(cohort.groupIndex, (group) => relabel[group]) });
      expectSameGroups(relabelled, base, (group) => relabel[group], 1e-9);
    });

    it('does not change when a constant is added to the outcome', () => {
      const shifted = estimateValueAdded(model, { ...cohort, outcome: Float64Array.from(cohort.outcome, (value) => value + 1234.5) });
      expectSameGroups(shifted, base, (group) => group, 1e-9);
    });
  });
});

describe('seeded simulation: multilevel intervals and shrinkage (25 cohorts × 80 schools)', () => {
  it('covers the true school effects 93–97% of the time and beats raw mean residuals on RMSE', () => {
    let covered = 0;
    let schools = 0;
    let ebSquaredError = 0;
    let rawSquaredError = 0;
    for (let cohortNumber = 0; cohortNumber < 25; cohortNumber += 1) {
      const cohort = simulateCohort(9000 + cohortNumber, 80, 2, 8);
      const multilevel = estimateValueAdded('multilevel', cohort);
      const ols = estimateValueAdded('ols', cohort);
      for (let group = 0; group < cohort.groupCount; group += 1) {
        const truth = cohort.trueEffects[group];
        if (multilevel.groups.ciLow[group] <= truth && truth <= multilevel.groups.ciHigh[group]) covered += 1;
        ebSquaredError += (multilevel.groups.estimate[group] - truth) ** 2;
        rawSquaredError += (ols.groups.estimate[group] - truth) ** 2;
        schools += 1;
      }
    }
    const coverage = covered / schools;
    // 2,000 schools: the binomial SE of a 95% coverage is 0.49 points, so 93–97% is ±4 SE.
    expect(coverage).toBeGreaterThanOrEqual(0.93);
    expect(coverage).toBeLessThanOrEqual(0.97);
    expect(Math.sqrt(ebSquaredError / schools)).toBeLessThan(Math.sqrt(rawSquaredError / schools));
    process.stdout.write(
      `simulation: coverage ${(100 * coverage).toFixed(2)}% of ${schools} schools; RMSE EB ${Math.sqrt(ebSquaredError / schools).toFixed(4)} vs raw ${Math.sqrt(rawSquaredError / schools).toFixed(4)}\n`,
    );
  });
});
