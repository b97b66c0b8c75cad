/**
 * Linear quantile regression: b(τ) = argmin_b Σ_i ρ_τ(y_i − x_i·b), ρ_τ(u) = u·(τ − 1[u < 0]).
 *
 * Three layers (ADR 0301):
 *  1. {@link quantileRegressionFrischNewton}: a line-by-line port of quantreg's `rq.fit.fnb`
 *     (Fortran `rqfnb`/`lpfnb`, Portnoy & Koenker 1997, "The Gaussian hare and the Laplacian
 *     tortoise", Statistical Science 12(4)): a primal–dual log-barrier interior point method on
 *     the bounded-variable dual, with Mehrotra's predictor–corrector step.
 *  2. {@link purifyToOptimalVertex}: turns a near-optimal interior point into the exact basic
 *     solution (the vertex Barrodale–Roberts, quantreg "br", returns) and proves it optimal with
 *     the subgradient condition; when the optimum is unique both solvers give this vertex.
 *  3. {@link quantileRegressionProcess}: many τ at once. Each τ starts from its neighbour's
 *     solution and fits only the observations near the new quantile plane, the rest folded into
 *     two "globs" (Portnoy & Koenker's preprocessing, quantreg `rq.fit.pfn`); the answer is then
 *     certified on all observations, so it is exact, not approximate.
 *
 * Designs are column-major Float64Array (column j at [j·n, (j + 1)·n)): every kernel is then a
 * tight loop over one contiguous column, several times faster in V8 than row-wise loops over p.
 */
import { ScoringInputError } from './scoring-input-error';

// Globals are bound once: looking up `Math`/`Number` per call is slow in sandboxes such as Jest's.
const { abs, floor, max, min, round, sqrt } = Math;

/** Options of the Frisch–Newton solver; the defaults are quantreg's. */
export interface FrischNewtonOptions {
  /** Step length factor (quantreg `beta` = 0.99995). */
  readonly stepFactor?: number;
  /** Duality-gap tolerance (quantreg `eps` = 1e-6). */
  readonly tolerance?: number;
  /** Iteration cap (quantreg `maxit` = 50, fixed in the Fortran). */
  readonly maxIterations?: number;
}

export interface QuantileRegressionResult {
  readonly coefficients: Float64Array;
  /** Interior-point iterations used (0 when an exact certificate came without any). */
  readonly iterations: number;
  /** True when the coefficients are a basic solution proved optimal on all observations. */
  readonly certifiedVertex: boolean;
}

/** A column-major design (n rows × p columns, column j at [j·n, (j + 1)·n)) with its response. */
export interface QuantileRegressionProblem {
  readonly design: Float64Array;
  readonly response: Float64Array;
  readonly rows: number;
  readonly columns: number;
}

function checkProblem(problem: QuantileRegressionProblem, tau: number): void {
  const { design, response, rows, columns } = problem;
  if (design.length !== rows * columns || response.length !== rows) {
    throw new ScoringInputError('DIMENSION_MISMATCH', `design is ${design.length} values for ${rows}×${columns}, response ${response.length}`);
  }
  if (rows < columns) {
    throw new ScoringInputError('INSUFFICIENT_DATA', `quantile regression needs at least ${columns} observations, got ${rows}`);
  }
  if (!(tau > 0 && tau < 1)) {
    throw new ScoringInputError('INVALID_ARGUMENT', `tau must lie strictly between 0 and 1, got ${tau}`);
  }
}

/**
 * In-place Cholesky factorisation of a symmetric positive definite p×p matrix (upper triangle
 * read, lower factor L written row-major so that A = L·Lᵀ). Returns false when not positive definite.
 */
