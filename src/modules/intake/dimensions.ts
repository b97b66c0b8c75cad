/**
 * The five dimensions (五育 德智体美劳) and the vocabulary their records share. The dimensions
 * are data, not five modules: everything dimension-specific (indicators, bounds, import
 * aliases) lives in the `indicators` table, seeded with the default catalogue (DOMAIN.md).
 */
export const DIMENSIONS = ['moral', 'academic', 'physical', 'aesthetic', 'labour'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_NAMES_ZH: Readonly<Record<Dimension, string>> = {
  moral: '德',
  academic: '智',
  physical: '体',
  aesthetic: '美',
  labour: '劳',
};

/** How people write a dimension in files: 德, 德育, 思想品德, moral … */
export const DIMENSION_ALIASES: Readonly<Record<string, Dimension>> = {
  德: 'moral', 德育: 'moral', 思想品德: 'moral', moral: 'moral',
  智: 'academic', 智育: 'academic', 学业水平: 'academic', academic: 'academic',
  体: 'physical', 体育: 'physical', 身心健康: 'physical', physical: 'physical',
  美: 'aesthetic', 美育: 'aesthetic', 艺术素养: 'aesthetic', aesthetic: 'aesthetic',
  劳: 'labour', 劳育: 'labour', 劳动素养: 'labour', 社会实践: 'labour', labour: 'labour', labor: 'labour',
};

/**
 * What kind of value an indicator holds:
 *  - score: a number between min (default 0) and the record's full marks (exam scores);
 *  - level: one of the indicator's levels (A–D, 优秀/良好/…);
 *  - count, hours, measurement: a number within [minValue, maxValue] (measurement has a unit);
 *  - boolean: 是/否;
 *  - text: free text up to 200 characters.
 */
export const VALUE_TYPES = ['score', 'level', 'count', 'hours', 'measurement', 'boolean', 'text'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** Where a record came from. teacher_on_behalf is flagged: the student has to confirm it. */
export const RECORD_SOURCES = ['student', 'teacher_on_behalf', 'school_import', 'system'] as const;
export type RecordSource = (typeof RECORD_SOURCES)[number];
/**
 * Term records also come from `school_entry`: one value entered or corrected by school staff (a
 * teacher for their class, a school administrator) through the term-record API — the school's
 * own data like an import, with no student confirmation (ADR 0512).
 */
export const TERM_RECORD_SOURCES = [...RECORD_SOURCES, 'school_entry'] as const;
export type TermRecordSource = (typeof TERM_RECORD_SOURCES)[number];

/** Markers for an exam a student did not sit normally: stored as markers, never as zero. */
export const MARKERS = ['absent', 'exempt', 'deferred'] as const;
export type Marker = (typeof MARKERS)[number];
export const MARKER_ALIASES: Readonly<Record<string, Marker>> = {
  缺考: 'absent', absent: 'absent',
  免考: 'exempt', 免测: 'exempt', 免予执行: 'exempt', exempt: 'exempt',
  缓考: 'deferred', 缓测: 'deferred', 暂缓: 'deferred', deferred: 'deferred',
};
/**
 * Occasion key of a fitness 补测 (retest) result: the retest is its own record beside the normal
 * test's (occasion ''), so the original is never overwritten (ADR 0510).
 */
export const FITNESS_RETEST_OCCASION = 'retest';

export const MARKER_NAMES_ZH: Readonly<Record<Marker, string>> = { absent: '缺考', exempt: '免考', deferred: '缓考' };

export const EXAM_TYPES = ['midterm', 'final', 'unified', 'proficiency', 'zhongkao'] as const;
export type ExamType = (typeof EXAM_TYPES)[number];
export const EXAM_TYPE_ALIASES: Readonly<Record<string, ExamType>> = {
  期中: 'midterm', 期中考试: 'midterm', midterm: 'midterm',
  期末: 'final', 期末考试: 'final', final: 'final',
  统考: 'unified', 联考: 'unified', unified: 'unified',
  学业水平考试: 'proficiency', 学考: 'proficiency', 会考: 'proficiency', proficiency: 'proficiency',
  中考: 'zhongkao', zhongkao: 'zhongkao',
};
export const EXAM_TYPE_NAMES_ZH: Readonly<Record<ExamType, string>> = { midterm: '期中', final: '期末', unified: '统考', proficiency: '学业水平考试', zhongkao: '中考' };

/** 写实记录 levels and roles. */
export const ACTIVITY_LEVELS = ['school', 'district', 'city', 'province', 'national'] as const;
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];
export const ACTIVITY_LEVEL_ALIASES: Readonly<Record<string, ActivityLevel>> = {
  校: 'school', 校级: 'school', school: 'school',
  区县: 'district', 区: 'district', 县: 'district', 区县级: 'district', 区级: 'district', 县级: 'district', district: 'district',
  市: 'city', 市级: 'city', city: 'city',
  省: 'province', 省级: 'province', province: 'province',
  国家: 'national', 国家级: 'national', 全国: 'national', national: 'national',
};
export const ACTIVITY_ROLES = ['organiser', 'main_participant', 'participant'] as const;
export type ActivityRole = (typeof ACTIVITY_ROLES)[number];
export const ACTIVITY_ROLE_ALIASES: Readonly<Record<string, ActivityRole>> = {
  主持策划者: 'organiser', 主持: 'organiser', 策划者: 'organiser', organiser: 'organiser', organizer: 'organiser',
  主要参与者: 'main_participant', main_participant: 'main_participant',
  参与者: 'participant', 参与: 'participant', participant: 'participant',
};

/** 写实记录 states (DOMAIN.md); the workflow that moves them is the evaluation module's. */
export const ACTIVITY_STATUSES = [
  'DRAFT', 'SUBMITTED', 'VERIFIED', 'RETURNED', 'REJECTED', 'SELECTED', 'IN_PUBLICITY',
  'UNDER_INVESTIGATION', 'PUBLICITY_PASSED', 'CONFIRMED', 'AMENDED', 'REVOKED',
] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

/** Labour list (劳动清单) categories. */
export const LABOUR_CATEGORIES = ['family', 'school', 'social'] as const;
export type LabourCategory = (typeof LABOUR_CATEGORIES)[number];
export const LABOUR_CATEGORY_ALIASES: Readonly<Record<string, LabourCategory>> = {
  家庭: 'family', 家庭劳动: 'family', family: 'family',
  学校: 'school', 校园: 'school', 学校劳动: 'school', 校园劳动: 'school', school: 'school',
  社会: 'social', 社会劳动: 'social', 社区: 'social', social: 'social',
};

export function sqlList(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(', ');
}
