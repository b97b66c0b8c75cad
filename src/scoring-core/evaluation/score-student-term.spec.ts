import { type CatalogueIndicator, checkRubricDefinition, type CompiledRubric } from './rubric';
import { type ActivityInput, scoreStudentTerm, type TermRecordInput } from './score-student-term';

const CATALOGUE = new Map<string, CatalogueIndicator>([
  ['moral.conduct_level', { code: 'moral.conduct_level', valueType: 'level', levels: ['A', 'B', 'C', 'D'] }],
  ['moral.volunteer_hours', { code: 'moral.volunteer_hours', valueType: 'hours', levels: null }],
  ['academic.exam.math', { code: 'academic.exam.math', valueType: 'score', levels: null }],
  ['academic.exam.chinese', { code: 'academic.exam.chinese', valueType: 'score', levels: null }],
  ['physical.daily_exercise', { code: 'physical.daily_exercise', valueType: 'boolean', levels: null }],
]);
const CUTOFFS = { A: 85, B: 70, C: 60 };
const simple = (id: string, indicators: string[], formula: string) => ({ id, nameZh: id, nameEn: id, source: { indicators }, formula });

function compile(): CompiledRubric {
  const result = checkRubricDefinition(
    {
      dimensions: {
        moral: {
          maxScore: 100,
          cutoffs: CUTOFFS,
          rules: [
            { id: 'conduct', nameZh: '操行', nameEn: 'Conduct', source: { indicators: ['moral.conduct_level'] }, formula: 'level_points', levelPoints: { A: 60, B: 50, C: 40, D: 25 } },
            simple('volunteer', ['moral.volunteer_hours'], 'min(sum, 40) / 2'),
            { id: 'activities', nameZh: '活动', nameEn: 'Activities', source: { activities: {} }, formula: 'min(2 * count + 3 * count_level_at_least("district"), 20)' },
          ],
        },
        academic: { maxScore: 100, cutoffs: CUTOFFS, rules: [{ ...simple('exams', ['academic.exam.math', 'academic.exam.chinese'], 'mean_percent * 0.8 - 5 * absent'), weight: 1.25 }] },
        physical: { maxScore: 100, cutoffs: CUTOFFS, rules: [simple('exercise', ['physical.daily_exercise'], '20 * yes')] },
        aesthetic: { maxScore: 100, cutoffs: CUTOFFS, rules: [simple('none', ['moral.volunteer_hours'], '0')] },
        labour: { maxScore: 100, cutoffs: CUTOFFS, rules: [simple('none2', ['moral.volunteer_hours'], '0')] },
      },
      quota: null,
      termWeights: {},
    },
    CATALOGUE,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.rubric;
}

const record = (id: string, indicatorCode: string, value: Partial<TermRecordInput>): TermRecordInput => ({ id, indicatorCode, numericValue: null, textValue: null, marker: null, fullMarks: null, occasionDate: null, occasionKey: '', ...value });
const activity = (id: string, level: string | null, dimension = 'moral'): ActivityInput => ({ id, dimension, recordType: '志愿服务', level, role: 'participant', hours: 2, awardRank: null });

describe('scoreStudentTerm: scores, levels and provenance', () => {
  const rubric = compile();
  const input = {
    termRecords: [
      record('r-conduct', 'moral.conduct_level', { textValue: 'A' }),
      record('r-vol-1', 'moral.volunteer_hours', { numericValue: 12, occasionKey: 'a' }),
      record('r-vol-2', 'moral.volunteer_hours', { numericValue: 6.5, occasionKey: 'b' }),
      record('r-math-mid', 'academic.exam.math', { numericValue: 90, fullMarks: 120, occasionDate: '2024-11-12', occasionKey: 'midterm|2024-11-12' }),
      record('r-math-final', 'academic.exam.math', { numericValue: 108, fullMarks: 120, occasionDate: '2025-01-16', occasionKey: 'final|2025-01-16' }),
      record('r-chinese-final', 'academic.exam.chinese', { marker: 'absent', occasionDate: '2025-01-16', occasionKey: 'final|2025-01-16' }),
      record('r-exercise', 'physical.daily_exercise', { textValue: 'true' }),
    ],
    activities: [activity('act-1', 'school'), activity('act-2', 'city'), activity('act-3', 'national'), activity('act-other', 'national', 'labour')],
  };
  const [moral, academic, physical, aesthetic] = scoreStudentTerm(rubric, input);

  it('scores moral by hand: 60 (A) + min(18.5, 40)/2 = 9.25 + min(2·3 + 3·2, 20) = 12 → 81.25, B', () => {
    expect(moral.score).toBe(81.25);
    expect(moral.level).toBe('B');
    expect(moral.rules.map((r) => r.weightedPoints)).toEqual([60, 9.25, 12]);
  });

  it('keeps, for every point, the rule, the formula term, the aggregate value and the record ids', () => {
    const [conduct, volunteer, activities] = moral.rules;
    expect(conduct.terms).toEqual([{ text: 'level_points', sign: 1, points: 60, nonFinite: false, inputs: [{ key: 'level_points', value: 60, recordIds: ['r-conduct'] }] }]);
    expect(volunteer.recordIds).toEqual(['r-vol-1', 'r-vol-2']);
    expect(volunteer.terms[0].inputs).toEqual([{ key: 'sum', value: 18.5, recordIds: ['r-vol-1', 'r-vol-2'] }]);
    // only the moral records count for a moral activity rule; the labour one is not looked at
    expect(activities.recordIds).toEqual(['act-1', 'act-2', 'act-3']);
    expect(activities.terms[0].inputs).toEqual([
      { key: 'count', value: 3, recordIds: ['act-1', 'act-2', 'act-3'] },
      { key: 'count_level_at_least__district', value: 2, recordIds: ['act-2', 'act-3'] },
    ]);
  });

  it('scores academic with a weight and a negative term: 1.25 × (mean(75%, 90%)·0.8 − 5·1) = 1.25 × 61 = 76.25', () => {
    const [exams] = academic.rules;
    expect(exams.terms.map((t) => [t.text, t.sign, t.points])).toEqual([
      ['mean_percent * 0.8', 1, 66],
      ['5 * absent', -1, -5],
    ]);
    expect(exams.terms[0].inputs[0]).toEqual({ key: 'mean_percent', value: 82.5, recordIds: ['r-math-final', 'r-math-mid'] });
    expect(exams.terms[1].inputs[0]).toEqual({ key: 'absent', value: 1, recordIds: ['r-chinese-final'] });
    expect(exams.points).toBe(61);
    expect(academic.score).toBe(76.25);
    expect(academic.level).toBe('B');
  });

  it('reads a yes/no value and clamps to the dimension range', () => {
    expect(physical.score).toBe(20);
    expect(physical.level).toBe('D');
    expect(aesthetic.score).toBe(0);
  });

  it('gives zeros with empty provenance to a student without records', () => {
    const empty = scoreStudentTerm(rubric, { termRecords: [], activities: [] });
    expect(empty.map((d) => d.score)).toEqual([0, 0, 0, 0, 0]);
    expect(empty[0].rules[0].terms[0].inputs).toEqual([{ key: 'level_points', value: 0, recordIds: [] }]);
  });

  it('is deterministic (same input, same output)', () => {
    expect(scoreStudentTerm(rubric, input)).toEqual(scoreStudentTerm(rubric, { termRecords: [...input.termRecords].reverse(), activities: [...input.activities].reverse() }));
  });
});
