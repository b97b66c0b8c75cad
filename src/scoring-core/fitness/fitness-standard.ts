/**
 * The standard's tables compiled into flat, pre-sorted typed arrays so that every lookup is a
 * binary search (ADR 0201). One "profile" is a grade × sex pair: profile = gradeIndex × 2 + sexIndex.
 */
import { ScoringInputError } from '../scoring-input-error';
import {
  FITNESS_GRADE_CODES,
  FITNESS_ITEM_CODES,
  FITNESS_SEXES,
  type BmiBandCode,
  type FitnessGradeCode,
  type FitnessItemCode,
  type FitnessSex,
  type FitnessStage,
  type FitnessStandardData,
} from './fitness-standard-types';
import { FITNESS_STANDARD_2014 } from './standard-2014.data';

export const FITNESS_ITEM_COUNT = FITNESS_ITEM_CODES.length;
export const FITNESS_PROFILE_COUNT = FITNESS_GRADE_CODES.length * FITNESS_SEXES.length;
export const BMI_BAND_CODES: readonly BmiBandCode[] = ['underweight', 'normal', 'overweight', 'obese'];

/**
 * Slack for comparing a result with a threshold. Results are recorded to 0.1 s / 0.1 cm / 1 ml or
 * coarser, so 1e-7 only absorbs binary floating-point noise (e.g. 3 × 60 + 55.1 seconds) and never
 * moves a result across a step.
 */
export const FITNESS_COMPARISON_SLACK = 1e-7;

/** 附加分 cap (README §5; standard: 附加分满分为20分). */
export const FITNESS_BONUS_CAP = 20;

const GRADE_INDEX: ReadonlyMap<string, number> = new Map(FITNESS_GRADE_CODES.map((code, index) => [code, index]));
const SEX_INDEX: ReadonlyMap<string, number> = new Map(FITNESS_SEXES.map((code, index) => [code, index]));
const ITEM_INDEX: ReadonlyMap<string, number> = new Map(FITNESS_ITEM_CODES.map((code, index) => [code, index]));

/** A compiled standard. Build it with `compileFitnessStandard`; treat the arrays as read-only. */
export interface CompiledFitnessStandard {
  readonly id: string;
  readonly title: string;
  readonly data: FitnessStandardData;
  /** Stage of each profile. */
  readonly stage: readonly FitnessStage[];
  /** Bit i set when item i (FITNESS_ITEM_CODES order) is scored for the profile. */
  readonly requiredItemMask: Uint16Array;
  /** Weight in percent: [profile × ITEM_COUNT + item]; 0 when the item is not scored. */
  readonly itemWeightPercent: Int32Array;
  /** BMI weight in percent per profile. */
  readonly bmiWeightPercent: Int32Array;
  /** Item tables: [profile × ITEM_COUNT + item] → offset into keys/scores, −1 when there is no table. */
  readonly tableOffset: Int32Array;
  readonly tableLength: Int32Array;
  /**
   * "Goodness" keys sorted ascending inside each table: the threshold for higher_better items and
   * minus the threshold for lower_better ones, so a result v earns the step of the last key ≤ ±v.
   */
  readonly tableKeys: Float64Array;
  readonly tableScores: Int32Array;
  /** +1 for higher_better, −1 for lower_better, per item. */
  readonly itemSign: Int8Array;
  /** Bonus tables, same layout as the item tables; keys from the absolute required results. */
  readonly bonusOffset: Int32Array;
  readonly bonusLength: Int32Array;
  readonly bonusKeys: Float64Array;
  readonly bonusPoints: Int32Array;
  /** BMI: lower bounds in tenths of the normal, overweight and obese bands, [profile × 3 + k]. */
  readonly bmiLowerTenths: Int32Array;
  /** BMI band scores [profile × 4 + band] (低体重 80, 正常 100, 超重 80, 肥胖 60). */
  readonly bmiBandScore: Int32Array;
  readonly bonusCap: number;
}

