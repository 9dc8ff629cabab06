/**
 * Reports (issue 4, item 9): the fund's position from its ledger accounts; the book broken down
 * by bank, programme, loan kind and month; NPL and claim ratios per bank with G4's breaker (the
 * breaker's own computation, breaker.usecases.ts); the risk-sharing split (F14–F16, G7); payouts
 * and recoveries by month. Sums are taken in SQL as bigint fen, read as text, turned into bigint
 * and formatted as yuan strings — never a JS float. A bank sees only its own rows; a guarantor
 * only the loans it guarantees.
 */
import { divideRounded, formatYuan, type Fen } from '../../core/money/money';
import { scopeFor, type Actor } from '../auth/access';
import { breakerFrom, breakerView, figuresOf } from '../claims/breaker.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { reportErrors } from './reports.errors';
import {
  bankBooks,
  bookBreakdown,
  fundAccountSums,
  fundBook,
  fundIdsOf,
  fundNameAndMultiple,
  monthlyFlows,
  riskSharingBook,
  riskSharingClaimed,
  riskSharingParties,
  replicationLagSeconds,
  type Breakdown,
} from './reports.repository';

export { BREAKDOWNS, type Breakdown } from './reports.repository';

const fen = (v: unknown): Fen => BigInt((v as string | null) ?? '0');
const yuan = (v: unknown) => formatYuan(fen(v));

/** a ÷ b as a decimal string with `places` decimals, rounded half-up once; "" when b is 0. */
export function ratioText(a: bigint, b: bigint, places = 4): string {
  if (b === 0n) return '';
  const q = divideRounded(a * 10n ** BigInt(places), b);
  const s = q.toString().padStart(places + 1, '0');
  return `${s.slice(0, -places)}.${s.slice(-places)}`;
}

async function fundIds(db: Db, fundId: string | undefined): Promise<string[]> {
  const ids = await fundIdsOf({ db, fundId });
  if (fundId && ids.length === 0) throw reportErrors.fundNotFound(fundId);
  return ids;
}

/**
 * The fund's position from its ledger accounts (DESIGN.md "Money and the ledger"):
 * capital = capital credits; cash = cash debits − credits; committed liability = the exposure
 * accounts' net; capacity left = capacity + unused quotas; limit = the limit account's net debits;
 * payouts = payable debits (cash paid to banks); refunds = recovery-income credits (R8).
 * Leverage = live filed principal (active and non-performing loans' outstanding) ÷ capital.
 */
export async function fundPosition({ db, fundId }: { db: Db; fundId?: string | undefined }) {
  return (await fundPositionFen({ db, fundId })).map((p) => ({
    fundId: p.fundId,
    name: p.name,
    liabilityMultiple: ratioText(p.liabilityMultipleBp, 10_000n, 2),
    capital: formatYuan(p.capital),
    cash: formatYuan(p.cash),
    limit: formatYuan(p.limit),
    committedLiability: formatYuan(p.committedLiability),
    capacityLeft: formatYuan(p.capacityLeft),
    quotaUnused: formatYuan(p.quotaUnused),
    payouts: formatYuan(p.payouts),
    payableToBanks: formatYuan(p.payableToBanks),
    refunds: formatYuan(p.refunds),
    filedPrincipal: formatYuan(p.filedPrincipal),
    liveFiledPrincipal: formatYuan(p.liveFiledPrincipal),
    liveLoans: p.liveLoans,
    leverage: ratioText(p.liveFiledPrincipal, p.capital, 2),
  }));
}

/** fundPosition's figures in fen, before they are formatted: the report and /metrics read the same numbers. */
export async function fundPositionFen({ db, fundId }: { db: Db; fundId?: string | undefined }) {
  const out = [];
  for (const id of await fundIds(db, fundId)) {
    const accounts = await fundAccountSums({ db, fundId: id });
    const by = new Map(accounts.map((a) => [String(a.code), { dp: fen(a.dp), cp: fen(a.cp) }]));
    const net = (code: string, side: 'debit' | 'credit') => {
      const a = by.get(code);
      return a ? (side === 'debit' ? a.dp - a.cp : a.cp - a.dp) : 0n;
    };
    const book = await fundBook({ db, fundId: id });
    const fund = await fundNameAndMultiple({ db, fundId: id });
    const quotaFree = net('quota', 'credit');
    out.push({
      fundId: id,
      name: String(fund.name),
      liabilityMultipleBp: BigInt(fund.m as string),
      capital: net('capital', 'credit'),
      cash: net('cash', 'debit'),
      limit: net('limit', 'debit'),
      committedLiability: net('exposure', 'credit'),
      // limit − committed: the shortfall (R15) is liability committed above the limit
      capacityLeft: net('capacity', 'credit') - net('limit-shortfall', 'debit') + quotaFree,
      quotaUnused: quotaFree,
      payouts: by.get('payable')?.dp ?? 0n,
      payableToBanks: net('payable', 'credit'),
      refunds: net('recovery-income', 'credit'),
      filedPrincipal: fen(book.filed),
      liveFiledPrincipal: fen(book.live),
      liveLoans: Number(book.live_count),
    });
  }
  return out;
}

