/**
 * Default probabilities estimated from the book's own history, per grade.
 *
 * Each loan is at risk from its disbursement until it defaults (becomes non-performing), ends
 * otherwise (repaid) or the day of the estimate, whichever comes first; that time is split over the
 * grades the loan held (a grade change moves the rest of the time to the new grade), and a default
 * counts for the grade the loan held on the day it defaulted. Per grade, with D defaults in T
 * loan-years (days / 365.25), the default intensity λ has the Jeffreys posterior Gamma(D + ½, T)
 * — the small-sample treatment: a grade with no default yet does not get PD 0, and few loan-years
 * give a wide interval. The one-year PD is 1 − exp(−λ) at the posterior mean (D + ½) / T, with the
 * equal-tailed 95% interval from the posterior's quantiles.
 *
 * A grade with less than `minLoanYears` of history (default 1 loan-year) has no usable history:
 * the manager's PD is used and the estimate says so; without one it is an input error.
 */
import { dayNumber, type IsoDate } from '../calendar/dates';
import { RiskInputError } from './portfolio';

export interface LoanHistory {
  /** The day the loan was disbursed: its time at risk starts. */
  from: IsoDate;
  /** The grade at disbursement first, then each change of grade with the day it took effect, in date order. */
  grades: readonly { on: IsoDate; grade: string }[];
  /** The day the loan defaulted (became non-performing), if it did. */
  defaultedOn?: IsoDate | undefined;
  /** The day its exposure ended without a default (repaid), if it did. */
  endedOn?: IsoDate | undefined;
}

export interface GradeHistory {
  grade: string;
  /** Loans with time at risk (or a default) in the grade. */
  loans: number;
  defaults: number;
  loanYears: number;
}

export const DAYS_PER_YEAR = 365.25;
export const MIN_LOAN_YEARS = 1;

/** Time at risk and defaults per grade up to `asOf` (exclusive of later events), grades in first-seen order. */
export function gradeHistories(loans: readonly LoanHistory[], asOf: IsoDate): GradeHistory[] {
  const out = new Map<string, { loans: number; defaults: number; days: number }>();
  const at = (g: string) => {
    let h = out.get(g);
    if (!h) out.set(g, (h = { loans: 0, defaults: 0, days: 0 }));
    return h;
  };
  const today = dayNumber(asOf);
  for (const [i, loan] of loans.entries()) {
    if (loan.grades.length === 0)
      throw new RiskInputError(`history[${i}].grades`, 'must give the grade at disbursement');
    const start = dayNumber(loan.from);
    const defaulted =
      loan.defaultedOn !== undefined && dayNumber(loan.defaultedOn) <= today ? dayNumber(loan.defaultedOn) : undefined;
    const ended = loan.endedOn !== undefined ? dayNumber(loan.endedOn) : Infinity;
    const end = Math.min(defaulted ?? Infinity, ended, today);
    if (end < start) continue; // disbursed after the estimate's day (or dates out of order): no time at risk
    const seen = new Set<string>();
    for (let k = 0; k < loan.grades.length; k++) {
      const g = loan.grades[k]!.grade;
      const from = k === 0 ? start : Math.max(start, dayNumber(loan.grades[k]!.on));
      const to = k + 1 < loan.grades.length ? Math.min(end, Math.max(start, dayNumber(loan.grades[k + 1]!.on))) : end;
      if (to > from) {
        at(g).days += to - from;
        seen.add(g);
      }
    }
    if (defaulted !== undefined && defaulted >= start && defaulted <= end) {
      let g = loan.grades[0]!.grade;
      for (const c of loan.grades.slice(1)) if (dayNumber(c.on) <= defaulted) g = c.grade;
      at(g).defaults++;
      seen.add(g);
    }
    for (const g of seen) at(g).loans++;
  }
  return [...out].map(([grade, h]) => ({
    grade,
    loans: h.loans,
    defaults: h.defaults,
    loanYears: h.days / DAYS_PER_YEAR,
  }));
}

