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
}

/** The exact loss distribution of the finite one-factor portfolio (up to the lattice). */
export function vasicekFinite(
  p: Portfolio,
  model: FactorModel,
  variant = 0,
  { maxPoints = 1 << 16, nodes = 240 }: FiniteOptions = {},
): LossDistribution {
  const rho = sectorRho(p, model);
  const V = p.variants.length;
  // A bound on the loss worth a lattice point: the conditional mean at z = −8.5 plus 12 sd.
  let total = 0;
  let bound = 0;
  let variance = 0;
  let max = 0;
  for (const c of p.cells) {
    const pw = conditionalPd(c.pd, rho[c.sector]!, -8.5);
    for (let i = c.start; i < c.start + c.count; i++) {
      const x = p.payouts[i * V + variant]!;
      total += x;
      bound += pw * x;
      variance += pw * (1 - pw) * x * x;
      max = Math.max(max, x);
    }
  }
  const span = Math.min(total, bound + 12 * Math.sqrt(variance) + max);
  const unit = chooseUnit(p.payouts, span, maxPoints - 1, V, variant);
  const n = nextPow2(Math.floor(span / unit) + 2);
  const pairs: { pd: number; rho: number; m: number; count: number }[] = [];
  for (const c of p.cells) {
    const byM = new Map<number, number>();
    for (let i = c.start; i < c.start + c.count; i++) {
      const x = p.payouts[i * V + variant]!;
      if (x > 0) {
        const m = Math.max(1, Math.round(x / unit));
        byM.set(m, (byM.get(m) ?? 0) + 1);
      }
    }
    for (const [m, count] of byM) pairs.push({ pd: c.pd, rho: rho[c.sector]!, m, count });
  }
  const cf = new Float64Array(2 * n);
  const half = n / 2;
  const { z, w } = factorNodes(nodes);
  const pz = new Float64Array(pairs.length);
  const logRe = new Float64Array(half + 1);
  const logIm = new Float64Array(half + 1);
  for (let node = 0; node < z.length; node++) {
    if (w[node]! < 1e-300) continue;
    for (let q = 0; q < pairs.length; q++) pz[q] = conditionalPd(pairs[q]!.pd, pairs[q]!.rho, z[node]!);
    logRe.fill(0);
    logIm.fill(0);
    for (let q = 0; q < pairs.length; q++) {
      const pq = pz[q]!;
      if (pq === 0) continue;
      const { m, count } = pairs[q]!;
      for (let j = 0; j <= half; j++) {
        const t = (2 * Math.PI * j * m) / n;
        const re = 1 - pq + pq * Math.cos(t);
        const im = -pq * Math.sin(t);
        logRe[j]! += count * 0.5 * Math.log(re * re + im * im);
        logIm[j]! += count * Math.atan2(im, re);
      }
    }
    for (let j = 0; j <= half; j++) {
      const mag = w[node]! * Math.exp(logRe[j]!);
      cf[2 * j]! += mag * Math.cos(logIm[j]!);
      cf[2 * j + 1]! += mag * Math.sin(logIm[j]!);
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
  return { unit, pmf: pmfFromCf(cf, n) };
}
