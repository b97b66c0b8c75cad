/**
 * Rubrics (评价方案) as data: what a rubric definition holds, how it is checked, and its compiled
 * form (issue 7 point 1; docs/evaluation.md; ADR 0800).
 *
 * A definition has, per dimension (德智体美劳, all five), a maximum score, the level cut-offs
 * A/B/C (D below C) and its rules. A rule reads one source — the term records of one or more
 * catalogue indicators, the student's counted 写实记录 (activity records), or the student's
 * fitness year result of the term's school year — and scores it
 * with a formula (formula-sandbox.ts) times a weight. Further: an optional quota on level A
 * (at most a share per school, some dimensions exempt), term weights for the graduation result,
 * and which 写实记录 states count.
 */
import { ACTIVITY_STATUS_CODES, EVALUATION_DIMENSIONS, type EvaluationDimension } from './activity-vocabulary';
import { type CheckedFormula, checkFormula, FITNESS_LEVELS, type FormulaProblemCode } from './formula-sandbox';

export const EVALUATION_LEVELS = ['A', 'B', 'C', 'D'] as const;
export type EvaluationLevel = (typeof EVALUATION_LEVELS)[number];
export const EVALUATION_LEVEL_NAMES_ZH: Readonly<Record<EvaluationLevel, string>> = { A: '优秀', B: '良好', C: '合格', D: '待合格' };
export const EVALUATION_LEVEL_NAMES_EN: Readonly<Record<EvaluationLevel, string>> = { A: 'excellent', B: 'good', C: 'pass', D: 'not yet passing' };

export type RuleSource =
  | { readonly indicators: readonly string[] }
  | { readonly activities: { readonly dimension?: EvaluationDimension; readonly recordTypes?: readonly string[] } }
  /** The student's fitness year result (国家学生体质健康标准) of the term's school year. */
  | { readonly fitness: Readonly<Record<string, never>> };

export interface RuleDefinition {
  /** Stable id within the rubric (`conduct`, `volunteer_hours`). */
  readonly id: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly source: RuleSource;
  readonly formula: string;
  /** Multiplies the formula's points (default 1). */
  readonly weight?: number;
  /** Points per level value (`{"A": 60, "B": 50}`; boolean indicators: `"true"`/`"false"`), read by `level_points`. */
  readonly levelPoints?: Readonly<Record<string, number>>;
}

export interface DimensionDefinition {
  /** The dimension score is clamped to [0, maxScore]. */
  readonly maxScore: number;
  /** Lowest score of each level; below C is D. A ≥ B ≥ C. */
  readonly cutoffs: { readonly A: number; readonly B: number; readonly C: number };
  readonly rules: readonly RuleDefinition[];
}

export interface QuotaDefinition {
  /** At most this share of a school's students get A in a dimension, e.g. 0.3. */
  readonly maxShareA: number;
  /** Dimensions the cap does not apply to (e.g. moral 思想品德). */
  readonly exemptDimensions: readonly EvaluationDimension[];
}

export interface RubricDefinition {
  readonly dimensions: Readonly<Record<EvaluationDimension, DimensionDefinition>>;
  readonly quota: QuotaDefinition | null;
  /** Weight of each term of the stage by position (1 = first term after entry), for the graduation result; unlisted positions weigh 1. */
  readonly termWeights: Readonly<Record<string, number>>;
  /** 写实记录 states that count (teacher-on-behalf records also need the student's confirmation). */
  readonly activityStatuses: readonly string[];
}

/** What the rubric check needs to know of a catalogue indicator. */
export interface CatalogueIndicator {
  readonly code: string;
  readonly valueType: string;
  readonly levels: readonly string[] | null;
}

export interface RubricProblem {
  /** Where in the definition, e.g. `dimensions.moral.rules[1].formula`. */
  readonly field: string;
  readonly code: FormulaProblemCode | 'INVALID_VALUE' | 'UNKNOWN_INDICATOR' | 'DUPLICATE_RULE_ID' | 'UNKNOWN_LEVEL';
  readonly message: string;
  readonly messageZh: string;
  /** For formula problems: the offending part of the formula. */
  readonly part?: string;
}

export interface CompiledRule extends RuleDefinition {
  readonly dimension: EvaluationDimension;
  readonly weight: number;
  readonly checked: CheckedFormula;
}

