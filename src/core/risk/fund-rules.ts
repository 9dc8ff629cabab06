/**
 * The fund's own rules inside the multi-year run. The plain run (monte-carlo.ts with fund-paths.ts)
 * takes the book as renewed each year and pays a year's claims at once; with `fundRules` each
 * scenario follows its claims one by one:
 *
 *  a. run-off and growth: a loan is at risk in year y only for the part of the year before its
 *     maturity (its PD over a fraction f of a year is 1 − (1 − p)^f, p the year's conditional PD);
 *     new filings arrive at the start of each year from year 2, `newFilingsPerYear` × the cell's
 *     loans in every cell, each a copy of a loan of the starting book (spread evenly over the cell)
 *     at age 0 with the copied loan's whole term;
 *  b. review: a claim is paid `reviewYears` after its default (each default's time uniform over
 *     the part of the year the loan is at risk), so a default late in year y is paid in y + 1;
 *  c. the queue (R7a): a claim the fund's cash cannot pay waits, first in first out, and is paid
 *     as top-ups and recoveries come in; the fund is "exhausted" in the first year in which a claim
 *     falls due that it cannot pay on the day — the same event as the plain run's (a year's claims
 *     above its cash), but the path goes on after it;
 *  d. the breaker (G4): a bank's claim is held (the fund does not pay it) while both the bank's
 *     claimed principal ÷ its filed principal exceeds the ratio and the net compensation paid to it
 *     (paid − its share of recoveries) exceeds the amount; tracked claim by claim in due order;
 *  e. a PD term structure: the conditional PD times the multiplier of the loan's year of life
 *     (age at the start of the run's year, whole years; the last multiplier holds after), capped
 *     at 1, so the year's PD is multiplier × PD;
 *  f. the factor's persistence (AR(1)) lives in the Monte Carlo spec and applies to both runs.
 *
 * Defaults come from the same draws as the plain run (stream Rng(seed, s)): candidates by the same
 * geometric skips, at the largest multiplier; each candidate's thinning and its time within the
 * year come from a second stream, so with every option at its default the claims arising are the
 * plain run's, number for number (tested). Claims are paid in order of their due month; within a
 * month in the order drawn.
 */
import type { FactorModel } from './factors';
import { sectorRho } from './factors';
import type { FundPlan } from './fund-paths';
import { checkFundPlan } from './fund-paths';
import { CellThresholds } from './model-risk';
import {
  NO_DEFAULT_INV,
  TABLE_FROM,
  TABLE_STEPS_PER_UNIT,
  nextFactor,
  type MonteCarloSpec,
  type ScenarioBlock,
} from './monte-carlo';
import { normalCdf } from './normal';
import { RiskInputError, type Portfolio } from './portfolio';
import { Rng } from './random';

export interface BreakerRule {
  /** The claimed-principal ratio above which (with the amount) a bank's claims are held, in basis points (G4: 300). */
  claimRatioAboveBp: number;
  /** Net compensation paid to the bank above which (with the ratio) its claims are held, fen (G4: 500,000,000). */
  netCompensationAbove: number;
}

export interface FundRules {
  /** The fund's cash, top-ups and recoveries. */
  plan: FundPlan;
  /** a. Loans mature (the portfolio's `life`); false (default) = the book renewed each year. */
  runOff?: boolean;
  /** a. New filings per year as a share of the starting book's loans, from year 2 (default 0). */
  newFilingsPerYear?: number;
  /** b. Years from a default to its payment (default 0: paid in the year of the default). */
  reviewYears?: number;
  /** d. The circuit breaker's thresholds (G4); absent = no breaker. */
  breaker?: BreakerRule;
  /** e. PD multipliers by year of the loan's life (1st, 2nd, …; the last holds after); default [1]. */
  pdByYearOfLife?: readonly number[];
}

/** The fund's path per scenario: arrays [(s·years + y)·variants + v], and exhausted[s·variants + v]. */
export interface FundPathBlock {
  /** Paid in year y (fen), on claims due in y or waiting from before. */
  paid: Float64Array;
  /** Claims held by the breaker in year y (fen). */
  held: Float64Array;
  /** Claims waiting in the queue at the end of year y (fen). */
  queued: Float64Array;
  /** Claims falling due in year y (count), and of them those that waited. */
  due: Float64Array;
  waited: Float64Array;
  /** The year (1-based) a claim first waited, 0 = never. */
  exhausted: Int32Array;
}

