/**
 * Loan servicing: balance reports and repayments lower the loan's liability (ratio × outstanding,
 * R7b) and give it back to the fund's capacity; classification and overdue days make a loan
 * non-performing (R6, G9), which opens the way to a claim.
 */
import { nonPerforming, type LoanClass } from '../../core/claims/non-performing';
import type { TransferSpec } from '../../core/ledger/fund-operations';
import { randomUUID } from 'node:crypto';
import {
  classify,
  lowerBalance,
  noWriteOffWaiting,
  sweep,
  writeOff,
  writeOffDeciderRefusal,
  writeOffWaiting,
  type ClaimChange,
  type Loan,
} from '../../core/loans/loan-life';
import { formatYuan, type Fen } from '../../core/money/money';
import { scopeFor, type Actor } from '../auth/access';
import { createAuditRepository, type AuditEntry } from '../audit/audit.repository';
import { filingErrors, limitReason, loanProblem } from '../filings/filings.errors';
import { idempotencyErrors } from '../shared/idempotency.errors';
import { servicingErrors } from './servicing.errors';
import * as writeOffsRepo from './write-offs.repository';
import type { WriteOffRow } from './write-offs.repository';
import { loanOf, storeLoan } from '../filings/filings.loan';
import { followLoanBalance, liveClaimOf, liveClaimsOf } from '../claims/claims.usecases';
import { filingView, scopeFilter } from '../filings/filings.usecases';
import {
  createFilingsRepository,
  type BalanceUpdate,
  type FilingEventInsert,
  type FilingRow,
} from '../filings/filings.repository';
import { createLedgerRepository } from '../ledger/ledger.repository';
import { applyOperation, LedgerRefusal, postChains } from '../ledger/ledger.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { Problem, type FieldError } from '../shared/problem';
import { retryOnConflict } from '../shared/retry';

const scope = (actor: Actor) => {
  const s = scopeFor(actor);
  return s.kind === 'bank' ? { bankId: s.bankId } : s.kind === 'guarantor' ? { guarantorId: '\u0000none' } : {};
};

async function lockedLoan(db: Db, actor: Actor, id: string): Promise<FilingRow> {
  const f = await createFilingsRepository({ db }).find(id, scope(actor), true);
  if (!f) throw filingErrors.notFound(id);
  return f;
}

/** Releases a balance change gives back; a limit the ledger names is the change's refusal. */
async function postReleases(db: Db, transfers: TransferSpec[], actor: Actor): Promise<void> {
  try {
    await applyOperation({ ledger: createLedgerRepository({ db }), transfers, actor: actor.username });
  } catch (e) {
    if (e instanceof LedgerRefusal) throw filingErrors.crossesLimit([limitReason(e)]);
    throw e;
  }
}

/** What lowers a loan's balance here (each audited as `filing.<kind>`: core/audit-words). */
export const BALANCE_KINDS = ['repayment', 'balance'] as const;
type BalanceKind = (typeof BALANCE_KINDS)[number];

/**
 * Sets the outstanding principal (a balance report; a repayment is the same with the difference)
 * through the loan's life (lowerBalance): liability and G5 principal given back, and an open claim
 * following the balance (R14).
 */
async function setOutstanding({
  db,
  actor,
  f,
  outstanding,
  on,
  today,
  kind,
  data,
}: {
  db: Db;
  actor: Actor;
  f: FilingRow;
  outstanding: Fen;
  on: string;
  today: string;
  kind: BalanceKind;
  data: Record<string, unknown>;
}) {
  const filings = createFilingsRepository({ db });
  const seq = (await filings.events(f.id)).length;
  const moved = lowerBalance(loanOf(f, await liveClaimOf(db, f.id)), {
    outstanding,
    on,
    today,
    eventId: `${f.id}:${kind}:${seq}`,
    code: kind,
  });
  if (!moved.ok) throw loanProblem(moved.refusal);
  const before = filingView(f);
  await postReleases(db, moved.transfers, actor);
  const row = await storeLoan(filings, f, moved.loan);
  await filings.addEvent({
    filingId: f.id,
    kind,
    on,
    data: { ...data, outstanding: formatYuan(outstanding), released: formatYuan(f.reserved - row.reserved) },
    actor: actor.username,
  });
  if (moved.claim) await followLoanBalance({ db, actor, filingId: f.id, change: moved.claim, on });
  const after = filingView(row);
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: `filing.${kind}`,
    entityKind: 'filing',
    entityId: f.id,
    before,
    after,
  });
  return after;
}

