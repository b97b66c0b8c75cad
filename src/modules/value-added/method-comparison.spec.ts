import { compareMethods } from './method-comparison';

const groups = ['a', 'b', 'c', 'd'].map((id) => ({ id, schoolId: `school-${id}` }));

describe('compareMethods', () => {
  it('gives Spearman ρ = 1 for the same order, −1 for the reverse, and the textbook value otherwise', () => {
    const comparison = compareMethods(groups, [
      { model: 'zgain', estimate: [1, 2, 3, 4], category: ['below', 'not_significant', 'not_significant', 'above'] },
      { model: 'ols', estimate: [10, 20, 30, 40], category: ['below', 'not_significant', 'not_significant', 'above'] },
      { model: 'prgain', estimate: [4, 3, 2, 1], category: ['above', 'not_significant', 'not_significant', 'below'] },
      { model: 'multilevel', estimate: [2, 1, 3, 4], category: ['below', 'not_significant', 'not_significant', 'above'] },
    ]);
    const rho = Object.fromEntries(comparison.correlations.map((c) => [c.models.join('-'), c.spearman]));
    expect(rho['zgain-ols']).toBeCloseTo(1, 14);
    expect(rho['zgain-prgain']).toBeCloseTo(-1, 14);
    // d = (1, −1, 0, 0): ρ = 1 − 6·2/(4·15) = 0.8
    expect(rho['zgain-multilevel']).toBeCloseTo(0.8, 14);
    expect(comparison.groupsCompared).toBe(4);
    expect(comparison.categoryDifferences).toEqual([
      { groupId: 'a', schoolId: 'school-a', categories: { zgain: 'below', ols: 'below', prgain: 'above', multilevel: 'below' } },
      { groupId: 'd', schoolId: 'school-d', categories: { zgain: 'above', ols: 'above', prgain: 'below', multilevel: 'above' } },
    ]);
  });

  it('uses mid-ranks for ties and leaves out groups that are insufficient under any model', () => {
    const comparison = compareMethods(groups, [
      { model: 'ols', estimate: [1, 1, 3, 9], category: ['not_significant', 'not_significant', 'above', 'insufficient'] },
      { model: 'multilevel', estimate: [1, 2, 3, -9], category: ['not_significant', 'not_significant', 'above', 'insufficient'] },
    ]);
    expect(comparison.groupsCompared).toBe(3);
    // ranks (1.5, 1.5, 3) and (1, 2, 3): Pearson of the ranks = √3/2
    expect(comparison.correlations[0].spearman).toBeCloseTo(Math.sqrt(3) / 2, 14);
    expect(comparison.categoryDifferences).toEqual([]);
  });

  it('has no correlation with fewer than three groups to compare', () => {
    const comparison = compareMethods(groups.slice(0, 2), [
      { model: 'ols', estimate: [1, 2], category: ['above', 'below'] },
      { model: 'zgain', estimate: [2, 1], category: ['above', 'not_significant'] },
    ]);
    expect(comparison.correlations).toEqual([{ models: ['ols', 'zgain'], spearman: null }]);
    expect(comparison.categoryDifferences).toEqual([{ groupId: 'b', schoolId: 'school-b', categories: { ols: 'below', zgain: 'not_significant' } }]);
  });
});
