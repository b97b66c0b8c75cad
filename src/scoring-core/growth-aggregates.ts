/**
 * Group summaries of student growth percentiles (SGP package, summarizeSGP) and the
 * goodness-of-fit table of a growth fit. Pure functions over plain arrays.
 */
import { quantileType7 } from './r-quantile';
import { ScoringInputError } from './scoring-input-error';

// Globals are bound once: looking up `Math`/`Number` per call is slow in sandboxes such as Jest's.
const { abs, floor, max, min, round, sqrt } = Math;
const isNaN = Number.isNaN;

/** One group's growth summary. Statistics are null when the group is suppressed (n < minimum). */
export interface GrowthGroupSummary {
  readonly group: string;
  /** Students with an SGP in the group. */
  readonly n: number;
  readonly suppressed: boolean;
  readonly medianSgp: number | null;
  readonly meanSgp: number | null;
  /** 1.253·sd/√n (SGP summarizeSGP; the asymptotic SE of a median is √(π/2) ≈ 1.253 times that of a mean). */
  readonly medianSgpStandardError: number | null;
  /** sd/√n. */
  readonly meanSgpStandardError: number | null;
}

export interface GrowthGroupOptions {
  /** Groups with fewer students are reported with n only (minimum-N suppression). Default 1. */
  readonly minimumN?: number;
}

