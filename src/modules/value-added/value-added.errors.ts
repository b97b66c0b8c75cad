import { DomainError } from '../../common/errors/domain-error';

/** Codes the value-added module answers with, and their HTTP status. */
export const VALUE_ADDED_ERRORS = {
  NOT_FOUND: 404,
  INVALID_STUDY: 400,
  UNKNOWN_OCCASION: 400,
  INVALID_RUN: 400,
  STUDY_HAS_RUNS: 409,
  EMPTY_COHORT: 422,
  SCORING_INPUT: 422,
} as const;
export type ValueAddedErrorCode = keyof typeof VALUE_ADDED_ERRORS;

export class ValueAddedError extends DomainError {
  constructor(code: ValueAddedErrorCode, message: string, messageZh: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, VALUE_ADDED_ERRORS[code], message, messageZh, details);
  }
}

/** Missing and out-of-scope look the same: existence never leaks. */
export function notFound(what: string, whatZh: string, id: string): ValueAddedError {
  return new ValueAddedError('NOT_FOUND', `${what} ${id} was not found`, `未找到${whatZh} ${id}`);
}
