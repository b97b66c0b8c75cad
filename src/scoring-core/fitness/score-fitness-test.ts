/**
 * Scoring one fitness test (one student, one school year) per the 国家学生体质健康标准（2014年修订）,
 * and the same kernel over a column batch for imports and the CLI.
 */
import { ScoringInputError } from '../scoring-input-error';
import {
  BMI_BAND_CODES,
  FITNESS_ITEM_COUNT,
  bmiBandAt,
  bmiTenthsUnchecked,
  fitnessProfileIndex,
  fitnessStandard2014,
  itemBonusAt,
  itemScoreAt,
  type CompiledFitnessStandard,
} from './fitness-standard';
import {
  FITNESS_ITEM_CODES,
  type BmiBandCode,
  type FitnessGradeCode,
  type FitnessItemCode,
  type FitnessLevel,
  type FitnessRequiredInput,
  type FitnessSex,
} from './fitness-standard-types';

/** Bits of a missing mask: bit i = FITNESS_ITEM_CODES[i]; then height and weight. */
export const MISSING_HEIGHT_BIT = 1 << FITNESS_ITEM_COUNT;
export const MISSING_WEIGHT_BIT = 1 << (FITNESS_ITEM_COUNT + 1);

/** Item results keyed by item code; null/undefined/NaN = not measured. Units as in README §2. */
export type FitnessItemResults = Readonly<Partial<Record<FitnessItemCode, number | null>>>;

/**
 * 免予执行 (exempt: a student who cannot take the test, e.g. 残疾 or a lasting illness, on a
 * medical certificate approved by the school) or 暂缓 (deferred: temporarily unable, tested
 * later in the year). The standard requires the application and its reason to be kept.
 */
export interface FitnessExemption {
  readonly kind: 'exempt' | 'deferred';
  readonly reason: string;
}

/**
 * 补测 (retest): the standard allows a student whose year result is 不及格 one retest in the same
 * school year. Only the retested results are given; each replaces the original result of that
 * input (see scoreFitnessTest for the rule).
 */
export interface FitnessRetest {
  readonly heightCm?: number | null;
  readonly weightKg?: number | null;
  readonly results: FitnessItemResults;
}

export interface FitnessTestInput {
  readonly grade: FitnessGradeCode;
  readonly sex: FitnessSex;
  readonly heightCm?: number | null;
  readonly weightKg?: number | null;
  readonly results: FitnessItemResults;
  readonly exemption?: FitnessExemption | null;
  readonly retest?: FitnessRetest | null;
}

/** The scores of one set of measurements. */
export interface FitnessScore {
  /** 'incomplete' = a required input is missing: no standard score, bonus, total or level. */
  readonly status: 'scored' | 'incomplete';
  /** BMI rounded to one decimal (kg/m²), when height and weight are present. */
  readonly bmi: number | null;
  readonly bmiBand: BmiBandCode | null;
  readonly bmiScore: number | null;
  /** Score of every scored item that has a result. */
  readonly itemScores: Readonly<Partial<Record<FitnessItemCode, number>>>;
  /** Bonus of every bonus item with a result (0 when not beyond the 100-point threshold). */
  readonly itemBonus: Readonly<Partial<Record<FitnessItemCode, number>>>;
  /** 标准分 = Σ item score × weight (exact, up to two decimals). */
  readonly standardScore: number | null;
  /** 附加分, capped at 20. */
  readonly bonus: number | null;
  /** 学年总分 = 标准分 + 附加分, rounded half-up to one decimal. */
  readonly total: number | null;
  readonly level: FitnessLevel | null;
  /** Required inputs without a result. */
  readonly missing: readonly FitnessRequiredInput[];
  /** Results given for items this grade and sex are not scored on (ignored). */
  readonly ignoredItems: readonly FitnessItemCode[];
  readonly reason: string | null;
}

export interface FitnessTestResult extends Omit<FitnessScore, 'status'> {
  readonly status: 'scored' | 'incomplete' | 'exempt' | 'deferred';
  readonly exemption: FitnessExemption | null;
  readonly retest: {
    readonly applied: boolean;
    readonly reason: string;
    /** The result before the retest. */
    readonly original: FitnessScore;
    /** Inputs whose original result the retest replaced. */
    readonly replaced: readonly FitnessRequiredInput[];
  } | null;
}

/**
 * Level (等级) of a year total given in tenths of a point: 优秀 ≥ 90.0, 良好 80.0–89.9,
 * 及格 60.0–79.9, 不及格 ≤ 59.9 (standard, 评分等级). O(1). Example: fitnessLevelFromTenths(899) === '良好'.
 */
