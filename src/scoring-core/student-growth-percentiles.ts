/**
 * Student growth percentiles (Betebenner 2009, "Norm- and criterion-referenced student growth",
 * EM:IP 28(4); R package SGP, studentGrowthPercentiles()). Compared with students who had the
 * same prior scores, what percentile did this student's current score reach? The conditional
 * quantiles of the current score given the priors are fitted by 100 linear quantile regressions
 * on cubic B-splines of each prior; a student's SGP is the number of fitted quantiles below
 * the score. Every step follows the SGP package's defaults (see docs/growth.md and METHODS.md §1):
 *
 *  - τ = (1..100 − 0.5)/100;
 *  - per prior: knots at the type-7 0.2/0.4/0.6/0.8 quantiles, boundaries extendrange(f = 0.1),
 *    LOSS/HOSS = range, all rounded to 3 decimals and taken from that prior's non-missing scores
 *    among students with a current score (SGP's analysis set);
 *  - design of order o: intercept + bs(prior_1) + … + bs(prior_o) (7 columns each), fitted on the
 *    students who have priors 1..o (prior 1 = most recent);
 *  - predictions per student sorted (crossing fix) and rounded to 5 decimals; SGP = #{pred < y},
 *    0 → 1, 100 → 99; the reported SGP is the highest order the student has.
 */
import { bSplineBasis, bSplineColumnCount, type BSplineKnots } from './b-spline-basis';
import { ENGINE_VERSION } from './engine-version';
import { quantileRegressionProcess, type QuantileRegressionProblem } from './quantile-regression';
import { extendRange, finiteRange, quantileType7, roundLikeR } from './r-quantile';
import { ScoringInputError } from './scoring-input-error';

// Globals are bound once: looking up `Math`/`Number` per call is slow in sandboxes such as Jest's.
const { floor, max, min } = Math;
const isNaN = Number.isNaN;

/** The SGP package's 100 percentile taus, (1:100 − 0.5)/100. */
export const SGP_TAUS: readonly number[] = Array.from({ length: 100 }, (_, index) => (index + 1 - 0.5) / 100);
/** knot.cut.percentiles of the SGP package. */
export const SGP_KNOT_PROBABILITIES: readonly number[] = [0.2, 0.4, 0.6, 0.8];
/** percuts.digits.internal: predictions are rounded to 5 decimals before comparison. */
export const SGP_PREDICTION_DIGITS = 5;
/** Identifies a serialised coefficient set; bump formatVersion on any incompatible change. */
export const GROWTH_COEFFICIENT_FORMAT = 'wuyu.sgp-coefficients';

/** Knots, boundaries and LOSS/HOSS of one score (SGP's Knots_Boundaries entry). */
export interface GrowthScoreScale extends BSplineKnots {
  readonly knots: readonly number[];
  readonly boundaries: readonly [number, number];
  /** Lowest and highest obtainable scale score, here the observed range (rounded to 3). */
  readonly lossHoss: readonly [number, number];
}

/** One order's coefficient matrix (SGP's splineMatrix). */
export interface GrowthCoefficientMatrix {
  /** Number of priors used: 1..order, prior 1 the most recent. */
  readonly order: number;
  /** Students the matrix was fitted on (SGP records it in @Version). */
  readonly n: number;
  /** 1 + 7·order. */
  readonly rows: number;
  /** Column-major rows × taus: the coefficients of τ_k at [k·rows, (k + 1)·rows). */
  readonly coefficients: readonly number[];
}

/** A serialisable, reusable set of growth norms (JSON-safe: plain numbers and strings). */
export interface GrowthCoefficientSet {
  readonly format: typeof GROWTH_COEFFICIENT_FORMAT;
  readonly formatVersion: 1;
  readonly engineVersion: string;
  readonly taus: readonly number[];
  /** Scale of each prior, most recent first. */
  readonly priorScales: readonly GrowthScoreScale[];
  /** Scale of the current score: LOSS/HOSS clip percentile cuts and projections. */
  readonly currentScale: GrowthScoreScale;
  /** Orders 1..k, ascending. */
  readonly matrices: readonly GrowthCoefficientMatrix[];
  /** Optional labels (e.g. CSV column names), informational only. */
  readonly labels?: { readonly current?: string; readonly priors?: readonly string[] };
}

