/**
 * Stress and reverse stress (stress.ts).
 *
 * Known answers: in the Vasicek large-portfolio limit a homogeneous book loses
 * L(z) = E·Φ((Φ⁻¹(m·pd) − √ρ·z)/√(1−ρ)) given the factor z, so P(L > c) = Φ((Φ⁻¹(m·pd) − √(1−ρ)·Φ⁻¹(c/E))/√ρ)
 * and the PD multiplier at which it reaches t is m* = Φ(√ρ·Φ⁻¹(t) + √(1−ρ)·Φ⁻¹(c/E)) / pd. The
 * solver works on a grid of `step`, so on this exact, increasing P its answer lies in [m*, m* + step].
 * The same holds for the correlation (a quadratic in √ρ). Against Monte Carlo the answer moves by
 * the simulated P's error: at most 4 standard errors of P divided by P's slope, plus one step.
 */
import { describe, expect, it } from 'vitest';
import { book } from './books.fixture';
import { exceedance, measuresOf } from './distribution';
import { simulateScenarios, type MonteCarloSpec } from './monte-carlo';
import { normalCdf, normalInv } from './normal';
import { expectedLoss, payoutTotal, type Portfolio } from './portfolio';
import {
  checkStress,
  exhaustionWithin,
  reverseStressStatement,
  solveReverseStress,
  solveTopUp,
  stressFactors,
  stressFigures,
  stressPortfolio,
  topUpStatement,
} from './stress';
import { vasicekFinite } from './vasicek';

const homogeneous = (count: number, pd = 0.02) =>
  book([{ grade: 'A', sector: 's', count, exposureYuan: () => 100_000 }], { A: pd });

/** P(L > c) in the large-portfolio limit for the (stressed) book's one cell. */
function largePortfolioExceedance(p: Portfolio, rho: number, cash: number): number {
  const cell = p.cells[0]!;
  const E = payoutTotal(p, 0, cell.start, cell.count);
  return normalCdf((normalInv(cell.pd) - Math.sqrt(1 - rho) * normalInv(cash / E)) / Math.sqrt(rho));
}

describe('stressing a portfolio', () => {
  const p = book(
    [
      { grade: 'A', sector: 'tech', count: 5, exposureYuan: () => 100_000 },
      { grade: 'A', sector: 'retail', count: 5, exposureYuan: () => 100_000 },
      { grade: 'B', sector: 'tech', count: 5, exposureYuan: () => 100_000 },
    ],
    { A: 0.02, B: 0.4 },
  );

  it('multiplies every PD, caps at 1, shocks one sector, and keeps the payouts', () => {
    const s = stressPortfolio(p, { pdMultiplier: 3, sectorShock: { sector: 'tech', pdMultiplier: 2 } });
    expect(s.payouts).toBe(p.payouts);
    const pdOf = (q: Portfolio, g: string, sec: string) =>
      q.cells.find((c) => q.grades[c.grade] === g && q.sectors[c.sector] === sec)!.pd;
    expect(pdOf(s, 'A', 'retail')).toBeCloseTo(0.06, 15);
    expect(pdOf(s, 'A', 'tech')).toBeCloseTo(0.12, 15);
    expect(pdOf(s, 'B', 'tech')).toBe(1);
    expect(pdOf(p, 'B', 'tech')).toBe(0.4); // the original is untouched
    // B's PD 0.4 × 3 is capped at 1 (B's loans are the last five in portfolio order)
    expect(expectedLoss(stressPortfolio(p, { pdMultiplier: 3 }), 0)).toBeCloseTo(
      3 * expectedLoss(p, 0) - 0.2 * payoutTotal(p, 0, 10, 5),
      6,
    );
  });

  it('overrides the correlation for every sector', () => {
    expect(stressFactors({ rho: 0.1, rhoBySector: { tech: 0.3 }, sectorCorrelation: 0.5 }, { rho: 0.25 })).toEqual({
      rho: 0.25,
      sectorCorrelation: 0.5,
    });
  });

  it('refuses a stress that names nothing, a bad multiplier, or a sector not in the book, naming the field', () => {
    expect(() => checkStress(p, { id: 'x' }, 'stress[0]')).toThrow(/^stress\[0\]: names no stress/);
    expect(() => checkStress(p, { id: 'x', pdMultiplier: 0 }, 'stress[1]')).toThrow(/^stress\[1\]\.pdMultiplier:/);
    expect(() => checkStress(p, { id: 'x', rho: 1 }, 'stress[0]')).toThrow(/^stress\[0\]\.rho:/);
    expect(() => checkStress(p, { id: 'x', sectorShock: { sector: 'mining', pdMultiplier: 2 } }, 'stress[2]')).toThrow(
      /^stress\[2\]\.sectorShock\.sector: the portfolio has no loans in sector mining/,
    );
  });

  it('stressed figures rise with the PD, on the same seed', () => {
    const q = homogeneous(200);
    const spec: MonteCarloSpec = { factors: { rho: 0.15 }, seed: 3, scenarios: 4000, years: 2, shift: 0 };
    const fund = { cash: 0.3 * payoutTotal(q, 0, 0, 200) };
    const at = (m: number) =>
      stressFigures({
        variants: q.variants,
        block: simulateScenarios(stressPortfolio(q, { pdMultiplier: m }), spec, 0, spec.scenarios),
        fund,
        levels: [0.99],
      })[0]!;
    const [a, b] = [at(1), at(2)];
    expect(Number(b.expectedLoss)).toBeGreaterThan(1.8 * Number(a.expectedLoss));
    expect(Number(b.tail[0]!.valueAtRisk)).toBeGreaterThan(Number(a.tail[0]!.valueAtRisk));
    expect(b.exhaustion[1]!.probability).toBeGreaterThan(a.exhaustion[1]!.probability);
    expect(a.exhaustion.map((e) => e.withinYears)).toEqual([1, 2]);
  });
});

