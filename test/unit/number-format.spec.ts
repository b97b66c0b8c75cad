import * as fc from 'fast-check';
import { formatFixed } from '../../web/src/number-format';

/**
 * The web UI writes numbers without Intl (web/src/number-format.ts): the text must be exactly what
 * Intl.NumberFormat writes for zh-CN and en-GB, rounding included (Node has full ICU).
 */
describe('formatFixed writes numbers as Intl.NumberFormat does, without it', () => {
  const intl = (value: number, digits: number, locale: string) => value.toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });

  it.each([
    [18.705, 2, '18.71'], // toFixed gives 18.70: the binary value is 18.70499…
    [1.005, 2, '1.01'],
    [-131330.485, 2, '-131,330.49'],
    [999.995, 2, '1,000.00'],
    [0.5, 0, '1'],
    [-0.5, 0, '-1'],
    [0, 1, '0.0'],
    [1234567.5, 1, '1,234,567.5'],
    [0.0000001, 2, '0.00'],
  ])('%p with %p digits is %p', (value, digits, text) => {
    expect(formatFixed(value, digits)).toBe(text);
    expect(formatFixed(value, digits)).toBe(intl(value, digits, 'zh-CN'));
  });

  it('agrees with Intl for zh-CN and en-GB on any number and 0–3 digits, ties included', () => {
    const tie = fc.tuple(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.integer({ min: 1, max: 4 })).map(([n, places]) => (n + 0.5) / 10 ** places);
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), tie), fc.integer({ min: 0, max: 3 }), (value, digits) => {
        expect(formatFixed(value, digits)).toBe(intl(value, digits, 'zh-CN'));
        expect(formatFixed(value, digits)).toBe(intl(value, digits, 'en-GB'));
      }),
      { numRuns: 5_000 },
    );
  });
});
