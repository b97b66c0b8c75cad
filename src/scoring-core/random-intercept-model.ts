/**
 * The two-level random-intercept model (students i within groups j) by profiled REML or ML.
 */
import { ScoringInputError } from './scoring-input-error';
import { checkRegressionInput, countGroups } from './input-checks';
import { compensatedSum } from './descriptive-statistics';
import { invertUpperTriangular, RANK_TOLERANCE } from './least-squares';
import { minimizeBrent } from './brent-minimize';

export type VarianceEstimation = 'REML' | 'ML';

export interface RandomInterceptInput {
  readonly outcome: Float64Array;
  /** Fixed-effect predictor columns (the intercept is always included). */
  readonly predictors: readonly Float64Array[];
  readonly predictorNames?: readonly string[];
  /** Group code of every row, 0..groupCount−1; every code must occur. */
  readonly groupIndex: Int32Array;
  readonly groupCount: number;
  /** Default 'REML' (lme4's default). */
  readonly estimation?: VarianceEstimation;
}

export interface RandomInterceptFit {
  readonly estimation: VarianceEstimation;
  readonly terms: readonly string[];
  /** Fixed effects β̂ (GLS at the estimated variance ratio), intercept first. */
  readonly coefficients: Float64Array;
  /** √diag σ̂²(XᵀV⁻¹X)⁻¹·σ̂², i.e. lme4's `vcov(fit)`; conditional on the variance components. */
  readonly standardErrors: Float64Array;
  /** Row-major p×p covariance of β̂. */
  readonly covariance: Float64Array;
  /** σ̂², the within-group (student) residual variance. */
  readonly residualVariance: number;
  /** τ̂², the between-group variance of the random intercepts. */
  readonly groupVariance: number;
  /** τ̂²/(τ̂² + σ̂²). */
  readonly intraclassCorrelation: number;
  /** γ̂ = τ̂²/σ̂²; lme4's θ is √γ̂. */
  readonly varianceRatio: number;
  /** −2 × restricted log-likelihood (REML, lme4's "REML criterion") or −2 × log-likelihood (ML). */
  readonly criterion: number;
  /** True when the optimum is on the boundary τ² = 0 (lme4's "singular fit"). */
  readonly boundary: boolean;
  readonly evaluations: number;
  readonly observationCount: number;
  readonly groupCount: number;
  readonly groupSizes: Int32Array;
  /** r̄_j: mean over group j of y − x'β̂ (the raw, unshrunk group residual). */
  readonly groupMeanResiduals: Float64Array;
  /** λ_j = τ²/(τ² + σ²/n_j). */
  readonly reliabilities: Float64Array;
  /** Empirical-Bayes effects (conditional modes) û_j = λ_j·r̄_j (lme4 `ranef`). */
  readonly groupEffects: Float64Array;
  /** √(λ_j σ²/n_j): lme4's `attr(ranef(fit, condVar = TRUE), "postVar")`, square-rooted. */
  readonly groupEffectStandardErrors: Float64Array;
  /** Fixed-part prediction x'β̂ of every row. */
  readonly fitted: Float64Array;
  /** y − x'β̂ of every row (marginal residual, includes the group effect). */
  readonly residuals: Float64Array;
}

