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
/** A filed loan as the loan book holds it: the liability it says the fund has reserved for it (R7b). */
export interface LoanReservedRow {
  filingId: string;
  fundId: string;
  reserved: bigint;
}

/** An exposure account as the loan check reads it: posted credits − debits, what it holds for its loan. */
export interface ExposureHeld {
  id: string;
  ledger: string;
  code: string;
  fundId: string | null;
  held: bigint;
}

/**
 * The loan book against the ledger, loan by loan (R7b): each filing's `reserved` equals what its
 * exposure account holds, and no exposure account of a registered fund holds liability for a loan
 * the book does not have. The ledger's own checks cannot see a loan whose row and account drift
 * apart (a repayment written to one and not the other): this one does. Accounts of a fund the
 * registry does not know (a ledger run on its own, as its tests do) are outside the loan book.
 */
export function isLoanExposure(a: ExposureHeld, funds: ReadonlySet<string>): boolean {
  return a.code === 'exposure' && a.ledger === 'liability' && !!a.fundId && funds.has(a.fundId);
}

/** The loan's side: its exposure account (undefined when there is none, or it is not one). */
export function checkLoanExposure(
  loan: LoanReservedRow,
  account: ExposureHeld | undefined,
  funds: ReadonlySet<string>,
): Violation | undefined {
  const a = account && isLoanExposure(account, funds) ? account : undefined;
  const held = a?.held ?? 0n;
  if (held === loan.reserved) return undefined;
  return v(
    'loan_exposure_differs',
    `filing ${loan.filingId}: reserved ${loan.reserved} ≠ its exposure account ${a ? held : '(none)'}`,
  );
}

/** The account's side: the filing an exposure account is named for (`<fund>:exposure:<filing>`). */
export function filingOfExposure(a: { id: string; fundId: string | null }): string | undefined {
  const prefix = accountId.exposure(a.fundId ?? '', '');
  return a.fundId && a.id.startsWith(prefix) ? a.id.slice(prefix.length) : undefined;
}

/** An exposure account holding liability whose filing is not in the book, or is another fund's. */
export function checkExposureHasLoan(a: ExposureHeld, filing: { fundId: string } | undefined): Violation | undefined {
  if (a.held === 0n || (filing && filing.fundId === a.fundId)) return undefined;
  return v('exposure_without_loan', `account ${a.id} holds ${a.held} for no filed loan`);
}

/** The limit flags, on one set of totals: undefined when within them. */
export function crossedLimit(flags: number, t: Totals): string | undefined {
  if (flags & DEBITS_MUST_NOT_EXCEED_CREDITS && t.debitsPending + t.debitsPosted > t.creditsPosted)
    return 'debits exceed credits';
  if (flags & CREDITS_MUST_NOT_EXCEED_DEBITS && t.creditsPending + t.creditsPosted > t.debitsPosted)
    return 'credits exceed debits';
  return undefined;
}

/** Debits = credits per ledger, pending and posted: fed every account, checked at the end. */
export function createLedgerBalanceCheck() {
  const per = new Map<string, Totals>();
  return {
    account(a: AccountRow): void {
      per.set(a.ledger, add(per.get(a.ledger) ?? zeroTotals(), a));
    },
    finish(): Violation[] {
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
            v(
              'ledger_unbalanced',
              `ledger ${ledger}: posted debits ${t.debitsPosted} ≠ posted credits ${t.creditsPosted}`,
            ),
          );
      }
      return out;
    },
  };
}

/**
 * Per fund, the liability ledger's closed loop (R15): what the limit account gave out equals what
 * sits in capacity, bank quotas and loan exposures, less what it was lowered past them (the
 * shortfall, debit-normal, so it counts as held with its sign) — posted, and pending. Fed every
 * account, checked at the end.
 */
