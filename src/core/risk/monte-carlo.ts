/**
 * Monte Carlo of the Gaussian copula (one-factor or sector-factor), exact per loan: given the
 * factors, the loans of a cell default independently with the same conditional PD p, so the
 * next defaulting loan is found by a geometric skip (gap = ⌊E / −ln(1 − p)⌋, E ~ Exp(1)) — the cost grows
 * with the number of defaults, not of loans. Each default adds that loan's own payout under
 * every variant: the variants see the same defaults (common random numbers), so differences
 * between them are free of sampling noise from the defaults.
 *
 * Scenario s draws from its own stream Rng(seed, s), so any split of scenarios over workers gives
 * the same numbers. Importance sampling: the global factor Z is drawn from N(shift, 1); each
 * scenario carries the likelihood ratio exp(−shift·Z + shift²/2) per year as its weight.
 *
 * The t copula and the PD's uncertainty (model-risk.ts) only move each cell's threshold per
 * scenario and year; the rest of the machinery is the same.
 */
import { checkFactorModel, sectorRho, type FactorModel } from './factors';
import { CellThresholds, checkCopula, type PdPosterior, type TCopula } from './model-risk';
import { normalCdf } from './normal';
import { RiskInputError, type Portfolio } from './portfolio';
import { Rng } from './random';
import { mergeFundPaths, simulateFundRules, type FundPathBlock, type FundRules } from './fund-rules';

export interface MonteCarloSpec {
  factors: FactorModel;
  seed: number;
  scenarios: number;
  /** Years per path (1 = one year's loss distribution). */
  years: number;
  /** Mean of the global factor under importance sampling; 0 = plain Monte Carlo, −1…−3 for tails. */
  shift: number;
  /** The Student-t copula; absent = Gaussian. */
  copula?: TCopula;
  /** Per grade (portfolio order), the posterior each scenario draws the grade's PD from; null = fixed. Absent = fixed PDs. */
  pdPosterior?: readonly (PdPosterior | null)[];
  /**
   * φ of the global factor's AR(1) over the years: Z_y = φ·Z_{y−1} + √(1−φ²)·ε_y, so a bad year
   * makes the next worse; Z stays standard normal each year (single-year figures unchanged). 0 (the
   * default) = independent years. Sector factors' own parts stay independent.
   */
  factorPersistence?: number;
  /** The fund's rules inside the multi-year run (fund-rules.ts); absent = the book renewed each year. */
  fundRules?: FundRules;
}

/**
 * Scenarios from…to−1: losses[((s − from)·years + y)·variants + v] in fen (the claims that arise in
 * year y), each scenario's weight, and with fund rules the fund's own path (fund-rules.ts).
 */
export interface ScenarioBlock {
  from: number;
  to: number;
  variants: number;
  years: number;
  losses: Float64Array;
  weights: Float64Array;
  fund?: FundPathBlock;
}

export const MAX_SCENARIOS = 10_000_000;
export const MAX_YEARS = 50;

export function checkMonteCarloSpec(spec: MonteCarloSpec): void {
  checkFactorModel(spec.factors);
  checkCopula(spec.copula);
  if (!Number.isSafeInteger(spec.seed)) throw new RiskInputError('seed', 'must be a whole number');
  if (!Number.isInteger(spec.scenarios) || spec.scenarios < 1 || spec.scenarios > MAX_SCENARIOS)
    throw new RiskInputError('scenarios', `must be a whole number from 1 to ${MAX_SCENARIOS}`);
  if (!Number.isInteger(spec.years) || spec.years < 1 || spec.years > MAX_YEARS)
    throw new RiskInputError('years', `must be a whole number from 1 to ${MAX_YEARS}`);
  if (!Number.isFinite(spec.shift) || Math.abs(spec.shift) > 6)
    throw new RiskInputError('shift', 'must be a number between −6 and 6');
  const phi = spec.factorPersistence ?? 0;
  if (!(Number.isFinite(phi) && phi > -1 && phi < 1))
    throw new RiskInputError('factorPersistence', 'must be a number above −1 and below 1');
}

