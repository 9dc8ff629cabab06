/**
 * The fund's rules inside the multi-year run (fund-rules.ts; R7a, G4, R8): each option at its
 * default gives the plain run's figures number for number, and each option on moves them as an
 * independent calculation says.
 */
import { describe, expect, it } from 'vitest';
import { loansOf } from './books.fixture';
import { replayYear, riskContributions } from './contributions';
import { exhaustionYears, type FundPlan } from './fund-paths';
import { fundPathYears, MONTHS, type FundRules } from './fund-rules';
import { simulateScenarios, yearLosses, type MonteCarloSpec, type ScenarioBlock } from './monte-carlo';
import { normalCdf, normalInv, factorNodes } from './normal';
import { asFiledVariant, buildPortfolio, type Portfolio, type RiskLoan } from './portfolio';
import { weightedMean } from './statistics';

type Life = Partial<Pick<RiskLoan, 'remainingYears' | 'ageYears' | 'bank'>>;

/** A book of `count` loans per grade×sector slice, payouts 40% of 100,000–400,000 yuan, with each loan's life and bank. */
function lifeBook(
  count: number,
  pd: number,
  life: (i: number) => Life = () => ({}),
  variants = [asFiledVariant()],
): Portfolio {
  const loans = loansOf([
    { grade: 'A', sector: 's1', count, exposureYuan: (i) => 100_000 * (1 + (i % 4)) },
    { grade: 'A', sector: 's2', count, exposureYuan: (i) => 150_000 * (1 + (i % 3)) },
  ]).map((l, i) => ({ ...l, ...life(i) }));
  return buildPortfolio({ loans, variants, pdByGrade: { A: pd } });
}

const spec = (over: Partial<MonteCarloSpec> = {}): MonteCarloSpec => ({
  factors: { rho: 0.15, sectorCorrelation: 0.6 },
  seed: 11,
  scenarios: 3000,
  years: 3,
  shift: 0,
  ...over,
});

const ample: FundPlan = { cash: 1e15 };
const run = (p: Portfolio, s: MonteCarloSpec) => simulateScenarios(p, s, 0, s.scenarios);
const withRules = (p: Portfolio, s: MonteCarloSpec, rules: Omit<FundRules, 'plan'> & { plan?: FundPlan }) =>
  run(p, { ...s, fundRules: { plan: ample, ...rules } });
const sumOf = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);
const fundYear = (b: ScenarioBlock, key: 'paid' | 'held' | 'queued' | 'due' | 'waited', s: number, y: number, v = 0) =>
  b.fund![key][(s * b.years + y) * b.variants + v]!;

describe("the fund's rules at their defaults give the plain run's figures (same seed)", () => {
  const plan: FundPlan = { cash: 40_000_000, topUps: [0, 20_000_000, 0], recoveryRate: 0.3, recoveryDelayYears: 1 };
  const two = [asFiledVariant(), asFiledVariant('ratio 60%', { ratioBp: 6000 })];
  const p = lifeBook(60, 0.04, (i) => ({ remainingYears: Infinity, ageYears: i % 3, bank: `b${i % 2}` }), two);

  it.each([
    ['nothing set', {}],
    ['each option explicitly off', { runOff: false, newFilingsPerYear: 0, reviewYears: 0, pdByYearOfLife: [1] }],
    ['run-off on a book that never matures', { runOff: true }],
    ['a breaker that never trips (G4)', { breaker: { claimRatioAboveBp: 10_000, netCompensationAbove: 1e15 } }],
    ['a PD term structure of ones', { pdByYearOfLife: [1, 1, 1] }],
  ] as const)('%s', (_, rules) => {
    for (const s of [spec(), spec({ factors: { rho: 0 } }), spec({ shift: -1.5, factorPersistence: 0.4 })]) {
      const plain = run(p, s);
      const ruled = run(p, { ...s, fundRules: { plan, ...rules } });
      expect(ruled.losses).toEqual(plain.losses);
      expect(ruled.weights).toEqual(plain.weights);
      for (let v = 0; v < 2; v++) expect(exhaustionYears(ruled, v, plan)).toEqual(exhaustionYears(plain, v, plan));
      // the figures are not trivially empty
      expect(sumOf(plain.losses)).toBeGreaterThan(0);
      expect(sumOf(exhaustionYears(plain, 0, plan))).toBeGreaterThan(0);
    }
  });

  it('φ = 0 is the plain run; φ ≠ 0 leaves year 1 as it was', () => {
    const plain = run(p, spec());
    expect(run(p, spec({ factorPersistence: 0 })).losses).toEqual(plain.losses);
    const carried = run(p, spec({ factorPersistence: 0.7 }));
    expect(yearLosses(carried, 0, 0)).toEqual(yearLosses(plain, 0, 0));
    expect(yearLosses(carried, 0, 1)).not.toEqual(yearLosses(plain, 0, 1));
  });
});

