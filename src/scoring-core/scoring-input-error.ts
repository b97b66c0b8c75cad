/**
 * The one error type of the scoring core. Its code is machine-readable (callers map it to an
 * HTTP 4xx or a CLI exit code); its message says what is wrong and what to do about it.
 */
export type ScoringInputErrorCode =
  | 'INSUFFICIENT_DATA'
  | 'RANK_DEFICIENT_DESIGN'
  | 'CONSTANT_COLUMN'
  | 'NON_FINITE_INPUT'
  | 'DIMENSION_MISMATCH'
  | 'GROUP_TOO_SMALL'
  | 'INVALID_ARGUMENT'
  | 'NOT_CONVERGED';

export class ScoringInputError extends Error {
  override readonly name = 'ScoringInputError';

  constructor(
    readonly code: ScoringInputErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
