/**
 * The finite one-factor engine against the exact one-factor mixture, on books whose payouts do
 * not fit the engine's lattice. The exact distribution is computed by the test fixture, apart from the engines: over a
 * fine trapezoid grid of the normal factor (step 0.01 on [−9, 9]; the trapezoid rule on a smooth
 * integrand against the normal density is accurate far below 1e-12 at that step), the loss given
 * the factor is the exact convolution of one binomial per (PD, payout) group on the payouts' own
 * common lattice (15,000 or 10,000 yuan).
 */
import { describe, expect, it } from 'vitest';
import type { CompensationTerms } from '../policy';
import { loansOf, oneFactorExact, type Group, type Slice } from './books.fixture';
import { latticeBounds, measuresOf } from './distribution';
import { asFiledVariant, buildPortfolio, expectedLoss, type Portfolio } from './portfolio';
import { buildReport } from './report';
import { simulateScenarios } from './monte-carlo';
import { vasicekFinite } from './vasicek';

const terms = (ratioBp: number): CompensationTerms => ({
  ratioBp,
  rounding: 'half-up',
  parties: [{ party: 'bank', shareBp: 10_000 }],
});

const issueBook = () =>
  buildPortfolio({
    loans: loansOf(
      [
        { grade: 'A', sector: 's', count: 490, exposureYuan: () => 50_000 },
        { grade: 'B', sector: 's', count: 10, exposureYuan: () => 10_000_000 },
      ],
      terms(3000),
    ),
    variants: [asFiledVariant()],
    pdByGrade: { A: 0.08, B: 0.01 },
  });
// payouts 15,000 and 3,000,000 yuan: lattice steps of 15,000 yuan
const issueGroups: Group[] = [
  { pd: 0.08, m: 1, count: 490 },
  { pd: 0.01, m: 200, count: 10 },
];
const ISSUE_STEP = 1_500_000; // fen

// payouts 40% of 25,000·k yuan = 10,000·k yuan, k = 3, 7, 13, 31, 170
const mixedSlices: (Slice & { pd: number; k: number })[] = [
  { grade: 'A', sector: 's', count: 100, k: 3, pd: 0.02, exposureYuan: () => 75_000 },
  { grade: 'B', sector: 's', count: 60, k: 7, pd: 0.05, exposureYuan: () => 175_000 },
  { grade: 'A', sector: 's', count: 40, k: 13, pd: 0.02, exposureYuan: () => 325_000 },
  { grade: 'B', sector: 's', count: 20, k: 31, pd: 0.05, exposureYuan: () => 775_000 },
  { grade: 'C', sector: 's', count: 5, k: 170, pd: 0.01, exposureYuan: () => 4_250_000 },
];
const mixedBook = () =>
  buildPortfolio({
    loans: loansOf(mixedSlices, terms(4000)),
    variants: [asFiledVariant()],
    pdByGrade: { A: 0.02, B: 0.05, C: 0.01 },
  });
const mixedGroups: Group[] = mixedSlices.map((s) => ({ pd: s.pd, m: s.k, count: s.count }));
const MIXED_STEP = 1_000_000; // fen

const LEVELS = [0.95, 0.99, 0.999];

/** VaR and ES of an exact lattice pmf (fen). */
function exactMeasures(pmf: Float64Array, step: number) {
  return measuresOf({ unit: step, pmf }, LEVELS);
}

describe('vasicekFinite on books whose payouts do not fit its lattice', () => {
  const cases: [string, () => Portfolio, Group[], number][] = [
    ['the issue 19 book (490 × 15,000 at 8%, 10 × 3,000,000 at 1%)', issueBook, issueGroups, ISSUE_STEP],
    ['a book of five payouts (30,000 … 1,700,000 yuan)', mixedBook, mixedGroups, MIXED_STEP],
  ];
  for (const [name, make, groups, step] of cases) {
    for (const rho of [0, 0.05, 0.12, 0.3]) {
      it(`${name}, ρ ${rho}: exact EL, and the exact VaR and ES inside the stated bounds`, () => {
        const p = make();
        const exact = exactMeasures(oneFactorExact(groups, rho), step);
        let split = 0;
        for (const maxPoints of [256, 1024, 2048]) {
          const d = vasicekFinite(p, { rho }, 0, { maxPoints, nodes: 240 });
          if (step % d.unit !== 0) split++;
          expect(d.split!.loans > 0).toBe(step % d.unit !== 0);
          const m = measuresOf(d, LEVELS);
          // the split keeps the expected loss: what remains is the FFT's round-off and the
          // factor quadrature's error (both far below 1e-9 here; it was 2e-7–5e-7 from aliasing
          // before the lattice made room for the tail and for split payouts rounding up)
          expect(Math.abs(m.expectedLoss / expectedLoss(p, 0) - 1)).toBeLessThan(1e-9);
          const bounds = latticeBounds(d, LEVELS);
          for (let i = 0; i < LEVELS.length; i++) {
            const b = bounds[i]!;
            const v = exact.tail[i]!.valueAtRisk;
            const es = exact.tail[i]!.expectedShortfall;
            expect(v).toBeGreaterThanOrEqual(b.valueAtRisk[0]);
            expect(v).toBeLessThanOrEqual(b.valueAtRisk[1]);
            // ES: the bound's own interval, widened by the factor quadrature's error (Simpson, 240
            // intervals on [−8.5, 8.5]: far below 1e-6 of the figure)
            expect(es).toBeGreaterThanOrEqual(b.expectedShortfall[0] - 1e-6 * es);
            expect(es).toBeLessThanOrEqual(b.expectedShortfall[1] + 1e-6 * es);
          }
        }
        // at least one of the lattices does not divide the payouts, so loans were split
        expect(split).toBeGreaterThan(0);
      });
    }
  }

  it('on the issue 19 book as the report runs it: VaR 99% is the exact 5,160,000 yuan', () => {
    const p = issueBook();
    const exact = exactMeasures(oneFactorExact(issueGroups, 0.12), ISSUE_STEP);
    expect(exact.tail[1]!.valueAtRisk).toBe(516_000_000);
    const spec = { factors: { rho: 0.12 }, seed: 1, scenarios: 200, years: 1, shift: 0 };
    const r = buildReport({ portfolio: p, spec, block: simulateScenarios(p, spec, 0, 200), levels: LEVELS });
    const row = r.variants[0]!.tail[1]!;
    expect(row.valueAtRisk.vasicekFinite).toBe('5160000.00');
    expect(r.variants[0]!.finiteGrid).toEqual({ step: '15000.00', points: 4096, loansSplit: 0 });
    expect(row.errorBound!.vasicekFinite).toEqual({ valueAtRisk: '0.00', expectedShortfall: '0.00' });
  });
});