/** Φ₂(t, t; r) for r ≥ 0: ∫ φ(z) Φ((t − √r z)/√(1 − r))² dz. */
function bivariateAtSameThreshold(t: number, r: number): number {
  const { z, w } = factorNodes(800);
  let s = 0;
  for (let k = 0; k < z.length; k++) s += w[k]! * normalCdf((t - Math.sqrt(r) * z[k]!) / Math.sqrt(1 - r)) ** 2;
  return s;
}

describe("the factor's persistence (AR(1))", () => {
  it("makes consecutive years' losses correlated as the bivariate normal says", () => {
    // n loans of one payout, PD p, ρ; two loans' latent variables in consecutive years correlate ρφ
    const n = 200;
    const pd = 0.05;
    const rho = 0.3;
    const phi = 0.6;
    const loans = loansOf([{ grade: 'A', sector: 's', count: n, exposureYuan: () => 100_000 }]);
    const p = buildPortfolio({ loans, variants: [asFiledVariant()], pdByGrade: { A: pd } });
    const N = 20_000;
    const b = run(p, { factors: { rho }, seed: 5, scenarios: N, years: 2, shift: 0, factorPersistence: phi });
    const l1 = yearLosses(b, 0, 0);
    const l2 = yearLosses(b, 0, 1);
    const m1 = sumOf(l1) / N;
    const m2 = sumOf(l2) / N;
    let c = 0;
    let v1 = 0;
    let v2 = 0;
    for (let s = 0; s < N; s++) {
      c += (l1[s]! - m1) * (l2[s]! - m2);
      v1 += (l1[s]! - m1) ** 2;
      v2 += (l2[s]! - m2) ** 2;
    }
    const simulated = c / Math.sqrt(v1 * v2);
    const t = normalInv(pd);
    const sameYear = n * pd * (1 - pd) + n * (n - 1) * (bivariateAtSameThreshold(t, rho) - pd * pd);
    const across = n * n * (bivariateAtSameThreshold(t, rho * phi) - pd * pd);
    const exact = across / sameYear;
    expect(exact).toBeGreaterThan(0.3);
    // the standard error of a correlation ≈ (1 − r²)/√N
    expect(Math.abs(simulated - exact)).toBeLessThanOrEqual((4 * (1 - exact * exact)) / Math.sqrt(N));
    // and each year's mean stays n·p·payout (the factor stays standard normal)
    const payout = 40_000 * 100;
    const se = Math.sqrt(v2 / N / N);
    expect(Math.abs(m2 - n * pd * payout)).toBeLessThanOrEqual(4 * se);
    // without persistence the years are uncorrelated
    const free = run(p, { factors: { rho }, seed: 5, scenarios: N, years: 2, shift: 0 });
    const f1 = yearLosses(free, 0, 0);
    const f2 = yearLosses(free, 0, 1);
    const fm1 = sumOf(f1) / N;
    const fm2 = sumOf(f2) / N;
    let fc = 0;
    let fv1 = 0;
    let fv2 = 0;
    for (let s = 0; s < N; s++) {
      fc += (f1[s]! - fm1) * (f2[s]! - fm2);
      fv1 += (f1[s]! - fm1) ** 2;
      fv2 += (f2[s]! - fm2) ** 2;
    }
    expect(Math.abs(fc / Math.sqrt(fv1 * fv2))).toBeLessThanOrEqual(4 / Math.sqrt(N));
  });

  it('refuses |φ| ≥ 1, naming the field', () => {
    const p = lifeBook(5, 0.01);
    expect(() => run(p, spec({ factorPersistence: 1 }))).toThrow(/factorPersistence/);
  });
});

