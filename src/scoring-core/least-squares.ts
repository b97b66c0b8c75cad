/**
 * Ordinary least squares with an intercept, by Householder QR on centred data.
 */
import { ScoringInputError } from './scoring-input-error';
import { checkRegressionInput } from './input-checks';
import { compensatedSum } from './descriptive-statistics';

/**
 * Relative tolerance for rank deficiency: a column whose part orthogonal to the earlier
 * columns has norm below this fraction of its own norm is treated as a linear combination of
 * them. Same default as R's lm (`tol = 1e-07` in lm.fit / LINPACK dqrdc2).
 */
export const RANK_TOLERANCE = 1e-7;

export interface LeastSquaresInput {
  readonly outcome: Float64Array;
  /** Predictor columns (no intercept column: the intercept is always included). */
  readonly predictors: readonly Float64Array[];
  /** Names for messages and reports; defaults to x1, x2, … */
  readonly predictorNames?: readonly string[];
}

export interface LeastSquaresFit {
  /** ['(Intercept)', ...predictorNames]. */
  readonly terms: readonly string[];
  /** β̂ for the intercept then each predictor. */
  readonly coefficients: Float64Array;
  readonly standardErrors: Float64Array;
  /** Row-major (p × p) covariance of β̂: σ̂²(XᵀX)⁻¹. */
  readonly covariance: Float64Array;
  readonly fitted: Float64Array;
  readonly residuals: Float64Array;
  readonly residualSumOfSquares: number;
  /** σ̂ = √(RSS/(N − p)) (R `sigma(fit)`). */
  readonly residualStandardDeviation: number;
  readonly rSquared: number;
  readonly residualDegreesOfFreedom: number;
  readonly observationCount: number;
}

/**
 * Fits y = β₀ + Σ_k β_k x_k + e by least squares.
 *
 * Method: centre y and every x_k at their (compensated) means and factor the centred N×(k+1)
 * matrix [Xc yc] = QR by Householder reflections, applied block by block so the N-row matrix
 * is never copied (householderTriangularize). Then Rβ = (Qᵀyc)₁..k, β₀ = ȳ − x̄ᵀβ,
 * RSS = R_{k+1,k+1}², σ̂² = RSS/(N − k − 1), R² = 1 − RSS/Σ(y − ȳ)².
 * Var(β) = σ̂²R⁻¹R⁻ᵀ, Var(β₀) = σ̂²(1/N + x̄ᵀR⁻¹R⁻ᵀx̄), Cov(β₀, β) = −σ̂²R⁻¹R⁻ᵀx̄.
 * Centring removes the intercept's collinearity with level-shifted predictors (Longley's Year),
 * and QR never squares the condition number as the normal equations do.
 *
 * Assumptions and failures: equal lengths (DIMENSION_MISMATCH), finite values
 * (NON_FINITE_INPUT), N > k + 1 (INSUFFICIENT_DATA), no constant predictor (CONSTANT_COLUMN),
 * no predictor within RANK_TOLERANCE of the span of the intercept and earlier predictors
 * (RANK_DEFICIENT_DESIGN; R's lm would drop it and report NA instead).
 * Cost: O(N·k²) time; O(N) extra memory (fitted values and residuals).
 * Citation: Golub & Van Loan, Matrix Computations (4th ed.) §5.2.1 and §5.3.3; R `lm`
 * (LINPACK dqrdc2/dqrls); checked against NIST StRD Longley certified values.
 * Example:
 *   fitLeastSquares({ outcome: Float64Array.of(1, 3, 5, 7.5), predictors: [Float64Array.of(0, 1, 2, 3)] })
 *   → coefficients ≈ [0.9, 2.15], residualStandardDeviation ≈ 0.1936 (RSS 0.075, 2 df)
 */
