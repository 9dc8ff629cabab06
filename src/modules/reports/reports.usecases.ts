/**
 * Reports (issue 4, item 9): the fund's position from its ledger accounts; the book broken down
 * by bank, programme, loan kind and month; NPL and claim ratios per bank with G4's breaker (the
 * breaker's own computation, breaker.usecases.ts); the risk-sharing split (F14–F16, G7); payouts
 * and recoveries by month. Sums are taken in SQL as bigint fen, read as text, turned into bigint
 * and formatted as yuan strings — never a JS float. A bank sees only its own rows; a guarantor
 * only the loans it guarantees.
 */
import { sql, type SQL } from 'drizzle-orm';
import { divideRounded, formatYuan, type Fen } from '../../core/money/money';
import { scopeFor, type Actor } from '../auth/access';
import { breakerFrom, breakerView, figuresOf } from '../claims/breaker.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { Problem } from '../shared/problem';
import { rowsOf } from '../shared/rows';

const fen = (v: unknown): Fen => BigInt((v as string | null) ?? '0');
const yuan = (v: unknown) => formatYuan(fen(v));

/** a ÷ b as a decimal string with `places` decimals, rounded half-up once; "" when b is 0. */
export function ratioText(a: bigint, b: bigint, places = 4): string {
  if (b === 0n) return '';
  const q = divideRounded(a * 10n ** BigInt(places), b);
  const s = q.toString().padStart(places + 1, '0');
  return `${s.slice(0, -places)}.${s.slice(-places)}`;
}

/** The filings an actor may see, as a SQL condition on the alias `f`. */
function filingScope(actor: Actor): SQL {
  const s = scopeFor(actor);
  if (s.kind === 'bank') return sql`f.bank_id = ${s.bankId}`;
  if (s.kind === 'guarantor') return sql`f.guarantor_id = ${s.guarantorId}`;
  return sql`true`;
}
const fundFilter = (fundId: string | undefined) => (fundId ? sql`f.fund_id = ${fundId}` : sql`true`);

async function fundIds(db: Db, fundId: string | undefined): Promise<string[]> {
  const rows = rowsOf(
    await db.execute(sql`select id from funds where ${fundId ? sql`id = ${fundId}` : sql`true`} order by id`),
  );
  if (fundId && rows.length === 0) throw Problem.notFound(`Fund ${fundId}`);
  return rows.map((r) => String(r.id));
}

/**
 * The fund's position from its ledger accounts (DESIGN.md "Money and the ledger"):
 * capital = capital credits; cash = cash debits − credits; committed liability = the exposure
 * accounts' net; capacity left = capacity + unused quotas; limit = the limit account's net debits;
 * payouts = payable debits (cash paid to banks); refunds = recovery-income credits (R8).
 * Leverage = live filed principal (active and non-performing loans' outstanding) ÷ capital.
 */