/** E[claims in year y] ± its standard error, for variant 0. */
function meanClaims(b: ScenarioBlock, y: number) {
  return weightedMean(yearLosses(b, 0, y), b.weights);
}
const near = (e: { value: number; standardError: number }, exact: number) =>
  expect(Math.abs(e.value - exact)).toBeLessThanOrEqual(4 * e.standardError + 1e-6);

describe('the book runs off and grows (a)', () => {
  const pd = 0.05;
  const indep = spec({ factors: { rho: 0 }, scenarios: 4000 });

  it('loans that all mature in year 1 lose nothing in years 2 and 3; half a year at risk is 1 − (1 − PD)^½', () => {
    const p = lifeBook(80, pd, () => ({ remainingYears: 0.5 }));
    const b = withRules(p, indep, { runOff: true });
    expect(sumOf(yearLosses(b, 0, 1))).toBe(0);
    expect(sumOf(yearLosses(b, 0, 2))).toBe(0);
    const total = sumOf(p.payouts);
    near(meanClaims(b, 0), total * (1 - Math.sqrt(1 - pd)));
    // without run-off the same book loses every year
    expect(sumOf(yearLosses(withRules(p, indep, {}), 0, 1))).toBeGreaterThan(0);
  });

  it('loans maturing in 1.5 years are at risk all of year 1 and half of year 2', () => {
    const p = lifeBook(80, pd, () => ({ remainingYears: 1.5 }));
    const b = withRules(p, indep, { runOff: true });
    const total = sumOf(p.payouts);
    near(meanClaims(b, 0), total * pd);
    near(meanClaims(b, 1), total * (1 - Math.sqrt(1 - pd)));
    expect(sumOf(yearLosses(b, 0, 2))).toBe(0);
  });

  it('new filings alike to the book: a whole book a year doubles year 2 and triples year 3 (renewed)', () => {
    const p = lifeBook(80, pd);
    const b = withRules(p, indep, { newFilingsPerYear: 1 });
    const total = sumOf(p.payouts);
    near(meanClaims(b, 0), total * pd);
    near(meanClaims(b, 1), 2 * total * pd);
    near(meanClaims(b, 2), 3 * total * pd);
  });

  it('new filings run off too: a cohort filed in year 2 of loans with half a year of term', () => {
    const p = lifeBook(80, pd, () => ({ remainingYears: 0.5, ageYears: 0 }));
    const b = withRules(p, indep, { runOff: true, newFilingsPerYear: 0.5 });
    // each cell's cohort of 40 copies every other loan of the cell (sorted by payout band)
    let cohort = 0;
    for (const c of p.cells) {
      const m = Math.round(0.5 * c.count);
      for (let k = 0; k < m; k++) cohort += p.payouts[c.start + Math.floor((k * c.count) / m)]!;
    }
    const half = 1 - Math.sqrt(1 - pd);
    near(meanClaims(b, 1), cohort * half);
    near(meanClaims(b, 2), cohort * half);
  });
});

describe('claims take their review time (b)', () => {
  const indep = spec({ factors: { rho: 0.1 }, scenarios: 2000 });

  it('a review of exactly a year pays each year’s claims the next year, scenario by scenario', () => {
    const p = lifeBook(50, 0.05);
    const b = withRules(p, indep, { reviewYears: 1 });
    for (let s = 0; s < indep.scenarios; s++) {
      expect(fundYear(b, 'paid', s, 0)).toBe(0);
      expect(fundYear(b, 'paid', s, 1)).toBe(b.losses[s * 3 + 0]);
      expect(fundYear(b, 'paid', s, 2)).toBe(b.losses[s * 3 + 1]);
    }
    expect(sumOf(b.fund!.paid)).toBeGreaterThan(0);
  });

  it('a quarter-year review moves the claims of the year’s last quarter into the next year', () => {
    // every loan matures at the end of year 1: year 2 pays only year 1's late claims
    const p = lifeBook(80, 0.05, () => ({ remainingYears: 1 }));
    const b = withRules(p, spec({ factors: { rho: 0 }, scenarios: 4000 }), { runOff: true, reviewYears: 0.25 });
    const lateShare = weightedMean(
      Float64Array.from({ length: 4000 }, (_, s) => fundYear(b, 'paid', s, 1) - 0.25 * b.losses[s * 3]!),
      b.weights,
    );
    near(lateShare, 0);
    for (let s = 0; s < 4000; s++) expect(fundYear(b, 'paid', s, 0) + fundYear(b, 'paid', s, 1)).toBe(b.losses[s * 3]!);
  });
});

