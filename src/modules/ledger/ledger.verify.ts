/**
 * `backstop ledger verify` (and POST /api/ledger/verify): reads the ledger and the audit log in one
 * read-only snapshot and runs the pure invariant checks of src/core/ledger/invariants.ts, a page at
 * a time: the transfer log in seq order, then every account with its steps (sorted by the
 * database, read through a cursor), the loan book, the audit log. What stays in memory is a page,
 * the account being replayed, the pendings resolved so far and what was found — not the book.
 */
import { createHash } from 'node:crypto';
import { accountId } from '../../core/ledger/fund-operations';
import {
  auditedTwice,
  checkAgainstAudit,
  checkExposureHasLoan,
  checkLoanExposure,
  createAccountReplay,
  createFundIdentityCheck,
  createLedgerBalanceCheck,
  createTransferShapeCheck,
  filingOfExposure,
  isLoanExposure,
  notAudited,
  type AccountRow,
  type AuditedTransfer,
  type ExposureHeld,
  type Violation,
} from '../../core/ledger/invariants';
import { auditedTransfers, verifyAuditLog } from '../audit/audit.verify';
import { fundsOfFilings, loanBookPages, registeredFundIds } from '../filings/filings.repository';
import type { Db } from '../shared/db';
import {
  accountStepPages,
  balanceVersionCount,
  exposuresHeld,
  storedTransfers,
  strayHistoryRows,
  transferLogPages,
} from './ledger.repository';

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

type Counts = LedgerVerifyReport['counts'];

/** What each pass over the snapshot reads with, and the counts it adds to. */
interface Pass {
  db: Db;
  pageSize: number;
  funds: ReadonlySet<string>;
  counts: Counts;
}

/**
 * A multiset's fingerprint: how many transfer ids, and the sum of each id's hash (64 bits, mod
 * 2^64). The audited transfers found in the log and the log itself agree on both only if they are
 * the same ids, each once — short of a hash collision; otherwise the slow pass names the difference.
 */