export interface CompiledRubric {
  readonly definition: RubricDefinition;
  readonly rules: readonly CompiledRule[];
  /** Every indicator code the rules read. */
  readonly indicatorCodes: readonly string[];
}

export type RubricCheck = { readonly ok: true; readonly rubric: CompiledRubric } | { readonly ok: false; readonly problems: readonly RubricProblem[] };

const RULE_ID = /^[a-z][a-z0-9_]{0,39}$/;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Checks a definition against the catalogue. Returns every problem found (formula problems
 * name the offending part), or the compiled rubric. Unknown keys are refused, so a typo never
 * silently changes nothing. Cost: O(rules × formula size).
 */
export function checkRubricDefinition(input: unknown, catalogue: ReadonlyMap<string, CatalogueIndicator>): RubricCheck {
  const problems: RubricProblem[] = [];
  const bad = (field: string, message: string, messageZh: string, code: RubricProblem['code'] = 'INVALID_VALUE') => problems.push({ field, code, message, messageZh });
  const onlyKeys = (value: Record<string, unknown>, field: string, allowed: readonly string[]) => {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) bad(field ? `${field}.${key}` : key, `unknown field ${key} (allowed: ${allowed.join(', ')})`, `未知字段${key}（可用：${allowed.join('、')}）`);
  };
  if (!isObject(input)) return { ok: false, problems: [{ field: 'definition', code: 'INVALID_VALUE', message: 'the definition must be an object', messageZh: '方案定义必须是对象' }] };
  onlyKeys(input, '', ['dimensions', 'quota', 'termWeights', 'activityStatuses']);

  const rules: CompiledRule[] = [];
  const ruleIds = new Set<string>();
  const dimensions = input.dimensions;
  if (!isObject(dimensions)) bad('dimensions', 'dimensions must be an object with moral, academic, physical, aesthetic and labour', 'dimensions 必须是包含德智体美劳五个维度的对象');
  else {
    onlyKeys(dimensions, 'dimensions', EVALUATION_DIMENSIONS);
    for (const dimension of EVALUATION_DIMENSIONS) {
      const field = `dimensions.${dimension}`;
      const definition = dimensions[dimension];
      if (!isObject(definition)) {
        bad(field, `dimension ${dimension} is missing (every rubric scores all five dimensions)`, `缺少维度${dimension}（方案须包含全部五个维度）`);
        continue;
      }
      onlyKeys(definition, field, ['maxScore', 'cutoffs', 'rules']);
      const maxScore = definition.maxScore;
      if (!isFiniteNumber(maxScore) || maxScore <= 0 || maxScore > 1000) bad(`${field}.maxScore`, 'maxScore must be a number above 0 and at most 1000', 'maxScore 须为大于0且不超过1000的数');
      const cutoffs = definition.cutoffs;
      if (!isObject(cutoffs) || !isFiniteNumber(cutoffs.A) || !isFiniteNumber(cutoffs.B) || !isFiniteNumber(cutoffs.C)) {
        bad(`${field}.cutoffs`, 'cutoffs must give the lowest score of A, B and C as numbers', 'cutoffs 须以数字给出A、B、C的最低分');
      } else {
        onlyKeys(cutoffs, `${field}.cutoffs`, ['A', 'B', 'C']);
        if (!(cutoffs.A >= cutoffs.B && cutoffs.B >= cutoffs.C && cutoffs.C >= 0)) bad(`${field}.cutoffs`, 'cut-offs must satisfy A ≥ B ≥ C ≥ 0', '等级分界须满足 A ≥ B ≥ C ≥ 0');
        if (isFiniteNumber(maxScore) && cutoffs.A > maxScore) bad(`${field}.cutoffs.A`, `the A cut-off is above maxScore ${maxScore}`, `A的分界高于满分${maxScore}`);
      }
      if (!Array.isArray(definition.rules) || definition.rules.length === 0 || definition.rules.length > 30) {
        bad(`${field}.rules`, 'rules must be a list of 1–30 rules', 'rules 须为1至30条规则的列表');
        continue;
      }
      definition.rules.forEach((rule: unknown, index: number) => {
        const compiled = checkRule(rule, `${field}.rules[${index}]`, dimension, catalogue, problems);
        if (!compiled) return;
        if (ruleIds.has(compiled.id)) bad(`${field}.rules[${index}].id`, `rule id ${compiled.id} is used twice`, `规则编号${compiled.id}重复`, 'DUPLICATE_RULE_ID');
        ruleIds.add(compiled.id);
        rules.push(compiled);
      });
    }
  }

  const quota = input.quota ?? null;
  if (quota !== null) {
    if (!isObject(quota)) bad('quota', 'quota must be null or { maxShareA, exemptDimensions }', 'quota 须为 null 或 { maxShareA, exemptDimensions }');
    else {
      onlyKeys(quota, 'quota', ['maxShareA', 'exemptDimensions']);
      if (!isFiniteNumber(quota.maxShareA) || quota.maxShareA <= 0 || quota.maxShareA > 1) bad('quota.maxShareA', 'maxShareA must be a share above 0 and at most 1 (0.3 = 30%)', 'maxShareA 须为大于0且不超过1的比例（0.3即30%）');
      const exempt = quota.exemptDimensions ?? [];
      if (!Array.isArray(exempt) || exempt.some((d) => !(EVALUATION_DIMENSIONS as readonly unknown[]).includes(d))) bad('quota.exemptDimensions', `exemptDimensions must list dimensions (${EVALUATION_DIMENSIONS.join(', ')})`, `exemptDimensions 须为维度列表（${EVALUATION_DIMENSIONS.join('、')}）`);
    }
  }
  const termWeights = input.termWeights ?? {};
  if (!isObject(termWeights)) bad('termWeights', 'termWeights must map term positions ("1", "2", …) to weights', 'termWeights 须为学期序号（"1"、"2"…）到权重的映射');
  else {
    for (const [key, weight] of Object.entries(termWeights)) {
      if (!/^[1-9][0-9]?$/.test(key)) bad(`termWeights.${key}`, `"${key}" is not a term position (1 = the first term after entry, up to 99)`, `“${key}”不是学期序号（1为入学后第一学期）`);
      if (!isFiniteNumber(weight) || weight < 0 || weight > 100) bad(`termWeights.${key}`, 'a term weight is a number from 0 to 100', '学期权重须为0至100之间的数');
    }
  }
  const statuses = input.activityStatuses ?? DEFAULT_ACTIVITY_STATUSES;
  if (!Array.isArray(statuses) || statuses.length === 0 || statuses.some((s) => !(ACTIVITY_STATUS_CODES as readonly unknown[]).includes(s))) {
    bad('activityStatuses', `activityStatuses must list 写实记录 states (${ACTIVITY_STATUS_CODES.join(', ')})`, `activityStatuses 须为写实记录状态列表（${ACTIVITY_STATUS_CODES.join('、')}）`);
  }
  if (problems.length > 0) return { ok: false, problems };

  const normalised: RubricDefinition = {
    dimensions: Object.fromEntries(
      EVALUATION_DIMENSIONS.map((dimension) => {
        const d = (dimensions as Record<string, DimensionDefinition>)[dimension];
        return [dimension, { maxScore: d.maxScore, cutoffs: { A: d.cutoffs.A, B: d.cutoffs.B, C: d.cutoffs.C }, rules: rules.filter((r) => r.dimension === dimension).map(stripCompiled) }];
      }),
    ) as unknown as Record<EvaluationDimension, DimensionDefinition>,
    quota: quota === null ? null : { maxShareA: (quota as QuotaDefinition).maxShareA, exemptDimensions: [...((quota as QuotaDefinition).exemptDimensions ?? [])] },
    termWeights: { ...(termWeights as Record<string, number>) },
    activityStatuses: [...(statuses as string[])],
  };
  const indicatorCodes = [...new Set(rules.flatMap((rule) => ('indicators' in rule.source ? rule.source.indicators : [])))].sort();
  return { ok: true, rubric: { definition: normalised, rules, indicatorCodes } };
}

