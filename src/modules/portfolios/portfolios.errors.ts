import { DomainError } from '../../common/errors/domain-error';

/** Codes the portfolios module answers with, and their HTTP status. */
export const PORTFOLIO_ERRORS = {
  NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  PORTFOLIO_IN_PROGRESS: 409,
  PORTFOLIO_SEALED: 409,
  PORTFOLIO_NOT_SEALED: 409,
  NOT_LATEST_VERSION: 409,
  DUPLICATE_BATCH_CODE: 409,
  INVALID_PERIOD: 400,
  PURPOSE_REQUIRED: 400,
} as const;
export type PortfolioErrorCode = keyof typeof PORTFOLIO_ERRORS;

export class PortfolioError extends DomainError {
  constructor(code: PortfolioErrorCode, message: string, messageZh: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, PORTFOLIO_ERRORS[code], message, messageZh, details);
  }
}

/** Missing and out-of-scope look the same: existence never leaks. */
export function portfolioNotFound(what: string, whatZh: string, id: string): PortfolioError {
  return new PortfolioError('NOT_FOUND', `${what} ${id} was not found`, `未找到${whatZh} ${id}`);
}
