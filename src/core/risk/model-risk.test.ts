import { describe, expect, it } from 'vitest';
import { book, within } from './books.fixture';
import { riskContributions } from './contributions';
import { pdPosteriors, posteriorMeanPd, type PdPosterior } from './model-risk';
import { simulateScenarios, yearLosses, type MonteCarloSpec } from './monte-carlo';
import { expectedLoss, payoutTotal, type Portfolio } from './portfolio';
import { Rng } from './random';
import { tailConfidence, weightedMean } from './statistics';

const run = (p: Portfolio, spec: MonteCarloSpec) => {
  const b = simulateScenarios(p, spec, 0, spec.scenarios);
  const l = yearLosses(b, 0);
  return { block: b, losses: l, mean: weightedMean(l, b.weights) };
};
const spec = (over: Partial<MonteCarloSpec> = {}): MonteCarloSpec => ({
  factors: { rho: 0.15 },
  seed: 11,
  scenarios: 20_000,
  years: 1,
  shift: 0,
  ...over,
});
// many small loans: 4,000 of 100,000 yuan in two grades and two sectors
const many = book(
  [
    { grade: 'A', sector: 's1', count: 2000, exposureYuan: () => 100_000 },
    { grade: 'B', sector: 's2', count: 2000, exposureYuan: () => 100_000 },
  ],
  { A: 0.01, B: 0.03 },
);

describe('the Student-t copula', () => {
  it("keeps each loan's PD: the simulated EL is Σ PD·payout within 4 standard errors", () => {
    for (const nu of [3, 10]) {
      const { mean } = run(many, spec({ copula: { kind: 't', nu } }));
      expect(within(mean, expectedLoss(many, 0))).toBe(true);
    }
  });

  it('at ρ = 0 still clusters defaults: its 99.9% VaR is above the Gaussian (independent) one beyond both 95% intervals', () => {
    const s = spec({ factors: { rho: 0 } });
    const g = tailConfidence(run(many, s).losses, new Float64Array(s.scenarios).fill(1), [0.999])[0]!;
    const t = tailConfidence(
      run(many, { ...s, copula: { kind: 't', nu: 5 } }).losses,
      new Float64Array(s.scenarios).fill(1),
      [0.999],
    )[0]!;
    expect(t.valueAtRiskInterval.lower).toBeGreaterThan(g.valueAtRiskInterval.upper);
  });

  it('converges to the Gaussian as ν grows: the VaR gap shrinks and at ν = 1000 lies within the runs’ 95% intervals', () => {
    const ones = new Float64Array(spec().scenarios).fill(1);
    const level = 0.99;
    const g = tailConfidence(run(many, spec()).losses, ones, [level])[0]!;
    const gaps = [4, 30, 1000].map((nu) => {
      const t = tailConfidence(run(many, spec({ copula: { kind: 't', nu } })).losses, ones, [level])[0]!;
      return { t, gap: t.valueAtRisk - g.valueAtRisk };
    });
    expect(gaps[0]!.gap).toBeGreaterThan(gaps[1]!.gap);
    // ν = 30 is still visibly heavier than the Gaussian (beyond both intervals), ν = 1000 no longer
    expect(gaps[1]!.t.valueAtRiskInterval.lower).toBeGreaterThan(g.valueAtRiskInterval.upper);
    const last = gaps[2]!.t;
    // the two runs' intervals overlap: no difference the sampling cannot explain
    expect(last.valueAtRiskInterval.lower).toBeLessThanOrEqual(g.valueAtRiskInterval.upper);
    expect(last.valueAtRiskInterval.upper).toBeGreaterThanOrEqual(g.valueAtRiskInterval.lower);
  });

  it('replays to the same defaults in the risk contributions (which check every replayed loss)', () => {
    const s = spec({ scenarios: 3000, copula: { kind: 't', nu: 4 }, factors: { rho: 0.1, sectorCorrelation: 0.5 } });
    const { block } = run(many, s);
    const c = riskContributions(many, s, block, 0, 0.99);
    const sum = c.expectedShortfallByLoan.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - c.expectedShortfall)).toBeLessThanOrEqual(1e-9 * c.expectedShortfall);
  });
});

describe("the PD's uncertainty", () => {
  // little history: grade A 1 default in 20 loan-years, grade B 0 in 8
  const thin: PdPosterior[] = [
    { shape: 1.5, rate: 20 },
    { shape: 0.5, rate: 8 },
  ];
  const point = (g: PdPosterior) => -Math.expm1(-g.shape / g.rate);
  const small = book(
    [
      { grade: 'A', sector: 's1', count: 300, exposureYuan: (i) => 50_000 + 1000 * (i % 7) },
      { grade: 'B', sector: 's1', count: 200, exposureYuan: () => 80_000 },
    ],
    { A: point(thin[0]!), B: point(thin[1]!) },
  );

  it('has the posterior mean PD 1 − (T/(T+1))^{D+½}: a sample of the draws agrees within 4 standard errors', () => {
    const rng = new Rng(3, 0);
    for (const g of thin) {
      const xs = Float64Array.from({ length: 100_000 }, () => -Math.expm1(-rng.gamma(g.shape) / g.rate));
      expect(within(weightedMean(xs, new Float64Array(xs.length).fill(1)), posteriorMeanPd(g))).toBe(true);
      expect(posteriorMeanPd(g)).toBeLessThan(point(g)); // Jensen: below the point estimate
    }
  });

  it('keeps the EL at the posterior-mean EL (within 4 standard errors) and widens the tail: VaR 99% above the fixed-PD run beyond both intervals', () => {
    const s = spec({ scenarios: 20_000 });
    const ones = new Float64Array(s.scenarios).fill(1);
    const off = run(small, s);
    const on = run(small, { ...s, pdPosterior: thin });
    const meanEl = small.cells.reduce(
      (sum, c) => sum + posteriorMeanPd(thin[c.grade]!) * payoutTotal(small, 0, c.start, c.count),
      0,
    );
    expect(within(on.mean, meanEl)).toBe(true);
    const [a] = tailConfidence(off.losses, ones, [0.99]);
    const [b] = tailConfidence(on.losses, ones, [0.99]);
    expect(b!.valueAtRiskInterval.lower).toBeGreaterThan(a!.valueAtRiskInterval.upper);
  });

  it('comes from the history estimates only: grades with the manager’s PD stay fixed', () => {
    const post = pdPosteriors(small, [
      { grade: 'A', pd: 0.07, source: 'history', history: { loans: 30, defaults: 1, loanYears: 20 } },
      { grade: 'B', pd: 0.02, source: 'manager', managerPd: 0.02 },
    ]);
    expect(post).toEqual([{ shape: 1.5, rate: 20 }, null]);
  });

  it('replays in the risk contributions with the t copula too', () => {
    const s = spec({ scenarios: 2000, pdPosterior: thin, copula: { kind: 't', nu: 6 } });
    const { block } = run(small, s);
    expect(() => riskContributions(small, s, block, 0, 0.99)).not.toThrow();
  });
});