/**
 * Fits y_ij = x_ij'β + u_j + e_ij, u_j ~ N(0, τ²), e_ij ~ N(0, σ²), by profiling β and σ² out
 * of the (restricted) likelihood and searching the one remaining parameter θ = √(τ²/σ²).
 *
 * Formulas (METHODS.md §4.2, γ = θ²): with c_j = n_j/(1 + n_jγ), group means a_j = (1, x̄_j, ȳ_j)
 * and within-group cross-products S_w = Σ_ij (z_ij − z̄_j)(z_ij − z̄_j)' of z = (x, y),
 *   M(γ) = [X y]'W[X y] = S_w + Σ_j c_j a_j a_j'          (W = σ²V⁻¹ = I − γ/(1+n_jγ)·11')
 * so XᵀWX, XᵀWy and Q(γ) = yᵀWy − (XᵀWy)ᵀβ̂ come from one Cholesky factor of M(γ):
 * Q is the square of its last pivot and log|XᵀWX| = 2Σ log of the others. Then
 *   REML: −2ℓ_R(γ) = (N−p)[1 + log(2πQ/(N−p))] + Σ_j log(1 + n_jγ) + log|XᵀWX|, σ̂² = Q/(N−p)
 *   ML:   −2ℓ(γ)   =  N   [1 + log(2πQ/N)]     + Σ_j log(1 + n_jγ),               σ̂² = Q/N
 * minimised over θ ∈ [0, 1024] (a grid of powers of two, then Brent between the grid
 * neighbours of the best point; θ = 0 is compared explicitly). τ̂² = γ̂σ̂², Var(β̂) = σ̂²(XᵀWX)⁻¹,
 * λ_j = n_jγ̂/(1 + n_jγ̂), û_j = λ_j r̄_j, Var(u_j | y) = λ_jσ̂²/n_j (conditional on θ̂, β̂, as lme4).
 * All columns are centred at their grand means first (an affine reparametrisation with unit
 * determinant, so the criterion is unchanged) to keep M(γ) well conditioned.
 *
 * Assumptions and failures: equal lengths (DIMENSION_MISMATCH), finite values
 * (NON_FINITE_INPUT), ≥ 2 groups, not every group a singleton, N > p (INSUFFICIENT_DATA),
 * constant predictor (CONSTANT_COLUMN), collinear predictors (RANK_DEFICIENT_DESIGN, same
 * 1e-7 tolerance as least squares), no optimum with θ < 1024 (NOT_CONVERGED).
 * Cost: O(N·p²) for two passes over the rows, then O(J·p²) per criterion evaluation (~60).
 * Citation: Bates, Mächler, Bolker & Walker (2015), "Fitting linear mixed-effects models using
 * lme4", J. Stat. Softw. 67(1), eqs. 34–42 (profiled deviance); Goldstein, Multilevel
 * Statistical Models (4th ed.) §2.6 (shrinkage). Verified against lme4::lmer (REML) and
 * ranef(condVar = TRUE): test/reference/value-added.
 * Example:
 *   fitRandomIntercept({ outcome, predictors: [prior], groupIndex, groupCount: 72 })
 *   → { groupVariance ≈ τ², residualVariance ≈ σ², groupEffects: û_j, … }
 */
