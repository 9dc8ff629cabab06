/**
 * The demo's book as a plan: which bank lends what to whom and when, and what becomes of each
 * loan (repaid, still running, partly repaid, gone bad). Pure: the seed runs the plan through the
 * use cases in date order.
 */
import { addDays, dayNumber, daysInMonth, isoDate, type WorkingCalendar } from '../../core/calendar';
import type { Fen } from '../../core/money/money';
import { DEMO_BANKS, NEAR_BREAKER_BANK, TRIPPED_BANK } from './demo.data';
import type { DemoEnterprise } from './demo.enterprises';
import type { Random } from './prng';

export const PROGRAMME_A = 'etown-2023-small-micro';
export const PROGRAMME_B = 'etown-2025-sci-tech';
export const PROGRAMME_B_FROM = '2025-07-10';

export interface LoanPlan {
  n: number;
  bankId: string;
  bankRef: string;
  enterpriseId: string;
  programme: typeof PROGRAMME_A | typeof PROGRAMME_B;
  kind: 'credit' | 'ip-pledge' | 'receivables-pledge';
  principal: Fen;
  disbursedOn: string;
  filedOn: string;
  maturesOn: string;
  riskSharing: boolean;
  /** A part prepaid half-way through the term. */
  partRepayment: { on: string; amount: Fen } | null;
  /** How the principal is repaid: all at maturity, equal instalments, or small instalments and a balloon. */
  repaymentStyle: 'bullet' | 'quarterly' | 'half-yearly' | 'balloon';
  /**
   * The repayments the bank reports up to the demo's day, in date order: the instalments that fell
   * due, the prepayment, and the rest at maturity (the loan is then repaid and closed). A loan stops
   * paying when it runs overdue (a default or a late payer).
   */
  repayments: { on: string; amount: Fen }[];
  /** Goes bad: overdue since, classified substandard on, claimed on. */
  default: { overdueSince: string; classifiedOn: string; claimOn: string } | null;
  /** Runs late but is not yet non-performing, or becomes so by the daily sweep (R6). */
  late: { overdueSince: string; reportedOn: string } | null;
}

const A_ELIGIBLE = (e: DemoEnterprise) =>
  e.registeredInZone &&
  !e.restrictedProcesses &&
  !['finance', 'quasi-finance', 'real-estate'].includes(e.industry) &&
  (e.size === 'micro' || e.size === 'small');
const B_ELIGIBLE = (e: DemoEnterprise) =>
  e.registeredInZone &&
  !e.restrictedProcesses &&
  !['finance', 'quasi-finance', 'real-estate'].includes(e.industry) &&
  e.sciTech &&
  e.size !== 'large';

const WAN = 1_000_000n; // 10,000 yuan in fen
/** Loans that matured within this many days before the demo's day are in it, repaid and closed; earlier ones have left the book. */
const REPAID_WINDOW_DAYS = 365;

/** A principal in whole 万元 (10,000 yuan), skewed to small loans as SME lending is. */
function principalOf(rnd: Random, maxWan: number, medianWan: number): Fen {
  const u = rnd.next();
  const wan = Math.round(medianWan * Math.exp(1.1 * Math.log(u / (1 - u)) * 0.6));
  const bounded = Math.max(20, Math.min(maxWan, wan));
  const rounded = bounded >= 200 ? Math.round(bounded / 10) * 10 : bounded;
  return BigInt(rounded) * WAN;
}