export const MONTHS = 12;
const MAX_MULTIPLIERS = 50;

export function checkFundRules(p: Portfolio, r: FundRules): void {
  checkFundPlan(r.plan);
  const g = r.newFilingsPerYear ?? 0;
  if (!(Number.isFinite(g) && g >= 0 && g <= 10))
    throw new RiskInputError('fundRules.newFilingsPerYear', 'must be a share of the book from 0 to 10');
  const d = r.reviewYears ?? 0;
  if (!(Number.isFinite(d) && d >= 0 && d <= 10))
    throw new RiskInputError('fundRules.reviewYears', 'must be a number of years from 0 to 10');
  const m = r.pdByYearOfLife ?? [1];
  if (m.length < 1 || m.length > MAX_MULTIPLIERS)
    throw new RiskInputError('fundRules.pdByYearOfLife', `must list 1 to ${MAX_MULTIPLIERS} multipliers`);
  m.forEach((x, i) => {
    if (!(Number.isFinite(x) && x >= 0 && x <= 100))
      throw new RiskInputError(`fundRules.pdByYearOfLife[${i}]`, 'must be a multiplier from 0 to 100');
  });
  if (r.breaker) {
    const b = r.breaker;
    if (!(Number.isInteger(b.claimRatioAboveBp) && b.claimRatioAboveBp >= 0))
      throw new RiskInputError('fundRules.breaker.claimRatioAbove', 'must be a rate of at least 0');
    if (!(Number.isFinite(b.netCompensationAbove) && b.netCompensationAbove >= 0))
      throw new RiskInputError('fundRules.breaker.netCompensationAbove', 'must be an amount of at least 0');
  }
  if (r.runOff && !p.life)
    throw new RiskInputError('fundRules.runOff', "needs the loans' maturity (remaining years) to run the book off");
}

/** A cohort's loan k of m in a cell of n loans copies loan ⌊k·n/m⌋: spread evenly over the cell (sorted by payout). */
const templateOf = (k: number, n: number, m: number): number => Math.floor((k * n) / m);

/** Growable per-scenario list of claims: the loan (portfolio index) and the month it falls due. */
class Claims {
  loan = new Int32Array(1024);
  month = new Int32Array(1024);
  length = 0;
  push(loan: number, month: number): void {
    if (this.length === this.loan.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.loan = grow(this.loan);
      this.month = grow(this.month);
    }
    this.loan[this.length] = loan;
    this.month[this.length++] = month;
  }
}