export async function fundPosition({ db, fundId }: { db: Db; fundId?: string | undefined }) {
  const out = [];
  for (const id of await fundIds(db, fundId)) {
    const accounts = rowsOf(
      await db.execute(sql`
      select code, sum(debits_posted)::text as dp, sum(credits_posted)::text as cp
      from ledger_accounts where fund_id = ${id} group by code`),
    );
    const by = new Map(accounts.map((a) => [String(a.code), { dp: fen(a.dp), cp: fen(a.cp) }]));
    const net = (code: string, side: 'debit' | 'credit') => {
      const a = by.get(code);
      return a ? (side === 'debit' ? a.dp - a.cp : a.cp - a.dp) : 0n;
    };
    const [book] = rowsOf(
      await db.execute(sql`
      select coalesce(sum(f.outstanding) filter (where f.status in ('active', 'non-performing')), 0)::text as live,
             count(*) filter (where f.status in ('active', 'non-performing'))::int as live_count,
             coalesce(sum(f.principal) filter (where f.status <> 'withdrawn'), 0)::text as filed
      from filings f where f.fund_id = ${id}`),
    );
    const [fund] = rowsOf(
      await db.execute(sql`select name, liability_multiple_bp::text as m from funds where id = ${id}`),
    );
    const capital = net('capital', 'credit');
    const live = fen(book!.live);
    const quotaFree = net('quota', 'credit');
    out.push({
      fundId: id,
      name: String(fund!.name),
      liabilityMultiple: ratioText(BigInt(fund!.m as string), 10_000n, 2),
      capital: formatYuan(capital),
      cash: formatYuan(net('cash', 'debit')),
      limit: formatYuan(net('limit', 'debit')),
      committedLiability: formatYuan(net('exposure', 'credit')),
      // limit − committed: the shortfall (R15) is liability committed above the limit
      capacityLeft: formatYuan(net('capacity', 'credit') - net('limit-shortfall', 'debit') + quotaFree),
      quotaUnused: formatYuan(quotaFree),
      payouts: formatYuan(by.get('payable')?.dp ?? 0n),
      payableToBanks: formatYuan(net('payable', 'credit')),
      refunds: formatYuan(net('recovery-income', 'credit')),
      filedPrincipal: formatYuan(fen(book!.filed)),
      liveFiledPrincipal: formatYuan(live),
      liveLoans: Number(book!.live_count),
      leverage: ratioText(live, capital, 2),
    });
  }
  return out;
}

