import { artAssessment } from './art-assessment-level';

describe('artAssessment (教体艺〔2015〕5号 levels at 90/75/60)', () => {
  it('sums the three parts and grades the total at the boundaries', () => {
    expect(artAssessment({ basic: 36, academic: 44, development: 12 })).toEqual({ total: 92, level: 'excellent' });
    expect(artAssessment({ basic: 40, academic: 45, development: 5 }).level).toBe('excellent'); // exactly 90
    expect(artAssessment({ basic: 40, academic: 45, development: 4.9 }).level).toBe('good'); // 89.9
    expect(artAssessment({ basic: 30, academic: 40, development: 5 }).level).toBe('good'); // exactly 75
    expect(artAssessment({ basic: 30, academic: 30, development: 0 }).level).toBe('pass'); // exactly 60
    expect(artAssessment({ basic: 30, academic: 29.9, development: 0 }).level).toBe('fail'); // 59.9
  });

  it('allows the bonus above 100 and rounds the sum to tenths', () => {
    expect(artAssessment({ basic: 40, academic: 50, development: 20 })).toEqual({ total: 110, level: 'excellent' });
    expect(artAssessment({ basic: 0.1, academic: 0.2, development: 0 }).total).toBe(0.3);
  });

  it('gives no total when a part is missing, and refuses parts out of range', () => {
    expect(artAssessment({ basic: 36, academic: null, development: 12 })).toEqual({ total: null, level: null });
    expect(() => artAssessment({ basic: 41, academic: 40, development: 10 })).toThrow(RangeError);
    expect(() => artAssessment({ basic: 30, academic: Number.NaN, development: 10 })).toThrow(RangeError);
  });
});
