import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { book, loansOf, terms40, type Slice } from './books.fixture';
import { measuresOf } from './distribution';
import { mergeBlocks, simulateScenarios, yearLosses, type MonteCarloSpec } from './monte-carlo';
import { asFiledVariant, buildPortfolio, expectedLoss } from './portfolio';
import { buildReport } from './report';
import { tailMeasures, weightedMean } from './statistics';
import { creditRiskPlus } from './creditrisk-plus';
import { vasicekLargePortfolio } from './vasicek';

const slices: Slice[] = [
  { grade: 'A', sector: 'ic-design', count: 80, exposureYuan: (i) => 200_000 + 13_000 * i },
  { grade: 'B', sector: 'biomedicine', count: 60, exposureYuan: (i) => 3_000_000 - 17_000 * i },
  { grade: 'B', sector: 'ic-design', count: 30, exposureYuan: () => 8_000_000 },
];
const pds = { A: 0.015, B: 0.05 };
const spec = (seed: number, scenarios = 4_000, shift = 0): MonteCarloSpec => ({
  factors: { rho: 0.18, sectorCorrelation: shift === 0 ? 0.6 : 1 },
  seed,
  scenarios,
  years: 1,
  shift,
});
const cap = 30_000_000n * 100n;

describe('what-if between policy variants', () => {
  it('raising the ratio 40% → 50% with no binding cap scales every figure by exactly 1.25', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.array(fc.integer({ min: 1, max: 3_000_000 }), { minLength: 1, maxLength: 40 }),
        (seed, exposures) => {
          const loans = loansOf([
            { grade: 'A', sector: 's', count: exposures.length, exposureYuan: (i) => exposures[i]! },
            ...slices,
          ]);
          const p = buildPortfolio({
            loans,
            pdByGrade: pds,
            variants: [
              asFiledVariant('40%', { capPerLoan: cap }),
              asFiledVariant('50%', { ratioBp: 5000, capPerLoan: cap }),
            ],
          });
          const s = spec(seed, 300, seed % 2 ? -1 : 0);
          const b = simulateScenarios(p, s, 0, s.scenarios);
          const [l40, l50] = [yearLosses(b, 0), yearLosses(b, 1)];
          l40.forEach((x, i) => expect(l50[i]).toBe(1.25 * x));
          expect(expectedLoss(p, 1) / expectedLoss(p, 0)).toBeCloseTo(1.25, 12);
          expect(weightedMean(l50, b.weights).value / weightedMean(l40, b.weights).value).toBeCloseTo(1.25, 12);
          const [t40, t50] = [tailMeasures(l40, b.weights), tailMeasures(l50, b.weights)];
          t40.forEach((t, i) => {
            expect(t50[i]!.valueAtRisk).toBe(1.25 * t.valueAtRisk);
            expect(t50[i]!.expectedShortfall / t.expectedShortfall).toBeCloseTo(1.25, 12);
          });
          const [v40, v50] = [vasicekLargePortfolio(p, { rho: 0.18 }, 0), vasicekLargePortfolio(p, { rho: 0.18 }, 1)];
          v40.tail.forEach((t, i) =>
            expect(v50.tail[i]!.expectedShortfall / t.expectedShortfall).toBeCloseTo(1.25, 12),
          );
        },
      ),
      { numRuns: 15 },
    );
  });

  it('a cap above every payout changes nothing; a binding one lowers the tail', () => {
    const loans = loansOf(slices);
    const variants = [
      asFiledVariant('none'),
      asFiledVariant('cap-above', { capPerLoan: 3_200_001n * 100n }),
      asFiledVariant('cap-1m', { capPerLoan: 1_000_000n * 100n }),
    ];
    const p = buildPortfolio({ loans, pdByGrade: pds, variants });
    const b = simulateScenarios(p, spec(4), 0, 4_000);
    expect(yearLosses(b, 1)).toEqual(yearLosses(b, 0));
    expect(vasicekLargePortfolio(p, { rho: 0.18 }, 1)).toEqual(vasicekLargePortfolio(p, { rho: 0.18 }, 0));
    expect(measuresOf(creditRiskPlus(p, { sectorVariance: 1 }, 1))).toEqual(
      measuresOf(creditRiskPlus(p, { sectorVariance: 1 }, 0)),
    );
    expect(tailMeasures(yearLosses(b, 2), b.weights)[1]!.valueAtRisk).toBeLessThan(
      tailMeasures(yearLosses(b, 0), b.weights)[1]!.valueAtRisk,
    );
  });

  it('doubling the book doubles the expected loss', () => {
    const once = book(slices, pds);
    const twice = book([...slices, ...slices], pds);
    expect(expectedLoss(twice, 0)).toBe(2 * expectedLoss(once, 0));
    expect(
      vasicekLargePortfolio(twice, { rho: 0.2 }).tail[2]!.valueAtRisk /
        vasicekLargePortfolio(once, { rho: 0.2 }).tail[2]!.valueAtRisk,
    ).toBeCloseTo(2, 12);
    const b = simulateScenarios(twice, spec(8, 10_000), 0, 10_000);
    const est = weightedMean(yearLosses(b, 0), b.weights);
    expect(Math.abs(est.value - 2 * expectedLoss(once, 0))).toBeLessThanOrEqual(4 * est.standardError);
  });

  it('the same seed gives the same result, whatever the split of scenarios', () => {
    const p = book(slices, pds);
    const whole = simulateScenarios(p, spec(21), 0, 4_000);
    expect(simulateScenarios(p, spec(21), 0, 4_000)).toEqual(whole);
    const parts = [
      [2_500, 4_000],
      [0, 1_000],
      [1_000, 2_500],
    ].map(([f, t]) => simulateScenarios(p, spec(21), f!, t!));
    expect(mergeBlocks(parts)).toEqual(whole);
    expect(simulateScenarios(p, spec(22), 0, 4_000).losses).not.toEqual(whole.losses);
    // one variant or several: the same defaults (the single-variant fast path draws the same numbers)
    const two = buildPortfolio({
      loans: loansOf(slices),
      pdByGrade: pds,
      variants: [asFiledVariant(), asFiledVariant('50%', { ratioBp: 5000 })],
    });
    expect(yearLosses(simulateScenarios(two, spec(21), 0, 4_000), 0)).toEqual(yearLosses(whole, 0));
  });

  it('reports money as yuan strings and the what-if table side by side', () => {
    const p = buildPortfolio({
      loans: loansOf(slices),
      pdByGrade: pds,
      variants: [asFiledVariant('40%'), asFiledVariant('50%', { ratioBp: 5000 })],
    });
    const s = spec(1, 2_000, -1);
    const r = buildReport({
      portfolio: p,
      spec: s,
      block: simulateScenarios(p, s, 0, s.scenarios),
      fund: { cash: 1e9 },
      creditRiskPlus: { sectorVariance: 1 },
    });
    expect(r.whatIf.map((row) => row.values.length)).toEqual(r.whatIf.map(() => 2));
    expect(r.variants[0]!.expectedLoss.exact).toMatch(/^\d+\.\d\d$/);
    expect(Number(r.variants[1]!.expectedLoss.exact) / Number(r.variants[0]!.expectedLoss.exact)).toBeCloseTo(1.25, 8);
    expect(Object.keys(r.variants[0]!.tail[0]!.valueAtRisk)).toEqual([
      'monteCarlo',
      'vasicekLargePortfolio',
      'vasicekFinite',
      'creditRiskPlus',
    ]);
    expect(r.portfolio.reduce((n, row) => n + row.loans, 0)).toBe(170);
  });
});

describe('loan terms', () => {
  it("every payout is the policy engine's compensation of the exposure", () => {
    const p = book(slices, pds);
    for (let i = 0; i < p.loanCount; i++)
      expect(p.payouts[i]).toBe(Math.round((p.exposure[i]! * terms40.ratioBp) / 10_000));
  });
});
