/**
 * The base of every expected failure: a machine-readable code, an HTTP status, a message in
 * English and in Chinese, and optional details. The one exception filter turns it into
 * `{ code, message, messageZh, details }`.
 */
export interface ErrorDetail {
  readonly field?: string;
  readonly row?: number;
  readonly column?: string;
  readonly code: string;
  readonly message: string;
  readonly messageZh?: string;
  readonly value?: unknown;
}

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly messageZh: string,
    readonly details: readonly ErrorDetail[] | Readonly<Record<string, unknown>> = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, whatZh: string, id: string) {
    super('NOT_FOUND', 404, `${what} ${id} was not found`, `未找到${whatZh} ${id}`, []);
  }
}
