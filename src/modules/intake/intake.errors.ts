import { DomainError, type ErrorDetail } from '../../common/errors/domain-error';

/** Codes the intake module answers with, and their HTTP status. */
export const INTAKE_ERRORS = {
  NOT_FOUND: 404,
  DUPLICATE_INDICATOR_CODE: 409,
  INVALID_INDICATOR: 400,
  FILE_REQUIRED: 400,
  EVIDENCE_EMPTY: 400,
  EVIDENCE_TOO_LARGE: 413,
  EVIDENCE_TYPE_NOT_ALLOWED: 415,
  VALIDATION_FAILED: 400,
  RECORD_EXISTS: 409,
  RETEST_ALREADY_RECORDED: 409,
  RECORD_CHANGED_IDENTITY: 409,
} as const;
export type IntakeErrorCode = keyof typeof INTAKE_ERRORS;

export class IntakeError extends DomainError {
  constructor(code: IntakeErrorCode, message: string, messageZh: string, details: readonly ErrorDetail[] | Readonly<Record<string, unknown>> = []) {
    super(code, INTAKE_ERRORS[code], message, messageZh, details);
  }
}

/** Missing and out-of-scope look the same: existence never leaks. */
export function notFound(what: string, whatZh: string, id: string): IntakeError {
  return new IntakeError('NOT_FOUND', `${what} ${id} was not found`, `未找到${whatZh} ${id}`);
}