describe('the payment queue when cash is short (R7a)', () => {
  it('with no cash nothing is paid and every claim waits', () => {
    const p = lifeBook(40, 0.05);
    const b = withRules(p, spec(), { plan: { cash: 0 } });
    expect(sumOf(b.fund!.paid)).toBe(0);
    expect(b.fund!.waited).toEqual(b.fund!.due);
    expect(sumOf(b.fund!.due)).toBeGreaterThan(0);
    for (let s = 0; s < 3000; s++) {
      expect(fundYear(b, 'queued', s, 2)).toBe(b.losses[s * 3]! + b.losses[s * 3 + 1]! + b.losses[s * 3 + 2]!);
      const first = [0, 1, 2].find((y) => b.losses[s * 3 + y]! > 0);
      expect(b.fund!.exhausted[s]).toBe(first === undefined ? 0 : first + 1);
    }
    const years = fundPathYears(b, 0);
    expect(years.every((y) => y.claimWaits === 1 && y.paid === 0)).toBe(true);
  });

  it('pays the queue first when a top-up comes', () => {
    // PD 1: all three loans (payout 40,000 yuan) claim every year
    const loans = loansOf([{ grade: 'A', sector: 's', count: 3, exposureYuan: () => 100_000 }]);
    const p = buildPortfolio({ loans, variants: [asFiledVariant()], pdByGrade: { A: 1 } });
    const unit = 4_000_000;
    const b = withRules(p, spec({ scenarios: 1 }), { plan: { cash: 2.5 * unit, topUps: [0, 10 * unit] } });
    expect([0, 1, 2].map((y) => fundYear(b, 'paid', 0, y) / unit)).toEqual([2, 4, 3]);
    expect([0, 1, 2].map((y) => fundYear(b, 'waited', 0, y))).toEqual([1, 0, 0]);
    expect([0, 1, 2].map((y) => fundYear(b, 'queued', 0, y) / unit)).toEqual([1, 0, 0]);
    expect(b.fund!.exhausted[0]).toBe(1);
  });
});

