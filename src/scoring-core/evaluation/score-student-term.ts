/**
 * One student's term evaluation under a compiled rubric, with provenance (issue 7 point 2):
 * per dimension a score and a level, and for every point which rule, which term of its formula,
 * which aggregate values and which records (ids) produced it — so a result can be explained to
 * a parent and recomputed by hand.
 *
 * dimension score = round₂(clamp(Σ_rules weight × Σ_terms points, 0, maxScore));
 * level = A if score ≥ cutoff A, B if ≥ B, C if ≥ C, else D.
 * Cost: O(records + rules × formula size) per student.
 */
import { activityLevelRank, type EvaluationDimension, EVALUATION_DIMENSIONS } from './activity-vocabulary';
import { aggregateKey, evaluateFormula } from './formula-sandbox';
import { type CompiledRubric, type CompiledRule, type EvaluationLevel, levelForScore, roundScore } from './rubric';

/** A term record (one indicator value of the student in the term). */
export interface TermRecordInput {
  readonly id: string;
  readonly indicatorCode: string;
  readonly numericValue: number | null;
  readonly textValue: string | null;
  readonly marker: string | null;
  readonly fullMarks: number | null;
  readonly occasionDate: string | null;
  readonly occasionKey: string;
}

/** A 写实记录 that counts (state and confirmation already checked by the caller). */
export interface ActivityInput {
  readonly id: string;
  readonly dimension: string;
  readonly recordType: string;
  readonly level: string | null;
  readonly role: string | null;
  readonly hours: number | null;
  readonly awardRank: string | null;
}

/** The student's fitness year result (国家学生体质健康标准) of the term's school year. */
export interface FitnessYearInput {
  /** The fitness result's id (provenance). */
  readonly id: string;
  readonly schoolYear: string;
  /** 学年总分; null when not scored (exempt, deferred, incomplete). */
  readonly total: number | null;
  /** 优秀 / 良好 / 及格 / 不及格; null when not scored. */
  readonly level: string | null;
}

export interface StudentTermInput {
  readonly termRecords: readonly TermRecordInput[];
  readonly activities: readonly ActivityInput[];
  /** Read only when the rubric has a fitness rule; absent or null: no result that year. */
  readonly fitness?: FitnessYearInput | null;
}

/** One aggregate a term read: its value and the records behind it. */
export interface AggregateProvenance {
  readonly key: string;
  readonly value: number;
  readonly recordIds: readonly string[];
}

export interface TermProvenance {
  readonly text: string;
  readonly sign: 1 | -1;
  readonly points: number;
  /** The term was not a finite number (e.g. a division by zero) and counted 0. */
  readonly nonFinite: boolean;
  readonly inputs: readonly AggregateProvenance[];
}

export interface RuleProvenance {
  readonly ruleId: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly formula: string;
  readonly weight: number;
  /** Σ terms (before the weight). */
  readonly points: number;
  /** weight × points. */
  readonly weightedPoints: number;
  /** Every record this rule looked at (the source's records of the term). */
  readonly recordIds: readonly string[];
  readonly terms: readonly TermProvenance[];
  /** Set for fitness rules only (their record ids are fitness results'; indicator and activity rules leave it out). */
  readonly source?: 'fitness';
}

export interface DimensionTermScore {
  readonly dimension: EvaluationDimension;
  /** Σ weighted rule points before clamping. */
  readonly rawScore: number;
  readonly score: number;
  readonly maxScore: number;
  readonly level: EvaluationLevel;
  readonly rules: readonly RuleProvenance[];
}

/** A student's five dimension scores for one term, in dimension order. */
export function scoreStudentTerm(rubric: CompiledRubric, input: StudentTermInput): DimensionTermScore[] {
  const byIndicator = new Map<string, TermRecordInput[]>();
  for (const record of input.termRecords) {
    const list = byIndicator.get(record.indicatorCode);
    if (list) list.push(record);
    else byIndicator.set(record.indicatorCode, [record]);
  }
  return EVALUATION_DIMENSIONS.map((dimension) => {
    const definition = rubric.definition.dimensions[dimension];
    const rules = rubric.rules.filter((rule) => rule.dimension === dimension).map((rule) => scoreRule(rule, byIndicator, input.activities, input.fitness ?? null));
    let raw = 0;
    for (const rule of rules) raw += rule.weightedPoints;
    const score = roundScore(Math.min(Math.max(raw, 0), definition.maxScore));
    return { dimension, rawScore: raw, score, maxScore: definition.maxScore, level: levelForScore(score, definition.cutoffs), rules };
  });
}

function scoreRule(rule: CompiledRule, byIndicator: ReadonlyMap<string, readonly TermRecordInput[]>, activities: readonly ActivityInput[], fitness: FitnessYearInput | null): RuleProvenance {
  let aggregates: Map<string, AggregateProvenance>;
  let recordIds: string[];
  if ('indicators' in rule.source) {
    const records = rule.source.indicators.flatMap((code) => byIndicator.get(code) ?? []);
    recordIds = records.map((r) => r.id).sort();
    aggregates = indicatorAggregates(records, rule.levelPoints);
  } else if ('fitness' in rule.source) {
    recordIds = fitness ? [fitness.id] : [];
    aggregates = fitnessAggregates(fitness, rule.levelPoints);
  } else {
    const filter = rule.source.activities;
    const records = activities.filter((a) => a.dimension === filter.dimension && (!filter.recordTypes || filter.recordTypes.includes(a.recordType)));
    recordIds = records.map((r) => r.id).sort();
    aggregates = activityAggregates(records, rule.checked.inputs);
  }
  const values = new Map<string, number>();
  for (const key of rule.checked.inputs) values.set(key, aggregates.get(key)?.value ?? 0);
  const evaluation = evaluateFormula(rule.checked, values);
  const terms = rule.checked.terms.map((term, index) => ({
    text: term.text,
    sign: term.sign,
    points: evaluation.terms[index].points,
    nonFinite: evaluation.terms[index].nonFinite,
    inputs: term.inputs.map((key) => aggregates.get(key) ?? { key, value: 0, recordIds: [] }),
  }));
  return {
    ruleId: rule.id,
    nameZh: rule.nameZh,
    nameEn: rule.nameEn,
    formula: rule.formula,
    weight: rule.weight,
    points: evaluation.points,
    weightedPoints: rule.weight * evaluation.points,
    recordIds,
    terms,
    ...('fitness' in rule.source ? { source: 'fitness' as const } : {}),
  };
}

