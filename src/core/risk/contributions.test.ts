import { describe, expect, it } from 'vitest';
import { loansOf } from './books.fixture';
import {
  contributionsBy,
  contributionsByCell,
  largestContributors,
  replayYear,
  riskContributions,
  type Contributions,
} from './contributions';
import { simulateScenarios, yearLosses, type MonteCarloSpec } from './monte-carlo';
import { asFiledVariant, buildPortfolio, loanLabels } from './portfolio';
import { Rng } from './random';
import { normalCdf, normalInv } from './normal';
import { buildReport } from './report';
import { tailMeasures } from './statistics';

const loans = loansOf([
  { grade: 'A', sector: 's1', count: 300, exposureYuan: (i) => 100_000 + i * 1_000 },
  { grade: 'B', sector: 's2', count: 80, exposureYuan: () => 2_000_000 },
  { grade: 'C', sector: 's1', count: 5, exposureYuan: () => 9_000_000 },
  { grade: 'D', sector: 's3', count: 4, exposureYuan: () => 700_000 },
]).map((l, i) => ({ ...l, bank: `bank-${i % 3}`, programme: i % 2 ? 'p-2023' : 'p-2025' }));
const p = buildPortfolio({
  loans,
  variants: [asFiledVariant('40%'), asFiledVariant('50%', { ratioBp: 5000 })],
  pdByGrade: { A: 0.02, B: 0.04, C: 0.01, D: 1 },
});

describe('risk contributions (Euler allocation)', () => {
  const specs: MonteCarloSpec[] = [
    { factors: { rho: 0.15 }, seed: 4, scenarios: 3_000, years: 1, shift: 0 },
    { factors: { rho: 0.2, sectorCorrelation: 0.4 }, seed: 5, scenarios: 3_000, years: 2, shift: -1.5 },
    { factors: { rho: 0 }, seed: 6, scenarios: 1_000, years: 1, shift: 0 },
  ];

  it("a replay finds each scenario's defaults again: their payouts are the simulator's loss, every variant", () => {
    for (const spec of specs) {
      const block = simulateScenarios(p, spec, 0, spec.scenarios);
      for (let v = 0; v < 2; v++) {
        const l = yearLosses(block, v, 0);
        for (let s = 0; s < spec.scenarios; s++) {
          const sum = replayYear(p, spec, s).reduce((a, i) => a + p.payouts[i * 2 + v]!, 0);
          expect(sum).toBe(l[s]);
        }
      }
    }
  });

  it('add up to the run’s ES and VaR, loan by loan and in every grouping', () => {
    for (const spec of specs) {
      const block = simulateScenarios(p, spec, 0, spec.scenarios);
      for (const level of [0.95, 0.99]) {
        const c = riskContributions(p, spec, block, 1, level);
        const t = tailMeasures(yearLosses(block, 1, 0), block.weights, [level])[0]!;
        expect(c.expectedShortfall).toBe(t.expectedShortfall);
        expect(c.valueAtRisk).toBe(t.valueAtRisk);
        const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);
        // float sums of fen amounts: equal to 1e-12 relative
        expect(Math.abs(sum(c.expectedShortfallByLoan) / t.expectedShortfall - 1)).toBeLessThan(1e-12);
        expect(Math.abs(sum(c.valueAtRiskByLoan) / t.valueAtRisk - 1)).toBeLessThan(1e-12);
        for (const labels of [p.labels!.bank!, p.labels!.programme!]) {
          const rows = contributionsBy(c, labels);
          expect(Math.abs(rows.reduce((a, r) => a + r.expectedShortfall, 0) / t.expectedShortfall - 1)).toBeLessThan(
            1e-12,
          );
        }
        // a loan that always defaults (PD 1) carries its whole payout in ES and in VaR
        const always = p.cells.find((cell) => cell.pd === 1)!;
        for (let i = always.start; i < always.start + always.count; i++)
          expect(c.expectedShortfallByLoan[i]! / p.payouts[i * 2 + 1]!).toBeCloseTo(1, 12);
      }
    }
  });

  it('are in the report by bank, programme, sector and grade, with the largest loans, adding up to the total', () => {
    const spec = specs[0]!;
    const r = buildReport({ portfolio: p, spec, block: simulateScenarios(p, spec, 0, spec.scenarios) });
    const c = r.variants[0]!.contributions;
    expect(c.level).toBe('0.99');
    expect(c.by.map((b) => b.dimension)).toEqual(['bank', 'programme', 'sector', 'grade']);
    const fen = (s: string) => Math.round(Number(s) * 100);
    for (const b of c.by) {
      // each row rounded once to the fen: the total within half a fen per row
      const total = b.rows.reduce((a, row) => a + fen(row.expectedShortfall), 0);
      expect(Math.abs(total - fen(c.expectedShortfall))).toBeLessThanOrEqual(b.rows.length / 2 + 0.5);
      expect(b.rows.reduce((a, row) => a + row.share, 0)).toBeCloseTo(1, 12);
    }
    expect(c.topLoans.length).toBe(20);
    // the 9,000,000 loans (payout 3,600,000) lead
    expect(c.topLoans[0]!.payout).toBe('3600000.00');
  });
});