describe('reverse stress against the Vasicek large-portfolio limit (closed form)', () => {
  const p = homogeneous(10);
  const E = payoutTotal(p, 0, 0, 10);
  const rho = 0.15;
  const cash = 0.15 * E; // 15% of the book's payouts; the PD is 2%: P(L > cash) is 0.23% at m = 1, 62% at m = 10
  const P = (m: number) => ({
    value: largePortfolioExceedance(stressPortfolio(p, { pdMultiplier: m }), rho, cash),
    standardError: 0,
  });

  it.each([0.01, 0.05, 0.2])(
    'finds the PD multiplier for a target of %s within one step above the exact one',
    async (target) => {
      const exact = normalCdf(Math.sqrt(rho) * normalInv(target) + Math.sqrt(1 - rho) * normalInv(cash / E)) / 0.02;
      const r = await solveReverseStress({
        spec: { target, years: 1, over: 'pd' },
        baseline: 1,
        variant: 'v',
        probability: P,
      });
      expect(r.status).toBe('found');
      expect(r.value!).toBeGreaterThanOrEqual(exact - 1e-9);
      expect(r.value!).toBeLessThanOrEqual(exact + r.step + 1e-9);
      expect(r.bracket![1] - r.bracket![0]).toBeCloseTo(r.step, 12);
      expect(r.probability.value!.value).toBeGreaterThanOrEqual(target);
      expect(r.probability.bracketLow!.value).toBeLessThan(target);
      // bisection: about log2(900) halvings plus the two ends, not a scan
      expect(r.evaluations.length).toBeLessThanOrEqual(13);
    },
  );

  it('finds the correlation for a target within one step above the exact one', async () => {
    // P rises with ρ from 0, then falls back towards the PD (2%) as ρ → 1: a target below the PD is reached
    const target = 0.01;
    const baseRho = 0.05;
    const a = normalInv(0.02);
    const b = normalInv(cash / E);
    const tau = normalInv(target);
    const Pr = (r: number) => normalCdf((a - Math.sqrt(1 - r) * b) / Math.sqrt(r));
    // (b² + τ²)·s² − 2aτ·s + a² − b² = 0 with s = √ρ; keep the root of the unsquared equation
    const A = b * b + tau * tau;
    const disc = Math.sqrt(a * a * tau * tau - A * (a * a - b * b));
    // the first crossing: the smaller root of the unsquared equation
    const exact = Math.min(
      ...[(a * tau + disc) / A, (a * tau - disc) / A]
        .filter((s) => s > 0 && s < 1)
        .map((s) => s * s)
        .filter((r) => Math.abs(Pr(r) - target) < 1e-9),
    );
    expect(exact).toBeGreaterThan(baseRho);
    const r = await solveReverseStress({
      spec: { target, years: 1, over: 'correlation' },
      baseline: baseRho,
      variant: 'v',
      probability: (x) => ({ value: Pr(x), standardError: 0 }),
    });
    expect(r.status).toBe('found');
    expect(r.value!).toBeGreaterThanOrEqual(exact - 1e-9);
    expect(r.value!).toBeLessThanOrEqual(exact + r.step + 1e-9);
  });

  it('says when the baseline already reaches the target, and when even the largest multiplier does not', async () => {
    const base = P(1).value;
    const over = await solveReverseStress({
      spec: { target: base / 2, years: 1, over: 'pd' },
      baseline: 1,
      variant: 'v',
      probability: P,
    });
    expect(over.status).toBe('baseline-exceeds');
    expect(over.value).toBeUndefined();
    expect(over.statement.zh).toContain('已达');
    const short = await solveReverseStress({
      spec: { target: 0.9, years: 1, over: 'pd', max: 1.5 },
      baseline: 1,
      variant: 'v',
      probability: P,
    });
    expect(short.status).toBe('not-reached');
    expect(short.probability.max!.value).toBeLessThan(0.9);
    expect(short.statement.zh).toMatch(/^即使违约率上升到现在的 1\.5 倍/);
  });

  it('refuses a target that is not a probability and a range it cannot search', async () => {
    await expect(
      solveReverseStress({ spec: { target: 1, years: 1, over: 'pd' }, baseline: 1, variant: 'v', probability: P }),
    ).rejects.toThrow(/^reverseStress\.target:/);
    await expect(
      solveReverseStress({
        spec: { target: 0.1, years: 1, over: 'pd', max: 1 },
        baseline: 1,
        variant: 'v',
        probability: P,
      }),
    ).rejects.toThrow(/^reverseStress\.max:/);
  });
});