function choleskyInPlace(matrix: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j += 1) {
    let diagonal = matrix[j * p + j];
    for (let k = 0; k < j; k += 1) diagonal -= matrix[j * p + k] * matrix[j * p + k];
    if (!(diagonal > 0)) return false;
    const root = sqrt(diagonal);
    matrix[j * p + j] = root;
    for (let i = j + 1; i < p; i += 1) {
      let sum = matrix[j * p + i]; // upper triangle holds A(j, i) = A(i, j)
      for (let k = 0; k < j; k += 1) sum -= matrix[i * p + k] * matrix[j * p + k];
      matrix[i * p + j] = sum / root;
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b in place for the factor from {@link choleskyInPlace}. */
function choleskySolveInPlace(factor: Float64Array, p: number, vector: Float64Array): void {
  for (let i = 0; i < p; i += 1) {
    let sum = vector[i];
    for (let k = 0; k < i; k += 1) sum -= factor[i * p + k] * vector[k];
    vector[i] = sum / factor[i * p + i];
  }
  for (let i = p - 1; i >= 0; i -= 1) {
    let sum = vector[i];
    for (let k = i + 1; k < p; k += 1) sum -= factor[k * p + i] * vector[k];
    vector[i] = sum / factor[i * p + i];
  }
}

/** ada = Σ_i d_i x_i x_iᵀ (upper triangle), the Fortran `stepy` accumulation; designs are column-major. */
function weightedCrossProduct(design: Float64Array, n: number, p: number, weights: Float64Array, ada: Float64Array, scratch: Float64Array): void {
  for (let j = 0; j < p; j += 1) {
    const columnJ = j * n;
    for (let i = 0; i < n; i += 1) scratch[i] = weights[i] * design[columnJ + i];
    for (let k = j; k < p; k += 1) ada[j * p + k] = dot(scratch, design, k * n, n);
  }
}

/** Σ_i a[i]·b[offset + i], four partial sums (fewer loop-carried dependencies). */
function dot(a: Float64Array, b: Float64Array, offset: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i] * b[offset + i];
    s1 += a[i + 1] * b[offset + i + 1];
    s2 += a[i + 2] * b[offset + i + 2];
    s3 += a[i + 3] * b[offset + i + 3];
  }
  for (; i < n; i += 1) s0 += a[i] * b[offset + i];
  return s0 + s1 + (s2 + s3);
}

/** out += scale·Xᵀv (A·v in the Fortran, A = Xᵀ). */
function transposeTimes(design: Float64Array, n: number, p: number, vector: Float64Array, out: Float64Array, scale: number): void {
  for (let j = 0; j < p; j += 1) out[j] += scale * dot(vector, design, j * n, n);
}

/** out = X·v (Aᵀ·v in the Fortran). */
function designTimes(design: Float64Array, n: number, p: number, vector: Float64Array, out: Float64Array): void {
  out.fill(0, 0, n);
  for (let j = 0; j < p; j += 1) {
    const coefficient = vector[j];
    const column = j * n;
    for (let i = 0; i < n; i += 1) out[i] += coefficient * design[column + i];
  }
}

// The element-wise parts of one Frisch–Newton iteration, kept as small monomorphic functions so
// the JIT optimises each once (one large function deoptimised repeatedly and ran 5× slower).

function scalingStep(n: number, x: Float64Array, s: Float64Array, z: Float64Array, w: Float64Array, d: Float64Array, ds: Float64Array, dz: Float64Array): void {
  for (let i = 0; i < n; i += 1) {
    const di = 1 / (z[i] / x[i] + w[i] / s[i]);
    const dsi = z[i] - w[i];
    d[i] = di;
    ds[i] = dsi;
    dz[i] = di * dsi;
  }
}

function predictorDirections(
  n: number, beta: number, work: Float64Array, x: Float64Array, s: Float64Array, z: Float64Array, w: Float64Array,
  d: Float64Array, dx: Float64Array, ds: Float64Array, dz: Float64Array, dw: Float64Array, steps: Float64Array,
): void {
  let deltaPrimal = 1e20;
  let deltaDual = 1e20;
  for (let i = 0; i < n; i += 1) {
    const dxi = d[i] * (work[i] - ds[i]);
    const dsi = -dxi;
    const dzi = -z[i] * (dxi / x[i] + 1);
    const dwi = -w[i] * (dsi / s[i] + 1);
    dx[i] = dxi;
    ds[i] = dsi;
    dz[i] = dzi;
    dw[i] = dwi;
    if (dxi < 0) deltaPrimal = min(deltaPrimal, -x[i] / dxi);
    if (dsi < 0) deltaPrimal = min(deltaPrimal, -s[i] / dsi);
    if (dzi < 0) deltaDual = min(deltaDual, -z[i] / dzi);
    if (dwi < 0) deltaDual = min(deltaDual, -w[i] / dwi);
  }
  steps[0] = min(beta * deltaPrimal, 1);
  steps[1] = min(beta * deltaDual, 1);
}

