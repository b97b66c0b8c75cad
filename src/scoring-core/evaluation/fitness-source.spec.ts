import { checkFormula, describeAggregateOf } from './formula-sandbox';
import { type CatalogueIndicator, checkRubricDefinition, type CompiledRubric } from './rubric';
import { type FitnessYearInput, scoreStudentTerm } from './score-student-term';

/** Fitness year totals as a rubric source (docs/evaluation.md, "Fitness rules"): checked at save time, scored with provenance. */
const CATALOGUE = new Map<string, CatalogueIndicator>([['moral.volunteer_hours', { code: 'moral.volunteer_hours', valueType: 'hours', levels: null }]]);
const CUTOFFS = { A: 85, B: 70, C: 60 };
const zero = (id: string) => ({ id, nameZh: id, nameEn: id, source: { indicators: ['moral.volunteer_hours'] }, formula: '0' });

function definition(physicalRules: unknown[]) {
  return {
    dimensions: {
      moral: { maxScore: 100, cutoffs: CUTOFFS, rules: [zero('m')] },
      academic: { maxScore: 100, cutoffs: CUTOFFS, rules: [zero('a')] },
      physical: { maxScore: 100, cutoffs: CUTOFFS, rules: physicalRules },
      aesthetic: { maxScore: 100, cutoffs: CUTOFFS, rules: [zero('e')] },
      labour: { maxScore: 100, cutoffs: CUTOFFS, rules: [zero('l')] },
    },
    quota: null,
    termWeights: {},
  };
}

function compile(physicalRules: unknown[]): CompiledRubric {
  const result = checkRubricDefinition(definition(physicalRules), CATALOGUE);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.rubric;
}

const RULES = [
  { id: 'fitness_total', nameZh: '体质健康学年总分', nameEn: 'Fitness year total', source: { fitness: {} }, formula: 'total * 0.5 + 10 * passed' },
  { id: 'fitness_level', nameZh: '体质健康等级', nameEn: 'Fitness level', source: { fitness: {} }, formula: 'level_points', levelPoints: { 优秀: 30, 良好: 25, 及格: 20, 不及格: 5 } },
];

describe('fitness year results as a rubric source', () => {
  it('accepts { fitness: {} } with total, scored, passed and level_points (with a table of fitness levels)', () => {
    const rubric = compile(RULES);
    expect(rubric.rules.filter((rule) => 'fitness' in rule.source).map((rule) => rule.id)).toEqual(['fitness_total', 'fitness_level']);
    expect(rubric.indicatorCodes).toEqual(['moral.volunteer_hours']);
    expect(checkFormula('scored ? total : 0', { kind: 'fitness', hasLevelPoints: false }).ok).toBe(true);
  });

  it('refuses what a fitness rule cannot read, options it does not take, and levels that are not fitness levels', () => {
    const problems = (rules: unknown[]) => {
      const result = checkRubricDefinition(definition(rules), CATALOGUE);
      return result.ok ? [] : result.problems.map((p) => `${p.field} ${p.code}`);
    };
    expect(problems([{ ...RULES[0], formula: 'sum_hours + mean' }])).toEqual(expect.arrayContaining([expect.stringMatching(/physical\.rules\[0\]\.formula SYMBOL_NOT_ALLOWED/)]));
    expect(problems([{ ...RULES[0], formula: 'count_level("city")' }])[0]).toMatch(/physical\.rules\[0\]\.formula FUNCTION_NOT_ALLOWED/);
    expect(problems([{ ...RULES[1], levelPoints: undefined }])[0]).toMatch(/physical\.rules\[0\]\.formula SYMBOL_NOT_ALLOWED/);
    expect(problems([{ ...RULES[1], levelPoints: { A: 30 } }])).toEqual(['dimensions.physical.rules[0].levelPoints.A UNKNOWN_LEVEL']);
    expect(problems([{ ...RULES[0], source: { fitness: { year: 'last' } } }])).toEqual(['dimensions.physical.rules[0].source.fitness.year INVALID_VALUE']);
    expect(problems([{ ...RULES[0], source: { fitness: {}, indicators: ['moral.volunteer_hours'] } }])[0]).toMatch(/source/);
    const refused = checkFormula('sum', { kind: 'fitness', hasLevelPoints: false });
    expect(refused.ok ? null : refused.problems[0].messageZh).toBe('“sum”不是体质健康规则可用的汇总量（可用：total、scored、passed）');
  });

  it('scores the year result with its id as provenance; no result or no total scores 0 with no record', () => {
    const rubric = compile(RULES);
    const good: FitnessYearInput = { id: 'fit-1', schoolYear: '2024-2025', total: 82.5, level: '良好' };
    const physical = (fitness: FitnessYearInput | null) => scoreStudentTerm(rubric, { termRecords: [], activities: [], fitness }).find((d) => d.dimension === 'physical')!;

    const scored = physical(good);
    // 82.5 × 0.5 + 10 × 1 = 51.25; 良好 → 25; 76.25 → B
    expect(scored).toMatchObject({ score: 76.25, level: 'B' });
    expect(scored.rules.map((rule) => [rule.ruleId, rule.points, rule.recordIds, rule.source])).toEqual([
      ['fitness_total', 51.25, ['fit-1'], 'fitness'],
      ['fitness_level', 25, ['fit-1'], 'fitness'],
    ]);
    expect(scored.rules[0].terms.map((term) => [term.text, term.points, term.inputs.map((i) => [i.key, i.value, i.recordIds])])).toEqual([
      ['total * 0.5', 41.25, [['total', 82.5, ['fit-1']]]],
      ['10 * passed', 10, [['passed', 1, ['fit-1']]]],
    ]);

    expect(physical({ ...good, total: 52, level: '不及格' })).toMatchObject({ score: 31 }); // 26 + 0 + 5
    for (const none of [null, { id: 'fit-2', schoolYear: '2024-2025', total: null, level: null }]) {
      const result = physical(none);
      expect(result.score).toBe(0);
      expect(result.rules.every((rule) => rule.recordIds.length === 0 || rule.recordIds[0] === 'fit-2')).toBe(true);
      expect(result.rules.flatMap((rule) => rule.terms.flatMap((term) => term.inputs.flatMap((i) => i.recordIds)))).toEqual([]);
    }
    // Indicator and activity rules carry no source mark, so their stored provenance is unchanged.
    expect(scoreStudentTerm(rubric, { termRecords: [], activities: [] }).find((d) => d.dimension === 'moral')!.rules[0]).not.toHaveProperty('source');
  });

  it('explains the fitness aggregates as fitness (level_points of the year, not of a term record)', () => {
    expect(describeAggregateOf('fitness', 'level_points').descriptionZh).toContain('体质健康等级');
    expect(describeAggregateOf('indicator', 'level_points').descriptionZh).toContain('最近一次等级');
    expect(describeAggregateOf('fitness', 'total').description).toContain('fitness year total');
  });
});