/**
 * Index of a grade × sex pair in the compiled arrays.
 * Throws ScoringInputError(INVALID_ARGUMENT) for an unknown code. O(1).
 * Example: fitnessProfileIndex('J1', 'F') === 13.
 */
export function fitnessProfileIndex(grade: FitnessGradeCode, sex: FitnessSex): number {
  const gradeIndex = GRADE_INDEX.get(grade);
  const sexIndex = SEX_INDEX.get(sex);
  if (gradeIndex === undefined) {
    throw new ScoringInputError('INVALID_ARGUMENT', `unknown grade code ${JSON.stringify(grade)}: use one of ${FITNESS_GRADE_CODES.join(', ')}`, { grade });
  }
  if (sexIndex === undefined) {
    throw new ScoringInputError('INVALID_ARGUMENT', `unknown sex ${JSON.stringify(sex)}: use M or F`, { sex });
  }
  return gradeIndex * FITNESS_SEXES.length + sexIndex;
}

/** Index of an item code in FITNESS_ITEM_CODES, or −1. */
export function fitnessItemIndex(item: string): number {
  return ITEM_INDEX.get(item) ?? -1;
}

/**
 * Compiles the standard's tables (the generated data module, or a test's variant of it) into
 * flat typed arrays.
 *
 * Assumes what tools/fitness/import-standard-tables.js checked when it wrote the data: every
 * table is strictly monotonic, weights sum to 100, bands tile the line. It re-checks ordering
 * and the weight sums and throws ScoringInputError(INVALID_ARGUMENT) when they fail, because a
 * binary search over unsorted keys would return wrong scores silently.
 * Cost: O(total table rows). Example: `compileFitnessStandard(FITNESS_STANDARD_2014)`.
 */