export function fitnessLevelFromTenths(totalTenths: number): FitnessLevel {
  if (totalTenths >= 900) return '优秀';
  if (totalTenths >= 800) return '良好';
  if (totalTenths >= 600) return '及格';
  return '不及格';
}

export interface FitnessPlausibleRange {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  readonly hint: string;
}

/*
 * Plausible ranges: wide enough for every real student, narrow enough to catch unit mistakes
 * (metres for cm, litres for ml, minutes.seconds typed as seconds). The lower bounds of the runs
 * sit below the world records (50 m ≈ 5.5 s, 800 m ≈ 101 s, 1000 m ≈ 131 s).
 */
const PLAUSIBLE: Readonly<Record<FitnessRequiredInput, FitnessPlausibleRange>> = {
  height_cm: { min: 50, max: 250, integer: false, hint: 'height is in centimetres (165, not 1.65)' },
  weight_kg: { min: 5, max: 300, integer: false, hint: 'weight is in kilograms' },
  vital_capacity: { min: 100, max: 10000, integer: false, hint: 'vital capacity is in millilitres (3200, not 3.2)' },
  run_50m: { min: 4, max: 60, integer: false, hint: '50 m time is in seconds' },
  sit_and_reach: { min: -50, max: 60, integer: false, hint: 'sit-and-reach is in centimetres and may be negative' },
  rope_skip_1min: { min: 0, max: 400, integer: true, hint: 'rope skipping is a whole count per minute' },
  sit_up_1min: { min: 0, max: 150, integer: true, hint: 'sit-ups are a whole count per minute' },
  shuttle_50mx8: { min: 40, max: 600, integer: false, hint: '50 m × 8 time is in total seconds (1\'36" = 96)' },
  standing_long_jump: { min: 10, max: 400, integer: false, hint: 'standing long jump is in centimetres' },
  pull_up: { min: 0, max: 100, integer: true, hint: 'pull-ups are a whole count' },
  run_800m: { min: 90, max: 1800, integer: false, hint: '800 m time is in total seconds (3\'55" = 235)' },
  run_1000m: { min: 90, max: 1800, integer: false, hint: '1000 m time is in total seconds (3\'55" = 235)' },
};

/**
 * The plausible range of an input (inclusive) and whether it must be whole; bulk readers check
 * it inline and call fitnessValueProblem only for the message. O(1).
 */
export function fitnessPlausibleRange(input: FitnessRequiredInput): FitnessPlausibleRange {
  return PLAUSIBLE[input];
}

/**
 * Why a recorded value cannot be a real result, or null when it can: non-finite, out of the
 * plausible range for its unit (see PLAUSIBLE), or a fraction for a count. O(1).
 * Example: fitnessValueProblem('height_cm', 1.65) → 'height_cm 1.65 is outside 50–250: height is in centimetres (165, not 1.65)'.
 */
export function fitnessValueProblem(input: FitnessRequiredInput, value: number): string | null {
  const range = PLAUSIBLE[input];
  if (!Number.isFinite(value)) return `${input} must be a finite number, got ${value}`;
  if (value < range.min || value > range.max) return `${input} ${value} is outside ${range.min}–${range.max}: ${range.hint}`;
  if (range.integer && !Number.isInteger(value)) return `${input} ${value} is not a whole number: ${range.hint}`;
  return null;
}

/** A column batch: row r's item i is items[r × 10 + i] (FITNESS_ITEM_CODES order). NaN = missing. */
export interface FitnessBatchInput {
  readonly count: number;
  /** fitnessProfileIndex(grade, sex) per row. */
  readonly profile: Uint8Array;
  readonly heightCm: Float64Array;
  readonly weightKg: Float64Array;
  readonly items: Float64Array;
}

/** Batch output; −1 marks "none" in every array. */
export interface FitnessBatchOutput {
  readonly bmiTenths: Int32Array;
  readonly bmiBand: Int8Array;
  readonly bmiScore: Int16Array;
  /** [row × 10 + item]; −1 = not scored for the grade/sex, or missing. */
  readonly itemScores: Int16Array;
  /** [row × 10 + item]; −1 = no bonus table or no result. */
  readonly itemBonus: Int16Array;
  readonly standardHundredths: Int32Array;
  readonly bonus: Int16Array;
  readonly totalTenths: Int32Array;
  /** Required inputs missing: bits per MISSING_*_BIT and 1 << item. 0 = complete. */
  readonly missingMask: Uint16Array;
}

