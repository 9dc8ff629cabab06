/**
 * The Monte Carlo confidence intervals cover the exact figure at their nominal rate over repeated
 * seeds. Each check counts, over R independent runs, how often the 95% interval holds the exact
 * figure; for a correct interval that count is Binomial(R, c) with c its true coverage, and we
 * accept it within 3.5 standard deviations of R·c (a correct interval fails that with probability
 * below 1e-3; with the fixed seeds here the outcome is the same every run).
 */
import { describe, expect, it } from 'vitest';
import { loansOf, oneFactorExact, type Group } from './books.fixture';
import { measuresOf } from './distribution';
import { simulateScenarios, yearLosses } from './monte-carlo';
import { asFiledVariant, buildPortfolio } from './portfolio';
import { Rng } from './random';
import { buildReport } from './report';
import { orderStatisticBounds, probabilityInterval, tailConfidence } from './statistics';

function logBinomialPmf(n: number, k: number, p: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s + k * Math.log(p) + (n - k) * Math.log(1 - p);
}

/** R runs, expected coverage c: the accepted range of hits. */
function accepted(R: number, c: number): [number, number] {
  const sd = Math.sqrt(R * c * (1 - c));
  return [R * c - 3.5 * sd, R * c + 3.5 * sd];
}

describe('order-statistic bounds for VaR', () => {
  it('hold the exact quantile of a continuous distribution at their exact binomial coverage (≥ 95%)', () => {
    const n = 400;
    const level = 0.95;
    const { l, u } = orderStatisticBounds(n, level);
    // exact coverage P(l ≤ B ≤ u − 1), B ~ Binomial(n, level), computed here term by term
    let c = 0;
    for (let k = l; k <= u - 1; k++) c += Math.exp(logBinomialPmf(n, k, level));
    expect(c).toBeGreaterThanOrEqual(0.95);
    // and each side is the tightest at 2.5%: P(B < l) ≤ 2.5% < P(B ≤ l), P(B ≥ u) ≤ 2.5% < P(B ≥ u − 1)
    let below = 0;
    for (let k = 0; k < l; k++) below += Math.exp(logBinomialPmf(n, k, level));
    let above = 0;
    for (let k = u; k <= n; k++) above += Math.exp(logBinomialPmf(n, k, level));
    expect(below).toBeLessThanOrEqual(0.025);
    expect(below + Math.exp(logBinomialPmf(n, l, level))).toBeGreaterThan(0.025);
    expect(above).toBeLessThanOrEqual(0.025);
    expect(above + Math.exp(logBinomialPmf(n, u - 1, level))).toBeGreaterThan(0.025);
    // Exp(1) outcomes: the quantile is −ln(1 − level)
    const q = -Math.log(1 - level);
    const R = 1_000;
    let hits = 0;
    for (let r = 0; r < R; r++) {
      const rng = new Rng(77, r);
      const xs = Float64Array.from({ length: n }, () => rng.exponential());
      const t = tailConfidence(xs, new Float64Array(n).fill(1), [level])[0]!;
      if (t.valueAtRiskInterval.lower <= q && q <= t.valueAtRiskInterval.upper) hits++;
    }
    const [lo, hi] = accepted(R, c);
    expect(hits).toBeGreaterThanOrEqual(lo);
    expect(hits).toBeLessThanOrEqual(hi);
  });
});