/** `onYearOneDefault`: called with each loan that defaults in year 1 (the contributions' replay). */
export function simulateFundRules(
  p: Portfolio,
  spec: MonteCarloSpec,
  from: number,
  to: number,
  onYearOneDefault?: (loan: number) => void,
): ScenarioBlock {
  const rules = spec.fundRules!;
  checkFundRules(p, rules);
  const V = p.variants.length;
  const Y = spec.years;
  const S = p.sectors.length;
  const C = p.cells.length;
  const factors: FactorModel = spec.factors;
  const rho = sectorRho(p, factors);
  const c = factors.sectorCorrelation ?? 1;
  const sc = Math.sqrt(c);
  const si = Math.sqrt(1 - c);
  const phi = spec.factorPersistence ?? 0;
  const model = new CellThresholds(p, spec.copula, spec.pdPosterior);
  const mult = Float64Array.from(rules.pdByYearOfLife ?? [1]);
  const K = mult.length;
  const mMax = Math.max(...mult);
  const runOff = rules.runOff === true;
  const remaining = p.life?.remainingYears;
  const age = p.life?.ageYears;
  const growth = rules.newFilingsPerYear ?? 0;
  const reviewMonths = (rules.reviewYears ?? 0) * MONTHS;
  const plan = rules.plan;
  const breaker = rules.breaker;
  const B = p.banks?.length ?? 1;
  const bankOf = p.bankOf;
  const payouts = p.payouts;
  const exposure = p.exposure;
  // A loan is plain when it defaults at the cell's PD all year every year: no thinning draw.
  const plainBook = !runOff && K === 1 && mult[0] === 1;
  const cohortSize = Int32Array.from(p.cells, (cell) => Math.round(growth * cell.count));
  // filed principal per bank: the starting book, then each cohort's
  const filedAtStart = new Float64Array(B);
  const filedPerCohort = new Float64Array(B);
  if (breaker) {
    for (let i = 0; i < p.loanCount; i++) filedAtStart[bankOf ? bankOf[i]! : 0]! += exposure[i]!;
    p.cells.forEach((cell, j) => {
      for (let k = 0; k < cohortSize[j]!; k++) {
        const i = cell.start + templateOf(k, cell.count, cohortSize[j]!);
        filedPerCohort[bankOf ? bankOf[i]! : 0]! += exposure[i]!;
      }
    });
  }

  const n = to - from;
  const losses = new Float64Array(n * Y * V);
  const weights = new Float64Array(n);
  const out: FundPathBlock = {
    paid: new Float64Array(n * Y * V),
    held: new Float64Array(n * Y * V),
    queued: new Float64Array(n * Y * V),
    due: new Float64Array(n * Y * V),
    waited: new Float64Array(n * Y * V),
    exhausted: new Int32Array(n * V),
  };
  const factor = new Float64Array(S);
  const claims = new Claims();
  const horizon = Y * MONTHS; // claims due at or after it are not paid within the run
  const table = NO_DEFAULT_INV;
  const tableSize = table.length;

  for (let s = from; s < to; s++) {
    const rng = new Rng(spec.seed, s);
    // the thinning and the times: a stream of their own, so the defaults' draws stay the plain run's
    const aux = new Rng(spec.seed ^ 0x5f3759df, s);
    let weight = 1;
    let z = 0;
    claims.length = 0;
    model.startScenario(rng);
    for (let y = 0; y < Y; y++) {
      const e0 = rng.normal() + spec.shift;
      if (spec.shift !== 0) weight *= Math.exp(-spec.shift * e0 + 0.5 * spec.shift * spec.shift);
      z = nextFactor(phi, z, e0, y);
      for (let k = 0; k < S; k++) factor[k] = c === 1 ? z : sc * z + si * rng.normal();
      model.startYear(rng);
      const at = ((s - from) * Y + y) * V;
      const claim = (i: number, f: number) => {
        if (y === 0) onYearOneDefault?.(i);
        const month = Math.floor((y + aux.uniform() * f) * MONTHS + reviewMonths);
        claims.push(i, Math.min(month, horizon));
        for (let v = 0; v < V; v++) losses[at + v]! += payouts[i * V + v]!;
      };
      for (let j = 0; j < C; j++) {
        const cell = p.cells[j]!;
        const count = cell.count;
        const base = cell.start;
        const pd = cell.pd;
        if (pd <= 0) continue;
        // the year's conditional PD q, with the plain run's draws: e is its first skip's Exp(1)
        let q: number;
        let e = -1;
        if (pd >= 1) q = 1;
        else {
          const a = Math.sqrt(rho[cell.sector]!);
          if (a === 0 && !model.dynamic) {
            q = pd;
            e = rng.exponential();
          } else {
            const x = (model.thr[j]! - a * factor[cell.sector]!) / Math.sqrt(1 - rho[cell.sector]!);
            const bin = Math.floor((x - TABLE_FROM) * TABLE_STEPS_PER_UNIT);
            if (bin >= 0 && bin < tableSize) {
              e = rng.exponential();
              // no default in the starting book, proven as the plain run does (only when nothing else could default)
              if (plainBook && cohortSize[j] === 0 && e * table[bin]! >= count) continue;
            }
            q = normalCdf(x);
            if (q <= 0) continue;
            if (q < 1 && e < 0) e = rng.exponential();
          }
        }
        // the starting book: candidates at the largest multiplier, thinned to each loan's own PD
        const qMax = Math.min(1, mMax * q);
        const visit = (i: number) => {
          if (plainBook) return claim(i, 1);
          const f = runOff ? Math.min(1, Math.max(0, remaining![i]! - y)) : 1;
          if (f <= 0) return;
          const life = Math.floor(age ? age[i]! : 0) + y;
          const own = Math.min(1, mult[life < K ? life : K - 1]! * q);
          const pi = f >= 1 ? own : -Math.expm1(f * Math.log1p(-Math.min(own, 1 - 1e-16)));
          if (pi >= qMax || aux.uniform() * qMax < pi) claim(i, f);
        };
        skipOver(count, qMax, e, rng, (k) => visit(base + k));
        // the cohorts filed at the start of years 2…y+1, each of m copies
        const m = cohortSize[j]!;
        for (let filed = 1; filed <= y && m > 0; filed++) {
          const life = y - filed;
          const qc = Math.min(1, mult[life < K ? life : K - 1]! * q);
          if (qc <= 0) continue;
          skipOver(m, qc, -1, rng, (k) => {
            const i = base + templateOf(k, count, m);
            const term = runOff ? remaining![i]! + (age ? age[i]! : 0) : Infinity;
            const f = Math.min(1, Math.max(0, term - life));
            if (f <= 0) return;
            if (f >= 1 || aux.uniform() < -Math.expm1(f * Math.log1p(-Math.min(qc, 1 - 1e-16))) / qc) claim(i, f);
          });
        }
      }
    }
    weights[s - from] = weight;
    payClaims(s - from);
  }
  return { from, to, variants: V, years: Y, losses, weights, fund: out };

  /** The fund's cash over the scenario's claims in due order, one path per variant. */
  function payClaims(s: number): void {
    // counting sort of the claims by due month
    const start = new Int32Array(horizon + 2);
    for (let k = 0; k < claims.length; k++) start[claims.month[k]! + 1]!++;
    for (let m = 1; m < start.length; m++) start[m]! += start[m - 1]!;
    const order = new Int32Array(claims.length);
    const fill = start.slice();
    for (let k = 0; k < claims.length; k++) order[fill[claims.month[k]!]!++] = claims.loan[k]!;
    for (let v = 0; v < V; v++) {
      let cash = plan.cash;
      const paidByYear = new Float64Array(Y);
      const paidByBankYear = breaker ? new Float64Array(B * Y) : undefined;
      const claimed = new Float64Array(B);
      const net = new Float64Array(B);
      const filed = Float64Array.from(filedAtStart);
      const queue: number[] = []; // loan indices, first in first out
      let head = 0;
      let queuedSum = 0;
      let exhausted = 0;
      const rate = plan.recoveryRate ?? 0;
      const delay = plan.recoveryDelayYears ?? 1;
      const pay = (i: number, y: number, amount: number) => {
        cash -= amount;
        paidByYear[y]! += amount;
        out.paid[(s * Y + y) * V + v]! += amount;
        if (paidByBankYear) {
          const b = bankOf ? bankOf[i]! : 0;
          net[b]! += amount;
          paidByBankYear[b * Y + y]! += amount;
        }
      };
      const recover = (from: number) => {
        cash += rate * paidByYear[from]!;
        if (paidByBankYear) for (let b = 0; b < B; b++) net[b]! -= rate * paidByBankYear[b * Y + from]!;
      };
      for (let y = 0; y < Y; y++) {
        cash += plan.topUps?.[y] ?? 0;
        if (delay > 0 && y - delay >= 0) recover(y - delay);
        if (breaker && y > 0) for (let b = 0; b < B; b++) filed[b]! += filedPerCohort[b]!;
        while (head < queue.length && payouts[queue[head]! * V + v]! <= cash) {
          const amount = payouts[queue[head]! * V + v]!;
          queuedSum -= amount;
          pay(queue[head++]!, y, amount);
        }
        const at = (s * Y + y) * V + v;
        for (let k = start[y * MONTHS]!; k < start[(y + 1) * MONTHS]!; k++) {
          const i = order[k]!;
          const amount = payouts[i * V + v]!;
          if (amount === 0) continue; // not a claim under this variant
          out.due[at]!++;
          if (breaker) {
            const b = bankOf ? bankOf[i]! : 0;
            claimed[b]! += exposure[i]!;
            const ratioOver = claimed[b]! * 10_000 > filed[b]! * breaker.claimRatioAboveBp;
            if (ratioOver && net[b]! > breaker.netCompensationAbove) {
              out.held[at]! += amount;
              continue;
            }
          }
          if (head < queue.length || amount > cash) {
            queue.push(i);
            queuedSum += amount;
            out.waited[at]!++;
            if (exhausted === 0) exhausted = y + 1;
            continue;
          }
          pay(i, y, amount);
        }
        if (delay === 0) recover(y);
        out.queued[at] = queuedSum;
      }
      out.exhausted[s * V + v] = exhausted;
    }
  }
}

