import { describe, expect, it } from 'vitest';
import { asFiledVariant } from './portfolio';
import { book } from './books.fixture';
import { sectorRho, type FactorModel } from './factors';
import { simulateScenarios, type MonteCarloSpec } from './monte-carlo';
import { normalCdf, normalInv } from './normal';
import type { Portfolio } from './portfolio';
import { Rng } from './random';

/**
 * The simulator as it reads in the model: every cell's conditional PD by Φ, then the geometric
 * skip, with no shortcut. The simulator proves most cells default-free without Φ (a table bound
 * on the first gap); it must give the same numbers, draw for draw.
 */
function reference(p: Portfolio, spec: MonteCarloSpec): Float64Array {
  const V = p.variants.length;
  const rho = sectorRho(p, spec.factors);
  const c = spec.factors.sectorCorrelation ?? 1;
  const out = new Float64Array(spec.scenarios * spec.years * V);
  const factor = new Float64Array(p.sectors.length);
  for (let s = 0; s < spec.scenarios; s++) {
    const rng = new Rng(spec.seed, s);
    for (let y = 0; y < spec.years; y++) {
      const z = rng.normal() + spec.shift;
      for (let k = 0; k < factor.length; k++)
        factor[k] = c === 1 ? z : Math.sqrt(c) * z + Math.sqrt(1 - c) * rng.normal();
      const at = (s * spec.years + y) * V;
      for (const cell of p.cells) {
        const a = Math.sqrt(rho[cell.sector]!);
        const q =
          cell.pd <= 0
            ? 0
            : cell.pd >= 1
              ? 1
              : a === 0
                ? cell.pd
                : normalCdf((normalInv(cell.pd) - a * factor[cell.sector]!) / Math.sqrt(1 - rho[cell.sector]!));
        if (q <= 0) continue;
        if (q >= 1) {
          for (let i = cell.start; i < cell.start + cell.count; i++)
            for (let v = 0; v < V; v++) out[at + v]! += p.payouts[i * V + v]!;
          continue;
        }
        const inv = -1 / Math.log1p(-q);
        let i = Math.floor(rng.exponential() * inv);
        while (i < cell.count) {
          for (let v = 0; v < V; v++) out[at + v]! += p.payouts[(cell.start + i) * V + v]!;
          i += 1 + Math.floor(rng.exponential() * inv);
        }
      }
    }
  }
  return out;
}

describe('the Monte Carlo kernel', () => {
  const slices = [
    { grade: 'A', sector: 's1', count: 7, exposureYuan: (i: number) => 100_000 + i * 1_000 },
    { grade: 'B', sector: 's1', count: 400, exposureYuan: (i: number) => 50_000 + i * 10 },
    { grade: 'C', sector: 's2', count: 12, exposureYuan: () => 2_000_000 },
    { grade: 'D', sector: 's3', count: 3, exposureYuan: () => 700_000 },
    { grade: 'E', sector: 's2', count: 5, exposureYuan: () => 300_000 },
    { grade: 'F', sector: 's3', count: 9, exposureYuan: () => 300_000 },
  ];
  const pd = { A: 0.004, B: 0.02, C: 0.3, D: 1e-7, E: 0, F: 1 };
  const models: FactorModel[] = [
    { rho: 0.15 },
    { rho: 0.2, sectorCorrelation: 0.3 },
    { rho: 0 },
    { rho: 0.99 },
    { rho: 0.3, rhoBySector: { s2: 0 } },
  ];

  it('gives exactly the numbers of the plain model (every conditional PD by Φ), one and several variants', () => {
    for (const variants of [[asFiledVariant()], [asFiledVariant('40%'), asFiledVariant('50%', { ratioBp: 5000 })]]) {
      const p = book(slices, pd, variants);
      for (const factors of models) {
        for (const [years, shift] of [
          [1, 0],
          [2, -3],
          [1, 5],
        ] as const) {
          const spec: MonteCarloSpec = { factors, seed: 9, scenarios: 2_000, years, shift };
          expect(simulateScenarios(p, spec, 0, spec.scenarios).losses).toEqual(reference(p, spec));
        }
      }
    }
  });
});
