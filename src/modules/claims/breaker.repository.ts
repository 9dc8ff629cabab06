/**
 * The circuit breaker's SQL (G4, R9): reads only — a bank's figures come from the book, the
 * claims and the ledger, which their modules own (DESIGN.md, "One owner per table").
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { institutions } from '../registry/registry.table';
import { rowsOf } from '../shared/rows';

export interface BankFigures {
  filedPrincipal: bigint;
  claimedNplPrincipal: bigint;
  compensationPaid: bigint;
  refunded: bigint;
}

/** One bank's filed principal, claimed NPL principal, compensation paid (the payable account's debits) and refunds. */
export async function bankFiguresOf({ db, bankId }: { db: Db; bankId: string }): Promise<BankFigures> {
  const [r] = rowsOf(
    await db.execute(sql`select
      (select coalesce(sum(principal), 0) from filings where bank_id = ${bankId} and status <> 'withdrawn')::text as filed,
      (select coalesce(sum(outstanding), 0) from claims where bank_id = ${bankId} and state not in ('rejected', 'withdrawn'))::text as claimed,
      (select coalesce(sum(debits_posted), 0) from ledger_accounts where code = 'payable' and entity_id = ${bankId})::text as paid,
      (select coalesce(sum(t.amount), 0) from ledger_transfers t join recoveries r on r.id = t.entity_id
        where t.code = 'recovery-refund' and r.bank_id = ${bankId})::text as refunded`),
  );
  return {
    filedPrincipal: BigInt(r!.filed as string),
    claimedNplPrincipal: BigInt(r!.claimed as string),
    compensationPaid: BigInt(r!.paid as string),
    refunded: BigInt(r!.refunded as string),
  };
}

/**
 * bankFiguresOf for every bank at once, one pass over each table instead of one set of lookups per
 * bank (the reports ask for all banks; bank by bank it took ~4 s over a million loans). The same
 * four sums as bankFiguresOf, grouped by bank — keep the two alike (reports.test.ts compares them).
 */
export async function everyBankFigures({ db }: { db: Db }): Promise<Map<string, BankFigures>> {
  const rows = rowsOf(
    await db.execute(sql`
    with filed as (select bank_id, sum(principal) as v from filings where status <> 'withdrawn' group by 1),
    claimed as (select bank_id, sum(outstanding) as v from claims where state not in ('rejected', 'withdrawn') group by 1),
    paid as (select entity_id as bank_id, sum(debits_posted) as v from ledger_accounts where code = 'payable' group by 1),
    refunded as (select r.bank_id, sum(t.amount) as v from ledger_transfers t join recoveries r on r.id = t.entity_id
                 where t.code = 'recovery-refund' group by 1)
    select i.id, coalesce(filed.v, 0)::text as filed, coalesce(claimed.v, 0)::text as claimed, coalesce(paid.v, 0)::text as paid, coalesce(refunded.v, 0)::text as refunded
    from institutions i left join filed on filed.bank_id = i.id left join claimed on claimed.bank_id = i.id
      left join paid on paid.bank_id = i.id left join refunded on refunded.bank_id = i.id
    where i.kind = 'bank'`),
  );
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        filedPrincipal: BigInt(r.filed as string),
        claimedNplPrincipal: BigInt(r.claimed as string),
        compensationPaid: BigInt(r.paid as string),
        refunded: BigInt(r.refunded as string),
      },
    ]),
  );
}

/** Every registered bank (a read of the registry's table). */
export async function banks({ db }: { db: Db }) {
  return db.select().from(institutions).where(eq(institutions.kind, 'bank'));
}
