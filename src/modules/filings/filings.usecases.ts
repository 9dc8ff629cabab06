/**
 * Filing (备案): eligibility by the policy engine, the loan's terms fixed (R3), its liability
 * reserved in the ledger within the fund limit, the bank's quota and the enterprise cap (G5) —
 * in one transaction with the filing row, its first event and an audit row. Amend and withdraw
 * keep the full history.
 */
import type { z } from '@hono/zod-openapi';
import { exposureAccount, releaseFiling, reserveFiling } from '../../core/ledger/fund-operations';
import { formatYuan, type Fen } from '../../core/money/money';
import { compensationOnly, evaluate, fillDecision, splitDecision, type Decision } from '../../core/policy';
import { CalendarRangeError } from '../../core/calendar';
import { scopeFor, type Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { createLedgerRepository } from '../ledger/ledger.repository';
import { applyOperation, LedgerRefusal } from '../ledger/ledger.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { createRegistryRepository } from '../registry/registry.repository';
import { decodeCursor, pageOf } from '../shared/paging';
import { maturityProblem } from '../shared/dates';
import { changesNothing } from '../shared/patch';
import { Problem } from '../shared/problem';
import { uniqueViolation } from '../shared/retry';
import { filingErrors, FilingRefused, limitReason } from './filings.errors';
import { programmeErrors } from '../programmes/programmes.errors';
import { shortfallRefusals } from './filings.shortfall';
import { termsOf } from './filings.loan';
export { termsOf };
import { createFilingWriter } from './filings.writer';
import { createFilingPlanner } from './filings.planner';
import { caseOf, disbursementProblem, type FilingInput } from './filing.plan';
import { storedTemplate } from './filing.decision';
import { decisionDigest, filingView, type FilingView } from './filing.view';
import { proofOf, type FilingProof } from './filing.chunk';
export { filingView, auditedFiling, type FilingView } from './filing.view';
export type { FilingInput } from './filing.plan';
import { createFilingsRepository, type FilingFilter, type FilingRow, type FilingSort } from './filings.repository';
import type { filingPatch } from './filings.schemas';
import type { FilingStatus } from './filings.table';

function bankOf(actor: Actor, bankId: string | undefined): string {
  if (actor.role === 'bank') {
    if (bankId && bankId !== actor.bankId) throw filingErrors.bankFilesForItself();
    return actor.bankId!;
  }
  if (!bankId) throw filingErrors.bankRequired();
  return bankId;
}

export interface FileLoanDeps {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  /** The filing date: today in the zone's calendar, given by the adapter (src/core keeps no clock). */
  today: string;
}

export type FileOutcome = { filing: FilingView };

/**
 * Files one loan, or throws a Problem: 400 bad field, 404 unknown enterprise, 409 filed already, 422
 * refused with reasons. (A request sent again with its Idempotency-Key is answered by the HTTP
 * middleware, shared/idempotency.ts; a loan filed twice under other keys is refused by its bank reference.)
 */
export async function fileLoan({
  db,
  catalog,
  actor,
  today,
  input,
}: FileLoanDeps & { input: FilingInput }): Promise<FileOutcome> {
  const bankId = bankOf(actor, input.bankId);
  try {
    const plan = await filingPlannerFor(db)({ catalog, actor, today, input, bankId });
    const answer = await filingWriterFor(db)(plan, actor);
    if ('refused' in answer) throw new FilingRefused([...plan.rendered.reasons, answer.refused]);
    if ('filedAlready' in answer) return filedAlready(input.bankRef);
    return { filing: answer.filed };
  } catch (e) {
    const constraint = uniqueViolation(e);
    if (!constraint) throw e;
    return filedAlready(input.bankRef);
  }
}

const filedAlready = (bankRef: string): never => {
  throw filingErrors.filedAlready(bankRef);
};

/** A group commit's one instance per database handle (the process's pool): its queue is what groups requests. */
function perDatabase<T>(make: (deps: { db: Db }) => T): (db: Db) => T {
  const made = new WeakMap<object, T>();
  return (db) => {
    let it = made.get(db);
    if (!it) made.set(db, (it = make({ db })));
    return it;
  };
}

/** Filings' facts read a group at a time (filings.planner.ts), then written a group at a time (filings.writer.ts). */
const filingPlannerFor = perDatabase(createFilingPlanner);
const filingWriterFor = perDatabase(createFilingWriter);

export const scopeFilter = (actor: Actor): { bankId?: string; guarantorId?: string } => {
  const s = scopeFor(actor);
  return s.kind === 'bank' ? { bankId: s.bankId } : s.kind === 'guarantor' ? { guarantorId: s.guarantorId } : {};
};

export async function getFiling({ db, actor, id }: { db: Db; actor: Actor; id: string }) {
  const filings = createFilingsRepository({ db });
  const f = await filings.find(id, scopeFilter(actor));
  if (!f) throw filingErrors.notFound(id);
  const e = await createRegistryRepository({ db }).findEnterprise(f.enterpriseId);
  const events = await filings.events(id);
  return {
    ...filingView(f, e?.name),
    events: events.map((ev) => ({ kind: ev.kind, on: ev.on, data: ev.data, actor: ev.actor, at: ev.at.toISOString() })),
  };
}

/** How one filing is proved in the audit log (issue 20): read as the filing is (a bank sees its own, else 404). */
export async function filingProof({ db, actor, id }: { db: Db; actor: Actor; id: string }): Promise<FilingProof> {
  const f = await createFilingsRepository({ db }).find(id, scopeFilter(actor));
  if (!f) throw filingErrors.notFound(id);
  return proofOf(db, f);
}

export async function listFilings({
  db,
  actor,
  query,
}: {
  db: Db;
  actor: Actor;
  query: FilingFilter & { limit: number; cursor?: string | undefined; order: 'asc' | 'desc'; sort: FilingSort };
}) {
  const { limit, cursor: c, order, sort, ...filter } = query;
  const cursor = decodeCursor(
    c,
    sort === 'principal' || sort === 'outstanding' ? 'integer' : sort === 'bankRef' ? 'text' : 'date',
  );
  const repo = createFilingsRepository({ db });
  // The scope goes into the page and the count alike: a bank counts and finds only its own loans.
  const scoped = await repo.withSearchResolved({ ...filter, ...scopeFilter(actor) });
  const [rows, count] = await Promise.all([
    repo.list(scoped, { limit, order, sort, ...(cursor ? { cursor } : {}) }),
    repo.count(scoped),
  ]);
  const page = pageOf(rows, limit, (r) => ({ value: String(r.filing[sort] ?? ''), id: r.filing.id }));
  return {
    items: page.items.map((r) => filingView(r.filing, r.enterpriseName)),
    nextCursor: page.nextCursor,
    ...count,
  };
}

/** The liability a loan holds for an outstanding principal: its fixed ratio, rounded once, capped (R7b, R10). */
export const liabilityFor = (f: FilingRow, outstanding: Fen) => compensationOnly(termsOf(f), outstanding);

/**
 * Moves a loan's reservation to `reserved` (more or less) and G5's principal by `principalDelta`.
 * Used by amendments, repayments, withdrawals; inside the caller's transaction.
 */
export async function adjustReservation({
  db,
  f,
  reserved,
  principalDelta,
  eventId,
  code,
  actor,
}: {
  db: Db;
  f: FilingRow;
  reserved: Fen;
  principalDelta: Fen;
  eventId: string;
  code: string;
  actor: string;
}) {
  const ledger = createLedgerRepository({ db });
  const cap = f.enterpriseCapKey;
  const release = f.reserved - reserved;
  const transfers =
    release >= 0n && principalDelta <= 0n
      ? releaseFiling({
          fundId: f.fundId,
          filingId: f.id,
          agreementId: f.agreementId,
          id: eventId,
          liability: release,
          enterpriseCap: cap ? { key: cap, principal: -principalDelta } : null,
          code,
        })
      : release <= 0n && principalDelta >= 0n
        ? reserveFiling({
            fundId: f.fundId,
            filingId: eventId,
            liability: -release,
            agreementId: f.agreementId,
            enterpriseCap: null,
          })
            .map((t) => ({ ...t, credit: exposureAccount(f.fundId, f.id).id, entityId: f.id }))
            .concat(
              cap && principalDelta > 0n
                ? [
                    {
                      id: `${eventId}:principal`,
                      debit: `${f.fundId}:enterprise-cap:${cap}`,
                      credit: `${f.fundId}:enterprise-used:${cap}`,
                      amount: principalDelta,
                      code,
                      entityKind: 'filing',
                      entityId: f.id,
                    },
                  ]
                : [],
            )
            .filter((t) => t.amount > 0n)
            .map((t, i, all) => ({ ...t, linked: i < all.length - 1 }))
        : null;
  if (!transfers) throw new Error('a reservation moves liability and principal the same way');
  if (release < 0n) {
    const [held] = await shortfallRefusals({
      db,
      actor,
      asks: [{ fundId: f.fundId, amount: -release, fromQuota: f.agreementId != null }],
      transferIds: transfers.flatMap((t) => (t.id ? [t.id] : [])),
    });
    if (held) throw filingErrors.crossesLimit([held]);
  }
  try {
    await applyOperation({ ledger, transfers, actor });
  } catch (e) {
    if (e instanceof LedgerRefusal) throw filingErrors.crossesLimit([limitReason(e)]);
    throw e;
  }
}

export async function amendFiling({
  db,
  catalog,
  actor,
  id,
  patch,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  patch: z.output<typeof filingPatch>;
}) {
  return db.transaction(async (tx) => {
    const filings = createFilingsRepository({ db: tx });
    const f = await filings.find(id, scopeFilter(actor), true);
    if (!f) throw filingErrors.notFound(id);
    if (f.status !== 'active') throw filingErrors.notAmendable(f.status);
    if (patch.principal !== undefined && f.outstanding !== f.principal) throw filingErrors.principalHasRepayments();
    const before = filingView(f);
    const next = {
      kind: patch.kind ?? f.kind,
      principal: patch.principal ?? f.principal,
      disbursedOn: patch.disbursedOn ?? f.disbursedOn,
      maturesOn: patch.maturesOn ?? f.maturesOn,
    };
    if (changesNothing(next, f)) return before; // the terms it has: nothing written (shared/patch.ts)
    if (next.principal <= 0n) throw filingErrors.principalNotPositive();
    const late = disbursementProblem('disbursedOn', next.disbursedOn, f.filedOn);
    if (late) throw Problem.invalid([late]);
    if (next.maturesOn && next.maturesOn <= next.disbursedOn) {
      throw patch.maturesOn !== undefined
        ? filingErrors.maturityNotAfterDisbursement('maturesOn', next.disbursedOn)
        : filingErrors.maturityNotAfterDisbursement('disbursedOn', next.maturesOn);
    }
    const long = next.maturesOn && maturityProblem('maturesOn', next.maturesOn, 'disbursedOn', next.disbursedOn);
    if (long) throw Problem.invalid([long]);
    // Judged again under the version it was filed under, on its filing date (R3).
    const policy = catalog.byVersionId(f.policyVersionId)!;
    const registry = createRegistryRepository({ db: tx });
    const enterprise = (await registry.findEnterprise(f.enterpriseId))!;
    const loanCase = caseOf(
      enterprise,
      await registry.qualificationsOf([enterprise.id]),
      {
        ...next,
        mode: f.mode,
        bankShare: f.mode === 'risk-sharing' ? f.parties.find((p) => p.party === 'bank')?.shareBp : undefined,
      },
      f.filedOn,
    );
    let decision: Decision;
    try {
      decision = evaluate(loanCase, policy);
    } catch (e) {
      // A disbursement in a year the holiday calendar lacks (G6's deadline cannot be counted): a 400, as on filing.
      if (e instanceof CalendarRangeError)
        throw Problem.invalid([programmeErrors.calendarYearMissing('disbursedOn', e)]);
      throw e;
    }
    const split = splitDecision(decision, loanCase);
    const rendered = fillDecision(split.template, split.values);
    if (!decision.eligible) throw filingErrors.amendedNotEligible(rendered.reasons);
    const template = storedTemplate(split.template);
    // Only a principal amendment moves the balance (and only a loan without repayments takes one):
    // amending the kind or the dates keeps what was repaid.
    const outstanding = patch.principal !== undefined ? next.principal : f.outstanding;
    const reserved = liabilityFor(f, outstanding);
    await adjustReservation({
      db: tx,
      f,
      reserved,
      principalDelta: next.principal - f.principal,
      eventId: `${id}:amend:${f.version}`,
      code: 'amend',
      actor: actor.username,
    });
    await filings.saveTemplates([template]);
    await filings.update(id, {
      ...next,
      outstanding,
      reserved,
      decisionKey: template.key,
      decisionValues: split.values,
    });
    await filings.addEvent({
      filingId: id,
      kind: 'amended',
      on: f.filedOn,
      data: { reason: patch.reason, before: pick(before), after: { ...next, principal: formatYuan(next.principal) } },
      actor: actor.username,
    });
    const after = filingView((await filings.find(id))!);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'filing.amend',
      entityKind: 'filing',
      entityId: id,
      // The decision's digest too: with the terms, what a bulk-filed loan's leaf was (filing.view filedFacts).
      before: { ...before, decisionSha256: decisionDigest(f.decision) },
      after,
    });
    return after;
  });
}

