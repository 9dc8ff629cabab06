/**
 * The reports' SQL, one small function per statement: sums taken in SQL as bigint fen and read
 * as text (reports.usecases.ts turns them into bigint and yuan strings — never a JS float). Every
 * book query is limited to the filings the scope may see: a bank its own, a guarantor the loans it
 * guarantees. Reads only; the tables belong to their modules (DESIGN.md, "One owner per table").
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Scope } from '../auth/access';
import type { Db } from '../shared/db';
import { rowsOf, type Row } from '../shared/rows';

/** The filings a scope may see, as a SQL condition on the alias `f`. */
function filingScope(scope: Scope): SQL {
  if (scope.kind === 'bank') return sql`f.bank_id = ${scope.bankId}`;
  if (scope.kind === 'guarantor') return sql`f.guarantor_id = ${scope.guarantorId}`;
  return sql`true`;
}
const fundFilter = (fundId: string | undefined) => (fundId ? sql`f.fund_id = ${fundId}` : sql`true`);

/** The funds' ids, in order: all of them, or the one asked for (none when it does not exist). */
export async function fundIdsOf({ db, fundId }: { db: Db; fundId?: string | undefined }): Promise<string[]> {
  const rows = rowsOf(
    await db.execute(sql`select id from funds where ${fundId ? sql`id = ${fundId}` : sql`true`} order by id`),
  );
  return rows.map((r) => String(r.id));
}

/** A fund's ledger accounts summed by code: `code`, `dp` (debits posted), `cp` (credits posted). */
export async function fundAccountSums({ db, fundId }: { db: Db; fundId: string }): Promise<Row[]> {
  return rowsOf(
    await db.execute(sql`
      select code, sum(debits_posted)::text as dp, sum(credits_posted)::text as cp
      from ledger_accounts where fund_id = ${fundId} group by code`),
  );
}

/** A fund's book: `live` outstanding and `live_count` of active and non-performing loans, `filed` principal (withdrawn left out). */
export async function fundBook({ db, fundId }: { db: Db; fundId: string }): Promise<Row> {
  const [book] = rowsOf(
    await db.execute(sql`
      select coalesce(sum(f.outstanding) filter (where f.status in ('active', 'non-performing')), 0)::text as live,
             count(*) filter (where f.status in ('active', 'non-performing'))::int as live_count,
             coalesce(sum(f.principal) filter (where f.status <> 'withdrawn'), 0)::text as filed
      from filings f where f.fund_id = ${fundId}`),
  );
  return book!;
}

