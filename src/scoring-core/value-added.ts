/**
 * School (group) value-added: four models behind one interface, chosen by name.
 */
import { ScoringInputError } from './scoring-input-error';
import { assertFinite, assertLength, countGroups } from './input-checks';
import { describe } from './descriptive-statistics';
import { zScores } from './standardise';
import { percentileRanks } from './percentile-ranks';
import { fitLeastSquares, type LeastSquaresFit } from './least-squares';
import { fitRandomIntercept, type RandomInterceptFit, type VarianceEstimation } from './random-intercept-model';

export const VALUE_ADDED_MODELS = ['zgain', 'prgain', 'ols', 'multilevel'] as const;
export type ValueAddedModelName = (typeof VALUE_ADDED_MODELS)[number];

/** `above`: ci_low > 0; `below`: ci_high < 0; `insufficient`: n_j < minimum group size. */
export type ValueAddedCategory = 'above' | 'below' | 'not_significant' | 'insufficient';

/** Default minimum group size for a category other than `insufficient` (issue 6). */
export const DEFAULT_MIN_GROUP_SIZE = 10;
/** Two-sided 95% normal quantile used for every interval (DfE Progress 8 convention). */
export const CONFIDENCE_MULTIPLIER = 1.96;

export interface ValueAddedInput {
  readonly outcome: Float64Array;
  /** Prior-attainment columns; zgain and prgain use only the first. */
  readonly priors: readonly Float64Array[];
  /** Context covariates; used by ols and multilevel only. */
  readonly covariates?: readonly Float64Array[];
  readonly priorNames?: readonly string[];
  readonly covariateNames?: readonly string[];
  /** Group code of every student, 0..groupCount−1; every code must occur. */
  readonly groupIndex: Int32Array;
  readonly groupCount: number;
  readonly minGroupSize?: number;
  /** Variance-component estimation of `multilevel`; default REML. */
  readonly estimation?: VarianceEstimation;
}

export interface GroupValueAdded {
  readonly size: Int32Array;
  readonly estimate: Float64Array;
  readonly standardError: Float64Array;
  readonly ciLow: Float64Array;
  readonly ciHigh: Float64Array;
  readonly category: readonly ValueAddedCategory[];
  /** multilevel only: λ_j. */
  readonly reliability?: Float64Array;
  /** ols and multilevel: the raw mean residual r̄_j (equal to the estimate for ols). */
  readonly meanResidual?: Float64Array;
}

export interface ValueAddedResult {
  readonly model: ValueAddedModelName;
  readonly minGroupSize: number;
  readonly groups: GroupValueAdded;
  /** Per student: zgain z-gain, prgain PR change, ols residual, multilevel y − x'β̂. */
  readonly studentValues: Float64Array;
  /** ols and multilevel: the fixed-part prediction x'β̂. */
  readonly predicted?: Float64Array;
  /** zgain/prgain: SD (n − 1) of the student values over the cohort. */
  readonly cohortStandardDeviation?: number;
  readonly leastSquares?: LeastSquaresFit;
  readonly randomIntercept?: RandomInterceptFit;
}

/**
 * Estimates every group's value-added with the named model (issue 6, point 2):
 *  - zgain: v_i = z(y)_i − z(prior₁)_i, z within the cohort (sample SD); estimate_j = mean_j v;
 *    se_j = s_v/√n_j with s_v the cohort SD of v.
 *  - prgain: v_i = PR(y)_i − PR(prior₁)_i, PR = 100(mid-rank − 0.5)/N; estimate and se as zgain.
 *  - ols: y ~ 1 + priors + covariates by least squares; v_i = residual; estimate_j = mean_j v;
 *    se_j = σ̂/√n_j, σ̂ = √(RSS/(N − p)).
 *  - multilevel: y ~ 1 + priors + covariates + (1 | group) by REML (or ML); v_i = y_i − x_i'β̂;
 *    estimate_j = û_j = λ_j r̄_j; se_j = √(λ_j σ̂²/n_j); λ_j = τ̂²/(τ̂² + σ̂²/n_j).
 * Every model: ci = estimate ∓ 1.96·se; category `insufficient` if n_j < minGroupSize, else
 * `above` if ci_low > 0, `below` if ci_high < 0, else `not_significant`. Groups below the
 * minimum size still take part in the fit and keep their numbers; only the category says they
 * must not be judged.
 *
 * Assumptions and failures: at least one prior; equal lengths; finite values (drop rows with a
 * missing value first); every group code 0..J−1 occurs; the model-specific errors of
 * zScores, fitLeastSquares and fitRandomIntercept (CONSTANT_COLUMN, RANK_DEFICIENT_DESIGN, …).
 * The result does not depend on row order or on how groups are numbered (tested).
 * Cost: zgain O(N); prgain O(N log N); ols and multilevel O(N·p²).
 * Citation: METHODS.md §3 (DfE residual VA and 1.96σ/√n intervals), §4 (multilevel EB),
 * §8 (标准分法, 百分等级法); Leckie & Goldstein (2017) BERJ 43(2).
 * Example:
 *   estimateValueAdded('multilevel', { outcome, priors: [prior], groupIndex, groupCount })
 *     .groups.category  // ['above', 'not_significant', …]
 */
