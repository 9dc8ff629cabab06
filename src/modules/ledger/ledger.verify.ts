/**
 * `backstop ledger verify` (and POST /api/ledger/verify): reads the ledger and the audit log in one
 * read-only snapshot and runs the pure invariant checks of src/core/ledger/invariants.ts.
 */
import { sql } from 'drizzle-orm';
import {
  checkAgainstAudit,
  checkBalanced,
  checkFundIdentity,
  checkReplay,
  type AccountRow,
  type BalanceRow,
  type TransferRow,
  type Violation,
} from '../../core/ledger/invariants';
import type { TransferKind } from '../../core/ledger/model';
import { verifyAuditLog } from '../audit/audit.verify';
import type { Db } from '../shared/db';
import { rowsOf, type Row } from '../shared/rows';

const big = (x: unknown) => BigInt(x as string);
const PAGE = 5000;

export interface CheckResult {
  name: string;
  violations: Violation[];
}

export interface LedgerVerifyReport {
  ok: boolean;
  counts: { accounts: number; transfers: number; balances: number; auditRows: number };
  /** The last audit row: note it to detect a truncated log next time. */
  auditHead: { seq: string; hash: string } | null;
  checks: CheckResult[];
  violations: Violation[];
}

const totals = (r: Row) => ({
  debitsPending: big(r.dp),
  debitsPosted: big(r.dpo),
  creditsPending: big(r.cp),
  creditsPosted: big(r.cpo),
});

async function readAccounts(db: Db): Promise<AccountRow[]> {
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

async function readTransfers(db: Db): Promise<TransferRow[]> {
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

async function readBalances(db: Db): Promise<BalanceRow[]> {
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

/** All the checks, on one consistent snapshot. */
export async function verifyLedger({ db }: { db: Db }): Promise<LedgerVerifyReport> {
  return db.transaction(
    async (tx) => {
      const accounts = await readAccounts(tx);
      const transfers = await readTransfers(tx);
      const balances = await readBalances(tx);
      const audit = await verifyAuditLog({ db: tx });
      const checks: CheckResult[] = [
        { name: 'debits = credits per ledger (pending and posted)', violations: checkBalanced(accounts) },
        {
          name: 'account totals, balance history and limits = replay of the transfer log; pendings resolved at most once',
          violations: checkReplay({ accounts, transfers, balances }),
        },
        {
          name: 'capacity + quotas + exposures − shortfall = limit, per fund (R15)',
          violations: checkFundIdentity(accounts),
        },
        {
          name: 'transfers = what the audited batches applied',
          violations: checkAgainstAudit({ transfers, audited: audit.audited }),
        },
        { name: 'audit log hash chain intact', violations: audit.violations },
      ];
      const violations = checks.flatMap((c) => c.violations);
      return {
        ok: violations.length === 0,
        counts: {
          accounts: accounts.length,
          transfers: transfers.length,
          balances: balances.length,
          auditRows: audit.rows,
        },
        auditHead: audit.head,
        checks,
        violations,
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Only the audit chain (GET /api/audit/verify). */
export async function verifyAudit({ db }: { db: Db }) {
  return db.transaction(
    async (tx) => {
      const { rows, head, violations } = await verifyAuditLog({ db: tx });
      return { ok: violations.length === 0, rows, head, violations };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** The report as the CLI prints it: one line per check, then each violation named by its code. */
export function formatVerifyReport(r: LedgerVerifyReport, { maxPerCheck = 20 } = {}): string {
  const lines = [
    `ledger verify: ${r.counts.accounts} accounts, ${r.counts.transfers} transfers, ${r.counts.balances} balance versions, ${r.counts.auditRows} audit rows`,
  ];
  if (r.auditHead) lines.push(`audit head: seq ${r.auditHead.seq} hash ${r.auditHead.hash}`);
  for (const c of r.checks) {
    lines.push(
      `${c.violations.length === 0 ? 'ok  ' : 'FAIL'} ${c.name}${c.violations.length ? ` (${c.violations.length} violation${c.violations.length > 1 ? 's' : ''})` : ''}`,
    );
    for (const x of c.violations.slice(0, maxPerCheck)) lines.push(`     ${x.code}: ${x.message}`);
    if (c.violations.length > maxPerCheck) lines.push(`     … and ${c.violations.length - maxPerCheck} more`);
  }
  lines.push(
    r.ok
      ? 'ledger verify: all invariants hold'
      : `ledger verify: ${r.violations.length} violation(s): ${[...new Set(r.violations.map((x) => x.code))].join(', ')}`,
  );
  return lines.join('\n');
}
