/**
 * The only TypeScript that writes ledger rows. Every write goes through the SQL function
 * `ledger_apply` (the live text: src/modules/ledger/ledger_apply.sql, in force since
 * drizzle/0010_ledger_apply_fast_path.sql): one call per batch, limits enforced in the database.
 */
import { sql } from 'drizzle-orm';
import { accountId } from '../../core/ledger/fund-operations';
import type { AccountRow, BalanceRowInLog, TransferRow } from '../../core/ledger/invariants';
import type { TransferKind, TransferRequest } from '../../core/ledger/model';
import type { Db } from '../shared/db';
import { anyOfTexts } from '../shared/json-texts';
import { rowsOf, type Row } from '../shared/rows';
import { ledgerBatchResults, ledgerBatchTransfers } from '../shared/metrics';

export type LedgerName = 'liability' | 'cny';
export { CREDITS_MUST_NOT_EXCEED_DEBITS, DEBITS_MUST_NOT_EXCEED_CREDITS, HISTORY } from '../../core/ledger/model';

export interface AccountInput {
  id: string;
  ledger: LedgerName;
  code: string;
  flags?: number;
  fundId?: string;
  entityKind?: string;
  entityId?: string;
}

/** A transfer as the reference model takes it (src/core/ledger/model.ts), with the business entity it belongs to. */
export interface TransferInput extends TransferRequest {
  entityKind?: string;
  entityId?: string;
}

export type TransferResult = 'ok' | 'exists' | string;

export interface AccountBalance {
  id: string;
  ledger: LedgerName;
  code: string;
  flags: number;
  fundId: string | null;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
  version: bigint;
}

function toBalance(r: Row): AccountBalance {
  return {
    id: String(r.id),
    ledger: r.ledger as LedgerName,
    code: String(r.code),
    flags: Number(r.flags),
    fundId: (r.fund_id as string | null) ?? null,
    debitsPending: BigInt(r.debits_pending as string),
    debitsPosted: BigInt(r.debits_posted as string),
    creditsPending: BigInt(r.credits_pending as string),
    creditsPosted: BigInt(r.credits_posted as string),
    version: BigInt(r.version as string),
  };
}

/** One ledger batch in the metrics: its size and each transfer's result (a refusal's name, bounded). */
function recordBatch(results: TransferResult[]): void {
  ledgerBatchTransfers.observe(results.length);
  const counts = new Map<string, number>();
  for (const r of results) {
    const key = /^[a-z_]{1,48}$/.test(r) ? r : 'other';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [result, n] of counts) ledgerBatchResults.inc({ result }, n);
}