export function estimateValueAdded(model: ValueAddedModelName, input: ValueAddedInput): ValueAddedResult {
  if (!VALUE_ADDED_MODELS.includes(model)) {
    throw new ScoringInputError('INVALID_ARGUMENT', `unknown value-added model '${String(model)}'; use one of ${VALUE_ADDED_MODELS.join(', ')}`);
  }
  const minGroupSize = input.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  if (!Number.isInteger(minGroupSize) || minGroupSize < 1) {
    throw new ScoringInputError('INVALID_ARGUMENT', `minimum group size must be a positive integer, got ${minGroupSize}`);
  }
  const { outcome, priors, groupIndex, groupCount } = input;
  const covariates = input.covariates ?? [];
  if (priors.length === 0) {
    throw new ScoringInputError('INVALID_ARGUMENT', 'value-added needs at least one prior-attainment column');
  }
  const priorNames = input.priorNames ?? priors.map((_, index) => `prior${index + 1}`);
  const covariateNames = input.covariateNames ?? covariates.map((_, index) => `covariate${index + 1}`);
  const count = outcome.length;
  if (count === 0) throw new ScoringInputError('INSUFFICIENT_DATA', 'no students to score');
  assertFinite(outcome, 'outcome');
  [...priors, ...covariates].forEach((column, index) => {
    const name = [...priorNames, ...covariateNames][index];
    assertLength(column, count, name);
    assertFinite(column, name);
  });
  assertLength(groupIndex, count, 'groupIndex');
  const sizes = countGroups(groupIndex, groupCount);

  if (model === 'zgain' || model === 'prgain') {
    const outcomeScores = model === 'zgain' ? zScores(outcome, 'outcome') : percentileRanks(outcome, 'outcome');
    const priorScores = model === 'zgain' ? zScores(priors[0], priorNames[0]) : percentileRanks(priors[0], priorNames[0]);
    const studentValues = new Float64Array(count);
    for (let row = 0; row < count; row += 1) studentValues[row] = outcomeScores[row] - priorScores[row];
    const cohortStandardDeviation = describe(studentValues, `${model} student values`).standardDeviation;
    const estimate = groupMeans(studentValues, groupIndex, sizes);
    const standardError = new Float64Array(groupCount);
    for (let group = 0; group < groupCount; group += 1) standardError[group] = cohortStandardDeviation / Math.sqrt(sizes[group]);
    return {
      model,
      minGroupSize,
      groups: summariseGroups(sizes, estimate, standardError, minGroupSize),
      studentValues,
      cohortStandardDeviation,
    };
  }

  const predictors = [...priors, ...covariates];
  const predictorNames = [...priorNames, ...covariateNames];
  if (model === 'ols') {
    const fit = fitLeastSquares({ outcome, predictors, predictorNames });
    const estimate = groupMeans(fit.residuals, groupIndex, sizes);
    const standardError = new Float64Array(groupCount);
    for (let group = 0; group < groupCount; group += 1) standardError[group] = fit.residualStandardDeviation / Math.sqrt(sizes[group]);
    return {
      model,
      minGroupSize,
      groups: { ...summariseGroups(sizes, estimate, standardError, minGroupSize), meanResidual: estimate },
      studentValues: fit.residuals,
      predicted: fit.fitted,
      leastSquares: fit,
    };
  }

  const fit = fitRandomIntercept({ outcome, predictors, predictorNames, groupIndex, groupCount, estimation: input.estimation });
  return {
    model,
    minGroupSize,
    groups: {
      ...summariseGroups(sizes, fit.groupEffects, fit.groupEffectStandardErrors, minGroupSize),
      reliability: fit.reliabilities,
      meanResidual: fit.groupMeanResiduals,
    },
    studentValues: fit.residuals,
    predicted: fit.fitted,
    randomIntercept: fit,
  };
}

/**
 * Category of one group: `insufficient` if size < minGroupSize, else `above` if ciLow > 0,
 * `below` if ciHigh < 0, else `not_significant`. O(1).
 * Example: categoriseGroup(25, 0.1, 0.9, 10) === 'above'.
 */
export function categoriseGroup(size: number, ciLow: number, ciHigh: number, minGroupSize: number): ValueAddedCategory {
  if (size < minGroupSize) return 'insufficient';
  if (ciLow > 0) return 'above';
  if (ciHigh < 0) return 'below';
  return 'not_significant';
}

function groupMeans(values: Float64Array, groupIndex: Int32Array, sizes: Int32Array): Float64Array {
  const sums = new Float64Array(sizes.length);
  const compensation = new Float64Array(sizes.length);
  for (let row = 0; row < values.length; row += 1) {
    const group = groupIndex[row];
    const sum = sums[group];
    const value = values[row];
    const total = sum + value;
    compensation[group] += Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
    sums[group] = total;
  }
  for (let group = 0; group < sizes.length; group += 1) sums[group] = (sums[group] + compensation[group]) / sizes[group];
  return sums;
}

function summariseGroups(size: Int32Array, estimate: Float64Array, standardError: Float64Array, minGroupSize: number): GroupValueAdded {
  const groupCount = size.length;
  const ciLow = new Float64Array(groupCount);
  const ciHigh = new Float64Array(groupCount);
  const category: ValueAddedCategory[] = [];
  for (let group = 0; group < groupCount; group += 1) {
    ciLow[group] = estimate[group] - CONFIDENCE_MULTIPLIER * standardError[group];
    ciHigh[group] = estimate[group] + CONFIDENCE_MULTIPLIER * standardError[group];
    category.push(categoriseGroup(size[group], ciLow[group], ciHigh[group], minGroupSize));
  }
  return { size, estimate, standardError, ciLow, ciHigh, category };
}
