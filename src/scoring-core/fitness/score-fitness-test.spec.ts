/**
 * Whole-test scoring: worked examples computed by hand from the tables (values quoted in the
 * comments come from shared/reference/fitness-standard-2014/thresholds.csv, bmi_bands.csv and
 * bonus.csv), missing items, bonus caps, exemptions and retests.
 * Standard scores are exact multiples of 0.01 computed in integers and totals are one-decimal,
 * so toBe is exact here; the only float comparisons use expectClose with 1e-12 (representation
 * error of a two-decimal value).
 */
import { expectClose } from '../../../test/helpers/expect-close';
import { ScoringInputError } from '../scoring-input-error';
import { compileFitnessStandard, fitnessProfileIndex, FITNESS_ITEM_COUNT } from './fitness-standard';
import { FITNESS_ITEM_CODES, FITNESS_GRADE_CODES, FITNESS_SEXES, type FitnessItemCode } from './fitness-standard-types';
import {
  fitnessLevelFromTenths,
  fitnessMissingInputs,
  fitnessValueProblem,
  MISSING_HEIGHT_BIT,
  MISSING_WEIGHT_BIT,
  scoreFitnessBatch,
  scoreFitnessTest,
  type FitnessTestInput,
} from './score-fitness-test';
import { FITNESS_STANDARD_2014 } from './standard-2014.data';