/** One repayment (sent with an Idempotency-Key, the HTTP middleware answers a copy with the first answer: shared/idempotency.ts). */
export async function reportRepayment({
  db,
  actor,
  id,
  amount,
  on,
  today,
}: {
  db: Db;
  actor: Actor;
  id: string;
  amount: Fen;
  on: string;
  today: string;
}) {
  if (amount <= 0n) throw servicingErrors.amountNotPositive();
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const f = await lockedLoan(tx, actor, id);
    return setOutstanding({
      db: tx,
      actor,
      f,
      outstanding: f.outstanding - amount,
      on,
      today,
      kind: 'repayment',
      data: { amount: formatYuan(amount) },
    });
  });
}

export interface RepaymentLine {
  filingId: string;
  amount: Fen;
  on: string;
}
export type RepaymentAnswer =
  | { filingId: string; ok: true; outstanding: string; reserved: string }
  | { filingId: string; ok: false; status: number; errors: FieldError[] };

const refusal = (filingId: string, e: Problem): RepaymentAnswer => ({
  filingId,
  ok: false,
  status: e.status,
  errors: [...e.errors],
});

/**
 * Repayments in bulk, set-based, each line answered on its own exactly as `reportRepayment` would
 * answer it when the lines are run one after another (a loan's lines apply in order; a line that is
 * refused changes nothing). Per chunk of lines, ONE transaction: the loans locked in one statement,
 * every release in ONE ledger batch (each loan's transfers its own linked chain, with the single
 * path's ids — `<loan>:repayment:<event count>` — so a rerun never releases twice), the loans'
 * new balances in one UPDATE, their events in one insert and their audit rows in one chained
 * append. A loan whose chain the ledger refuses keeps its balance and its lines say why.
 */
export async function reportRepayments({
  db,
  actor,
  lines,
  today,
  chunk = 1000,
  whole = false,
}: {
  db: Db;
  actor: Actor;
  lines: RepaymentLine[];
  today: string;
  chunk?: number;
  /**
   * All lines in one transaction, all or nothing (a request sent with an Idempotency-Key: a failure
   * half-way would leave its outcome unknown), so at most `chunk` lines.
   */
  whole?: boolean;
}) {
  if (whole) {
    if (lines.length > chunk) throw idempotencyErrors.tooManyLines(chunk);
    return summary(
      await retryOnConflict(() =>
        db.transaction((tx) => repaymentsOf({ db: tx as unknown as Db, actor, lines, today })),
      ),
    );
  }
  const items: RepaymentAnswer[] = [];
  for (let from = 0; from < lines.length; from += chunk) {
    const part = lines.slice(from, from + chunk);
    items.push(...(await retryOnConflict(() => repaymentsOf({ db, actor, lines: part, today }))));
  }
  return summary(items);
}

function summary(items: RepaymentAnswer[]) {
  const applied = items.filter((i) => i.ok).length;
  return { items, applied, refused: items.length - applied };
}

/** Thrown inside a chunk's transaction when the ledger refused some loans' releases: it is rolled back and run again without them. */
class LoansRefused extends Error {
  constructor(readonly answers: Map<number, RepaymentAnswer>) {
    super('some loans of the chunk were refused by the ledger');
  }
}

/**
 * One chunk in its own transaction (a savepoint inside the caller's): a loan whose releases the
 * ledger refuses is answered with the limit and the chunk written again without it, so a refusal
 * leaves nothing behind — not even a failed transfer id that would stop the loan's next repayment.
 */
async function repaymentsOf({
  db,
  actor,
  lines,
  today,
}: {
  db: Db;
  actor: Actor;
  lines: RepaymentLine[];
  today: string;
}): Promise<RepaymentAnswer[]> {
  const refused = new Map<number, RepaymentAnswer>();
  for (;;) {
    try {
      return await db.transaction((tx) => repaymentChunk({ db: tx, actor, lines, today, refused }));
    } catch (e) {
      if (!(e instanceof LoansRefused)) throw e;
      for (const [line, answer] of e.answers) refused.set(line, answer);
    }
  }
}

