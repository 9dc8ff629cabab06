/**
 * PostgreSQL may abort one of two transactions that wait on each other (deadlock, 40P01) or that
 * cannot both be serialised (40001). Neither wrote anything; running the work again is the
 * documented answer. PGlite runs one transaction at a time and never raises them.
 */
const RETRYABLE = new Set(['40P01', '40001']);

export function isRetryable(e: unknown): boolean {
  for (let x = e as { code?: string; cause?: unknown } | undefined; x; x = x.cause as typeof x) {
    if (x.code && RETRYABLE.has(x.code)) return true;
  }
  return false;
}

/** The constraint of a unique violation (23505) anywhere in the error's causes, or null. */
export function uniqueViolation(e: unknown): string | null {
  for (
    let x = e as { code?: string; constraint_name?: string; constraint?: string; cause?: unknown } | undefined;
    x;
    x = x.cause as typeof x
  ) {
    if (x.code === '23505') return x.constraint_name ?? x.constraint ?? 'unique';
  }
  return null;
}

export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (e) {
      if (i >= attempts || !isRetryable(e)) throw e;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * i)));
    }
  }
}