describe('worked examples (computed by hand)', () => {
  it('primary: 小学三年级 boy → 88.1 良好', () => {
    // BMI 30.0 / 1.35² = 16.46 → 16.5; P3 男 正常 13.9–19.4 → 100
    // 肺活量 1500: 76 = 1540 not met, 74 = 1460 met → 74
    // 50米 9.6 s: 80 = 9.5 s too fast to claim, 78 = 9.7 s ≥ 9.6 → 78
    // 坐位体前屈 12.0: 85 = 11.8 met, 90 = 13.4 not → 85
    // 跳绳 130: 100 = 126 → 100; bonus: 130 − 126 = 4 jumps → 2 (1 per 2 jumps)
    // 仰卧起坐 30: 74 = 30 → 74 (at the threshold)
    // 标准分 = 0.15·100 + 0.15·74 + 0.20·78 + 0.20·85 + 0.20·100 + 0.10·74
    //        = 15 + 11.1 + 15.6 + 17 + 20 + 7.4 = 86.1; total = 86.1 + 2 = 88.1 → 良好
    const result = scoreFitnessTest({
      grade: 'P3',
      sex: 'M',
      heightCm: 135,
      weightKg: 30,
      results: { vital_capacity: 1500, run_50m: 9.6, sit_and_reach: 12.0, rope_skip_1min: 130, sit_up_1min: 30 },
    });
    expect(result.status).toBe('scored');
    expect(result.bmi).toBe(16.5);
    expect(result.bmiBand).toBe('normal');
    expect(result.bmiScore).toBe(100);
    expect(result.itemScores).toEqual({ vital_capacity: 74, run_50m: 78, sit_and_reach: 85, rope_skip_1min: 100, sit_up_1min: 74 });
    expect(result.itemBonus).toEqual({ rope_skip_1min: 2 });
    expectClose(result.standardScore!, 86.1, 1e-12);
    expect(result.bonus).toBe(2);
    expect(result.total).toBe(88.1);
    expect(result.level).toBe('良好');
    expect(result.missing).toEqual([]);
    expect(result.reason).toBeNull();
  });

  it('junior: 初二 girl → 86.7 良好', () => {
    // BMI 56.0 / 1.58² = 22.43 → 22.4; J2 女 超重 22.3–24.8 → 80
    // 肺活量 2450: 80 = 2500 not, 78 = 2400 met → 78
    // 50米 9.0 s: 78 = 9.0 s, exactly at the threshold → 78
    // 坐位体前屈 15.0: 80 = 15.9 not, 78 = 14.6 met → 78
    // 仰卧起坐 52: 100 = 51 → 100; bonus needs 53 (+2) → 0
    // 立定跳远 170: 78 = 171 not, 76 = 168 met → 76
    // 800米 3'19" = 199 s: 100 = 210 s → 100; bonus 2 = 200 s (10 s faster) met, 3 = 195 s not → 2
    // 标准分 = 0.15·80 + 0.15·78 + 0.20·78 + 0.10·78 + 0.10·100 + 0.10·76 + 0.20·100
    //        = 12 + 11.7 + 15.6 + 7.8 + 10 + 7.6 + 20 = 84.7; total = 84.7 + 2 = 86.7 → 良好
    const result = scoreFitnessTest({
      grade: 'J2',
      sex: 'F',
      heightCm: 158,
      weightKg: 56,
      results: { vital_capacity: 2450, run_50m: 9.0, sit_and_reach: 15.0, sit_up_1min: 52, standing_long_jump: 170, run_800m: 199 },
    });
    expect(result.bmi).toBe(22.4);
    expect(result.bmiBand).toBe('overweight');
    expect(result.itemScores).toEqual({ vital_capacity: 78, run_50m: 78, sit_and_reach: 78, sit_up_1min: 100, standing_long_jump: 76, run_800m: 100 });
    expect(result.itemBonus).toEqual({ sit_up_1min: 0, run_800m: 2 });
    expectClose(result.standardScore!, 84.7, 1e-12);
    expect(result.bonus).toBe(2);
    expect(result.total).toBe(86.7);
    expect(result.level).toBe('良好');
  });

  it('senior: 高一 boy → 94.0 优秀, lifted from 良好 by the bonus', () => {
    // BMI 60.0 / 1.72² = 20.28 → 20.3; S1 男 正常 16.5–23.2 → 100
    // 肺活量 3900: 85 = 4050 not, 80 = 3800 met → 80
    // 50米 7.5 s: 80 = 7.5 s → 80
    // 坐位体前屈 8.0: 70 = 8.0 → 70
    // 立定跳远 236: 80 = 235 → 80
    // 引体向上 20: 100 = 16 → 100; bonus 4 = 20 (+4) → 4
    // 1000米 3'22" = 202 s: 100 = 210 s → 100; bonus 2 = 202 s (8 s faster) → 2
    // 标准分 = 15 + 0.15·80 + 0.20·80 + 0.10·70 + 0.10·80 + 0.10·100 + 0.20·100
    //        = 15 + 12 + 16 + 7 + 8 + 10 + 20 = 88; total = 88 + 4 + 2 = 94.0 → 优秀
    const result = scoreFitnessTest({
      grade: 'S1',
      sex: 'M',
      heightCm: 172,
      weightKg: 60,
      results: { vital_capacity: 3900, run_50m: 7.5, sit_and_reach: 8.0, standing_long_jump: 236, pull_up: 20, run_1000m: 202 },
    });
    expect(result.bmi).toBe(20.3);
    expect(result.itemScores).toEqual({ vital_capacity: 80, run_50m: 80, sit_and_reach: 70, standing_long_jump: 80, pull_up: 100, run_1000m: 100 });
    expect(result.itemBonus).toEqual({ pull_up: 4, run_1000m: 2 });
    expect(result.standardScore).toBe(88);
    expect(result.bonus).toBe(6);
    expect(result.total).toBe(94);
    expect(result.level).toBe('优秀');
  });

  it('university: 大三 girl → 77.3 及格', () => {
    // BMI 68.0 / 1.65² = 24.977 → 25.0; U34 女 超重 24.0–27.9 → 80
    // 肺活量 3050: 80 = 3050 → 80
    // 50米 8.3 s: 80 = 8.2 s not, 78 = 8.4 s met → 78
    // 坐位体前屈 21.0: 85 = 21.0 → 85
    // 立定跳远 181: 80 = 182 not, 78 = 179 met → 78
    // 仰卧起坐 42: 76 = 43 not, 74 = 41 met → 74; no bonus (below 100)
    // 800米 4'05" = 245 s: 72 = 242 s not, 70 = 247 s met → 70; no bonus
    // 标准分 = 0.15·80 + 0.15·80 + 0.20·78 + 0.10·85 + 0.10·78 + 0.10·74 + 0.20·70
    //        = 12 + 12 + 15.6 + 8.5 + 7.8 + 7.4 + 14 = 77.3 → 及格
    const input: FitnessTestInput = {
      grade: 'U34',
      sex: 'F',
      heightCm: 165,
      weightKg: 68,
      results: { vital_capacity: 3050, run_50m: 8.3, sit_and_reach: 21.0, standing_long_jump: 181, sit_up_1min: 42, run_800m: 245 },
    };
    const result = scoreFitnessTest(input);
    expect(result.bmi).toBe(25);
    expect(result.bmiBand).toBe('overweight');
    expect(result.itemScores).toEqual({ vital_capacity: 80, run_50m: 78, sit_and_reach: 85, standing_long_jump: 78, sit_up_1min: 74, run_800m: 70 });
    expect(result.bonus).toBe(0);
    expect(result.total).toBe(77.3);
    expect(result.level).toBe('及格');

    // Same student with 肺活量 3400 (95): 0.15·95 = 14.25, so 标准分 = 77.3 + 2.25 = 79.55,
    // which has two decimals; the one-decimal total rounds half up to 79.6.
    const rounded = scoreFitnessTest({ ...input, results: { ...input.results, vital_capacity: 3400 } });
    expectClose(rounded.standardScore!, 79.55, 1e-12);
    expect(rounded.total).toBe(79.6);
    expect(rounded.level).toBe('及格');
  });
});

