import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectAllClose } from '../../test/helpers/expect-close';
import { bSplineBasis, splineDesign } from './b-spline-basis';
import { ScoringInputError } from './scoring-input-error';

interface BsGolden {
  bs: { knots: number[]; boundaries: [number, number]; x: number[]; expected: number[] }[];
  splineDesign: { knots: number[]; order: number; columns: number; cases: { derivative: number; x: number[]; expected: number[] }[] };
}
const golden = JSON.parse(readFileSync(join(__dirname, '../../test/reference/growth/bs-basis.json'), 'utf8')) as BsGolden;

describe('bSplineBasis (R splines::bs)', () => {
  it.each(golden.bs.map((c, i) => [i, c] as const))('matches R inside, on and beyond the boundaries, case %i', (_, c) => {
    // 1e-12 relative, absolute below 1 (basis values are O(1); exact zeros come out as ±1e-17
    // cancellation noise beyond the boundaries). De Boor's recurrences run in R's order;
    // beyond the boundaries a cubic in (x − pivot) amplifies rounding by |x − pivot|^3.
    expectAllClose(bSplineBasis(c.x, { knots: c.knots, boundaries: c.boundaries }), c.expected, 1e-12, 1);
  });

  it('sums with the dropped first column to one inside the boundaries', () => {
    const basis = bSplineBasis([0.3, 0.61], { knots: [0.2, 0.4, 0.6, 0.8], boundaries: [0, 1] });
    const firstColumn = splineDesign([0, 0, 0, 0, 0.2, 0.4, 0.6, 0.8, 1, 1, 1, 1], [0.3, 0.61], 4);
    for (let row = 0; row < 2; row += 1) {
      let total = firstColumn[row * 8];
      for (let column = 0; column < 7; column += 1) total += basis[row * 7 + column];
      expect(Math.abs(total - 1)).toBeLessThan(1e-14);
    }
  });

  it('gives NaN rows for missing values', () => {
    const basis = bSplineBasis([Number.NaN, 0.5], { knots: [0.2, 0.4, 0.6, 0.8], boundaries: [0, 1] });
    expect(Array.from(basis.subarray(0, 7)).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(basis[7])).toBe(false);
  });
});

describe('splineDesign (R splines::splineDesign)', () => {
  it.each(golden.splineDesign.cases.map((c) => [c.derivative, c] as const))('matches R for derivative %i', (derivative, c) => {
    const values = splineDesign(golden.splineDesign.knots, c.x, golden.splineDesign.order, [derivative]);
    // Derivatives divide by knot differences (≥ 0.2 here): 1e-12 relative, floor 1e-12.
    expectAllClose(values, c.expected, 1e-12, 1e-12);
  });

  it('refuses x outside the knot range and unsorted knots', () => {
    expect(() => splineDesign([0, 0, 0, 0, 1, 1, 1, 1], [1.5])).toThrow(ScoringInputError);
    expect(() => splineDesign([0, 0, 0, 1, 0, 1, 1, 1], [0.5])).toThrow(ScoringInputError);
  });
});