describe('ES contributions against the exact one-factor figures', () => {
  // payouts 10,000·k yuan (40% of 25,000·k): one group per grade, exact on a 10,000-yuan lattice
  const slices = [
    { grade: 'A', sector: 's', count: 120, k: 3, pd: 0.03 },
    { grade: 'B', sector: 's', count: 40, k: 11, pd: 0.05 },
    { grade: 'C', sector: 's', count: 8, k: 60, pd: 0.02 },
  ];
  const book = buildPortfolio({
    loans: loansOf(slices.map((s) => ({ ...s, exposureYuan: () => 25_000 * s.k }))),
    variants: [asFiledVariant()],
    pdByGrade: { A: 0.03, B: 0.05, C: 0.02 },
  });
  const rho = 0.12;
  const level = 0.95;
  const binomial = (n: number, p: number) => {
    const out = new Float64Array(n + 1);
    for (let k = 0; k <= n; k++) {
      let c = 0;
      for (let i = 1; i <= k; i++) c += Math.log((n - k + i) / i);
      out[k] = Math.exp(c + k * Math.log(p) + (n - k) * Math.log(1 - p));
    }
    return out;
  };
  const conv = (a: Float64Array, b: Float64Array, m: number) => {
    const out = new Float64Array(a.length + (b.length - 1) * m);
    for (let i = 0; i < a.length; i++) for (let k = 0; k < b.length; k++) out[i + k * m]! += a[i]! * b[k]!;
    return out;
  };
  // over a trapezoid grid of the factor: P(L = x) and, per group, E[X_g; L = x] (lattice steps)
  const top = slices.reduce((s, g) => s + g.k * g.count, 0);
  const pmf = new Float64Array(top + 1);
  const joint = slices.map(() => new Float64Array(top + 1));
  const h = 0.02;
  for (let i = 0; i <= 900; i++) {
    const z = -9 + i * h;
    const w = ((i === 0 || i === 900 ? 0.5 : 1) * h * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
    const pz = slices.map((g) => {
      const a = (normalInv(g.pd) - Math.sqrt(rho) * z) / Math.sqrt(1 - rho);
      return normalCdf(a);
    });
    const dists = slices.map((g, j) => binomial(g.count, pz[j]!));
    slices.forEach((g, j) => {
      let rest = new Float64Array([1]);
      slices.forEach((o, q) => {
        if (q !== j) rest = conv(rest, dists[q]!, o.k);
      });
      const d = dists[j]!;
      for (let n = 0; n < d.length; n++)
        for (let r = 0; r < rest.length; r++) {
          const x = n * g.k + r;
          if (j === 0) pmf[x]! += w * d[n]! * rest[r]!;
          joint[j]![x]! += w * d[n]! * rest[r]! * n * g.k;
        }
    });
  }
  const mass = pmf.reduce((a, b) => a + b, 0);
  let cdf = 0;
  let v = 0;
  for (; v < top; v++) {
    cdf += pmf[v]! / mass;
    if (cdf >= level) break;
  }
  const part = (cdf - level) / (pmf[v]! / mass); // the share of the atom at VaR in the tail
  const exact = joint.map((jg) => {
    let s = (part * jg[v]!) / mass;
    for (let x = v + 1; x <= top; x++) s += jg[x]! / mass;
    return (s / (1 - level)) * 1_000_000; // fen
  });

  it('each grade’s contribution to ES 95% within 4 standard errors over 40 runs of 4,000 scenarios', () => {
    const runs = 40;
    const est = slices.map(() => [] as number[]);
    for (let r = 0; r < runs; r++) {
      const spec = { factors: { rho }, seed: 500 + r, scenarios: 4_000, years: 1, shift: 0 };
      const c = riskContributions(book, spec, simulateScenarios(book, spec, 0, 4_000), 0, level);
      contributionsByCell(c, book, 'grade')
        .sort((a, b) => a.key.localeCompare(b.key))
        .forEach((row, j) => est[j]!.push(row.expectedShortfall));
    }
    est.forEach((xs, j) => {
      const mean = xs.reduce((a, b) => a + b, 0) / runs;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1));
      expect(Math.abs(mean - exact[j]!), `grade ${slices[j]!.grade}: ${mean} vs ${exact[j]}`).toBeLessThanOrEqual(
        (4 * sd) / Math.sqrt(runs),
      );
    });
  });
});