function correctorCentre(
  n: number, deltaPrimal: number, deltaDual: number, x: Float64Array, s: Float64Array, z: Float64Array, w: Float64Array,
  dx: Float64Array, ds: Float64Array, dz: Float64Array, dw: Float64Array,
): number {
  let mu = 0;
  let dxz = 0;
  let dzx = 0;
  let dzdx = 0;
  let dsw = 0;
  let dws = 0;
  let dsdw = 0;
  for (let i = 0; i < n; i += 1) {
    mu += x[i] * z[i] + s[i] * w[i];
    dxz += dx[i] * z[i];
    dzx += dz[i] * x[i];
    dzdx += dz[i] * dx[i];
    dsw += ds[i] * w[i];
    dws += dw[i] * s[i];
    dsdw += ds[i] * dw[i];
  }
  const g = mu + deltaPrimal * dxz + deltaDual * dzx + deltaPrimal * deltaDual * dzdx + deltaPrimal * dsw + deltaDual * dws + deltaPrimal * deltaDual * dsdw;
  const ratio = g / mu;
  return (mu * (ratio * ratio * ratio)) / (2 * n);
}

function correctorResidual(
  n: number, mu: number, x: Float64Array, s: Float64Array, d: Float64Array,
  dx: Float64Array, ds: Float64Array, dz: Float64Array, dw: Float64Array, dr: Float64Array,
): void {
  for (let i = 0; i < n; i += 1) {
    dr[i] = d[i] * (mu * (1 / s[i] - 1 / x[i]) + (dx[i] * dz[i]) / x[i] - (ds[i] * dw[i]) / s[i]);
  }
}

function correctorDirections(
  n: number, beta: number, mu: number, work: Float64Array, x: Float64Array, s: Float64Array, z: Float64Array, w: Float64Array,
  d: Float64Array, dx: Float64Array, ds: Float64Array, dz: Float64Array, dw: Float64Array, dr: Float64Array, steps: Float64Array,
): void {
  let deltaPrimal = 1e20;
  let deltaDual = 1e20;
  for (let i = 0; i < n; i += 1) {
    const dxdz = dx[i] * dz[i];
    const dsdw = ds[i] * dw[i];
    const dxi = d[i] * (work[i] - z[i] + w[i]) - dr[i];
    const dsi = -dxi;
    const dzi = -z[i] + (mu - z[i] * dxi - dxdz) / x[i];
    const dwi = -w[i] + (mu - w[i] * dsi - dsdw) / s[i];
    dx[i] = dxi;
    ds[i] = dsi;
    dz[i] = dzi;
    dw[i] = dwi;
    if (dxi < 0) deltaPrimal = min(deltaPrimal, -x[i] / dxi);
    if (dsi < 0) deltaPrimal = min(deltaPrimal, -s[i] / dsi);
    if (dzi < 0) deltaDual = min(deltaDual, -z[i] / dzi);
    if (dwi < 0) deltaDual = min(deltaDual, -w[i] / dwi);
  }
  steps[0] = min(beta * deltaPrimal, 1);
  steps[1] = min(beta * deltaDual, 1);
}

function takeStep(
  n: number, deltaPrimal: number, deltaDual: number, x: Float64Array, s: Float64Array, z: Float64Array, w: Float64Array,
  dx: Float64Array, ds: Float64Array, dz: Float64Array, dw: Float64Array,
): number {
  let gap = 0;
  for (let i = 0; i < n; i += 1) {
    x[i] += deltaPrimal * dx[i];
    s[i] += deltaPrimal * ds[i];
    z[i] += deltaDual * dz[i];
    w[i] += deltaDual * dw[i];
    gap += z[i] * x[i] + w[i] * s[i];
  }
  return gap;
}