/** The loans (portfolio order) that default in year 1 of scenario s under the fund's rules: that year's draws again. */
export function replayFundRulesYear(p: Portfolio, spec: MonteCarloSpec, s: number): number[] {
  const out: number[] = [];
  simulateFundRules(p, { ...spec, years: 1, scenarios: Math.max(spec.scenarios, s + 1) }, s, s + 1, (i) => out.push(i));
  return out;
}

/**
 * Calls visit(k) for the loans 0…n−1 that default, each with probability q, by geometric skips:
 * the first at ⌊e·inv⌋ (e drawn here when negative), then gaps ⌊E·inv⌋ — the plain run's draws.
 */
function skipOver(n: number, q: number, e: number, rng: Rng, visit: (k: number) => void): void {
  if (q <= 0) return;
  if (q >= 1) {
    for (let k = 0; k < n; k++) visit(k);
    return;
  }
  const inv = -1 / Math.log1p(-q);
  let k = Math.floor((e < 0 ? rng.exponential() : e) * inv);
  while (k < n) {
    visit(k);
    k += 1 + Math.floor(rng.exponential() * inv);
  }
}

/** Joins the fund paths of blocks already in scenario order. */
export function mergeFundPaths(parts: readonly FundPathBlock[]): FundPathBlock {
  const cat = (key: Exclude<keyof FundPathBlock, 'exhausted'>) => {
    const a = new Float64Array(parts.reduce((t, x) => t + x[key].length, 0));
    let o = 0;
    for (const x of parts) {
      a.set(x[key], o);
      o += x[key].length;
    }
    return a;
  };
  const exhausted = new Int32Array(parts.reduce((t, x) => t + x.exhausted.length, 0));
  let o = 0;
  for (const x of parts) {
    exhausted.set(x.exhausted, o);
    o += x.exhausted.length;
  }
  return {
    paid: cat('paid'),
    held: cat('held'),
    queued: cat('queued'),
    due: cat('due'),
    waited: cat('waited'),
    exhausted,
  };
}

