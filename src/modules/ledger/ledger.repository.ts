/**
 * The only TypeScript that writes ledger rows. Every write goes through the SQL function
 * `ledger_apply` (the live text: src/modules/ledger/ledger_apply.sql, in force since
 * drizzle/0010_ledger_apply_fast_path.sql): one call per batch, limits enforced in the database.
 */
import { sql } from 'drizzle-orm';
import { accountId } from '../../core/ledger/fund-operations';
import type {
  AccountRow,
  AccountStep,
  ExposureHeld,
  StoredTransfer,
  TransferInLog,
  TransferRow,
} from '../../core/ledger/invariants';
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

// The whole ledger as ledger verify reads it, inside its read-only snapshot, a page at a time: the
// checks hold no more than a page, an account and what they found (ledger.verify.ts).
const big = (x: unknown) => BigInt(x as string);
const bigOrNull = (x: unknown) => (x === null || x === undefined ? null : BigInt(x as string));

const totals = (r: Row, p = '') => ({
  debitsPending: big(r[`${p}dp`]),
  debitsPosted: big(r[`${p}dpo`]),
  creditsPending: big(r[`${p}cp`]),
  creditsPosted: big(r[`${p}cpo`]),
});

/** A ledger_transfers row as selected with `seq::text seq_text` and `amount::text amount`. */
export const transferRow = (r: Row): TransferRow => ({
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

/** The transfer log in seq order, each with its accounts' ledgers and the transfer it names as pending. */
export async function* transferLogPages({
  db,
  pageSize,
}: {
  db: Db;
  pageSize: number;
}): AsyncGenerator<TransferInLog[]> {
  let after = 0n;
  for (;;) {
    const rows = rowsOf(
      await db.execute(sql`select t.seq::text seq_text, t.id, t.kind, t.debit_account_id, t.credit_account_id,
        t.amount::text amount, t.ledger, t.code, t.pending_id, d.ledger d_ledger, c.ledger c_ledger,
        p.seq::text p_seq, p.kind p_kind, p.debit_account_id p_debit, p.credit_account_id p_credit, p.amount::text p_amount
      from ledger_transfers t
        left join ledger_accounts d on d.id = t.debit_account_id
        left join ledger_accounts c on c.id = t.credit_account_id
        left join ledger_transfers p on p.id = t.pending_id
      where t.seq > ${after.toString()}::bigint order by t.seq limit ${pageSize}`),
    );
    const page: TransferInLog[] = rows.map((r) => ({
      ...transferRow(r),
      debitLedger: (r.d_ledger as string | null) ?? null,
      creditLedger: (r.c_ledger as string | null) ?? null,
      pending:
        r.p_seq === null
          ? null
          : {
              seq: big(r.p_seq),
              kind: r.p_kind as TransferKind,
              debit: String(r.p_debit),
              credit: String(r.p_credit),
              amount: big(r.p_amount),
            },
    }));
    if (page.length) yield page;
    if (rows.length < pageSize) return;
    after = page.at(-1)!.seq;
  }
}

/**
 * Every account with each side of each transfer that moved it, in seq order, and the balance
 * version written for it: one sort in the database, read through a cursor, so an account's steps
 * arrive together and the replay holds one account at a time. An account never moved comes once,
 * with no leg. Only the order by account matters here (the steps of one account together), not
 * which collation orders them.
 */
export async function* accountStepPages({ db, pageSize }: { db: Db; pageSize: number }): AsyncGenerator<AccountStep[]> {
  // Planned for all its rows, not the first (a cursor's default): a fast start merges the balance
  // versions in by account alone, which is quadratic in an account's transfers (the fund's capacity
  // has one per loan). The versions are joined to the legs by (account, transfer) first for the same reason.
  await db.execute(sql`set local cursor_tuple_fraction = 1`);
  await db.execute(sql`declare ledger_verify_steps no scroll cursor for
    with legs as materialized (
      select u.*, b.version as b_version, b.debits_pending as b_dp, b.debits_posted as b_dpo,
        b.credits_pending as b_cp, b.credits_posted as b_cpo
      from (
        select t.debit_account_id as account_id, 0 as side, t.seq, t.id, t.kind, t.amount, p.amount as pending_amount
        from ledger_transfers t left join ledger_transfers p on p.id = t.pending_id and p.kind = 'pending'
        union all
        select t.credit_account_id, 1, t.seq, t.id, t.kind, t.amount, p.amount
        from ledger_transfers t left join ledger_transfers p on p.id = t.pending_id and p.kind = 'pending'
      ) u left join ledger_balances b on b.account_id = u.account_id and b.transfer_id = u.id
    )
    select a.id, a.ledger, a.code, a.flags, a.fund_id, a.debits_pending::text dp, a.debits_posted::text dpo,
      a.credits_pending::text cp, a.credits_posted::text cpo, a.version::text as version_text,
      l.side, l.id as transfer_id, l.kind, l.amount::text amount, l.pending_amount::text pending_amount,
      l.b_version::text as b_version, l.b_dp::text b_dp, l.b_dpo::text b_dpo, l.b_cp::text b_cp, l.b_cpo::text b_cpo
    from ledger_accounts a left join legs l on l.account_id = a.id
    order by a.id, l.seq, l.side, l.b_version`);
  let account: AccountRow | undefined;
  try {
    for (;;) {
      const rows = rowsOf(await db.execute(sql.raw(`fetch forward ${Number(pageSize)} from ledger_verify_steps`)));
      const page: AccountStep[] = [];
      for (const r of rows) {
        const a: AccountRow =
          account && account.id === r.id
            ? account
            : {
                id: String(r.id),
                ledger: String(r.ledger),
                code: String(r.code),
                flags: Number(r.flags),
                fundId: (r.fund_id as string | null) ?? null,
                version: big(r.version_text),
                ...totals(r),
              };
        account = a;
        page.push({
          account: a,
          leg:
            r.transfer_id === null
              ? null
              : {
                  transferId: String(r.transfer_id),
                  side: Number(r.side) === 0 ? 'debit' : 'credit',
                  kind: r.kind as TransferKind,
                  amount: big(r.amount),
                  pendingAmount: bigOrNull(r.pending_amount),
                  version: r.b_version === null ? null : { version: big(r.b_version), ...totals(r, 'b_') },
                },
        });
      }
      if (page.length) yield page;
      if (rows.length < pageSize) return;
    }
  } finally {
    await db.execute(sql`close ledger_verify_steps`);
  }
}

/** Balance history rows that no step names: of an account that does not exist, or naming a transfer that does not move their account. */
export async function strayHistoryRows({
  db,
}: {
  db: Db;
}): Promise<{ accountId: string; version: bigint; transferId: string; accountExists: boolean }[]> {
  const rows = rowsOf(
    await db.execute(sql`select b.account_id, b.version::text as version_text, b.transfer_id, a.id is not null as account_exists
    from ledger_balances b left join ledger_accounts a on a.id = b.account_id
    where a.id is null or not exists (select 1 from ledger_transfers t
      where t.id = b.transfer_id and b.account_id in (t.debit_account_id, t.credit_account_id))
    order by b.account_id, b.version`),
  );
  return rows.map((r) => ({
    accountId: String(r.account_id),
    version: big(r.version_text),
    transferId: String(r.transfer_id),
    accountExists: r.account_exists === true || r.account_exists === 't',
  }));
}

/** How many balance versions the ledger keeps. */
export async function balanceVersionCount({ db }: { db: Db }): Promise<number> {
  const [row] = rowsOf(await db.execute(sql`select count(*)::text as n from ledger_balances`));
  return Number(row?.n ?? 0);
}

/** These exposure accounts (by id), with what each holds. */
export async function exposuresHeld({ db, ids }: { db: Db; ids: string[] }): Promise<Map<string, ExposureHeld>> {
  if (!ids.length) return new Map();
  const rows = rowsOf(
    await db.execute(sql`select id, ledger, code, fund_id, (credits_posted - debits_posted)::text held
    from ledger_accounts where id = ${anyOfTexts(ids)}`),
  );
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        id: String(r.id),
        ledger: String(r.ledger),
        code: String(r.code),
        fundId: (r.fund_id as string | null) ?? null,
        held: big(r.held),
      },
    ]),
  );
}

/** These transfers (by id) as stored, each with the amount of the pending it resolves. */
export async function storedTransfers({ db, ids }: { db: Db; ids: string[] }): Promise<Map<string, StoredTransfer>> {
  if (!ids.length) return new Map();
  const rows = rowsOf(
    await db.execute(sql`select t.seq::text seq_text, t.id, t.kind, t.debit_account_id, t.credit_account_id,
      t.amount::text amount, t.ledger, t.code, t.pending_id, p.amount::text p_amount
    from ledger_transfers t left join ledger_transfers p on p.id = t.pending_id and p.kind = 'pending'
    where t.id = ${anyOfTexts(ids)}`),
  );
  return new Map(rows.map((r) => [String(r.id), { ...transferRow(r), pendingAmount: bigOrNull(r.p_amount) }]));
}