export function allocateFitnessBatchOutput(count: number): FitnessBatchOutput {
  return {
    bmiTenths: new Int32Array(count),
    bmiBand: new Int8Array(count),
    bmiScore: new Int16Array(count),
    itemScores: new Int16Array(count * FITNESS_ITEM_COUNT),
    itemBonus: new Int16Array(count * FITNESS_ITEM_COUNT),
    standardHundredths: new Int32Array(count),
    bonus: new Int16Array(count),
    totalTenths: new Int32Array(count),
    missingMask: new Uint16Array(count),
  };
}

/**
 * Scores a column batch of tests with the same rules as scoreFitnessTest (without exemptions
 * and retests, which the caller resolves per student). Values must already have passed
 * fitnessValueProblem; NaN means "not measured". Results for items that a row's grade and sex are
 * not scored on are ignored.
 *
 * Per row: BMI → band score; each scored item → binary search in its table; 标准分 in hundredths
 * = Σ score × weight% (exact integers); bonus = min(20, Σ item bonus); total tenths =
 * round-half-up(标准分 hundredths / 10) + 10 × bonus. A missing required input leaves the
 * standard score, bonus and total at −1 and sets its bit in missingMask.
 * Throws ScoringInputError(DIMENSION_MISMATCH) when the arrays do not match `count`.
 * Cost: O(n × items × log 20), no allocation besides the output.
 */
export function scoreFitnessBatch(batch: FitnessBatchInput, standard: CompiledFitnessStandard = fitnessStandard2014(), output?: FitnessBatchOutput): FitnessBatchOutput {
  const { count } = batch;
  if (batch.profile.length < count || batch.heightCm.length < count || batch.weightKg.length < count || batch.items.length < count * FITNESS_ITEM_COUNT) {
    throw new ScoringInputError('DIMENSION_MISMATCH', `fitness batch arrays are shorter than count ${count}`, { count });
  }
  const out = output ?? allocateFitnessBatchOutput(count);
  for (let row = 0; row < count; row += 1) {
    scoreRow(standard, batch.profile[row], batch.heightCm[row], batch.weightKg[row], batch.items, row, out);
  }
  return out;
}

function scoreRow(standard: CompiledFitnessStandard, profile: number, heightCm: number, weightKg: number, items: Float64Array, row: number, out: FitnessBatchOutput): void {
  const itemBase = row * FITNESS_ITEM_COUNT;
  const slotBase = profile * FITNESS_ITEM_COUNT;
  const required = standard.requiredItemMask[profile];
  let missing = 0;
  let hundredths = 0;
  let bonus = 0;
  if (heightCm !== heightCm) missing |= MISSING_HEIGHT_BIT;
  if (weightKg !== weightKg) missing |= MISSING_WEIGHT_BIT;
  if (missing === 0) {
    const tenths = bmiTenthsUnchecked(heightCm, weightKg);
    const band = bmiBandAt(standard, profile, tenths);
    const score = standard.bmiBandScore[profile * 4 + band];
    out.bmiTenths[row] = tenths;
    out.bmiBand[row] = band;
    out.bmiScore[row] = score;
    hundredths = score * standard.bmiWeightPercent[profile];
  } else {
    out.bmiTenths[row] = -1;
    out.bmiBand[row] = -1;
    out.bmiScore[row] = -1;
  }
  for (let item = 0; item < FITNESS_ITEM_COUNT; item += 1) {
    const value = items[itemBase + item];
    const slot = slotBase + item;
    if (((required >> item) & 1) === 0) {
      out.itemScores[itemBase + item] = -1;
      out.itemBonus[itemBase + item] = -1;
    } else if (value !== value) {
      missing |= 1 << item;
      out.itemScores[itemBase + item] = -1;
      out.itemBonus[itemBase + item] = -1;
    } else {
      const score = itemScoreAt(standard, slot, value);
      out.itemScores[itemBase + item] = score;
      hundredths += score * standard.itemWeightPercent[slot];
      if (standard.bonusOffset[slot] >= 0) {
        const points = itemBonusAt(standard, slot, value);
        out.itemBonus[itemBase + item] = points;
        bonus += points;
      } else {
        out.itemBonus[itemBase + item] = -1;
      }
    }
  }
  out.missingMask[row] = missing;
  if (missing !== 0) {
    out.standardHundredths[row] = -1;
    out.bonus[row] = -1;
    out.totalTenths[row] = -1;
    return;
  }
  if (bonus > standard.bonusCap) bonus = standard.bonusCap;
  out.standardHundredths[row] = hundredths;
  out.bonus[row] = bonus;
  out.totalTenths[row] = Math.floor((hundredths + 5) / 10) + bonus * 10;
}