export interface FundPathYear {
  year: number;
  /** Expected claims arising (defaults' payouts) in the year, paid in the year, held by the breaker, waiting at its end (fen). */
  claims: number;
  paid: number;
  held: number;
  queued: number;
  /** P(the queue is not empty at the year's end). */
  queueProbability: number;
  /** P(a claim falling due in the year waits): expected claims that waited ÷ expected claims due. */
  claimWaits: number;
}

/** The fund's path year by year for one variant: expectations over the (weighted) scenarios. */
export function fundPathYears(b: ScenarioBlock, v: number): FundPathYear[] {
  const f = b.fund;
  if (!f) throw new RangeError('the scenarios were run without the fund rules');
  const n = b.to - b.from;
  const Y = b.years;
  const V = b.variants;
  return Array.from({ length: Y }, (_, y) => {
    const t = { claims: 0, paid: 0, held: 0, queued: 0, queueProbability: 0, due: 0, waited: 0 };
    for (let s = 0; s < n; s++) {
      const ws = b.weights[s]!;
      const at = (s * Y + y) * V + v;
      t.claims += ws * b.losses[at]!;
      t.paid += ws * f.paid[at]!;
      t.held += ws * f.held[at]!;
      t.queued += ws * f.queued[at]!;
      if (f.queued[at]! > 0) t.queueProbability += ws;
      t.due += ws * f.due[at]!;
      t.waited += ws * f.waited[at]!;
    }
    return {
      year: y + 1,
      claims: t.claims / n,
      paid: t.paid / n,
      held: t.held / n,
      queued: t.queued / n,
      queueProbability: t.queueProbability / n,
      claimWaits: t.due > 0 ? t.waited / t.due : 0,
    };
  });
}