function idFingerprint() {
  let count = 0;
  let sum = 0n;
  return {
    add(id: string): void {
      count++;
      sum = BigInt.asUintN(64, sum + createHash('sha256').update(id).digest().readBigUInt64BE(0));
    },
    value: () => `${count}:${sum}`,
  };
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
      const counts: Counts = { accounts: 0, transfers: 0, balances: 0, auditRows: 0, loans: 0 };
      const inLog = idFingerprint();
      const shapes = createTransferShapeCheck();
      for await (const page of transferLogPages({ db: tx, pageSize })) {
        for (const t of page) {
          shapes.transfer(t);
          inLog.add(t.id);
        }
        counts.transfers += page.length;
      }
      const funds = await registeredFundIds({ db: tx });
      const accounts = await checkAccounts({ db: tx, pageSize, funds, counts });
      const loans = await checkLoanBook({ db: tx, pageSize, funds, counts });
      const audit = await checkAudit({ db: tx, pageSize, inLog, counts });
      const checks: CheckResult[] = [
        { name: 'debits = credits per ledger (pending and posted)', violations: accounts.balanced },
        {
          name: 'account totals, balance history and limits = replay of the transfer log; pendings resolved at most once',
          violations: [...shapes.finish(), ...accounts.replay],
        },
        { name: 'capacity + quotas + exposures − shortfall = limit, per fund (R15)', violations: accounts.identity },
        {
          name: 'each filed loan’s reserved liability = its exposure account (the loan book against the ledger)',
          violations: [...loans, ...accounts.exposures],
        },
        { name: 'transfers = what the audited batches applied', violations: audit.transfers },
        { name: 'audit log hash chain intact', violations: audit.chain },
      ];
      const violations = checks.flatMap((c) => c.violations);
      return { ok: violations.length === 0, counts, auditHead: audit.head, checks, violations };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Every account with its steps: the replay, the ledgers' balance, each fund's identity, and each exposure account's loan. */
async function checkAccounts({ db, pageSize, funds, counts }: Pass) {
  const replay = createAccountReplay();
  const balanced = createLedgerBalanceCheck();
  const identity = createFundIdentityCheck();
  const exposures: Violation[] = [];
  let held: ExposureHeld[] = [];
  const checkHeld = async () => {
    const loans = await fundsOfFilings({ db, ids: held.map((e) => filingOfExposure(e)!) });
    for (const e of held) {
      const x = checkExposureHasLoan(e, loans.get(filingOfExposure(e)!));
      if (x) exposures.push(x);
    }
    held = [];
  };
  let last: AccountRow | undefined;
  for await (const page of accountStepPages({ db, pageSize })) {
    for (const step of page) {
      if (step.account !== last) {
        last = step.account;
        counts.accounts++;
        balanced.account(last);
        identity.account(last);
        const e = { ...last, held: last.creditsPosted - last.debitsPosted };
        if (e.held !== 0n && isLoanExposure(e, funds)) {
          if (filingOfExposure(e) === undefined) exposures.push(checkExposureHasLoan(e, undefined)!);
          else held.push(e);
        }
      }
      replay.step(step);
    }
    if (held.length >= pageSize) await checkHeld();
  }
  await checkHeld();
  for (const row of await strayHistoryRows({ db })) replay.strayHistory(row);
  counts.balances = await balanceVersionCount({ db });
  return { replay: replay.finish(), balanced: balanced.finish(), identity: identity.finish(), exposures };
}

/** Each filed loan against its exposure account, a page of loans at a time. */
async function checkLoanBook({ db, pageSize, funds, counts }: Pass): Promise<Violation[]> {
  const out: Violation[] = [];
  for await (const page of loanBookPages({ db, pageSize })) {
    const ids = page.map((l) => accountId.exposure(l.fundId, l.filingId));
    const accounts = await exposuresHeld({ db, ids });
    page.forEach((loan, i) => {
      const x = checkLoanExposure(loan, accounts.get(ids[i]!), funds);
      if (x) out.push(x);
    });
    counts.loans += page.length;
  }
  return out;
}

/**
 * The audit chain, and every transfer the ledger batches report applied against the one stored
 * (looked up a page at a time). If the ids found are not the log's ids each once, a second pass
 * names the transfers no batch reports, and any reported twice.
 */
async function checkAudit({
  db,
  pageSize,
  inLog,
  counts,
}: {
  db: Db;
  pageSize: number;
  inLog: ReturnType<typeof idFingerprint>;
  counts: Counts;
}) {
  const transfers: Violation[] = [];
  const found = idFingerprint();
  let waiting: AuditedTransfer[] = [];
  const compare = async () => {
    const stored = await storedTransfers({ db, ids: waiting.map((a) => a.id) });
    for (const a of waiting) {
      const t = stored.get(a.id);
      if (t) found.add(a.id);
      const x = checkAgainstAudit(a, t);
      if (x) transfers.push(x);
    }
    waiting = [];
  };
  const audit = await verifyAuditLog({
    db,
    ledgerBatch: async (applied) => {
      for (const a of applied) waiting.push(a);
      if (waiting.length >= pageSize) await compare();
    },
  });
  await compare();
  counts.auditRows = audit.rows;
  if (found.value() !== inLog.value()) transfers.push(...(await unauditedTransfers({ db, pageSize })));
  return { transfers, chain: audit.violations, head: audit.head };
}

/** The slow pass, when the audited ids and the log's differ: holds every audited id. */
async function unauditedTransfers({ db, pageSize }: { db: Db; pageSize: number }): Promise<Violation[]> {
  const reported = new Map<string, bigint[]>();
  for await (const batch of auditedTransfers(db))
    for (const a of batch) {
      const seqs = reported.get(a.id);
      if (seqs) seqs.push(a.auditSeq);
      else reported.set(a.id, [a.auditSeq]);
    }
  const out: Violation[] = [];
  for (const [id, seqs] of reported) if (seqs.length > 1) out.push(auditedTwice(id, seqs));
  for await (const page of transferLogPages({ db, pageSize }))
    for (const t of page) if (!reported.has(t.id)) out.push(notAudited(t));
  return out;
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
