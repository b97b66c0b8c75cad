import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectAllClose } from '../../test/helpers/expect-close';
import { extendRange, quantileType7, roundHalfEven, roundLikeR } from './r-quantile';
import { ScoringInputError } from './scoring-input-error';

interface Primitives {
  quantile: { x: number[]; probs: number[]; expected: number[] }[];
  round3: { x: number[]; expected: number[] };
  round5: { x: number[]; expected: number[] };
  extendrange: { x: number[]; expected: number[] };
}
const golden = JSON.parse(readFileSync(join(__dirname, '../../test/reference/growth/r-primitives.json'), 'utf8')) as Primitives;

describe('quantileType7 (R quantile type 7)', () => {
  it.each(golden.quantile.map((c, i) => [i, c] as const))('matches R on case %i', (_, c) => {
    // 1e-14: one interpolation (1 − h)·a + h·b in doubles, same formula as R.
    expectAllClose(quantileType7(c.x, c.probs), c.expected, 1e-14);
  });

  it('returns order statistics exactly and rejects missing values', () => {
    expect(quantileType7([5, 1, 3], [0, 0.5, 1])).toEqual([1, 3, 5]);
    expect(() => quantileType7([1, Number.NaN], [0.5])).toThrow(ScoringInputError);
    expect(() => quantileType7([], [0.5])).toThrow(ScoringInputError);
  });
});

describe('roundLikeR (R >= 4.0.0 round)', () => {
  it('reproduces round(x, 3) and round(x, 5) of R exactly', () => {
    // Exact equality on purpose: these are decisions (which decimal), not approximations.
    expect(golden.round3.x.map((x) => roundLikeR(x, 3))).toEqual(golden.round3.expected);
    expect(golden.round5.x.map((x) => roundLikeR(x, 5))).toEqual(golden.round5.expected);
  });

  it('rounds representable halves to even and leaves zero and non-finite values alone', () => {
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
    expect(roundLikeR(0.125, 2)).toBe(0.12);
    expect(roundLikeR(0, 3)).toBe(0);
    expect(roundLikeR(Number.NaN, 3)).toBeNaN();
    expect(roundLikeR(-2.5, 0)).toBe(-2);
  });
});

describe('extendRange (R extendrange)', () => {
  it('matches R', () => {
    expectAllClose(extendRange(golden.extendrange.x), golden.extendrange.expected, 1e-15);
  });
});
