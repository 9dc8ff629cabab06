/**
 * Where a bulk write spends its time, by step, in milliseconds summed over chunks — for the import
 * benchmark's per-chunk profile (docs/PERFORMANCE.md). Optional everywhere: without it nothing is timed.
 */
export type Timings = Record<string, number>;

export async function timed<T>(timings: Timings | undefined, step: string, work: () => Promise<T>): Promise<T> {
  if (!timings) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[step] = (timings[step] ?? 0) + performance.now() - started;
  }
}

export function count(timings: Timings | undefined, what: string, n: number): void {
  if (timings) timings[what] = (timings[what] ?? 0) + n;
}