export interface PdEstimate {
  grade: string;
  /** The one-year PD the simulation uses for the grade. */
  pd: number;
  /** Where `pd` comes from: the book's history, or the manager's value. */
  source: 'history' | 'manager';
  /** The manager's PD for the grade, when one was given. */
  managerPd?: number;
  /** The book's history of the grade, when it was looked at (also when too short to use). */
  history?: {
    loans: number;
    defaults: number;
    loanYears: number;
    /** The Jeffreys 95% interval of the one-year PD, when the PD is estimated from it. */
    interval?: [number, number];
  };
  /** Why the manager's value is used although history was asked for. */
  note?: string;
}

export interface EstimateOptions {
  /** The grades that need a PD (the portfolio's). */
  grades: readonly string[];
  /** The manager's PDs: used for grades without enough history. */
  managerPd?: Readonly<Record<string, number>>;
  minLoanYears?: number;
  /** Interval level, default 0.95. */
  level?: number;
}

/** One-year PD from D defaults in T loan-years: Jeffreys posterior mean of the intensity and its interval. */
export function jeffreysPd(
  defaults: number,
  loanYears: number,
  level = 0.95,
): { pd: number; interval: [number, number] } {
  if (!(loanYears > 0)) throw new RangeError('loanYears must be positive');
  const shape = defaults + 0.5;
  const toPd = (lambda: number) => -Math.expm1(-lambda);
  const a = (1 - level) / 2;
  return {
    pd: toPd(shape / loanYears),
    interval: [toPd(gammaQuantile(a, shape) / loanYears), toPd(gammaQuantile(1 - a, shape) / loanYears)],
  };
}

export function estimatePds(
  histories: readonly GradeHistory[],
  { grades, managerPd = {}, minLoanYears = MIN_LOAN_YEARS, level = 0.95 }: EstimateOptions,
): PdEstimate[] {
  const byGrade = new Map(histories.map((h) => [h.grade, h]));
  return grades.map((grade): PdEstimate => {
    const h = byGrade.get(grade) ?? { grade, loans: 0, defaults: 0, loanYears: 0 };
    const manager = managerPd[grade];
    const history = { loans: h.loans, defaults: h.defaults, loanYears: h.loanYears };
    const given = manager !== undefined ? { managerPd: manager } : {};
    if (h.loanYears >= minLoanYears) {
      const { pd, interval } = jeffreysPd(h.defaults, h.loanYears, level);
      return { grade, pd, source: 'history', ...given, history: { ...history, interval } };
    }
    const why =
      h.loanYears === 0
        ? 'no history'
        : `only ${h.loanYears.toFixed(2)} loan-years of history (${minLoanYears} needed)`;
    if (manager === undefined)
      throw new RiskInputError(`pdByGrade.${grade}`, `has ${why} and no PD set by the manager`);
    return { grade, pd: manager, source: 'manager', ...given, history, note: `${why}: the manager's PD` };
  });
}

/** The manager's PDs as the report shows them when no history was asked for. */
export function managerPds(grades: readonly string[], managerPd: Readonly<Record<string, number>>): PdEstimate[] {
  return grades
    .filter((g) => managerPd[g] !== undefined)
    .map((grade) => ({ grade, pd: managerPd[grade]!, source: 'manager', managerPd: managerPd[grade]! }));
}

// The gamma distribution's quantile: the regularized lower incomplete gamma P(a, x) (series below
// a + 1, Lentz's continued fraction above; Numerical Recipes §6.2), inverted by bisection.

/** ln Γ(x) for x > 0 (also used by the Student-t distribution). */
export function logGamma(x: number): number {
  // Lanczos, g = 7, n = 9: relative error below 1e-15 for x > 0
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(lead);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(lead) * h;
}

/** x with P(a, x) = p, for Gamma(a, 1). */
export function gammaQuantile(p: number, a: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError('p must be inside (0, 1)');
  let lo = 0;
  let hi = Math.max(1, a);
  while (gammaP(a, hi) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (gammaP(a, mid) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