export function fitLeastSquares(input: LeastSquaresInput): LeastSquaresFit {
  const { outcome, predictors } = input;
  const observationCount = outcome.length;
  const predictorCount = predictors.length;
  const names = checkRegressionInput(outcome, predictors, input.predictorNames);
  const parameterCount = predictorCount + 1;
  const residualDegreesOfFreedom = observationCount - parameterCount;
  if (residualDegreesOfFreedom < 1) {
    throw new ScoringInputError(
      'INSUFFICIENT_DATA',
      `least squares with ${parameterCount} coefficients needs more than ${parameterCount} rows, got ${observationCount}`,
      { observationCount, parameterCount },
    );
  }

  const outcomeMean = compensatedSum(outcome) / observationCount;
  const predictorMeans = new Float64Array(predictorCount);
  const centredNorms = new Float64Array(predictorCount);
  for (let column = 0; column < predictorCount; column += 1) {
    const values = predictors[column];
    const columnMean = compensatedSum(values) / observationCount;
    predictorMeans[column] = columnMean;
    let sumOfSquares = 0;
    let rawSumOfSquares = 0;
    let isConstant = true;
    const first = values[0];
    for (let row = 0; row < observationCount; row += 1) {
      const value = values[row];
      if (value !== first) isConstant = false;
      const deviation = value - columnMean;
      sumOfSquares += deviation * deviation;
      rawSumOfSquares += value * value;
    }
    if (isConstant) {
      throw new ScoringInputError(
        'CONSTANT_COLUMN',
        `predictor '${names[column]}' has the same value (${first}) for every student; drop it, the intercept already covers a constant`,
        { predictor: names[column] },
      );
    }
    const norm = Math.sqrt(sumOfSquares);
    if (norm <= RANK_TOLERANCE * Math.sqrt(rawSumOfSquares)) {
      throw rankDeficient(names[column], ['(Intercept)']);
    }
    centredNorms[column] = norm;
  }
  let totalSumOfSquares = 0;
  for (let row = 0; row < observationCount; row += 1) {
    const deviation = outcome[row] - outcomeMean;
    totalSumOfSquares += deviation * deviation;
  }

  const augmented = householderTriangularize([...predictors, outcome], [...predictorMeans, outcomeMean]);
  const width = predictorCount + 1;
  // Rank: |R_jj| is the norm of column j's part orthogonal to the intercept and columns < j.
  for (let step = 0; step < predictorCount; step += 1) {
    if (Math.abs(augmented[step * width + step]) <= RANK_TOLERANCE * centredNorms[step]) {
      throw rankDeficient(names[step], ['(Intercept)', ...names.slice(0, step)]);
    }
  }
  const upper = new Float64Array(predictorCount * predictorCount);
  for (let i = 0; i < predictorCount; i += 1) {
    for (let j = i; j < predictorCount; j += 1) upper[i * predictorCount + j] = augmented[i * width + j];
  }

  // Back substitution Rβ = (Qᵀy)₁..k (the last column of the augmented R); RSS = R_yy².
  const slopes = new Float64Array(predictorCount);
  for (let row = predictorCount - 1; row >= 0; row -= 1) {
    let value = augmented[row * width + predictorCount];
    for (let later = row + 1; later < predictorCount; later += 1) value -= upper[row * predictorCount + later] * slopes[later];
    slopes[row] = value / upper[row * predictorCount + row];
  }
  const lastPivot = augmented[width * width - 1];
  const residualSumOfSquares = lastPivot * lastPivot;
  const residualVariance = residualSumOfSquares / residualDegreesOfFreedom;

  const inverseUpper = invertUpperTriangular(upper, predictorCount);
  // unscaled = R⁻¹R⁻ᵀ = (XcᵀXc)⁻¹
  const unscaled = new Float64Array(predictorCount * predictorCount);
  for (let i = 0; i < predictorCount; i += 1) {
    for (let j = i; j < predictorCount; j += 1) {
      let sum = 0;
      for (let m = j; m < predictorCount; m += 1) sum += inverseUpper[i * predictorCount + m] * inverseUpper[j * predictorCount + m];
      unscaled[i * predictorCount + j] = sum;
      unscaled[j * predictorCount + i] = sum;
    }
  }
  const covariance = new Float64Array(parameterCount * parameterCount);
  let interceptVariance = 1 / observationCount;
  for (let i = 0; i < predictorCount; i += 1) {
    let crossTerm = 0;
    for (let j = 0; j < predictorCount; j += 1) {
      const value = unscaled[i * predictorCount + j];
      covariance[(i + 1) * parameterCount + (j + 1)] = residualVariance * value;
      crossTerm += value * predictorMeans[j];
    }
    covariance[i + 1] = -residualVariance * crossTerm;
    covariance[(i + 1) * parameterCount] = -residualVariance * crossTerm;
    interceptVariance += predictorMeans[i] * crossTerm;
  }
  covariance[0] = residualVariance * interceptVariance;

  const coefficients = new Float64Array(parameterCount);
  let intercept = outcomeMean;
  for (let k = 0; k < predictorCount; k += 1) {
    coefficients[k + 1] = slopes[k];
    intercept -= predictorMeans[k] * slopes[k];
  }
  coefficients[0] = intercept;
  const standardErrors = new Float64Array(parameterCount);
  for (let k = 0; k < parameterCount; k += 1) standardErrors[k] = Math.sqrt(covariance[k * parameterCount + k]);

  // Fitted values from the centred form ȳ + Σβ_k(x_k − x̄_k): no cancellation against β₀.
  const fitted = new Float64Array(observationCount);
  const residuals = new Float64Array(observationCount);
  fitted.fill(outcomeMean);
  for (let k = 0; k < predictorCount; k += 1) {
    const values = predictors[k];
    const slope = slopes[k];
    const columnMean = predictorMeans[k];
    for (let row = 0; row < observationCount; row += 1) fitted[row] += slope * (values[row] - columnMean);
  }
  for (let row = 0; row < observationCount; row += 1) residuals[row] = outcome[row] - fitted[row];

  return {
    terms: ['(Intercept)', ...names],
    coefficients,
    standardErrors,
    covariance,
    fitted,
    residuals,
    residualSumOfSquares,
    residualStandardDeviation: Math.sqrt(residualVariance),
    // Intercept-only: R² is 0 by definition (RSS = TSS up to rounding).
    rSquared: predictorCount > 0 && totalSumOfSquares > 0 ? 1 - residualSumOfSquares / totalSumOfSquares : 0,
    residualDegreesOfFreedom,
    observationCount,
  };
}

