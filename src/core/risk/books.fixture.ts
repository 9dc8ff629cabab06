/** Small books for the risk tests: loans with filed terms (ratio, whole-yuan exposures) and exact reference distributions. */
import type { CompensationTerms } from '../policy';
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
