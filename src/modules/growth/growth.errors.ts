import { DomainError } from '../../common/errors/domain-error';

/** Codes the growth module answers with, and their HTTP status. */
export const GROWTH_ERRORS = {
  NOT_FOUND: 404,
  INVALID_RUN: 400,
  UNKNOWN_INDICATOR: 400,
  UNKNOWN_OCCASION: 400,
  INVALID_PROJECTION: 400,
  NO_GROWTH_DATA: 422,
  SCORING_INPUT: 422,
  RUN_NOT_FINISHED: 409,
} as const;
export type GrowthErrorCode = keyof typeof GROWTH_ERRORS;

export class GrowthError extends DomainError {
  constructor(code: GrowthErrorCode, message: string, messageZh: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, GROWTH_ERRORS[code], message, messageZh, details);
  }
}

/** Missing and out-of-scope look the same: existence never leaks. */
export function growthNotFound(what: string, whatZh: string, id: string): GrowthError {
  return new GrowthError('NOT_FOUND', `${what} ${id} was not found`, `未找到${whatZh} ${id}`);
}
