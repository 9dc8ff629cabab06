/** A loss distribution on a lattice (k × unit fen, k = 0…) and its risk measures. */

export interface LossDistribution {
  /** Fen per lattice step. */
  unit: number;
  /** P(loss = k × unit). */
  pmf: Float64Array;
}

export const LEVELS = [0.95, 0.99, 0.999] as const;

export interface TailMeasure {
  level: number;
  /** The smallest loss x with P(L ≤ x) ≥ level (fen). */
  valueAtRisk: number;
  /** Expected shortfall (Acerbi–Tasche): the mean of the worst (1 − level) of outcomes (fen). */
  expectedShortfall: number;
}

export interface LossMeasures {
  expectedLoss: number;
  tail: TailMeasure[];
}

export function measuresOf(d: LossDistribution, levels: readonly number[] = LEVELS): LossMeasures {
  let el = 0;
  for (let k = 0; k < d.pmf.length; k++) el += k * d.pmf[k]!;
  const tail = levels.map((level) => {
    let cdf = 0;
    let k = 0;
    for (; k < d.pmf.length - 1; k++) {
      cdf += d.pmf[k]!;
      if (cdf >= level) break;
    }
    let above = 0;
    for (let j = k + 1; j < d.pmf.length; j++) above += j * d.pmf[j]!;
    const es = (above + k * (cdf - level)) / (1 - level);
    return { level, valueAtRisk: k * d.unit, expectedShortfall: es * d.unit };
  });
  return { expectedLoss: el * d.unit, tail };
}

/** P(L > x) for x in fen. */
export function exceedance(d: LossDistribution, x: number): number {
  let p = 0;
  for (let k = d.pmf.length - 1; k >= 0 && k * d.unit > x; k--) p += d.pmf[k]!;
  return p;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The lattice step: the greatest common divisor of the payouts when that keeps the lattice
 * within `maxPoints` steps of `spanFen` (then the lattice is exact), else the smallest whole
 * number of fen that does (payouts are then banded to the nearest step).
 */
export function chooseUnit(
  payouts: ArrayLike<number>,
  spanFen: number,
  maxPoints: number,
  stride = 1,
  offset = 0,
): number {
  let g = 0;
  for (let i = offset; i < payouts.length; i += stride) {
    const x = payouts[i]!;
    if (x > 0 && (g === 0 || x % g !== 0)) g = g === 0 ? x : gcd(g, x);
    if (g === 1) break;
  }
  if (g === 0) return 1;
  return spanFen / g <= maxPoints ? g : Math.ceil(spanFen / maxPoints);
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
