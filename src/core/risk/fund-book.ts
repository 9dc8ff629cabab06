/**
 * The book laid out for the fund rules' draws (fund-rules.ts). Within each cell the starting book's
 * loans are grouped by their class of life (⌊age⌋, capped at the last multiplier) and, with run-off,
 * ordered by years to maturity, longest first; each cell's cohort templates are ordered by term,
 * longest first. So in year y the loans of a group that are at risk all year are a prefix of the
 * group (PD exactly the group's multiplier × q: geometric skips at that rate, no thinning draw),
 * those maturing within the year are the next run (the only ones thinned to their part of the
 * year), and those already matured are never visited. Each loan's payouts, exposure and bank are
 * copied in that order, so a claim reads the layout forward instead of the book at random.
 *
 * Without run-off and with one multiplier the order is the book's own (a stable sort by equal
 * keys), so the draws are the plain run's, loan for loan.
 */
import type { Portfolio } from './portfolio';

export interface FundBook {
  /** Effective number of life classes (1 when every multiplier is the same). */
  classes: number;
  /** Position → the loan (portfolio order). Positions [0, loanCount): the starting book; after: cohort templates. */
  loan: Int32Array;
  /** Position → years to maturity (starting book) or whole term (templates); Infinity without run-off. Descending within a run. */
  key: Float64Array;
  /**
   * Each position's record, `width` = V + 3 numbers: its payouts under the V variants, its exposure,
   * its bank, its key (built on first read, from the arrays below; the engine does not read it).
   */
  readonly record: Float64Array;
  width: number;
  /**
   * What the engine reads (fund-rules.ts): each position's payouts under the V variants and its
   * exposure, V + 1 numbers (16 bytes at V = 1, half the record's 32: fewer cache lines and pages
   * among the positions a scenario visits at random); its bank apart (one byte up to 256 banks),
   * its key in `key` (read only for a candidate of a run maturing within the year).
   */
  payload: Float64Array;
  bank: Int32Array | Uint8Array;
  /** The starting book's group of cell j, class a: positions groupStart[j·classes + a] … groupStart[j·classes + a + 1]. */
  groupStart: Int32Array;
  /** Cell j's cohort templates: positions templateStart[j] … templateStart[j + 1]. */
  templateStart: Int32Array;
  /** Found once per year (groupEnds) and per year of a cohort's life (templateEnds). */
  groupEndsByYear: Map<number, Int32Array>;
  templateEndsByLife: Map<number, Int32Array>;
}

/** A cohort's loan k of m in a cell of n loans copies loan ⌊k·n/m⌋: spread evenly over the cell (sorted by payout). */
export const templateOf = (k: number, n: number, m: number): number => Math.floor((k * n) / m);

/** The number of life classes the multipliers need: 1 when they are all the same. */
export function lifeClasses(mult: ArrayLike<number>): number {
  for (let k = 1; k < mult.length; k++) if (mult[k] !== mult[0]) return mult.length;
  return 1;
}

const cache = new WeakMap<Portfolio, Map<string, FundBook>>();

/** The layout for these options, built once per portfolio (a worker runs many blocks of one book). */
export function fundBookOf(p: Portfolio, runOff: boolean, classes: number, cohortSize: Int32Array): FundBook {
  const id = `${runOff}|${classes}|${cohortSize.join(',')}`;
  let byId = cache.get(p);
  if (!byId) cache.set(p, (byId = new Map()));
  let b = byId.get(id);
  if (!b) {
    b = layOut(p, runOff, classes, cohortSize);
    // 29 bytes a position at V = 1 up to 256 banks (a loan or a cohort template; 32 more once the record is read): two option sets of a book kept, not every one asked for
    if (byId.size >= 2) byId.clear();
    byId.set(id, b);
  }
  return b;
}