export function createFundIdentityCheck() {
  const funds = new Map<string, { limit: Totals; held: Totals; hasLimit: boolean }>();
  const HELD = new Set(['capacity', 'quota', 'exposure', 'limit-shortfall']);
  return {
    account(a: AccountRow): void {
      if (a.ledger !== 'liability' || !a.fundId || (a.code !== 'limit' && !HELD.has(a.code))) return;
      const f = funds.get(a.fundId) ?? { limit: zeroTotals(), held: zeroTotals(), hasLimit: false };
      if (a.code === 'limit') {
        f.limit = add(f.limit, a);
        f.hasLimit = true;
      } else f.held = add(f.held, a);
      funds.set(a.fundId, f);
    },
    finish(): Violation[] {
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
    },
  };
}

/**
 * A transfer as the log holds it, with what the database holds of its accounts (their ledgers;
 * null: no such account) and of the transfer named as its pending (null: none).
 */
export interface TransferInLog extends TransferRow {
  debitLedger: string | null;
  creditLedger: string | null;
  pending: { seq: bigint; kind: TransferKind; debit: string; credit: string; amount: bigint } | null;
}

/**
 * Each transfer's shape, fed in seq order: its accounts exist and share its ledger, amounts are
 * positive, a post or void resolves an earlier pending transfer with the same accounts, once, and
 * posts no more than it. What is held: which pendings were resolved, and by what.
 */
export function createTransferShapeCheck() {
  const out: Violation[] = [];
  const resolvedBy = new Map<string, string>();
  return {
    transfer(t: TransferInLog): void {
      const bad = (why: string) => out.push(v('transfer_invalid', `transfer ${t.id} (seq ${t.seq}): ${why}`));
      if (t.debitLedger === null || t.creditLedger === null) {
        bad('an account does not exist');
        return;
      }
      if (t.debit === t.credit) bad('debit and credit are the same account');
      if (t.debitLedger !== t.creditLedger || t.debitLedger !== t.ledger)
        bad(`ledger ${t.ledger} does not match its accounts (${t.debitLedger}, ${t.creditLedger})`);
      if (t.kind === 'single' || t.kind === 'pending') {
        if (t.amount <= 0n) bad(`amount ${t.amount} is not positive`);
        if (t.pendingId !== null) bad('a single or pending transfer names a pending transfer');
        return;
      }
      const p = t.pending?.kind === 'pending' && t.pending.seq < t.seq ? t.pending : undefined;
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
    },
    finish: (): Violation[] => out,
  };
}

/**
 * One step of an account's replay: the account, and one side of a transfer that moved it (null for
 * an account never moved), with the amount of the pending it resolves (null: none) and the balance
 * version written for it on this account (null: none).
 */
export interface AccountStep {
  account: AccountRow;
  leg: {
    transferId: string;
    side: 'debit' | 'credit';
    kind: TransferKind;
    amount: bigint;
    pendingAmount: bigint | null;
    version: HistoryVersion | null;
  } | null;
}

export type HistoryVersion = Totals & { version: bigint };

/**
 * Replays the transfer log account by account: fed each account's steps together, in seq order,
 * it holds the account's totals and balance history to them and checks that no limit is crossed
 * now or at any version. What is held is the one account being replayed.
 */
