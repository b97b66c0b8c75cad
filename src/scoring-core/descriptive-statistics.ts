/**
 * Descriptive statistics with compensated (Neumaier) summation, so that means and variances of
 * a million scores keep full double precision regardless of order.
 */
import { ScoringInputError } from './scoring-input-error';
import { assertFinite } from './input-checks';

/**
 * Sum of `values` by Neumaier's improved Kahan–Babuška summation.
 *
 * Formula: s ← s + x with the rounding error (s − t) + x or (x − t) + s carried in a
 * compensation term c; result s + c. Error bound ≈ 2ε·Σ|x| independent of n (vs n·ε naive).
 * Assumptions: finite values (NaN/Infinity propagate). Cost: O(n), 4 flops a value.
 * Citation: Neumaier (1974), ZAMM 54:39–51; same algorithm as Python's math.fsum fallback.
 * Example: compensatedSum(Float64Array.of(1e100, 1, -1e100)) === 1.
 */
export function compensatedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    const total = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
    sum = total;
  }
  return sum + compensation;
}

/**
 * Arithmetic mean Σx/n with a compensated sum.
 * Throws INSUFFICIENT_DATA for an empty input. Cost O(n). Citation: R `mean`.
 * Example: mean(Float64Array.of(1, 2, 3, 4)) === 2.5.
 */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) {
    throw new ScoringInputError('INSUFFICIENT_DATA', 'the mean of no values is undefined; supply at least one value');
  }
  return compensatedSum(values) / values.length;
}

export interface Description {
  readonly count: number;
  readonly mean: number;
  /** Sample variance with divisor n − 1 (R `var`). */
  readonly variance: number;
  /** √variance (R `sd`). */
  readonly standardDeviation: number;
  readonly minimum: number;
  readonly maximum: number;
}

/**
 * Count, mean, sample variance, SD, minimum and maximum in two passes.
 *
 * Formula: x̄ = Σx/n; s² = [Σ(x − x̄)² − (Σ(x − x̄))²/n]/(n − 1) (the corrected two-pass
 * algorithm; the second term removes the rounding error left in x̄), both sums compensated.
 * Assumptions: n ≥ 2 and finite values, else INSUFFICIENT_DATA / NON_FINITE_INPUT.
 * Cost: O(n). Citation: Chan, Golub & LeVeque (1983), Am. Stat. 37:242–247, eq. 1.7; R `var`.
 * Example: describe(Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9)) → mean 5, variance 32/7.
 */
export function describe(values: ArrayLike<number>, name = 'values'): Description {
  const count = values.length;
  if (count < 2) {
    throw new ScoringInputError('INSUFFICIENT_DATA', `${name} needs at least 2 values for a variance, got ${count}`, { count });
  }
  assertFinite(values, name);
  const average = mean(values);
  let squares = 0;
  let squaresCompensation = 0;
  let deviations = 0;
  let deviationsCompensation = 0;
  let minimum = Infinity;
  let maximum = -Infinity;
  for (let index = 0; index < count; index += 1) {
    const value = values[index];
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
    const deviation = value - average;
    let total = deviations + deviation;
    deviationsCompensation += Math.abs(deviations) >= Math.abs(deviation) ? deviations - total + deviation : deviation - total + deviations;
    deviations = total;
    const square = deviation * deviation;
    total = squares + square;
    squaresCompensation += squares >= square ? squares - total + square : square - total + squares;
    squares = total;
  }
  const sumOfDeviations = deviations + deviationsCompensation;
  const sumOfSquares = squares + squaresCompensation;
  const variance = Math.max(0, (sumOfSquares - (sumOfDeviations * sumOfDeviations) / count) / (count - 1));
  return { count, mean: average, variance, standardDeviation: Math.sqrt(variance), minimum, maximum };
}