export function createLedgerRepository({ db }: { db: Db }) {
  return {
    /** Opens accounts that do not exist yet (an existing id is left as it is); many in one statement. */
    /** Accounts not open yet are opened (an open one is left as it is), in one statement: one JSON parameter, not seven per account. */
    async createAccounts(accounts: AccountInput[]) {
      if (accounts.length === 0) return;
      const rows = JSON.stringify(
        accounts.map((a) => ({
          id: a.id,
          ledger: a.ledger,
          code: a.code,
          flags: a.flags ?? 0,
          fund_id: a.fundId ?? null,
          entity_kind: a.entityKind ?? null,
          entity_id: a.entityId ?? null,
        })),
      );
      await db.execute(sql`insert into ledger_accounts (id, ledger, code, flags, fund_id, entity_kind, entity_id)
        select id, ledger, code, flags, fund_id, entity_kind, entity_id
        from json_to_recordset(${rows}::json) as x(id text, ledger text, code text, flags int, fund_id text, entity_kind text, entity_id text)
        on conflict (id) do nothing`);
    },

    async apply(transfers: TransferInput[], actor = 'system'): Promise<TransferResult[]> {
      const batch = transfers.map((t) => ({
        ...t,
        ...(t.amount !== undefined ? { amount: t.amount.toString() } : {}),
      }));
      const res = rowsOf(
        await db.execute(sql`select ledger_apply(${JSON.stringify(batch)}::jsonb, ${actor}) as results`),
      );
      const results = res[0]!.results;
      const out = (typeof results === 'string' ? JSON.parse(results) : results) as TransferResult[];
      recordBatch(out);
      return out;
    },

    /**
     * R15: the fund's free capacity and its limit shortfall, locked until the transaction ends. Every
     * path that moves the limit (a top-up, a payout, a refund, a filing that covers the shortfall)
     * takes these two first, in account-id order as `ledger_apply` locks, so none waits on another
     * while holding what it wants.
     *
     * `transferIds`: every id the batch that follows may post. `ledger_apply` first serialises on
     * its transfer ids (advisory locks 7260002 on `hashtext(id) & 1023`, in order), then locks the
     * accounts; a path that held the fund's capacity row before its batch took those advisory
     * locks in the other order, and a claim payment deadlocked (40P01) with a filing that held a
     * bucket one of its ids hashes to and waited for the capacity row (`npm run test:ha`). So the
     * same advisory locks are taken here, in the same order, before the rows; `ledger_apply` then
     * holds them already (a session's advisory locks are re-entrant).
     */
    async lockFundLimits(fundId: string, transferIds: string[]): Promise<{ capacity: bigint; shortfall: bigint }> {
      if (transferIds.length)
        await db.execute(sql`select pg_advisory_xact_lock(7260002, h) from (
            select distinct hashtext(id) & 1023 as h
            from jsonb_array_elements_text(${JSON.stringify(transferIds)}::jsonb) as t(id) order by 1) s`);
      const rows = rowsOf(
        await db.execute(sql`select code, (credits_posted - debits_posted - debits_pending)::text as free,
            (debits_posted - credits_posted)::text as owed
          from ledger_accounts where id in (${accountId.capacity(fundId)}, ${accountId.limitShortfall(fundId)})
          order by id for update`),
      );
      const of = (code: string) => rows.find((r) => r.code === code);
      return {
        capacity: BigInt((of('capacity')?.free as string | undefined) ?? '0'),
        shortfall: BigInt((of('limit-shortfall')?.owed as string | undefined) ?? '0'),
      };
    },

    /** Each account's kind (its code), for naming a refusal's rule. */
    async accountCodes(ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = rowsOf(await db.execute(sql`select id, code from ledger_accounts where id = ${anyOfTexts(ids)}`));
      return new Map(rows.map((r) => [String(r.id), String(r.code)]));
    },

    /** R15: each fund's limit shortfall, read without a lock — a filing's first look (0 for most). */
    async shortfalls(fundIds: string[]): Promise<Map<string, bigint>> {
      if (fundIds.length === 0) return new Map();
      const ids = fundIds.map((f) => accountId.limitShortfall(f));
      const rows = rowsOf(
        await db.execute(sql`select fund_id, (debits_posted - credits_posted)::text as owed
          from ledger_accounts where id = ${anyOfTexts(ids)}`),
      );
      return new Map(rows.map((r) => [String(r.fund_id), BigInt(r.owed as string)]));
    },

    /** What a fund's quotas hold unused (R7c), for R15's room. */
    async quotaFree(fundId: string): Promise<bigint> {
      const [row] = rowsOf(
        await db.execute(sql`select coalesce(sum(credits_posted - debits_posted - debits_pending), 0)::text as free
          from ledger_accounts where fund_id = ${fundId} and code = 'quota'`),
      );
      return BigInt((row?.free as string | undefined) ?? '0');
    },

    async account(id: string): Promise<AccountBalance | undefined> {
      const [row] = rowsOf(await db.execute(sql`select * from ledger_accounts where id = ${id}`));
      return row ? toBalance(row) : undefined;
    },

    async accounts(fundId?: string): Promise<AccountBalance[]> {
      const rows = rowsOf(
        await db.execute(
          fundId
            ? sql`select * from ledger_accounts where fund_id = ${fundId} order by id`
            : sql`select * from ledger_accounts order by id`,
        ),
      );
      return rows.map(toBalance);
    },
  };
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;

// The whole ledger as ledger verify reads it, inside its read-only snapshot, a page at a time: only
// the accounts are held whole (the replay looks each transfer's accounts up); the transfer log and
// the balance history are streamed through the checks.
const big = (x: unknown) => BigInt(x as string);

const totals = (r: Row) => ({
  debitsPending: big(r.dp),
  debitsPosted: big(r.dpo),
  creditsPending: big(r.cp),
  creditsPosted: big(r.cpo),
});

/** The same text, one string: a million accounts share a few ledgers, codes and funds. */
function interner() {
  const seen = new Map<string, string>();
  return (s: string) => {
    const had = seen.get(s);
    if (had !== undefined) return had;
    seen.set(s, s);
    return s;
  };
}

/** Every account, by id (ledger verify). */
export async function readAllAccounts({
  db,
  pageSize,
}: {
  db: Db;
  pageSize: number;
}): Promise<Map<string, AccountRow>> {
  const out = new Map<string, AccountRow>();
  const intern = interner();
  let after = '';
  for (;;) {
    const rows = rowsOf(
      await db.execute(sql`select id, ledger, code, flags, fund_id, debits_pending::text dp, debits_posted::text dpo,
      credits_pending::text cp, credits_posted::text cpo, version::text as version_text from ledger_accounts
      where id > ${after} order by id limit ${pageSize}`),
    );
    for (const r of rows) {
      const id = String(r.id);
      out.set(id, {
        id,
        ledger: intern(String(r.ledger)),
        code: intern(String(r.code)),
        flags: Number(r.flags),
        fundId: r.fund_id === null ? null : intern(String(r.fund_id)),
        version: big(r.version_text),
        ...totals(r),
      });
      after = id;
    }
    if (rows.length < pageSize) return out;
  }
}

/** The transfer log in seq order, a page at a time (ledger verify). */
export async function* transferLogPages({ db, pageSize }: { db: Db; pageSize: number }): AsyncGenerator<TransferRow[]> {
  let after = 0n;
  for (;;) {
    const rows = rowsOf(
      await db.execute(sql`select seq::text seq_text, id, kind, debit_account_id, credit_account_id, amount::text amount, ledger, code, pending_id
      from ledger_transfers where seq > ${after.toString()}::bigint order by seq limit ${pageSize}`),
    );
    const page: TransferRow[] = rows.map((r) => ({
      seq: big(r.seq_text),
      id: String(r.id),
      kind: r.kind as TransferKind,
      debit: String(r.debit_account_id),
      credit: String(r.credit_account_id),
      amount: big(r.amount),
      ledger: String(r.ledger),
      code: String(r.code),
      pendingId: (r.pending_id as string | null) ?? null,
    }));
    if (page.length) yield page;
    if (rows.length < pageSize) return;
    after = page.at(-1)!.seq;
  }
}

/**
 * The balance history in the transfer log's order (the seq of the transfer each row names; rows
 * naming no transfer first), a page at a time through a cursor: one sort in the database, so the
 * replay compares each row as it reaches that transfer and holds none (ledger verify).
 */
export async function* balanceHistoryInLogOrder({
  db,
  pageSize,
}: {
  db: Db;
  pageSize: number;
}): AsyncGenerator<BalanceRowInLog[]> {
  await db.execute(sql`declare ledger_verify_history no scroll cursor for
    select b.account_id, b.version::text as version_text, b.transfer_id, t.seq::text as seq_text,
      b.debits_pending::text dp, b.debits_posted::text dpo, b.credits_pending::text cp, b.credits_posted::text cpo
    from ledger_balances b left join ledger_transfers t on t.id = b.transfer_id
    order by t.seq nulls first, b.account_id, b.version`);
  try {
    for (;;) {
      const rows = rowsOf(await db.execute(sql.raw(`fetch forward ${Number(pageSize)} from ledger_verify_history`)));
      if (rows.length)
        yield rows.map((r) => ({
          accountId: String(r.account_id),
          version: big(r.version_text),
          transferId: String(r.transfer_id),
          seq: r.seq_text === null ? null : big(r.seq_text),
          ...totals(r),
        }));
      if (rows.length < pageSize) return;
    }
  } finally {
    await db.execute(sql`close ledger_verify_history`);
  }
}
