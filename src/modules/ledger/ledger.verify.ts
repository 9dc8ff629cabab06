/**
 * `backstop ledger verify` (and POST /api/ledger/verify): reads the ledger and the audit log in one
 * read-only snapshot and runs the pure invariant checks of src/core/ledger/invariants.ts. The
 * accounts and the audited transfers are held; the transfer log, the balance history and the loan
 * book are read a page at a time and checked as they pass.
 */
import {
  checkBalanced,
  checkFundIdentity,
  createAuditComparison,
  createLoanExposureCheck,
  createReplay,
  type BalanceRowInLog,
  type Violation,
} from '../../core/ledger/invariants';
import { verifyAuditLog } from '../audit/audit.verify';
import { loanBookPages, registeredFundIds } from '../filings/filings.repository';
import type { Db } from '../shared/db';
import { balanceHistoryInLogOrder, readAllAccounts, transferLogPages } from './ledger.repository';

export interface CheckResult {
  name: string;
  violations: Violation[];
}

export interface LedgerVerifyReport {
  ok: boolean;
  counts: { accounts: number; transfers: number; balances: number; auditRows: number; loans: number };
  /** The last audit row: note it to detect a truncated log next time. */
  auditHead: { seq: string; hash: string } | null;
  checks: CheckResult[];
  violations: Violation[];
}

/** All the checks, on one consistent snapshot; `pageSize` rows read at a time (small in tests, to cross pages). */
export async function verifyLedger({
  db,
  pageSize = 5000,
}: {
  db: Db;
  pageSize?: number;
}): Promise<LedgerVerifyReport> {
  return db.transaction(
    async (tx) => {
      const accounts = await readAllAccounts({ db: tx, pageSize });
      const audit = await verifyAuditLog({ db: tx, accountIds: accounts });
      const counts = { accounts: accounts.size, transfers: 0, balances: 0, loans: 0, auditRows: audit.rows };

      const replay = createReplay(accounts);
      const againstAudit = createAuditComparison(audit.audited);
      const history = balanceHistoryInLogOrder({ db: tx, pageSize });
      let waiting: BalanceRowInLog[] = [];
      let historyDone = false;
      // The history rows up to `seq` (all when null), once the log has been replayed that far.
      const compareHistory = async (seq: bigint | null) => {
        for (;;) {
          let i = 0;
          while (i < waiting.length && (seq === null || (waiting[i]!.seq ?? 0n) <= seq)) replay.history(waiting[i++]!);
          counts.balances += i;
          waiting = waiting.slice(i);
          if (waiting.length || historyDone) return;
          const next = await history.next();
          if (next.done) historyDone = true;
          else waiting = next.value;
        }
      };
      for await (const page of transferLogPages({ db: tx, pageSize })) {
        for (const t of page) {
          replay.transfer(t);
          againstAudit.transfer(t);
        }
        counts.transfers += page.length;
        await compareHistory(page.at(-1)!.seq);
      }
      await compareHistory(null);

      const loans = createLoanExposureCheck({ accounts, funds: await registeredFundIds({ db: tx }) });
      for await (const page of loanBookPages({ db: tx, pageSize })) {
        for (const loan of page) loans.loan(loan);
        counts.loans += page.length;
      }

      const rows = [...accounts.values()];
      const checks: CheckResult[] = [
        { name: 'debits = credits per ledger (pending and posted)', violations: checkBalanced(rows) },
        {
          name: 'account totals, balance history and limits = replay of the transfer log; pendings resolved at most once',
          violations: replay.finish(),
        },
        {
          name: 'capacity + quotas + exposures − shortfall = limit, per fund (R15)',
          violations: checkFundIdentity(rows),
        },
        {
          name: 'each filed loan’s reserved liability = its exposure account (the loan book against the ledger)',
          violations: loans.finish(),
        },
        { name: 'transfers = what the audited batches applied', violations: againstAudit.finish() },
        { name: 'audit log hash chain intact', violations: audit.violations },
      ];
      const violations = checks.flatMap((c) => c.violations);
      return { ok: violations.length === 0, counts, auditHead: audit.head, checks, violations };
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
    `ledger verify: ${r.counts.accounts} accounts, ${r.counts.transfers} transfers, ${r.counts.balances} balance versions, ${r.counts.loans} filed loans, ${r.counts.auditRows} audit rows`,
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