function layOut(p: Portfolio, runOff: boolean, classes: number, cohortSize: Int32Array): FundBook {
  const V = p.variants.length;
  const C = p.cells.length;
  const remaining = p.life?.remainingYears;
  const age = p.life?.ageYears;
  const maturity = (i: number) => (runOff ? remaining![i]! : Infinity);
  const term = (i: number) => (runOff ? remaining![i]! + (age ? age[i]! : 0) : Infinity);
  const templates = cohortSize.reduce((t, m) => t + m, 0);
  let total = 0;
  for (const cell of p.cells) total += cell.count;
  const size = total + templates;
  const loan = new Int32Array(size);
  const key = new Float64Array(size);
  const groupStart = new Int32Array(C * classes + 1);
  const templateStart = new Int32Array(C + 1);
  // positions hold loans while sorting: sort a run of positions by key, stable
  const sortRun = (from: number, to: number) => {
    const run = Array.from(loan.subarray(from, to));
    const keys = Array.from(key.subarray(from, to));
    const ix = Array.from({ length: to - from }, (_, k) => k);
    ix.sort((a, b) => (keys[b]! > keys[a]! ? 1 : keys[b]! < keys[a]! ? -1 : a - b));
    for (let k = 0; k < ix.length; k++) {
      loan[from + k] = run[ix[k]!]!;
      key[from + k] = keys[ix[k]!]!;
    }
  };
  let at = 0;
  for (let j = 0; j < C; j++) {
    const cell = p.cells[j]!;
    for (let a = 0; a < classes; a++) {
      groupStart[j * classes + a] = at;
      const from = at;
      for (let k = 0; k < cell.count; k++) {
        const i = cell.start + k;
        const life = Math.floor(age ? age[i]! : 0);
        if ((life < classes - 1 ? life : classes - 1) !== a) continue;
        loan[at] = i;
        key[at++] = maturity(i);
      }
      if (runOff) sortRun(from, at);
    }
  }
  groupStart[C * classes] = at;
  for (let j = 0; j < C; j++) {
    const cell = p.cells[j]!;
    const m = cohortSize[j]!;
    templateStart[j] = at;
    const from = at;
    for (let k = 0; k < m; k++) {
      const i = cell.start + templateOf(k, cell.count, m);
      loan[at] = i;
      key[at++] = term(i);
    }
    if (runOff) sortRun(from, at);
  }
  templateStart[C] = at;
  const width = V + 3;
  const payload = new Float64Array(size * (V + 1));
  const bankOf = p.labels?.bank?.of;
  const bank = (p.labels?.bank?.names.length ?? 1) <= 256 ? new Uint8Array(size) : new Int32Array(size);
  for (let o = 0; o < size; o++) {
    const i = loan[o]!;
    for (let v = 0; v < V; v++) payload[o * (V + 1) + v] = p.payouts[i * V + v]!;
    payload[o * (V + 1) + V] = p.exposure[i]!;
    bank[o] = bankOf ? bankOf[i]! : 0;
  }
  let record: Float64Array | undefined;
  /** The wide record, from the same arrays (the engine reads payload, bank and key). */
  const wide = (): Float64Array => {
    const r = new Float64Array(size * width);
    for (let o = 0; o < size; o++) {
      for (let v = 0; v <= V; v++) r[o * width + v] = payload[o * (V + 1) + v]!;
      r[o * width + V + 1] = bank[o]!;
      r[o * width + V + 2] = key[o]!;
    }
    return r;
  };
  return {
    classes,
    loan,
    key,
    get record() {
      return (record ??= wide());
    },
    width,
    payload,
    bank,
    groupStart,
    templateStart,
    groupEndsByYear: new Map(),
    templateEndsByLife: new Map(),
  };
}

/**
 * The end of the run from `from` (keys descending) whose key − y ≥ d, by the same subtraction the
 * year's fraction at risk is computed with (monotone in the key, so the run is a prefix).
 */
export function endOfRun(key: Float64Array, from: number, to: number, y: number, d: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key[mid]! - y >= d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Year y: for each group g (cell·classes + class), the end of its run at risk all year [2g] and of its run maturing in the year [2g + 1]. */
export function groupEnds(b: FundBook, y: number): Int32Array {
  let ends = b.groupEndsByYear.get(y);
  if (!ends) b.groupEndsByYear.set(y, (ends = runEnds(b.key, b.groupStart, y)));
  return ends;
}

/** A cohort in its year `life` (0-based): for each cell j, the ends of its templates' two runs, [2j] and [2j + 1]. */
export function templateEnds(b: FundBook, life: number): Int32Array {
  let ends = b.templateEndsByLife.get(life);
  if (!ends) b.templateEndsByLife.set(life, (ends = runEnds(b.key, b.templateStart, life)));
  return ends;
}

function runEnds(key: Float64Array, starts: Int32Array, t: number): Int32Array {
  const n = starts.length - 1;
  const ends = new Int32Array(2 * n);
  for (let g = 0; g < n; g++) {
    const full = endOfRun(key, starts[g]!, starts[g + 1]!, t, 1);
    ends[2 * g] = full;
    ends[2 * g + 1] = endOfRun(key, full, starts[g + 1]!, t, Number.MIN_VALUE);
  }
  return ends;
}