describe('levels', () => {
  it('cut at 90.0, 80.0 and 60.0 on the one-decimal total', () => {
    expect(fitnessLevelFromTenths(1200)).toBe('优秀');
    expect(fitnessLevelFromTenths(900)).toBe('优秀');
    expect(fitnessLevelFromTenths(899)).toBe('良好');
    expect(fitnessLevelFromTenths(800)).toBe('良好');
    expect(fitnessLevelFromTenths(799)).toBe('及格');
    expect(fitnessLevelFromTenths(600)).toBe('及格');
    expect(fitnessLevelFromTenths(599)).toBe('不及格');
    expect(fitnessLevelFromTenths(0)).toBe('不及格');
  });
});

const seniorBoy: FitnessTestInput = {
  grade: 'S1',
  sex: 'M',
  heightCm: 172,
  weightKg: 60,
  results: { vital_capacity: 3900, run_50m: 7.5, sit_and_reach: 8.0, standing_long_jump: 236, pull_up: 20, run_1000m: 202 },
};

describe('missing items', () => {
  it('give no standard score, bonus, total or level, and name what is missing', () => {
    const result = scoreFitnessTest({ ...seniorBoy, weightKg: null, results: { ...seniorBoy.results, run_1000m: undefined, pull_up: Number.NaN } });
    expect(result.status).toBe('incomplete');
    expect(result.missing).toEqual(['weight_kg', 'pull_up', 'run_1000m']);
    expect(result.standardScore).toBeNull();
    expect(result.bonus).toBeNull();
    expect(result.total).toBeNull();
    expect(result.level).toBeNull();
    expect(result.reason).toMatch(/missing required results: weight_kg, pull_up, run_1000m/);
    expect(result.reason).toMatch(/never scored as 0/);
    // What was measured is still scored, so the student can see it.
    expect(result.itemScores).toEqual({ vital_capacity: 80, run_50m: 80, sit_and_reach: 70, standing_long_jump: 80 });
    expect(result.bmi).toBeNull();
  });

  it('ignore results of items the grade and sex are not scored on, and say so', () => {
    const result = scoreFitnessTest({ ...seniorBoy, results: { ...seniorBoy.results, sit_up_1min: 50, rope_skip_1min: 150 } });
    expect(result.total).toBe(94);
    expect(result.ignoredItems).toEqual(['rope_skip_1min', 'sit_up_1min']);
  });

  it('decode missing masks in a fixed order', () => {
    expect(fitnessMissingInputs(0)).toEqual([]);
    expect(fitnessMissingInputs((1 << 10) | (1 << 11) | 1 | (1 << 9))).toEqual(['height_cm', 'weight_kg', 'vital_capacity', 'run_1000m']);
  });
});