describe('the report’s groupings and largest loans, without sorting every loan', () => {
  // contributions with ties, zeros and loans carrying VaR only, as a million-loan book has them
  const made = (n: number, seed: number, positive: number): Contributions => {
    const rng = new Rng(seed);
    const es = new Float64Array(n);
    const va = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (rng.uniform() < positive) es[i] = Math.floor(rng.uniform() * 5) * 1000; // many ties, some 0
      if (rng.uniform() < 0.3) va[i] = 1 + Math.floor(rng.uniform() * 100);
    }
    return {
      level: 0.99,
      valueAtRisk: 0,
      expectedShortfall: 0,
      expectedShortfallByLoan: es,
      valueAtRiskByLoan: va,
      tailScenarios: 0,
      neighbourhood: 0,
    };
  };
  const bySorting = (c: Contributions, n: number) =>
    Array.from({ length: c.expectedShortfallByLoan.length }, (_, i) => i)
      .filter((i) => c.expectedShortfallByLoan[i]! > 0 || c.valueAtRiskByLoan[i]! > 0)
      .sort((a, b) => c.expectedShortfallByLoan[b]! - c.expectedShortfallByLoan[a]! || a - b)
      .slice(0, n);

  it('picks the largest ES contributors as a full sort would, ties by portfolio order, VaR-only loans after', () => {
    for (const [loans, positive] of [
      [2_000, 0.5],
      [2_000, 0.002],
      [30, 0.1],
      [5, 1],
      [0, 1],
    ] as const)
      for (const n of [1, 20, 100]) {
        const c = made(loans, loans + n, positive);
        expect(largestContributors(c, n), `${loans} loans, ${positive} with ES, top ${n}`).toEqual(bySorting(c, n));
      }
  });

  it('sums by each loan’s label as summing label by label does', () => {
    const c = made(3_000, 7, 0.4);
    const perLoan = Array.from({ length: 3_000 }, (_, i) => `bank-${(i * 7) % 11}`);
    const rows = contributionsBy(c, loanLabels(perLoan));
    expect(rows.map((r) => r.key).sort()).toEqual([...new Set(perLoan)].sort());
    for (const row of rows) {
      let es = 0;
      let va = 0;
      perLoan.forEach((name, i) => {
        if (name !== row.key) return;
        es += c.expectedShortfallByLoan[i]!;
        va += c.valueAtRiskByLoan[i]!;
      });
      expect([row.expectedShortfall, row.valueAtRisk]).toEqual([es, va]);
    }
    const order = rows.map((r) => r.expectedShortfall);
    expect(order).toEqual([...order].sort((a, b) => b - a));
  });

  it('sums by sector and grade through the cells as through each loan’s own label', () => {
    const spec = { factors: { rho: 0.2 }, seed: 3, scenarios: 2_000, years: 1, shift: 0 };
    const c = riskContributions(p, spec, simulateScenarios(p, spec, 0, spec.scenarios), 0, 0.95);
    for (const dimension of ['sector', 'grade'] as const) {
      const names = dimension === 'sector' ? p.sectors : p.grades;
      const perLoan = new Array<string>(p.loanCount);
      for (const cell of p.cells) perLoan.fill(names[cell[dimension]]!, cell.start, cell.start + cell.count);
      const byLoan = contributionsBy(c, loanLabels(perLoan));
      const byCell = contributionsByCell(c, p, dimension);
      expect(byCell.map((r) => r.key)).toEqual(byLoan.map((r) => r.key));
      byCell.forEach((row, k) => {
        expect(row.expectedShortfall).toBeCloseTo(byLoan[k]!.expectedShortfall, 3);
        expect(row.valueAtRisk).toBeCloseTo(byLoan[k]!.valueAtRisk, 3);
      });
      expect(byCell.some((r) => r.expectedShortfall > 0)).toBe(true);
    }
  });
});
