/**
 * Risk contributions (Euler allocation) of the Monte Carlo figures of one year: how much of ES and
 * of VaR each loan — and so each bank, programme, sector and grade — carries.
 * - ES_α = E[L | the worst 1 − α], so loan i's share is E[X_i | the same outcomes]: the tail
 *   scenarios' defaults, with the outcome at VaR counted in part exactly as `tailMeasures` counts
 *   it. The contributions add up to the ES of the run exactly (up to float round-off).
 * - VaR_α = E[L | L = VaR]: estimated from the k scenarios nearest VaR (a neighbourhood kernel,
 *   k = max(20, ⌈√n⌉)), E[X_i | near VaR], then scaled so that they add up to VaR.
 * The simulator keeps only each scenario's loss; the defaults behind a scenario are found again by
 * replaying it from its own stream Rng(seed, s), by the plain model (every cell's conditional PD,
 * then the geometric skip: the draws the simulator makes, see monte-carlo.test.ts), which also
 * gives back its loss: `replayYear` throws if it does not. A run with the fund's rules is replayed
 * by their own engine (run-off and the PD by year of life thin year 1's defaults).
 */
import { sectorRho } from './factors';
import { replayFundRulesYear } from './fund-rules';
import { CellThresholds } from './model-risk';
import { normalCdf } from './normal';
import type { MonteCarloSpec, ScenarioBlock } from './monte-carlo';
import type { Portfolio } from './portfolio';
import { Rng } from './random';
import { kthLargest, tailMeasures } from './statistics';

/** The loans (portfolio order) that default in the first year of scenario s (`model`: the spec's thresholds, made once by a caller that replays many). */
export function replayYear(
  p: Portfolio,
  spec: MonteCarloSpec,
  s: number,
  model = new CellThresholds(p, spec.copula, spec.pdPosterior),
): number[] {
  const found = new Defaults();
  replayInto(p, spec, s, model, found);
  return Array.from(found.loans.subarray(0, found.count));
}

/** A scenario's defaulting loans, in a buffer kept from one replay to the next (a tail scenario has tens of thousands). */
class Defaults {
  loans = new Int32Array(1024);
  count = 0;
  add(loan: number) {
    if (this.count === this.loans.length) {
      const more = new Int32Array(this.loans.length * 2);
      more.set(this.loans);
      this.loans = more;
    }
    this.loans[this.count++] = loan;
  }
}

/** replayYear into `found` (emptied first). */
function replayInto(p: Portfolio, spec: MonteCarloSpec, s: number, model: CellThresholds, found: Defaults) {
  found.count = 0;
  if (spec.fundRules) {
    for (const i of replayFundRulesYear(p, spec, s)) found.add(i);
    return;
  }
  const rho = sectorRho(p, spec.factors);
  const c = spec.factors.sectorCorrelation ?? 1;
  const rng = new Rng(spec.seed, s);
  model.startScenario(rng);
  const z = rng.normal() + spec.shift;
  const factor = new Float64Array(p.sectors.length);
  for (let k = 0; k < factor.length; k++) factor[k] = c === 1 ? z : Math.sqrt(c) * z + Math.sqrt(1 - c) * rng.normal();
  model.startYear(rng);
  for (const [j, cell] of p.cells.entries()) {
    const r = rho[cell.sector]!;
    const q =
      cell.pd <= 0
        ? 0
        : cell.pd >= 1
          ? 1
          : r === 0 && !model.dynamic
            ? cell.pd
            : normalCdf((model.thr[j]! - Math.sqrt(r) * factor[cell.sector]!) / Math.sqrt(1 - r));
    if (q <= 0) continue;
    if (q >= 1) {
      for (let i = 0; i < cell.count; i++) found.add(cell.start + i);
      continue;
    }
    const inv = -1 / Math.log1p(-q);
    let i = Math.floor(rng.exponential() * inv);
    while (i < cell.count) {
      found.add(cell.start + i);
      i += 1 + Math.floor(rng.exponential() * inv);
    }
  }
}

export interface Contributions {
  level: number;
  valueAtRisk: number;
  expectedShortfall: number;
  /** Per loan in portfolio order (fen): its share of ES and of VaR. */
  expectedShortfallByLoan: Float64Array;
  valueAtRiskByLoan: Float64Array;
  /** Scenarios replayed for ES (the tail) and for VaR (the neighbourhood). */
  tailScenarios: number;
  neighbourhood: number;
}