describe('bonus caps', () => {
  it('小学 跳绳 gives 1 point per 2 jumps above the 100-point count, at most 20', () => {
    // P1 男 跳绳 100 = 109; +40 jumps = 149 → 20; +60 = 169 → still 20.
    const base = { grade: 'P1' as const, sex: 'M' as const, heightCm: 120, weightKg: 22, results: { vital_capacity: 1700, run_50m: 10.2, sit_and_reach: 16.1 } };
    const at = (jumps: number) => scoreFitnessTest({ ...base, results: { ...base.results, rope_skip_1min: jumps } });
    expect(at(109).bonus).toBe(0);
    expect(at(110).bonus).toBe(0);
    expect(at(111).bonus).toBe(1);
    expect(at(149).bonus).toBe(20);
    expect(at(169).bonus).toBe(20);
    // A perfect 100 standard score plus the full bonus is the maximum, 120.
    expect(at(169).standardScore).toBe(100);
    expect(at(169).total).toBe(120);
  });

  it('secondary boys: 引体向上 and 1000米 at most 10 each', () => {
    // S1 男 引体向上 100 = 16, bonus 10 = 26; 1000米 100 = 210 s, bonus 10 = 175 s.
    const result = scoreFitnessTest({ ...seniorBoy, results: { ...seniorBoy.results, pull_up: 40, run_1000m: 150 } });
    expect(result.itemBonus).toEqual({ pull_up: 10, run_1000m: 10 });
    expect(result.bonus).toBe(20);
  });

  it('caps the sum at 20 even if a table allowed more', () => {
    // The 2014 tables can never exceed 20 in sum (one 20-point item, or two 10-point items),
    // so double the pull-up points in a test copy of the standard to exercise the cap.
    const doubled = compileFitnessStandard({
      ...FITNESS_STANDARD_2014,
      bonusTables: FITNESS_STANDARD_2014.bonusTables.map((t) => (t.grade === 'S1' && t.sex === 'M' && t.item === 'pull_up' ? { ...t, points: t.points.map((p) => 2 * p) } : t)),
    });
    const result = scoreFitnessTest({ ...seniorBoy, results: { ...seniorBoy.results, pull_up: 26, run_1000m: 175 } }, doubled);
    expect(result.itemBonus).toEqual({ pull_up: 20, run_1000m: 10 });
    expect(result.bonus).toBe(20);
    expect(result.total).toBe(108);
  });

  it('give nothing on items without a bonus table', () => {
    // P5 女: 仰卧起坐 and 50米×8 far beyond 100 points earn no bonus; only 跳绳 does.
    const result = scoreFitnessTest({
      grade: 'P5',
      sex: 'F',
      heightCm: 145,
      weightKg: 36,
      results: { vital_capacity: 3000, run_50m: 7.0, sit_and_reach: 25, rope_skip_1min: 100, sit_up_1min: 80, shuttle_50mx8: 70 },
    });
    expect(result.itemScores.sit_up_1min).toBe(100);
    expect(result.itemScores.shuttle_50mx8).toBe(100);
    expect(result.itemBonus).toEqual({ rope_skip_1min: 0 });
    expect(result.bonus).toBe(0);
  });
});

describe('exemptions (免予执行 / 暂缓)', () => {
  it('record the kind and reason and score nothing', () => {
    const exempt = scoreFitnessTest({ ...seniorBoy, exemption: { kind: 'exempt', reason: '  先天性心脏病，医院证明  ' } });
    expect(exempt.status).toBe('exempt');
    expect(exempt.total).toBeNull();
    expect(exempt.level).toBeNull();
    expect(exempt.exemption).toEqual({ kind: 'exempt', reason: '先天性心脏病，医院证明' });
    expect(exempt.reason).toBe('免予执行 (exempt): 先天性心脏病，医院证明');
    const deferred = scoreFitnessTest({ ...seniorBoy, results: {}, exemption: { kind: 'deferred', reason: '骨折恢复期' } });
    expect(deferred.status).toBe('deferred');
    expect(deferred.missing).toEqual([]);
    expect(deferred.reason).toBe('暂缓 (deferred): 骨折恢复期');
  });

  it('require a reason, and cannot be combined with a retest', () => {
    expect(() => scoreFitnessTest({ ...seniorBoy, exemption: { kind: 'exempt', reason: ' ' } })).toThrow(/must carry its reason/);
    expect(() => scoreFitnessTest({ ...seniorBoy, exemption: { kind: 'other' as 'exempt', reason: 'x' } })).toThrow(ScoringInputError);
    expect(() => scoreFitnessTest({ ...seniorBoy, exemption: { kind: 'deferred', reason: 'x' }, retest: { results: { pull_up: 5 } } })).toThrow(/both exempted and retested/);
  });
});

