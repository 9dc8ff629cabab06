/**
 * `backstop ledger verify` (and POST /api/ledger/verify): reads the ledger and the audit log in one
 * read-only snapshot and runs the pure invariant checks of src/core/ledger/invariants.ts.
 */
import {
  checkAgainstAudit,
  checkBalanced,
  checkFundIdentity,
  checkLoanExposures,
  checkReplay,
  type Violation,
} from '../../core/ledger/invariants';
import { verifyAuditLog } from '../audit/audit.verify';
import { readLoanBook } from '../filings/filings.repository';
import type { Db } from '../shared/db';
import { readAllAccounts, readAllBalances, readAllTransfers } from './ledger.repository';

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

/** All the checks, on one consistent snapshot. */
export async function verifyLedger({ db }: { db: Db }): Promise<LedgerVerifyReport> {
  return db.transaction(
    async (tx) => {
      const accounts = await readAllAccounts({ db: tx });
      const transfers = await readAllTransfers({ db: tx });
      const balances = await readAllBalances({ db: tx });
      const { loans, funds } = await readLoanBook({ db: tx });
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
          name: 'each filed loan’s reserved liability = its exposure account (the loan book against the ledger)',
          violations: checkLoanExposures({ loans, accounts, funds }),
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
          loans: loans.length,
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
