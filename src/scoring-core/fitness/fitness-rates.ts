/**
 * Group aggregates of fitness results (class, school, district, city × year × grade × sex) and
 * their comparison with the plan's targets. Pure functions: the service queries, these compute.
 */
import { ScoringInputError } from '../scoring-input-error';

/** What an aggregate needs from one student's year result (a FitnessTestResult fits). */
export interface FitnessResultForRates {
  readonly status: 'scored' | 'incomplete' | 'exempt' | 'deferred';
  /** Year total, one decimal, when status is 'scored'. */
  readonly total: number | null;
}

export interface FitnessGroupSummary {
  /** Students who should be tested (the roster count), or the number of records when not given. */
  readonly enrolled: number;
  readonly recorded: number;
  /** Students with a year total (status 'scored'): the denominator of every rate. */
  readonly tested: number;
  readonly exempt: number;
  readonly deferred: number;
  readonly incomplete: number;
  /** tested / (enrolled − exempt): 免予执行 students are not expected to test. */
  readonly participation: number | null;
  readonly meanTotal: number | null;
  readonly excellentCount: number;
  readonly goodOrBetterCount: number;
  readonly passCount: number;
  /** 优秀率 = 优秀 / tested. */
  readonly excellentRate: number | null;
  /** 优良率 = (优秀 + 良好) / tested. */
  readonly goodOrBetterRate: number | null;
  /** 合格率 = (优秀 + 良好 + 及格) / tested. */
  readonly passRate: number | null;
}

function totalTenths(result: FitnessResultForRates, index: number): number {
  const total = result.total;
  if (total === null || !Number.isFinite(total)) {
    throw new ScoringInputError('NON_FINITE_INPUT', `result ${index} is 'scored' but has no finite total`, { index });
  }
  const tenths = Math.round(total * 10);
  if (Math.abs(total * 10 - tenths) > 1e-6 || tenths < 0 || tenths > 1200) {
    throw new ScoringInputError('INVALID_ARGUMENT', `result ${index}: total ${total} is not a one-decimal year total in [0, 120]`, { index, total });
  }
  return tenths;
}

/**
 * Counts and rates of one group of year results.
 * Levels come from the one-decimal total: 优秀 ≥ 90.0, 良好 ≥ 80.0, 及格 ≥ 60.0.
 * Rates are over tested students (those with a total); incomplete and deferred results count
 * as not tested, exempt ones leave the participation denominator. Mean total is exact (sum of
 * integer tenths). Null when the denominator is 0.
 * Throws ScoringInputError(INVALID_ARGUMENT) when enrolled < number of records or is not a
 * whole number ≥ 0. O(n).
 * Example: totals 95.0, 85.0, 70.0, 50.0 → 合格率 0.75, 优良率 0.5, 优秀率 0.25, mean 75.0.
 */
export function summarizeFitnessGroup(results: readonly FitnessResultForRates[], options: { readonly enrolled?: number | null } = {}): FitnessGroupSummary {
  const recorded = results.length;
  const enrolled = options.enrolled ?? recorded;
  if (!Number.isInteger(enrolled) || enrolled < recorded) {
    throw new ScoringInputError('INVALID_ARGUMENT', `enrolled ${enrolled} must be a whole number ≥ the ${recorded} records given`, { enrolled, recorded });
  }
  const counts = { enrolled, recorded, tested: 0, exempt: 0, deferred: 0, incomplete: 0, sumTenths: 0, excellentCount: 0, goodOrBetterCount: 0, passCount: 0 };
  results.forEach((result, index) => {
    switch (result.status) {
      case 'scored': {
        const tenths = totalTenths(result, index);
        counts.tested += 1;
        counts.sumTenths += tenths;
        if (tenths >= 900) counts.excellentCount += 1;
        if (tenths >= 800) counts.goodOrBetterCount += 1;
        if (tenths >= 600) counts.passCount += 1;
        break;
      }
      case 'exempt':
        counts.exempt += 1;
        break;
      case 'deferred':
        counts.deferred += 1;
        break;
      case 'incomplete':
        counts.incomplete += 1;
        break;
      default:
        throw new ScoringInputError('INVALID_ARGUMENT', `result ${index} has unknown status ${JSON.stringify((result as { status: unknown }).status)}`, { index });
    }
  });
  return summarizeFitnessCounts(counts);
}

/**
 * What summarizeFitnessGroup counts, counted elsewhere (e.g. by SQL over stored results, ADR 0920):
 * the statuses, the sum of the scored totals in integer tenths and the students at or above each
 * level's cut (优秀 ≥ 900, 良好 ≥ 800, 及格 ≥ 600 tenths).
 */
export interface FitnessGroupCounts {
  readonly enrolled: number;
  readonly recorded: number;
  readonly tested: number;
  readonly exempt: number;
  readonly deferred: number;
  readonly incomplete: number;
  readonly sumTenths: number;
  readonly excellentCount: number;
  readonly goodOrBetterCount: number;
  readonly passCount: number;
}

/**
 * The summary of a group from its counts — the same rates, participation and exact mean as
 * summarizeFitnessGroup (which counts, then calls this). Throws ScoringInputError(INVALID_ARGUMENT)
 * when a count is not a whole number ≥ 0, the statuses exceed the records, the records exceed
 * enrolled, or the level counts are not nested (优秀 ≤ 优良 ≤ 合格 ≤ tested). O(1).
 */
