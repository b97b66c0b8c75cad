/**
 * Standard scores within a reference population (标准分): z and T scores.
 */
import { ScoringInputError } from './scoring-input-error';
import { describe } from './descriptive-statistics';

/**
 * z scores: z_i = (x_i − x̄)/s with x̄ the mean and s the sample SD (divisor n − 1) of the
 * same values, i.e. R `scale(x)`.
 *
 * Assumptions: ≥ 2 finite values that are not all equal; otherwise INSUFFICIENT_DATA,
 * NON_FINITE_INPUT or CONSTANT_COLUMN (a z score of a constant is undefined).
 * Cost: O(n), three passes. Citation: R `scale`; 钟冬梅 et al. (2023) 标准分法.
 * Example: zScores(Float64Array.of(1, 2, 3)) → [-1, 0, 1].
 */
export function zScores(values: ArrayLike<number>, name = 'values'): Float64Array {
  const { mean, standardDeviation } = describe(values, name);
  if (!(standardDeviation > 0)) {
    throw new ScoringInputError('CONSTANT_COLUMN', `${name} is constant, so it has no standard scores; check the column`, { input: name });
  }
  const scores = new Float64Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    scores[index] = (values[index] - mean) / standardDeviation;
  }
  return scores;
}

/**
 * T scores: T_i = 50 + 10·z_i (z as in zScores). Same assumptions, errors and cost.
 * Citation: McCall (1922) T scale; the 50/10 convention of Chinese 标准分 reports.
 * Example: tScores(Float64Array.of(1, 2, 3)) → [40, 50, 60].
 */
export function tScores(values: ArrayLike<number>, name = 'values'): Float64Array {
  const scores = zScores(values, name);
  for (let index = 0; index < scores.length; index += 1) {
    scores[index] = 50 + 10 * scores[index];
  }
  return scores;
}
