import { isEmptyCell, parseDecimal, parseExemptionKind, parseGradeCode, parseRunSeconds, parseSex } from './fitness-cells';
import { matchFitnessColumn, FITNESS_OUTPUT_COLUMNS } from './fitness-columns';

const value = <T>(parsed: { ok: true; value: T } | { ok: false; message: string }): T | string => (parsed.ok ? parsed.value : `error: ${parsed.message}`);

describe('parseRunSeconds', () => {
  it.each([
    ['235', 235],
    ['235.5', 235.5],
    ["3'55\"", 235],
    ["3'55", 235],
    ['3′55″', 235],
    ['3’55”', 235],
    ["3'55''", 235],
    ['3:55', 235],
    ['3分55秒', 235],
    ['3 分 55 秒', 235],
    ["3'05\"", 185],
    ["1'36\"", 96],
    ["3'55.5\"", 235.5],
    ['０:０3:55', 235],
    ['8.3', 8.3],
    ['8"3', 8.3],
    ['8秒3', 8.3],
    ['55秒', 55],
    ['4分', 240],
    ['0:03:55', 235],
  ])('%s → %d s', (text, seconds) => {
    expect(value(parseRunSeconds(text))).toBe(seconds);
  });

  it.each(["3'75\"", 'abc', '3:55:', '-5', "3''55''"])('rejects %s', (text) => {
    expect(value(parseRunSeconds(text))).toMatch(/^error: /);
  });
});

describe('parseSex', () => {
  it.each([
    ['M', 'M'],
    ['m', 'M'],
    ['男', 'M'],
    ['1', 'M'],
    ['１', 'M'],
    ['F', 'F'],
    ['女', 'F'],
    ['2', 'F'],
    [' female ', 'F'],
  ])('%s → %s', (text, sex) => expect(value(parseSex(text))).toBe(sex));

  it('rejects anything else, naming what it accepts', () => {
    expect(value(parseSex('9'))).toBe('error: sex "9" is not M/F, 男/女 or 1/2');
    expect(value(parseSex(''))).toMatch(/^error/);
  });
});

describe('parseGradeCode, parseDecimal, parseExemptionKind, isEmptyCell', () => {
  it('reads what analysts write', () => {
    expect(value(parseGradeCode(' u12 '))).toBe('U12');
    expect(value(parseGradeCode('P7'))).toMatch(/not one of P1/);
    expect(value(parseDecimal('-3.5'))).toBe(-3.5);
    expect(value(parseDecimal('３２００'))).toBe(3200);
    expect(value(parseDecimal('12cm'))).toMatch(/not a number/);
    expect(value(parseExemptionKind('免予执行'))).toBe('exempt');
    expect(value(parseExemptionKind('暂缓'))).toBe('deferred');
    expect(value(parseExemptionKind('病假'))).toMatch(/^error/);
    expect(['', ' ', '-', '—', '/'].every(isEmptyCell)).toBe(true);
    expect(isEmptyCell('0')).toBe(false);
  });
});

describe('matchFitnessColumn', () => {
  it.each([
    ['student_id', 'student_id'],
    ['学号', 'student_id'],
    ['\uFEFF学籍号', 'student_id'],
    ['年级编号', 'grade_code'],
    ['性别', 'sex'],
    ['身高(cm)', 'height_cm'],
    ['身高（厘米）', 'height_cm'],
    ['体重/kg', 'weight_kg'],
    ['体重/斤', null],
    ['体重（kg）', 'weight_kg'],
    ['肺活量(ml)', 'vital_capacity'],
    ['50米跑', 'run_50m'],
    ['50米×8往返跑', 'shuttle_50mx8'],
    ['50米x8往返跑', 'shuttle_50mx8'],
    ['1分钟跳绳', 'rope_skip_1min'],
    ['一分钟仰卧起坐', 'sit_up_1min'],
    ['仰卧起坐', 'sit_up_1min'],
    ['立定跳远', 'standing_long_jump'],
    ['引体向上', 'pull_up'],
    ['800米跑', 'run_800m'],
    ['1000米跑(分.秒)', 'run_1000m'],
    ['RUN_1000M', 'run_1000m'],
    ['姓名', null],
  ])('%s → %s', (header, column) => expect(matchFitnessColumn(header)).toBe(column));

  it('lists the output columns of issue 5 point 2 in order', () => {
    expect(FITNESS_OUTPUT_COLUMNS).toEqual([
      'bmi',
      'bmi_score',
      'vital_capacity_score',
      'run_50m_score',
      'sit_and_reach_score',
      'rope_skip_1min_score',
      'sit_up_1min_score',
      'shuttle_50mx8_score',
      'standing_long_jump_score',
      'pull_up_score',
      'run_800m_score',
      'run_1000m_score',
      'standard_score',
      'bonus',
      'total',
      'level',
      'missing',
    ]);
  });
});
