/** Reads for the ledger routes: a fund's accounts with their balances, an account's balance history, and a business entity's transfers, paged. */
import { sql } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { rowsOf } from '../shared/rows';
import { transferRow } from './ledger.repository';

const big = (x: unknown) => BigInt(x as string);

export interface AccountView {
  id: string;
  ledger: string;
  code: string;
  flags: number;
  fundId: string | null;
  entityKind: string | null;
  entityId: string | null;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
  version: bigint;
}

export interface TransferView {
  seq: bigint;
  id: string;
  kind: string;
  debit: string;
  credit: string;
  amount: bigint;
  ledger: string;
  code: string;
  pendingId: string | null;
  entityKind: string | null;
  entityId: string | null;
  createdAt: string;
}

export async function listAccounts({ db, fundId }: { db: Db; fundId: string }): Promise<AccountView[]> {
  const rows = rowsOf(
    await db.execute(sql`select id, ledger, code, flags, fund_id, entity_kind, entity_id, debits_pending::text dp, debits_posted::text dpo,
    credits_pending::text cp, credits_posted::text cpo, version::text v from ledger_accounts where fund_id = ${fundId} order by id`),
  );
  return rows.map((r) => ({
    id: String(r.id),
    ledger: String(r.ledger),
    code: String(r.code),
    flags: Number(r.flags),
    fundId: (r.fund_id as string | null) ?? null,
    entityKind: (r.entity_kind as string | null) ?? null,
    entityId: (r.entity_id as string | null) ?? null,
    debitsPending: big(r.dp),
    debitsPosted: big(r.dpo),
    creditsPending: big(r.cp),
    creditsPosted: big(r.cpo),
    version: big(r.v),
  }));
}

export interface BalanceView {
  version: bigint;
  transferId: string;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

/** An account's balance after each transfer (accounts with the history flag), `limit + 1` versions after `afterVersion`. */
export async function listBalances({
  db,
  accountId,
  afterVersion,
  limit,
  order,
}: {
  db: Db;
  accountId: string;
  afterVersion?: bigint;
  limit: number;
  order: 'asc' | 'desc';
}): Promise<BalanceView[]> {
  const cursor = afterVersion === undefined ? null : afterVersion.toString();
  const rows = rowsOf(
    await db.execute(
      order === 'asc'
        ? sql`select version::text v, transfer_id, debits_pending::text dp, debits_posted::text dpo, credits_pending::text cp, credits_posted::text cpo
        from ledger_balances where account_id = ${accountId} and (${cursor}::bigint is null or version > ${cursor}::bigint) order by version asc limit ${limit + 1}`
        : sql`select version::text v, transfer_id, debits_pending::text dp, debits_posted::text dpo, credits_pending::text cp, credits_posted::text cpo
        from ledger_balances where account_id = ${accountId} and (${cursor}::bigint is null or version < ${cursor}::bigint) order by version desc limit ${limit + 1}`,
    ),
  );
  return rows.map((r) => ({
    version: big(r.v),
    transferId: String(r.transfer_id),
    debitsPending: big(r.dp),
    debitsPosted: big(r.dpo),
    creditsPending: big(r.cp),
    creditsPosted: big(r.cpo),
  }));
}

/** `limit + 1` rows after `afterSeq`, so the caller knows whether there is a next page. */
export async function listTransfers({
  db,
  entityKind,
  entityId,
  afterSeq,
  limit,
  order,
}: {
  db: Db;
  entityKind: string;
  entityId: string;
  afterSeq?: bigint;
  limit: number;
  order: 'asc' | 'desc';
}): Promise<TransferView[]> {
  const cursor = afterSeq === undefined ? null : afterSeq.toString();
  const rows = rowsOf(
    await db.execute(
      order === 'asc'
        ? sql`select seq::text seq_text, id, kind, debit_account_id, credit_account_id, amount::text amount, ledger, code, pending_id, entity_kind, entity_id, created_at
        from ledger_transfers where entity_kind = ${entityKind} and entity_id = ${entityId} and (${cursor}::bigint is null or seq > ${cursor}::bigint) order by ledger_transfers.seq asc limit ${limit + 1}`
        : sql`select seq::text seq_text, id, kind, debit_account_id, credit_account_id, amount::text amount, ledger, code, pending_id, entity_kind, entity_id, created_at
        from ledger_transfers where entity_kind = ${entityKind} and entity_id = ${entityId} and (${cursor}::bigint is null or seq < ${cursor}::bigint) order by ledger_transfers.seq desc limit ${limit + 1}`,
    ),
  );
  return rows.map((r) => ({
    ...transferRow(r),
    entityKind: (r.entity_kind as string | null) ?? null,
    entityId: (r.entity_id as string | null) ?? null,
    createdAt: new Date(r.created_at as string).toISOString(),
  }));
}
