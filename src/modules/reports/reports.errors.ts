import { DomainError } from '../../common/errors/domain-error';

/** Codes the reports module answers with, and their HTTP status. */
export const REPORTS_ERRORS = {
  NOT_FOUND: 404,
  RUN_NOT_FINISHED: 409,
  INVALID_EXPORT: 400,
  INVALID_COMPARISON: 400,
} as const;
export type ReportsErrorCode = keyof typeof REPORTS_ERRORS;

export class ReportsError extends DomainError {
  constructor(code: ReportsErrorCode, message: string, messageZh: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, REPORTS_ERRORS[code], message, messageZh, details);
  }
}

/** Missing and out-of-scope look the same: existence never leaks. */
export function reportNotFound(what: string, whatZh: string, id: string): ReportsError {
  return new ReportsError('NOT_FOUND', `${what} ${id} was not found`, `未找到${whatZh} ${id}`);
}