describe('retests (补测)', () => {
  // S1 男, hand-scored: BMI 20.3 → 100; 肺活量 2600 → 60; 50米 9.7 → 50; 坐位体前屈 0.0 → 50;
  // 立定跳远 190 → 50; 引体向上 2 → 10; 1000米 305 s → 50.
  // 标准分 = 15 + 9 + 10 + 5 + 5 + 1 + 10 = 55.0 → 不及格.
  const failing: FitnessTestInput = {
    grade: 'S1',
    sex: 'M',
    heightCm: 172,
    weightKg: 60,
    results: { vital_capacity: 2600, run_50m: 9.7, sit_and_reach: 0.0, standing_long_jump: 190, pull_up: 2, run_1000m: 305 },
  };

  it('replace the retested results and re-score the year', () => {
    // Retest: 引体向上 7 → 60 (+5 points weighted), 1000米 285 s → 60 (+2). 55 + 5 + 2 = 62.0 → 及格.
    const result = scoreFitnessTest({ ...failing, retest: { results: { pull_up: 7, run_1000m: 285 } } });
    expect(result.retest?.original.total).toBe(55);
    expect(result.retest?.original.level).toBe('不及格');
    expect(result.retest?.applied).toBe(true);
    expect(result.retest?.replaced).toEqual(['pull_up', 'run_1000m']);
    expect(result.itemScores.pull_up).toBe(60);
    expect(result.itemScores.run_1000m).toBe(60);
    expect(result.itemScores.vital_capacity).toBe(60);
    expect(result.total).toBe(62);
    expect(result.level).toBe('及格');
  });

  it('stand even when the retest is worse: the year is judged by the retest', () => {
    // 1000米 400 s is slower than the 10-point 385 s → 0: 55 − 0.20·50 = 45.0.
    const result = scoreFitnessTest({ ...failing, retest: { results: { run_1000m: 400 } } });
    expect(result.total).toBe(45);
    expect(result.level).toBe('不及格');
    expect(result.retest?.original.total).toBe(55);
  });

  it('are not applied to a result that is not 不及格, nor to an incomplete test', () => {
    const passing = scoreFitnessTest({ ...seniorBoy, retest: { results: { run_1000m: 400 } } });
    expect(passing.retest?.applied).toBe(false);
    expect(passing.retest?.reason).toMatch(/only for a year result of 不及格; the original total 94 is 优秀/);
    expect(passing.total).toBe(94);
    const incomplete = scoreFitnessTest({ ...failing, results: { ...failing.results, run_50m: null }, retest: { results: { run_50m: 8 } } });
    expect(incomplete.status).toBe('incomplete');
    expect(incomplete.retest?.applied).toBe(false);
    expect(incomplete.retest?.reason).toMatch(/incomplete/);
    const empty = scoreFitnessTest({ ...failing, retest: { results: {} } });
    expect(empty.retest?.applied).toBe(false);
    expect(empty.total).toBe(55);
  });
});

describe('invalid values', () => {
  it('throw with the input named and what to do', () => {
    expect(() => scoreFitnessTest({ ...seniorBoy, heightCm: 1.72 })).toThrow(/height_cm 1.72 is outside 50–250: height is in centimetres/);
    expect(() => scoreFitnessTest({ ...seniorBoy, results: { ...seniorBoy.results, vital_capacity: 3.9 } })).toThrow(/millilitres/);
    expect(() => scoreFitnessTest({ ...seniorBoy, results: { ...seniorBoy.results, run_1000m: 3.55 } })).toThrow(/total seconds/);
    expect(() => scoreFitnessTest({ ...seniorBoy, results: { ...seniorBoy.results, pull_up: 7.5 } })).toThrow(/not a whole number/);
    expect(() => scoreFitnessTest({ ...seniorBoy, results: { ...seniorBoy.results, pull_up: Number.POSITIVE_INFINITY } })).toThrow(
      expect.objectContaining({ code: 'NON_FINITE_INPUT' }),
    );
    expect(() => scoreFitnessTest({ ...seniorBoy, results: { jump: 3 } as unknown as Record<FitnessItemCode, number> })).toThrow(/unknown fitness item "jump"/);
    expect(fitnessValueProblem('sit_and_reach', -5)).toBeNull();
  });
});

