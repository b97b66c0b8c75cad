import { EVALUATION_DIMENSIONS } from './activity-vocabulary';
import { applyLevelQuota, type QuotaEntry } from './level-quota';
import { levelForScore } from './rubric';

const CUTOFFS = { A: 85, B: 70, C: 60 };
const entries = (schoolId: string, dimension: QuotaEntry['dimension'], scores: number[], prefix: string): QuotaEntry[] =>
  scores.map((score, index) => ({ studentId: `${prefix}${String(index).padStart(2, '0')}`, schoolId, dimension, score, level: levelForScore(score, CUTOFFS) }));

describe('applyLevelQuota (hand-computed)', () => {
  // S1, academic: 10 students, 7 at A (≥ 85). 30% of 10 → 3 may keep A. Ordered A scores:
  // 98, 95, 92 | 90, 90, 88, 86 — the first beyond the cap scores 90, so 90, 90, 88 and 86 become B.
  const s1Academic = entries('S1', 'academic', [98, 95, 92, 90, 90, 88, 86, 80, 72, 55], 'a');
  // S1, physical: a tie across the cap. A scores 95 | 90, 90, 90, 85 (cap 3): the first beyond the
  // cap (the 4th) scores 90, so every A at or below 90 becomes B — only 95 keeps A (tie rule).
  const s1Physical = entries('S1', 'physical', [95, 90, 90, 90, 85, 70, 70, 60, 50, 40], 'a');
  // S1, moral: exempt — all ten A stay A.
  const s1Moral = entries('S1', 'moral', Array(10).fill(90), 'a');
  // S2, academic: 7 students → ⌊2.1⌋ = 2 may keep A; A scores 100, 99 | 85 → 85 becomes B.
  const s2Academic = entries('S2', 'academic', [100, 99, 85, 84, 70, 61, 30], 'b');
  // S3, academic: 3 students all A → ⌊0.9⌋ = 0: every A becomes B.
  const s3Academic = entries('S3', 'academic', [99, 98, 97], 'c');
  const outcome = applyLevelQuota([...s1Academic, ...s1Physical, ...s1Moral, ...s2Academic, ...s3Academic], { maxShareA: 0.3, exemptDimensions: ['moral'] }, EVALUATION_DIMENSIONS);
  const group = (school: string, dimension: string) => outcome.groups.find((g) => g.schoolId === school && g.dimension === dimension)!;

  it('reports every school × dimension in order with the cap and both distributions', () => {
    expect(outcome.groups.map((g) => `${g.schoolId}/${g.dimension}`)).toEqual(['S1/moral', 'S1/academic', 'S1/physical', 'S2/academic', 'S3/academic']);
    expect(group('S1', 'academic')).toEqual({
      schoolId: 'S1',
      dimension: 'academic',
      students: 10,
      exempt: false,
      allowedA: 3,
      computed: { A: 7, B: 2, C: 0, D: 1 },
      final: { A: 3, B: 6, C: 0, D: 1 },
      boundaryScore: 90,
      demoted: [
        { studentId: 'a03', score: 90 },
        { studentId: 'a04', score: 90 },
        { studentId: 'a05', score: 88 },
        { studentId: 'a06', score: 86 },
      ],
    });
  });

  it('treats tied students alike: all of a tie that would exceed the cap become B', () => {
    const physical = group('S1', 'physical');
    expect(physical.allowedA).toBe(3);
    expect(physical.boundaryScore).toBe(90);
    expect(physical.demoted.map((d) => d.studentId)).toEqual(['a01', 'a02', 'a03', 'a04']);
    expect(physical.final).toEqual({ A: 1, B: 6, C: 1, D: 2 });
  });

  it('never touches an exempt dimension', () => {
    expect(group('S1', 'moral')).toMatchObject({ exempt: true, allowedA: null, computed: { A: 10 }, final: { A: 10 }, demoted: [], boundaryScore: null });
  });

  it('rounds the cap down (a cap is never exceeded), also for tiny schools', () => {
    expect(group('S2', 'academic')).toMatchObject({ allowedA: 2, demoted: [{ studentId: 'b02', score: 85 }], final: { A: 2, B: 3 } });
    expect(group('S3', 'academic')).toMatchObject({ allowedA: 0, final: { A: 0, B: 3 } });
  });

  it('lists the demoted students as keys', () => {
    expect([...outcome.demotedKeys].sort()).toEqual(['a01|physical', 'a02|physical', 'a03|academic', 'a03|physical', 'a04|academic', 'a04|physical', 'a05|academic', 'a06|academic', 'b02|academic', 'c00|academic', 'c01|academic', 'c02|academic']);
  });

  it('guards the floor against binary fractions (0.29 × 100 is 28.999… in doubles)', () => {
    const hundred = entries('S9', 'labour', Array(100).fill(90), 'z');
    expect(applyLevelQuota(hundred, { maxShareA: 0.29, exemptDimensions: [] }, EVALUATION_DIMENSIONS).groups[0].allowedA).toBe(29);
  });

  it('with no quota only reports the distribution', () => {
    const none = applyLevelQuota(s1Academic, null, EVALUATION_DIMENSIONS);
    expect(none.demotedKeys.size).toBe(0);
    expect(none.groups[0]).toMatchObject({ exempt: true, computed: { A: 7 }, final: { A: 7 } });
  });
});