/** Latest first: occasion date (undated last), then occasion key, then id — a total order. */
function latestFirst(a: TermRecordInput, b: TermRecordInput): number {
  const da = a.occasionDate ?? '';
  const db = b.occasionDate ?? '';
  if (da !== db) return da < db ? 1 : -1;
  if (a.occasionKey !== b.occasionKey) return a.occasionKey < b.occasionKey ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function indicatorAggregates(records: readonly TermRecordInput[], levelPoints: Readonly<Record<string, number>> | undefined): Map<string, AggregateProvenance> {
  const ids = (list: readonly TermRecordInput[]) => list.map((r) => r.id).sort();
  const numeric = records.filter((r) => r.numericValue !== null);
  const texts = [...records.filter((r) => r.textValue !== null)].sort(latestFirst);
  const valued = records.filter((r) => r.numericValue !== null || r.textValue !== null);
  const scored = numeric.filter((r) => r.fullMarks !== null && r.fullMarks > 0);
  const marked = records.filter((r) => r.marker !== null);
  const out = new Map<string, AggregateProvenance>();
  const set = (key: string, value: number, list: readonly TermRecordInput[]) => out.set(key, { key, value, recordIds: ids(list) });
  set('count', valued.length, valued);
  let sum = 0;
  for (const r of numeric) sum += r.numericValue!;
  set('sum', sum, numeric);
  set('mean', numeric.length === 0 ? 0 : sum / numeric.length, numeric);
  const latestNumeric = [...numeric].sort(latestFirst)[0];
  set('latest', latestNumeric ? latestNumeric.numericValue! : 0, latestNumeric ? [latestNumeric] : []);
  if (numeric.length === 0) {
    set('highest', 0, []);
    set('lowest', 0, []);
  } else {
    const highest = Math.max(...numeric.map((r) => r.numericValue!));
    const lowest = Math.min(...numeric.map((r) => r.numericValue!));
    set('highest', highest, numeric.filter((r) => r.numericValue === highest));
    set('lowest', lowest, numeric.filter((r) => r.numericValue === lowest));
  }
  let percent = 0;
  for (const r of scored) percent += (r.numericValue! / r.fullMarks!) * 100;
  set('mean_percent', scored.length === 0 ? 0 : percent / scored.length, scored);
  set('markers', marked.length, marked);
  const absent = marked.filter((r) => r.marker === 'absent');
  set('absent', absent.length, absent);
  const latestText = texts[0];
  set('yes', latestText?.textValue === 'true' ? 1 : 0, latestText ? [latestText] : []);
  const points = latestText && levelPoints && Object.hasOwn(levelPoints, latestText.textValue!) ? levelPoints[latestText.textValue!] : 0;
  set('level_points', points, latestText ? [latestText] : []);
  return out;
}

const FITNESS_PASSING_LEVELS = ['优秀', '良好', '及格'];

/** total, scored, passed, level_points of the year's fitness result; the result's id behind each that it produced. */
function fitnessAggregates(result: FitnessYearInput | null, levelPoints: Readonly<Record<string, number>> | undefined): Map<string, AggregateProvenance> {
  const out = new Map<string, AggregateProvenance>();
  const scored = result !== null && result.total !== null;
  const ids = scored ? [result.id] : [];
  out.set('total', { key: 'total', value: scored ? result.total! : 0, recordIds: ids });
  out.set('scored', { key: 'scored', value: scored ? 1 : 0, recordIds: ids });
  out.set('passed', { key: 'passed', value: scored && result.level !== null && FITNESS_PASSING_LEVELS.includes(result.level) ? 1 : 0, recordIds: ids });
  const points = scored && result.level !== null && levelPoints && Object.hasOwn(levelPoints, result.level) ? levelPoints[result.level] : 0;
  out.set('level_points', { key: 'level_points', value: points, recordIds: ids });
  return out;
}

function activityAggregates(records: readonly ActivityInput[], keys: readonly string[]): Map<string, AggregateProvenance> {
  const out = new Map<string, AggregateProvenance>();
  const set = (key: string, value: number, list: readonly ActivityInput[]) => out.set(key, { key, value, recordIds: list.map((r) => r.id).sort() });
  set('count', records.length, records);
  const withHours = records.filter((r) => r.hours !== null);
  let hours = 0;
  for (const r of withHours) hours += r.hours!;
  set('sum_hours', hours, withHours);
  const awarded = records.filter((r) => r.awardRank !== null && r.awardRank !== '');
  set('count_awarded', awarded.length, awarded);
  for (const key of keys) {
    const [fn, argument] = key.split('__');
    if (argument === undefined) continue;
    let matching: ActivityInput[] = [];
    if (fn === 'count_level') matching = records.filter((r) => r.level === argument);
    else if (fn === 'count_level_at_least') matching = records.filter((r) => activityLevelRank(r.level) >= activityLevelRank(argument));
    else if (fn === 'count_role') matching = records.filter((r) => r.role === argument);
    set(aggregateKey(fn, argument), matching.length, matching);
  }
  return out;
}
