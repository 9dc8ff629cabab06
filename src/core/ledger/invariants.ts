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
 * loan book.
 */
export function checkLoanExposures({
  loans,
  accounts,
  funds,
}: {
  loans: readonly LoanReservedRow[];
  accounts: readonly AccountRow[];
  funds: ReadonlySet<string>;
}): Violation[] {
  const exposures = new Map<string, AccountRow>();
  for (const a of accounts)
    if (a.code === 'exposure' && a.ledger === 'liability' && a.fundId && funds.has(a.fundId)) exposures.set(a.id, a);
  const out: Violation[] = [];
  for (const loan of loans) {
    const id = accountId.exposure(loan.fundId, loan.filingId);
    const a = exposures.get(id);
    exposures.delete(id);
    const held = a ? a.creditsPosted - a.debitsPosted : 0n;
    if (held !== loan.reserved)
      out.push(
        v(
          'loan_exposure_differs',
          `filing ${loan.filingId}: reserved ${loan.reserved} ≠ its exposure account ${a ? held : '(none)'}`,
        ),
      );
  }
  for (const a of exposures.values())
    if (a.creditsPosted !== a.debitsPosted)
      out.push(
        v('exposure_without_loan', `account ${a.id} holds ${a.creditsPosted - a.debitsPosted} for no filed loan`),
      );
  return out;
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

/**
 * Replays the transfer log (in seq order) and holds the accounts' totals and balance history to
 * it; checks each transfer's shape, that a pending resolves at most once, and that no limit is
 * crossed now or at any version.
 */
export function checkReplay({
  accounts,
  transfers,
  balances,
}: {
  accounts: readonly AccountRow[];
  transfers: readonly TransferRow[];
  balances: readonly BalanceRow[];
}): Violation[] {
  const out: Violation[] = [];
  const byId = new Map(accounts.map((a) => [a.id, a]));
  // Each step's totals are kept only for an account with a balance history to compare them with; the
  // others (a loan's exposure account) need only their count. Less memory, not bounded memory.
  const replay = new Map<
    string,
    { totals: Totals; count: number; steps: { transferId: string; totals: Totals }[] | null }
  >();
  for (const a of accounts) replay.set(a.id, { totals: zeroTotals(), count: 0, steps: a.flags & HISTORY ? [] : null });
  const pendings = new Map<string, TransferRow>();
  const resolvedBy = new Map<string, string>();

  for (const t of transfers) {
    const d = byId.get(t.debit);
    const c = byId.get(t.credit);
    const bad = (why: string) => out.push(v('transfer_invalid', `transfer ${t.id} (seq ${t.seq}): ${why}`));
    if (!d || !c) {
      bad('an account does not exist');
      continue;
    }
    if (t.debit === t.credit) bad('debit and credit are the same account');
    if (d.ledger !== c.ledger || d.ledger !== t.ledger)
      bad(`ledger ${t.ledger} does not match its accounts (${d.ledger}, ${c.ledger})`);
    let pendingAmount = 0n;
    if (t.kind === 'single' || t.kind === 'pending') {
      if (t.amount <= 0n) bad(`amount ${t.amount} is not positive`);
      if (t.pendingId !== null) bad('a single or pending transfer names a pending transfer');
      if (t.kind === 'pending') pendings.set(t.id, t);
    } else {
      const p = t.pendingId === null ? undefined : pendings.get(t.pendingId);
      if (!p) {
        bad(`resolves ${t.pendingId ?? 'nothing'}, which is not an earlier pending transfer`);
        continue;
      }
      const earlier = resolvedBy.get(p.id);
      if (earlier)
        out.push(v('pending_resolved_twice', `pending transfer ${p.id} is resolved by both ${earlier} and ${t.id}`));
      resolvedBy.set(p.id, t.id);
      if (p.debit !== t.debit || p.credit !== t.credit) bad(`accounts differ from its pending transfer ${p.id}`);
      if (t.kind === 'void' && t.amount !== 0n) bad(`a void carries amount ${t.amount}`);
      if (t.kind === 'post' && (t.amount <= 0n || t.amount > p.amount))
        bad(`posts ${t.amount} of a pending ${p.amount}`);
      pendingAmount = p.amount;
    }
    for (const side of ['debit', 'credit'] as const) {
      const r = replay.get(side === 'debit' ? t.debit : t.credit)!;
      r.totals = add(r.totals, effect(t, side, pendingAmount));
      r.count++;
      r.steps?.push({ transferId: t.id, totals: r.totals });
    }
  }

  const history = new Map<string, BalanceRow[]>();
  for (const b of balances) {
    const h = history.get(b.accountId);
    if (h) h.push(b);
    else history.set(b.accountId, [b]);
  }

  for (const a of accounts) {
    const r = replay.get(a.id)!;
    if (!sameTotals(a, r.totals) || a.version !== BigInt(r.count)) {
      out.push(
        v(
          'account_totals_differ_from_replay',
          `account ${a.id}: stored ${fmt(a)} version ${a.version}, the transfer log gives ${fmt(r.totals)} version ${r.count}`,
        ),
      );
    }
    const crossed = crossedLimit(a.flags, a);
    if (crossed) out.push(v('limit_crossed', `account ${a.id}: ${crossed} (${fmt(a)})`));
    const h = [...(history.get(a.id) ?? [])].sort((x, y) =>
      x.version < y.version ? -1 : x.version > y.version ? 1 : 0,
    );
    history.delete(a.id);
    if (!(a.flags & HISTORY)) {
      if (h.length)
        out.push(
          v(
            'history_differs_from_replay',
            `account ${a.id} keeps no balance history (no history flag) but has ${h.length} history rows`,
          ),
        );
      continue;
    }
    const steps = r.steps ?? [];
    let reported = false;
    for (let i = 0; i < Math.max(h.length, steps.length) && !reported; i++) {
      const row = h[i];
      const step = steps[i];
      if (!row || row.version !== BigInt(i + 1)) {
        out.push(
          v(
            'history_gap',
            `account ${a.id}: balance history has ${row ? `version ${row.version}` : 'nothing'} where version ${i + 1} belongs`,
          ),
        );
        reported = true;
      } else if (!step || row.transferId !== step.transferId || !sameTotals(row, step.totals)) {
        out.push(
          v(
            'history_differs_from_replay',
            `account ${a.id} version ${row.version}: history says ${row.transferId} ${fmt(row)}, the transfer log gives ${step ? `${step.transferId} ${fmt(step.totals)}` : 'no transfer'}`,
          ),
        );
        reported = true;
      } else {
        const crossedThen = crossedLimit(a.flags, row);
        if (crossedThen) {
          out.push(v('limit_crossed', `account ${a.id} at version ${row.version} (${row.transferId}): ${crossedThen}`));
          reported = true;
        }
      }
    }
  }
  for (const id of history.keys()) out.push(v('history_gap', `balance history for unknown account ${id}`));
  return out;
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

/** Every stored transfer is one an audited batch reported as applied, with the content it asked for; and the reverse. */
export function checkAgainstAudit({
  transfers,
  audited,
}: {
  transfers: readonly TransferRow[];
  audited: ReadonlyMap<string, AuditedTransfer>;
}): Violation[] {
  const out: Violation[] = [];
  const pendingAmount = new Map(transfers.filter((t) => t.kind === 'pending').map((t) => [t.id, t.amount]));
  const seen = new Set<string>();
  for (const t of transfers) {
    seen.add(t.id);
    const a = audited.get(t.id);
    if (!a) {
      out.push(v('transfer_not_audited', `transfer ${t.id} (seq ${t.seq}) appears in no audited batch`));
      continue;
    }
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
        v('transfer_differs_from_audit', `transfer ${t.id} differs from audit row ${a.auditSeq}: ${diffs.join('; ')}`),
      );
  }
  for (const [id, a] of audited)
    if (!seen.has(id))
      out.push(
        v(
          'audited_transfer_missing',
          `audit row ${a.auditSeq} reports transfer ${id} applied, but it is not in the transfer log`,
        ),
      );
  return out;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The audit log's chain: seq 1, 2, 3…; each row names the previous row's hash; each hash is the one recomputed from its content. */
export function checkAuditChain(
  rows: readonly { seq: bigint; prevHash: string; hash: string; recomputed: string }[],
): Violation[] {
  const out: Violation[] = [];
  let prev = { seq: 0n, hash: GENESIS_HASH };
  for (const r of rows) {
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
  }
  return out;
}
