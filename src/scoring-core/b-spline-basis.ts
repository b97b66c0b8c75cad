/**
 * The B-spline basis of R's `splines::bs()` and the `splines::splineDesign()` it is built on,
 * ported from R's src/library/splines/src/splines.c (de Boor's recurrences, the same cursor
 * rule at the right boundary) and R/splines.R (the cubic Taylor extrapolation beyond the
 * boundary knots that R uses since 3.2.3). Growth percentiles apply stored coefficient
 * matrices to new scores, which may fall outside the boundaries of the cohort that fixed them,
 * so the behaviour outside the boundaries matters as much as inside.
 */
import { ScoringInputError } from './scoring-input-error';

// Globals are bound once: looking up `Math`/`Number` per call is slow in sandboxes such as Jest's.
const isNaN = Number.isNaN;

/** A knot sequence positioned at one x: the interval index and the distances to nearby knots. */
interface SplineCursor {
  readonly knots: Float64Array;
  readonly order: number;
  /** Index of the first knot strictly greater than x (R's `curs`). */
  cursor: number;
  /** True when x equals the last legitimate knot (right boundary), as in R's set_cursor. */
  atBoundary: boolean;
  readonly rightDistances: Float64Array;
  readonly leftDistances: Float64Array;
  readonly coefficients: Float64Array;
}

function newCursor(knots: Float64Array, order: number): SplineCursor {
  return {
    knots,
    order,
    cursor: -1,
    atBoundary: false,
    rightDistances: new Float64Array(order),
    leftDistances: new Float64Array(order),
    coefficients: new Float64Array(order),
  };
}

/** R's set_cursor(): the first knot > x; x equal to the right end knot uses the last interval. */
function setCursor(spline: SplineCursor, x: number): number {
  const { knots, order } = spline;
  spline.cursor = -1;
  spline.atBoundary = false;
  for (let index = 0; index < knots.length; index += 1) {
    if (knots[index] >= x) spline.cursor = index;
    if (knots[index] > x) break;
  }
  const lastLegitimate = knots.length - order;
  if (spline.cursor > lastLegitimate && x === knots[lastLegitimate]) {
    spline.atBoundary = true;
    spline.cursor = lastLegitimate;
  }
  return spline.cursor;
}

function differenceTable(spline: SplineCursor, x: number, count: number): void {
  for (let index = 0; index < count; index += 1) {
    spline.rightDistances[index] = spline.knots[spline.cursor + index] - x;
    spline.leftDistances[index] = x - spline.knots[spline.cursor - (index + 1)];
  }
}

/** R's basis_funcs(): the `order` non-zero B-spline values at x (Cox–de Boor, stable form). */
function basisValues(spline: SplineCursor, x: number, out: Float64Array): void {
  const orderMinusOne = spline.order - 1;
  differenceTable(spline, x, orderMinusOne);
  out[0] = 1;
  for (let j = 1; j <= orderMinusOne; j += 1) {
    let saved = 0;
    for (let r = 0; r < j; r += 1) {
      const denominator = spline.rightDistances[r] + spline.leftDistances[j - 1 - r];
      if (denominator !== 0) {
        const term = out[r] / denominator;
        out[r] = saved + spline.rightDistances[r] * term;
        saved = spline.leftDistances[j - 1 - r] * term;
      } else {
        if (r !== 0 || spline.rightDistances[r] !== 0) out[r] = saved;
        saved = 0;
      }
    }
    out[j] = saved;
  }
}

/** R's evaluate(): the derivative of order `derivative` of the spline with coefficients spline.coefficients. */
function evaluateDerivative(spline: SplineCursor, x: number, derivative: number): number {
  const a = spline.coefficients;
  const knots = spline.knots;
  let outer = spline.order - 1;
  if (spline.atBoundary && derivative === outer) return 0;
  let remaining = derivative;
  while (remaining > 0) {
    remaining -= 1;
    const start = spline.cursor - outer;
    for (let index = 0; index < outer; index += 1) {
      a[index] = (outer * (a[index + 1] - a[index])) / (knots[start + index + outer] - knots[start + index]);
    }
    outer -= 1;
  }
  differenceTable(spline, x, outer);
  while (outer > 0) {
    outer -= 1;
    for (let index = 0; index <= outer; index += 1) {
      const left = spline.leftDistances[outer - index];
      const right = spline.rightDistances[index];
      a[index] = (a[index + 1] * left + a[index] * right) / (right + left);
    }
  }
  return a[0];
}

/**
 * R's `splineDesign(knots, x, ord, derivs, outer.ok = FALSE)`: the n × (length(knots) − ord)
 * matrix of B-spline basis functions (or their `derivatives[i]`-th derivatives) at x, row-major.
 * x must lie within [knots[ord], knots[length − ord + 1]] (1-based), as R requires.
 * Cost O(n·(K + ord²)). Example: splineDesign([0,0,0,0,1,1,1,1], [0.5], 4) → Bernstein cubics at 0.5.
 */
