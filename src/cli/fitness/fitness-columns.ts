/**
 * Input columns of `wuyu fitness score`: English codes (issue 5, point 2) or the Chinese names
 * used on school spreadsheets. Headers are matched after normalisation: case, spaces, a unit in
 * brackets or after a slash (身高(cm), 肺活量（毫升）, 体重/kg), ×/x/* in 50米×8, and 1分钟 = 一分钟 are ignored.
 */
import { FITNESS_ITEM_CODES, FITNESS_STANDARD_2014, type FitnessItemCode } from '../../scoring-core';

export type FitnessInputColumn = 'student_id' | 'grade_code' | 'sex' | 'height_cm' | 'weight_kg' | FitnessItemCode | 'exemption' | 'exemption_reason' | 'test_type';

/** Timed items: their cells may be written as 3'55" etc. */
export const TIMED_ITEMS: ReadonlySet<FitnessItemCode> = new Set(['run_50m', 'shuttle_50mx8', 'run_800m', 'run_1000m']);

const ALIASES: Readonly<Record<FitnessInputColumn, readonly string[]>> = {
  student_id: ['student_id', '学号', '学籍号', '学生编号', '考号'],
  grade_code: ['grade_code', '年级编号', '年级代码', '年级编码'],
  sex: ['sex', 'gender', '性别'],
  height_cm: ['height_cm', 'height', '身高'],
  weight_kg: ['weight_kg', 'weight', '体重'],
  vital_capacity: ['肺活量'],
  run_50m: ['50米跑', '50米'],
  sit_and_reach: ['坐位体前屈'],
  rope_skip_1min: ['一分钟跳绳', '跳绳'],
  sit_up_1min: ['一分钟仰卧起坐', '仰卧起坐'],
  shuttle_50mx8: ['50米x8往返跑', '50米x8', '50x8往返跑'],
  standing_long_jump: ['立定跳远'],
  pull_up: ['引体向上'],
  run_800m: ['800米跑', '800米'],
  run_1000m: ['1000米跑', '1000米'],
  exemption: ['exemption', '免测', '免予执行', '免测类型'],
  exemption_reason: ['exemption_reason', '免测原因', '免予执行原因'],
  test_type: ['test_type', '测试类型'],
};

/** Normalised header → column. */
const LOOKUP: ReadonlyMap<string, FitnessInputColumn> = (() => {
  const map = new Map<string, FitnessInputColumn>();
  for (const [column, aliases] of Object.entries(ALIASES) as [FitnessInputColumn, readonly string[]][]) {
    for (const alias of aliases) map.set(normalizeHeader(alias), column);
    map.set(normalizeHeader(column), column);
  }
  for (const item of FITNESS_ITEM_CODES) {
    const name = FITNESS_STANDARD_2014.itemNamesZh[item];
    if (name) map.set(normalizeHeader(name), item);
  }
  return map;
})();

export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .replace(/[（(【[][^）)】\]]*[）)】\]]/g, '')
    .replace(/\s+/g, '')
    .toLowerCase()
    .replace(/\/(cm|kg|ml|s|厘米|千克|公斤|毫升|秒|分秒|次|个)$/, '')
    .replace(/[×✕＊*]/g, 'x')
    .replace(/^1分钟/, '一分钟')
    .replace(/-/g, '_');
}

/** The input column a header names, or null for a column to pass through untouched. */
export function matchFitnessColumn(header: string): FitnessInputColumn | null {
  return LOOKUP.get(normalizeHeader(header)) ?? null;
}

/** Output columns appended after the input columns (issue 5, point 2), in this order. */
export const FITNESS_OUTPUT_COLUMNS: readonly string[] = [
  'bmi',
  'bmi_score',
  ...FITNESS_ITEM_CODES.map((item) => `${item}_score`),
  'standard_score',
  'bonus',
  'total',
  'level',
  'missing',
];
