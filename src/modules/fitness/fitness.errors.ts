import { DomainError } from '../../common/errors/domain-error';

/** Codes the fitness module answers with, and their HTTP status. */
export const FITNESS_ERRORS = {
  NOT_FOUND: 404,
  INVALID_SCHOOL_YEAR: 400,
  AGGREGATE_LEVEL_NOT_ALLOWED: 403,
  SCHOOL_OUT_OF_SCOPE: 403,
  UNKNOWN_SCHOOL: 404,
  INVALID_SCREENING_VALUE: 422,
} as const;
export type FitnessErrorCode = keyof typeof FITNESS_ERRORS;

export class FitnessError extends DomainError {
  constructor(code: FitnessErrorCode, message: string, messageZh: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, FITNESS_ERRORS[code], message, messageZh, details);
  }
}

const SCHOOL_YEAR = /^(\d{4})-(\d{4})$/;

/** `2024-2025` → itself, checked (consecutive years); anything else is a 400. */
export function checkSchoolYear(schoolYear: string): string {
  const match = SCHOOL_YEAR.exec(schoolYear);
  if (!match || Number(match[2]) !== Number(match[1]) + 1) {
    throw new FitnessError('INVALID_SCHOOL_YEAR', `schoolYear must look like 2024-2025 (two consecutive years), got "${schoolYear}"`, `学年应形如2024-2025（相邻两年），收到“${schoolYear}”`);
  }
  return schoolYear;
}

/** `2024-2025` → `2023-2024`. */
export function previousSchoolYear(schoolYear: string): string {
  const first = Number(schoolYear.slice(0, 4));
  return `${first - 1}-${first}`;
}