/**
 * Frisch–Newton interior point quantile regression, a port of quantreg's `rq.fit.fnb` (Fortran
 * `lpfnb`). It solves the dual  max yᵀa  s.t. Xᵀa = (1 − τ)Xᵀ1, a ∈ [0, 1]ⁿ  with a log barrier,
 * predictor–corrector steps and step factor 0.99995, stopping when the duality gap < tolerance
 * (1e-6) or after 50 iterations. Converges to a point near the centre of the optimal face (not a
 * vertex); use {@link purifyToOptimalVertex} for the vertex. Each iteration costs O(n·p²).
 * Throws RANK_DEFICIENT_DESIGN when XᵀDX is not positive definite (collinear columns) and
 * NOT_CONVERGED after 50 iterations without a small gap.
 * Source: quantreg src/rqfnb.f; Portnoy & Koenker (1997). Example: an intercept-only design gives
 * a sample τ-quantile of y.
 */
export function quantileRegressionFrischNewton(
  problem: QuantileRegressionProblem,
  tau: number,
  options: FrischNewtonOptions = {},
): QuantileRegressionResult {
  checkProblem(problem, tau);
  const { design, response, rows: n, columns: p } = problem;
  const beta = options.stepFactor ?? 0.99995;
  const eps = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 50;

  // Fortran names: c = −y, b = (1 − τ)·Xᵀ1, x = primal (start 1 − τ), s = u − x, y = dual.
  const c = new Float64Array(n);
  for (let i = 0; i < n; i += 1) c[i] = -response[i];
  const b = new Float64Array(p);
  transposeTimes(design, n, p, new Float64Array(n).fill(1), b, 1 - tau);
  const x = new Float64Array(n).fill(1 - tau);
  const s = new Float64Array(n);
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  const d = new Float64Array(n).fill(1);
  const dx = new Float64Array(n);
  const ds = new Float64Array(n);
  const dz = new Float64Array(n);
  const dw = new Float64Array(n);
  const dr = new Float64Array(n);
  const work = new Float64Array(n);
  const y = new Float64Array(p);
  const dy = new Float64Array(p);
  const rhs = new Float64Array(p);
  const ada = new Float64Array(p * p);

  const factorAndSolve = (vector: Float64Array): void => {
    weightedCrossProduct(design, n, p, d, ada, work);
    if (!choleskyInPlace(ada, p)) {
      throw new ScoringInputError(
        'RANK_DEFICIENT_DESIGN',
        'quantile regression: the design columns are collinear (XᵀDX is not positive definite); drop a constant or duplicated prior',
      );
    }
    choleskySolveInPlace(ada, p, vector);
  };

  transposeTimes(design, n, p, c, y, 1);
  factorAndSolve(y);
  designTimes(design, n, p, y, work);
  for (let i = 0; i < n; i += 1) {
    const slack = c[i] - work[i];
    if (abs(slack) < eps) {
      z[i] = max(slack, 0) + eps;
      w[i] = max(-slack, 0) + eps;
    } else {
      z[i] = max(slack, 0);
      w[i] = max(-slack, 0);
    }
    s[i] = 1 - x[i];
  }
  let gap = 0;
  for (let i = 0; i < n; i += 1) gap += z[i] * x[i] + w[i] * s[i];

  let iterations = 0;
  const steps = new Float64Array(2); // [primal step, dual step]
  while (gap > eps && iterations < maxIterations) {
    iterations += 1;
    scalingStep(n, x, s, z, w, d, ds, dz);
    dy.set(b);
    transposeTimes(design, n, p, x, dy, -1);
    transposeTimes(design, n, p, dz, dy, 1);
    rhs.set(dy);
    factorAndSolve(dy);
    designTimes(design, n, p, dy, work);
    predictorDirections(n, beta, work, x, s, z, w, d, dx, ds, dz, dw, steps);
    if (min(steps[0], steps[1]) < 1) {
      // Mehrotra corrector: re-centre with μ chosen from the predicted complementarity.
      const mu = correctorCentre(n, steps[0], steps[1], x, s, z, w, dx, ds, dz, dw);
      correctorResidual(n, mu, x, s, d, dx, ds, dz, dw, dr);
      // dswap(rhs, dy): dy ← rhs (the predictor right-hand side), then add A·dr and re-solve.
      dy.set(rhs);
      transposeTimes(design, n, p, dr, dy, 1);
      choleskySolveInPlace(ada, p, dy);
      designTimes(design, n, p, dy, work);
      correctorDirections(n, beta, mu, work, x, s, z, w, d, dx, ds, dz, dw, dr, steps);
    }
    gap = takeStep(n, steps[0], steps[1], x, s, z, w, dx, ds, dz, dw);
    for (let j = 0; j < p; j += 1) y[j] += steps[1] * dy[j];
  }
  if (gap > eps) {
    throw new ScoringInputError('NOT_CONVERGED', `Frisch–Newton did not reach duality gap ${eps} in ${maxIterations} iterations (gap ${gap})`, {
      tau,
      gap,
    });
  }
  const coefficients = new Float64Array(p);
  for (let j = 0; j < p; j += 1) coefficients[j] = -y[j];
  return { coefficients, iterations, certifiedVertex: false };
}