/** Decodes a missing mask into input codes (height, weight, then items in FITNESS_ITEM_CODES order). */
export function fitnessMissingInputs(missingMask: number): FitnessRequiredInput[] {
  const missing: FitnessRequiredInput[] = [];
  if (missingMask & MISSING_HEIGHT_BIT) missing.push('height_cm');
  if (missingMask & MISSING_WEIGHT_BIT) missing.push('weight_kg');
  for (let item = 0; item < FITNESS_ITEM_COUNT; item += 1) if (missingMask & (1 << item)) missing.push(FITNESS_ITEM_CODES[item]);
  return missing;
}

// One-row scratch for scoreFitnessTest (the core is single-threaded; nothing is kept between calls).
const scratchBatch = {
  count: 1,
  profile: new Uint8Array(1),
  heightCm: new Float64Array(1),
  weightKg: new Float64Array(1),
  items: new Float64Array(FITNESS_ITEM_COUNT),
};
const scratchOutput = allocateFitnessBatchOutput(1);

function checkedValue(input: FitnessRequiredInput, value: number | null | undefined): number {
  if (value === null || value === undefined || Number.isNaN(value)) return Number.NaN;
  const problem = fitnessValueProblem(input, value);
  if (problem !== null) {
    throw new ScoringInputError(Number.isFinite(value) ? 'INVALID_ARGUMENT' : 'NON_FINITE_INPUT', `${problem}. Fix the value or leave it empty if not measured.`, { input, value });
  }
  return value;
}

interface Measurements {
  readonly heightCm?: number | null;
  readonly weightKg?: number | null;
  readonly results: FitnessItemResults;
}

function scoreMeasurements(standard: CompiledFitnessStandard, profile: number, measurements: Measurements): FitnessScore {
  for (const key of Object.keys(measurements.results)) {
    if (!(FITNESS_ITEM_CODES as readonly string[]).includes(key)) {
      throw new ScoringInputError('INVALID_ARGUMENT', `unknown fitness item ${JSON.stringify(key)}: use one of ${FITNESS_ITEM_CODES.join(', ')}`, { item: key });
    }
  }
  scratchBatch.profile[0] = profile;
  scratchBatch.heightCm[0] = checkedValue('height_cm', measurements.heightCm);
  scratchBatch.weightKg[0] = checkedValue('weight_kg', measurements.weightKg);
  const ignoredItems: FitnessItemCode[] = [];
  const required = standard.requiredItemMask[profile];
  FITNESS_ITEM_CODES.forEach((code, item) => {
    const value = checkedValue(code, measurements.results[code]);
    scratchBatch.items[item] = value;
    if (((required >> item) & 1) === 0 && !Number.isNaN(value)) ignoredItems.push(code);
  });
  const out = scoreFitnessBatch(scratchBatch, standard, scratchOutput);
  const itemScores: Partial<Record<FitnessItemCode, number>> = {};
  const itemBonus: Partial<Record<FitnessItemCode, number>> = {};
  FITNESS_ITEM_CODES.forEach((code, item) => {
    if (out.itemScores[item] >= 0) itemScores[code] = out.itemScores[item];
    if (out.itemBonus[item] >= 0) itemBonus[code] = out.itemBonus[item];
  });
  const missing = fitnessMissingInputs(out.missingMask[0]);
  const complete = missing.length === 0;
  return {
    status: complete ? 'scored' : 'incomplete',
    bmi: out.bmiTenths[0] >= 0 ? out.bmiTenths[0] / 10 : null,
    bmiBand: out.bmiBand[0] >= 0 ? BMI_BAND_CODES[out.bmiBand[0]] : null,
    bmiScore: out.bmiScore[0] >= 0 ? out.bmiScore[0] : null,
    itemScores,
    itemBonus,
    standardScore: complete ? out.standardHundredths[0] / 100 : null,
    bonus: complete ? out.bonus[0] : null,
    total: complete ? out.totalTenths[0] / 10 : null,
    level: complete ? fitnessLevelFromTenths(out.totalTenths[0]) : null,
    missing,
    ignoredItems,
    reason: complete
      ? null
      : `missing required results: ${missing.join(', ')}. No total is given until they are measured (or the student is exempted); a missing item is never scored as 0.`,
  };
}