export function summarizeFitnessCounts(counts: FitnessGroupCounts): FitnessGroupSummary {
  const { enrolled, recorded, tested, exempt, deferred, incomplete, sumTenths, excellentCount, goodOrBetterCount, passCount } = counts;
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0) throw new ScoringInputError('INVALID_ARGUMENT', `${name} ${value} must be a whole number ≥ 0`, { [name]: value });
  }
  if (enrolled < recorded) throw new ScoringInputError('INVALID_ARGUMENT', `enrolled ${enrolled} must be a whole number ≥ the ${recorded} records given`, { enrolled, recorded });
  if (tested + exempt + deferred + incomplete !== recorded || excellentCount > goodOrBetterCount || goodOrBetterCount > passCount || passCount > tested || sumTenths > 1200 * tested) {
    throw new ScoringInputError('INVALID_ARGUMENT', 'the counts do not add up: statuses must sum to the records, 优秀 ≤ 优良 ≤ 合格 ≤ tested', { ...counts });
  }
  const rate = (count: number): number | null => (tested === 0 ? null : count / tested);
  const expected = enrolled - exempt;
  return {
    enrolled,
    recorded,
    tested,
    exempt,
    deferred,
    incomplete,
    participation: expected === 0 ? null : tested / expected,
    meanTotal: tested === 0 ? null : sumTenths / tested / 10,
    excellentCount,
    goodOrBetterCount,
    passCount,
    excellentRate: rate(excellentCount),
    goodOrBetterRate: rate(goodOrBetterCount),
    passRate: rate(passCount),
  };
}

/**
 * The plan's targets (DOMAIN.md, issue 5): 合格率 ≥ 90% and 优良率 ≥ 30% by 2022; ≥ 95% and ≥ 50%
 * by 2025. In whole percent so that "met" is decided in exact integer arithmetic.
 */
export const FITNESS_TARGETS = {
  2022: { passRatePercent: 90, goodOrBetterRatePercent: 30 },
  2025: { passRatePercent: 95, goodOrBetterRatePercent: 50 },
} as const;
export type FitnessTargetYear = keyof typeof FITNESS_TARGETS;

export interface FitnessTargetCheck {
  readonly targetPercent: number;
  /** The group's rate in percent, or null when nobody was tested. */
  readonly actualPercent: number | null;
  /** actual ≥ target (decided on counts: count × 100 ≥ target × tested). Null when untested. */
  readonly met: boolean | null;
  /** actual − target, in percentage points (negative = below target). */
  readonly differencePoints: number | null;
  /** How far below the target, in points; 0 when met. */
  readonly gapPoints: number | null;
}

/**
 * Compares a group's 合格率 and 优良率 with the 2022 or 2025 target. O(1).
 * Example: 合格率 0.75 vs 2022 (90%) → met false, differencePoints −15, gapPoints 15.
 */
export function compareWithFitnessTargets(summary: FitnessGroupSummary, targetYear: FitnessTargetYear): { readonly targetYear: FitnessTargetYear; readonly passRate: FitnessTargetCheck; readonly goodOrBetterRate: FitnessTargetCheck } {
  const target = FITNESS_TARGETS[targetYear];
  if (!target) throw new ScoringInputError('INVALID_ARGUMENT', `no fitness target for ${String(targetYear)}: use 2022 or 2025`, { targetYear });
  const check = (count: number, targetPercent: number): FitnessTargetCheck => {
    if (summary.tested === 0) return { targetPercent, actualPercent: null, met: null, differencePoints: null, gapPoints: null };
    const actualPercent = (100 * count) / summary.tested;
    const differencePoints = actualPercent - targetPercent;
    const met = count * 100 >= targetPercent * summary.tested;
    return { targetPercent, actualPercent, met, differencePoints, gapPoints: met ? 0 : -differencePoints };
  };
  return {
    targetYear,
    passRate: check(summary.passCount, target.passRatePercent),
    goodOrBetterRate: check(summary.goodOrBetterCount, target.goodOrBetterRatePercent),
  };
}

export interface FitnessYearOverYearChange {
  /** Change of the mean total, in points. */
  readonly meanTotal: number | null;
  /** Changes of the rates, in percentage points. */
  readonly participationPoints: number | null;
  readonly excellentRatePoints: number | null;
  readonly goodOrBetterRatePoints: number | null;
  readonly passRatePoints: number | null;
}

/**
 * Year-over-year change of a group: current − previous, rates in percentage points; null where
 * either year has no value. O(1).
 * Example: 合格率 0.80 → 0.75 gives passRatePoints −5.
 */
export function fitnessYearOverYear(current: FitnessGroupSummary, previous: FitnessGroupSummary): FitnessYearOverYearChange {
  const points = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : 100 * (a - b));
  return {
    meanTotal: current.meanTotal === null || previous.meanTotal === null ? null : current.meanTotal - previous.meanTotal,
    participationPoints: points(current.participation, previous.participation),
    excellentRatePoints: points(current.excellentRate, previous.excellentRate),
    goodOrBetterRatePoints: points(current.goodOrBetterRate, previous.goodOrBetterRate),
    passRatePoints: points(current.passRate, previous.passRate),
  };
}
