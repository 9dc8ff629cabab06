import { describe, expect, it } from 'vitest';
import { book, exceedanceOf, poissonBinomial } from './books.fixture';
import { creditRiskPlus } from './creditrisk-plus';
import { measuresOf } from './distribution';
import { normalCdf, normalInv } from './normal';
import { Rng } from './random';
import { vasicekFinite, vasicekLargePortfolio } from './vasicek';
import { yearLosses, simulateScenarios } from './monte-carlo';
import { tailProbability } from './statistics';

const mixed = () =>
  book(
    [
      { grade: 'A', sector: 'software', count: 60, exposureYuan: (i) => 100_000 * (1 + (i % 3)) },
      { grade: 'B', sector: 'software', count: 40, exposureYuan: (i) => 250_000 * (1 + (i % 2)) },
      { grade: 'B', sector: 'equipment', count: 50, exposureYuan: () => 500_000 },
      { grade: 'C', sector: 'equipment', count: 20, exposureYuan: (i) => 100_000 * (1 + (i % 5)) },
    ],
    { A: 0.01, B: 0.03, C: 0.08 },
  );

describe('Vasicek finite portfolio (binomial integrated over the factor)', () => {
  it('with zero correlation is the exact Poisson-binomial distribution', () => {
    const p = mixed();
    const d = vasicekFinite(p, { rho: 0 });
    const exact = poissonBinomial(p, d.unit);
    for (let k = 0; k < exact.length; k++) expect(Math.abs((d.pmf[k] ?? 0) - exact[k]!)).toBeLessThan(1e-12);
  });

  it('tends to the large-portfolio formula as the book grows', () => {
    const p = book([{ grade: 'A', sector: 's', count: 20_000, exposureYuan: () => 1_000_000 }], { A: 0.01 });
    const lp = vasicekLargePortfolio(p, { rho: 0.12 });
    const finite = measuresOf(vasicekFinite(p, { rho: 0.12 }, 0, { nodes: 160 }));
    expect(finite.expectedLoss / lp.expectedLoss).toBeCloseTo(1, 6);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(finite.tail[i]!.valueAtRisk / lp.tail[i]!.valueAtRisk - 1)).toBeLessThan(0.01);
      expect(Math.abs(finite.tail[i]!.expectedShortfall / lp.tail[i]!.expectedShortfall - 1)).toBeLessThan(0.01);
    }
    // and the gap shrinks: a 20× smaller book is further away from the limit
    const small = book([{ grade: 'A', sector: 's', count: 1_000, exposureYuan: () => 1_000_000 }], { A: 0.01 });
    const gapSmall = Math.abs(
      measuresOf(vasicekFinite(small, { rho: 0.12 })).tail[1]!.valueAtRisk /
        vasicekLargePortfolio(small, { rho: 0.12 }).tail[1]!.valueAtRisk -
        1,
    );
    expect(gapSmall).toBeGreaterThan(Math.abs(finite.tail[1]!.valueAtRisk / lp.tail[1]!.valueAtRisk - 1));
  });

  it('large-portfolio VaR is the loss at the factor quantile', () => {
    const p = book([{ grade: 'A', sector: 's', count: 10, exposureYuan: () => 1_000_000 }], { A: 0.02 });
    const lp = vasicekLargePortfolio(p, { rho: 0.2 });
    // Basel's formula: Φ((Φ⁻¹(PD) + √ρ Φ⁻¹(α)) / √(1−ρ)) × exposure at default
    for (const t of lp.tail) {
      const basel = normalCdf((normalInv(0.02) + Math.sqrt(0.2) * normalInv(t.level)) / Math.sqrt(0.8));
      expect(t.valueAtRisk / (10 * 400_000 * 100)).toBeCloseTo(basel, 12);
      expect(t.expectedShortfall).toBeGreaterThan(t.valueAtRisk);
    }
  });
});