describe("each bank's breaker (G4)", () => {
  it('at threshold 0 holds every claim of a bank after its first', () => {
    // loans of one payout (40,000 yuan): a bank's paid claims are counted by the amount paid to it
    const unit = 4_000_000;
    for (const banks of [1, 3]) {
      const loans = loansOf([
        { grade: 'A', sector: 's1', count: 60, exposureYuan: () => 100_000 },
        { grade: 'A', sector: 's2', count: 60, exposureYuan: () => 100_000 },
      ]).map((l, i) => ({ ...l, bank: `b${i % banks}` }));
      const p = buildPortfolio({ loans, variants: [asFiledVariant()], pdByGrade: { A: 0.03 } });
      const b = withRules(p, spec({ scenarios: 1000 }), { breaker: { claimRatioAboveBp: 0, netCompensationAbove: 0 } });
      let held = 0;
      for (let s = 0; s < 1000; s++) {
        const paid = fundYear(b, 'paid', s, 0) + fundYear(b, 'paid', s, 1) + fundYear(b, 'paid', s, 2);
        const claims = b.losses[s * 3]! + b.losses[s * 3 + 1]! + b.losses[s * 3 + 2]!;
        const heldHere = fundYear(b, 'held', s, 0) + fundYear(b, 'held', s, 1) + fundYear(b, 'held', s, 2);
        expect(paid + heldHere).toBe(claims);
        if (banks === 1) expect(paid).toBe(claims > 0 ? unit : 0);
        else expect(paid).toBeLessThanOrEqual(Math.min(claims, banks * unit));
        held += heldHere;
      }
      expect(held).toBeGreaterThan(0);
    }
  });

  it('holds nothing while the net compensation stays at or below its amount', () => {
    const p = lifeBook(50, 0.08, () => ({ bank: 'b' }));
    const total = sumOf(p.payouts);
    const b = withRules(p, spec({ scenarios: 500 }), {
      breaker: { claimRatioAboveBp: 0, netCompensationAbove: 3 * total },
    });
    expect(sumOf(b.fund!.held)).toBe(0);
  });

  it("matches a reference model of G4 over the claims in due order (the policy's 3% and 5,000,000 yuan)", () => {
    // one bank, PD 1 (every loan claims every year), payouts 40% of 1,000,000 yuan; filed 12,000,000 yuan
    const loans = loansOf([{ grade: 'A', sector: 's', count: 12, exposureYuan: () => 1_000_000 }]).map((l) => ({
      ...l,
      bank: 'b',
    }));
    const p = buildPortfolio({ loans, variants: [asFiledVariant()], pdByGrade: { A: 1 } });
    const b = withRules(p, spec({ scenarios: 1, years: 2 }), {
      breaker: { claimRatioAboveBp: 300, netCompensationAbove: 500_000_000 },
    });
    // reference: claimed ratio is over 3% from the first claim; claims are paid until net > 5,000,000 yuan,
    // i.e. 13 claims of 400,000 yuan (5,200,000), then every one held
    let net = 0;
    let paid = 0;
    let held = 0;
    for (let k = 0; k < 24; k++) {
      if (net > 500_000_000) held += 40_000_000;
      else {
        net += 40_000_000;
        paid += 40_000_000;
      }
    }
    expect(fundYear(b, 'paid', 0, 0) + fundYear(b, 'paid', 0, 1)).toBe(paid);
    expect(fundYear(b, 'held', 0, 0) + fundYear(b, 'held', 0, 1)).toBe(held);
    expect(paid / 40_000_000).toBe(13);
  });
});

describe('a PD term structure (e)', () => {
  const indep = spec({ factors: { rho: 0 }, scenarios: 4000 });

  it('multiplies each year of a loan’s life’s PD', () => {
    const pd = 0.04;
    // half the loans new, half in their 3rd year: multipliers 2, 1, 0.5 (0.5 from the 3rd year on)
    const p = lifeBook(80, pd, (i) => ({ ageYears: i % 2 === 0 ? 0 : 2.3 }));
    const b = withRules(p, indep, { pdByYearOfLife: [2, 1, 0.5] });
    const V = 1;
    let young = 0;
    let old = 0;
    for (let i = 0; i < p.loanCount; i++) {
      if (p.life!.ageYears[i]! < 1) young += p.payouts[i * V]!;
      else old += p.payouts[i * V]!;
    }
    near(meanClaims(b, 0), young * 2 * pd + old * 0.5 * pd);
    near(meanClaims(b, 1), young * 1 * pd + old * 0.5 * pd);
    near(meanClaims(b, 2), young * 0.5 * pd + old * 0.5 * pd);
  });
});

describe('run-off, new filings and a PD term structure together (a, e)', () => {
  it("each year's expected claims are the loan-by-loan sum of payout × (1 − (1 − multiplier × PD)^(part of the year at risk))", () => {
    const pd = 0.05;
    const mult = [1.5, 0.8, 1.2];
    const growth = 0.5;
    const p = lifeBook(80, pd, (i) => ({ remainingYears: (i % 7) / 2.5, ageYears: (i % 5) / 2 }));
    const s = spec({ factors: { rho: 0 }, scenarios: 6000 });
    const b = withRules(p, s, { runOff: true, newFilingsPerYear: growth, pdByYearOfLife: mult });
    const life = p.life!;
    const m = (l: number) => mult[Math.min(l, mult.length - 1)]!;
    const risk = (payout: number, multiplier: number, f: number) =>
      payout * (1 - Math.pow(1 - Math.min(1, multiplier * pd), Math.min(1, Math.max(0, f))));
    for (let y = 0; y < 3; y++) {
      let exact = 0;
      for (let i = 0; i < p.loanCount; i++)
        exact += risk(p.payouts[i]!, m(Math.floor(life.ageYears[i]!) + y), life.remainingYears[i]! - y);
      for (const c of p.cells) {
        const n = Math.round(growth * c.count);
        for (let filed = 1; filed <= y; filed++)
          for (let k = 0; k < n; k++) {
            const i = c.start + Math.floor((k * c.count) / n);
            exact += risk(p.payouts[i]!, m(y - filed), life.remainingYears[i]! + life.ageYears[i]! - (y - filed));
          }
      }
      expect(exact).toBeGreaterThan(0);
      near(meanClaims(b, y), exact);
    }
  });
});