describe('reverse stress by Monte Carlo (common random numbers)', () => {
  // 400 loans paying 40,000 yuan each: the finite one-factor distribution is exact on that lattice
  const p = homogeneous(400);
  const rho = 0.15;
  const cash = measuresOf(vasicekFinite(p, { rho }, 0), [0.99]).tail[0]!.valueAtRisk;
  const spec: MonteCarloSpec = { factors: { rho }, seed: 11, scenarios: 20_000, years: 1, shift: 0 };
  const simulated = (m: number) =>
    exhaustionWithin(
      simulateScenarios(stressPortfolio(p, { pdMultiplier: m }), spec, 0, spec.scenarios),
      0,
      { cash },
      1,
    );
  const exactP = (m: number) => ({
    value: exceedance(vasicekFinite(stressPortfolio(p, { pdMultiplier: m }), { rho }, 0), cash),
    standardError: 0,
  });
  const target = 0.05;

  it('lands on its target: P at the answer reaches it, one step below does not (re-run), near the exact answer', async () => {
    const mc = await solveReverseStress({
      spec: { target, years: 1, over: 'pd' },
      baseline: 1,
      variant: 'v',
      probability: simulated,
    });
    expect(mc.status).toBe('found');
    // re-run at the answer and at the bracket's low end, from scratch
    expect(simulated(mc.value!).value).toBeGreaterThanOrEqual(target);
    expect(simulated(mc.bracket![0]).value).toBeLessThan(target);
    expect(mc.bracket![1] - mc.bracket![0]).toBeCloseTo(0.01, 12);

    const exact = await solveReverseStress({
      spec: { target, years: 1, over: 'pd' },
      baseline: 1,
      variant: 'v',
      probability: exactP,
    });
    expect(exact.status).toBe('found');
    const se = Math.sqrt((target * (1 - target)) / spec.scenarios);
    const d = 0.05;
    const slope = (exactP(exact.value! + d).value - exactP(exact.value! - d).value) / (2 * d);
    const tolerance = (4 * se) / slope + 2 * mc.step;
    expect(Math.abs(mc.value! - exact.value!)).toBeLessThanOrEqual(tolerance);
  });
});

