/**
 * Walks every table of the 2014 standard through the compiled lookups.
 *
 * The walk reads the raw steps of the generated data module (FITNESS_STANDARD_2014, copied from
 * shared/reference/fitness-standard-2014 by tools/fitness/import-standard-tables.js) and checks
 * the binary searches over the compiled typed arrays against them: a result exactly at a
 * threshold earns that step, a result one recording unit worse earns the next step down (0
 * below the last), and so does a result a hair (0.01 unit) worse. Data values themselves are
 * pinned against the README's known-value checks and the row counts of its validation report.
 * Integer scores and tenths: exact equality is right here (no floating-point results).
 */
import { ScoringInputError } from '../scoring-input-error';
import {
  BMI_BAND_CODES,
  bmiTenths,
  compileFitnessStandard,
  fitnessBmiBand,
  fitnessItemBonus,
  fitnessItemScore,
  fitnessProfileIndex,
} from './fitness-standard';
import { FITNESS_ITEM_CODES, type FitnessGradeCode, type FitnessItemCode, type FitnessSex, type FitnessStandardData } from './fitness-standard-types';
import { FITNESS_STANDARD_2014 } from './standard-2014.data';

/** Recording unit of each item: the smallest difference between two results (README §2). */
const RESOLUTION: Record<FitnessItemCode, number> = {
  vital_capacity: 1,
  run_50m: 0.1,
  sit_and_reach: 0.1,
  rope_skip_1min: 1,
  sit_up_1min: 1,
  shuttle_50mx8: 1,
  standing_long_jump: 1,
  pull_up: 1,
  run_800m: 1,
  run_1000m: 1,
};

/** Decimal-safe a ± b for one-decimal values (8.3 + 0.1 must be 8.4, not 8.400000000000002). */
const shift = (value: number, delta: number): number => Math.round((value + delta) * 100) / 100;

const data = FITNESS_STANDARD_2014;