/** A fund's `name` and liability multiple `m` (basis points, as text). */
export async function fundNameAndMultiple({ db, fundId }: { db: Db; fundId: string }): Promise<Row> {
  const [fund] = rowsOf(
    await db.execute(sql`select name, liability_multiple_bp::text as m from funds where id = ${fundId}`),
  );
  return fund!;
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
 * The book grouped by `by`: per key, loans, filed, exposure, npl, paid, paid_n, refunds, recovered.
 * `f` is `not materialized` (here and in monthlyFlows): each part reads filings itself, in
 * parallel, instead of a copy of every filing row spilled to disk and read three times (half the
 * time over a million loans; docs/PERFORMANCE.md).
 */
export async function bookBreakdown({
  db,
  scope,
  by,
  fundId,
}: {
  db: Db;
  scope: Scope;
  by: Breakdown;
  fundId?: string | undefined;
}): Promise<Row[]> {
  const key = groupKey[by];
  return rowsOf(
    await db.execute(sql`
    with f as not materialized (select * from filings f where f.status <> 'withdrawn' and ${filingScope(scope)} and ${fundFilter(fundId)}),
    book as (
      select ${key} as key, count(*)::int as loans, sum(f.principal)::text as filed,
             sum(f.reserved)::text as exposure,
             coalesce(sum(f.outstanding) filter (where f.status in ('non-performing', 'compensated')), 0)::text as npl
      from f group by 1),
    paid as (select ${key} as key, sum(c.compensation)::text as paid, count(*)::int as n from claims c join f on f.id = c.filing_id where c.state = 'paid' group by 1),
    back as (select ${key} as key, sum(r.refund)::text as refunds, sum(r.recovered)::text as recovered, sum(r.costs)::text as costs from recoveries r join f on f.id = r.filing_id group by 1)
    select book.*, coalesce(paid.paid, '0') as paid, coalesce(paid.n, 0) as paid_n, coalesce(back.refunds, '0') as refunds, coalesce(back.recovered, '0') as recovered,
           coalesce(back.costs, '0') as costs
    from book left join paid using (key) left join back using (key) order by key`),
  );
}

/**
 * Per bank the scope may see: id, name, name_en, loans, `book` (outstanding on the books, live or
 * bad) and `npl` outstanding; with `fundId`, the banks that filed under that fund and their book in it.
 */
export async function bankBooks({
  db,
  scope,
  fundId,
}: {
  db: Db;
  scope: Scope;
  fundId?: string | undefined;
}): Promise<Row[]> {
  return rowsOf(
    await db.execute(sql`
    select i.id, i.name, i.name_en, count(f.id)::int as loans,
           coalesce(sum(f.outstanding) filter (where f.status in ('active', 'non-performing', 'compensated')), 0)::text as book,
           coalesce(sum(f.outstanding) filter (where f.status in ('non-performing', 'compensated')), 0)::text as npl
    from institutions i left join filings f on f.bank_id = i.id and f.status <> 'withdrawn' and ${fundFilter(fundId)}
    where i.kind = 'bank' and ${scope.kind === 'bank' ? sql`i.id = ${scope.bankId}` : scope.kind === 'guarantor' ? sql`false` : sql`true`}
    group by i.id, i.name, i.name_en ${fundId ? sql`having count(f.id) > 0` : sql``} order by i.id`),
  );
}

type SplitArgs = { db: Db; scope: Scope; fundId?: string | undefined };

/** Risk-sharing loans per party: loans, Σ principal × share (`filed_bp`) and Σ live outstanding × share (`live_bp`). */
export async function riskSharingParties({ db, scope, fundId }: SplitArgs): Promise<Row[]> {
  return rowsOf(
    await db.execute(sql`
    select p->>'party' as party, coalesce(p->>'institutionId', '') as institution,
           count(*)::int as loans,
           sum(f.principal * (p->>'shareBp')::bigint)::text as filed_bp,
           coalesce(sum(f.outstanding * (p->>'shareBp')::bigint) filter (where f.status in ('active', 'non-performing')), 0)::text as live_bp
    from filings f cross join lateral jsonb_array_elements(f.parties) p
    where f.mode = 'risk-sharing' and f.status <> 'withdrawn' and ${filingScope(scope)} and ${fundFilter(fundId)}
    group by 1, 2 order by 1, 2`),
  );
}

/** The risk-sharing book: loans, filed principal, live outstanding and the liability reserved. */
export async function riskSharingBook({ db, scope, fundId }: SplitArgs): Promise<Row> {
  const [book] = rowsOf(
    await db.execute(sql`
    select count(*)::int as loans, coalesce(sum(f.principal), 0)::text as filed,
           coalesce(sum(f.outstanding) filter (where f.status in ('active', 'non-performing')), 0)::text as live,
           coalesce(sum(f.reserved), 0)::text as reserved
    from filings f where f.mode = 'risk-sharing' and f.status <> 'withdrawn' and ${filingScope(scope)} and ${fundFilter(fundId)}`),
  );
  return book!;
}

/** Each party's amounts at claim time on risk-sharing loans (claims neither rejected nor withdrawn). */
export async function riskSharingClaimed({ db, scope, fundId }: SplitArgs): Promise<Row[]> {
  return rowsOf(
    await db.execute(sql`
    select p->>'party' as party, sum(((p->>'amount')::numeric * 100)::bigint)::text as amount, count(*)::int as claims
    from claims c join filings f on f.id = c.filing_id cross join lateral jsonb_array_elements(c.parties) p
    where f.mode = 'risk-sharing' and c.state not in ('rejected', 'withdrawn') and ${filingScope(scope)} and ${fundFilter(fundId)}
    group by 1 order by 1`),
  );
}

/** Per month: filed principal and count, payouts (claims paid, by the day paid) and recoveries (by the day recovered). */
export async function monthlyFlows({ db, scope, fundId }: SplitArgs): Promise<Row[]> {
  return rowsOf(
    await db.execute(sql`
    with f as not materialized (select * from filings f where ${filingScope(scope)} and ${fundFilter(fundId)}),
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
}

/**
 * How far a standby is behind its primary, in seconds: now − the time of the last transaction it
 * replayed, 0 when it has replayed all it received (an idle primary sends nothing, and the age of
 * the last replay is not a lag), null on a primary.
 */
export async function replicationLagSeconds(db: Db): Promise<number | null> {
  const [row] = rowsOf(
    await db.execute(sql`
      select case
        when not pg_is_in_recovery() then null
        when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
        else greatest(0, extract(epoch from now() - pg_last_xact_replay_timestamp()))
      end::float8 as lag`),
  );
  return row?.lag === null || row?.lag === undefined ? null : Number(row.lag);
}