describe('top-up', () => {
  const p = book(
    [
      { grade: 'A', sector: 's', count: 150, exposureYuan: (i) => 50_000 + 1_000 * (i % 7) },
      { grade: 'B', sector: 's', count: 50, exposureYuan: () => 200_000 },
    ],
    { A: 0.03, B: 0.08 },
  );
  const spec: MonteCarloSpec = { factors: { rho: 0.2 }, seed: 5, scenarios: 5_000, years: 3, shift: 0 };
  const block = simulateScenarios(p, spec, 0, spec.scenarios);
  const fund = {
    cash: 0.5 * expectedLoss(p, 0),
    topUps: [0, 0.2 * expectedLoss(p, 0)],
    recoveryRate: 0.3,
    recoveryDelayYears: 1,
  };
  const stepFen = 10_000 * 100;

  it.each([
    [0.05, 3],
    [0.01, 2],
    [0.2, 1],
  ])('keeps P(exhausted) ≤ %s within %s years, and one step less does not', (target, years) => {
    const r = solveTopUp({ block, variant: 0, variantName: 'v', fund, spec: { target, years, stepFen } });
    expect(r.status).toBe('found');
    expect(r.amount).toMatch(/^\d+\.00$/);
    const fen = Number(r.amount.replace('.', ''));
    expect(fen % stepFen).toBe(0);
    const P = (extra: number) => exhaustionWithin(block, 0, { ...fund, cash: fund.cash + extra }, years).value;
    expect(P(0)).toBeGreaterThan(target);
    expect(P(fen)).toBeLessThanOrEqual(target);
    expect(P(fen - stepFen)).toBeGreaterThan(target);
    expect(r.probability.after).toBe(P(fen));
  });

  it('needs no top-up when P is already at most the target', () => {
    const rich = { ...fund, cash: 1e12 };
    const r = solveTopUp({
      block,
      variant: 0,
      variantName: 'v',
      fund: rich,
      spec: { target: 0.01, years: 3, stepFen },
    });
    expect(r.status).toBe('none-needed');
    expect(r.amount).toBe('0.00');
    expect(r.statement.zh).toContain('无需增加资金');
  });

  it('refuses years beyond the run and a target that is not a probability', () => {
    expect(() =>
      solveTopUp({ block, variant: 0, variantName: 'v', fund, spec: { target: 0.05, years: 4, stepFen } }),
    ).toThrow(/^topUp\.years:/);
    expect(() =>
      solveTopUp({ block, variant: 0, variantName: 'v', fund, spec: { target: 1, years: 1, stepFen } }),
    ).toThrow(/^topUp\.target:/);
  });
});

describe('the answer in words', () => {
  it('reads as a manager would say it, Chinese and English', () => {
    const s = reverseStressStatement({
      over: 'pd',
      target: 0.05,
      years: 3,
      variant: 'v',
      status: 'found',
      baseline: 1,
      max: 10,
      step: 0.01,
      value: 2.4,
      bracket: [2.39, 2.4],
      probability: { baseline: { value: 0.01, standardError: 0 } },
    });
    expect(s.zh).toBe('资金在 3 年内耗尽的概率达到 5%，需要违约率上升到现在的 2.4 倍');
    expect(s.en).toBe(
      "For the probability that the fund is exhausted within 3 years to reach 5%, default rates would have to rise to 2.4 times today's",
    );
    const t = topUpStatement({
      target: 0.05,
      years: 3,
      variant: 'v',
      status: 'found',
      amount: '1200000.00',
      step: '10000.00',
      probability: { before: 0.081, after: 0.049 },
    });
    expect(t.zh).toBe(
      '要使资金在 3 年内耗尽的概率不超过 5%（现为 8.1%），需要在期初增加资金 1,200,000 元（按 10,000 元取整）',
    );
  });
});
