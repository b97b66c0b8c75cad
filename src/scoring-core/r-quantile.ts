/**
 * Small R-compatible primitives that the growth-percentile recipe depends on bit for bit:
 * `quantile(x, probs, type = 7)`, `round(x, digits)` (R ≥ 4.0.0) and `extendrange(x, f)`.
 * Knots and boundaries are rounded to 3 decimals and predictions to 5, so a different rounding
 * rule or quantile definition would move knots and flip SGPs for students on a tie.
 */
import { ScoringInputError } from './scoring-input-error';

// Globals are bound once: looking up `Math`/`Number` per call is slow in sandboxes such as Jest's.
const { abs, ceil, floor, log10, max } = Math;
const isNaN = Number.isNaN;

/**
 * R's `round(x, digits)` as implemented since R 4.0.0 (src/nmath/fround.c): of the two
 * candidates x_down = floor(x·10^d)/10^d and x_up = ceil(x·10^d)/10^d, the one nearer to x in
 * double arithmetic wins; on an exact tie the one with an even last digit wins. So
 * round(0.15, 1) = 0.1 (0.15 is stored below 0.15) and round(2.5, 0) = 2.
 * Values with more than 15 significant digits before rounding are returned unchanged, as R does.
 * Cost O(1). Example: roundLikeR(12.3456, 3) === 12.346.
 */
export function roundLikeR(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const dig = floor(digits + 0.5);
  if (dig === 0) return roundHalfEven(value);
  const sign = value < 0 ? -1 : 1;
  const x = abs(value);
  // R: if (dig > 0 && log10(x) + dig > DBL_DIG) the value already has all the digits a double holds.
  if (dig > 0 && log10(x) + dig > 15) return value;
  let down: number;
  let up: number;
  let lowInteger: number;
  if (dig > 0) {
    const pow10 = 10 ** dig;
    const scaled = pow10 * x;
    lowInteger = floor(scaled);
    down = lowInteger / pow10;
    up = ceil(scaled) / pow10;
  } else {
    const pow10 = 10 ** -dig;
    const scaled = x / pow10;
    lowInteger = floor(scaled);
    down = lowInteger * pow10;
    up = ceil(scaled) * pow10;
  }
  const distanceUp = up - x;
  const distanceDown = x - down;
  const pickUp = distanceUp < distanceDown || (distanceUp === distanceDown && lowInteger % 2 === 1);
  return sign * (pickUp ? up : down);
}

/** IEEE round-half-to-even to an integer, as C's nearbyint() in the default rounding mode. */
export function roundHalfEven(value: number): number {
  const below = floor(value);
  const difference = value - below;
  if (difference < 0.5) return below;
  if (difference > 0.5) return below + 1;
  return below % 2 === 0 ? below : below + 1;
}

/**
 * R's `quantile(x, probs, type = 7)`: with h = (n − 1)·p + 1, lo = ⌊h⌋, hi = ⌈h⌉ on the sorted
 * sample, Q(p) = x_lo + (h − lo)·(x_hi − x_lo), written as R writes it, (1 − h')·x_lo + h'·x_hi,
 * and only where h > lo and x_hi ≠ x_lo (so ties and exact order statistics are returned exactly).
 * NaN values are rejected (call with the non-missing scores only). Cost O(n log n) for the sort.
 * Source: R stats:::quantile.default. Example: quantileType7([1,2,3,4], [0.5]) → [2.5].
 */
export function quantileType7(values: ArrayLike<number>, probabilities: readonly number[]): number[] {
  const sorted = Float64Array.from(values as ArrayLike<number>);
  for (const value of sorted) {
    if (isNaN(value)) {
      throw new ScoringInputError('NON_FINITE_INPUT', 'quantileType7: remove missing values before computing quantiles');
    }
  }
  if (sorted.length === 0) {
    throw new ScoringInputError('INSUFFICIENT_DATA', 'quantileType7: no values to take quantiles of');
  }
  sorted.sort(); // a Float64Array sorts numerically, so no comparator is needed
  return quantileType7OfSorted(sorted, probabilities);
}

/** As {@link quantileType7}, for a sample that is already sorted ascending. Cost O(length of probs). */
export function quantileType7OfSorted(sorted: ArrayLike<number>, probabilities: readonly number[]): number[] {
  const n = sorted.length;
  return probabilities.map((probability) => {
    if (!(probability >= 0 && probability <= 1)) {
      throw new ScoringInputError('INVALID_ARGUMENT', `quantile probability ${probability} is outside [0, 1]`);
    }
    const index = 1 + max(n - 1, 0) * probability;
    const lo = floor(index);
    const hi = ceil(index);
    const low = sorted[lo - 1];
    const high = sorted[hi - 1];
    if (index > lo && high !== low) {
      const h = index - lo;
      return (1 - h) * low + h * high;
    }
    return low;
  });
}

/**
 * R's `extendrange(x, f = 0.1)`: [min − f·(max − min), max + f·(max − min)]. Cost O(n).
 * Example: extendRange([0, 10]) → [−1, 11].
 */
export function extendRange(values: ArrayLike<number>, fraction = 0.1): [number, number] {
  const [minimum, maximum] = finiteRange(values);
  const width = maximum - minimum;
  return [minimum - fraction * width, maximum + fraction * width];
}

/** [min, max] of the values (R's range()); rejects NaN and empty input. Cost O(n). */
export function finiteRange(values: ArrayLike<number>): [number, number] {
  if (values.length === 0) {
    throw new ScoringInputError('INSUFFICIENT_DATA', 'range: no values');
  }
  let minimum = Infinity;
  let maximum = -Infinity;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (isNaN(value)) {
      throw new ScoringInputError('NON_FINITE_INPUT', 'range: remove missing values first');
    }
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  return [minimum, maximum];
}