describe('what goes in comes out', () => {
  it('every claim is paid, held or waiting at the end, whatever the options (review 0)', () => {
    for (let k = 0; k < 12; k++) {
      const p = lifeBook(30, 0.02 + 0.01 * (k % 4), (i) => ({
        remainingYears: ((i * 7 + k) % 9) / 3,
        ageYears: (i % 5) / 2,
        bank: `b${(i + k) % 3}`,
      }));
      const b = withRules(p, spec({ seed: k, scenarios: 300, factorPersistence: (k % 3) / 3 }), {
        plan: { cash: (k % 4) * 5_000_000, topUps: [0, (k % 3) * 8_000_000], recoveryRate: 0.2 * (k % 2) },
        runOff: k % 2 === 0,
        newFilingsPerYear: (k % 3) * 0.4,
        pdByYearOfLife: [1 + (k % 2), 0.7],
        ...(k % 3 === 1 ? { breaker: { claimRatioAboveBp: 100 * k, netCompensationAbove: 1_000_000 * k } } : {}),
      });
      for (let s = 0; s < 300; s++) {
        const claims = b.losses[s * 3]! + b.losses[s * 3 + 1]! + b.losses[s * 3 + 2]!;
        let out = fundYear(b, 'queued', s, 2);
        for (let y = 0; y < 3; y++) out += fundYear(b, 'paid', s, y) + fundYear(b, 'held', s, y);
        expect(out).toBe(claims);
        for (let y = 0; y < 3; y++) expect(fundYear(b, 'waited', s, y)).toBeLessThanOrEqual(fundYear(b, 'due', s, y));
      }
    }
  });

  it('claims due after the run are not paid in it', () => {
    const p = lifeBook(30, 0.05);
    const b = withRules(p, spec({ scenarios: 200, years: 1 }), { reviewYears: 1 + 1 / MONTHS });
    expect(sumOf(b.fund!.paid)).toBe(0);
    expect(sumOf(b.losses)).toBeGreaterThan(0);
  });

  it('refuses run-off on a book without maturities, and bad options, naming the field', () => {
    const p = lifeBook(5, 0.01);
    expect(() => withRules(p, spec(), { runOff: true })).toThrow(/fundRules\.runOff/);
    expect(() => withRules(p, spec(), { reviewYears: -1 })).toThrow(/fundRules\.reviewYears/);
    expect(() => withRules(p, spec(), { pdByYearOfLife: [1, -2] })).toThrow(/fundRules\.pdByYearOfLife\[1\]/);
    expect(() => withRules(p, spec(), { newFilingsPerYear: Number.NaN })).toThrow(/fundRules\.newFilingsPerYear/);
  });
});

describe('risk contributions of a run with the fund’s rules', () => {
  it('replay year 1 by the rules’ engine and add up to its ES', () => {
    const p = lifeBook(60, 0.05, (i) => ({ remainingYears: (i % 4) * 0.4, ageYears: i % 3, bank: `b${i % 2}` }));
    const s = spec({ scenarios: 2000, fundRules: { plan: ample, runOff: true, pdByYearOfLife: [2, 0.5] } });
    const b = run(p, s);
    for (let k = 0; k < 50; k++) {
      const sum = replayYear(p, s, k).reduce((a, i) => a + p.payouts[i]!, 0);
      expect(sum).toBe(b.losses[k * 3]);
    }
    const c = riskContributions(p, s, b, 0, 0.99);
    expect(sumOf(c.expectedShortfallByLoan)).toBeCloseTo(c.expectedShortfall, 0);
    expect(c.expectedShortfall).toBeGreaterThan(0);
  });
});
