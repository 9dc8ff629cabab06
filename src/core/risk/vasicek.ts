/**
 * The one-factor (Vasicek) model, analytically. Large-portfolio formula: the loss given the
 * factor z is its conditional mean Σ payout·p(z), so VaR_α = L(Φ⁻¹(1−α)) and ES integrates L over
 * the worst 1−α of factors. Finite portfolio: given z defaults are independent, so the loss is a
 * sum of binomials per (cell, payout); its characteristic function is integrated over z and
 * inverted by FFT — cost ∝ factor nodes × distinct (cell, payout) pairs × lattice points, meant
 * for books of up to a few thousand distinct payouts.
 */
import { LEVELS, chooseUnit, nextPow2, type LossDistribution, type LossMeasures } from './distribution';
import { sectorRho, type FactorModel } from './factors';
import { conditionalPd, factorNodes, normalInv, normalPdf } from './normal';
import { payoutTotal, type Portfolio } from './portfolio';
import { pmfFromCf } from './spectrum';

export function vasicekLargePortfolio(
  p: Portfolio,
  model: FactorModel,
  variant = 0,
  levels: readonly number[] = LEVELS,
): LossMeasures {
  const rho = sectorRho(p, model);
  const cells = p.cells.map((c) => ({
    total: payoutTotal(p, variant, c.start, c.count),
    pd: c.pd,
    rho: rho[c.sector]!,
  }));
  const loss = (z: number) => cells.reduce((s, c) => s + c.total * conditionalPd(c.pd, c.rho, z), 0);
  const expectedLoss = cells.reduce((s, c) => s + c.total * c.pd, 0);
  const tail = levels.map((level) => {
    const za = normalInv(1 - level);
    const from = -8.5;
    const n = 800;
    const h = (za - from) / n;
    let integral = 0;
    for (let i = 0; i <= n; i++) {
      const z = from + i * h;
      integral += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * loss(z) * normalPdf(z);
    }
    return { level, valueAtRisk: loss(za), expectedShortfall: (integral * h) / 3 / (1 - level) };
  });
  return { expectedLoss, tail };
}

export interface FiniteOptions {
  /** Lattice points at most (a power of two is used). */
  maxPoints?: number;
  /** Simpson intervals over the factor. */
  nodes?: number;
  /**
   * Work at most, in (factor node × distinct payout × frequency) steps: a book with many distinct
   * payouts gets a coarser lattice (and says so in its error bound) rather than a long wait.
   */
  budget?: number;
}

/**
 * The loss distribution of the finite one-factor portfolio, exact up to the lattice. When the
 * payouts' greatest common divisor gives too many lattice points, a payout x = (m + f)·unit that
 * falls between two points is split between them: the loan, if it defaults, loses m·unit with
 * probability 1 − f and (m + 1)·unit with probability f, independently of everything else. The
 * expected loss is then exact, and the lattice loss is L̃ = L + E where, given the defaults, E is a
 * sum of independent mean-zero terms each within one step: the error bounds of `latticeBounds`
 * follow from that (the distribution says how many loans were split and the variance of E).
 */
