/**
 * The ledger's invariants as pure checks over rows read from the database (`backstop ledger
 * verify`, DESIGN.md "Money and the ledger"). Each violation carries a stable code naming it.
 */
import {
  CREDITS_MUST_NOT_EXCEED_DEBITS,
  DEBITS_MUST_NOT_EXCEED_CREDITS,
  HISTORY,
  effect,
  zeroTotals,
  type HistoryEntry,
  type ModelAccount,
  type ModelTransfer,
  type Totals,
  type TransferKind,
} from './model';
import { accountId } from './fund-operations';

/** The rows as the database holds them: the reference model's shapes and the columns it does not need. */
export interface AccountRow extends ModelAccount {
  code: string;
  fundId: string | null;
}

export interface TransferRow extends ModelTransfer {
  seq: bigint;
}

export interface BalanceRow extends HistoryEntry {
  accountId: string;
}

/** A transfer as the batch that created it asked for it, read back from the audit log. */
export interface AuditedTransfer {
  id: string;
  kind: TransferKind;
  debit?: string;
  credit?: string;
  amount: bigint;
  code?: string;
  pendingId?: string;
  auditSeq: bigint;
}

export type ViolationCode =
  | 'ledger_unbalanced'
  | 'transfer_invalid'
  | 'pending_resolved_twice'
  | 'account_totals_differ_from_replay'
  | 'history_gap'
  | 'history_differs_from_replay'
  | 'limit_crossed'
  | 'fund_identity_broken'
  | 'transfer_not_audited'
  | 'transfer_differs_from_audit'
  | 'audited_transfer_missing'
  | 'audit_seq_gap'
  | 'audit_chain_broken'
  | 'audit_hash_mismatch'
  | 'audit_chunk_root_differs'
  | 'audit_chunk_filing_missing'
  | 'loan_exposure_differs'
  | 'exposure_without_loan';

export interface Violation {
  code: ViolationCode;
  message: string;
}

const v = (code: ViolationCode, message: string): Violation => ({ code, message });
const fmt = (t: Totals) => `dp=${t.debitsPending} dpo=${t.debitsPosted} cp=${t.creditsPending} cpo=${t.creditsPosted}`;
const sameTotals = (a: Totals, b: Totals) =>
  a.debitsPending === b.debitsPending &&
  a.debitsPosted === b.debitsPosted &&
  a.creditsPending === b.creditsPending &&
  a.creditsPosted === b.creditsPosted;
const add = (a: Totals, b: Totals): Totals => ({
  debitsPending: a.debitsPending + b.debitsPending,
  debitsPosted: a.debitsPosted + b.debitsPosted,
  creditsPending: a.creditsPending + b.creditsPending,
  creditsPosted: a.creditsPosted + b.creditsPosted,
});

/** A filed loan as the loan book holds it: the liability it says the fund has reserved for it (R7b). */
export interface LoanReservedRow {
  filingId: string;
  fundId: string;
  reserved: bigint;
}

/**
 * The loan book against the ledger, loan by loan: each filing's `reserved` equals what its exposure
 * account holds (credits − debits, posted), and no exposure account of a registered fund holds
 * liability for a loan the book does not have. The ledger's own checks cannot see a loan whose row
 * and account drift apart (a repayment written to one and not the other): this one does. Accounts
 * of a fund the registry does not know (a ledger run on its own, as its tests do) are outside the
 * loan book. Loans are fed a page at a time; what is held is the set of exposure accounts holding
 * something that no loan has named yet.
 */
export function createLoanExposureCheck({
  accounts,
  funds,
}: {
  accounts: ReadonlyMap<string, AccountRow>;
  funds: ReadonlySet<string>;
}) {
  const isExposure = (a: AccountRow | undefined): a is AccountRow =>
    !!a && a.code === 'exposure' && a.ledger === 'liability' && !!a.fundId && funds.has(a.fundId);
  const unclaimed = new Set<string>();
  for (const a of accounts.values()) if (isExposure(a) && a.creditsPosted !== a.debitsPosted) unclaimed.add(a.id);
  const out: Violation[] = [];
  return {
    loan(loan: LoanReservedRow): void {
      const id = accountId.exposure(loan.fundId, loan.filingId);
      const found = accounts.get(id);
      const a = isExposure(found) ? found : undefined;
      unclaimed.delete(id);
      const held = a ? a.creditsPosted - a.debitsPosted : 0n;
      if (held !== loan.reserved)
        out.push(
          v(
            'loan_exposure_differs',
            `filing ${loan.filingId}: reserved ${loan.reserved} ≠ its exposure account ${a ? held : '(none)'}`,
          ),
        );
    },
    finish(): Violation[] {
      for (const id of unclaimed) {
        const a = accounts.get(id)!;
        out.push(
          v('exposure_without_loan', `account ${a.id} holds ${a.creditsPosted - a.debitsPosted} for no filed loan`),
        );
      }
      return out;
    },
  };
}