async function repaymentChunk({
  db,
  actor,
  lines,
  today,
  refused,
}: {
  db: Db;
  actor: Actor;
  lines: RepaymentLine[];
  today: string;
  refused: Map<number, RepaymentAnswer>;
}): Promise<RepaymentAnswer[]> {
  const answers: (RepaymentAnswer | undefined)[] = lines.map((_, i) => refused.get(i));
  const repo = createFilingsRepository({ db });
  const wanted = [...new Set(lines.filter((l, i) => l.amount > 0n && !refused.has(i)).map((l) => l.filingId))];
  const loans = new Map((await repo.lockLoans(wanted, scope(actor))).map((f) => [f.id, f]));
  const seqs = await repo.eventCounts([...loans.keys()]);
  const at = new Date();
  interface Step {
    line: number;
    before: FilingRow;
    after: FilingRow;
    amount: Fen;
    on: string;
    transfers: TransferSpec[];
  }
  const byLoan = new Map<string, { now: FilingRow; life: Loan; seq: number; steps: Step[]; claim?: ClaimChange }>();
  // R14: a loan with an open claim takes repayments too, and its claim follows the balance.
  const claimsOf = await liveClaimsOf(db, [...loans.keys()]);

  // Each line against its loan as the earlier lines left it: the checks of reportRepayment and setOutstanding, in their order.
  lines.forEach((line, i) => {
    if (refused.has(i)) return;
    try {
      if (line.amount <= 0n) throw servicingErrors.amountNotPositive();
      const loaded = loans.get(line.filingId);
      if (!loaded) throw filingErrors.notFound(line.filingId, 'filingId');
      const loan = byLoan.get(loaded.id) ?? {
        now: loaded,
        life: loanOf(loaded, claimsOf.get(loaded.id) ?? null),
        seq: seqs.get(loaded.id) ?? 0,
        steps: [],
      };
      byLoan.set(loaded.id, loan);
      const f = loan.now;
      const moved = lowerBalance(loan.life, {
        outstanding: f.outstanding - line.amount,
        on: line.on,
        today,
        eventId: `${f.id}:repayment:${loan.seq}`,
        code: 'repayment',
      });
      if (!moved.ok) throw loanProblem(moved.refusal);
      const transfers = moved.transfers;
      const after: FilingRow = {
        ...f,
        outstanding: moved.loan.outstanding,
        reserved: moved.loan.reserved,
        status: moved.loan.status,
        updatedAt: at,
        version: f.version + 1,
      };
      loan.life = moved.loan;
      if (moved.claim) loan.claim = moved.claim;
      loan.steps.push({ line: i, before: f, after, amount: line.amount, on: line.on, transfers });
      loan.now = after;
      loan.seq++;
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      answers[i] = refusal(line.filingId, e);
    }
  });

  // One ledger batch; each loan's releases (all its lines) one linked chain: all of them or none.
  const chains = [...byLoan.values()]
    .filter((l) => l.steps.length > 0)
    .map((l) => ({
      loan: l,
      transfers: l.steps.flatMap((s) => s.transfers).map((t, k, all) => ({ ...t, linked: k < all.length - 1 })),
    }));
  const refusals = await postChains({
    ledger: createLedgerRepository({ db }),
    chains: chains.map((c) => c.transfers),
    actor: actor.username,
  });
  const done: Step[] = [];
  const updates: BalanceUpdate[] = [];
  const refusedNow = new Map<number, RepaymentAnswer>();
  for (const [i, { loan }] of chains.entries()) {
    // As the single path: a limit the ledger names is the lines' refusal.
    const refused = refusals[i];
    if (refused) {
      const why = filingErrors.crossesLimit([limitReason(refused)]);
      for (const s of loan.steps) refusedNow.set(s.line, refusal(loan.now.id, why));
      continue;
    }
    done.push(...loan.steps);
    updates.push({
      id: loan.now.id,
      outstanding: loan.now.outstanding,
      reserved: loan.now.reserved,
      status: loan.now.status,
      steps: loan.steps.length,
    });
  }
  if (refusedNow.size) throw new LoansRefused(refusedNow);
  done.sort((a, b) => a.line - b.line);
  await repo.applyBalances(updates, at);
  const events: FilingEventInsert[] = done.map((s) => ({
    filingId: s.after.id,
    kind: 'repayment',
    on: s.on,
    actor: actor.username,
    data: {
      amount: formatYuan(s.amount),
      outstanding: formatYuan(s.after.outstanding),
      released: formatYuan(s.before.reserved - s.after.reserved),
    },
  }));
  await createFilingsRepository({ db }).addEvents(events);
  for (const { loan } of chains)
    if (loan.claim)
      await followLoanBalance({ db, actor, filingId: loan.now.id, change: loan.claim, on: loan.steps.at(-1)!.on });
  const audit: AuditEntry[] = done.map((s) => ({
    actor: actor.username,
    action: 'filing.repayment',
    entityKind: 'filing',
    entityId: s.after.id,
    before: filingView(s.before),
    after: filingView(s.after),
  }));
  await createAuditRepository({ db }).recordMany(audit);
  for (const s of done)
    answers[s.line] = {
      filingId: s.after.id,
      ok: true,
      outstanding: formatYuan(s.after.outstanding),
      reserved: formatYuan(s.after.reserved),
    };
  return answers.map((a) => a!);
}

