/**
 * The only TypeScript that writes ledger rows. Every write goes through the SQL function
 * `ledger_apply` (the live text: src/modules/ledger/ledger_apply.sql, in force since
 * drizzle/0010_ledger_apply_fast_path.sql): one call per batch, limits enforced in the database.
 */
import { sql } from 'drizzle-orm';
import { accountId } from '../../core/ledger/fund-operations';
import type { AccountRow, BalanceRow, TransferRow } from '../../core/ledger/invariants';
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

// The whole ledger as ledger verify reads it, inside its read-only snapshot.
const big = (x: unknown) => BigInt(x as string);
const PAGE = 5000;

const totals = (r: Row) => ({
  debitsPending: big(r.dp),
  debitsPosted: big(r.dpo),
  creditsPending: big(r.cp),
  creditsPosted: big(r.cpo),
});

/** Every account, by id (ledger verify). */
export async function readAllAccounts({ db }: { db: Db }): Promise<AccountRow[]> {
  const rows = rowsOf(
    await db.execute(sql`select id, ledger, code, flags, fund_id, debits_pending::text dp, debits_posted::text dpo,
    credits_pending::text cp, credits_posted::text cpo, version::text as version_text from ledger_accounts order by id`),
  );
  return rows.map((r) => ({
    id: String(r.id),
    ledger: String(r.ledger),
    code: String(r.code),
    flags: Number(r.flags),
    fundId: (r.fund_id as string | null) ?? null,
    version: big(r.version_text),
    ...totals(r),
  }));
}

/** The whole transfer log in seq order, read a page at a time (ledger verify). */
export async function readAllTransfers({ db }: { db: Db }): Promise<TransferRow[]> {
  const out: TransferRow[] = [];
  let after = 0n;
  for (;;) {
    const rows = rowsOf(
      await db.execute(sql`select seq::text seq_text, id, kind, debit_account_id, credit_account_id, amount::text amount, ledger, code, pending_id
      from ledger_transfers where seq > ${after.toString()}::bigint order by seq limit ${PAGE}`),
    );
    for (const r of rows) {
      out.push({
        seq: big(r.seq_text),
        id: String(r.id),
        kind: r.kind as TransferKind,
        debit: String(r.debit_account_id),
        credit: String(r.credit_account_id),
        amount: big(r.amount),
        ledger: String(r.ledger),
        code: String(r.code),
        pendingId: (r.pending_id as string | null) ?? null,
      });
    }
    if (rows.length < PAGE) return out;
    after = out.at(-1)!.seq;
  }
}

/** Every account's balance history, by account and version, a page at a time (ledger verify). */
export async function readAllBalances({ db }: { db: Db }): Promise<BalanceRow[]> {
  const out: BalanceRow[] = [];
  let after: [string, string] = ['', '0'];
  for (;;) {
    const rows = rowsOf(
      await db.execute(sql`select account_id, version::text as version_text, transfer_id, debits_pending::text dp, debits_posted::text dpo,
      credits_pending::text cp, credits_posted::text cpo from ledger_balances
      where (account_id, version) > (${after[0]}, ${after[1]}::bigint) order by account_id, version limit ${PAGE}`),
    );
    for (const r of rows)
      out.push({
        accountId: String(r.account_id),
        version: big(r.version_text),
        transferId: String(r.transfer_id),
        ...totals(r),
      });
    if (rows.length < PAGE) return out;
    const last = out.at(-1)!;
    after = [last.accountId, last.version.toString()];
  }
}