/**
 * The book by bank, programme, loan kind or filing month: filed principal and count (withdrawn
 * filings left out), live exposure (the liability reserved now), NPL principal (outstanding of
 * loans non-performing or compensated, R6), claims paid and the fund's refunds from recoveries
 * (one statement: reports.repository.ts, bookBreakdown).
 */
export async function breakdown({
  db,
  actor,
  by,
  fundId,
}: {
  db: Db;
  actor: Actor;
  by: Breakdown;
  fundId?: string | undefined;
}) {
  const rows = await bookBreakdown({ db, scope: scopeFor(actor), by, fundId });
  return rows.map((r) => ({
    [by]: String(r.key),
    loans: Number(r.loans),
    filedPrincipal: yuan(r.filed),
    liveExposure: yuan(r.exposure),
    nplPrincipal: yuan(r.npl),
    claimsPaid: yuan(r.paid),
    claimsPaidCount: Number(r.paid_n),
    refunds: yuan(r.refunds),
    recovered: yuan(r.recovered),
    recoveryCosts: yuan(r.costs),
    // R8: how much of what the fund paid has come back to it
    recoveryRate: fen(r.paid) > 0n ? ratioText(fen(r.refunds), fen(r.paid)) : null,
  }));
}

/**
 * Per bank: the book, the NPL ratio (NPL outstanding ÷ outstanding of loans on the books, live or
 * bad) and G4's claim ratio and net compensation with the thresholds and the breaker's state —
 * from breakerOf, the very computation that holds claims.
 */
export async function bankRatios({
  db,
  catalog,
  actor,
  fundId,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  fundId?: string | undefined;
}) {
  if (fundId) await fundIds(db, fundId); // 404 for a fund that does not exist
  const rows = await bankBooks({ db, scope: scopeFor(actor), fundId });
  const figures = await figuresOf(
    db,
    rows.map((r) => String(r.id)),
  );
  const out = [];
  for (const r of rows) {
    const id = String(r.id);
    const b = breakerView(id, breakerFrom(figures.get(id)!, catalog));
    out.push({
      bankId: id,
      name: String(r.name),
      nameEn: r.name_en === null ? null : String(r.name_en),
      loans: Number(r.loans),
      filedPrincipal: b.filedPrincipal,
      outstanding: yuan(r.book),
      nplPrincipal: yuan(r.npl),
      nplRatio: ratioText(fen(r.npl), fen(r.book)),
      claimedNplPrincipal: b.claimedNplPrincipal,
      claimRatio: b.claimRatio,
      compensationPaid: b.compensationPaid,
      refunded: b.refunded,
      netCompensation: b.netCompensation,
      claimRatioThreshold: b.thresholds.claimRatioAbove,
      netCompensationThreshold: b.thresholds.netCompensationAbove,
      ratioExceeded: b.ratioExceeded,
      netExceeded: b.netExceeded,
      breakerTripped: b.tripped,
      why: b.why,
    });
  }
  return out;
}

/**
 * The risk-sharing split of the book (F14–F16, G7): for risk-sharing loans, each party's share of
 * the filed and of the live principal (Σ principal × share, divided once), the fund's backstop of
 * the bank's part (the liability reserved, R5), and each party's amounts at claim time.
 */
export async function riskSharing({ db, actor, fundId }: { db: Db; actor: Actor; fundId?: string | undefined }) {
  const scope = scopeFor(actor);
  const parties = await riskSharingParties({ db, scope, fundId });
  const book = await riskSharingBook({ db, scope, fundId });
  const claimed = await riskSharingClaimed({ db, scope, fundId });
  const filed = fen(book.filed);
  return {
    loans: Number(book.loans),
    filedPrincipal: formatYuan(filed),
    livePrincipal: formatYuan(fen(book.live)),
    fundBackstopReserved: formatYuan(fen(book.reserved)),
    parties: parties.map((p) => ({
      party: String(p.party),
      institutionId: String(p.institution) || null,
      loans: Number(p.loans),
      shareOfFiled: ratioText(fen(p.filed_bp), filed * 10_000n),
      filedPrincipal: formatYuan(divideRounded(fen(p.filed_bp), 10_000n)),
      livePrincipal: formatYuan(divideRounded(fen(p.live_bp), 10_000n)),
    })),
    atClaim: claimed.map((c) => ({ party: String(c.party), claims: Number(c.claims), amount: yuan(c.amount) })),
  };
}

/** Filings, payouts (claims paid, by the day paid) and recoveries (by the day recovered) per month, for the dashboard charts. */
export async function monthly({ db, actor, fundId }: { db: Db; actor: Actor; fundId?: string | undefined }) {
  const rows = await monthlyFlows({ db, scope: scopeFor(actor), fundId });
  return rows.map((r) => ({
    month: String(r.month),
    filedPrincipal: yuan(r.filed),
    loansFiled: Number(r.filed_n),
    payouts: yuan(r.payouts),
    claimsPaid: Number(r.paid_n),
    recovered: yuan(r.recovered),
    refunds: yuan(r.refunds),
    recoveries: Number(r.rec_n),
  }));
}

/** How far the database the reports read is behind the primary, in seconds (null on a primary). */
export async function replicationLag({ db }: { db: Db }): Promise<number | null> {
  return replicationLagSeconds(db);
}