export function fitRandomIntercept(input: RandomInterceptInput): RandomInterceptFit {
  const { outcome, predictors, groupIndex, groupCount } = input;
  const estimation = input.estimation ?? 'REML';
  if (estimation !== 'REML' && estimation !== 'ML') {
    throw new ScoringInputError('INVALID_ARGUMENT', `estimation must be 'REML' or 'ML', got '${String(estimation)}'`);
  }
  const observationCount = outcome.length;
  const predictorCount = predictors.length;
  const parameterCount = predictorCount + 1;
  const names = checkRegressionInput(outcome, predictors, input.predictorNames);
  if (groupIndex.length !== observationCount) {
    throw new ScoringInputError('DIMENSION_MISMATCH', `groupIndex has ${groupIndex.length} entries for ${observationCount} rows`);
  }
  const groupSizes = countGroups(groupIndex, groupCount);
  if (groupCount < 2) {
    throw new ScoringInputError('INSUFFICIENT_DATA', 'a random-intercept model needs at least 2 groups; use least squares for one group', { groupCount });
  }
  if (groupCount >= observationCount) {
    throw new ScoringInputError(
      'INSUFFICIENT_DATA',
      'every group has a single student, so group and student variance cannot be told apart; use larger groups',
      { groupCount, observationCount },
    );
  }
  if (observationCount <= parameterCount) {
    throw new ScoringInputError('INSUFFICIENT_DATA', `${parameterCount} fixed effects need more than ${parameterCount} rows`, { observationCount });
  }

  // z = (x_1..x_k, y) centred at grand means; width = k + 1.
  const width = predictorCount + 1;
  const columns: Float64Array[] = [...predictors, outcome];
  const grandMeans = new Float64Array(width);
  const groupMeans = new Float64Array(groupCount * width);
  for (let column = 0; column < width; column += 1) {
    const values = columns[column];
    const grandMean = compensatedSum(values) / observationCount;
    grandMeans[column] = grandMean;
    for (let row = 0; row < observationCount; row += 1) {
      groupMeans[groupIndex[row] * width + column] += values[row] - grandMean;
    }
  }
  for (let group = 0; group < groupCount; group += 1) {
    for (let column = 0; column < width; column += 1) groupMeans[group * width + column] /= groupSizes[group];
  }
  // Within-group cross-products (upper triangle, row-major width×width), accumulated over
  // blocks of rows: deviations of a block go to a small scratch matrix, then one dot product
  // per column pair. Sequential access, no N-sized temporaries. O(N·width²).
  const within = new Float64Array(width * width);
  const rawSquares = new Float64Array(width);
  const blockRows = 512;
  const scratch = columns.map(() => new Float64Array(blockRows));
  for (let blockStart = 0; blockStart < observationCount; blockStart += blockRows) {
    const rows = Math.min(blockRows, observationCount - blockStart);
    for (let column = 0; column < width; column += 1) {
      const values = columns[column];
      const grandMean = grandMeans[column];
      const deviation = scratch[column];
      let squares = 0;
      for (let row = 0; row < rows; row += 1) {
        const value = values[blockStart + row];
        squares += value * value;
        deviation[row] = value - grandMean - groupMeans[groupIndex[blockStart + row] * width + column];
      }
      rawSquares[column] += squares;
    }
    for (let i = 0; i < width; i += 1) {
      const left = scratch[i];
      for (let j = i; j < width; j += 1) {
        const right = scratch[j];
        let sum = 0;
        for (let row = 0; row < rows; row += 1) sum += left[row] * right[row];
        within[i * width + j] += sum;
      }
    }
  }

  // M(γ) has size m = p + 1: index 0 intercept, 1..k predictors, k+1 outcome.
  const size = parameterCount + 1;
  const matrix = new Float64Array(size * size);
  const logGroupSizeTerm = (gamma: number): number => {
    let sum = 0;
    for (let group = 0; group < groupCount; group += 1) sum += Math.log1p(groupSizes[group] * gamma);
    return sum;
  };
  /** Fills `matrix` with the Cholesky factor (upper, M = UᵀU) of M(γ); returns false if not positive definite. */
  const factor = (gamma: number, checkRank: boolean): boolean => {
    matrix.fill(0);
    for (let i = 0; i < width; i += 1) {
      for (let j = i; j < width; j += 1) matrix[(i + 1) * size + (j + 1)] = within[i * width + j];
    }
    for (let group = 0; group < groupCount; group += 1) {
      const n = groupSizes[group];
      const weight = n / (1 + n * gamma);
      const offset = group * width;
      matrix[0] += weight;
      for (let i = 0; i < width; i += 1) {
        const weighted = weight * groupMeans[offset + i];
        matrix[i + 1] += weighted;
        for (let j = i; j < width; j += 1) matrix[(i + 1) * size + (j + 1)] += weighted * groupMeans[offset + j];
      }
    }
    return choleskyUpperInPlace(matrix, size, checkRank ? parameterCount : 0, names);
  };

  // Rank and constant-column checks on XᵀX (γ = 0), before any search.
  for (let column = 0; column < predictorCount; column += 1) {
    const values = predictors[column];
    const first = values[0];
    let isConstant = true;
    for (let row = 1; row < observationCount && isConstant; row += 1) isConstant = values[row] === first;
    if (isConstant) {
      throw new ScoringInputError(
        'CONSTANT_COLUMN',
        `predictor '${names[column]}' has the same value (${first}) for every student; drop it, the intercept already covers a constant`,
        { predictor: names[column] },
      );
    }
  }
  for (let column = 0; column < predictorCount; column += 1) {
    let centredSquares = within[column * width + column];
    for (let group = 0; group < groupCount; group += 1) {
      const value = groupMeans[group * width + column];
      centredSquares += groupSizes[group] * value * value;
    }
    if (centredSquares <= RANK_TOLERANCE * RANK_TOLERANCE * rawSquares[column]) {
      throw new ScoringInputError(
        'RANK_DEFICIENT_DESIGN',
        `predictor '${names[column]}' is (almost) a linear combination of (Intercept); drop it`,
        { predictor: names[column], collinearWith: ['(Intercept)'] },
      );
    }
  }
  factor(0, true);

  const residualDegrees = estimation === 'REML' ? observationCount - parameterCount : observationCount;
  const criterionAt = (theta: number): number => {
    const gamma = theta * theta;
    if (!factor(gamma, false)) return Infinity;
    const lastPivot = matrix[size * size - 1];
    const quadratic = lastPivot * lastPivot;
    let value = residualDegrees * (1 + Math.log((2 * Math.PI * quadratic) / residualDegrees)) + logGroupSizeTerm(gamma);
    if (estimation === 'REML') {
      for (let i = 0; i < parameterCount; i += 1) value += 2 * Math.log(Math.abs(matrix[i * size + i]));
    }
    return value;
  };

  /**
   * d(criterion)/dγ. With c_j = n_j/(1+n_jγ), dc_j/dγ = −c_j², r̄_j the group mean GLS residual
   * and ã_j = (1, x̄_j): dQ/dγ = −Σ c_j² r̄_j² (envelope theorem), d log|XᵀWX|/dγ =
   * −Σ c_j² ã_jᵀ(XᵀWX)⁻¹ã_j, d Σ log(1+n_jγ)/dγ = Σ c_j. Then
   * REML: (N−p)Q'/Q + Σ c_j + d log|XᵀWX|/dγ;  ML: N·Q'/Q + Σ c_j.
   */
  const solved = new Float64Array(parameterCount);
  const derivativeAt = (gamma: number): number => {
    if (!factor(gamma, false)) return NaN;
    const lastPivot = matrix[size * size - 1];
    const quadratic = lastPivot * lastPivot;
    // β_c = U_A⁻¹ u, u = the column of U above the last pivot (back substitution).
    for (let i = parameterCount - 1; i >= 0; i -= 1) {
      let value = matrix[i * size + parameterCount];
      for (let j = i + 1; j < parameterCount; j += 1) value -= matrix[i * size + j] * solved[j];
      solved[i] = value / matrix[i * size + i];
    }
    let quadraticSlope = 0;
    let logDeterminantSlope = 0;
    let sizeTerm = 0;
    for (let group = 0; group < groupCount; group += 1) {
      const n = groupSizes[group];
      const weight = n / (1 + n * gamma);
      const offset = group * width;
      sizeTerm += weight;
      let meanResidual = groupMeans[offset + predictorCount] - solved[0];
      for (let k = 0; k < predictorCount; k += 1) meanResidual -= solved[k + 1] * groupMeans[offset + k];
      quadraticSlope -= weight * weight * meanResidual * meanResidual;
      if (estimation === 'REML') {
        // ‖U_A⁻ᵀ ã_j‖² by forward substitution with Uᵀ.
        let norm = 0;
        for (let i = 0; i < parameterCount; i += 1) {
          let value = i === 0 ? 1 : groupMeans[offset + i - 1];
          for (let m = 0; m < i; m += 1) value -= matrix[m * size + i] * forward[m];
          forward[i] = value / matrix[i * size + i];
          norm += forward[i] * forward[i];
        }
        logDeterminantSlope -= weight * weight * norm;
      }
    }
    return (residualDegrees * quadraticSlope) / quadratic + sizeTerm + logDeterminantSlope;
  };
  const forward = new Float64Array(parameterCount);

  // Coarse grid θ ∈ {0, 2⁻¹⁰, …, 2¹⁰}, then Brent between the neighbours of the best point.
  const grid = [0];
  for (let exponent = -10; exponent <= 10; exponent += 1) grid.push(2 ** exponent);
  const gridValues = grid.map(criterionAt);
  let best = 0;
  for (let index = 1; index < grid.length; index += 1) if (gridValues[index] < gridValues[best]) best = index;
  if (best === grid.length - 1) {
    throw new ScoringInputError(
      'NOT_CONVERGED',
      'the group variance looks unbounded (τ/σ > 1000); check the grouping column and the outcome',
      { theta: grid[best] },
    );
  }
  const lowerTheta = grid[Math.max(0, best - 1)];
  const upperTheta = grid[best + 1];
  const search = minimizeBrent(criterionAt, lowerTheta, upperTheta, 1e-14);
  let theta = search.argument;
  let criterion = search.value;
  let evaluations = grid.length + search.evaluations;
  const atZero = gridValues[0];
  if (atZero <= criterion) {
    theta = 0;
    criterion = atZero;
  }
  if (!Number.isFinite(criterion)) {
    throw new ScoringInputError('NOT_CONVERGED', 'the likelihood is not finite anywhere; the outcome may be fitted exactly by the predictors');
  }

  // Polish: the minimiser of f is only located to ≈ √ε relative (f is flat at its minimum),
  // so solve f'(γ) = 0 by bisection on the analytic derivative, which is located to ≈ ε·f'/f''.
  let gamma = theta * theta;
  if (gamma > 0) {
    let lowGamma = gamma * (1 - 1e-3);
    let highGamma = gamma * (1 + 1e-3);
    let widenings = 0;
    while ((derivativeAt(lowGamma) >= 0 || derivativeAt(highGamma) <= 0) && widenings < 6) {
      lowGamma = Math.max(lowerTheta * lowerTheta, gamma - (gamma - lowGamma) * 4);
      highGamma = Math.min(upperTheta * upperTheta, gamma + (highGamma - gamma) * 4);
      widenings += 1;
      evaluations += 2;
    }
    if (derivativeAt(lowGamma) < 0 && derivativeAt(highGamma) > 0) {
      for (let iteration = 0; iteration < 80 && highGamma - lowGamma > 4 * Number.EPSILON * highGamma; iteration += 1) {
        const middle = (lowGamma + highGamma) / 2;
        if (derivativeAt(middle) > 0) highGamma = middle;
        else lowGamma = middle;
        evaluations += 1;
      }
      const polished = (lowGamma + highGamma) / 2;
      const polishedCriterion = criterionAt(Math.sqrt(polished));
      // Keep the polished root unless it is clearly worse (beyond rounding) than Brent's point.
      if (polishedCriterion <= criterion + 1e-9 * Math.abs(criterion)) {
        gamma = polished;
        theta = Math.sqrt(polished);
        criterion = polishedCriterion;
      }
    }
  }
  factor(gamma, false);
  evaluations += 1;
  const lastPivot = matrix[size * size - 1];
  const residualVariance = (lastPivot * lastPivot) / residualDegrees;
  const groupVariance = gamma * residualVariance;

  // β_c = U_A⁻¹ (last column of U above the pivot); Var(β_c) = σ² U_A⁻¹U_A⁻ᵀ.
  const upperA = new Float64Array(parameterCount * parameterCount);
  for (let i = 0; i < parameterCount; i += 1) {
    for (let j = i; j < parameterCount; j += 1) upperA[i * parameterCount + j] = matrix[i * size + j];
  }
  const inverseUpper = invertUpperTriangular(upperA, parameterCount);
  const centredCoefficients = new Float64Array(parameterCount);
  for (let i = 0; i < parameterCount; i += 1) {
    let sum = 0;
    for (let j = i; j < parameterCount; j += 1) sum += inverseUpper[i * parameterCount + j] * matrix[j * size + parameterCount];
    centredCoefficients[i] = sum;
  }
  const centredCovariance = new Float64Array(parameterCount * parameterCount);
  for (let i = 0; i < parameterCount; i += 1) {
    for (let j = i; j < parameterCount; j += 1) {
      let sum = 0;
      for (let m = j; m < parameterCount; m += 1) sum += inverseUpper[i * parameterCount + m] * inverseUpper[j * parameterCount + m];
      centredCovariance[i * parameterCount + j] = residualVariance * sum;
      centredCovariance[j * parameterCount + i] = residualVariance * sum;
    }
  }
  // Back to the original parametrisation: β₀ = ȳ + β₀c − x̄'β, i.e. β = Tβ_c with T = [[1, −x̄'], [0, I]].
  const transform = new Float64Array(parameterCount * parameterCount);
  for (let i = 0; i < parameterCount; i += 1) transform[i * parameterCount + i] = 1;
  for (let k = 0; k < predictorCount; k += 1) transform[k + 1] = -grandMeans[k];
  const coefficients = new Float64Array(parameterCount);
  for (let i = 0; i < parameterCount; i += 1) {
    let sum = 0;
    for (let j = 0; j < parameterCount; j += 1) sum += transform[i * parameterCount + j] * centredCoefficients[j];
    coefficients[i] = sum;
  }
  coefficients[0] += grandMeans[predictorCount];
  const covariance = new Float64Array(parameterCount * parameterCount);
  for (let i = 0; i < parameterCount; i += 1) {
    for (let j = 0; j < parameterCount; j += 1) {
      let sum = 0;
      for (let a = 0; a < parameterCount; a += 1) {
        const left = transform[i * parameterCount + a];
        if (left === 0) continue;
        for (let b = 0; b < parameterCount; b += 1) sum += left * centredCovariance[a * parameterCount + b] * transform[j * parameterCount + b];
      }
      covariance[i * parameterCount + j] = sum;
    }
  }
  const standardErrors = new Float64Array(parameterCount);
  for (let i = 0; i < parameterCount; i += 1) standardErrors[i] = Math.sqrt(covariance[i * parameterCount + i]);

  // Group effects from group means of the centred columns: r̄_j = ȳ_j − β₀c − x̄_j'β.
  const groupMeanResiduals = new Float64Array(groupCount);
  const reliabilities = new Float64Array(groupCount);
  const groupEffects = new Float64Array(groupCount);
  const groupEffectStandardErrors = new Float64Array(groupCount);
  for (let group = 0; group < groupCount; group += 1) {
    const offset = group * width;
    let meanResidual = groupMeans[offset + predictorCount] - centredCoefficients[0];
    for (let k = 0; k < predictorCount; k += 1) meanResidual -= centredCoefficients[k + 1] * groupMeans[offset + k];
    const n = groupSizes[group];
    const reliability = (n * gamma) / (1 + n * gamma);
    groupMeanResiduals[group] = meanResidual;
    reliabilities[group] = reliability;
    groupEffects[group] = reliability * meanResidual;
    groupEffectStandardErrors[group] = Math.sqrt((reliability * residualVariance) / n);
  }

  const fitted = new Float64Array(observationCount);
  const residuals = new Float64Array(observationCount);
  const baseline = grandMeans[predictorCount] + centredCoefficients[0];
  fitted.fill(baseline);
  for (let k = 0; k < predictorCount; k += 1) {
    const values = predictors[k];
    const slope = centredCoefficients[k + 1];
    const columnMean = grandMeans[k];
    for (let row = 0; row < observationCount; row += 1) fitted[row] += slope * (values[row] - columnMean);
  }
  for (let row = 0; row < observationCount; row += 1) residuals[row] = outcome[row] - fitted[row];

  return {
    estimation,
    terms: ['(Intercept)', ...names],
    coefficients,
    standardErrors,
    covariance,
    residualVariance,
    groupVariance,
    intraclassCorrelation: groupVariance / (groupVariance + residualVariance),
    varianceRatio: gamma,
    criterion,
    boundary: theta === 0,
    evaluations,
    observationCount,
    groupCount,
    groupSizes,
    groupMeanResiduals,
    reliabilities,
    groupEffects,
    groupEffectStandardErrors,
    fitted,
    residuals,
  };
}