export function splineDesign(
  knotSequence: ArrayLike<number>,
  x: ArrayLike<number>,
  order = 4,
  derivatives: readonly number[] = [0],
): Float64Array {
  const knots = Float64Array.from(knotSequence as ArrayLike<number>);
  const coefficientCount = knots.length - order;
  if (coefficientCount <= 0) {
    throw new ScoringInputError('INVALID_ARGUMENT', `splineDesign needs more than ${order} knots`);
  }
  for (let index = 1; index < knots.length; index += 1) {
    if (knots[index] < knots[index - 1]) {
      throw new ScoringInputError('INVALID_ARGUMENT', 'splineDesign: knots must be sorted ascending');
    }
  }
  const lower = knots[order - 1];
  const upper = knots[coefficientCount];
  const out = new Float64Array(x.length * coefficientCount);
  const spline = newCursor(knots, order);
  const values = new Float64Array(order);
  for (let row = 0; row < x.length; row += 1) {
    const value = x[row];
    if (!(value >= lower && value <= upper)) {
      throw new ScoringInputError(
        'INVALID_ARGUMENT',
        `splineDesign: x = ${value} is outside the knot range [${lower}, ${upper}]`,
      );
    }
    setCursor(spline, value);
    const offset = spline.cursor - order;
    const derivative = derivatives[row % derivatives.length];
    if (derivative > 0) {
      if (derivative >= order) continue; // R: all derivatives of order ≥ ord are zero.
      for (let local = 0; local < order; local += 1) {
        spline.coefficients.fill(0);
        spline.coefficients[local] = 1;
        values[local] = evaluateDerivative(spline, value, derivative);
      }
    } else {
      basisValues(spline, value, values);
    }
    for (let local = 0; local < order; local += 1) {
      const column = offset + local;
      if (column >= 0 && column < coefficientCount) out[row * coefficientCount + column] = values[local];
    }
  }
  return out;
}

/** Knots and boundaries that fix a `bs()` basis; what a coefficient matrix stores per prior. */
export interface BSplineKnots {
  /** Interior knots (the SGP recipe uses 4: the 20/40/60/80th percentiles). */
  readonly knots: readonly number[];
  /** [lower, upper] boundary knots. */
  readonly boundaries: readonly [number, number];
}

/** Number of columns of {@link bSplineBasis}: interior knots + degree (intercept = FALSE). */
export function bSplineColumnCount(spec: BSplineKnots, degree = 3): number {
  return spec.knots.length + degree;
}

/**
 * R's `bs(x, knots, Boundary.knots, degree = 3, intercept = FALSE)`: n × (K + 3) basis, row-major.
 * Inside [lower, upper] (boundaries included) it is splineDesign(Aknots, x, 4) without its first
 * column, Aknots = sort(c(rep(boundaries, 4), knots)). Beyond a boundary R continues each basis
 * function by its cubic Taylor polynomial about a pivot a quarter of the way from the boundary
 * to the next knot: k = 0.75·B_lo + 0.25·Aknots[5] (left) or 0.75·B_hi + 0.25·Aknots[L − 4]
 * (right), basis(x) = Σ_d (x − k)^d/d! · B^(d)(k). NaN scores give a NaN row.
 * Cost O(n·K). Source: R splines::bs (R ≥ 3.2.3). Example: bSplineBasis([50], {knots:[20,40,60,80],
 * boundaries:[0,100]}) → 7 values that with the dropped first column sum to 1.
 */
export function bSplineBasis(x: ArrayLike<number>, spec: BSplineKnots, degree = 3): Float64Array {
  const order = degree + 1;
  const [lowerBoundary, upperBoundary] = [...spec.boundaries].sort((a, b) => a - b);
  const allKnots = [...spec.knots, ...Array<number>(order).fill(lowerBoundary), ...Array<number>(order).fill(upperBoundary)].sort(
    (a, b) => a - b,
  );
  const fullColumns = allKnots.length - order;
  const columns = fullColumns - 1;
  const out = new Float64Array(x.length * columns);
  const insideIndex: number[] = [];
  const leftIndex: number[] = [];
  const rightIndex: number[] = [];
  for (let row = 0; row < x.length; row += 1) {
    const value = x[row];
    if (isNaN(value)) {
      out.fill(Number.NaN, row * columns, (row + 1) * columns);
    } else if (value < lowerBoundary) {
      leftIndex.push(row);
    } else if (value > upperBoundary) {
      rightIndex.push(row);
    } else {
      insideIndex.push(row);
    }
  }
  const copyRows = (rows: readonly number[], full: Float64Array): void => {
    rows.forEach((row, local) => {
      for (let column = 0; column < columns; column += 1) {
        out[row * columns + column] = full[local * fullColumns + column + 1];
      }
    });
  };
  if (insideIndex.length > 0) {
    copyRows(
      insideIndex,
      splineDesign(
        allKnots,
        insideIndex.map((row) => x[row]),
        order,
      ),
    );
  }
  const extrapolate = (rows: readonly number[], pivot: number): void => {
    if (rows.length === 0) return;
    const derivativeOrders = Array.from({ length: order }, (_, d) => d);
    // Row d of the Taylor table: B^(d)(pivot) / d!  (R: tt / gamma(1:ord)).
    const taylor = splineDesign(allKnots, Array<number>(order).fill(pivot), order, derivativeOrders);
    let factorial = 1;
    for (let d = 0; d < order; d += 1) {
      if (d > 0) factorial *= d;
      for (let column = 0; column < fullColumns; column += 1) taylor[d * fullColumns + column] /= factorial;
    }
    const full = new Float64Array(rows.length * fullColumns);
    rows.forEach((row, local) => {
      const shift = x[row] - pivot;
      let power = 1;
      for (let d = 0; d < order; d += 1) {
        for (let column = 0; column < fullColumns; column += 1) {
          full[local * fullColumns + column] += power * taylor[d * fullColumns + column];
        }
        power *= shift;
      }
    });
    copyRows(rows, full);
  };
  const pivotFraction = 0.25; // R: e <- 1/4
  extrapolate(leftIndex, (1 - pivotFraction) * lowerBoundary + pivotFraction * allKnots[order]);
  extrapolate(rightIndex, (1 - pivotFraction) * upperBoundary + pivotFraction * allKnots[allKnots.length - order - 1]);
  return out;
}