/** Scores of one cohort: NaN marks a missing score. */
export interface GrowthScores {
  readonly current: Float64Array;
  /** Prior scores, most recent first, each as long as `current`. */
  readonly priors: readonly Float64Array[];
}

export interface GrowthFitOptions {
  /** Highest order to fit (default: all priors; the SGP package's baseline default is 3). */
  readonly maxOrder?: number;
  /**
   * SGP's sgp.cohort.size: orders fitted on fewer students are dropped (default 0, as SGP;
   * an order always needs more students than design columns).
   */
  readonly minimumCohortSize?: number;
  readonly labels?: GrowthCoefficientSet['labels'];
}

function nonMissing(values: ArrayLike<number>, rows?: ArrayLike<number>): Float64Array {
  const kept: number[] = [];
  const count = rows === undefined ? values.length : rows.length;
  for (let index = 0; index < count; index += 1) {
    const value = values[rows === undefined ? index : rows[index]];
    if (!isNaN(value)) kept.push(value);
  }
  return Float64Array.from(kept);
}

/**
 * Knots, boundaries and LOSS/HOSS of one score as SGP's createKnotsBoundaries computes them:
 * knots = round(quantile(x, c(.2,.4,.6,.8), type = 7), 3), boundaries = round(extendrange(x, f = 0.1), 3),
 * lossHoss = round(range(x), 3), over the non-missing values. Throws INSUFFICIENT_DATA with fewer
 * than 2 values and CONSTANT_COLUMN when all values are equal (no spline can be fitted).
 * Cost O(n log n). Example: growthScoreScale(scores).knots → 4 interior knots.
 */
export function growthScoreScale(scores: ArrayLike<number>, name = 'score'): GrowthScoreScale {
  const values = nonMissing(scores);
  if (values.length < 2) {
    throw new ScoringInputError('INSUFFICIENT_DATA', `${name}: need at least 2 non-missing scores to place spline knots, got ${values.length}`);
  }
  const [low, high] = finiteRange(values);
  if (low === high) {
    throw new ScoringInputError('CONSTANT_COLUMN', `${name}: every score is ${low}; a constant score cannot predict growth`);
  }
  const round3 = (value: number): number => roundLikeR(value, 3);
  const boundaries = extendRange(values, 0.1).map(round3);
  return {
    knots: quantileType7(values, SGP_KNOT_PROBABILITIES).map(round3),
    boundaries: [boundaries[0], boundaries[1]],
    lossHoss: [round3(low), round3(high)],
  };
}

/**
 * Column-major growth design for the given rows: [1, bs(prior_1), …, bs(prior_order)], with each
 * prior's stored knots and boundaries (R's bs, including its extrapolation beyond the boundaries).
 * Cost O(rows·order·7).
 */
export function growthDesign(priors: readonly Float64Array[], rows: Int32Array, scales: readonly GrowthScoreScale[], order: number): Float64Array {
  const n = rows.length;
  const columnsPerPrior = bSplineColumnCount(scales[0]);
  const columns = 1 + columnsPerPrior * order;
  const design = new Float64Array(n * columns);
  design.fill(1, 0, n);
  for (let k = 0; k < order; k += 1) {
    const values = new Float64Array(n);
    for (let index = 0; index < n; index += 1) values[index] = priors[k][rows[index]];
    const basis = bSplineBasis(values, scales[k]);
    for (let column = 0; column < columnsPerPrior; column += 1) {
      const target = (1 + k * columnsPerPrior + column) * n;
      for (let index = 0; index < n; index += 1) design[target + index] = basis[index * columnsPerPrior + column];
    }
  }
  return design;
}

