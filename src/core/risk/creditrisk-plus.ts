/**
 * CreditRisk+ (Credit Suisse, 1997) with sectors, computed by FFT rather than Panjer's recursion
 * (which underflows on large books). Each loan belongs to its sector; the sector's default rate
 * is PD × Γ with Γ gamma-distributed, mean 1 and variance σ²; given Γ, defaults are Poisson.
 * Payouts are put on a lattice of `unit` fen; a payout that is not a multiple of the unit is
 * banded to the nearest step with its default rate scaled so the expected loss is kept (the
 * usual CreditRisk+ banding). The probability generating function
 *   G(s) = Π_k ((1 − δ_k) / (1 − δ_k·P_k(s)))^{1/σ_k²},  δ_k = μ_kσ_k² / (1 + μ_kσ_k²)
 * (exp(μ_k(P_k(s) − 1)) when σ_k = 0) is evaluated on the unit circle — each P_k by one FFT of its
 * band coefficients — and inverted by one more FFT.
 */
import { chooseUnit, nextPow2, type LossDistribution } from './distribution';
import { RiskInputError, type Portfolio } from './portfolio';
import { forward, pmfFromCf } from './spectrum';

export interface CreditRiskPlusModel {
  /** Variance σ² of every sector's default-rate factor; 0 = independent defaults (Poisson). */
  sectorVariance: number;
  varianceBySector?: Readonly<Record<string, number>>;
  /** Lattice points at most (default 2^16). */
  maxPoints?: number;
}

export function creditRiskPlus(p: Portfolio, model: CreditRiskPlusModel, variant = 0): LossDistribution {
  const V = p.variants.length;
  const sigma2 = p.sectors.map((s) => model.varianceBySector?.[s] ?? model.sectorVariance);
  sigma2.forEach((v, k) => {
    if (!(Number.isFinite(v) && v >= 0))
      throw new RiskInputError(`creditRiskPlus.varianceBySector.${p.sectors[k]}`, 'must be a variance of at least 0');
  });
  const elBySector = new Float64Array(p.sectors.length);
  let idio = 0;
  let max = 0;
  for (const c of p.cells) {
    for (let i = c.start; i < c.start + c.count; i++) {
      const x = p.payouts[i * V + variant]!;
      elBySector[c.sector]! += c.pd * x;
      idio += c.pd * x * x;
      if (x > max) max = x;
    }
  }
  let el = 0;
  let variance = idio;
  elBySector.forEach((e, k) => {
    el += e;
    variance += sigma2[k]! * e * e;
  });
  const span = el + 40 * Math.sqrt(variance) + max;
  const maxPoints = model.maxPoints ?? 1 << 16;
  const unit = chooseUnit(p.payouts, span, maxPoints - 2, V, variant);
  const n = nextPow2(Math.floor(span / unit) + 2);
  const coeff = p.sectors.map(() => new Float64Array(n));
  for (const c of p.cells) {
    const a = coeff[c.sector]!;
    for (let i = c.start; i < c.start + c.count; i++) {
      const x = p.payouts[i * V + variant]!;
      if (x <= 0) continue;
      const m = Math.min(n - 1, Math.max(1, Math.round(x / unit)));
      a[m]! += (c.pd * x) / (m * unit);
    }
  }
  const logRe = new Float64Array(n);
  const logIm = new Float64Array(n);
  coeff.forEach((a, k) => {
    let mu = 0;
    for (let m = 0; m < n; m++) mu += a[m]!;
    if (mu === 0) return;
    const q = forward(a, n);
    const s2 = sigma2[k]!;
    if (s2 === 0) {
      for (let j = 0; j < n; j++) {
        logRe[j]! += q[2 * j]! - mu;
        logIm[j]! += q[2 * j + 1]!;
      }
      return;
    }
    const alpha = 1 / s2;
    const delta = (mu * s2) / (1 + mu * s2);
    const base = Math.log(1 - delta);
    const r = delta / mu;
    for (let j = 0; j < n; j++) {
      const dr = 1 - r * q[2 * j]!;
      const di = -r * q[2 * j + 1]!;
      logRe[j]! += alpha * (base - 0.5 * Math.log(dr * dr + di * di));
      logIm[j]! += -alpha * Math.atan2(di, dr);
    }
  });
  const cf = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) {
    const mag = Math.exp(logRe[j]!);
    cf[2 * j] = mag * Math.cos(logIm[j]!);
    cf[2 * j + 1] = mag * Math.sin(logIm[j]!);
  }
  return { unit, pmf: pmfFromCf(cf, n) };
}
