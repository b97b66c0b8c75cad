/**
 * Myopia screening rate from uncorrected visual acuity (裸眼视力) in 5-point notation (五分记录,
 * GB 11533: 4.0 … 5.3, where 5.0 = decimal 1.0), and its year-over-year change against the
 * plan's target of at least −0.5 percentage points a year.
 */
import { ScoringInputError } from '../scoring-input-error';

/** One student's screening: uncorrected visual acuity per eye, null when not measured. */
export interface VisionScreeningRecord {
  readonly leftEye: number | null;
  readonly rightEye: number | null;
}

export interface MyopiaScreeningSummary {
  readonly records: number;
  /** Students whose screening outcome is known (the rate's denominator). */
  readonly screened: number;
  /** Screening-positive (筛查性近视阳性): either eye < 5.0. */
  readonly positive: number;
  /** One eye missing and the other ≥ 5.0: the outcome is unknown, left out of the rate. */
  readonly indeterminate: number;
  /** Neither eye measured. */
  readonly notScreened: number;
  /** positive / screened, or null when nobody was screened. */
  readonly rate: number | null;
}

/** 5-point notation spans 4.0–5.3 on the chart; 3.x values arise from finger-count conversions. */
const LOWEST_ACUITY = 3.0;
const HIGHEST_ACUITY = 5.3;
/** The cut: visual acuity below 5.0 (decimal 1.0) in either eye is screening-positive. */
const POSITIVE_BELOW = 5.0;

/**
 * Screening-positive rate: a student is positive when either eye's uncorrected acuity is < 5.0.
 * A student with one eye measured and < 5.0 is positive; with one eye measured and ≥ 5.0 the
 * outcome is indeterminate and left out; with no eye measured, not screened.
 * Throws ScoringInputError(INVALID_ARGUMENT) for an acuity outside 3.0–5.3 (is it decimal
 * notation? 1.0 decimal = 5.0) and NON_FINITE_INPUT for NaN/Infinity. O(n).
 * Example: (5.0, 5.1), (4.9, 5.0), (5.2, null), (null, 4.8) → screened 3, positive 2, rate 2/3.
 */
export function summarizeMyopiaScreening(records: readonly VisionScreeningRecord[]): MyopiaScreeningSummary {
  let screened = 0;
  let positive = 0;
  let indeterminate = 0;
  let notScreened = 0;
  records.forEach((record, index) => {
    const eyes = [record.leftEye, record.rightEye];
    for (const eye of eyes) {
      if (eye === null) continue;
      if (!Number.isFinite(eye)) throw new ScoringInputError('NON_FINITE_INPUT', `screening ${index}: visual acuity must be finite, got ${eye}`, { index });
      if (eye < LOWEST_ACUITY || eye > HIGHEST_ACUITY) {
        throw new ScoringInputError('INVALID_ARGUMENT', `screening ${index}: visual acuity ${eye} is outside ${LOWEST_ACUITY}–${HIGHEST_ACUITY} of the 5-point notation (decimal 1.0 = 5.0)`, { index, eye });
      }
    }
    const measured = eyes.filter((eye): eye is number => eye !== null);
    if (measured.length === 0) notScreened += 1;
    else if (measured.some((eye) => eye < POSITIVE_BELOW)) {
      screened += 1;
      positive += 1;
    } else if (measured.length === 2) screened += 1;
    else indeterminate += 1;
  });
  return summarizeMyopiaCounts({ records: records.length, positive, negative: screened - positive, indeterminate, notScreened });
}

/**
 * What summarizeMyopiaScreening counts, counted elsewhere (e.g. by SQL, ADR 0920): students
 * positive (either eye < 5.0), negative (both eyes measured, both ≥ 5.0), indeterminate (one eye
 * measured, ≥ 5.0) and not screened; they must add up to the records.
 */
export interface MyopiaScreeningCounts {
  readonly records: number;
  readonly positive: number;
  readonly negative: number;
  readonly indeterminate: number;
  readonly notScreened: number;
}

/**
 * The screening summary from its counts, as summarizeMyopiaScreening gives it (which counts, then
 * calls this). Throws ScoringInputError(INVALID_ARGUMENT) when a count is not a whole number ≥ 0
 * or the four outcomes do not add up to the records. O(1).
 */
export function summarizeMyopiaCounts(counts: MyopiaScreeningCounts): MyopiaScreeningSummary {
  for (const [name, value] of Object.entries(counts)) {
    if (!Number.isInteger(value) || value < 0) throw new ScoringInputError('INVALID_ARGUMENT', `${name} ${value} must be a whole number ≥ 0`, { [name]: value });
  }
  const { records, positive, negative, indeterminate, notScreened } = counts;
  if (positive + negative + indeterminate + notScreened !== records) {
    throw new ScoringInputError('INVALID_ARGUMENT', `positive, negative, indeterminate and not screened must add up to the ${records} records`, { ...counts });
  }
  const screened = positive + negative;
  return { records, screened, positive, indeterminate, notScreened, rate: screened === 0 ? null : positive / screened };
}

/** The plan: myopia rate down by at least 0.5 percentage points a year. */
export const MYOPIA_TARGET_CHANGE_POINTS = -0.5;

/**
 * Year-over-year change of the screening-positive rate, current − previous in percentage
 * points, and whether it meets the target (change ≤ −0.5 points). "met" is decided on counts:
 * 100·(p₁·n₀ − p₀·n₁) ≤ target·n₀·n₁, so a change of exactly −0.5 meets it. Null when either
 * year has nobody screened. O(1).
 * Example: 40/100 → 39/100 gives −1 point, met; 40/100 → 398/1000 gives −0.2 points, not met.
 */
export function myopiaYearOverYear(
  current: MyopiaScreeningSummary,
  previous: MyopiaScreeningSummary,
  targetChangePoints: number = MYOPIA_TARGET_CHANGE_POINTS,
): { readonly changePoints: number | null; readonly targetChangePoints: number; readonly met: boolean | null } {
  if (current.screened === 0 || previous.screened === 0) return { changePoints: null, targetChangePoints, met: null };
  const n1 = current.screened;
  const n0 = previous.screened;
  const changePoints = 100 * (current.positive / n1 - previous.positive / n0);
  const met = 100 * (current.positive * n0 - previous.positive * n1) <= targetChangePoints * n0 * n1;
  return { changePoints, targetChangePoints, met };
}