const missingMaskOf = (missing: readonly string[]): number =>
  missing.reduce((mask, input) => mask | (input === 'height_cm' ? MISSING_HEIGHT_BIT : input === 'weight_kg' ? MISSING_WEIGHT_BIT : 1 << FITNESS_ITEM_CODES.indexOf(input as FitnessItemCode)), 0);

describe('scoreFitnessBatch', () => {
  it('agrees with scoreFitnessTest on random tests across every grade and sex', () => {
    // Park–Miller generator with a fixed seed: reproducible, no Math.random.
    let seed = 20240901;
    const next = (): number => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const count = 2000;
    const profile = new Uint8Array(count);
    const heightCm = new Float64Array(count);
    const weightKg = new Float64Array(count);
    const items = new Float64Array(count * FITNESS_ITEM_COUNT);
    const inputs: FitnessTestInput[] = [];
    // Draw each result around its table's range so that every step is reachable.
    const tables = new Map(FITNESS_STANDARD_2014.itemTables.map((t) => [`${t.grade}|${t.sex}|${t.item}`, t]));
    const tableFor = (grade: string, sex: string, item: string) => tables.get(`${grade}|${sex}|${item}`);
    for (let row = 0; row < count; row += 1) {
      const grade = FITNESS_GRADE_CODES[Math.floor(next() * FITNESS_GRADE_CODES.length)];
      const sex = FITNESS_SEXES[Math.floor(next() * 2)];
      profile[row] = fitnessProfileIndex(grade, sex);
      heightCm[row] = Math.round((110 + next() * 80) * 10) / 10;
      weightKg[row] = next() < 0.05 ? Number.NaN : Math.round((18 + next() * 70) * 10) / 10;
      const results: Partial<Record<FitnessItemCode, number | null>> = {};
      FITNESS_ITEM_CODES.forEach((item, index) => {
        const table = tableFor(grade, sex, item);
        let value = Number.NaN;
        if (table && next() > 0.03) {
          const low = Math.min(...table.thresholds);
          const high = Math.max(...table.thresholds);
          const span = high - low;
          value = Math.round((low - 0.2 * span + next() * 1.6 * span) * 10) / 10;
          const integer = ['rope_skip_1min', 'sit_up_1min', 'pull_up'].includes(item);
          if (integer) value = Math.max(0, Math.round(value));
          if (fitnessValueProblem(item, value) !== null) value = Number.NaN;
        }
        items[row * FITNESS_ITEM_COUNT + index] = value;
        results[item] = value;
      });
      inputs.push({ grade, sex, heightCm: heightCm[row], weightKg: weightKg[row], results });
    }
    const out = scoreFitnessBatch({ count, profile, heightCm, weightKg, items });
    let complete = 0;
    const fromBatch: number[][] = [];
    const fromSingle: number[][] = [];
    inputs.forEach((input, row) => {
      const single = scoreFitnessTest(input);
      fromBatch.push([
        out.totalTenths[row],
        out.bmiScore[row],
        out.missingMask[row],
        ...FITNESS_ITEM_CODES.map((_item, index) => out.itemScores[row * FITNESS_ITEM_COUNT + index]),
      ]);
      fromSingle.push([
        single.total === null ? -1 : Math.round(single.total * 10),
        single.bmiScore ?? -1,
        missingMaskOf(single.missing),
        ...FITNESS_ITEM_CODES.map((item) => single.itemScores[item] ?? -1),
      ]);
      if (single.total !== null) complete += 1;
    });
    expect(fromBatch).toEqual(fromSingle);
    // The draw must exercise both complete and incomplete tests.
    expect(complete).toBeGreaterThan(count / 4);
    expect(complete).toBeLessThan(count);
  });

  it('refuses arrays shorter than count', () => {
    expect(() =>
      scoreFitnessBatch({ count: 2, profile: new Uint8Array(1), heightCm: new Float64Array(2), weightKg: new Float64Array(2), items: new Float64Array(20) }),
    ).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
  });
});
