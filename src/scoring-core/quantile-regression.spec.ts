import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectAllClose } from '../../test/helpers/expect-close';
import { seededNormal } from '../../test/helpers/simulate-growth';
import { bSplineBasis } from './b-spline-basis';
import { purifyToOptimalVertex, quantileRegressionFrischNewton, quantileRegressionProcess, type QuantileRegressionProblem } from './quantile-regression';
import { quantileType7 } from './r-quantile';
import { ScoringInputError } from './scoring-input-error';

interface RqGolden {
  x: number[];
  y: number[];
  knots: number[];
  boundaries: [number, number];
  taus: number[];
  br: number[][];
  fn: number[][];
}
const golden = JSON.parse(readFileSync(join(__dirname, '../../test/reference/growth/rq-small.json'), 'utf8')) as RqGolden;

/** Column-major [1, bs(x)] as R's cbind(1, bs(x, knots, Boundary.knots)). */
function splineProblem(x: ArrayLike<number>, y: ArrayLike<number>, knots: number[], boundaries: [number, number]): QuantileRegressionProblem {
  const n = x.length;
  const basis = bSplineBasis(x, { knots, boundaries });
  const design = new Float64Array(n * 8);
  design.fill(1, 0, n);
  for (let row = 0; row < n; row += 1) for (let column = 0; column < 7; column += 1) design[(1 + column) * n + row] = basis[row * 7 + column];
  return { design, response: Float64Array.from(y), rows: n, columns: 8 };
}

function objective(problem: QuantileRegressionProblem, tau: number, coefficients: ArrayLike<number>): number {
  let total = 0;
  for (let row = 0; row < problem.rows; row += 1) {
    let fitted = 0;
    for (let column = 0; column < problem.columns; column += 1) fitted += problem.design[column * problem.rows + row] * coefficients[column];
    const residual = problem.response[row] - fitted;
    total += residual * (tau - (residual < 0 ? 1 : 0));
  }
  return total;
}

const problem = splineProblem(golden.x, golden.y, golden.knots, golden.boundaries);

describe('quantileRegressionFrischNewton (quantreg rq.fit.fnb)', () => {
  it.each(golden.taus.map((tau, index) => [tau, index] as const))('follows R\'s "fn" path at tau %f', (tau, index) => {
    const fit = quantileRegressionFrischNewton(problem, tau);
    // Same iterations as the Fortran; only the summation order of the BLAS calls differs, and the
    // interior point stops at duality gap 1e-6, so agreement is to ~1e-8 of the coefficient scale.
    expectAllClose(fit.coefficients, golden.fn[index], 1e-6, 1e-3);
  });

  it('reduces to the sample quantile for an intercept-only design', () => {
    const normal = seededNormal(3);
    const y = Float64Array.from({ length: 301 }, () => Math.round(normal() * 1000) / 100);
    const fit = quantileRegressionFrischNewton({ design: new Float64Array(301).fill(1), response: y, rows: 301, columns: 1 }, 0.5);
    const exact = purifyToOptimalVertex({ design: new Float64Array(301).fill(1), response: y, rows: 301, columns: 1 }, 0.5, fit.coefficients);
    expect(exact).not.toBeNull();
    expect(exact?.[0]).toBe(quantileType7(y, [0.5])[0]);
  });

  it('rejects collinear designs, bad tau and too few rows with coded errors', () => {
    const design = new Float64Array(20).fill(1); // two identical intercept columns
    const response = Float64Array.from({ length: 10 }, (_, i) => i);
    const rankDeficient = { design, response, rows: 10, columns: 2 };
    expect(() => quantileRegressionFrischNewton(rankDeficient, 0.5)).toThrow(expect.objectContaining({ code: 'RANK_DEFICIENT_DESIGN' }));
    expect(() => quantileRegressionFrischNewton(problem, 1)).toThrow(ScoringInputError);
    expect(() => quantileRegressionFrischNewton({ ...problem, rows: 5, response: problem.response.subarray(0, 5), design: problem.design.subarray(0, 40) }, 0.5)).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_DATA' }),
    );
  });
});

describe('purifyToOptimalVertex (the vertex quantreg "br" returns)', () => {
  it.each(golden.taus.map((tau, index) => [tau, index] as const))('equals R\'s "br" at tau %f', (tau, index) => {
    const fit = quantileRegressionFrischNewton(problem, tau);
    const vertex = purifyToOptimalVertex(problem, tau, fit.coefficients);
    expect(vertex).not.toBeNull();
    // A basic solution is the solution of 8 linear equations: agreement to rounding (1e-9 relative).
    expectAllClose(vertex as Float64Array, golden.br[index], 1e-9, 1e-6);
    expect(objective(problem, tau, vertex as Float64Array)).toBeLessThanOrEqual(objective(problem, tau, fit.coefficients) + 1e-9);
  });
});

describe('quantileRegressionProcess (warm-started chain of taus)', () => {
  it('gives the same certified optima as independent fits, in either direction', () => {
    const normal = seededNormal(11);
    const n = 6000;
    const x = Float64Array.from({ length: n }, () => Math.round((50 + 10 * normal()) * 100) / 100);
    const y = x.map((value) => Math.round((5 + 0.8 * value + (4 + Math.abs(value - 50) / 5) * normal()) * 100) / 100);
    const sorted = Float64Array.from(x).sort();
    const knots = quantileType7(sorted, [0.2, 0.4, 0.6, 0.8]);
    const simulated = splineProblem(x, y, knots, [sorted[0] - 1, sorted[n - 1] + 1]);
    const taus = [0.495, 0.485, 0.475, 0.3, 0.05, 0.005];
    const chain = quantileRegressionProcess(simulated, taus);
    expect(chain.certifiedVertices).toBe(taus.length);
    taus.forEach((tau, index) => {
      const single = purifyToOptimalVertex(simulated, tau, quantileRegressionFrischNewton(simulated, tau).coefficients);
      expect(single).not.toBeNull();
      // Both are the unique optimal vertex, computed from possibly different (equivalent) bases.
      expectAllClose(chain.coefficients.subarray(index * 8, index * 8 + 8), single as Float64Array, 1e-9, 1e-6);
    });
  });
});