/** The limit flags, on one set of totals: undefined when within them. */
export function crossedLimit(flags: number, t: Totals): string | undefined {
  if (flags & DEBITS_MUST_NOT_EXCEED_CREDITS && t.debitsPending + t.debitsPosted > t.creditsPosted)
    return 'debits exceed credits';
  if (flags & CREDITS_MUST_NOT_EXCEED_DEBITS && t.creditsPending + t.creditsPosted > t.debitsPosted)
    return 'credits exceed debits';
  return undefined;
}

/** Debits = credits per ledger, pending and posted. */
export function checkBalanced(accounts: readonly AccountRow[]): Violation[] {
  const per = new Map<string, Totals>();
  for (const a of accounts) per.set(a.ledger, add(per.get(a.ledger) ?? zeroTotals(), a));
  const out: Violation[] = [];
  for (const [ledger, t] of per) {
    if (t.debitsPending !== t.creditsPending)
      out.push(
        v(
          'ledger_unbalanced',
          `ledger ${ledger}: pending debits ${t.debitsPending} ≠ pending credits ${t.creditsPending}`,
        ),
      );
    if (t.debitsPosted !== t.creditsPosted)
      out.push(
        v('ledger_unbalanced', `ledger ${ledger}: posted debits ${t.debitsPosted} ≠ posted credits ${t.creditsPosted}`),
      );
  }
  return out;
}

/** An account's totals and version as the replay has them so far. */
interface ReplayState {
  totals: Totals;
  count: number;
}

/** A balance history row with the seq of the transfer it names (null: no such transfer in the log). */
export interface BalanceRowInLog extends BalanceRow {
  seq: bigint | null;
}

/**
 * Replays the transfer log, fed in seq order, and holds the accounts' totals and balance history to
 * it; checks each transfer's shape, that a pending resolves at most once, and that no limit is
 * crossed now or at any version. The history is fed in the log's order too (each row with its
 * transfer's seq, after that transfer), so it is compared as it is read: what is held is one state
 * per account and the pendings, never the log or the history.
 */