export function createAccountReplay() {
  const out: Violation[] = [];
  let current: { a: AccountRow; totals: Totals; count: number; reported: boolean; lastLeg: string } | null = null;
  const problem = (code: ViolationCode, message: string) => {
    if (current!.reported) return;
    current!.reported = true;
    out.push(v(code, message));
  };

  function close(): void {
    if (!current) return;
    const { a, totals, count } = current;
    if (!sameTotals(a, totals) || a.version !== BigInt(count))
      out.push(
        v(
          'account_totals_differ_from_replay',
          `account ${a.id}: stored ${fmt(a)} version ${a.version}, the transfer log gives ${fmt(totals)} version ${count}`,
        ),
      );
    const crossed = crossedLimit(a.flags, a);
    if (crossed) out.push(v('limit_crossed', `account ${a.id}: ${crossed} (${fmt(a)})`));
    current = null;
  }

  function step({ account: a, leg }: AccountStep): void {
    if (current?.a.id !== a.id) {
      close();
      current = { a, totals: zeroTotals(), count: 0, reported: false, lastLeg: '' };
    }
    if (!leg) return;
    const key = `${leg.transferId}\u0000${leg.side}`;
    if (key === current.lastLeg) {
      problem(
        'history_differs_from_replay',
        `account ${a.id}: balance history has two versions for ${leg.transferId} (one is version ${leg.version?.version})`,
      );
      return;
    }
    current.lastLeg = key;
    current.totals = add(current.totals, effect(leg, leg.side, leg.pendingAmount ?? 0n));
    current.count++;
    const row = leg.version;
    if (!(a.flags & HISTORY)) {
      if (row)
        problem(
          'history_differs_from_replay',
          `account ${a.id} keeps no balance history (no history flag) but has history rows (version ${row.version})`,
        );
      return;
    }
    if (!row || row.version !== BigInt(current.count))
      problem(
        'history_gap',
        `account ${a.id}: balance history has ${row ? `version ${row.version}` : 'nothing'} where version ${current.count} (${leg.transferId}) belongs`,
      );
    else if (!sameTotals(row, current.totals))
      problem(
        'history_differs_from_replay',
        `account ${a.id} version ${row.version}: history says ${leg.transferId} ${fmt(row)}, the transfer log gives ${fmt(current.totals)}`,
      );
    else {
      const crossedThen = crossedLimit(a.flags, row);
      if (crossedThen)
        problem('limit_crossed', `account ${a.id} at version ${row.version} (${leg.transferId}): ${crossedThen}`);
    }
  }

  /** A history row that no step of its account names (its transfer is not in the log, or does not move that account). */
  function strayHistory(row: { accountId: string; version: bigint; transferId: string; accountExists: boolean }): void {
    out.push(
      row.accountExists
        ? v(
            'history_differs_from_replay',
            `account ${row.accountId} version ${row.version}: history names ${row.transferId}, which is not a transfer of this account in the log`,
          )
        : v('history_gap', `balance history for unknown account ${row.accountId}`),
    );
  }

  return {
    step,
    strayHistory,
    finish(): Violation[] {
      close();
      return out;
    },
  };
}

/** A stored transfer as the audit comparison reads it, with the amount of the pending it resolves. */
export interface StoredTransfer extends TransferRow {
  pendingAmount: bigint | null;
}

/** One transfer an audited batch reported as applied, against the one stored under its id (undefined: none). */
export function checkAgainstAudit(a: AuditedTransfer, t: StoredTransfer | undefined): Violation | undefined {
  if (!t)
    return v(
      'audited_transfer_missing',
      `audit row ${a.auditSeq} reports transfer ${a.id} applied, but it is not in the transfer log`,
    );
  const diffs: string[] = [];
  if (a.kind !== t.kind) diffs.push(`kind ${t.kind} vs ${a.kind}`);
  if (t.kind === 'single' || t.kind === 'pending') {
    if (a.debit !== t.debit || a.credit !== t.credit)
      diffs.push(`accounts ${t.debit}→${t.credit} vs ${a.debit}→${a.credit}`);
    if (a.amount !== t.amount) diffs.push(`amount ${t.amount} vs ${a.amount}`);
    if ((a.code ?? '') !== t.code) diffs.push(`code ${t.code} vs ${a.code ?? ''}`);
  } else {
    if (a.pendingId !== (t.pendingId ?? undefined)) diffs.push(`pending ${t.pendingId} vs ${a.pendingId}`);
    const asked = t.kind === 'void' ? 0n : a.amount === 0n ? (t.pendingAmount ?? 0n) : a.amount;
    if (asked !== t.amount) diffs.push(`amount ${t.amount} vs ${asked}`);
  }
  if (!diffs.length) return undefined;
  return v('transfer_differs_from_audit', `transfer ${t.id} differs from audit row ${a.auditSeq}: ${diffs.join('; ')}`);
}

/** A stored transfer that no audited batch reports as applied. */
export const notAudited = (t: { id: string; seq: bigint }): Violation =>
  v('transfer_not_audited', `transfer ${t.id} (seq ${t.seq}) appears in no audited batch`);

/** A transfer two audited batches both report as applied (it can be created once). */
export const auditedTwice = (id: string, seqs: readonly bigint[]): Violation =>
  v('transfer_differs_from_audit', `transfer ${id} is reported applied by audit rows ${seqs.join(' and ')}`);

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