describe('the simulator’s 95% intervals over 1,000 seeds (ρ 0.12, 4,000 scenarios a run)', () => {
  // payouts 40% of 25,000·k yuan = 10,000·k yuan: the exact distribution on a 10,000-yuan lattice
  const slices = [
    { grade: 'A', sector: 's', count: 120, k: 3, pd: 0.03 },
    { grade: 'B', sector: 's', count: 40, k: 11, pd: 0.05 },
    { grade: 'C', sector: 's', count: 8, k: 60, pd: 0.02 },
  ];
  const p = buildPortfolio({
    loans: loansOf(slices.map((s) => ({ ...s, exposureYuan: () => 25_000 * s.k }))),
    variants: [asFiledVariant()],
    pdByGrade: { A: 0.03, B: 0.05, C: 0.02 },
  });
  const groups: Group[] = slices.map((s) => ({ pd: s.pd, m: s.k, count: s.count }));
  const STEP = 1_000_000;
  const rho = 0.12;
  const pmf = oneFactorExact(groups, rho);
  const levels = [0.95, 0.99];
  const exact = measuresOf({ unit: STEP, pmf }, levels);
  // a fund whose cash is the exact VaR 95%: exhausted in year 1 when the loss exceeds it
  const cash = exact.tail[0]!.valueAtRisk;
  let pExhausted = 0;
  for (let k = 0; k < pmf.length; k++) if (k * STEP > cash) pExhausted += pmf[k]!;
  const R = 1_000;
  const n = 4_000;
  const hits = { var: [0, 0], es: [0, 0], exhausted: 0 };
  for (let r = 0; r < R; r++) {
    const block = simulateScenarios(p, { factors: { rho }, seed: 1000 + r, scenarios: n, years: 1, shift: 0 }, 0, n);
    const l = yearLosses(block, 0);
    tailConfidence(l, block.weights, levels).forEach((t, i) => {
      const v = exact.tail[i]!.valueAtRisk;
      const es = exact.tail[i]!.expectedShortfall;
      if (t.valueAtRiskInterval.lower <= v && v <= t.valueAtRiskInterval.upper) hits.var[i]!++;
      if (t.expectedShortfallInterval.lower <= es && es <= t.expectedShortfallInterval.upper) hits.es[i]!++;
    });
    const iv = probabilityInterval(
      Float64Array.from(l, (x) => (x > cash ? 1 : 0)),
      block.weights,
    );
    if (iv.lower <= pExhausted && pExhausted <= iv.upper) hits.exhausted++;
  }
  const [lo, hi] = accepted(R, 0.95);

  it('hit counts (for the record)', () => {
    console.log(JSON.stringify({ R, hits, accepted: [lo, hi] }));
  });

  it('VaR (order statistics): at least the nominal rate (on a lattice the interval is conservative: an atom at the quantile only adds coverage)', () => {
    for (const h of hits.var) expect(h).toBeGreaterThanOrEqual(lo);
  });

  it('ES (batch means): the nominal rate', () => {
    for (const h of hits.es) {
      expect(h).toBeGreaterThanOrEqual(lo);
      expect(h).toBeLessThanOrEqual(hi);
    }
  });

  it('P(exhausted) (batch means): the nominal rate', () => {
    expect(pExhausted).toBeGreaterThan(0.02);
    expect(hits.exhausted).toBeGreaterThanOrEqual(lo);
    expect(hits.exhausted).toBeLessThanOrEqual(hi);
  });

  it('the report carries the intervals and warns when a level has fewer than 10 scenarios beyond it', () => {
    const spec = { factors: { rho }, seed: 5, scenarios: 500, years: 1, shift: 0 };
    const r = buildReport({
      portfolio: p,
      spec,
      block: simulateScenarios(p, spec, 0, 500),
      fund: { cash: cash },
      levels: [0.95, 0.99, 0.999],
    });
    const v = r.variants[0]!;
    expect(v.tail.map((t) => t.monteCarloInterval.tailScenarios)).toEqual([25, 5, 0]);
    for (const t of v.tail) {
      expect(Number(t.monteCarloInterval.valueAtRisk[0])).toBeLessThanOrEqual(Number(t.valueAtRisk.monteCarlo));
      expect(Number(t.monteCarloInterval.valueAtRisk[1])).toBeGreaterThanOrEqual(Number(t.valueAtRisk.monteCarlo));
    }
    expect(v.exhaustion[0]!.interval[0]).toBeLessThanOrEqual(v.exhaustion[0]!.probability);
    expect(v.exhaustion[0]!.interval[1]).toBeGreaterThanOrEqual(v.exhaustion[0]!.probability);
    expect(r.warnings).toEqual([
      { code: 'few-tail-scenarios', variant: 'as-filed', level: '0.99', tailScenarios: 5, scenariosNeeded: 1000 },
      { code: 'few-tail-scenarios', variant: 'as-filed', level: '0.999', tailScenarios: 0, scenariosNeeded: 10000 },
    ]);
  });
});

describe('with importance sampling (shift −1.5), the 95% intervals at 99% over 1,000 seeds', () => {
  const slices = [
    { grade: 'A', sector: 's', count: 120, k: 3, pd: 0.03 },
    { grade: 'B', sector: 's', count: 40, k: 11, pd: 0.05 },
    { grade: 'C', sector: 's', count: 8, k: 60, pd: 0.02 },
  ];
  const p = buildPortfolio({
    loans: loansOf(slices.map((s) => ({ ...s, exposureYuan: () => 25_000 * s.k }))),
    variants: [asFiledVariant()],
    pdByGrade: { A: 0.03, B: 0.05, C: 0.02 },
  });
  const STEP = 1_000_000;
  const rho = 0.12;
  const pmf = oneFactorExact(
    slices.map((s) => ({ pd: s.pd, m: s.k, count: s.count })),
    rho,
  );
  const exact = measuresOf({ unit: STEP, pmf }, [0.99]).tail[0]!;
  let pExhausted = 0;
  for (let k = 0; k < pmf.length; k++) if (k * STEP > exact.valueAtRisk) pExhausted += pmf[k]!;
  const R = 1_000;
  const n = 2_000;
  const hits = { var: 0, es: 0, exhausted: 0 };
  for (let r = 0; r < R; r++) {
    const block = simulateScenarios(p, { factors: { rho }, seed: 9000 + r, scenarios: n, years: 1, shift: -1.5 }, 0, n);
    const l = yearLosses(block, 0);
    const t = tailConfidence(l, block.weights, [0.99])[0]!;
    if (t.valueAtRiskInterval.lower <= exact.valueAtRisk && exact.valueAtRisk <= t.valueAtRiskInterval.upper)
      hits.var++;
    if (
      t.expectedShortfallInterval.lower <= exact.expectedShortfall &&
      exact.expectedShortfall <= t.expectedShortfallInterval.upper
    )
      hits.es++;
    const iv = probabilityInterval(
      Float64Array.from(l, (x) => (x > exact.valueAtRisk ? 1 : 0)),
      block.weights,
    );
    if (iv.lower <= pExhausted && pExhausted <= iv.upper) hits.exhausted++;
  }
  const [lo, hi] = accepted(R, 0.95);

  it('hit counts (for the record)', () => {
    console.log(JSON.stringify({ R, hits, accepted: [lo, hi] }));
  });
  it('VaR (the quantiles at α ∓ 1.96·SE): the nominal rate', () => {
    expect(hits.var).toBeGreaterThanOrEqual(lo);
    expect(hits.var).toBeLessThanOrEqual(hi);
  });
  it('ES and P(exhausted) (batch means): the nominal rate', () => {
    for (const h of [hits.es, hits.exhausted]) {
      expect(h).toBeGreaterThanOrEqual(lo);
      expect(h).toBeLessThanOrEqual(hi);
    }
  });
});