export function createReplay(accounts: ReadonlyMap<string, AccountRow>) {
  const out: Violation[] = [];
  const replay = new Map<string, ReplayState>();
  const pendings = new Map<string, { debit: string; credit: string; amount: bigint }>();
  const resolvedBy = new Map<string, string>();
  // The history steps replayed but not yet met by their rows: one transfer's worth, or a page's.
  let expected: { seq: bigint; accountId: string; transferId: string; version: number; totals: Totals; met?: true }[] =
    [];
  let head = 0;
  let lastSeq = 0n;
  const reported = new Set<string>();
  const historyProblem = (accountId: string, code: ViolationCode, message: string) => {
    if (reported.has(accountId)) return;
    reported.add(accountId);
    out.push(v(code, message));
  };
  const missing = (s: (typeof expected)[number]) =>
    historyProblem(
      s.accountId,
      'history_gap',
      `account ${s.accountId}: balance history has nothing where version ${s.version} (${s.transferId}) belongs`,
    );

  function transfer(t: TransferRow): void {
    lastSeq = t.seq;
    const d = accounts.get(t.debit);
    const c = accounts.get(t.credit);
    const bad = (why: string) => out.push(v('transfer_invalid', `transfer ${t.id} (seq ${t.seq}): ${why}`));
    if (!d || !c) {
      bad('an account does not exist');
      return;
    }
    if (t.debit === t.credit) bad('debit and credit are the same account');
    if (d.ledger !== c.ledger || d.ledger !== t.ledger)
      bad(`ledger ${t.ledger} does not match its accounts (${d.ledger}, ${c.ledger})`);
    let pendingAmount = 0n;
    if (t.kind === 'single' || t.kind === 'pending') {
      if (t.amount <= 0n) bad(`amount ${t.amount} is not positive`);
      if (t.pendingId !== null) bad('a single or pending transfer names a pending transfer');
      if (t.kind === 'pending') pendings.set(t.id, { debit: t.debit, credit: t.credit, amount: t.amount });
    } else {
      const p = t.pendingId === null ? undefined : pendings.get(t.pendingId);
      if (!p || t.pendingId === null) {
        bad(`resolves ${t.pendingId ?? 'nothing'}, which is not an earlier pending transfer`);
        return;
      }
      const earlier = resolvedBy.get(t.pendingId);
      if (earlier)
        out.push(
          v('pending_resolved_twice', `pending transfer ${t.pendingId} is resolved by both ${earlier} and ${t.id}`),
        );
      resolvedBy.set(t.pendingId, t.id);
      if (p.debit !== t.debit || p.credit !== t.credit) bad(`accounts differ from its pending transfer ${t.pendingId}`);
      if (t.kind === 'void' && t.amount !== 0n) bad(`a void carries amount ${t.amount}`);
      if (t.kind === 'post' && (t.amount <= 0n || t.amount > p.amount))
        bad(`posts ${t.amount} of a pending ${p.amount}`);
      pendingAmount = p.amount;
    }
    for (const [side, account] of [
      ['debit', d],
      ['credit', c],
    ] as const) {
      let r = replay.get(account.id);
      if (!r) replay.set(account.id, (r = { totals: zeroTotals(), count: 0 }));
      r.totals = add(r.totals, effect(t, side, pendingAmount));
      r.count++;
      if (account.flags & HISTORY)
        expected.push({ seq: t.seq, accountId: account.id, transferId: t.id, version: r.count, totals: r.totals });
    }
  }

  /** The next history row, in the order (transfer seq, account); only after its transfer was replayed. */
  function history(row: BalanceRowInLog): void {
    const a = accounts.get(row.accountId);
    if (row.seq === null || row.seq > lastSeq) {
      historyProblem(
        row.accountId,
        'history_differs_from_replay',
        `account ${row.accountId} version ${row.version}: history names ${row.transferId}, which is not in the transfer log`,
      );
      return;
    }
    for (; head < expected.length && expected[head]!.seq < row.seq; head++)
      if (!expected[head]!.met) missing(expected[head]!);
    if (head > 4096) {
      expected = expected.slice(head);
      head = 0;
    }
    let step: (typeof expected)[number] | undefined;
    for (let i = head; i < expected.length && expected[i]!.seq === row.seq && !step; i++)
      if (expected[i]!.accountId === row.accountId && !expected[i]!.met) step = expected[i];
    if (!a) {
      historyProblem(row.accountId, 'history_gap', `balance history for unknown account ${row.accountId}`);
      return;
    }
    if (!(a.flags & HISTORY)) {
      historyProblem(
        a.id,
        'history_differs_from_replay',
        `account ${a.id} keeps no balance history (no history flag) but has history rows (version ${row.version})`,
      );
      return;
    }
    if (!step) {
      historyProblem(
        a.id,
        'history_differs_from_replay',
        `account ${a.id} version ${row.version}: history says ${row.transferId} ${fmt(row)}, the transfer log gives no such step`,
      );
      return;
    }
    step.met = true;
    if (row.version !== BigInt(step.version))
      historyProblem(
        a.id,
        'history_gap',
        `account ${a.id}: balance history has version ${row.version} where version ${step.version} (${step.transferId}) belongs`,
      );
    else if (!sameTotals(row, step.totals))
      historyProblem(
        a.id,
        'history_differs_from_replay',
        `account ${a.id} version ${row.version}: history says ${row.transferId} ${fmt(row)}, the transfer log gives ${step.transferId} ${fmt(step.totals)}`,
      );
    else {
      const crossedThen = crossedLimit(a.flags, row);
      if (crossedThen)
        historyProblem(
          a.id,
          'limit_crossed',
          `account ${a.id} at version ${row.version} (${row.transferId}): ${crossedThen}`,
        );
    }
  }

  /** After the whole log and history: each account's stored totals, version and limits against the replay. */
  function finish(): Violation[] {
    for (const s of expected.slice(head)) if (!s.met) missing(s);
    expected = [];
    head = 0;
    for (const a of accounts.values()) {
      const r = replay.get(a.id) ?? { totals: zeroTotals(), count: 0 };
      if (!sameTotals(a, r.totals) || a.version !== BigInt(r.count))
        out.push(
          v(
            'account_totals_differ_from_replay',
            `account ${a.id}: stored ${fmt(a)} version ${a.version}, the transfer log gives ${fmt(r.totals)} version ${r.count}`,
          ),
        );
      const crossed = crossedLimit(a.flags, a);
      if (crossed) out.push(v('limit_crossed', `account ${a.id}: ${crossed} (${fmt(a)})`));
    }
    return out;
  }

  return { transfer, history, finish };
}

/**
 * Per fund, the liability ledger's closed loop: what the limit account gave out equals what sits
 * in capacity, bank quotas and loan exposures, less what it was lowered past them (R15's
 * shortfall, debit-normal, so it counts as held with its sign) — posted, and pending.
 */
