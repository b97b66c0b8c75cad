import { type CatalogueIndicator, checkRubricDefinition, levelForScore, roundScore } from './rubric';

const CATALOGUE = new Map<string, CatalogueIndicator>([
  ['moral.conduct_level', { code: 'moral.conduct_level', valueType: 'level', levels: ['A', 'B', 'C', 'D'] }],
  ['moral.volunteer_hours', { code: 'moral.volunteer_hours', valueType: 'hours', levels: null }],
]);
const CUTOFFS = { A: 85, B: 70, C: 60 };
const rule = (extra: Record<string, unknown> = {}) => ({ id: 'r1', nameZh: '规则', nameEn: 'Rule', source: { indicators: ['moral.volunteer_hours'] }, formula: 'sum', ...extra });
const dims = (moralRules: unknown[]) => ({
  moral: { maxScore: 100, cutoffs: CUTOFFS, rules: moralRules },
  academic: { maxScore: 100, cutoffs: CUTOFFS, rules: [rule({ id: 'a' })] },
  physical: { maxScore: 100, cutoffs: CUTOFFS, rules: [rule({ id: 'p' })] },
  aesthetic: { maxScore: 100, cutoffs: CUTOFFS, rules: [rule({ id: 'e' })] },
  labour: { maxScore: 100, cutoffs: CUTOFFS, rules: [rule({ id: 'l' })] },
});

describe('checkRubricDefinition', () => {
  it('accepts a complete definition and fills defaults (weight 1, activity states, activity dimension)', () => {
    const result = checkRubricDefinition({ dimensions: dims([rule(), { id: 'acts', nameZh: '活动', nameEn: 'Acts', source: { activities: {} }, formula: 'count' }]), quota: { maxShareA: 0.3, exemptDimensions: ['moral'] } }, CATALOGUE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rubric.rules.map((r) => [r.id, r.dimension, r.weight])).toEqual([['r1', 'moral', 1], ['acts', 'moral', 1], ['a', 'academic', 1], ['p', 'physical', 1], ['e', 'aesthetic', 1], ['l', 'labour', 1]]);
    expect(result.rubric.definition.dimensions.moral.rules[1].source).toEqual({ activities: { dimension: 'moral' } });
    expect(result.rubric.definition.activityStatuses).toContain('CONFIRMED');
    expect(result.rubric.definition.activityStatuses).not.toContain('REVOKED');
    expect(result.rubric.indicatorCodes).toEqual(['moral.volunteer_hours']);
  });

  it('names every problem with its field path', () => {
    const result = checkRubricDefinition(
      {
        dimensions: { ...dims([rule({ formula: 'import("x")' }), rule({ id: 'r1', source: { indicators: ['nope'] } }), rule({ id: 'lp', source: { indicators: ['moral.conduct_level'] }, formula: 'level_points', levelPoints: { E: 1 } })]), labour: undefined },
        quota: { maxShareA: 1.5 },
        termWeights: { first: 1 },
        activityStatuses: ['PARTY'],
        extra: true,
      },
      CATALOGUE,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.problems.map((p) => `${p.field}:${p.code}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'extra:INVALID_VALUE',
        'dimensions.moral.rules[0].formula:FUNCTION_NOT_ALLOWED',
        'dimensions.moral.rules[1].source.indicators[0]:UNKNOWN_INDICATOR',
        'dimensions.moral.rules[2].levelPoints.E:UNKNOWN_LEVEL',
        'dimensions.labour:INVALID_VALUE',
        'quota.maxShareA:INVALID_VALUE',
        'termWeights.first:INVALID_VALUE',
        'activityStatuses:INVALID_VALUE',
      ]),
    );
    const formula = result.problems.find((p) => p.code === 'FUNCTION_NOT_ALLOWED')!;
    expect(formula.part).toBe('import');
    expect(formula.message).toContain('dimensions.moral.rules[0].formula');
  });

  it('refuses duplicate rule ids, bad cut-offs and a missing dimensions object', () => {
    const dup = checkRubricDefinition({ dimensions: { ...dims([rule(), rule()]), academic: { maxScore: 100, cutoffs: { A: 60, B: 70, C: 50 }, rules: [rule({ id: 'a' })] } } }, CATALOGUE);
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.problems.map((p) => `${p.field}:${p.code}`)).toEqual(['dimensions.moral.rules[1].id:DUPLICATE_RULE_ID', 'dimensions.academic.cutoffs:INVALID_VALUE']);
    expect(checkRubricDefinition({}, CATALOGUE)).toMatchObject({ ok: false, problems: [{ field: 'dimensions' }] });
    expect(checkRubricDefinition('x', CATALOGUE)).toMatchObject({ ok: false, problems: [{ field: 'definition' }] });
  });

  it('levels and rounding', () => {
    expect(levelForScore(85, CUTOFFS)).toBe('A');
    expect(levelForScore(84.99, CUTOFFS)).toBe('B');
    expect(levelForScore(60, CUTOFFS)).toBe('C');
    expect(levelForScore(59.99, CUTOFFS)).toBe('D');
    expect(roundScore(84.995)).toBe(85);
    expect(roundScore(0.1 + 0.2)).toBe(0.3);
    expect(roundScore(86.857142857)).toBe(86.86);
  });
});
