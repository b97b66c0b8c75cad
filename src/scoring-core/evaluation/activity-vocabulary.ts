/**
 * The 写实记录 (activity record) levels and roles as the evaluation formulas name them. The
 * same vocabulary as the intake module's (src/modules/intake/dimensions.ts), repeated here so
 * the scoring core depends on nothing outside itself; a unit test keeps the two equal.
 * Levels are ordered from lowest to highest (校 < 区县 < 市 < 省 < 国家).
 */
export const ACTIVITY_LEVEL_CODES = ['school', 'district', 'city', 'province', 'national'] as const;
export const ACTIVITY_ROLE_CODES = ['organiser', 'main_participant', 'participant'] as const;

const LEVEL_ALIASES: Readonly<Record<string, string>> = {
  校: 'school', 校级: 'school', 区县: 'district', 区县级: 'district', 区级: 'district', 县级: 'district', 市: 'city', 市级: 'city', 省: 'province', 省级: 'province', 国家: 'national', 国家级: 'national',
};
const ROLE_ALIASES: Readonly<Record<string, string>> = { 主持策划者: 'organiser', 主要参与者: 'main_participant', 参与者: 'participant' };

/** `"市级"` or `"city"` → `city`; undefined when it is no level. */
export function canonicalActivityLevel(raw: string): string | undefined {
  const value = raw.trim();
  if ((ACTIVITY_LEVEL_CODES as readonly string[]).includes(value)) return value;
  return Object.hasOwn(LEVEL_ALIASES, value) ? LEVEL_ALIASES[value] : undefined;
}

/** `"主持策划者"` or `"organiser"` → `organiser`; undefined when it is no role. */
export function canonicalActivityRole(raw: string): string | undefined {
  const value = raw.trim();
  if ((ACTIVITY_ROLE_CODES as readonly string[]).includes(value)) return value;
  return Object.hasOwn(ROLE_ALIASES, value) ? ROLE_ALIASES[value] : undefined;
}

/** 0 for school … 4 for national; -1 for none/unknown. */
export function activityLevelRank(level: string | null): number {
  return level === null ? -1 : (ACTIVITY_LEVEL_CODES as readonly string[]).indexOf(level);
}

/** 写实记录 states (DOMAIN.md), the same list as the intake module's. */
export const ACTIVITY_STATUS_CODES = [
  'DRAFT', 'SUBMITTED', 'VERIFIED', 'RETURNED', 'REJECTED', 'SELECTED', 'IN_PUBLICITY',
  'UNDER_INVESTIGATION', 'PUBLICITY_PASSED', 'CONFIRMED', 'AMENDED', 'REVOKED',
] as const;

/** The five dimensions (五育), the same list as the intake module's. */
export const EVALUATION_DIMENSIONS = ['moral', 'academic', 'physical', 'aesthetic', 'labour'] as const;
export type EvaluationDimension = (typeof EVALUATION_DIMENSIONS)[number];