export async function reportBalance({
  db,
  actor,
  id,
  outstanding,
  on,
  today,
}: {
  db: Db;
  actor: Actor;
  id: string;
  outstanding: Fen;
  on: string;
  today: string;
}) {
  return db.transaction(async (tx) => {
    const f = await lockedLoan(tx, actor, id);
    return setOutstanding({ db: tx, actor, f, outstanding, on, today, kind: 'balance', data: {} });
  });
}

/** A classification report: the bank's five-category class and since when the loan is overdue (R6). */
export async function reportClassification({
  db,
  catalog,
  actor,
  id,
  classification,
  overdueSince,
  on,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  classification: LoanClass;
  overdueSince: string | null;
  on: string;
  today: string;
}) {
  return db.transaction(async (tx) => {
    const f = await lockedLoan(tx, actor, id);
    const policy = catalog.byVersionId(f.policyVersionId)!;
    const classified = classify(loanOf(f), { classification, overdueSince, on, today, rule: policy.nonPerforming });
    if (!classified.ok) throw loanProblem(classified.refusal);
    const before = filingView(f);
    const np = nonPerforming({ classification, overdueSince, on, rule: policy.nonPerforming });
    const filings = createFilingsRepository({ db: tx });
    const becomes = classified.loan.status !== f.status;
    await storeLoan(filings, f, classified.loan);
    await filings.addEvent({
      filingId: id,
      kind: 'classification',
      on,
      data: { classification, overdueSince, daysOverdue: np.daysOverdue },
      actor: actor.username,
    });
    if (becomes)
      await filings.addEvent({
        filingId: id,
        kind: 'non-performing',
        on: classified.loan.nonPerformingOn!,
        data: { because: np.because, daysOverdue: np.daysOverdue, cites: ['R6', 'G9'] },
        actor: actor.username,
      });
    const after = filingView((await filings.find(id))!);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'filing.classification',
      entityKind: 'filing',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

export function writeOffView(w: WriteOffRow) {
  return {
    id: w.id,
    filingId: w.filingId,
    bankId: w.bankId,
    state: w.state,
    on: w.on,
    reason: w.reason,
    requestedBy: w.requestedBy,
    requestedAt: w.requestedAt.toISOString(),
    decidedBy: w.decidedBy,
    decidedAt: w.decidedAt?.toISOString() ?? null,
    decisionNote: w.decisionNote,
  };
}

/**
 * The bank (or a manager) asks that what is left of a compensated loan be written off (核销), with
 * the day and basis of its own write-off. Nothing changes on the loan until a second person of the
 * fund's staff approves it (R18). The loan is checked as the write-off itself would check it.
 */
export async function requestWriteOff({
  db,
  actor,
  id,
  on,
  reason,
  today,
}: {
  db: Db;
  actor: Actor;
  id: string;
  on: string;
  reason: string;
  today: string;
}) {
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const f = await lockedLoan(tx, actor, id);
    const waiting = await writeOffsRepo.waitingWriteOff({ db: tx, filingId: id });
    if (waiting) throw loanProblem(writeOffWaiting(waiting.on));
    const check = writeOff(loanOf(f), { on, today, eventId: `${f.id}:write-off` });
    if (!check.ok) throw loanProblem(check.refusal);
    const row = await writeOffsRepo.insertWriteOff({
      db: tx,
      row: {
        id: randomUUID(),
        filingId: id,
        bankId: f.bankId,
        state: 'requested',
        on,
        reason,
        requestedBy: actor.username,
      },
    });
    const view = writeOffView(row);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'filing.write-off-request',
      entityKind: 'filing',
      entityId: id,
      after: view,
    });
    return view;
  });
}

/**
 * A second person of the fund's staff decides a write-off that waits (R18). Approved, what is left
 * of the loan stops counting against the bank's cap for the enterprise (R16, G5), and recoveries
 * are still reported afterwards and shared with the fund (R8); rejected, nothing changes.
 */