/**
 * In-place Cholesky M = UᵀU of a row-major symmetric matrix given by its upper triangle.
 * Returns false on a non-positive pivot. With rankColumns > 0 the first rankColumns pivots are
 * also tested against RANK_TOLERANCE² × their diagonal (the QR rank rule in squared form) and a
 * RANK_DEFICIENT_DESIGN error names the offending predictor.
 */
function choleskyUpperInPlace(matrix: Float64Array, size: number, rankColumns: number, names: readonly string[]): boolean {
  for (let i = 0; i < size; i += 1) {
    const diagonal = matrix[i * size + i];
    let pivot = diagonal;
    for (let m = 0; m < i; m += 1) pivot -= matrix[m * size + i] * matrix[m * size + i];
    if (i < rankColumns && i > 0 && pivot <= RANK_TOLERANCE * RANK_TOLERANCE * diagonal) {
      const name = names[i - 1];
      throw new ScoringInputError(
        'RANK_DEFICIENT_DESIGN',
        `predictor '${name}' is (almost) a linear combination of (Intercept), ${names.slice(0, i - 1).join(', ')}; drop it or one of those columns`,
        { predictor: name, collinearWith: ['(Intercept)', ...names.slice(0, i - 1)] },
      );
    }
    if (!(pivot > 0)) return false;
    const root = Math.sqrt(pivot);
    matrix[i * size + i] = root;
    for (let j = i + 1; j < size; j += 1) {
      let value = matrix[i * size + j];
      for (let m = 0; m < i; m += 1) value -= matrix[m * size + i] * matrix[m * size + j];
      matrix[i * size + j] = value / root;
    }
  }
  return true;
}