export const BREAKDOWNS = ['bank', 'programme', 'kind', 'month'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

const groupKey: Record<Breakdown, SQL> = {
  bank: sql`f.bank_id`,
  programme: sql`f.programme_id`,
  kind: sql`f.kind`,
  month: sql`to_char(f.filed_on, 'YYYY-MM')`,
};

/**
 * The book by bank, programme, loan kind or filing month: filed principal and count (withdrawn
 * filings left out), live exposure (the liability reserved now), NPL principal (outstanding of
 * loans non-performing or compensated, R6), claims paid and the fund's refunds from recoveries.
 * `f` is `not materialized` (here and in monthly): each part reads filings itself, in parallel,
 * instead of a copy of every filing row spilled to disk and read three times (half the time over
 * a million loans; docs/PERFORMANCE.md).
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
  const key = groupKey[by];
  const rows = rowsOf(
    await db.execute(sql`
    with f as not materialized (select * from filings f where f.status <> 'withdrawn' and ${filingScope(actor)} and ${fundFilter(fundId)}),
    book as (
      select ${key} as key, count(*)::int as loans, sum(f.principal)::text as filed,
             sum(f.reserved)::text as exposure,
             coalesce(sum(f.outstanding) filter (where f.status in ('non-performing', 'compensated')), 0)::text as npl
      from f group by 1),
    paid as (select ${key} as key, sum(c.compensation)::text as paid, count(*)::int as n from claims c join f on f.id = c.filing_id where c.state = 'paid' group by 1),
    back as (select ${key} as key, sum(r.refund)::text as refunds, sum(r.recovered)::text as recovered from recoveries r join f on f.id = r.filing_id group by 1)
    select book.*, coalesce(paid.paid, '0') as paid, coalesce(paid.n, 0) as paid_n, coalesce(back.refunds, '0') as refunds, coalesce(back.recovered, '0') as recovered
    from book left join paid using (key) left join back using (key) order by key`),
  );
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
  }));
}

/**
 * Per bank: the book, the NPL ratio (NPL outstanding ÷ outstanding of loans on the books, live or
 * bad) and G4's claim ratio and net compensation with the thresholds and the breaker's state —
 * from breakerOf, the very computation that holds claims.
 */
export async function bankRatios({ db, catalog, actor }: { db: Db; catalog: PolicyCatalog; actor: Actor }) {
  const s = scopeFor(actor);
  const rows = rowsOf(
    await db.execute(sql`
    select i.id, i.name, i.name_en, count(f.id)::int as loans,
           coalesce(sum(f.outstanding) filter (where f.status in ('active', 'non-performing', 'compensated')), 0)::text as book,
           coalesce(sum(f.outstanding) filter (where f.status in ('non-performing', 'compensated')), 0)::text as npl
    from institutions i left join filings f on f.bank_id = i.id and f.status <> 'withdrawn'
    where i.kind = 'bank' and ${s.kind === 'bank' ? sql`i.id = ${s.bankId}` : s.kind === 'guarantor' ? sql`false` : sql`true`}
    group by i.id, i.name, i.name_en order by i.id`),
  );
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
  const parties = rowsOf(
    await db.execute(sql`
    select p->>'party' as party, coalesce(p->>'institutionId', '') as institution,
           count(*)::int as loans,
           sum(f.principal * (p->>'shareBp')::bigint)::text as filed_bp,
           coalesce(sum(f.outstanding * (p->>'shareBp')::bigint) filter (where f.status in ('active', 'non-performing')), 0)::text as live_bp
    from filings f cross join lateral jsonb_array_elements(f.parties) p
    where f.mode = 'risk-sharing' and f.status <> 'withdrawn' and ${filingScope(actor)} and ${fundFilter(fundId)}
    group by 1, 2 order by 1, 2`),
  );
  const [book] = rowsOf(
    await db.execute(sql`
    select count(*)::int as loans, coalesce(sum(f.principal), 0)::text as filed,
           coalesce(sum(f.outstanding) filter (where f.status in ('active', 'non-performing')), 0)::text as live,
           coalesce(sum(f.reserved), 0)::text as reserved
    from filings f where f.mode = 'risk-sharing' and f.status <> 'withdrawn' and ${filingScope(actor)} and ${fundFilter(fundId)}`),
  );
  const claimed = rowsOf(
    await db.execute(sql`
    select p->>'party' as party, sum(((p->>'amount')::numeric * 100)::bigint)::text as amount, count(*)::int as claims
    from claims c join filings f on f.id = c.filing_id cross join lateral jsonb_array_elements(c.parties) p
    where f.mode = 'risk-sharing' and c.state not in ('rejected', 'withdrawn') and ${filingScope(actor)} and ${fundFilter(fundId)}
    group by 1 order by 1`),
  );
  const filed = fen(book!.filed);
  return {
    loans: Number(book!.loans),
    filedPrincipal: formatYuan(filed),
    livePrincipal: formatYuan(fen(book!.live)),
    fundBackstopReserved: formatYuan(fen(book!.reserved)),
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
  const rows = rowsOf(
    await db.execute(sql`
    with f as not materialized (select * from filings f where ${filingScope(actor)} and ${fundFilter(fundId)}),
    paid as (select to_char(e.on, 'YYYY-MM') as month, sum(c.compensation)::text as payouts, count(*)::int as n
             from filing_events e join f on f.id = e.filing_id join claims c on c.id = e.data->>'claimId'
             where e.kind = 'claim-paid' group by 1),
    rec as (select to_char(r.recovered_on, 'YYYY-MM') as month, sum(r.recovered)::text as recovered, sum(r.refund)::text as refunds, count(*)::int as n
            from recoveries r join f on f.id = r.filing_id group by 1),
    filed as (select to_char(f.filed_on, 'YYYY-MM') as month, sum(f.principal)::text as filed, count(*)::int as n from f where f.status <> 'withdrawn' group by 1)
    select month, coalesce(filed.filed, '0') as filed, coalesce(filed.n, 0) as filed_n, coalesce(paid.payouts, '0') as payouts, coalesce(paid.n, 0) as paid_n,
           coalesce(rec.recovered, '0') as recovered, coalesce(rec.refunds, '0') as refunds, coalesce(rec.n, 0) as rec_n
    from filed full join paid using (month) full join rec using (month) order by month`),
  );
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
