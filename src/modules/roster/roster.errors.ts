import { DomainError, type ErrorDetail } from '../../common/errors/domain-error';

/** Codes the roster answers with, and their HTTP status. */
export const ROSTER_ERRORS = {
  DUPLICATE_STUDENT_NUMBER: 409,
  DUPLICATE_CODE: 409,
  DUPLICATE_CLASS: 409,
  DUPLICATE_ENROLMENT: 409,
  INVALID_STUDENT_NUMBER: 400,
  CROSS_FIELD_MISMATCH: 400,
  UNKNOWN_REFERENCE: 400,
  INVALID_TERM: 400,
  INVALID_REGION: 400,
} as const;
export type RosterErrorCode = keyof typeof ROSTER_ERRORS;

export class RosterError extends DomainError {
  constructor(code: RosterErrorCode, message: string, messageZh: string, details: readonly ErrorDetail[] = []) {
    super(code, ROSTER_ERRORS[code], message, messageZh, details);
  }
}

/** PostgreSQL unique_violation, for races the service's own check could not see. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string; driverError?: { code?: string } })?.driverError?.code === '23505' || (error as { code?: string })?.code === '23505';
}