/**
 * Scores one student's fitness test for one school year (学年), per 国家学生体质健康标准（2014年修订）:
 *
 * - BMI = kg / m² rounded half-up to 0.1, banded (低体重 80 / 正常 100 / 超重 80 / 肥胖 60);
 * - each scored item: the highest step whose threshold the result meets (fitnessItemScore);
 * - 标准分 = Σ item score × weight (weights per grade group, README §3), at most 100;
 * - 附加分 = Σ bonus of the allowed items (小学 跳绳; 初中 and above: boys 引体向上 and 1000米,
 *   girls 仰卧起坐 and 800米), capped at 20;
 * - 学年总分 = 标准分 + 附加分, rounded half-up to one decimal; level from the total.
 *
 * Missing required inputs: status 'incomplete', no standard score/bonus/total/level, `missing`
 * lists them and `reason` says so — never a silently lower score.
 * 免予执行 / 暂缓: status 'exempt' / 'deferred', nothing scored, the reason kept. An exemption
 * without a reason throws ScoringInputError(INVALID_ARGUMENT), as does an exemption plus a retest.
 * 补测: allowed only when the original test is complete and its level is 不及格 (the standard: 测试
 * 成绩评定不及格者，在本学年度准予补测一次，补测仍不及格，则学年成绩评定为不及格). Each retested
 * result replaces the original one for that input; the others stand; the test is re-scored and
 * that result is the year's result, whether higher or lower (the year is judged by the retest).
 * A retest that is not allowed is not applied and `retest.reason` says why.
 *
 * Invalid values (non-finite, implausible for the unit, fractional counts) throw
 * ScoringInputError with the input named. Cost: O(items × log 20).
 * Example: see score-fitness-test.spec.ts, "worked examples" (a P3 boy: 86.1 + 2 bonus = 88.1, 良好).
 */
export function scoreFitnessTest(input: FitnessTestInput, standard: CompiledFitnessStandard = fitnessStandard2014()): FitnessTestResult {
  const profile = fitnessProfileIndex(input.grade, input.sex);
  if (input.exemption) {
    const { kind, reason } = input.exemption;
    if (kind !== 'exempt' && kind !== 'deferred') {
      throw new ScoringInputError('INVALID_ARGUMENT', `exemption kind must be 'exempt' (免予执行) or 'deferred' (暂缓), got ${JSON.stringify(kind)}`, { kind });
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new ScoringInputError('INVALID_ARGUMENT', `an exemption (${kind === 'exempt' ? '免予执行' : '暂缓'}) must carry its reason, as the standard requires the approved application to be kept`, { kind });
    }
    if (input.retest) {
      throw new ScoringInputError('INVALID_ARGUMENT', 'a test cannot be both exempted and retested: record either the exemption or the retest', {});
    }
    return {
      status: kind,
      bmi: null,
      bmiBand: null,
      bmiScore: null,
      itemScores: {},
      itemBonus: {},
      standardScore: null,
      bonus: null,
      total: null,
      level: null,
      missing: [],
      ignoredItems: [],
      reason: `${kind === 'exempt' ? '免予执行 (exempt)' : '暂缓 (deferred)'}: ${reason.trim()}`,
      exemption: { kind, reason: reason.trim() },
      retest: null,
    };
  }
  const original = scoreMeasurements(standard, profile, input);
  if (!input.retest) return { ...original, exemption: null, retest: null };

  const retest = input.retest;
  const notApplied = (reason: string): FitnessTestResult => ({ ...original, exemption: null, retest: { applied: false, reason, original, replaced: [] } });
  if (original.status !== 'scored') {
    return notApplied('补测 is for a complete test scored 不及格; this test is incomplete, so record the missing results as part of the original test');
  }
  if (original.level !== '不及格') {
    return notApplied(`补测 is only for a year result of 不及格; the original total ${original.total} is ${original.level}`);
  }
  const replaced: FitnessRequiredInput[] = [];
  const present = (value: number | null | undefined): value is number => value !== null && value !== undefined && !Number.isNaN(value);
  if (present(retest.heightCm)) replaced.push('height_cm');
  if (present(retest.weightKg)) replaced.push('weight_kg');
  const results: Partial<Record<FitnessItemCode, number | null>> = { ...input.results };
  for (const code of FITNESS_ITEM_CODES) {
    const value = retest.results[code];
    if (present(value)) {
      results[code] = value;
      replaced.push(code);
    }
  }
  if (replaced.length === 0) return notApplied('the retest holds no results');
  const rescored = scoreMeasurements(standard, profile, {
    heightCm: present(retest.heightCm) ? retest.heightCm : input.heightCm,
    weightKg: present(retest.weightKg) ? retest.weightKg : input.weightKg,
    results,
  });
  return {
    ...rescored,
    exemption: null,
    retest: {
      applied: true,
      reason: '补测 results replace the original results of the retested inputs; the year result is the re-scored test',
      original,
      replaced,
    },
  };
}