function rankDeficient(name: string, earlier: readonly string[]): ScoringInputError {
  return new ScoringInputError(
    'RANK_DEFICIENT_DESIGN',
    `predictor '${name}' is (almost) a linear combination of ${earlier.join(', ')}; drop it or one of those columns`,
    { predictor: name, collinearWith: earlier },
  );
}

/** Inverse of a row-major upper-triangular n×n matrix (itself upper triangular). O(n³). */
export function invertUpperTriangular(upper: Float64Array, size: number): Float64Array {
  const inverse = new Float64Array(size * size);
  for (let column = size - 1; column >= 0; column -= 1) {
    inverse[column * size + column] = 1 / upper[column * size + column];
    for (let row = column - 1; row >= 0; row -= 1) {
      let sum = 0;
      for (let m = row + 1; m <= column; m += 1) sum += upper[row * size + m] * inverse[m * size + column];
      inverse[row * size + column] = -sum / upper[row * size + row];
    }
  }
  return inverse;
}

/** Rows per block of the blocked Householder QR: the block stays in L1/L2 cache. */
const QR_BLOCK_ROWS = 512;

/**
 * R factor (row-major, q×q upper triangular, q = columns.length) of the N×q matrix whose
 * column c is columns[c] − shifts[c], by Householder QR applied block by block: R ← qr([R; B])
 * for successive blocks B of QR_BLOCK_ROWS rows. Each reflection is an ordinary Householder
 * reflection of the stacked matrix (the zeros below R's diagonal are skipped), so the result
 * is a Householder QR of the whole matrix up to the signs of R's rows, without copying the
 * N×q matrix. With y as the last column, R's last column holds Qᵀy and R_qq² is the RSS.
 * Cost: O(N·q²) time, O(q·block) memory. Citation: Golub & Van Loan (4th ed.) §5.2.1 and
 * §5.6 (updating QR); Demmel, Grigori, Hoemmen & Langou (2012) SIAM J. Sci. Comput. 34(1)
 * (TSQR).
 */
function householderTriangularize(columns: readonly Float64Array[], shifts: ArrayLike<number>): Float64Array {
  const width = columns.length;
  const observationCount = columns[0].length;
  const upper = new Float64Array(width * width);
  const block = columns.map(() => new Float64Array(QR_BLOCK_ROWS));
  for (let blockStart = 0; blockStart < observationCount; blockStart += QR_BLOCK_ROWS) {
    const blockRows = Math.min(QR_BLOCK_ROWS, observationCount - blockStart);
    for (let column = 0; column < width; column += 1) {
      const values = columns[column];
      const target = block[column];
      const shift = shifts[column];
      for (let row = 0; row < blockRows; row += 1) target[row] = values[blockStart + row] - shift;
    }
    for (let step = 0; step < width; step += 1) {
      const pivotColumn = block[step];
      let blockSquares = 0;
      for (let row = 0; row < blockRows; row += 1) blockSquares += pivotColumn[row] * pivotColumn[row];
      if (blockSquares === 0) continue; // nothing below the diagonal to annihilate
      const pivot = upper[step * width + step];
      const norm = Math.sqrt(pivot * pivot + blockSquares);
      const alpha = pivot >= 0 ? -norm : norm;
      const head = pivot - alpha; // v = (head at row `step`, pivotColumn in the block rows)
      const vNormSquared = 2 * norm * (norm + Math.abs(pivot));
      for (let later = step + 1; later < width; later += 1) {
        const target = block[later];
        let dot = head * upper[step * width + later];
        for (let row = 0; row < blockRows; row += 1) dot += pivotColumn[row] * target[row];
        const factor = (2 * dot) / vNormSquared;
        upper[step * width + later] -= factor * head;
        for (let row = 0; row < blockRows; row += 1) target[row] -= factor * pivotColumn[row];
      }
      upper[step * width + step] = alpha;
    }
  }
  return upper;
}
