/** A user-facing CLI failure: printed as `error [CODE]: message`, exits with exitCode (2 = bad input). */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
