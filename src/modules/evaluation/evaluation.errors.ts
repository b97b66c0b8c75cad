import { DomainError } from '../../common/errors/domain-error';

/** Codes the evaluation module answers with, and their HTTP status. */
export const EVALUATION_ERRORS = {
  NOT_FOUND: 404,
  INVALID_RUBRIC: 400,
  INVALID_FORMULA: 400,
  DUPLICATE_RUBRIC_CODE: 409,
  RUBRIC_IN_USE: 409,
  RUBRIC_SUPERSEDED: 409,
  INVALID_COHORT: 400,
  RUBRIC_NOT_ASSIGNED: 400,
  EMPTY_COHORT: 422,
  NO_TERM_RESULTS: 422,
  RUN_NOT_FINISHED: 409,
} as const;
export type EvaluationErrorCode = keyof typeof EVALUATION_ERRORS;

export class EvaluationError extends DomainError {
  constructor(code: EvaluationErrorCode, message: string, messageZh: string, details: ConstructorParameters<typeof DomainError>[4] = []) {
    super(code, EVALUATION_ERRORS[code], message, messageZh, details);
  }
}

/** Missing and out-of-scope look the same: existence never leaks. */
export function evaluationNotFound(what: string, whatZh: string, id: string): EvaluationError {
  return new EvaluationError('NOT_FOUND', `${what} ${id} was not found`, `未找到${whatZh} ${id}`);
}