/** Euler contributions of every loan at `level` for variant v (year 1 of the block, which must be scenarios 0…n−1 of `spec`). */
export function riskContributions(
  p: Portfolio,
  spec: MonteCarloSpec,
  block: ScenarioBlock,
  v: number,
  level: number,
): Contributions {
  const n = block.to - block.from;
  const V = p.variants.length;
  const loss = (s: number) => block.losses[s * block.years * block.variants + v]!;
  const losses = Float64Array.from({ length: n }, (_, s) => loss(s));
  const { valueAtRisk: VaR, expectedShortfall: ES } = tailMeasures(losses, block.weights, [level])[0]!;
  const model = new CellThresholds(p, spec.copula, spec.pdPosterior);
  // ES: the scenarios above VaR in full, those at VaR in the part that makes the tail's weight (1 − α)·n
  const target = (1 - level) * n;
  let above = 0;
  let at = 0;
  for (let s = 0; s < n; s++) {
    if (losses[s]! > VaR) above += block.weights[s]!;
    else if (losses[s] === VaR) at += block.weights[s]!;
  }
  const part = at > 0 ? Math.max(0, Math.min(1, (target - above) / at)) : 0;
  const esWeight = new Map<number, number>();
  for (let s = 0; s < n; s++) {
    const w = losses[s]! > VaR ? block.weights[s]! : losses[s] === VaR ? block.weights[s]! * part : 0;
    if (w > 0 && losses[s] !== 0) esWeight.set(s, w / target);
  }
  // VaR: the k scenarios nearest VaR, weighted, then scaled to add up to VaR
  const k = Math.min(n, Math.max(20, Math.ceil(Math.sqrt(n))));
  const vaWeight = new Map<number, number>();
  let mass = 0;
  for (const s of nearest(losses, VaR, k)) {
    vaWeight.set(s, block.weights[s]!);
    mass += block.weights[s]! * losses[s]!;
  }
  // each scenario replayed once, for both (those just above VaR are in both), in scenario order
  const es = new Float64Array(p.loanCount);
  const va = new Float64Array(p.loanCount);
  const payouts = p.payouts;
  const found = new Defaults();
  for (const s of [...new Set([...esWeight.keys(), ...vaWeight.keys()])].sort((a, b) => a - b)) {
    const we = esWeight.get(s) ?? 0;
    const wv = vaWeight.get(s) ?? 0;
    replayInto(p, spec, block.from + s, model, found);
    let sum = 0;
    for (let d = 0; d < found.count; d++) {
      const i = found.loans[d]!;
      const x = payouts[i * V + v]!;
      es[i]! += we * x;
      va[i]! += wv * x;
      sum += x;
    }
    if (sum !== losses[s])
      throw new Error(`contributions: scenario ${block.from + s} replays to ${sum}, the simulator had ${losses[s]}`);
  }
  const scale = mass > 0 ? VaR / mass : 0;
  for (let i = 0; i < va.length; i++) va[i]! *= scale;
  return {
    level,
    valueAtRisk: VaR,
    expectedShortfall: ES,
    expectedShortfallByLoan: es,
    valueAtRiskByLoan: va,
    tailScenarios: esWeight.size,
    neighbourhood: k,
  };
}

/** Contributions summed by a label of each loan (`of[i]`: an index into `names`), largest ES first. */
export function contributionsBy(
  c: Contributions,
  { names, of }: { names: readonly string[]; of: ArrayLike<number> },
): { key: string; expectedShortfall: number; valueAtRisk: number }[] {
  const es = c.expectedShortfallByLoan;
  const va = c.valueAtRiskByLoan;
  const esSum = new Float64Array(names.length);
  const vaSum = new Float64Array(names.length);
  for (let i = 0; i < es.length; i++) {
    esSum[of[i]!]! += es[i]!;
    vaSum[of[i]!]! += va[i]!;
  }
  return rowsOf(names, esSum, vaSum);
}

/** Contributions summed by the loans' sector or grade: each cell's loans summed, then the cells by their sector or grade. */
export function contributionsByCell(
  c: Contributions,
  p: Portfolio,
  dimension: 'sector' | 'grade',
): { key: string; expectedShortfall: number; valueAtRisk: number }[] {
  const names = dimension === 'sector' ? p.sectors : p.grades;
  const es = new Float64Array(names.length);
  const va = new Float64Array(names.length);
  for (const cell of p.cells) {
    const k = cell[dimension];
    for (let i = cell.start; i < cell.start + cell.count; i++) {
      es[k]! += c.expectedShortfallByLoan[i]!;
      va[k]! += c.valueAtRiskByLoan[i]!;
    }
  }
  return rowsOf(names, es, va);
}

const rowsOf = (names: readonly string[], es: Float64Array, va: Float64Array) =>
  names
    .map((key, k) => ({ key, expectedShortfall: es[k]!, valueAtRisk: va[k]! }))
    .sort((a, b) => b.expectedShortfall - a.expectedShortfall || a.key.localeCompare(b.key));

/**
 * The n loans with the largest ES contribution (ties by portfolio order), then — when fewer than n
 * carry any ES — those carrying VaR only, in portfolio order: one pass over the loans keeping the n
 * best so far, neither a copy nor a sort of a million.
 */
export function largestContributors(c: Contributions, n: number): number[] {
  const es = c.expectedShortfallByLoan;
  const va = c.valueAtRiskByLoan;
  if (n <= 0) return [];
  const best: number[] = []; // largest ES first; a later loan with an equal ES ranks after
  for (let i = 0; i < es.length; i++) {
    const x = es[i]!;
    if (x <= 0 || (best.length === n && x <= es[best[n - 1]!]!)) continue;
    let at = best.length === n ? n - 1 : best.length;
    while (at > 0 && es[best[at - 1]!]! < x) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
  }
  for (let i = 0; i < es.length && best.length < n; i++) if (es[i] === 0 && va[i]! > 0) best.push(i);
  return best;
}

/** The k scenarios whose loss is nearest x, nearest first (ties by scenario), found by selection, not by sorting all. */
function nearest(losses: Float64Array, x: number, k: number): number[] {
  const distance = (s: number) => Math.abs(losses[s]! - x);
  const bound = -kthLargest(
    Float64Array.from(losses, (l) => -Math.abs(l - x)),
    k,
  );
  const closer: number[] = [];
  const atBound: number[] = [];
  for (let s = 0; s < losses.length; s++) {
    const d = distance(s);
    if (d < bound) closer.push(s);
    else if (d === bound && atBound.length < k) atBound.push(s);
  }
  closer.sort((a, b) => distance(a) - distance(b) || a - b);
  return [...closer, ...atBound].slice(0, k);
}
