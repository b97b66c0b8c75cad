import { combineTermScores, type TermScoreInput } from './graduation';

const terms = (scores: number[]): TermScoreInput[] => scores.map((score, index) => ({ termId: `t${index + 1}`, termCode: `202${4 + Math.floor(index / 2)}-202${5 + Math.floor(index / 2)}-${(index % 2) + 1}`, position: index + 1, score, runId: `r${index + 1}` }));
const WEIGHTS = { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1.5, '6': 1.5 };

describe('combineTermScores (hand-checked)', () => {
  it('weights the terms: (80 + 82 + 84 + 86 + 1.5·90 + 1.5·94) / 7 = 608 / 7 = 86.857… → 86.86', () => {
    const result = combineTermScores(terms([80, 82, 84, 86, 90, 94]), WEIGHTS)!;
    expect(result.score).toBe(86.86);
    expect(result.totalWeight).toBe(7);
    expect(result.missingPositions).toEqual([]);
    expect(result.terms.map((t) => t.weight)).toEqual([1, 1, 1, 1, 1.5, 1.5]);
    // contributions add up to the unrounded mean
    expect(result.terms.reduce((sum, t) => sum + t.contribution, 0)).toBeCloseTo(608 / 7, 12);
    expect(result.terms[5].contribution).toBeCloseTo((1.5 * 94) / 7, 12);
  });

  it('renormalises over the terms present and reports the missing ones: (332 + 135) / 5.5 = 84.909… → 84.91', () => {
    const result = combineTermScores(terms([80, 82, 84, 86, 90]), WEIGHTS)!;
    expect(result.score).toBe(84.91);
    expect(result.totalWeight).toBe(5.5);
    expect(result.missingPositions).toEqual([6]);
  });

  it('weighs unlisted positions 1 and ignores zero-weight terms', () => {
    expect(combineTermScores(terms([70, 90]), {})!.score).toBe(80);
    expect(combineTermScores(terms([70, 90]), { '1': 0 })!.score).toBe(90);
    expect(combineTermScores(terms([70]), { '1': 0 })).toBeNull();
    expect(combineTermScores([], WEIGHTS)).toBeNull();
  });
});
