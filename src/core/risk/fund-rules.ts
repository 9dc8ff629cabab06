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
 * Defaults come from the same stream as the plain run (Rng(seed, s)) by geometric skips over the
 * book laid out by class of life and maturity (fund-book.ts): a group's loans at risk all year at
 * exactly the group's multiplier × q, those maturing within the year as candidates at that rate
 * thinned to their own PD for their part of the year, matured loans never visited. The thinning
 * and each claim's time within the year come from a second stream, so with every option at its
 * default (one class, the book's own order) the claims arising are the plain run's, number for
 * number (tested). Claims are paid in order of their due month; within a month in the order drawn.
 */
import type { FactorModel } from './factors';
import { sectorRho } from './factors';
import { fundBookOf, groupEnds, lifeClasses, templateEnds, templateOf } from './fund-book';
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
import { Rng, ZIG_KE, ZIG_WE } from './random';

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

/**
 * Growable per-scenario list of claims: the month each falls due, its amount under each variant,
 * and (for the breaker) the loan's exposure and bank — copied as the claim arises, so that paying
 * them in due order reads this small list, not the book's large arrays at random.
 */
class Claims {
  month = new Int32Array(1024);
  amount: Float64Array;
  exposure = new Float64Array(1024);
  bank = new Int32Array(1024);
  /** Scratch: the claims copied into due order (the payment pass reads them forward). */
  dueAmount: Float64Array;
  dueExposure = new Float64Array(1024);
  dueBank = new Int32Array(1024);
  length = 0;
  constructor(private readonly variants: number) {
    this.amount = new Float64Array(1024 * variants);
    this.dueAmount = new Float64Array(1024 * variants);
  }
  grow(): void {
    const n = this.month.length * 2;
    const more = <T extends Int32Array | Float64Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.month = more(this.month, n);
    this.amount = more(this.amount, n * this.variants);
    this.exposure = more(this.exposure, n);
    this.bank = more(this.bank, n);
    this.dueAmount = new Float64Array(n * this.variants);
    this.dueExposure = new Float64Array(n);
    this.dueBank = new Int32Array(n);
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
  const G = lifeClasses(mult);
  const runOff = rules.runOff === true;
  const growth = rules.newFilingsPerYear ?? 0;
  const reviewMonths = (rules.reviewYears ?? 0) * MONTHS;
  const plan = rules.plan;
  const breaker = rules.breaker;
  const B = p.labels?.bank?.names.length ?? 1;
  const bankOf = p.labels?.bank?.of;
  const exposure = p.exposure;
  // A loan is plain when it defaults at the cell's PD all year every year: no thinning draw.
  const plainBook = !runOff && G === 1 && mult[0] === 1;
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
  const claims = new Claims(V);
  // the payment pass's scratch, per variant (see payClaims)
  const paidByYear = new Float64Array(Y);
  const paidByBankYear = new Float64Array(B * Y);
  const claimed = new Float64Array(B);
  const net = new Float64Array(B);
  const filed = new Float64Array(B);
  let queue: Int32Array = new Int32Array(1024);
  const horizon = Y * MONTHS; // claims due at or after it are not paid within the run
  const table = NO_DEFAULT_INV;
  const tableSize = table.length;

  const book = fundBookOf(p, runOff, G, cohortSize);
  const { loan, groupStart, templateStart } = book;
  const { payload, key } = book;
  const bankAt = book.bank;
  const W = V + 1;

  // the scenario's state the claims are written with
  let y = 0;
  let at = 0;
  let rng = new Rng(0, 0);
  let aux = new Rng(0, 0);
  /** The cell's first Exp(1) when drawn for its "no default" test and not yet used as a skip (else −1). */
  let firstE = -1;
  /** A generator's state while a run is drawn (see skipPositions). */
  const state = new Int32Array(4);
  // a run's candidates (positions) and, for a run maturing in the year, their parts of the year at risk:
  // at most one per position of the longest run (a cell's group or templates)
  let longest = 1;
  for (let g = 0; g + 1 < groupStart.length; g++) longest = Math.max(longest, groupStart[g + 1]! - groupStart[g]!);
  for (let j = 0; j < C; j++) longest = Math.max(longest, templateStart[j + 1]! - templateStart[j]!);
  const cand = new Int32Array(longest);
  const part = new Float64Array(longest);

  /**
   * Positions from…to−1 each default at r (geometric skips by rng's Exp(1)s); `partial`: they
   * mature within the year, each candidate kept with its own PD for the part key − t0 of the year
   * at risk, 1 − (1 − r)^f (by aux's uniform, when below r); each claim's time within its part of
   * the year by aux's next uniform — the draws of rng.exponential() and aux.uniform() in turn. In
   * passes, each a loop of its own with what it reads in locals: the candidates (the generator
   * only), their keys (a run maturing in the year), the thinning and times, the claims' payouts,
   * exposures and banks.
   */
  function run(from: number, to: number, r: number, t0: number, partial: boolean): void {
    if (from >= to || r <= 0) return;
    let n: number;
    if (r >= 1) {
      // every position a candidate: no skip drawn (and the cell's first Exp(1) kept)
      n = to - from;
      for (let i = 0; i < n; i++) cand[i] = from + i;
    } else {
      const e = firstE;
      firstE = -1;
      n = skipPositions(rng, state, cand, from, to, -1 / Math.log1p(-r), e);
    }
    if (n === 0) return;
    if (partial) for (let i = 0; i < n; i++) part[i] = key[cand[i]!]! - t0;
    while (claims.length + n > claims.month.length) claims.grow();
    const first = claims.length;
    const kept = thinAndTime(aux, state, cand, part, n, partial, r, y, reviewMonths, horizon, claims.month, first);
    copyClaims(cand, kept, payload, V, losses, at, claims.amount, first);
    if (breaker) {
      const exposures = claims.exposure;
      const banks = claims.bank;
      for (let i = 0; i < kept; i++) {
        const o = cand[i]!;
        exposures[first + i] = payload[o * W + V]!;
        banks[first + i] = bankAt[o]!;
      }
    }
    if (y === 0 && onYearOneDefault) for (let i = 0; i < kept; i++) onYearOneDefault(loan[cand[i]!]!);
    claims.length = first + kept;
  }

  for (let s = from; s < to; s++) {
    rng = new Rng(spec.seed, s);
    // the thinning and the times: a stream of their own, so the defaults' draws stay the plain run's
    aux = new Rng(spec.seed ^ 0x5f3759df, s);
    let weight = 1;
    let z = 0;
    claims.length = 0;
    model.startScenario(rng);
    for (y = 0; y < Y; y++) {
      const e0 = rng.normal() + spec.shift;
      if (spec.shift !== 0) weight *= Math.exp(-spec.shift * e0 + 0.5 * spec.shift * spec.shift);
      z = nextFactor(phi, z, e0, y);
      for (let k = 0; k < S; k++) factor[k] = c === 1 ? z : sc * z + si * rng.normal();
      model.startYear(rng);
      at = ((s - from) * Y + y) * V;
      const ends = groupEnds(book, y);
      for (let j = 0; j < C; j++) {
        const cell = p.cells[j]!;
        const count = cell.count;
        const pd = cell.pd;
        if (pd <= 0) continue;
        // the year's conditional PD q, with the plain run's draws: firstE is its first skip's Exp(1)
        let q: number;
        firstE = -1;
        if (pd >= 1) q = 1;
        else {
          const a = Math.sqrt(rho[cell.sector]!);
          if (a === 0 && !model.dynamic) {
            q = pd;
            firstE = rng.exponential();
          } else {
            const x = (model.thr[j]! - a * factor[cell.sector]!) / Math.sqrt(1 - rho[cell.sector]!);
            const bin = Math.floor((x - TABLE_FROM) * TABLE_STEPS_PER_UNIT);
            if (bin >= 0 && bin < tableSize) {
              firstE = rng.exponential();
              // no default in the starting book, proven as the plain run does (only when nothing else could default)
              if (plainBook && cohortSize[j] === 0 && firstE * table[bin]! >= count) continue;
            }
            q = normalCdf(x);
            if (q <= 0) continue;
          }
        }
        // the starting book, group by group: the run at risk all year, then the run maturing in it
        for (let g = 0; g < G; g++) {
          const life = g + y;
          const r = Math.min(1, mult[life < K ? life : K - 1]! * q);
          const full = ends[2 * (j * G + g)]!;
          run(groupStart[j * G + g]!, full, r, y, false);
          run(full, ends[2 * (j * G + g) + 1]!, r, y, true);
        }
        // the cohorts filed at the start of years 2…y+1, each a copy of the cell's templates
        const t0 = templateStart[j]!;
        const t1 = templateStart[j + 1]!;
        for (let filed = 1; filed <= y && t1 > t0; filed++) {
          const life = y - filed;
          const r = Math.min(1, mult[life < K ? life : K - 1]! * q);
          const copyEnds = templateEnds(book, life);
          run(t0, copyEnds[2 * j]!, r, life, false);
          run(copyEnds[2 * j]!, copyEnds[2 * j + 1]!, r, life, true);
        }
      }
    }
    weights[s - from] = weight;
    payClaims(s - from);
  }
  return { from, to, variants: V, years: Y, losses, weights, fund: out };

  /**
   * The fund's cash over the scenario's claims in due order, one path per variant. Written without
   * closures: cash and the sums stay in registers (a captured double is boxed at every change).
   */
  function payClaims(s: number): void {
    // counting sort of the claims by due month
    const start = new Int32Array(horizon + 2);
    for (let k = 0; k < claims.length; k++) start[claims.month[k]! + 1]!++;
    for (let m = 1; m < start.length; m++) start[m]! += start[m - 1]!;
    const fill = start.slice();
    const amounts = claims.dueAmount;
    const banks = claims.dueBank;
    const exposures = claims.dueExposure;
    for (let k = 0; k < claims.length; k++) {
      const o = fill[claims.month[k]!]!++;
      for (let v = 0; v < V; v++) amounts[o * V + v] = claims.amount[k * V + v]!;
      if (breaker) {
        exposures[o] = claims.exposure[k]!;
        banks[o] = claims.bank[k]!;
      }
    }
    const rate = plan.recoveryRate ?? 0;
    const delay = plan.recoveryDelayYears ?? 1;
    for (let v = 0; v < V; v++) {
      let cash = plan.cash;
      paidByYear.fill(0);
      paidByBankYear.fill(0);
      claimed.fill(0);
      net.fill(0);
      filed.set(filedAtStart);
      let queueLength = 0;
      let head = 0;
      let queuedSum = 0;
      let exhausted = 0;
      for (let y = 0; y < Y; y++) {
        const at = (s * Y + y) * V + v;
        cash += plan.topUps?.[y] ?? 0;
        // recoveries on the payouts of `delay` years ago come in at the year's start (delay 0: at its end, below)
        const back = delay > 0 ? y - delay : -1;
        if (back >= 0) {
          cash += rate * paidByYear[back]!;
          if (breaker) for (let b = 0; b < B; b++) net[b]! -= rate * paidByBankYear[b * Y + back]!;
        }
        if (breaker && y > 0) for (let b = 0; b < B; b++) filed[b]! += filedPerCohort[b]!;
        let paid = 0;
        // the waiting claims first, in turn, while the cash lasts
        while (head < queueLength) {
          const k = queue[head]!;
          const amount = amounts[k * V + v]!;
          if (amount > cash) break;
          head++;
          queuedSum -= amount;
          cash -= amount;
          paid += amount;
          if (breaker) {
            net[banks[k]!]! += amount;
            paidByBankYear[banks[k]! * Y + y]! += amount;
          }
        }
        let due = 0;
        let waited = 0;
        let held = 0;
        for (let k = start[y * MONTHS]!; k < start[(y + 1) * MONTHS]!; k++) {
          const amount = amounts[k * V + v]!;
          if (amount === 0) continue; // not a claim under this variant
          due++;
          if (breaker) {
            const b = banks[k]!;
            claimed[b]! += exposures[k]!;
            if (
              claimed[b]! * 10_000 > filed[b]! * breaker.claimRatioAboveBp &&
              net[b]! > breaker.netCompensationAbove
            ) {
              held += amount;
              continue;
            }
          }
          if (head < queueLength || amount > cash) {
            if (queueLength === queue.length) queue = grownInt(queue);
            queue[queueLength++] = k;
            queuedSum += amount;
            waited++;
            if (exhausted === 0) exhausted = y + 1;
            continue;
          }
          cash -= amount;
          paid += amount;
          if (breaker) {
            net[banks[k]!]! += amount;
            paidByBankYear[banks[k]! * Y + y]! += amount;
          }
        }
        paidByYear[y] = paid;
        if (delay === 0) {
          cash += rate * paid;
          if (breaker) for (let b = 0; b < B; b++) net[b]! -= rate * paidByBankYear[b * Y + y]!;
        }
        out.paid[at] = paid;
        out.held[at] = held;
        out.due[at] = due;
        out.waited[at] = waited;
        out.queued[at] = queuedSum;
      }
      out.exhausted[s * V + v] = exhausted;
    }
  }
}

/**
 * The geometric skips over positions from…to−1 (inv = −1/ln(1 − r)), the first by the Exp(1) e
 * when e ≥ 0: the candidates' positions into cand, their number returned. rng's state held in
 * locals as Rng.skipSumFrom does (the same draws as rng.exponential() in turn); `state` scratch.
 */
function skipPositions(
  rng: Rng,
  state: Int32Array,
  cand: Int32Array,
  from: number,
  to: number,
  inv: number,
  e: number,
): number {
  const KE = ZIG_KE;
  const WE = ZIG_WE;
  rng.saveState(state, 0);
  let a = state[0]!,
    b = state[1]!,
    c = state[2]!,
    d = state[3]!;
  let n = 0;
  for (let o = from - 1; ;) {
    if (e < 0) {
      // rng.exponential(), inline
      const m = Math.imul(b, 5);
      const jz = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      const iz = jz & 255;
      if (jz < KE[iz]!) e = jz * WE[iz]!;
      else {
        // the rare wedge or tail: by the general code path
        state[0] = a;
        state[1] = b;
        state[2] = c;
        state[3] = d;
        rng.loadState(state, 0);
        e = rng.exponentialAfter(jz);
        rng.saveState(state, 0);
        a = state[0]!;
        b = state[1]!;
        c = state[2]!;
        d = state[3]!;
      }
    }
    o += 1 + Math.floor(e * inv);
    e = -1;
    if (o >= to) break;
    cand[n++] = o;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  rng.loadState(state, 0);
  return n;
}

/**
 * The n candidates in turn: a partial one (part[i] of the year at risk) kept with its own PD,
 * 1 − (1 − r)^f, by aux's uniform when below r; each kept one's due month (its time within its
 * part of year y by aux's next uniform, plus the review, capped at the horizon) into
 * month[first…], its position moved to cand[kept]. aux's state in locals (the same draws as
 * aux.uniform() in turn). Returns the number kept.
 */
function thinAndTime(
  aux: Rng,
  state: Int32Array,
  cand: Int32Array,
  part: Float64Array,
  n: number,
  partial: boolean,
  r: number,
  y: number,
  reviewMonths: number,
  horizon: number,
  month: Int32Array,
  first: number,
): number {
  const L = partial ? Math.log1p(-Math.min(r, 1 - 1e-16)) : 0;
  aux.saveState(state, 0);
  let a = state[0]!,
    b = state[1]!,
    c = state[2]!,
    d = state[3]!;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    let f = 1;
    if (partial) {
      f = part[i]!;
      const pi = -Math.expm1(f * L);
      if (pi < r) {
        // aux.uniform(), inline: kept when u·r < pi
        const m = Math.imul(b, 5);
        const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
        const t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = (d << 11) | (d >>> 21);
        if (!(((u + 0.5) / 4294967296) * r < pi)) continue;
      }
    }
    // the claim's time: aux.uniform(), inline
    const m = Math.imul(b, 5);
    const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    const due = Math.floor((y + ((u + 0.5) / 4294967296) * f) * MONTHS + reviewMonths);
    month[first + kept] = due < horizon ? due : horizon;
    cand[kept++] = cand[i]!;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  aux.loadState(state, 0);
  return kept;
}

/** The kept claims' payouts under the V variants (payload width V + 1) into amount[first…] and the year's losses at `at`. */
function copyClaims(
  cand: Int32Array,
  kept: number,
  payload: Float64Array,
  V: number,
  losses: Float64Array,
  at: number,
  amount: Float64Array,
  first: number,
): void {
  const W = V + 1;
  for (let i = 0; i < kept; i++) {
    const rec = cand[i]! * W;
    const k = (first + i) * V;
    for (let v = 0; v < V; v++) {
      const x = payload[rec + v]!;
      losses[at + v]! += x;
      amount[k + v] = x;
    }
  }
}

function grownInt(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** The loans (portfolio order) that default in year 1 of scenario s under the fund's rules: that year's draws again. */
export function replayFundRulesYear(p: Portfolio, spec: MonteCarloSpec, s: number): number[] {
  const out: number[] = [];
  simulateFundRules(p, { ...spec, years: 1, scenarios: Math.max(spec.scenarios, s + 1) }, s, s + 1, (i) => out.push(i));
  return out;
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