/** 写实记录 that count by default: verified and later, never revoked, rejected or under investigation. */
export const DEFAULT_ACTIVITY_STATUSES: readonly string[] = ['VERIFIED', 'SELECTED', 'IN_PUBLICITY', 'PUBLICITY_PASSED', 'CONFIRMED', 'AMENDED'];

function stripCompiled(rule: CompiledRule): RuleDefinition {
  const { dimension: _d, checked: _c, ...definition } = rule;
  return definition;
}

function checkRule(rule: unknown, field: string, dimension: EvaluationDimension, catalogue: ReadonlyMap<string, CatalogueIndicator>, problems: RubricProblem[]): CompiledRule | undefined {
  const before = problems.length;
  const bad = (sub: string, message: string, messageZh: string, code: RubricProblem['code'] = 'INVALID_VALUE') => problems.push({ field: `${field}${sub}`, code, message, messageZh });
  if (!isObject(rule)) {
    bad('', 'a rule must be an object { id, nameZh, nameEn, source, formula, weight?, levelPoints? }', '规则须为对象 { id, nameZh, nameEn, source, formula, weight?, levelPoints? }');
    return undefined;
  }
  for (const key of Object.keys(rule)) if (!['id', 'nameZh', 'nameEn', 'source', 'formula', 'weight', 'levelPoints'].includes(key)) bad(`.${key}`, `unknown field ${key}`, `未知字段${key}`);
  if (typeof rule.id !== 'string' || !RULE_ID.test(rule.id)) bad('.id', 'id must be 1–40 lower-case letters, digits or _, starting with a letter', 'id 须为1至40个小写字母、数字或下划线，以字母开头');
  if (typeof rule.nameZh !== 'string' || rule.nameZh.length === 0 || rule.nameZh.length > 50) bad('.nameZh', 'nameZh must be 1–50 characters', 'nameZh 须为1至50个字符');
  if (typeof rule.nameEn !== 'string' || rule.nameEn.length === 0 || rule.nameEn.length > 100) bad('.nameEn', 'nameEn must be 1–100 characters', 'nameEn 须为1至100个字符');
  const weight = rule.weight ?? 1;
  if (!isFiniteNumber(weight) || weight < 0 || weight > 100) bad('.weight', 'weight must be a number from 0 to 100', 'weight 须为0至100之间的数');
  const levelPoints = rule.levelPoints;
  if (levelPoints !== undefined && (!isObject(levelPoints) || Object.values(levelPoints).some((v) => !isFiniteNumber(v)) || Object.keys(levelPoints).length === 0)) {
    bad('.levelPoints', 'levelPoints must map level values to numbers, e.g. {"A": 60, "B": 50}', 'levelPoints 须为等级到分值的映射，如 {"A": 60, "B": 50}');
  }
  const source = rule.source;
  let kind: 'indicator' | 'activity' | 'fitness' | undefined;
  if (isObject(source) && Array.isArray(source.indicators) && !('activities' in source)) {
    kind = 'indicator';
    for (const key of Object.keys(source)) if (key !== 'indicators') bad(`.source.${key}`, `unknown field ${key}`, `未知字段${key}`);
    if (source.indicators.length === 0 || source.indicators.length > 20) bad('.source.indicators', 'list 1–20 indicator codes', '须列出1至20个指标代码');
    const levels = new Set<string>();
    source.indicators.forEach((code: unknown, index: number) => {
      const indicator = typeof code === 'string' ? catalogue.get(code) : undefined;
      if (!indicator) {
        bad(`.source.indicators[${index}]`, `${String(code)} is not an indicator of the catalogue`, `${String(code)}不是指标目录中的指标`, 'UNKNOWN_INDICATOR');
        return;
      }
      for (const level of indicator.levels ?? []) levels.add(level);
      if (indicator.valueType === 'boolean') ['true', 'false'].forEach((v) => levels.add(v));
    });
    if (isObject(levelPoints)) {
      for (const key of Object.keys(levelPoints)) {
        if (!levels.has(key)) bad(`.levelPoints.${key}`, `"${key}" is not a level of the rule's indicators (${[...levels].join(', ') || 'none: they are not level indicators'})`, `“${key}”不是该规则指标的等级（${[...levels].join('、') || '无：这些指标不是等级型'}）`, 'UNKNOWN_LEVEL');
      }
    }
  } else if (isObject(source) && isObject(source.activities) && !('indicators' in source)) {
    kind = 'activity';
    for (const key of Object.keys(source)) if (key !== 'activities') bad(`.source.${key}`, `unknown field ${key}`, `未知字段${key}`);
    const activities = source.activities;
    for (const key of Object.keys(activities)) if (key !== 'dimension' && key !== 'recordTypes') bad(`.source.activities.${key}`, `unknown field ${key} (allowed: dimension, recordTypes)`, `未知字段${key}（可用：dimension、recordTypes）`);
    if (activities.dimension !== undefined && !(EVALUATION_DIMENSIONS as readonly unknown[]).includes(activities.dimension)) bad('.source.activities.dimension', `dimension must be one of ${EVALUATION_DIMENSIONS.join(', ')}`, `dimension 须为${EVALUATION_DIMENSIONS.join('、')}之一`);
    const types = activities.recordTypes;
    if (types !== undefined && (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string' || t.length === 0 || t.length > 20))) {
      bad('.source.activities.recordTypes', 'recordTypes must list record types (记录类型) of up to 20 characters', 'recordTypes 须为不超过20个字符的记录类型列表');
    }
    if (levelPoints !== undefined) bad('.levelPoints', 'levelPoints is for indicator rules only', 'levelPoints 仅用于指标规则');
  } else if (isObject(source) && isObject(source.fitness) && !('indicators' in source) && !('activities' in source)) {
    kind = 'fitness';
    for (const key of Object.keys(source)) if (key !== 'fitness') bad(`.source.${key}`, `unknown field ${key}`, `未知字段${key}`);
    for (const key of Object.keys(source.fitness)) bad(`.source.fitness.${key}`, `unknown field ${key} (a fitness source takes no options: {})`, `未知字段${key}（体质健康来源无选项：{}）`);
    if (isObject(levelPoints)) {
      for (const key of Object.keys(levelPoints)) {
        if (!FITNESS_LEVELS.includes(key)) bad(`.levelPoints.${key}`, `"${key}" is not a fitness level (${FITNESS_LEVELS.join(', ')})`, `“${key}”不是体质健康等级（${FITNESS_LEVELS.join('、')}）`, 'UNKNOWN_LEVEL');
      }
    }
  } else {
    bad('.source', 'source must be { "indicators": [codes] }, { "activities": { "dimension"?, "recordTypes"? } } or { "fitness": {} }', 'source 须为 { "indicators": [指标代码] }、{ "activities": { "dimension"?, "recordTypes"? } } 或 { "fitness": {} }');
  }
  let checked: CheckedFormula | undefined;
  if (kind) {
    const result = checkFormula(rule.formula, { kind, hasLevelPoints: isObject(levelPoints) });
    if (result.ok) checked = result.formula;
    else {
      for (const p of result.problems) {
        problems.push({ field: `${field}.formula`, code: p.code, part: p.part, message: `${field}.formula: ${p.message}`, messageZh: `${field}.formula：${p.messageZh}` });
      }
    }
  }
  if (problems.length > before || !checked || !kind) return undefined;
  const compiledSource: RuleSource =
    kind === 'indicator'
      ? { indicators: [...(source as { indicators: string[] }).indicators] }
      : kind === 'fitness'
        ? { fitness: {} }
        : {
          activities: {
            dimension: ((source as { activities: { dimension?: EvaluationDimension } }).activities.dimension ?? dimension) as EvaluationDimension,
            ...((source as { activities: { recordTypes?: string[] } }).activities.recordTypes ? { recordTypes: [...(source as { activities: { recordTypes: string[] } }).activities.recordTypes] } : {}),
          },
        };
  return {
    id: rule.id as string,
    nameZh: rule.nameZh as string,
    nameEn: rule.nameEn as string,
    source: compiledSource,
    formula: rule.formula as string,
    weight: weight as number,
    ...(isObject(levelPoints) ? { levelPoints: { ...(levelPoints as Record<string, number>) } } : {}),
    dimension,
    checked,
  };
}

/** Level of a score by the dimension's cut-offs. */
export function levelForScore(score: number, cutoffs: DimensionDefinition['cutoffs']): EvaluationLevel {
  if (score >= cutoffs.A) return 'A';
  if (score >= cutoffs.B) return 'B';
  if (score >= cutoffs.C) return 'C';
  return 'D';
}

/** Scores are kept to two decimals (0.01 point) so cut-offs and ties are exact and explainable. */
export function roundScore(value: number): number {
  return Math.round(value * 100 + (value >= 0 ? 1e-9 : -1e-9)) / 100;
}
