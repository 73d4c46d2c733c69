/**
 * Typed errors that carry data and map to outcomes (exit codes, gRPC
 * statuses). Every input error names the field it is about.
 */
export class WhaError extends Error {
  override readonly name: string = 'WhaError';
  /** process exit code this error maps to when it reaches main() */
  readonly exitCode: number = 1;
}

/** Bad input from a user: config file, CLI argument or message. Exit code 2. */
export class InputError extends WhaError {
  override readonly name = 'InputError';
  override readonly exitCode = 2;
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly source?: string,
  ) {
    super(`${source ? `${source}: ` : ''}${field}: ${problem}`);
  }
}

/** Several input errors at once, so a user fixes a config in one pass. */
export class InputErrors extends WhaError {
  override readonly name = 'InputErrors';
  override readonly exitCode = 2;
  constructor(readonly errors: InputError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

export function isInputError(e: unknown): e is InputError | InputErrors {
  return e instanceof InputError || e instanceof InputErrors;
}