export async function decideWriteOffRequest({
  db,
  actor,
  id,
  decision,
  note,
  today,
}: {
  db: Db;
  actor: Actor;
  id: string;
  decision: 'approve' | 'reject';
  note?: string | undefined;
  today: string;
}) {
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const f = await lockedLoan(tx, actor, id);
    const waiting = await writeOffsRepo.waitingWriteOff({ db: tx, filingId: id });
    if (!waiting) throw loanProblem(noWriteOffWaiting());
    const refusal = writeOffDeciderRefusal({ requestedBy: waiting.requestedBy, decider: actor.username, decision });
    if (refusal) throw loanProblem(refusal);
    if (decision === 'reject') {
      const row = await writeOffsRepo.decideWriteOff({
        db: tx,
        id: waiting.id,
        state: 'rejected',
        decidedBy: actor.username,
        note: note ?? null,
      });
      const view = writeOffView(row);
      await createAuditRepository({ db: tx }).record({
        actor: actor.username,
        action: 'filing.write-off-reject',
        entityKind: 'filing',
        entityId: id,
        before: writeOffView(waiting),
        after: view,
      });
      return { writeOff: view, filing: filingView(f) };
    }
    const written = writeOff(loanOf(f), { on: waiting.on, today, eventId: `${f.id}:write-off` });
    if (!written.ok) throw loanProblem(written.refusal);
    const before = filingView(f);
    await postReleases(tx, written.transfers, actor);
    const filings = createFilingsRepository({ db: tx });
    const stored = await storeLoan(filings, f, written.loan);
    await filings.addEvent({
      filingId: id,
      kind: 'write-off',
      on: waiting.on,
      data: {
        writtenOff: formatYuan(f.outstanding),
        reason: waiting.reason,
        requestedBy: waiting.requestedBy,
        approvedBy: actor.username,
        cites: ['R16', 'R18'],
      },
      actor: actor.username,
    });
    const row = await writeOffsRepo.decideWriteOff({
      db: tx,
      id: waiting.id,
      state: 'approved',
      decidedBy: actor.username,
      note: note ?? null,
    });
    const after = filingView(stored);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'filing.write-off',
      entityKind: 'filing',
      entityId: id,
      before,
      after,
    });
    return { writeOff: writeOffView(row), filing: after };
  });
}

/** The loan's write-offs, asked for, approved and rejected, oldest first. */
export async function listWriteOffs({ db, actor, id }: { db: Db; actor: Actor; id: string }) {
  const f = await createFilingsRepository({ db }).find(id, scopeFilter(actor));
  if (!f) throw filingErrors.notFound(id);
  return (await writeOffsRepo.writeOffsOf({ db, filingId: id })).map(writeOffView);
}

/**
 * Loans overdue more than the programme's days become non-performing on `today` even without a
 * new report (R6). Run daily by the server and by `backstop servicing sweep`.
 */
export async function sweepNonPerforming({
  db,
  catalog,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  today: string;
}): Promise<number> {
  const candidates = await createFilingsRepository({ db }).overdueActive();
  let marked = 0;
  for (const f of candidates) {
    const policy = catalog.byVersionId(f.policyVersionId)!;
    const swept = sweep(loanOf(f), { today, rule: policy.nonPerforming });
    if (!swept) continue;
    const np = nonPerforming({
      classification: f.classification,
      overdueSince: f.overdueSince,
      on: today,
      rule: policy.nonPerforming,
    });
    await db.transaction(async (tx) => {
      const filings = createFilingsRepository({ db: tx });
      const locked = (await filings.find(f.id, {}, true))!;
      if (locked.status !== 'active') return;
      await storeLoan(filings, locked, {
        ...loanOf(locked),
        status: swept.status,
        nonPerformingOn: swept.nonPerformingOn,
      });
      await filings.addEvent({
        filingId: f.id,
        kind: 'non-performing',
        on: swept.nonPerformingOn!,
        data: { because: np.because, daysOverdue: np.daysOverdue, cites: ['R6', 'G9'] },
        actor: 'system',
      });
      await createAuditRepository({ db: tx }).record({
        actor: 'system',
        action: 'filing.non-performing',
        entityKind: 'filing',
        entityId: f.id,
        after: { daysOverdue: np.daysOverdue, nonPerformingOn: swept.nonPerformingOn },
      });
    });
    marked++;
  }
  return marked;
}