/** Rows (indices into the cohort) that have a current score and priors 1..order. */
export function rowsWithPriors(scores: GrowthScores, order: number, requireCurrent = true): Int32Array {
  const rows: number[] = [];
  for (let index = 0; index < scores.current.length; index += 1) {
    if (requireCurrent && isNaN(scores.current[index])) continue;
    let complete = true;
    for (let k = 0; k < order && complete; k += 1) complete = !isNaN(scores.priors[k][index]);
    if (complete) rows.push(index);
  }
  return Int32Array.from(rows);
}

/**
 * The τ chains of a fit: the 100 taus are fitted as two chains from the middle outwards
 * (0.495 → 0.005 and 0.505 → 0.995), each τ warm-started from its neighbour. The chains are
 * independent, so a caller may run them in parallel (the CLI uses two worker threads) and get
 * the same numbers as {@link fitGrowthCoefficients}. Returns indices into `taus`.
 */
export function growthTauChains(taus: readonly number[] = SGP_TAUS): number[][] {
  const middle = floor(taus.length / 2);
  const down = Array.from({ length: middle }, (_, index) => middle - 1 - index);
  const up = Array.from({ length: taus.length - middle }, (_, index) => middle + index);
  return [down, up].filter((chain) => chain.length > 0);
}

/** Everything needed to fit one order, ready to hand to a solver (possibly in another thread). */
export interface GrowthFitTask {
  readonly order: number;
  readonly problem: QuantileRegressionProblem;
}

/** The plan of a growth fit: the scales (fixed first) and one quantile-regression problem per order. */
export interface GrowthFitPlan {
  readonly priorScales: readonly GrowthScoreScale[];
  readonly currentScale: GrowthScoreScale;
  readonly tasks: readonly GrowthFitTask[];
  readonly taus: readonly number[];
  readonly labels?: GrowthCoefficientSet['labels'];
}

function checkScores(scores: GrowthScores): void {
  if (scores.priors.length === 0) {
    throw new ScoringInputError('INVALID_ARGUMENT', 'growth percentiles need at least one prior score');
  }
  for (const prior of scores.priors) {
    if (prior.length !== scores.current.length) {
      throw new ScoringInputError('DIMENSION_MISMATCH', `every prior needs ${scores.current.length} values (one per student), got ${prior.length}`);
    }
  }
  for (const values of [scores.current, ...scores.priors]) {
    for (const value of values) {
      if (value === Infinity || value === -Infinity) {
        throw new ScoringInputError('NON_FINITE_INPUT', 'scores must be finite numbers or missing (NaN)');
      }
    }
  }
}

/**
 * Steps 1–4 of the SGP recipe: analysis set, scales per prior and the design of every order.
 * Orders with fewer students than max(minimumCohortSize, columns + 1) are left out; if even
 * order 1 is too small, INSUFFICIENT_DATA. Cost O(n·k·log n).
 */
export function planGrowthFit(scores: GrowthScores, options: GrowthFitOptions = {}): GrowthFitPlan {
  checkScores(scores);
  const maxOrder = min(options.maxOrder ?? scores.priors.length, scores.priors.length);
  if (!(maxOrder >= 1)) {
    throw new ScoringInputError('INVALID_ARGUMENT', `maxOrder must be at least 1, got ${options.maxOrder}`);
  }
  const analysisRows = rowsWithPriors(scores, 0);
  const priorScales = scores.priors
    .slice(0, maxOrder)
    .map((prior, k) => growthScoreScale(nonMissing(prior, analysisRows), options.labels?.priors?.[k] ?? `prior ${k + 1}`));
  const currentScale = growthScoreScale(nonMissing(scores.current, analysisRows), options.labels?.current ?? 'current score');
  const tasks: GrowthFitTask[] = [];
  for (let order = 1; order <= maxOrder; order += 1) {
    const rows = rowsWithPriors(scores, order);
    const columns = 1 + bSplineColumnCount(priorScales[0]) * order;
    if (rows.length < max(options.minimumCohortSize ?? 0, columns + 1)) {
      if (order === 1) {
        throw new ScoringInputError(
          'INSUFFICIENT_DATA',
          `only ${rows.length} students have both a current and a most recent prior score; growth percentiles need at least ${max(options.minimumCohortSize ?? 0, columns + 1)}`,
        );
      }
      break;
    }
    const response = new Float64Array(rows.length);
    rows.forEach((row, index) => {
      response[index] = scores.current[row];
    });
    tasks.push({ order, problem: { design: growthDesign(scores.priors, rows, priorScales, order), response, rows: rows.length, columns } });
  }
  return { priorScales, currentScale, tasks, taus: SGP_TAUS, labels: options.labels };
}

