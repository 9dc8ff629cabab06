/**
 * The demo's own reads: what calibration looks for among the seeded loans, a fund's cash, whether
 * a fund exists yet, the claims by state. Reads only — every write of the demo goes through the
 * owning module's use cases (DESIGN.md, "One owner per table").
 */
import { sql } from 'drizzle-orm';
import { funds } from '../registry/registry.table';
import type { Db } from '../shared/db';
import { rowsOf, type Row } from '../shared/rows';

/**
 * Running loans disbursed before `quiet`, not overdue and paid nothing since, biggest first, with
 * the day each last paid (`last_paid`); optionally one bank's, one fund's or one mode's.
 */
export async function quietLiveLoans({
  db,
  quiet,
  where,
}: {
  db: Db;
  quiet: string;
  where: { bankId?: string; fundId?: string; mode?: string };
}): Promise<Row[]> {
  return rowsOf(
    await db.execute(sql`select id, bank_id, fund_id, disbursed_on::text as disbursed_on, outstanding::text as outstanding, ratio_bp,
      (select max(e."on") from filing_events e where e.filing_id = filings.id and e.kind = 'repayment')::text as last_paid
    from filings
    where status = 'active' and overdue_since is null and outstanding > 0 and disbursed_on < ${quiet}::date
      and not exists (select 1 from filing_events e where e.filing_id = filings.id and e.kind = 'repayment' and e."on" >= ${quiet}::date)
      and (${where.bankId ?? null}::text is null or bank_id = ${where.bankId ?? null}::text)
      and (${where.fundId ?? null}::text is null or fund_id = ${where.fundId ?? null}::text)
      and (${where.mode ?? null}::text is null or mode = ${where.mode ?? null}::text)
    order by outstanding desc, id`),
  );
}

/** A fund's cash account balance (debits − credits posted), in fen. */
export async function fundCash({ db, fundId }: { db: Db; fundId: string }): Promise<bigint> {
  const [r] = rowsOf(
    await db.execute(
      sql`select (debits_posted - credits_posted)::text as cash from ledger_accounts where id = ${`${fundId}:cash`}`,
    ),
  );
  return BigInt(r!.cash as string);
}

/** Whether any fund exists (the demo seeds only a database without one). */
export async function anyFundExists({ db }: { db: Db }): Promise<boolean> {
  return (await db.select({ id: funds.id }).from(funds).limit(1)).length > 0;
}

/** How many claims are in each state. */
export async function claimCountsByState({ db }: { db: Db }): Promise<{ state: string; n: number }[]> {
  return rowsOf(await db.execute(sql`select state, count(*)::int as n from claims group by state`)).map((r) => ({
    state: String(r.state),
    n: Number(r.n),
  }));
}