/** Solves the square system M·v = r (row-major p×p) by LU with partial pivoting; null when singular. */
function solveSquare(matrix: Float64Array, p: number, rhs: Float64Array): Float64Array | null {
  const a = Float64Array.from(matrix);
  const v = Float64Array.from(rhs);
  let scale = 0;
  for (const value of a) scale = max(scale, abs(value));
  for (let column = 0; column < p; column += 1) {
    let pivotRow = column;
    for (let row = column + 1; row < p; row += 1) {
      if (abs(a[row * p + column]) > abs(a[pivotRow * p + column])) pivotRow = row;
    }
    const pivot = a[pivotRow * p + column];
    if (!(abs(pivot) > 1e-13 * scale)) return null;
    if (pivotRow !== column) {
      for (let k = 0; k < p; k += 1) {
        const swap = a[column * p + k];
        a[column * p + k] = a[pivotRow * p + k];
        a[pivotRow * p + k] = swap;
      }
      const swap = v[column];
      v[column] = v[pivotRow];
      v[pivotRow] = swap;
    }
    for (let row = column + 1; row < p; row += 1) {
      const factor = a[row * p + column] / pivot;
      if (factor === 0) continue;
      for (let k = column; k < p; k += 1) a[row * p + k] -= factor * a[column * p + k];
      v[row] -= factor * v[column];
    }
  }
  for (let row = p - 1; row >= 0; row -= 1) {
    let sum = v[row];
    for (let k = row + 1; k < p; k += 1) sum -= a[row * p + k] * v[k];
    v[row] = sum / a[row * p + row];
  }
  return v;
}

/**
 * Exact optimal vertex near a given (interior-point) solution. Takes the p observations with the
 * smallest |residual| as a basis h, solves X_h·b = y_h, and accepts b only if the optimality
 * (subgradient) condition holds on every observation: with g = Σ_{i∉h} x_i·ψ_τ(r_i),
 * ψ_τ(r) = τ − 1[r < 0], the basis duals v = −X_h⁻ᵀ·g must lie in [τ − 1, τ]
 * (Koenker 2005, Quantile Regression, Thm 2.1). Returns null when the basis is singular, a
 * non-basic residual is exactly 0 (degenerate: several optimal vertices) or the certificate
 * fails. Cost O(n·p + n log p + p³).
 */
export function purifyToOptimalVertex(problem: QuantileRegressionProblem, tau: number, nearSolution: Float64Array): Float64Array | null {
  const residuals = new Float64Array(problem.rows);
  designResidual(problem, nearSolution, residuals);
  return certifyBasis(problem, tau, smallestAbsolute(residuals, problem.rows, problem.columns), residuals);
}

/** Indices of the p smallest |values[i]|, i < count, by a bounded insertion list (p is small). */
function smallestAbsolute(values: Float64Array, count: number, p: number): number[] {
  const basis: number[] = [];
  const basisAbs: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const absolute = abs(values[i]);
    if (basis.length === p && absolute >= basisAbs[p - 1]) continue;
    let position = basis.length;
    if (basis.length < p) {
      basis.push(i);
      basisAbs.push(absolute);
    } else {
      position = p - 1;
    }
    while (position > 0 && basisAbs[position - 1] > absolute) {
      basis[position] = basis[position - 1];
      basisAbs[position] = basisAbs[position - 1];
      position -= 1;
    }
    basis[position] = i;
    basisAbs[position] = absolute;
  }
  return basis;
}

/**
 * Solves X_h·b = y_h for the basis rows h and checks the subgradient optimality condition on all
 * rows (see {@link purifyToOptimalVertex}). On success returns b and leaves the residuals y − X·b
 * in `residuals` (basis rows set to 0); null when singular, degenerate or not optimal.
 */
