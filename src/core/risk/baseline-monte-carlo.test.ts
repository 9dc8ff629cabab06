import { describe, expect, it } from 'vitest';
import { book, exceedanceOf, within } from './books.fixture';
import { simulateBaseline } from './baseline-monte-carlo';
import { measuresOf } from './distribution';
import { yearLosses } from './monte-carlo';
import { asFiledVariant, expectedLoss } from './portfolio';
import { tailProbability, weightedMean } from './statistics';
import { vasicekFinite } from './vasicek';

/** The benchmark's baseline samples the same model as the simulator: checked against the exact one-factor distribution. */
describe('the textbook conditional-PD Monte Carlo (the baseline)', () => {
  const slices = [
    { grade: 'A', sector: 'software', count: 60, exposureYuan: (i: number) => 100_000 * (1 + (i % 3)) },
    { grade: 'B', sector: 'software', count: 40, exposureYuan: (i: number) => 250_000 * (1 + (i % 2)) },
    { grade: 'C', sector: 'equipment', count: 20, exposureYuan: (i: number) => 100_000 * (1 + (i % 5)) },
  ];
  const pd = { A: 0.01, B: 0.03, C: 0.08 };

  for (const [rho, shift] of [
    [0, 0],
    [0.2, 0],
    [0.2, -2],
  ] as const) {
    it(`matches the exact distribution's EL and tail within 4 standard errors (ρ ${rho}, shift ${shift})`, () => {
      const p = book(slices, pd);
      const d = vasicekFinite(p, { rho });
      expect(d.split!.loans).toBe(0); // the payouts' common divisor fits: the lattice is exact
      const exact = measuresOf(d);
      const spec = { factors: { rho }, seed: 3, scenarios: 20_000, years: 1, shift };
      const block = simulateBaseline(p, spec, 0, spec.scenarios);
      const l = yearLosses(block, 0);
      expect(within(weightedMean(l, block.weights), expectedLoss(p, 0))).toBe(true);
      for (const t of exact.tail) {
        const est = tailProbability(l, block.weights, t.valueAtRisk);
        expect(within(est, exceedanceOf(d.pmf, d.unit, t.valueAtRisk))).toBe(true);
      }
    });
  }

  it('charges every variant the same defaults (a 50% variant is exactly 1.25 × the 40% one)', () => {
    const p = book(slices, pd, [asFiledVariant('40%'), asFiledVariant('50%', { ratioBp: 5000 })]);
    const spec = { factors: { rho: 0.15, sectorCorrelation: 0.4 }, seed: 8, scenarios: 2_000, years: 2, shift: 0 };
    const block = simulateBaseline(p, spec, 0, spec.scenarios);
    for (let y = 0; y < 2; y++) {
      const a = yearLosses(block, 0, y);
      const b = yearLosses(block, 1, y);
      for (let s = 0; s < a.length; s++) expect(b[s]).toBe(a[s]! * 1.25);
    }
  });
});
