/**
 * Growth projections from stored coefficient matrices (SGP package, studentGrowthProjections and
 * its .sgp.targets): where would a student be next year growing at the 35th/50th/65th percentile,
 * and what growth percentile would reach a given score?
 *
 * One year ahead: the student's score history, most recent first (this year's score, then the
 * priors), becomes the priors of the matrix set, which should be the norms of the progression
 * being projected (e.g. last year's fit one grade up, or a baseline set). The highest order the
 * history and the set allow is used, as SGP does.
 */
import { bSplineBasis } from './b-spline-basis';
import { roundLikeR } from './r-quantile';
import { ScoringInputError } from './scoring-input-error';
import { SGP_PREDICTION_DIGITS, type GrowthCoefficientSet } from './student-growth-percentiles';

// Globals are bound once: looking up `Math`/`Number` per call is slow in sandboxes such as Jest's.
const { max, min } = Math;

export interface GrowthProjection {
  /** Order of the matrix used (number of scores of the history that entered). */
  readonly order: number;
  /**
   * The 100 percentile growth trajectories one year ahead: x·B, clipped to [LOSS, HOSS] of the
   * projected score, sorted ascending and rounded to 5 decimals (SGP .smooth.bound.iso.row).
   */
  readonly trajectory: Float64Array;
}

/**
 * Projects one student one year ahead: the 100 percentile growth trajectories (value k − 1 is the
 * score reached growing at percentile k). History: most recent first, NaN for missing; the order
 * used is the number of leading non-missing scores, capped by the set. Throws INSUFFICIENT_DATA
 * when the most recent score is missing. Cost O(taus·p).
 * Example: projectGrowth(set, [512.3, 498.1]).trajectory[49] is the P50 trajectory.
 */
export function projectGrowth(set: GrowthCoefficientSet, history: readonly number[]): GrowthProjection {
  let available = 0;
  while (available < history.length && Number.isFinite(history[available])) available += 1;
  const order = min(available, set.matrices.length);
  if (order === 0) {
    throw new ScoringInputError('INSUFFICIENT_DATA', 'a growth projection needs the most recent score');
  }
  const matrix = set.matrices[order - 1];
  const row = new Float64Array(matrix.rows);
  row[0] = 1;
  let column = 1;
  for (let k = 0; k < order; k += 1) {
    const basis = bSplineBasis([history[k]], set.priorScales[k]);
    row.set(basis, column);
    column += basis.length;
  }
  const taus = set.taus.length;
  const trajectory = new Float64Array(taus);
  const [loss, hoss] = set.currentScale.lossHoss;
  for (let k = 0; k < taus; k += 1) {
    let sum = 0;
    for (let j = 0; j < matrix.rows; j += 1) sum += row[j] * matrix.coefficients[k * matrix.rows + j];
    trajectory[k] = min(max(sum, loss), hoss);
  }
  trajectory.sort(); // numeric for a Float64Array
  for (let k = 0; k < taus; k += 1) trajectory[k] = roundLikeR(trajectory[k], SGP_PREDICTION_DIGITS);
  return { order, trajectory };
}

/**
 * The P-th percentile growth trajectories (SGP percentile.trajectory.values, default 35/50/65):
 * value p of the sorted trajectory (1-based, as SGP selects row p of 100). Cost O(taus·p).
 * Example: growthTrajectories(set, [512.3], [35, 50, 65]) → three projected scores.
 */
export function growthTrajectories(set: GrowthCoefficientSet, history: readonly number[], percentiles: readonly number[] = [35, 50, 65]): number[] {
  const { trajectory } = projectGrowth(set, history);
  return percentiles.map((percentile) => {
    if (!Number.isInteger(percentile) || percentile < 1 || percentile > trajectory.length) {
      throw new ScoringInputError('INVALID_ARGUMENT', `trajectory percentile ${percentile} must be an integer from 1 to ${trajectory.length}`);
    }
    return trajectory[percentile - 1];
  });
}

/**
 * The growth percentile a student needs to reach `targetScore` next year (SGP .sgp.targets):
 * the 1-based index of the first trajectory value ≥ target, 101 → 100, then 0/100 → 1/99
 * (convert.0and100). 1 means even the lowest growth reaches it; 99 means even the highest does
 * not. Cost O(taus·p). Example: growthPercentileToReach(set, [480], 500).
 */
export function growthPercentileToReach(set: GrowthCoefficientSet, history: readonly number[], targetScore: number): number {
  if (!Number.isFinite(targetScore)) {
    throw new ScoringInputError('NON_FINITE_INPUT', 'the target score must be a finite number');
  }
  const { trajectory } = projectGrowth(set, history);
  let index = 0;
  while (index < trajectory.length && trajectory[index] < targetScore) index += 1;
  let target = index + 1; // which.min(c(proj < cut, FALSE)) is 1-based
  if (target === trajectory.length + 1) target = trajectory.length;
  if (target === 0) target = 1;
  if (target === trajectory.length) target = trajectory.length - 1;
  return target;
}