function certifyBasis(problem: QuantileRegressionProblem, tau: number, basis: readonly number[], residuals: Float64Array): Float64Array | null {
  const { design, response, rows: n, columns: p } = problem;
  if (basis.length !== p) return null;
  // Row k of the basis matrix is observation basis[k].
  const basisMatrix = new Float64Array(p * p);
  const basisResponse = new Float64Array(p);
  basis.forEach((row, k) => {
    for (let j = 0; j < p; j += 1) basisMatrix[k * p + j] = design[j * n + row];
    basisResponse[k] = response[row];
  });
  const vertex = solveSquare(basisMatrix, p, basisResponse);
  if (vertex === null) return null;
  designResidual(problem, vertex, residuals);
  const psi = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const residual = residuals[i];
    psi[i] = residual > 0 ? tau : tau - 1;
  }
  for (const row of basis) {
    psi[row] = 0; // basic: not part of the subgradient sum
    residuals[row] = 0;
  }
  for (let i = 0; i < n; i += 1) {
    if (residuals[i] === 0 && psi[i] !== 0) return null; // a non-basic row on the plane: degenerate
  }
  const gradient = new Float64Array(p);
  transposeTimes(design, n, p, psi, gradient, -1);
  // X_hᵀ·v = −g  (the transpose of the basis matrix).
  const transposed = new Float64Array(p * p);
  for (let r = 0; r < p; r += 1) for (let k = 0; k < p; k += 1) transposed[k * p + r] = basisMatrix[r * p + k];
  const duals = solveSquare(transposed, p, gradient);
  if (duals === null) return null;
  const slack = 1e-9; // rounding in v; a dual this close to a bound means an (almost) tied optimum either way
  for (const value of duals) {
    if (!(value >= tau - 1 - slack && value <= tau + slack)) return null;
  }
  return vertex;
}

/** Options for {@link quantileRegressionProcess}. */
export interface QuantileProcessOptions extends FrischNewtonOptions {
  /**
   * Reduced problems keep about 0.8·m observations around the new quantile plane, with
   * m = factor·((p + 1)·n)^(2/3). quantreg's rq.fit.pfn uses factor 1 from a random subsample;
   * a neighbouring τ's exact solution is a much better start, so the default is 0.5.
   */
  readonly bandFactor?: number;
}

/** Mutable state shared by the steps of a chain of neighbouring τ fits on one design. */
interface ChainContext {
  readonly problem: QuantileRegressionProblem;
  /** Leverage scale √(x_iᵀ(XᵀX)⁻¹x_i) per row, which standardises residuals (rq.fit.pfn's band). */
  readonly band: Float64Array;
  readonly options: QuantileProcessOptions;
}

function leverageBand(problem: QuantileRegressionProblem): Float64Array {
  const { design, rows: n, columns: p } = problem;
  const gram = new Float64Array(p * p);
  weightedCrossProduct(design, n, p, new Float64Array(n).fill(1), gram, new Float64Array(n));
  if (!choleskyInPlace(gram, p)) {
    throw new ScoringInputError('RANK_DEFICIENT_DESIGN', 'quantile regression: the design columns are collinear (XᵀX is singular)');
  }
  // band_i² = ‖L⁻¹x_i‖², by forward substitution on whole columns: u_j = (x_j − Σ_{k<j} L_jk u_k)/L_jj.
  const solved = new Float64Array(n * p);
  const band = new Float64Array(n);
  for (let j = 0; j < p; j += 1) {
    const target = j * n;
    solved.set(design.subarray(target, target + n), target);
    for (let k = 0; k < j; k += 1) {
      const factor = gram[j * p + k];
      const source = k * n;
      for (let i = 0; i < n; i += 1) solved[target + i] -= factor * solved[source + i];
    }
    const diagonal = gram[j * p + j];
    for (let i = 0; i < n; i += 1) {
      const value = solved[target + i] / diagonal;
      solved[target + i] = value;
      band[i] += value * value;
    }
  }
  for (let i = 0; i < n; i += 1) band[i] = sqrt(band[i]);
  return band;
}