/** The global factor of year y from this year's draw ε (shifted under importance sampling) and last year's Z. */
export function nextFactor(phi: number, previous: number, e: number, y: number): number {
  return phi === 0 || y === 0 ? e : phi * previous + Math.sqrt(1 - phi * phi) * e;
}

/**
 * A cell's "no default at all" test without Φ: in scenario terms the cell's first default is at
 * ⌊E / λ(x)⌋ with λ(x) = −ln(1 − Φ(x)) increasing in x, so for x in the table's bin k,
 * E · NO_DEFAULT_INV[k] ≥ n proves ⌊E / λ(x)⌋ ≥ n — the cell has no default — with the same
 * draw E the exact path would use. Only when it may have one are Φ(x) and ln(1 − q) computed. In a
 * small book most cells have no default in most scenarios, so most Φ are never needed; the result
 * is the same number for number (the bound is taken at the bin's upper end, less 1e-9 relative,
 * far more than the last-bit wobble of Φ and ln).
 */
export const TABLE_FROM = -30;
const TABLE_TO = 8; // Φ(8) < 1 and Φ(−30) > 0 in double precision: every q in the table is strictly inside (0, 1)
export const TABLE_STEPS_PER_UNIT = 32;
export const NO_DEFAULT_INV = (() => {
  const n = (TABLE_TO - TABLE_FROM) * TABLE_STEPS_PER_UNIT;
  const t = new Float64Array(n);
  for (let k = 0; k < n; k++)
    t[k] = (-1 / Math.log1p(-normalCdf(TABLE_FROM + (k + 1) / TABLE_STEPS_PER_UNIT))) * (1 - 1e-9);
  return t;
})();

export function simulateScenarios(p: Portfolio, spec: MonteCarloSpec, from: number, to: number): ScenarioBlock {
  checkMonteCarloSpec(spec);
  if (spec.fundRules) return simulateFundRules(p, spec, from, to);
  const phi = spec.factorPersistence ?? 0;
  const V = p.variants.length;
  const Y = spec.years;
  const S = p.sectors.length;
  const rho = sectorRho(p, spec.factors);
  const c = spec.factors.sectorCorrelation ?? 1;
  const sc = Math.sqrt(c);
  const si = Math.sqrt(1 - c);
  // The cells as flat typed arrays. kind: 0 = no loan can default (PD 0), 1 = every loan defaults
  // (PD 1), 2 = a fixed PD (ρ = 0 and a fixed threshold; inv precomputed), 3 = conditional PD Φ((thr − a·Y)/b).
  const model = new CellThresholds(p, spec.copula, spec.pdPosterior);
  const thr = model.thr;
  const C = p.cells.length;
  const cStart = new Float64Array(C),
    cCount = new Float64Array(C),
    cSector = new Int32Array(C),
    kind = new Int32Array(C);
  const ca = new Float64Array(C),
    cb = new Float64Array(C),
    fixedInv = new Float64Array(C);
  for (let j = 0; j < C; j++) {
    const cell = p.cells[j]!;
    cStart[j] = cell.start;
    cCount[j] = cell.count;
    cSector[j] = cell.sector;
    ca[j] = Math.sqrt(rho[cell.sector]!);
    cb[j] = Math.sqrt(1 - rho[cell.sector]!);
    if (cell.pd <= 0) kind[j] = 0;
    else if (cell.pd >= 1) kind[j] = 1;
    else if (ca[j] === 0 && !model.dynamic) {
      kind[j] = 2;
      fixedInv[j] = -1 / Math.log1p(-cell.pd);
    } else kind[j] = 3;
  }
  const payouts = p.payouts;
  const losses = new Float64Array((to - from) * Y * V);
  const weights = new Float64Array(to - from);
  const factor = new Float64Array(S);
  const shift = spec.shift;
  const table = NO_DEFAULT_INV;
  const tableSize = table.length;
  for (let s = from; s < to; s++) {
    const rng = new Rng(spec.seed, s);
    let weight = 1;
    model.startScenario(rng);
    let z = 0;
    for (let y = 0; y < Y; y++) {
      const e0 = rng.normal() + shift;
      if (shift !== 0) weight *= Math.exp(-shift * e0 + 0.5 * shift * shift);
      z = nextFactor(phi, z, e0, y);
      for (let k = 0; k < S; k++) factor[k] = c === 1 ? z : sc * z + si * rng.normal();
      model.startYear(rng);
      const at = ((s - from) * Y + y) * V;
      for (let j = 0; j < C; j++) {
        const kj = kind[j]!;
        if (kj === 0) continue;
        const n = cCount[j]!;
        const base = cStart[j]!;
        if (kj === 1) {
          for (let i = 0; i < n; i++) for (let v = 0; v < V; v++) losses[at + v]! += payouts[(base + i) * V + v]!;
          continue;
        }
        let inv: number;
        let e: number;
        if (kj === 2) {
          inv = fixedInv[j]!;
          e = rng.exponential();
        } else {
          const x = (thr[j]! - ca[j]! * factor[cSector[j]!]!) / cb[j]!;
          const bin = Math.floor((x - TABLE_FROM) * TABLE_STEPS_PER_UNIT);
          if (bin >= 0 && bin < tableSize) {
            e = rng.exponential();
            if (e * table[bin]! >= n) continue; // no default in this cell: proven without Φ
            inv = -1 / Math.log1p(-normalCdf(x));
          } else {
            // far tails: the general path (q may be exactly 0 or 1 in double precision)
            const q = normalCdf(x);
            if (q <= 0) continue;
            if (q >= 1) {
              for (let i = 0; i < n; i++) for (let v = 0; v < V; v++) losses[at + v]! += payouts[(base + i) * V + v]!;
              continue;
            }
            inv = -1 / Math.log1p(-q);
            e = rng.exponential();
          }
        }
        // the first default at ⌊e·inv⌋, then gaps ~ Geometric(q): ⌊E / λ⌋ with E ~ Exp(1), λ = −ln(1 − q)
        let i = Math.floor(e * inv);
        if (i >= n) continue;
        if (V === 1) {
          losses[at]! += rng.skipSumFrom(i, n, inv, payouts, base);
        } else {
          while (i < n) {
            const o = (base + i) * V;
            for (let v = 0; v < V; v++) losses[at + v]! += payouts[o + v]!;
            i += 1 + Math.floor(rng.exponential() * inv);
          }
        }
      }
    }
    weights[s - from] = weight;
  }
  return { from, to, variants: V, years: Y, losses, weights };
}