export function vasicekFinite(
  p: Portfolio,
  model: FactorModel,
  variant = 0,
  { maxPoints = 1 << 16, nodes = 240, budget = 1 << 27 }: FiniteOptions = {},
): LossDistribution {
  const rho = sectorRho(p, model);
  const V = p.variants.length;
  // the distinct (cell, payout) pairs: given the factor, each is a binomial
  let total = 0;
  let max = 0;
  let positive = 0;
  const byCell: Map<number, number>[] = [];
  let distinct = 0;
  for (const c of p.cells) {
    const counts = new Map<number, number>();
    for (let i = c.start; i < c.start + c.count; i++) {
      const x = p.payouts[i * V + variant]!;
      total += x;
      max = Math.max(max, x);
      if (x > 0 && c.pd > 0) {
        counts.set(x, (counts.get(x) ?? 0) + 1);
        positive++;
      }
    }
    distinct += counts.size;
    byCell.push(counts);
  }
  // The loss worth a lattice point: defaults only grow as the factor falls, so P(L > s) is at most
  // P(Z < −8.5) (1e-17) plus P(L > s | Z = −8.5), which Chernoff's bound e^{−θs}·E[e^{θL} | Z = −8.5]
  // keeps below 1e-16 (the smallest such s over a grid of θ); never more than the whole book.
  const TAIL = Math.log(1e16);
  let span = total;
  if (max > 0) {
    for (let c = 1 / 1024; c <= 64; c *= 1.25) {
      const theta = c / max;
      let logMgf = 0;
      p.cells.forEach((cell, ci) => {
        const pw = conditionalPd(cell.pd, rho[cell.sector]!, -8.5);
        for (const [x, count] of byCell[ci]!) logMgf += count * Math.log1p(pw * Math.expm1(theta * x));
      });
      span = Math.min(span, (logMgf + TAIL) / theta);
    }
  }
  const work = Math.max(1, distinct) * (nodes + 1);
  let points = nextPow2(maxPoints);
  while (points > 64 && (work * points) / 2 > budget) points /= 2;
  // Split payouts can add up to one step per defaulting loan: by Hoeffding, more than
  // √(K·ln(1e16)/2) steps with probability below 1e-16; the lattice keeps room for that.
  const room = Math.ceil(Math.sqrt((positive * TAIL) / 2)) + 2;
  const unit = chooseUnit(p.payouts, span, Math.max(points / 2, points - room), V, variant);
  const exact = p.cells.every((_, ci) => [...byCell[ci]!.keys()].every((x) => x % unit === 0));
  const n = nextPow2(Math.floor(span / unit) + (exact ? 2 : room));
  const pairs: { pd: number; rho: number; m: number; f: number; count: number }[] = [];
  let splitLoans = 0;
  let splitVariance = 0;
  p.cells.forEach((c, ci) => {
    for (const [x, count] of byCell[ci]!) {
      const m = Math.floor(x / unit);
      const f = (x - m * unit) / unit;
      pairs.push({ pd: c.pd, rho: rho[c.sector]!, m, f, count });
      if (f > 0) {
        splitLoans += count;
        splitVariance += count * c.pd * f * (1 - f) * unit * unit;
      }
    }
  });
  const cosT = new Float64Array(n);
  const sinT = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    cosT[k] = Math.cos((2 * Math.PI * k) / n);
    sinT[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const cf = new Float64Array(2 * n);
  const half = n / 2;
  const { z, w } = factorNodes(nodes);
  const pz = new Float64Array(pairs.length);
  const accRe = new Float64Array(half + 1);
  const accIm = new Float64Array(half + 1);
  const logRe = new Float64Array(half + 1);
  const logIm = new Float64Array(half + 1);
  const mask = n - 1;
  for (let node = 0; node < z.length; node++) {
    if (w[node]! < 1e-300) continue;
    for (let q = 0; q < pairs.length; q++) pz[q] = conditionalPd(pairs[q]!.pd, pairs[q]!.rho, z[node]!);
    accRe.fill(1);
    accIm.fill(0);
    logRe.fill(0);
    logIm.fill(0);
    for (let q = 0; q < pairs.length; q++) {
      const pq = pz[q]!;
      if (pq === 0) continue;
      const { m, f, count } = pairs[q]!;
      // one loan's CF at frequency j: 1 − p + p·((1 − f)·e^{−iθm} + f·e^{−iθ(m+1)}), θ = 2πj/n
      const a = pq * (1 - f);
      const b = pq * f;
      for (let j = 0; j <= half; j++) {
        const k1 = (j * m) & mask;
        const k2 = (k1 + j) & mask;
        const re = 1 - pq + a * cosT[k1]! + b * cosT[k2]!;
        const im = -(a * sinT[k1]! + b * sinT[k2]!);
        if (count === 1) {
          const r = accRe[j]! * re - accIm[j]! * im;
          accIm[j] = accRe[j]! * im + accIm[j]! * re;
          accRe[j] = r;
        } else {
          logRe[j]! += count * 0.5 * Math.log(re * re + im * im);
          logIm[j]! += count * Math.atan2(im, re);
        }
      }
    }
    for (let j = 0; j <= half; j++) {
      const mag = w[node]! * Math.exp(logRe[j]!);
      const c = Math.cos(logIm[j]!);
      const s = Math.sin(logIm[j]!);
      cf[2 * j]! += mag * (accRe[j]! * c - accIm[j]! * s);
      cf[2 * j + 1]! += mag * (accRe[j]! * s + accIm[j]! * c);
    }
  }
  // The weights integrate φ to 1 − 1e-16; normalise so that CF(0) = 1 exactly.
  const norm = cf[0]!;
  for (let j = 0; j <= half; j++) {
    cf[2 * j]! /= norm;
    cf[2 * j + 1]! /= norm;
  }
  for (let j = half + 1; j < n; j++) {
    cf[2 * j] = cf[2 * (n - j)]!;
    cf[2 * j + 1] = -cf[2 * (n - j) + 1]!;
  }
  return { unit, pmf: pmfFromCf(cf, n), split: { loans: splitLoans, variance: splitVariance } };
}