/** R's median(): the middle value, or the mean of the two middle values. */
function median(sorted: Float64Array): number {
  const n = sorted.length;
  const half = n >> 1;
  return n % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/** Sample standard deviation (n − 1), two-pass; NaN for n < 2, as R's sd(). */
function standardDeviation(values: Float64Array, mean: number): number {
  if (values.length < 2) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += (value - mean) * (value - mean);
  return sqrt(sum / (values.length - 1));
}

/**
 * Median and mean SGP per group with standard errors (SGP summarizeSGP):
 * MEDIAN_SGP_STANDARD_ERROR = 1.253·sd(SGP)/√n, MEAN_SGP_STANDARD_ERROR = sd(SGP)/√n, sd with
 * n − 1 (so both are NaN for a group of one). Students whose SGP is 0 or NaN (no SGP) are
 * ignored; groups come out sorted by name. Groups with n < minimumN are suppressed.
 * Cost O(n log n). Example: summariseGrowthGroups(['A','A','B'], [40, 60, 55]).
 */
export function summariseGrowthGroups(
  groups: readonly string[],
  sgp: ArrayLike<number>,
  options: GrowthGroupOptions = {},
): GrowthGroupSummary[] {
  if (groups.length !== sgp.length) {
    throw new ScoringInputError('DIMENSION_MISMATCH', `${groups.length} group labels for ${sgp.length} SGPs`);
  }
  const minimumN = options.minimumN ?? 1;
  const byGroup = new Map<string, number[]>();
  for (let index = 0; index < groups.length; index += 1) {
    const value = sgp[index];
    if (!(value >= 1 && value <= 99)) continue;
    const list = byGroup.get(groups[index]);
    if (list === undefined) byGroup.set(groups[index], [value]);
    else list.push(value);
  }
  return [...byGroup.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((group) => {
      const values = Float64Array.from(byGroup.get(group) ?? []);
      const n = values.length;
      if (n < minimumN) {
        return { group, n, suppressed: true, medianSgp: null, meanSgp: null, medianSgpStandardError: null, meanSgpStandardError: null };
      }
      values.sort(); // numeric for a Float64Array
      let total = 0;
      for (const value of values) total += value;
      const mean = total / n;
      const sd = standardDeviation(values, mean);
      return {
        group,
        n,
        suppressed: false,
        medianSgp: median(values),
        meanSgp: mean,
        medianSgpStandardError: (1.253 * sd) / sqrt(n),
        meanSgpStandardError: sd / sqrt(n),
      };
    });
}

/** A group summary with its empirical-Bayes shrunken median. */
export interface ShrunkGrowthGroupSummary extends GrowthGroupSummary {
  /** round(50 + (median − 50)·c/(c + SE²)), null when suppressed or SE undefined. */
  readonly shrunkMedianSgp: number | null;
}

/**
 * Empirical-Bayes shrinkage of group median SGPs toward 50 (SGP summarizeSGP,
 * MEDIAN_SGP_with_SHRINKAGE; METHODS.md §1.6): with the groups that have a median and a finite SE,
 * c = var(MEDIAN_SGP across groups) − mean(SE²) (the between-group variance left after sampling
 * noise) and shrunk = round(50 + (median − 50)·c/(c + SE²)). When c ≤ 0 the medians are no more
 * spread than noise explains, and every shrunk median is 50 (R's formula would give a negative
 * or > 1 weight). With fewer than two eligible groups nothing can be estimated: null.
 * R's var uses n − 1; round() is R's (half to even). Cost O(groups).
 */
export function shrinkGroupMedians(summaries: readonly GrowthGroupSummary[]): ShrunkGrowthGroupSummary[] {
  const eligible = summaries.filter((s) => !s.suppressed && s.medianSgp !== null && Number.isFinite(s.medianSgpStandardError ?? Number.NaN));
  let constant = Number.NaN;
  if (eligible.length >= 2) {
    const medians = eligible.map((s) => s.medianSgp as number);
    const average = medians.reduce((a, b) => a + b, 0) / medians.length;
    const variance = medians.reduce((a, b) => a + (b - average) * (b - average), 0) / (medians.length - 1);
    const meanSquaredError = eligible.reduce((a, s) => a + (s.medianSgpStandardError as number) ** 2, 0) / eligible.length;
    constant = variance - meanSquaredError;
  }
  return summaries.map((summary) => {
    const standardError = summary.medianSgpStandardError;
    if (isNaN(constant) || summary.medianSgp === null || standardError === null || !Number.isFinite(standardError)) {
      return { ...summary, shrunkMedianSgp: null };
    }
    if (constant <= 0) return { ...summary, shrunkMedianSgp: 50 };
    const weight = constant / (constant + standardError * standardError);
    return { ...summary, shrunkMedianSgp: roundHalfEvenInteger(50 + (summary.medianSgp - 50) * weight) };
  });
}

function roundHalfEvenInteger(value: number): number {
  const below = floor(value);
  const difference = value - below;
  if (difference !== 0.5) return round(value);
  return below % 2 === 0 ? below : below + 1;
}

/** The 10 × 10 goodness-of-fit table of a growth fit. */
export interface GrowthGoodnessOfFit {
  /** counts[d][s]: students in prior decile d (0 = lowest) with SGP decile s (1–9, 10–19, …, 90–99). */
  readonly counts: number[][];
  /** Each row as percentages of that prior decile (each cell ideally ≈ 10). */
  readonly rowPercentages: number[][];
  /** The 9 inner prior-decile cut points (type-7 quantiles at 0.1..0.9). */
  readonly priorCuts: number[];
  readonly n: number;
  /** Largest |cell % − 10|, a one-number summary. */
  readonly maxDeviation: number;
  /** Pearson χ² of the table against uniform rows (81 df), a rough uniformity check. */
  readonly chiSquare: number;
}

/**
 * SGP's goodness-of-fit table: prior-score deciles (R cut() at the type-7 deciles, right-closed,
 * lowest included) against SGP deciles floor(SGP/10) (so 1–9, 10–19, …, 90–99). If the
 * conditional quantiles are right, SGPs are uniform within every prior decile and each cell
 * holds about 10%. Students without an SGP (0/NaN) or prior (NaN) are skipped. The SGP package
 * skips the table below 250 students (goodness.of.fit.minimum.n); callers decide.
 * Cost O(n log n). Example: growthGoodnessOfFit(priorScores, sgp).rowPercentages[0][0] ≈ 10.
 */
export function growthGoodnessOfFit(prior: ArrayLike<number>, sgp: ArrayLike<number>): GrowthGoodnessOfFit {
  if (prior.length !== sgp.length) {
    throw new ScoringInputError('DIMENSION_MISMATCH', `${prior.length} prior scores for ${sgp.length} SGPs`);
  }
  const kept: number[] = [];
  for (let index = 0; index < prior.length; index += 1) {
    if (!isNaN(prior[index]) && sgp[index] >= 1 && sgp[index] <= 99) kept.push(index);
  }
  if (kept.length < 10) {
    throw new ScoringInputError('INSUFFICIENT_DATA', `a goodness-of-fit table needs at least 10 students with an SGP, got ${kept.length}`);
  }
  const priorCuts = quantileType7(
    kept.map((index) => prior[index]),
    [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
  );
  const counts = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (const index of kept) {
    let decile = 0;
    while (decile < 9 && prior[index] > priorCuts[decile]) decile += 1;
    counts[decile][min(9, floor(sgp[index] / 10))] += 1;
  }
  let maxDeviation = 0;
  let chiSquare = 0;
  const rowPercentages = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count) => {
      const expected = total / 10;
      if (expected > 0) chiSquare += ((count - expected) * (count - expected)) / expected;
      const percentage = total === 0 ? 0 : (100 * count) / total;
      if (total > 0) maxDeviation = max(maxDeviation, abs(percentage - 10));
      return percentage;
    });
  });
  return { counts, rowPercentages, priorCuts, n: kept.length, maxDeviation, chiSquare };
}
