/**
 * Estimates from weighted scenarios (weights are 1 without importance sampling): the mean with its
 * standard error, VaR and expected shortfall from the weighted empirical distribution, the
 * probability of exceeding a level, and a histogram.
 */
import { LEVELS, type TailMeasure } from './distribution';

export interface Estimate {
  value: number;
  standardError: number;
}

function meanOf(xs: ArrayLike<number>, n: number): Estimate {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    s += xs[i]!;
    s2 += xs[i]! * xs[i]!;
  }
  const mean = s / n;
  const variance = n > 1 ? Math.max(s2 / n - mean * mean, 0) * (n / (n - 1)) : 0;
  return { value: mean, standardError: Math.sqrt(variance / n) };
}

export function weightedMean(losses: ArrayLike<number>, weights: ArrayLike<number>): Estimate {
  const n = losses.length;
  const wl = new Float64Array(n);
  for (let i = 0; i < n; i++) wl[i] = losses[i]! * weights[i]!;
  return meanOf(wl, n);
}

/** P(L > x) with its standard error. */
export function tailProbability(losses: ArrayLike<number>, weights: ArrayLike<number>, x: number): Estimate {
  const n = losses.length;
  const ind = new Float64Array(n);
  for (let i = 0; i < n; i++) ind[i] = losses[i]! > x ? weights[i]! : 0;
  return meanOf(ind, n);
}

export function tailMeasures(
  losses: ArrayLike<number>,
  weights: ArrayLike<number>,
  levels: readonly number[] = LEVELS,
): TailMeasure[] {
  const n = losses.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => losses[b]! - losses[a]!);
  return levels.map((level) => {
    const target = (1 - level) * n;
    let tail = 0;
    let tailSum = 0;
    for (let i = 0; i < n;) {
      const x = losses[order[i]!]!;
      let wx = 0;
      let j = i;
      while (j < n && losses[order[j]!]! === x) wx += weights[order[j++]!]!;
      if (tail + wx > target)
        return { level, valueAtRisk: x, expectedShortfall: (tailSum + x * (target - tail)) / target };
      tail += wx;
      tailSum += wx * x;
      i = j;
    }
    const least = n ? losses[order[n - 1]!]! : 0;
    return { level, valueAtRisk: least, expectedShortfall: (tailSum + least * Math.max(target - tail, 0)) / target };
  });
}

export interface HistogramBin {
  /** Fen, from inclusive, to exclusive (the last bin includes its end). */
  from: number;
  to: number;
  probability: number;
}

export function histogram(losses: ArrayLike<number>, weights: ArrayLike<number>, bins = 40): HistogramBin[] {
  const n = losses.length;
  let max = 0;
  for (let i = 0; i < n; i++) if (losses[i]! > max) max = losses[i]!;
  const width = max > 0 ? max / bins : 1;
  const out = Array.from({ length: bins }, (_, b) => ({ from: b * width, to: (b + 1) * width, probability: 0 }));
  for (let i = 0; i < n; i++) out[Math.min(bins - 1, Math.floor(losses[i]! / width))]!.probability += weights[i]! / n;
  return out;
}