/** k-th smallest (0-based) of a scratch array, which it reorders (Hoare selection, O(n) expected). */
function selectInPlace(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    // Median of three as pivot keeps sorted or reversed input linear.
    const middle = (left + right) >> 1;
    const a = values[left];
    const b = values[middle];
    const c = values[right];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i += 1;
      while (values[j] > pivot) j -= 1;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k];
  }
  return values[k];
}

/** Type-7 quantile of a scratch array by selection (reorders it). */
function selectQuantile(values: Float64Array, probability: number): number {
  const index = (values.length - 1) * probability;
  const lo = floor(index);
  const low = selectInPlace(values, lo);
  if (index === lo) return low;
  const high = selectInPlace(values, lo + 1 < values.length ? lo + 1 : lo);
  return low + (index - lo) * (high - low);
}

/** A full-data fit: Frisch–Newton, then the exact vertex when one can be certified. */
function fitFull(problem: QuantileRegressionProblem, tau: number, options: FrischNewtonOptions): QuantileRegressionResult {
  const interior = quantileRegressionFrischNewton(problem, tau, options);
  const vertex = purifyToOptimalVertex(problem, tau, interior.coefficients);
  return vertex === null ? interior : { coefficients: vertex, iterations: interior.iterations, certifiedVertex: true };
}

/**
 * One warm-started step (rq.fit.pfn with the neighbouring τ's solution instead of a subsample fit):
 * standardised residuals q_i = r_i/band_i from `start`; observations with q below its
 * (τ − M/2n)-quantile or above its (τ + M/2n)-quantile are folded into one lower and one upper
 * glob (their residual signs are fixed at the optimum, so Σ of them acts as one observation);
 * the reduced problem is solved by Frisch–Newton and the result certified on all rows. Wrong
 * sign guesses are moved back (up to 3 times), then M doubles; the last resort is a full fit.
 */
function fitFromNeighbour(context: ChainContext, tau: number, startResiduals: Float64Array): ChainStep {
  const { problem, band, options } = context;
  const { rows: n, columns: p } = problem;
  const epsilon = options.tolerance ?? 1e-6;
  let m = round((options.bandFactor ?? 0.5) * ((p + 1) * n) ** (2 / 3));
  const standardised = new Float64Array(n);
  const residuals = new Float64Array(n);
  const scratch = new Float64Array(n);
  let iterations = 0;
  for (let i = 0; i < n; i += 1) standardised[i] = startResiduals[i] / max(epsilon, band[i]);
  while (m < n) {
    const half = (0.8 * m) / (2 * n);
    scratch.set(standardised);
    const lowCut = selectQuantile(scratch, max(1 / n, tau - half));
    scratch.set(standardised);
    const highCut = selectQuantile(scratch, min(tau + half, (n - 1) / n));
    const side = new Int8Array(n); // −1 lower glob, +1 upper glob, 0 kept
    for (let i = 0; i < n; i += 1) side[i] = standardised[i] < lowCut ? -1 : standardised[i] > highCut ? 1 : 0;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const { reduced, keptRows } = reducedProblem(problem, side);
      let interior: QuantileRegressionResult;
      try {
        interior = quantileRegressionFrischNewton(reduced, tau, options);
      } catch (error) {
        // Too few kept rows to span every spline column, or no convergence: widen the band.
        if (error instanceof ScoringInputError && (error.code === 'RANK_DEFICIENT_DESIGN' || error.code === 'NOT_CONVERGED')) break;
        throw error;
      }
      iterations += interior.iterations;
      // The basis lies among the kept rows (the globs sit far from the plane): choose it on the
      // small problem, certify it on all rows.
      const reducedResiduals = new Float64Array(reduced.rows);
      designResidual(reduced, interior.coefficients, reducedResiduals);
      const basis = smallestAbsolute(reducedResiduals, keptRows.length, p).map((local) => keptRows[local]);
      const vertex = certifyBasis(problem, tau, basis, residuals);
      if (vertex !== null) return { coefficients: vertex, iterations, certifiedVertex: true, residuals };
      designResidual(problem, interior.coefficients, residuals);
      let bad = 0;
      for (let i = 0; i < n; i += 1) {
        if ((side[i] === 1 && residuals[i] < 0) || (side[i] === -1 && residuals[i] > 0)) {
          side[i] = 0;
          bad += 1;
        }
      }
      // Every glob sign confirmed: the reduced optimum is optimal for all rows (Portnoy & Koenker 1997, §5).
      if (bad === 0) return { coefficients: interior.coefficients, iterations, certifiedVertex: false, residuals };
      if (bad > 0.1 * 0.8 * m) break;
    }
    m *= 2;
  }
  const full = fitFull(problem, tau, options);
  designResidual(problem, full.coefficients, residuals);
  return { ...full, iterations: iterations + full.iterations, residuals };
}