/**
 * Fits one τ chain of one task (see {@link growthTauChains}); returns the coefficients of the
 * chain's taus, column-major in chain order. Pure; what a worker thread runs.
 */
export function fitGrowthChain(problem: QuantileRegressionProblem, taus: readonly number[], chain: readonly number[]): Float64Array {
  return quantileRegressionProcess(
    problem,
    chain.map((index) => taus[index]),
  ).coefficients;
}

/** Assembles chain results (indexed [task][chain]) into the serialisable coefficient set. */
export function assembleGrowthCoefficients(plan: GrowthFitPlan, chainResults: readonly (readonly Float64Array[])[]): GrowthCoefficientSet {
  const chains = growthTauChains(plan.taus);
  const matrices = plan.tasks.map((task, taskIndex) => {
    const rows = task.problem.columns;
    const coefficients = new Array<number>(rows * plan.taus.length);
    chains.forEach((chain, chainIndex) => {
      const result = chainResults[taskIndex][chainIndex];
      chain.forEach((tauIndex, position) => {
        for (let row = 0; row < rows; row += 1) coefficients[tauIndex * rows + row] = result[position * rows + row];
      });
    });
    return { order: task.order, n: task.problem.rows, rows, coefficients };
  });
  return {
    format: GROWTH_COEFFICIENT_FORMAT,
    formatVersion: 1,
    engineVersion: ENGINE_VERSION,
    taus: [...plan.taus],
    priorScales: plan.priorScales,
    currentScale: plan.currentScale,
    matrices,
    ...(plan.labels === undefined ? {} : { labels: plan.labels }),
  };
}

/**
 * Fits the coefficient matrices of every order (SGP step 5): 100 quantile regressions per order,
 * exact (certified optimal vertex, i.e. quantreg "br"'s answer where the optimum is unique).
 * Cost about 2 full Frisch–Newton fits plus 98 reduced ones per order.
 * Example: fitGrowthCoefficients({ current, priors: [last, before] }).matrices.length === 2.
 */
export function fitGrowthCoefficients(scores: GrowthScores, options: GrowthFitOptions = {}): GrowthCoefficientSet {
  const plan = planGrowthFit(scores, options);
  const chains = growthTauChains(plan.taus);
  return assembleGrowthCoefficients(
    plan,
    plan.tasks.map((task) => chains.map((chain) => fitGrowthChain(task.problem, plan.taus, chain))),
  );
}

/** Validates a coefficient set read from storage; throws INVALID_ARGUMENT saying what is wrong. */
export function checkGrowthCoefficientSet(value: unknown): GrowthCoefficientSet {
  const set = value as GrowthCoefficientSet;
  const fail = (message: string): never => {
    throw new ScoringInputError('INVALID_ARGUMENT', `coefficient set: ${message}`);
  };
  if (set === null || typeof set !== 'object' || set.format !== GROWTH_COEFFICIENT_FORMAT) fail(`not a ${GROWTH_COEFFICIENT_FORMAT} document`);
  if (set.formatVersion !== 1) fail(`format version ${String(set.formatVersion)} is not supported (expected 1)`);
  if (!Array.isArray(set.taus) || set.taus.length === 0) fail('taus missing');
  if (!Array.isArray(set.priorScales) || !Array.isArray(set.matrices) || set.matrices.length === 0) fail('priorScales or matrices missing');
  const checkScale = (scale: GrowthScoreScale, what: string): void => {
    const numbers = [...(scale?.knots ?? []), ...(scale?.boundaries ?? []), ...(scale?.lossHoss ?? [])];
    if (!Array.isArray(scale?.knots) || scale.boundaries?.length !== 2 || scale.lossHoss?.length !== 2 || numbers.some((v) => !Number.isFinite(v))) {
      fail(`${what} needs numeric knots, boundaries [lo, hi] and lossHoss [loss, hoss]`);
    }
  };
  set.priorScales.forEach((scale, k) => checkScale(scale, `prior ${k + 1} scale`));
  checkScale(set.currentScale, 'current scale');
  set.matrices.forEach((matrix, index) => {
    const columns = 1 + bSplineColumnCount(set.priorScales[0] ?? { knots: [], boundaries: [0, 1] }) * matrix.order;
    if (matrix.order !== index + 1 || matrix.order > set.priorScales.length) fail(`matrix ${index} should be order ${index + 1} with a scale per prior`);
    if (matrix.rows !== columns || matrix.coefficients?.length !== columns * set.taus.length) fail(`order ${matrix.order} needs ${columns}×${set.taus.length} coefficients`);
    if (matrix.coefficients.some((v) => !Number.isFinite(v))) fail(`order ${matrix.order} has non-finite coefficients`);
  });
  return set;
}

