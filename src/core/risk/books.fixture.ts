/** Small books for the risk tests: loans with filed terms (ratio, whole-yuan exposures) and exact reference distributions. */
import type { CompensationTerms } from '../policy';
import { normalCdf, normalInv } from './normal';
import { asFiledVariant, buildPortfolio, type PolicyVariant, type Portfolio, type RiskLoan } from './portfolio';

export interface Slice {
  grade: string;
  sector: string;
  count: number;
  /** Whole yuan. */
  exposureYuan: (i: number) => number;
}

export const terms40: CompensationTerms = {
  ratioBp: 4000,
  rounding: 'half-up',
  parties: [{ party: 'bank', shareBp: 10_000 }],
};

export function loansOf(slices: readonly Slice[], terms: CompensationTerms = terms40): RiskLoan[] {
  return slices.flatMap((s, k) =>
    Array.from({ length: s.count }, (_, i) => ({
      id: `${k}-${i}`,
      grade: s.grade,
      sector: s.sector,
      exposure: BigInt(s.exposureYuan(i)) * 100n,
      filedTerms: terms,
    })),
  );
}

export function book(
  slices: readonly Slice[],
  pdByGrade: Record<string, number>,
  variants: PolicyVariant[] = [asFiledVariant()],
): Portfolio {
  return buildPortfolio({ loans: loansOf(slices), variants, pdByGrade });
}

/** The exact distribution of Σ payout·1{default} for independent defaults (Poisson-binomial) on a lattice of `unit` fen. */
export function poissonBinomial(p: Portfolio, unit: number, variant = 0): Float64Array {
  const V = p.variants.length;
  let total = 0;
  for (let i = 0; i < p.loanCount; i++) total += p.payouts[i * V + variant]! / unit;
  let dist = new Float64Array(Math.round(total) + 1);
  dist[0] = 1;
  let top = 0;
  for (const c of p.cells) {
    for (let i = c.start; i < c.start + c.count; i++) {
      const m = Math.round(p.payouts[i * V + variant]! / unit);
      const next = new Float64Array(dist.length);
      for (let k = 0; k <= top; k++) {
        next[k]! += dist[k]! * (1 - c.pd);
        next[k + m]! += dist[k]! * c.pd;
      }
      top += m;
      dist = next;
    }
  }
  return dist;
}

/** The loss lattice as a LossDistribution-like exceedance: P(L > x). */
export function exceedanceOf(pmf: Float64Array, unit: number, x: number): number {
  let s = 0;
  for (let k = pmf.length - 1; k >= 0 && k * unit > x; k--) s += pmf[k]!;
  return s;
}

/** |estimate − exact| within z standard errors (plus a hair for float noise). */
export function within(estimate: { value: number; standardError: number }, exact: number, z = 4): boolean {
  return Math.abs(estimate.value - exact) <= z * estimate.standardError + 1e-12 * Math.abs(exact);
}

export interface Group {
  pd: number;
  /** Payout in lattice steps. */
  m: number;
  count: number;
}

function binomialPmf(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1);
  if (p <= 0) {
    out[0] = 1;
    return out;
  }
  if (p >= 1) {
    out[n] = 1;
    return out;
  }
  // from the mode outwards by the ratio of successive terms, then normalised
  const mode = Math.floor((n + 1) * p);
  out[mode] = 1;
  for (let k = mode; k < n; k++) out[k + 1] = (out[k]! * (n - k) * p) / ((k + 1) * (1 - p));
  for (let k = mode; k > 0; k--) out[k - 1] = (out[k]! * k * (1 - p)) / ((n - k + 1) * p);
  let s = 0;
  for (const x of out) s += x;
  for (let k = 0; k <= n; k++) out[k]! /= s;
  return out;
}

/**
 * P(L = k·step) for the one-factor mixture of the groups (same ρ for all), computed apart from the
 * engines: a trapezoid over the normal factor (step 0.01 on [−9, 9], accurate far below 1e-12 for
 * these smooth integrands) with the exact convolution of one binomial per group at each node.
 */
export function oneFactorExact(groups: readonly Group[], rho: number): Float64Array {
  const top = groups.reduce((s, g) => s + g.m * g.count, 0);
  const out = new Float64Array(top + 1);
  const h = 0.01;
  for (let i = 0; i <= 1800; i++) {
    const z = -9 + i * h;
    const w = ((i === 0 || i === 1800 ? 0.5 : 1) * h * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
    let dist = new Float64Array([1]);
    for (const g of groups) {
      const p = rho === 0 ? g.pd : normalCdf((normalInv(g.pd) - Math.sqrt(rho) * z) / Math.sqrt(1 - rho));
      const b = binomialPmf(g.count, p);
      const next = new Float64Array(dist.length + g.m * g.count);
      for (let a = 0; a < dist.length; a++) {
        if (dist[a] === 0) continue;
        for (let k = 0; k <= g.count; k++) next[a + k * g.m]! += dist[a]! * b[k]!;
      }
      dist = next;
    }
    for (let k = 0; k < dist.length; k++) out[k]! += w * dist[k]!;
  }
  let s = 0;
  for (const x of out) s += x;
  for (let k = 0; k < out.length; k++) out[k]! /= s;
  return out;
}