/** The same day of the month `months` later (the month's last day when it is shorter): an instalment's due date. */
export function monthsAfter(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = y * 12 + (m - 1) + months;
  const year = Math.floor(t / 12);
  const month = (t % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, daysInMonth(year, month))).padStart(2, '0')}`;
}

/**
 * A loan's repayments before `before`, walking its balance: each instalment (equal shares every 3 or
 * 6 months, or 10% every 6 months for a balloon loan) as far as the balance goes, the prepayment on
 * its day, and whatever is left at maturity. Amounts in whole 万元 except the last. A loan that runs
 * overdue later (`keepOpen`) is never paid off before: it still owes what goes bad.
 */
export function repaymentsOf({
  principal,
  disbursedOn,
  maturesOn,
  months,
  style,
  prepayment,
  before,
  keepOpen = false,
}: {
  principal: Fen;
  disbursedOn: string;
  maturesOn: string;
  months: number;
  style: LoanPlan['repaymentStyle'];
  prepayment: { on: string; amount: Fen } | null;
  before: string;
  keepOpen?: boolean;
}): { on: string; amount: Fen }[] {
  const due: { on: string; amount: Fen | 'rest' }[] = [];
  const period = style === 'quarterly' ? 3 : style === 'bullet' ? 0 : 6;
  if (period > 0) {
    const count = Math.floor(months / period);
    const share = style === 'balloon' ? (principal / 10n / WAN) * WAN : (principal / BigInt(count) / WAN) * WAN;
    for (let k = 1; k < count; k++) due.push({ on: monthsAfter(disbursedOn, k * period), amount: share });
  }
  if (prepayment) due.push(prepayment);
  due.push({ on: maturesOn, amount: 'rest' });
  due.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
  let balance = principal;
  const out: { on: string; amount: Fen }[] = [];
  for (const d of due) {
    if (d.on >= before || d.on <= disbursedOn || balance === 0n) break;
    const amount = d.amount === 'rest' || d.amount > balance ? balance : d.amount;
    if (amount <= 0n) continue;
    if (keepOpen && amount === balance) break;
    out.push({ on: d.on, amount });
    balance -= amount;
  }
  return out;
}

export function planLoans({
  rnd,
  enterprises,
  count,
  start,
  asOf,
  calendar,
}: {
  rnd: Random;
  enterprises: DemoEnterprise[];
  count: number;
  start: string;
  asOf: string;
  calendar: WorkingCalendar;
}): LoanPlan[] {
  const aPool = enterprises.filter(A_ELIGIBLE);
  const bPool = enterprises.filter(B_ELIGIBLE);
  const banks = DEMO_BANKS.map((b) => [b.id, b.weight] as const);
  const seq = new Map<string, number>();
  const startDay = dayNumber(start);
  const span = dayNumber(asOf) - 12 - startDay;
  const plans: LoanPlan[] = [];
  // R17 leaves some planned loans out; more are planned until `count` remain.
  let kept: LoanPlan[];
  for (let n = 0, target = count; ; n++) {
    if (n === target) {
      kept = withoutLoansToBadEnterprises(plans);
      if (kept.length >= count) break;
      target += count - kept.length + 10;
    }
    // More lending later in the period: the scheme grows (G8).
    const disbursedOn = isoDate(startDay + Math.floor(span * Math.sqrt(rnd.next())));
    const late = calendar.addWorkingDays(
      disbursedOn,
      rnd.weighted([
        [0, 2],
        [1, 3],
        [2, 3],
        [3, 2],
        [5, 2],
        [7, 1],
        [9, 1],
      ]),
    );
    const filedOn = late <= asOf ? late : asOf;
    const bankId = rnd.weighted(banks);
    const canB = filedOn >= PROGRAMME_B_FROM;
    // The Plan is new: a tenth of the book since it began, most of it shared with a guarantor (G7).
    const programme = canB && rnd.chance(0.1) ? PROGRAMME_B : PROGRAMME_A;
    const pool = programme === PROGRAMME_B ? bPool : aPool;
    const enterprise = rnd.pick(pool);
    const kind = rnd.weighted([
      ['credit', 55],
      ['ip-pledge', 20],
      ['receivables-pledge', 25],
    ] as const);
    // Bank of Beijing, the zone's own city bank, writes bigger tickets: the book that puts it near G4.
    const base = programme === PROGRAMME_B ? principalOf(rnd, 1000, 40) : principalOf(rnd, 1000, 22);
    const principal = bankId === NEAR_BREAKER_BANK && base * 2n <= 1000n * WAN ? base * 2n : base;
    // Loans repaid long ago have left the book: an early loan still on it is a longer one; the last
    // year's maturities are in it, repaid and closed, and the running loans pay their instalments.
    let months: number = rnd.weighted([
      [6, 1],
      [12, 7],
      [24, 2],
      [36, 1],
    ] as const);
    while (addDays(disbursedOn, Math.round(months * 30.44)) < addDays(asOf, -REPAID_WINDOW_DAYS)) months += 12;
    const maturesOn = addDays(disbursedOn, Math.round(months * 30.44));
    const riskSharing = programme === PROGRAMME_B && rnd.chance(0.8);
    const year = filedOn.slice(0, 4);
    const k = (seq.get(`${bankId}${year}`) ?? 0) + 1;
    seq.set(`${bankId}${year}`, k);
    const bankRef = `${bankId.slice(5).toUpperCase()}-${year}-${String(k).padStart(5, '0')}`;

    const half = addDays(disbursedOn, Math.round(months * 15.2));
    const partRepayment =
      months >= 12 && half <= asOf && rnd.chance(0.03)
        ? { on: half, amount: ((principal * BigInt(rnd.int(2, 5))) / 10n / WAN) * WAN }
        : null;

    // Defaults: about 2% of loans, more at the bank that ends near its breaker (G4).
    const pd = bankId === TRIPPED_BANK ? 0.02 : bankId === NEAR_BREAKER_BANK ? 0.008 : 0.022;
    let def: LoanPlan['default'] = null;
    const overdueSince = addDays(disbursedOn, rnd.int(75, Math.max(80, Math.min(months * 30, 420))));
    const classifiedOn = addDays(overdueSince, rnd.int(91, 130));
    if (rnd.chance(pd) && classifiedOn <= addDays(asOf, -2)) {
      const claimOn = addDays(classifiedOn, rnd.int(1, 12));
      def = { overdueSince, classifiedOn, claimOn: claimOn <= addDays(asOf, -1) ? claimOn : addDays(asOf, -1) };
    }
    let runsLate: LoanPlan['late'] = null;
    if (!def && maturesOn > asOf && rnd.chance(0.012)) {
      const since = addDays(asOf, -rnd.int(20, 110));
      if (since > filedOn)
        runsLate = {
          overdueSince: since,
          reportedOn: addDays(since, Math.min(rnd.int(15, 40), dayNumber(asOf) - dayNumber(since))),
        };
    }
    // Short loans mostly repay at maturity (到期一次还本); longer ones by instalments (分期还本), some with a balloon.
    const repaymentStyle =
      months <= 12
        ? rnd.weighted([
            ['bullet', 6],
            ['quarterly', 3],
            ['balloon', 1],
          ] as const)
        : rnd.weighted([
            ['bullet', 2],
            ['half-yearly', 4],
            ['quarterly', 2],
            ['balloon', 2],
          ] as const);
    const prepayment = def && partRepayment && partRepayment.on >= def.overdueSince ? null : partRepayment;
    // Paid until the loan runs overdue, and only what fell due by the demo's day.
    const stop = [def?.overdueSince, runsLate?.overdueSince, addDays(asOf, 1)]
      .filter((d): d is string => !!d)
      .sort()[0]!;
    plans.push({
      n,
      bankId,
      bankRef,
      enterpriseId: enterprise.id,
      programme,
      kind,
      principal,
      disbursedOn,
      filedOn,
      maturesOn,
      riskSharing,
      partRepayment: prepayment,
      repaymentStyle,
      repayments: repaymentsOf({
        principal,
        disbursedOn,
        maturesOn,
        months,
        style: repaymentStyle,
        prepayment,
        before: stop,
        keepOpen: !!(def ?? runsLate),
      }),
      default: def,
      late: runsLate,
    });
  }
  // Leaving out loans only takes bad loans away: what remains keeps R17.
  return kept.slice(0, count);
}

/** Planned loans in the order they are filed: by filing day, then as planned. */
export const byFilingDay = (a: LoanPlan, b: LoanPlan) =>
  a.filedOn < b.filedOn ? -1 : a.filedOn > b.filedOn ? 1 : a.n - b.n;

/** The day a planned loan turns non-performing (R6: classified, or overdue more than 90 days), if it does. */
export function badFromOf(p: Pick<LoanPlan, 'default' | 'late'>): string | null {
  const since = p.default?.overdueSince ?? p.late?.overdueSince;
  if (!since) return null;
  const overdue = addDays(since, 91);
  return p.default && p.default.classifiedOn < overdue ? p.default.classifiedOn : overdue;
}

/**
 * R17: an enterprise with a bad loan in the fund gets no new one there, so the plan leaves out a
 * loan filed on or after the day an earlier one of its enterprise went bad (bad for good: the
 * demo's recoveries are partial).
 */
export function withoutLoansToBadEnterprises(plans: LoanPlan[]): LoanPlan[] {
  const badFrom = new Map<string, string>();
  const kept = new Set<LoanPlan>();
  for (const p of [...plans].sort(byFilingDay)) {
    const since = badFrom.get(p.enterpriseId);
    if (since !== undefined && p.filedOn >= since) continue;
    kept.add(p);
    const bad = badFromOf(p);
    if (bad !== null && (since === undefined || bad < since)) badFrom.set(p.enterpriseId, bad);
  }
  return plans.filter((p) => kept.has(p));
}
