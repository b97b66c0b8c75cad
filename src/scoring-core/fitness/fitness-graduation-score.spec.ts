/**
 * Graduation score = final-year total × 50% + mean of the other years' totals × 50%, values
 * worked by hand in the comments. Scores are one-decimal results of exact integer arithmetic,
 * so toBe is exact.
 */
import { ScoringInputError } from '../scoring-input-error';
import { fitnessGraduationScore, type FitnessYearOutcome } from './fitness-graduation-score';

const year = (schoolYear: string, total: number | null, status: FitnessYearOutcome['status'] = 'scored'): FitnessYearOutcome => ({ schoolYear, status, total });

describe('fitnessGraduationScore', () => {
  it('weights the final year 50% and the mean of the other years 50%, rounding half up', () => {
    // 70.0 × 0.5 + mean(60.0, 65.0) × 0.5 = 35 + 31.25 = 66.25 → 66.3
    const result = fitnessGraduationScore({ stage: 'senior', finalYear: year('2025-2026', 70), otherYears: [year('2023-2024', 60), year('2024-2025', 65)] });
    expect(result).toEqual({ status: 'scored', score: 66.3, otherYearsUsed: 2, belowFifty: false, diplomaWithheld: false, reason: null });
  });

  it('handles four university years', () => {
    // 75.0 × 0.5 + mean(70.0, 72.0, 74.5) × 0.5 = 37.5 + 72.1667 × 0.5 = 37.5 + 36.0833 = 73.583 → 73.6
    const result = fitnessGraduationScore({ stage: 'university', finalYear: year('y4', 75), otherYears: [year('y1', 70), year('y2', 72), year('y3', 74.5)] });
    expect(result.score).toBe(73.6);
    expect(result.otherYearsUsed).toBe(3);
  });

  it('flags below 50, and withholds the diploma for senior and university graduates only', () => {
    // 45.0 × 0.5 + mean(50.0, 52.0) × 0.5 = 22.5 + 25.5 = 48.0
    const input = { finalYear: year('S3', 45), otherYears: [year('S1', 50), year('S2', 52)] };
    const senior = fitnessGraduationScore({ ...input, stage: 'senior' });
    expect(senior.score).toBe(48);
    expect(senior.belowFifty).toBe(true);
    expect(senior.diplomaWithheld).toBe(true);
    expect(fitnessGraduationScore({ ...input, stage: 'university' }).diplomaWithheld).toBe(true);
    const junior = fitnessGraduationScore({ ...input, stage: 'junior' });
    expect(junior.belowFifty).toBe(true);
    expect(junior.diplomaWithheld).toBe(false);
  });

  it('judges 50 on the one-decimal score: exactly 50.0 passes, 49.95 rounds to 50.0', () => {
    expect(fitnessGraduationScore({ stage: 'senior', finalYear: year('S3', 50), otherYears: [year('S1', 50)] }).belowFifty).toBe(false);
    // 49.9 × 0.5 + 50.0 × 0.5 = 49.95 → 50.0
    const rounded = fitnessGraduationScore({ stage: 'senior', finalYear: year('S3', 49.9), otherYears: [year('S1', 50)] });
    expect(rounded.score).toBe(50);
    expect(rounded.diplomaWithheld).toBe(false);
    // 49.8 × 0.5 + 50.0 × 0.5 = 49.9
    expect(fitnessGraduationScore({ stage: 'senior', finalYear: year('S3', 49.8), otherYears: [year('S1', 50)] }).diplomaWithheld).toBe(true);
  });

  it('marks an exempt final year 免测 and leaves exempt other years out of the mean', () => {
    const exempt = fitnessGraduationScore({ stage: 'senior', finalYear: year('S3', null, 'exempt'), otherYears: [year('S1', 80)] });
    expect(exempt.status).toBe('exempt');
    expect(exempt.score).toBeNull();
    expect(exempt.reason).toMatch(/免测/);
    // 80.0 × 0.5 + mean(70.0) × 0.5 = 75.0
    const partly = fitnessGraduationScore({ stage: 'senior', finalYear: year('S3', 80), otherYears: [year('S1', null, 'exempt'), year('S2', 70)] });
    expect(partly.score).toBe(75);
    expect(partly.otherYearsUsed).toBe(1);
  });

  it('uses the final-year total alone when there is no other scored year, and says so', () => {
    const result = fitnessGraduationScore({ stage: 'junior', finalYear: year('J3', 81.4), otherYears: [] });
    expect(result.score).toBe(81.4);
    expect(result.otherYearsUsed).toBe(0);
    expect(result.reason).toMatch(/final-year total/);
  });

  it('gives no score while a year is incomplete or deferred, naming the years', () => {
    const result = fitnessGraduationScore({ stage: 'senior', finalYear: year('S3', 70), otherYears: [year('S1', null, 'incomplete'), year('S2', null, 'deferred')] });
    expect(result.status).toBe('incomplete');
    expect(result.score).toBeNull();
    expect(result.reason).toBe('no graduation score until these years have a total: S1 (incomplete), S2 (deferred)');
  });

  it('rejects totals that are not one-decimal year totals', () => {
    expect(() => fitnessGraduationScore({ stage: 'senior', finalYear: year('S3', 80.05), otherYears: [] })).toThrow(ScoringInputError);
    expect(() => fitnessGraduationScore({ stage: 'senior', finalYear: year('S3', 121), otherYears: [] })).toThrow(/between 0 and 120/);
    expect(() => fitnessGraduationScore({ stage: 'senior', finalYear: year('S3', null), otherYears: [] })).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
  });
});
