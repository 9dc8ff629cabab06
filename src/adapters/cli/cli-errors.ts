import { readFileSync } from 'node:fs';

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

/** A JSON file (or - for standard input) read and parsed, or exit 2 naming the file and what is wrong. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    fail(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}
