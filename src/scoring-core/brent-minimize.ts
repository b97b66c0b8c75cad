/**
 * One-dimensional minimisation without derivatives.
 */
import { ScoringInputError } from './scoring-input-error';

export interface BrentMinimum {
  readonly argument: number;
  readonly value: number;
  readonly evaluations: number;
}

/**
 * Brent's method: golden-section search accelerated by successive parabolic interpolation,
 * for a function that is unimodal on [lower, upper].
 *
 * Stops when the bracket around the best point is within 2·(√ε·|x| + tolerance/3), the
 * same rule as R's `optimize` (Brent_fmin, netlib fmin.f); the minimiser is then located to
 * about √ε relative, the best possible for a smooth minimum in double precision.
 * Assumptions: finite f on [lower, upper]; several local minima → one of them.
 * Throws INVALID_ARGUMENT for an empty bracket, NOT_CONVERGED after maxEvaluations.
 * Cost: O(log(1/tolerance)) evaluations, typically 10–40.
 * Citation: Brent, Algorithms for Minimization without Derivatives (1973), ch. 5; R `optimize`.
 * Example: minimizeBrent((x) => (x - 2) ** 2, 0, 5).argument ≈ 2.
 */
export function minimizeBrent(
  objective: (argument: number) => number,
  lower: number,
  upper: number,
  tolerance = 1e-12,
  maxEvaluations = 500,
): BrentMinimum {
  if (!(lower < upper)) {
    throw new ScoringInputError('INVALID_ARGUMENT', `minimizeBrent needs lower < upper, got [${lower}, ${upper}]`);
  }
  const goldenSection = (3 - Math.sqrt(5)) / 2;
  const squareRootEpsilon = Math.sqrt(Number.EPSILON);
  let a = lower;
  let b = upper;
  let v = a + goldenSection * (b - a);
  let w = v;
  let x = v;
  let d = 0;
  let e = 0;
  let fx = objective(x);
  let evaluations = 1;
  let fv = fx;
  let fw = fx;
  const tolerance3 = tolerance / 3;

  for (;;) {
    const middle = (a + b) / 2;
    const tolerance1 = squareRootEpsilon * Math.abs(x) + tolerance3;
    const tolerance2 = 2 * tolerance1;
    if (Math.abs(x - middle) <= tolerance2 - (b - a) / 2) break;
    if (evaluations >= maxEvaluations) {
      throw new ScoringInputError('NOT_CONVERGED', `Brent minimisation did not converge in ${maxEvaluations} evaluations`, { lower, upper });
    }
    let p = 0;
    let q = 0;
    let r = 0;
    if (Math.abs(e) > tolerance1) {
      // Fit a parabola through x, v, w.
      r = (x - w) * (fx - fv);
      q = (x - v) * (fx - fw);
      p = (x - v) * q - (x - w) * r;
      q = (q - r) * 2;
      if (q > 0) p = -p;
      else q = -q;
      r = e;
      e = d;
    }
    if (Math.abs(p) >= Math.abs(0.5 * q * r) || p <= q * (a - x) || p >= q * (b - x)) {
      // Golden-section step.
      e = x < middle ? b - x : a - x;
      d = goldenSection * e;
    } else {
      // Parabolic step, kept at least tolerance1 from the ends.
      d = p / q;
      const u = x + d;
      if (u - a < tolerance2 || b - u < tolerance2) d = x < middle ? tolerance1 : -tolerance1;
    }
    const u = Math.abs(d) >= tolerance1 ? x + d : d > 0 ? x + tolerance1 : x - tolerance1;
    const fu = objective(u);
    evaluations += 1;
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { argument: x, value: fx, evaluations };
}