const pick = (v: FilingView) => ({
  kind: v.kind,
  principal: v.principal,
  disbursedOn: v.disbursedOn,
  maturesOn: v.maturesOn,
});

export async function withdrawFiling({
  db,
  actor,
  id,
  reason,
  today,
}: {
  db: Db;
  actor: Actor;
  id: string;
  reason: string;
  today: string;
}) {
  return db.transaction(async (tx) => {
    const filings = createFilingsRepository({ db: tx });
    const f = await filings.find(id, scopeFilter(actor), true);
    if (!f) throw filingErrors.notFound(id);
    if (f.status !== 'active') throw filingErrors.notWithdrawable(f.status);
    const before = filingView(f);
    await adjustReservation({
      db: tx,
      f,
      reserved: 0n,
      principalDelta: -f.outstanding,
      eventId: `${id}:withdraw`,
      code: 'withdraw',
      actor: actor.username,
    });
    await filings.update(id, { status: 'withdrawn', reserved: 0n });
    await filings.addEvent({
      filingId: id,
      kind: 'withdrawn',
      on: today,
      data: { reason, released: formatYuan(f.reserved) },
      actor: actor.username,
    });
    const after = filingView((await filings.find(id))!);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'filing.withdraw',
      entityKind: 'filing',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

/**
 * The loan's guarantor confirms its part of a risk-sharing loan (F14–F16): recorded on the loan, in
 * its timeline and the audit log. Only the guarantor's own officers see the loan to confirm it (a
 * loan of another guarantor answers 404). Confirming again answers the loan as it is: safe to retry.
 */
export async function confirmGuarantee({ db, actor, id, today }: { db: Db; actor: Actor; id: string; today: string }) {
  return db.transaction(async (tx) => {
    const filings = createFilingsRepository({ db: tx });
    const f = await filings.find(id, scopeFilter(actor), true);
    if (!f) throw filingErrors.notFound(id);
    if (f.guarantorConfirmedOn) return filingView(f);
    if (f.status === 'withdrawn') throw filingErrors.notConfirmable(f.status);
    const before = filingView(f);
    await filings.update(id, { guarantorConfirmedOn: today, guarantorConfirmedBy: actor.username });
    await filings.addEvent({
      filingId: id,
      kind: 'guarantor-confirmed',
      on: today,
      data: { guarantorId: f.guarantorId },
      actor: actor.username,
    });
    const after = filingView((await filings.find(id))!);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'filing.guarantor-confirm',
      entityKind: 'filing',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

export type { FilingStatus };