/**
 * Predicted conditional quantiles of the current score for the given rows and order (SGP
 * .get.percentile.predictions): X·B, each row sorted ascending (crossing fix) and rounded to 5
 * decimals as R's round(). Row-major rows × taus. Cost O(rows·taus·(p + log taus)).
 */
export function growthPercentilePredictions(set: GrowthCoefficientSet, priors: readonly Float64Array[], rows: Int32Array, order: number): Float64Array {
  const matrix = set.matrices[order - 1];
  const design = growthDesign(priors, rows, set.priorScales, order);
  const taus = set.taus.length;
  const n = rows.length;
  const out = new Float64Array(n * taus);
  const row = new Float64Array(matrix.rows);
  const coefficients = Float64Array.from(matrix.coefficients);
  for (let index = 0; index < n; index += 1) {
    for (let column = 0; column < matrix.rows; column += 1) row[column] = design[column * n + index];
    const predictions = out.subarray(index * taus, (index + 1) * taus);
    predictRow(row, coefficients, matrix.rows, taus, predictions);
    predictions.sort(); // numeric sort of a Float64Array: the SGP crossing fix (isotonize)
    for (let k = 0; k < taus; k += 1) predictions[k] = roundLikeR(predictions[k], SGP_PREDICTION_DIGITS);
  }
  return out;
}

function predictRow(row: Float64Array, coefficients: Float64Array, p: number, taus: number, out: Float64Array): void {
  for (let k = 0; k < taus; k += 1) {
    let sum = 0;
    const base = k * p;
    for (let column = 0; column < p; column += 1) sum += row[column] * coefficients[base + column];
    out[k] = sum;
  }
}

/** SGP of one score against one student's 100 sorted, rounded predictions: #{pred < y}, 0 → 1, 100 → 99. */
export function growthPercentileOf(predictions: ArrayLike<number>, score: number): number {
  let below = 0;
  while (below < predictions.length && predictions[below] < score) below += 1;
  if (below === 0) return 1;
  if (below === predictions.length) return predictions.length - 1;
  return below;
}

/**
 * #{k : round(pred_k, 5) < score}. R's rounding moves a value by at most half a unit of the 5th
 * decimal, so predictions further than 1e-5 from the score are decided without rounding; only
 * the rare ones within that margin take R's exact round(). Same answer, ~10× faster.
 */
function countRoundedBelow(predictions: Float64Array, taus: number, score: number): number {
  const margin = 1e-5; // > the 0.5e-5 a rounding can move, with room for the rounding of x·10^5 itself
  let below = 0;
  for (let k = 0; k < taus; k += 1) {
    const value = predictions[k];
    if (value < score - margin) below += 1;
    else if (value <= score + margin && roundLikeR(value, SGP_PREDICTION_DIGITS) < score) below += 1;
  }
  return below;
}

export interface StudentGrowthPercentileResult {
  /** Reported SGP per student (1..99), 0 where the student has none. */
  readonly sgp: Int16Array;
  /** Order of the reported SGP (number of priors used), 0 where none. */
  readonly order: Int8Array;
  /** SGP of each order (index order − 1), 0 where the student lacks those priors. */
  readonly sgpByOrder: readonly Int16Array[];
  /** Students without a current score. */
  readonly missingCurrent: number;
  /** Students with a current score but no most recent prior. */
  readonly missingPrior: number;
}

