/** A loss distribution on a lattice (k × unit fen, k = 0…) and its risk measures. */

export interface LossDistribution {
  /** Fen per lattice step. */
  unit: number;
  /** P(loss = k × unit). */
  pmf: Float64Array;
  /**
   * When payouts off the lattice were split between their two neighbouring points (expected loss
   * kept): how many loans were split, and the variance of the loss this adds (fen²), Σ PD·f(1−f)·unit².
   */
  split?: { loans: number; variance: number };
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

/** The smallest k with P(L ≤ k·unit) ≥ level. */
function quantileIndex(pmf: Float64Array, level: number): number {
  let cdf = 0;
  let k = 0;
  for (; k < pmf.length - 1; k++) {
    cdf += pmf[k]!;
    if (cdf >= level) break;
  }
  return k;
}

export interface TailBounds {
  level: number;
  /** Where the unsplit book's VaR lies (fen), given the lattice distribution. */
  valueAtRisk: [number, number];
  /** Where the unsplit book's ES lies (fen). */
  expectedShortfall: [number, number];
}

/**
 * Bounds on the risk measures of the book itself from a lattice distribution whose off-lattice
 * payouts were split (mean kept) between neighbouring points. The lattice loss is L̃ = L + E where,
 * given which loans default, E is a sum of independent mean-zero terms, each within an interval
 * one step wide, over at most K = `split.loans` loans.
 * - VaR: by Hoeffding, P(E > t) and P(E < −t) are each at most δ for t = unit·√(K·ln(1/δ)/2), so
 *   VaR_α(L) lies in [VaR_{α−δ}(L̃) − t, VaR_{α+δ}(L̃) + t]; δ = (1 − α)/100.
 * - ES: E[E | L] = 0 makes L̃ larger than L in convex order, so ES_α(L) ≤ ES_α(L̃); and ES is
 *   subadditive with ES_α(E) ≤ σ_E·√(α/(1−α)) for a mean-zero E of sd σ_E, so
 *   ES_α(L) ≥ ES_α(L̃) − σ_E·√(α/(1−α)).
 * With no split loans both intervals are the point itself (up to the quadrature and the FFT's round-off).
 */
export function latticeBounds(d: LossDistribution, levels: readonly number[] = LEVELS): TailBounds[] {
  const K = d.split?.loans ?? 0;
  const sigma = Math.sqrt(d.split?.variance ?? 0);
  const m = measuresOf(d, levels);
  return m.tail.map((t) => {
    const alpha = t.level;
    if (K === 0)
      return {
        level: alpha,
        valueAtRisk: [t.valueAtRisk, t.valueAtRisk],
        expectedShortfall: [t.expectedShortfall, t.expectedShortfall],
      };
    const delta = (1 - alpha) / 100;
    const spread = d.unit * Math.sqrt((K * Math.log(1 / delta)) / 2);
    const lo = Math.max(0, quantileIndex(d.pmf, alpha - delta) * d.unit - spread);
    const hi = quantileIndex(d.pmf, alpha + delta) * d.unit + spread;
    const esLo = Math.max(0, t.expectedShortfall - sigma * Math.sqrt(alpha / (1 - alpha)));
    return { level: alpha, valueAtRisk: [lo, hi], expectedShortfall: [esLo, t.expectedShortfall] };
  });
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