export function compileFitnessStandard(data: FitnessStandardData): CompiledFitnessStandard {
  const profiles = FITNESS_PROFILE_COUNT;
  const slots = profiles * FITNESS_ITEM_COUNT;
  const stage: FitnessStage[] = new Array<FitnessStage>(profiles);
  const requiredItemMask = new Uint16Array(profiles);
  const itemWeightPercent = new Int32Array(slots);
  const bmiWeightPercent = new Int32Array(profiles);
  const tableOffset = new Int32Array(slots).fill(-1);
  const tableLength = new Int32Array(slots);
  const bonusOffset = new Int32Array(slots).fill(-1);
  const bonusLength = new Int32Array(slots);
  const itemSign = new Int8Array(FITNESS_ITEM_COUNT);
  const bmiLowerTenths = new Int32Array(profiles * 3);
  const bmiBandScore = new Int32Array(profiles * 4);
  const seenProfile = new Uint8Array(profiles);
  const bad = (message: string, details: Record<string, unknown> = {}): never => {
    throw new ScoringInputError('INVALID_ARGUMENT', `fitness standard ${data.id}: ${message}`, details);
  };
  const profileOf = (grade: string, sex: string): number => {
    if (!GRADE_INDEX.has(grade) || !SEX_INDEX.has(sex)) bad(`unknown grade/sex ${grade}/${sex}`);
    return fitnessProfileIndex(grade as FitnessGradeCode, sex as FitnessSex);
  };
  const itemOf = (item: string): number => {
    const index = fitnessItemIndex(item);
    if (index < 0) bad(`unknown item ${item}`);
    return index;
  };

  for (const row of data.grades) {
    const profile = profileOf(row.grade, row.sex);
    seenProfile[profile] = 1;
    stage[profile] = row.stage as FitnessStage;
    const weights = data.weights.find((w) => w.group === row.weightGroup && w.sex === row.sex);
    if (!weights) bad(`no weights for ${row.weightGroup} ${row.sex}`);
    let sum = 0;
    for (const [item, percent] of Object.entries(weights!.percent)) {
      sum += percent;
      if (item === 'bmi') bmiWeightPercent[profile] = percent;
      else itemWeightPercent[profile * FITNESS_ITEM_COUNT + itemOf(item)] = percent;
    }
    if (sum !== 100) bad(`weights of ${row.weightGroup} ${row.sex} sum to ${sum}, not 100`);
    for (const item of row.scoredItems) {
      if (item !== 'bmi') requiredItemMask[profile] |= 1 << itemOf(item);
    }
  }
  if (seenProfile.some((seen) => seen === 0)) bad('grades table does not cover every grade × sex');

  const tableKeys = new Float64Array(data.itemTables.reduce((n, t) => n + t.scores.length, 0));
  const tableScores = new Int32Array(tableKeys.length);
  let cursor = 0;
  for (const table of data.itemTables) {
    const item = itemOf(table.item);
    const sign = table.direction === 'lower_better' ? -1 : 1;
    if (itemSign[item] !== 0 && itemSign[item] !== sign) bad(`direction of ${table.item} differs between tables`);
    itemSign[item] = sign;
    const slot = profileOf(table.grade, table.sex) * FITNESS_ITEM_COUNT + item;
    tableOffset[slot] = cursor;
    tableLength[slot] = table.scores.length;
    // Stored 100-first; reversed here so keys (and scores) ascend.
    for (let step = table.scores.length - 1; step >= 0; step -= 1) {
      tableKeys[cursor] = sign * table.thresholds[step];
      tableScores[cursor] = table.scores[step];
      if (cursor > tableOffset[slot] && !(tableKeys[cursor] > tableKeys[cursor - 1] && tableScores[cursor] > tableScores[cursor - 1])) {
        bad(`table ${table.grade} ${table.sex} ${table.item} is not strictly monotonic`);
      }
      cursor += 1;
    }
  }
  for (let slot = 0; slot < slots; slot += 1) {
    const required = (requiredItemMask[Math.floor(slot / FITNESS_ITEM_COUNT)] >> slot % FITNESS_ITEM_COUNT) & 1;
    if (required === 1 && tableOffset[slot] < 0) bad(`no table for a scored item (slot ${slot})`);
  }

  const bonusKeys = new Float64Array(data.bonusTables.reduce((n, t) => n + t.points.length, 0));
  const bonusPoints = new Int32Array(bonusKeys.length);
  cursor = 0;
  for (const table of data.bonusTables) {
    const item = itemOf(table.item);
    const sign = table.direction === 'lower_better' ? -1 : 1;
    const slot = profileOf(table.grade, table.sex) * FITNESS_ITEM_COUNT + item;
    bonusOffset[slot] = cursor;
    bonusLength[slot] = table.points.length;
    for (let step = table.points.length - 1; step >= 0; step -= 1) {
      bonusKeys[cursor] = sign * table.required[step];
      bonusPoints[cursor] = table.points[step];
      if (cursor > bonusOffset[slot] && !(bonusKeys[cursor] > bonusKeys[cursor - 1] && bonusPoints[cursor] > bonusPoints[cursor - 1])) {
        bad(`bonus table ${table.grade} ${table.sex} ${table.item} is not strictly monotonic`);
      }
      cursor += 1;
    }
  }

  for (const table of data.bmiTables) {
    const profile = profileOf(table.grade, table.sex);
    if (table.bands.length !== 4) bad(`BMI table ${table.grade} ${table.sex} needs 4 bands`);
    table.bands.forEach((band, index) => {
      if (band.band !== BMI_BAND_CODES[index]) bad(`BMI bands of ${table.grade} ${table.sex} out of order`);
      bmiBandScore[profile * 4 + index] = band.score;
      if (index > 0) bmiLowerTenths[profile * 3 + index - 1] = Math.round((band.min ?? bad('BMI band without lower bound')) * 10);
    });
  }

  return {
    id: data.id,
    title: data.title,
    data,
    stage,
    requiredItemMask,
    itemWeightPercent,
    bmiWeightPercent,
    tableOffset,
    tableLength,
    tableKeys,
    tableScores,
    itemSign,
    bonusOffset,
    bonusLength,
    bonusKeys,
    bonusPoints,
    bmiLowerTenths,
    bmiBandScore,
    bonusCap: FITNESS_BONUS_CAP,
  };
}

