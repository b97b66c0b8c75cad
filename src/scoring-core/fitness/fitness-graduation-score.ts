/**
 * 毕业成绩 (graduation score) of the 国家学生体质健康标准（2014年修订）.
 */
import { ScoringInputError } from '../scoring-input-error';
import type { FitnessStage } from './fitness-standard-types';

/** One school year's outcome, as scoreFitnessTest reports it. */
export interface FitnessYearOutcome {
  /** A label for messages, e.g. '2024-2025'. */
  readonly schoolYear: string;
  readonly status: 'scored' | 'incomplete' | 'exempt' | 'deferred';
  /** The year total (学年总分, one decimal) when status is 'scored'. */
  readonly total: number | null;
}

export interface FitnessGraduationInput {
  /** Stage of the school the student graduates from. */
  readonly stage: FitnessStage;
  readonly finalYear: FitnessYearOutcome;
  readonly otherYears: readonly FitnessYearOutcome[];
}

export interface FitnessGraduationResult {
  /** 'exempt' = the final year is 免予执行 (the standard: 毕业时《标准》成绩需注明免测). */
  readonly status: 'scored' | 'exempt' | 'incomplete';
  /** Rounded half-up to one decimal. */
  readonly score: number | null;
  /** Number of other years that entered the mean (exempt years are left out). */
  readonly otherYearsUsed: number;
  readonly belowFifty: boolean;
  /**
   * True when the score is below 50 and the stage is senior or university: the standard says
   * 普通高中、中等职业学校和普通高等学校学生毕业时，《标准》测试的成绩达不到50分者按结业或肄业处理.
   */
  readonly diplomaWithheld: boolean;
  readonly reason: string | null;
}

function tenthsOf(outcome: FitnessYearOutcome): number {
  const total = outcome.total;
  if (total === null || !Number.isFinite(total)) {
    throw new ScoringInputError('NON_FINITE_INPUT', `year ${outcome.schoolYear} is 'scored' but has no finite total`, { schoolYear: outcome.schoolYear });
  }
  const tenths = Math.round(total * 10);
  if (Math.abs(total * 10 - tenths) > 1e-6 || tenths < 0 || tenths > 1200) {
    throw new ScoringInputError('INVALID_ARGUMENT', `year ${outcome.schoolYear} total ${total} is not a one-decimal year total between 0 and 120`, { schoolYear: outcome.schoolYear, total });
  }
  return tenths;
}

/**
 * Graduation score = final-year total × 50% + mean of the other years' totals × 50%
 * (standard: 毕业时，则按毕业当年学年总分的50%与其他学年总分平均得分的50%之和进行评定),
 * rounded half-up to one decimal in exact integer arithmetic on tenths:
 * score·10 = round((n·final + Σ others) / (2n)) in tenths.
 *
 * Rules where the standard is silent (docs/fitness.md):
 * - final year exempt (免予执行) → status 'exempt', no score;
 * - an exempt other year is left out of the mean; if no other year remains, the score is the
 *   final-year total (both halves come from the only year scored);
 * - any year 'incomplete' or 'deferred' → status 'incomplete', no score, the years named:
 *   it must be completed first, never averaged as a lower number.
 * belowFifty = score < 50.0; diplomaWithheld = belowFifty for senior and university stages.
 * Throws ScoringInputError for a 'scored' year without a one-decimal total in [0, 120]. O(years).
 * Example: final 70.0, others 60.0 and 65.0 → 70 × 0.5 + 62.5 × 0.5 = 66.3 (66.25 rounded half-up).
 */
export function fitnessGraduationScore(input: FitnessGraduationInput): FitnessGraduationResult {
  const none = (status: 'exempt' | 'incomplete', reason: string): FitnessGraduationResult => ({
    status,
    score: null,
    otherYearsUsed: 0,
    belowFifty: false,
    diplomaWithheld: false,
    reason,
  });
  const allYears = [input.finalYear, ...input.otherYears];
  const unfinished = allYears.filter((year) => year.status === 'incomplete' || year.status === 'deferred');
  if (input.finalYear.status === 'exempt') {
    return none('exempt', `final year ${input.finalYear.schoolYear} is 免予执行: the graduation record is marked 免测`);
  }
  if (unfinished.length > 0) {
    return none('incomplete', `no graduation score until these years have a total: ${unfinished.map((y) => `${y.schoolYear} (${y.status})`).join(', ')}`);
  }
  const finalTenths = tenthsOf(input.finalYear);
  const others = input.otherYears.filter((year) => year.status === 'scored').map(tenthsOf);
  const n = others.length;
  const scoreTenths =
    n === 0
      ? finalTenths
      : (() => {
          // (final/2 + mean/2) in tenths = (n·final + Σ) / (2n); round half up exactly.
          const numerator = n * finalTenths + others.reduce((sum, value) => sum + value, 0);
          const denominator = 2 * n;
          return Math.floor((2 * numerator + denominator) / (2 * denominator));
        })();
  const belowFifty = scoreTenths < 500;
  return {
    status: 'scored',
    score: scoreTenths / 10,
    otherYearsUsed: n,
    belowFifty,
    diplomaWithheld: belowFifty && (input.stage === 'senior' || input.stage === 'university'),
    reason: n === 0 ? 'no other scored year: the graduation score is the final-year total' : null,
  };
}