/** A chain step's result with the residuals of its solution on all rows (the next step's start). */
interface ChainStep extends QuantileRegressionResult {
  readonly residuals: Float64Array;
}

function designResidual(problem: QuantileRegressionProblem, coefficients: Float64Array, out: Float64Array): void {
  const { design, response, rows: n, columns: p } = problem;
  out.set(response);
  for (let j = 0; j < p; j += 1) {
    const coefficient = coefficients[j];
    const column = j * n;
    for (let i = 0; i < n; i += 1) out[i] -= coefficient * design[column + i];
  }
}

function reducedProblem(problem: QuantileRegressionProblem, side: Int8Array): { reduced: QuantileRegressionProblem; keptRows: Int32Array } {
  const { design, response, rows: n, columns: p } = problem;
  let kept = 0;
  let hasLow = false;
  let hasHigh = false;
  for (let i = 0; i < n; i += 1) {
    if (side[i] === 0) kept += 1;
    else if (side[i] < 0) hasLow = true;
    else hasHigh = true;
  }
  const rows = kept + (hasLow ? 1 : 0) + (hasHigh ? 1 : 0);
  const target = new Int32Array(n);
  const lowRow = kept;
  const highRow = kept + (hasLow ? 1 : 0);
  let next = 0;
  const keptRows = new Int32Array(kept);
  for (let i = 0; i < n; i += 1) {
    if (side[i] === 0) {
      keptRows[next] = i;
      target[i] = next++;
    } else {
      target[i] = side[i] < 0 ? lowRow : highRow;
    }
  }
  const reducedDesign = new Float64Array(rows * p);
  const reducedResponse = new Float64Array(rows);
  for (let i = 0; i < n; i += 1) reducedResponse[target[i]] += response[i];
  for (let j = 0; j < p; j += 1) {
    const source = j * n;
    const destination = j * rows;
    for (let i = 0; i < n; i += 1) reducedDesign[destination + target[i]] += design[source + i];
  }
  return { reduced: { design: reducedDesign, response: reducedResponse, rows, columns: p }, keptRows };
}

/**
 * Quantile regression at several τ on one design, fitted as a chain: the first τ on all data
 * (Frisch–Newton, then the certified vertex), each following τ warm-started from the previous
 * one (see module header). The result equals independent full fits wherever the optimum is
 * unique (it is certified on all rows), and is deterministic for a given chain. Cost about one
 * full fit plus, per further τ, O(n·p) and a fit on ~((p + 1)·n)^(2/3) rows.
 * Returns a p × taus.length column-major matrix: coefficients of τ_k at [k·p, (k + 1)·p).
 * Example: quantileRegressionProcess(problem, [0.495, 0.485, …]).
 */
export function quantileRegressionProcess(
  problem: QuantileRegressionProblem,
  taus: readonly number[],
  options: QuantileProcessOptions = {},
): { coefficients: Float64Array; iterations: number; certifiedVertices: number } {
  for (const tau of taus) checkProblem(problem, tau);
  const p = problem.columns;
  const coefficients = new Float64Array(p * taus.length);
  let iterations = 0;
  let certifiedVertices = 0;
  let context: ChainContext | null = null;
  let previousResiduals: Float64Array | null = null;
  taus.forEach((tau, index) => {
    let result: QuantileRegressionResult;
    if (previousResiduals === null) {
      result = fitFull(problem, tau, options);
      previousResiduals = new Float64Array(problem.rows);
      designResidual(problem, result.coefficients, previousResiduals);
    } else {
      context ??= { problem, band: leverageBand(problem), options };
      const step = fitFromNeighbour(context, tau, previousResiduals);
      result = step;
      previousResiduals = step.residuals;
    }
    coefficients.set(result.coefficients, index * p);
    iterations += result.iterations;
    if (result.certifiedVertex) certifiedVertices += 1;
  });
  return { coefficients, iterations, certifiedVertices };
}