let defaultStandard: CompiledFitnessStandard | undefined;

/** The 2014 standard, compiled once on first use. */
export function fitnessStandard2014(): CompiledFitnessStandard {
  defaultStandard ??= compileFitnessStandard(FITNESS_STANDARD_2014);
  return defaultStandard;
}

/**
 * Number of keys in keys[offset, offset + length) that are ≤ target (upper bound), by binary
 * search. O(log length).
 */
export function countKeysAtOrBelow(keys: Float64Array, offset: number, length: number, target: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[offset + middle] <= target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Single-item score (单项得分) of one result: the highest step whose threshold the result meets,
 * in the item's direction (README §4): for higher_better items the highest score whose
 * threshold ≤ result, for lower_better (timed) items the highest score whose threshold ≥ time.
 * A result at a threshold earns that step; below the lowest printed step scores 0; beyond the
 * 100-point threshold still scores 100 (the excess may earn bonus, see fitnessItemBonus).
 *
 * Throws ScoringInputError(INVALID_ARGUMENT) when the item is not scored for the grade and sex
 * (e.g. pull_up for girls) and NON_FINITE_INPUT for NaN/±Infinity.
 * Cost: O(log 20). Source: 国家学生体质健康标准（2014年修订） 表1-1…1-16.
 * Example: 初一男 1000米 236 s → 95 (100 = 235 s, 95 = 245 s).
 */
export function fitnessItemScore(grade: FitnessGradeCode, sex: FitnessSex, item: FitnessItemCode, result: number, standard = fitnessStandard2014()): number {
  const slot = slotFor(standard, grade, sex, item);
  if (!Number.isFinite(result)) throw new ScoringInputError('NON_FINITE_INPUT', `${item} result must be a finite number, got ${result}`, { item, result });
  return itemScoreAt(standard, slot, result);
}

/**
 * 加分 of one item: the highest bonus step whose required result the student reaches (README §6);
 * 0 for items and grades without a bonus table (e.g. 小学 仰卧起坐, 50米×8, boys' 仰卧起坐).
 * Throws like fitnessItemScore. O(log 20).
 * Example: 大一男 1000米 189 s (8 s under the 100-point 197 s) → 2.
 */
export function fitnessItemBonus(grade: FitnessGradeCode, sex: FitnessSex, item: FitnessItemCode, result: number, standard = fitnessStandard2014()): number {
  const slot = slotFor(standard, grade, sex, item);
  if (!Number.isFinite(result)) throw new ScoringInputError('NON_FINITE_INPUT', `${item} result must be a finite number, got ${result}`, { item, result });
  return itemBonusAt(standard, slot, result);
}

/** @internal Item score for a compiled slot; result assumed finite. */
export function itemScoreAt(standard: CompiledFitnessStandard, slot: number, result: number): number {
  const offset = standard.tableOffset[slot];
  const sign = standard.itemSign[slot % FITNESS_ITEM_COUNT];
  const count = countKeysAtOrBelow(standard.tableKeys, offset, standard.tableLength[slot], sign * result + FITNESS_COMPARISON_SLACK);
  return count === 0 ? 0 : standard.tableScores[offset + count - 1];
}

/** @internal Item bonus for a compiled slot; 0 when the slot has no bonus table. */
export function itemBonusAt(standard: CompiledFitnessStandard, slot: number, result: number): number {
  const offset = standard.bonusOffset[slot];
  if (offset < 0) return 0;
  const sign = standard.itemSign[slot % FITNESS_ITEM_COUNT];
  const count = countKeysAtOrBelow(standard.bonusKeys, offset, standard.bonusLength[slot], sign * result + FITNESS_COMPARISON_SLACK);
  return count === 0 ? 0 : standard.bonusPoints[offset + count - 1];
}

function slotFor(standard: CompiledFitnessStandard, grade: FitnessGradeCode, sex: FitnessSex, item: FitnessItemCode): number {
  const profile = fitnessProfileIndex(grade, sex);
  const itemIndex = fitnessItemIndex(item);
  if (itemIndex < 0) throw new ScoringInputError('INVALID_ARGUMENT', `unknown item ${JSON.stringify(item)}: use one of ${FITNESS_ITEM_CODES.join(', ')}`, { item });
  const slot = profile * FITNESS_ITEM_COUNT + itemIndex;
  if (standard.tableOffset[slot] < 0) {
    throw new ScoringInputError('INVALID_ARGUMENT', `${item} is not scored for grade ${grade} sex ${sex} in ${standard.title}`, { grade, sex, item });
  }
  return slot;
}

/**
 * BMI (体重指数) = weight(kg) / height(m)², rounded half-up to one decimal as the one-decimal band
 * limits imply (README §4). Computed in integers — height and weight are first taken to 0.01 cm
 * and 0.01 kg — so a BMI that is exactly on a half tenth (e.g. 88.6 kg at 200 cm = 22.15) always
 * rounds up, never down through floating-point noise. Returns tenths of kg/m².
 * Throws ScoringInputError(INVALID_ARGUMENT) for height ≤ 0 or weight ≤ 0. O(1).
 * Example: bmiTenths(160, 50) === 195 (19.53125 → 19.5).
 */
export function bmiTenths(heightCm: number, weightKg: number): number {
  if (!(heightCm > 0) || !(weightKg > 0) || !Number.isFinite(heightCm) || !Number.isFinite(weightKg)) {
    throw new ScoringInputError('INVALID_ARGUMENT', `BMI needs a positive height and weight, got ${heightCm} cm and ${weightKg} kg`, { heightCm, weightKg });
  }
  return bmiTenthsUnchecked(heightCm, weightKg);
}

/** @internal bmiTenths without the argument check. */
export function bmiTenthsUnchecked(heightCm: number, weightKg: number): number {
  // BMI = 10000·W/H² with W = w/100 kg, H = h/100 cm → BMI·10 = 1e7·w/h²; round half up exactly.
  const hundredthsCm = Math.round(heightCm * 100);
  const hundredthsKg = Math.round(weightKg * 100);
  const denominator = hundredthsCm * hundredthsCm;
  return Math.floor((2e7 * hundredthsKg + denominator) / (2 * denominator));
}

/**
 * BMI band and its score (体重指数单项评分) for a BMI already rounded to one decimal, given in
 * tenths: the band whose inclusive [min, max] holds it (README §3). O(1) (three comparisons).
 * Example: 初一男 BMI 22.1 → normal, 100; 22.2 → overweight, 80.
 */
export function fitnessBmiBand(grade: FitnessGradeCode, sex: FitnessSex, bmiInTenths: number, standard = fitnessStandard2014()): { band: BmiBandCode; score: number } {
  const profile = fitnessProfileIndex(grade, sex);
  const band = bmiBandAt(standard, profile, bmiInTenths);
  return { band: BMI_BAND_CODES[band], score: standard.bmiBandScore[profile * 4 + band] };
}

/** @internal Band index 0..3 for a profile. */
export function bmiBandAt(standard: CompiledFitnessStandard, profile: number, bmiInTenths: number): number {
  const cuts = standard.bmiLowerTenths;
  const base = profile * 3;
  return (bmiInTenths >= cuts[base] ? 1 : 0) + (bmiInTenths >= cuts[base + 1] ? 1 : 0) + (bmiInTenths >= cuts[base + 2] ? 1 : 0);
}
