import { DomainError } from '../../common/errors/domain-error';

/** Codes the review workflow answers with, and their HTTP status. Invalid transitions and actions after their window: 409. */
export const REVIEW_ERRORS = {
  NOT_FOUND: 404,
  INVALID_RECORD: 400,
  NOT_ENROLLED: 400,
  OUTSIDE_TERM: 400,
  REMARK_REQUIRED: 400,
  INVALID_BATCH: 400,
  INVALID_SETTINGS: 400,
  INVALID_AMENDMENT: 400,
  NOT_AUTHOR: 403,
  NO_RECORD_PERMISSION: 403,
  NOT_IN_AUDIENCE: 403,
  DUPLICATE_RECORD: 409,
  INVALID_TRANSITION: 409,
  STUDENT_CONFIRMATION_REQUIRED: 409,
  CONFIRMATION_NOT_NEEDED: 409,
  CONFIRMATION_CLOSED: 409,
  NOT_EDITABLE: 409,
  NOT_AUTHORED_HERE: 409,
  SELECTION_CAP_REACHED: 409,
  NOTHING_TO_PUBLISH: 409,
  PUBLICITY_WINDOW_NOT_OPEN: 409,
  PUBLICITY_WINDOW_CLOSED: 409,
  PUBLICITY_WINDOW_STILL_OPEN: 409,
  RECORD_NOT_IN_BATCH: 409,
  OBJECTION_ALREADY_DECIDED: 409,
  NOT_APPEALABLE: 409,
  APPEAL_WINDOW_CLOSED: 409,
  APPEAL_ALREADY_OPEN: 409,
  APPEAL_ALREADY_DECIDED: 409,
  NOT_ESCALATABLE: 409,
  ESCALATION_WINDOW_CLOSED: 409,
  FLAG_ALREADY_RESOLVED: 409,
} as const;
export type ReviewErrorCode = keyof typeof REVIEW_ERRORS;

export class ReviewError extends DomainError {
  constructor(code: ReviewErrorCode, message: string, messageZh: string, details: Readonly<Record<string, unknown>> = {}) {
    super(code, REVIEW_ERRORS[code], message, messageZh, details);
  }
}

/** Missing and out-of-scope look the same: existence never leaks. */
export function reviewNotFound(what: string, whatZh: string, id: string): ReviewError {
  return new ReviewError('NOT_FOUND', `${what} ${id} was not found`, `未找到${whatZh} ${id}`);
}