export function checkFundIdentity(accounts: readonly AccountRow[]): Violation[] {
  const funds = new Map<string, { limit: Totals; held: Totals; hasLimit: boolean }>();
  for (const a of accounts) {
    if (
      a.ledger !== 'liability' ||
      !a.fundId ||
      !['limit', 'capacity', 'quota', 'exposure', 'limit-shortfall'].includes(a.code)
    )
      continue;
    const f = funds.get(a.fundId) ?? { limit: zeroTotals(), held: zeroTotals(), hasLimit: false };
    if (a.code === 'limit') {
      f.limit = add(f.limit, a);
      f.hasLimit = true;
    } else f.held = add(f.held, a);
    funds.set(a.fundId, f);
  }
  const out: Violation[] = [];
  for (const [fundId, f] of funds) {
    if (!f.hasLimit) continue;
    const limitPosted = f.limit.debitsPosted - f.limit.creditsPosted;
    const heldPosted = f.held.creditsPosted - f.held.debitsPosted;
    if (limitPosted !== heldPosted)
      out.push(
        v(
          'fund_identity_broken',
          `fund ${fundId}: limit ${limitPosted} ≠ capacity + quotas + exposures − shortfall ${heldPosted} (posted)`,
        ),
      );
    const limitPending = f.limit.debitsPending - f.limit.creditsPending;
    const heldPending = f.held.creditsPending - f.held.debitsPending;
    if (limitPending !== heldPending)
      out.push(
        v(
          'fund_identity_broken',
          `fund ${fundId}: limit ${limitPending} ≠ capacity + quotas + exposures − shortfall ${heldPending} (pending)`,
        ),
      );
  }
  return out;
}

/**
 * Every stored transfer is one an audited batch reported as applied, with the content it asked
 * for; and the reverse. Fed the transfer log in seq order; each audited transfer met is let go, so
 * what is left at the end is what the log lacks.
 */
export function createAuditComparison(audited: Map<string, AuditedTransfer>) {
  const out: Violation[] = [];
  const pendingAmount = new Map<string, bigint>();
  return {
    transfer(t: TransferRow): void {
      if (t.kind === 'pending') pendingAmount.set(t.id, t.amount);
      const a = audited.get(t.id);
      if (!a) {
        out.push(v('transfer_not_audited', `transfer ${t.id} (seq ${t.seq}) appears in no audited batch`));
        return;
      }
      audited.delete(t.id);
      const diffs: string[] = [];
      if (a.kind !== t.kind) diffs.push(`kind ${t.kind} vs ${a.kind}`);
      if (t.kind === 'single' || t.kind === 'pending') {
        if (a.debit !== t.debit || a.credit !== t.credit)
          diffs.push(`accounts ${t.debit}→${t.credit} vs ${a.debit}→${a.credit}`);
        if (a.amount !== t.amount) diffs.push(`amount ${t.amount} vs ${a.amount}`);
        if ((a.code ?? '') !== t.code) diffs.push(`code ${t.code} vs ${a.code ?? ''}`);
      } else {
        if (a.pendingId !== (t.pendingId ?? undefined)) diffs.push(`pending ${t.pendingId} vs ${a.pendingId}`);
        const full = pendingAmount.get(t.pendingId ?? '') ?? 0n;
        const asked = t.kind === 'void' ? 0n : a.amount === 0n ? full : a.amount;
        if (asked !== t.amount) diffs.push(`amount ${t.amount} vs ${asked}`);
      }
      if (diffs.length)
        out.push(
          v(
            'transfer_differs_from_audit',
            `transfer ${t.id} differs from audit row ${a.auditSeq}: ${diffs.join('; ')}`,
          ),
        );
    },
    finish(): Violation[] {
      for (const [id, a] of audited)
        out.push(
          v(
            'audited_transfer_missing',
            `audit row ${a.auditSeq} reports transfer ${id} applied, but it is not in the transfer log`,
          ),
        );
      return out;
    },
  };
}

export const GENESIS_HASH = '0'.repeat(64);

/** The audit log's chain, fed in seq order: seq 1, 2, 3…; each row names the previous row's hash; each hash is the one recomputed from its content. */
export function createAuditChainCheck() {
  const out: Violation[] = [];
  let prev = { seq: 0n, hash: GENESIS_HASH };
  let rows = 0;
  return {
    row(r: { seq: bigint; prevHash: string; hash: string; recomputed: string }): void {
      if (r.seq !== prev.seq + 1n) out.push(v('audit_seq_gap', `audit log: row ${r.seq} follows row ${prev.seq}`));
      if (r.prevHash !== prev.hash)
        out.push(
          v(
            'audit_chain_broken',
            `audit log: row ${r.seq} names previous hash ${r.prevHash.slice(0, 12)}…, row ${prev.seq} has ${prev.hash.slice(0, 12)}…`,
          ),
        );
      if (r.hash !== r.recomputed)
        out.push(
          v(
            'audit_hash_mismatch',
            `audit log: row ${r.seq}'s content hashes to ${r.recomputed.slice(0, 12)}…, the row says ${r.hash.slice(0, 12)}…`,
          ),
        );
      prev = { seq: r.seq, hash: r.hash };
      rows++;
    },
    /** The number of rows read, the last one, and what was found. */
    finish() {
      return { rows, head: rows ? prev : null, violations: out };
    },
  };
}