/**
 * SGPs of a cohort against a coefficient set (SGP steps 6–7): for each order the students with
 * priors 1..order get #{sorted, rounded predictions < current score}, 0 → 1 and 100 → 99; the
 * reported SGP is the highest order available. With the set fitted on the same scores this is
 * cohort-referenced growth; with stored matrices it is baseline-referenced growth.
 * Since rounding is monotone, counting does not need the sort (it is done where cuts need it).
 * Cost O(n·orders·taus·p). Example: studentGrowthPercentiles(scores, fitGrowthCoefficients(scores)).
 */
export function studentGrowthPercentiles(scores: GrowthScores, set: GrowthCoefficientSet): StudentGrowthPercentileResult {
  checkScores(scores);
  const n = scores.current.length;
  const sgp = new Int16Array(n);
  const order = new Int8Array(n);
  const sgpByOrder: Int16Array[] = [];
  const taus = set.taus.length;
  for (const matrix of set.matrices) {
    const byOrder = new Int16Array(n);
    sgpByOrder.push(byOrder);
    if (matrix.order > scores.priors.length) continue;
    const rows = rowsWithPriors(scores, matrix.order);
    const design = growthDesign(scores.priors, rows, set.priorScales, matrix.order);
    const coefficients = Float64Array.from(matrix.coefficients);
    const row = new Float64Array(matrix.rows);
    const predictions = new Float64Array(taus);
    for (let index = 0; index < rows.length; index += 1) {
      for (let column = 0; column < matrix.rows; column += 1) row[column] = design[column * rows.length + index];
      predictRow(row, coefficients, matrix.rows, taus, predictions);
      const score = scores.current[rows[index]];
      const below = countRoundedBelow(predictions, taus, score);
      const percentile = below === 0 ? 1 : below === taus ? taus - 1 : below;
      byOrder[rows[index]] = percentile;
      sgp[rows[index]] = percentile;
      order[rows[index]] = matrix.order;
    }
  }
  let missingCurrent = 0;
  let missingPrior = 0;
  for (let index = 0; index < n; index += 1) {
    if (isNaN(scores.current[index])) missingCurrent += 1;
    else if (isNaN(scores.priors[0][index])) missingPrior += 1;
  }
  return { sgp, order, sgpByOrder, missingCurrent, missingPrior };
}

/**
 * Percentile cuts (SGP .get.percentile.cuts): the score needed for growth percentile p is the
 * prediction at τ = (p + 0.5)/100, i.e. sorted column p + 1, rounded to `digits` (SGP's
 * percuts.digits, default 0) and clipped to [LOSS, HOSS] of the current score. Returns, per student row of `predictions` (rows × taus, sorted), one value per cut.
 * A student needs a score above CUT_p to reach SGP ≥ p + 1. Cost O(rows·cuts).
 */
export function growthPercentileCuts(
  predictions: Float64Array,
  taus: number,
  cuts: readonly number[],
  lossHoss: readonly [number, number],
  digits = 0,
): Float64Array {
  for (const cut of cuts) {
    if (!Number.isInteger(cut) || cut < 0 || cut >= taus) {
      throw new ScoringInputError('INVALID_ARGUMENT', `percentile cut ${cut} must be an integer from 0 to ${taus - 1}`);
    }
  }
  const rows = predictions.length / taus;
  const out = new Float64Array(rows * cuts.length);
  for (let row = 0; row < rows; row += 1) {
    cuts.forEach((cut, index) => {
      const value = roundLikeR(predictions[row * taus + cut], digits);
      out[row * cuts.length + index] = min(max(value, lossHoss[0]), lossHoss[1]);
    });
  }
  return out;
}

/** Number of columns per prior in the growth design (7 with 4 knots). */
export function growthColumnsPerPrior(scale: GrowthScoreScale): number {
  return bSplineColumnCount(scale);
}