describe('the embedded 2014 tables', () => {
  it('hold the row counts of the reference validation report', () => {
    expect(data.provenance.rowCounts).toEqual({ 'thresholds.csv': 3077, 'bmi_bands.csv': 112, 'weights.csv': 50, 'bonus.csv': 560, 'grades.csv': 28 });
    expect(data.itemTables.reduce((n, t) => n + t.scores.length, 0)).toBe(3077);
    expect(data.bmiTables.length * 4).toBe(112);
    expect(data.bonusTables.reduce((n, t) => n + t.points.length, 0)).toBe(560);
    expect(data.grades).toHaveLength(28);
  });

  it('record each source file by SHA-256', () => {
    for (const file of ['thresholds.csv', 'bmi_bands.csv', 'weights.csv', 'bonus.csv', 'grades.csv']) {
      expect(data.provenance.sha256[file]).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('match the known values checked in the reference README §9', () => {
    // 初一男 1000米 满分 3'55" = 235 s; 236 s → 95; 421 s → 0 (README §4 example).
    expect(fitnessItemScore('J1', 'M', 'run_1000m', 235)).toBe(100);
    expect(fitnessItemScore('J1', 'M', 'run_1000m', 236)).toBe(95);
    expect(fitnessItemScore('J1', 'M', 'run_1000m', 421)).toBe(0);
    // 高一男 引体向上 11 → 76 (78 is not a printed step).
    expect(fitnessItemScore('S1', 'M', 'pull_up', 11)).toBe(76);
    // 高三男 肺活量 100 = 4940 ml (5040 is the 大一大二 value).
    expect(fitnessItemScore('S3', 'M', 'vital_capacity', 4940)).toBe(100);
    expect(fitnessItemScore('S3', 'M', 'vital_capacity', 4939)).toBe(95);
    expect(fitnessItemScore('U12', 'M', 'vital_capacity', 5040)).toBe(100);
    expect(fitnessItemScore('P1', 'M', 'run_50m', 10.2)).toBe(100);
    expect(fitnessItemScore('U12', 'M', 'run_1000m', 197)).toBe(100);
    expect(fitnessItemScore('U12', 'F', 'run_800m', 198)).toBe(100);
    expect(fitnessItemScore('J2', 'M', 'run_1000m', 230)).toBe(100);
    expect(fitnessItemScore('S3', 'F', 'run_800m', 200)).toBe(100);
    expect(fitnessItemScore('P5', 'M', 'shuttle_50mx8', 96)).toBe(100);
    // 初二 引体向上 has no 10-point step: 0 reps scores 0 (README §9 disagreement 4).
    expect(fitnessItemScore('J2', 'M', 'pull_up', 0)).toBe(0);
    expect(fitnessItemScore('J2', 'M', 'pull_up', 1)).toBe(20);
    // 初一男 BMI: ≤ 15.4 低体重 80; 15.5–22.1 正常 100; 22.2–24.9 超重 80; ≥ 25.0 肥胖 60.
    expect(fitnessBmiBand('J1', 'M', 154)).toEqual({ band: 'underweight', score: 80 });
    expect(fitnessBmiBand('J1', 'M', 155)).toEqual({ band: 'normal', score: 100 });
    expect(fitnessBmiBand('J1', 'M', 221)).toEqual({ band: 'normal', score: 100 });
    expect(fitnessBmiBand('J1', 'M', 222)).toEqual({ band: 'overweight', score: 80 });
    expect(fitnessBmiBand('J1', 'M', 249)).toEqual({ band: 'overweight', score: 80 });
    expect(fitnessBmiBand('J1', 'M', 250)).toEqual({ band: 'obese', score: 60 });
  });
});

describe('every (grade, sex, item) table, at each threshold', () => {
  const cases = data.itemTables.map((table) => [`${table.grade} ${table.sex} ${table.item}`, table] as const);

  it.each(cases)('%s: at a threshold earns the step, just worse earns the step below', (_name, table) => {
    const grade = table.grade as FitnessGradeCode;
    const sex = table.sex as FitnessSex;
    const item = table.item as FitnessItemCode;
    const worse = table.direction === 'higher_better' ? -1 : 1;
    const unit = RESOLUTION[item];
    expect(table.scores[0]).toBe(100);
    table.thresholds.forEach((threshold, step) => {
      const stepBelow = step + 1 < table.scores.length ? table.scores[step + 1] : 0;
      // Thresholds are whole multiples of the recording unit, so "one unit worse" is well defined.
      expect(Math.abs(threshold / unit - Math.round(threshold / unit))).toBeLessThan(1e-9);
      expect(fitnessItemScore(grade, sex, item, threshold)).toBe(table.scores[step]);
      expect(fitnessItemScore(grade, sex, item, shift(threshold, worse * unit))).toBe(stepBelow);
      expect(fitnessItemScore(grade, sex, item, shift(threshold, worse * 0.01))).toBe(stepBelow);
    });
    // Better than the 100-point threshold still scores 100 on the item.
    expect(fitnessItemScore(grade, sex, item, shift(table.thresholds[0], -worse * 10 * unit))).toBe(100);
  });
});

describe('every BMI table, at each band edge', () => {
  const cases = data.bmiTables.map((table) => [`${table.grade} ${table.sex}`, table] as const);

  it.each(cases)('%s: both bounds are inclusive, 0.1 beyond is the next band', (_name, table) => {
    const grade = table.grade as FitnessGradeCode;
    const sex = table.sex as FitnessSex;
    table.bands.forEach((band, index) => {
      const expected = { band: BMI_BAND_CODES[index], score: band.score };
      if (band.min !== null) {
        expect(fitnessBmiBand(grade, sex, Math.round(band.min * 10))).toEqual(expected);
        expect(fitnessBmiBand(grade, sex, Math.round(band.min * 10) - 1)).toEqual({ band: BMI_BAND_CODES[index - 1], score: table.bands[index - 1].score });
      }
      if (band.max !== null) {
        expect(fitnessBmiBand(grade, sex, Math.round(band.max * 10))).toEqual(expected);
        expect(fitnessBmiBand(grade, sex, Math.round(band.max * 10) + 1)).toEqual({ band: BMI_BAND_CODES[index + 1], score: table.bands[index + 1].score });
      }
    });
    expect(table.bands.map((band) => band.score)).toEqual([80, 100, 80, 60]);
  });
});

describe('every bonus table, at each step', () => {
  const cases = data.bonusTables.map((table) => [`${table.grade} ${table.sex} ${table.item}`, table] as const);

  it.each(cases)('%s: the required result earns the points, just short earns the step below', (_name, table) => {
    const grade = table.grade as FitnessGradeCode;
    const sex = table.sex as FitnessSex;
    const item = table.item as FitnessItemCode;
    const worse = table.direction === 'higher_better' ? -1 : 1;
    table.required.forEach((required, step) => {
      const below = step + 1 < table.points.length ? table.points[step + 1] : 0;
      expect(fitnessItemBonus(grade, sex, item, required)).toBe(table.points[step]);
      expect(fitnessItemBonus(grade, sex, item, shift(required, worse * RESOLUTION[item]))).toBe(below);
    });
    // Exactly at the 100-point threshold: 100 on the item, no bonus.
    expect(fitnessItemScore(grade, sex, item, table.threshold100)).toBe(100);
    expect(fitnessItemBonus(grade, sex, item, table.threshold100)).toBe(0);
    // Far beyond the last step: the item's maximum (20 for 跳绳, 10 for the others), never more.
    const farBeyond = shift(table.required[0], -worse * 30);
    expect(fitnessItemBonus(grade, sex, item, farBeyond)).toBe(table.points[0]);
    expect(table.points[0]).toBe(item === 'rope_skip_1min' ? 20 : 10);
  });

  it('exist only for the items and grades the standard allows', () => {
    const allowed = (grade: string, sex: string): string[] =>
      grade.startsWith('P') ? ['rope_skip_1min'] : sex === 'M' ? ['pull_up', 'run_1000m'] : ['sit_up_1min', 'run_800m'];
    for (const row of data.grades) {
      const actual = data.bonusTables.filter((t) => t.grade === row.grade && t.sex === row.sex).map((t) => t.item).sort();
      expect(actual).toEqual(allowed(row.grade, row.sex).sort());
    }
    // 小学 仰卧起坐 and 50米×8 earn nothing, however good.
    expect(fitnessItemBonus('P5', 'M', 'sit_up_1min', 100)).toBe(0);
    expect(fitnessItemBonus('P6', 'F', 'shuttle_50mx8', 60)).toBe(0);
    expect(fitnessItemBonus('S2', 'M', 'standing_long_jump', 320)).toBe(0);
  });
});

describe('weights', () => {
  it('sum to 100 and follow the README table', () => {
    for (const w of data.weights) expect(Object.values(w.percent).reduce((a, b) => a + b, 0)).toBe(100);
    const p12 = data.weights.find((w) => w.group === 'P1-P2' && w.sex === 'M')!;
    expect(p12.percent).toEqual({ bmi: 15, vital_capacity: 15, run_50m: 20, sit_and_reach: 30, rope_skip_1min: 20 });
    const secondaryGirls = data.weights.find((w) => w.group === 'J1-U34' && w.sex === 'F')!;
    expect(secondaryGirls.percent).toEqual({ bmi: 15, vital_capacity: 15, run_50m: 20, sit_and_reach: 10, standing_long_jump: 10, sit_up_1min: 10, run_800m: 20 });
  });
});

describe('bmiTenths', () => {
  it('rounds kg/m² half-up to one decimal, exactly', () => {
    expect(bmiTenths(160, 50)).toBe(195); // 19.53125 → 19.5
    expect(bmiTenths(200, 88.6)).toBe(222); // exactly 22.15 → 22.2 (half up)
    expect(bmiTenths(200, 88.59)).toBe(221); // 22.1475 → 22.1
    expect(bmiTenths(150, 42.3)).toBe(188); // 18.8 exactly
    expect(bmiTenths(135, 30)).toBe(165); // 16.4609… → 16.5
  });

  it('rejects non-positive height or weight', () => {
    expect(() => bmiTenths(0, 50)).toThrow(ScoringInputError);
    expect(() => bmiTenths(160, -1)).toThrow(/positive height and weight/);
  });
});

describe('lookups reject what the standard does not score', () => {
  it('throws INVALID_ARGUMENT for an item a grade/sex does not take, and for unknown codes', () => {
    expect(() => fitnessItemScore('J1', 'F', 'pull_up', 3)).toThrow(/not scored for grade J1 sex F/);
    expect(() => fitnessItemScore('P1', 'M', 'sit_up_1min', 30)).toThrow(ScoringInputError);
    expect(() => fitnessItemScore('P7' as FitnessGradeCode, 'M', 'run_50m', 9)).toThrow(/unknown grade code/);
    expect(() => fitnessItemScore('P1', 'X' as FitnessSex, 'run_50m', 9)).toThrow(/unknown sex/);
    expect(() => fitnessItemScore('P1', 'M', 'run_50m', Number.NaN)).toThrow(expect.objectContaining({ code: 'NON_FINITE_INPUT' }));
  });

  it('maps grade × sex to a profile index', () => {
    expect(fitnessProfileIndex('P1', 'M')).toBe(0);
    expect(fitnessProfileIndex('J1', 'F')).toBe(13);
    expect(fitnessProfileIndex('U34', 'F')).toBe(27);
  });
});

describe('compileFitnessStandard', () => {
  it('refuses a table that is not strictly monotonic, since a binary search would mis-score silently', () => {
    const broken: FitnessStandardData = {
      ...data,
      itemTables: data.itemTables.map((t, index) => (index === 0 ? { ...t, thresholds: [t.thresholds[1], t.thresholds[0], ...t.thresholds.slice(2)] } : t)),
    };
    expect(() => compileFitnessStandard(broken)).toThrow(/not strictly monotonic/);
  });

  it('refuses weights that do not sum to 100', () => {
    const broken: FitnessStandardData = { ...data, weights: data.weights.map((w, index) => (index === 0 ? { ...w, percent: { ...w.percent, bmi: 20 } } : w)) };
    expect(() => compileFitnessStandard(broken)).toThrow(/sum to 105/);
  });

  it('covers every item code', () => {
    expect(new Set(data.itemTables.map((t) => t.item))).toEqual(new Set(FITNESS_ITEM_CODES));
  });
});
