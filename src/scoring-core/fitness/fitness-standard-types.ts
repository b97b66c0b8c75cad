/**
 * Vocabulary of the 国家学生体质健康标准（2014年修订） (National Student Physical Fitness Standard,
 * 2014 revision) as the scoring core uses it. Codes follow shared/reference/fitness-standard-2014
 * (README §2): grade codes P1–P6, J1–J3, S1–S3, U12, U34; sex M/F; item codes in snake_case.
 */

/** Grade codes; U12 = 大一大二 (one table for both years), U34 = 大三大四 (also years 5+). */
export const FITNESS_GRADE_CODES = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'J1', 'J2', 'J3', 'S1', 'S2', 'S3', 'U12', 'U34'] as const;
export type FitnessGradeCode = (typeof FITNESS_GRADE_CODES)[number];

export const FITNESS_SEXES = ['M', 'F'] as const;
export type FitnessSex = (typeof FITNESS_SEXES)[number];

export type FitnessStage = 'primary' | 'junior' | 'senior' | 'university';

/**
 * The items with a single-item scoring table, in the order the CLI writes their score columns
 * (the order of issue 5, point 2). BMI is scored from height and weight through bands instead.
 */
export const FITNESS_ITEM_CODES = [
  'vital_capacity', // 肺活量, ml
  'run_50m', // 50米跑, s
  'sit_and_reach', // 坐位体前屈, cm (may be negative)
  'rope_skip_1min', // 一分钟跳绳, count
  'sit_up_1min', // 一分钟仰卧起坐, count
  'shuttle_50mx8', // 50米×8往返跑, total seconds
  'standing_long_jump', // 立定跳远, cm
  'pull_up', // 引体向上, count
  'run_800m', // 800米跑, total seconds
  'run_1000m', // 1000米跑, total seconds
] as const;
export type FitnessItemCode = (typeof FITNESS_ITEM_CODES)[number];

/** An input a grade can require: an item result, or the height and weight that make BMI. */
export type FitnessRequiredInput = 'height_cm' | 'weight_kg' | FitnessItemCode;

export type FitnessDirection = 'higher_better' | 'lower_better';
export type BmiBandCode = 'underweight' | 'normal' | 'overweight' | 'obese';

/** Levels on the year total (README §5): 优秀 ≥ 90.0, 良好 80.0–89.9, 及格 60.0–79.9, 不及格 ≤ 59.9. */
export type FitnessLevel = '优秀' | '良好' | '及格' | '不及格';

/** The shape of the generated data module (standard-2014.data.ts); see ADR 0201. */
export interface FitnessStandardData {
  readonly id: string;
  readonly title: string;
  readonly issuedBy: string;
  readonly provenance: {
    readonly sourceDirectory: string;
    readonly sources: readonly string[];
    readonly sha256: Readonly<Record<string, string>>;
    readonly rowCounts: Readonly<Record<string, number>>;
  };
  readonly itemNamesZh: Readonly<Record<string, string>>;
  readonly grades: readonly {
    readonly grade: string;
    readonly sex: string;
    readonly stage: string;
    readonly gradeNameZh: string;
    readonly weightGroup: string;
    readonly scoredItems: readonly string[];
    readonly bonusItems: readonly string[];
  }[];
  readonly weights: readonly { readonly group: string; readonly sex: string; readonly percent: Readonly<Record<string, number>> }[];
  readonly itemTables: readonly {
    readonly grade: string;
    readonly sex: string;
    readonly item: string;
    readonly direction: string;
    /** Score steps, descending (100 first). */
    readonly scores: readonly number[];
    /** Minimum result (higher_better) or slowest time (lower_better) for each step. */
    readonly thresholds: readonly number[];
  }[];
  readonly bmiTables: readonly {
    readonly grade: string;
    readonly sex: string;
    readonly bands: readonly { readonly band: string; readonly min: number | null; readonly max: number | null; readonly score: number }[];
  }[];
  readonly bonusTables: readonly {
    readonly grade: string;
    readonly sex: string;
    readonly item: string;
    readonly direction: string;
    readonly threshold100: number;
    /** Bonus points, descending. */
    readonly points: readonly number[];
    readonly improvements: readonly number[];
    /** Absolute result needed for each bonus step. */
    readonly required: readonly number[];
  }[];
}
