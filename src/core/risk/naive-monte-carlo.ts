/**
 * The straightforward Monte Carlo the benchmark compares against: one normal draw per loan per
 * scenario (Marsaglia's polar method), the same copula and the same payouts. Only for the baseline.
 */
import { sectorRho, type FactorModel } from './factors';
import { normalInv } from './normal';
import type { Portfolio } from './portfolio';
import { Rng } from './random';

export function simulateNaive(
  p: Portfolio,
  factors: FactorModel,
  seed: number,
  scenarios: number,
  variant = 0,
): Float64Array {
  const rho = sectorRho(p, factors);
  const c = factors.sectorCorrelation ?? 1;
  const V = p.variants.length;
  const out = new Float64Array(scenarios);
  const factor = new Float64Array(p.sectors.length);
  for (let s = 0; s < scenarios; s++) {
    const rng = new Rng(seed ^ 0x5bd1e995, s);
    let spare = NaN;
    const normal = () => {
      if (!Number.isNaN(spare)) {
        const x = spare;
        spare = NaN;
        return x;
      }
      let u: number, v: number, q: number;
      do {
        u = 2 * rng.uniform() - 1;
        v = 2 * rng.uniform() - 1;
        q = u * u + v * v;
      } while (q >= 1 || q === 0);
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      spare = v * f;
      return u * f;
    };
    const z = normal();
    for (let k = 0; k < factor.length; k++) factor[k] = c === 1 ? z : Math.sqrt(c) * z + Math.sqrt(1 - c) * normal();
    let loss = 0;
    for (const cell of p.cells) {
      const a = Math.sqrt(rho[cell.sector]!);
      const b = Math.sqrt(1 - a * a);
      const thr = normalInv(cell.pd);
      const y = a * factor[cell.sector]!;
      for (let i = cell.start; i < cell.start + cell.count; i++)
        if (y + b * normal() < thr) loss += p.payouts[i * V + variant]!;
    }
    out[s] = loss;
  }
  return out;
}