describe('finite one-factor Monte Carlo', () => {
  it('agrees with the numerical integration within its confidence interval, plain and with importance sampling', () => {
    const p = mixed();
    const factors = { rho: 0.2 };
    const d = vasicekFinite(p, factors);
    const exact = measuresOf(d);
    const plain = simulateScenarios(p, { factors, seed: 11, scenarios: 20_000, years: 1, shift: 0 }, 0, 20_000);
    const shifted = simulateScenarios(p, { factors, seed: 12, scenarios: 20_000, years: 1, shift: -2 }, 0, 20_000);
    for (const [block, levels] of [
      [plain, [0, 1]],
      [shifted, [1, 2]],
    ] as const) {
      const l = yearLosses(block, 0);
      for (const i of levels) {
        const x = exact.tail[i]!.valueAtRisk;
        const est = tailProbability(l, block.weights, x);
        expect(Math.abs(est.value - exceedanceOf(d.pmf, d.unit, x))).toBeLessThanOrEqual(4 * est.standardError);
      }
    }
  });

  it('with zero correlation matches the exact Poisson-binomial tail', () => {
    const p = mixed();
    const unit = vasicekFinite(p, { rho: 0 }).unit;
    const exact = poissonBinomial(p, unit);
    const block = simulateScenarios(
      p,
      { factors: { rho: 0 }, seed: 5, scenarios: 20_000, years: 1, shift: 0 },
      0,
      20_000,
    );
    const l = yearLosses(block, 0);
    for (const q of [0.5, 0.9, 0.99]) {
      let cdf = 0,
        k = 0;
      for (; cdf + exact[k]! < q; k++) cdf += exact[k]!;
      const est = tailProbability(l, block.weights, k * unit);
      expect(Math.abs(est.value - exceedanceOf(exact, unit, k * unit))).toBeLessThanOrEqual(4 * est.standardError);
    }
  });

  it('of a large book reaches the Vasicek quantiles', () => {
    const p = book([{ grade: 'A', sector: 's', count: 100_000, exposureYuan: () => 500_000 }], { A: 0.01 });
    const lp = vasicekLargePortfolio(p, { rho: 0.12 });
    const block = simulateScenarios(
      p,
      { factors: { rho: 0.12 }, seed: 3, scenarios: 4_000, years: 1, shift: -1.5 },
      0,
      4_000,
    );
    const l = yearLosses(block, 0);
    for (const t of lp.tail) {
      const est = tailProbability(l, block.weights, t.valueAtRisk);
      // the granularity of 100,000 loans moves the quantile by well under 1%; allow 4 SE plus that
      const slack = tailProbability(l, block.weights, t.valueAtRisk * 1.01).value;
      expect(est.value).toBeLessThanOrEqual(1 - t.level + 4 * est.standardError + (est.value - slack));
      expect(est.value).toBeGreaterThanOrEqual(1 - t.level - 4 * est.standardError);
    }
  });
});

describe('CreditRisk+ by FFT', () => {
  it('agrees with a Monte Carlo of its own model (gamma sector factors, Poisson defaults)', () => {
    const p = mixed();
    const model = { sectorVariance: 0.8, varianceBySector: { software: 1.5 } };
    const d = creditRiskPlus(p, model);
    const m = measuresOf(d);
    // Monte Carlo of the same model: Γ_k ~ Gamma(1/σ², σ²), N_i ~ Poisson(PD_i Γ_k), loss = Σ N_i × payout_i
    const rng = new Rng(99, 0);
    const n = 40_000;
    const losses = new Float64Array(n);
    const sigma2 = p.sectors.map((s) => (s === 'software' ? 1.5 : 0.8));
    for (let s = 0; s < n; s++) {
      const g = sigma2.map((v) => rng.gamma(1 / v) * v);
      let loss = 0;
      for (const c of p.cells)
        for (let i = c.start; i < c.start + c.count; i++) loss += rng.poisson(c.pd * g[c.sector]!) * p.payouts[i]!;
      losses[s] = loss;
    }
    const ones = new Float64Array(n).fill(1);
    let mean = 0;
    for (const x of losses) mean += x / n;
    for (const t of m.tail.slice(0, 2)) {
      const est = tailProbability(losses, ones, t.valueAtRisk);
      expect(Math.abs(est.value - exceedanceOf(d.pmf, d.unit, t.valueAtRisk))).toBeLessThanOrEqual(
        4 * est.standardError,
      );
    }
    let sd = 0;
    for (const x of losses) sd += (x - mean) ** 2 / n;
    expect(Math.abs(mean - m.expectedLoss)).toBeLessThanOrEqual(4 * Math.sqrt(sd / n));
  });

  it('with no sector variance is the compound Poisson with the exact expected loss', () => {
    const p = mixed();
    const d = creditRiskPlus(p, { sectorVariance: 0 });
    let el = 0;
    for (const c of p.cells) for (let i = c.start; i < c.start + c.count; i++) el += c.pd * p.payouts[i]!;
    expect(measuresOf(d).expectedLoss / el).toBeCloseTo(1, 9);
    let total = 0;
    for (const x of d.pmf) total += x;
    expect(total).toBeCloseTo(1, 9);
  });
});
