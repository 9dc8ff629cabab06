/** A user's mistake on the command line: one clear line on stderr and exit code 2, never a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function fail(message: string): never {
  throw new UsageError(message);
}
