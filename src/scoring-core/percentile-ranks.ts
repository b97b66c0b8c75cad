/**
 * Percentile ranks with mid-ranks for ties (百分等级).
 */
import { ScoringInputError } from './scoring-input-error';
import { assertFinite } from './input-checks';

/**
 * Mid-ranks: rank 1 is the smallest value; tied values share the average of the ranks they
 * occupy, midrank = (#{x_k < x_i} + 1 + #{x_k ≤ x_i})/2 (R `rank(x, ties.method = "average")`).
 *
 * Assumptions: finite values (NON_FINITE_INPUT otherwise). Cost: O(n log n): one native
 * numeric sort of a copy plus two binary searches a value.
 * Example: midRanks(Float64Array.of(10, 20, 20, 30)) → [1, 2.5, 2.5, 4].
 */
export function midRanks(values: ArrayLike<number>, name = 'values'): Float64Array {
  assertFinite(values, name);
  const count = values.length;
  const sorted = Float64Array.from(values).sort(); // typed-array sort is numeric and total for finite values
  const ranks = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    const value = values[index];
    const below = lowerBound(sorted, value);
    const atOrBelow = upperBound(sorted, value, below);
    ranks[index] = (below + 1 + atOrBelow) / 2;
  }
  return ranks;
}

/**
 * Percentile ranks: PR_i = 100·(midrank_i − 0.5)/N, in (0, 100); the cohort's mean PR is 50.
 *
 * Assumptions: at least one finite value (INSUFFICIENT_DATA / NON_FINITE_INPUT otherwise).
 * Cost: O(n log n). Citation: 钟冬梅, 卢锦运, 贾玲 (2023) 百分等级法 PR = 100(R − 0.5)/N;
 * Hazen plotting position (k − 0.5)/N.
 * Example: percentileRanks(Float64Array.of(10, 20, 20, 30)) → [12.5, 50, 50, 87.5].
 */
export function percentileRanks(values: ArrayLike<number>, name = 'values'): Float64Array {
  if (values.length === 0) {
    throw new ScoringInputError('INSUFFICIENT_DATA', `${name} is empty; percentile ranks need at least one value`, { input: name });
  }
  const ranks = midRanks(values, name);
  const scale = 100 / values.length;
  for (let index = 0; index < ranks.length; index += 1) {
    ranks[index] = (ranks[index] - 0.5) * scale;
  }
  return ranks;
}

/** Number of entries of ascending `sorted` that are < value. */
function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Number of entries of ascending `sorted` that are ≤ value, searching from `start`. */
function upperBound(sorted: Float64Array, value: number, start: number): number {
  let low = start;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