/** The buffers of a block's arrays, to move them to or from a worker thread. */
export function blockBuffers(b: ScenarioBlock): ArrayBufferLike[] {
  const f = b.fund;
  return [
    b.losses.buffer,
    b.weights.buffer,
    ...(f ? [f.paid.buffer, f.held.buffer, f.queued.buffer, f.due.buffer, f.waited.buffer, f.exhausted.buffer] : []),
  ];
}

/** Joins blocks in scenario order, whatever order they came back in. */
export function mergeBlocks(blocks: readonly ScenarioBlock[]): ScenarioBlock {
  const sorted = [...blocks].sort((a, b) => a.from - b.from);
  const first = sorted[0];
  if (!first) throw new RangeError('no scenario blocks to merge');
  const { variants, years } = first;
  const from = first.from;
  const to = sorted[sorted.length - 1]!.to;
  const losses = new Float64Array((to - from) * years * variants);
  const weights = new Float64Array(to - from);
  let expect = from;
  for (const b of sorted) {
    if (b.from !== expect) throw new RangeError(`scenario blocks leave a gap at ${expect}`);
    losses.set(b.losses, (b.from - from) * years * variants);
    weights.set(b.weights, b.from - from);
    expect = b.to;
  }
  const fund = first.fund ? mergeFundPaths(sorted.map((b) => b.fund!)) : undefined;
  return { from, to, variants, years, losses, weights, ...(fund ? { fund } : {}) };
}

/** One variant's loss in one year (0-based) for every scenario of the block. */
export function yearLosses(b: ScenarioBlock, variant: number, year = 0): Float64Array {
  const n = b.to - b.from;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) out[s] = b.losses[(s * b.years + year) * b.variants + variant]!;
  return out;
}
