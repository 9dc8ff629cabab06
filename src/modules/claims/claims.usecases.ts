/**
 * Claims: a bank claims for a non-performing loan; compensation is computed once from the loan's
 * fixed terms (R3, R10); a manager prepares, a second person approves (maker–checker); approval
 * releases the exposure and books the payable; payment moves cash, or the claim waits in the
 * queue while cash is short (R7a, first approved first paid); the bank's breaker holds claims (G4).
 */
import { randomUUID } from 'node:crypto';
import type { WorkingCalendar } from '../../core/calendar';
import {
  canTransition,
  deciderProblem,
  OPEN_CLAIM_STATES,
  releaseEvent,
  ClaimTransitionError,
  nextClaimState,
  type ClaimEvent,
  type ClaimState,
} from '../../core/claims/claim-state';
import { totalCut } from '../../core/claims/due-diligence';
import { isOverdue, type OverdueClaim } from '../../core/claims/overdue';
import { isFinalStage, stageProblem, type ClaimStage } from '../../core/claims/workflow';
import { limitShortfallAccount, payClaim, payClaimIds } from '../../core/ledger/fund-operations';
import {
  approveClaim as lifeApproveClaim,
  submitClaim as lifeSubmitClaim,
  type ClaimChange,
  type Loan,
} from '../../core/loans/loan-life';
import { label, type Compensation } from '../../core/policy';
import { formatPercent, formatYuan, formatYuanGrouped, type Fen } from '../../core/money/money';
import { scopeFor, SYSTEM, type Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { createFilingsRepository, type FilingRow } from '../filings/filings.repository';
import { filingErrors, loanProblem } from '../filings/filings.errors';
import { loanOf, storeLoan } from '../filings/filings.loan';
import { filingView } from '../filings/filings.usecases';
import { createFundsRepository } from '../funds/funds.repository';
import { createLedgerRepository } from '../ledger/ledger.repository';
import { applyOperation, LedgerRefusal } from '../ledger/ledger.usecases';
import type { Db } from '../shared/db';
import { procedureOf, type PolicyCatalog } from '../programmes/programmes.usecases';
import { createRegistryRepository } from '../registry/registry.repository';
import { decodeCursor, pageOf } from '../shared/paging';
import type { Bilingual } from '../../core/text';
import { checklistOf, materialFilesSince, unmetMaterials } from '../claim-materials/claim-materials.checklist';
import { claimErrors } from './claims.errors';
import { breakerOf, breakerView } from './breaker.usecases';
import * as repo from './claims.repository';
import type { ClaimInsert, ClaimRow } from './claims.repository';
import type { ReturnRequest } from './claims.table';

/** The manager decides within this many working days of submission (the SLA shown on every claim). */
export const DECISION_WORKING_DAYS = 15;

interface ClaimReason extends Bilingual {
  rule: string;
  cites: string[];
  ok: boolean;
}

/** The SLA date; past the holiday calendar it is counted provisionally (weekends and 1 January off). */
export function decisionDue(calendar: WorkingCalendar, today: string): string {
  return calendar.workingDayDeadline(today, DECISION_WORKING_DAYS).date;
}

/** The claim's present step and its date, as core/claims/overdue reads them. */
export const waitOf = (c: ClaimRow): OverdueClaim => ({
  state: c.state,
  stage: c.stage,
  stageDueBy: c.stageDueBy,
  returnDueBy: c.returnRequest?.dueBy ?? null,
});

/** A returned claim waits on the bank's deadline alone; the fund's SLA starts again when it comes back (R21). */
const isPastDue = (c: ClaimRow, today: string): boolean =>
  isOverdue(waitOf(c), today) || (c.state !== 'returned' && today > c.dueBy);

export function claimView(
  c: ClaimRow,
  extra: { bankRef?: string; enterpriseName?: string; today?: string; queuePosition?: number | null } = {},
) {
  const open = OPEN_CLAIM_STATES.includes(c.state);
  return {
    id: c.id,
    number: c.number,
    filingId: c.filingId,
    ...(extra.bankRef ? { bankRef: extra.bankRef } : {}),
    ...(extra.enterpriseName ? { enterpriseName: extra.enterpriseName } : {}),
    fundId: c.fundId,
    bankId: c.bankId,
    state: c.state,
    outstanding: formatYuan(c.outstanding),
    compensation: formatYuan(c.compensation),
    parties: c.parties,
    reasons: c.reasons as ClaimReason[],
    submittedBy: c.submittedBy,
    submittedAt: c.submittedAt.toISOString(),
    submittedOn: c.submittedOn,
    dueBy: c.dueBy,
    // Past the date of what it waits on: the decision's SLA, the waiting stage's (R23), the bank's return (R21).
    overdue: open && extra.today !== undefined && isPastDue(c, extra.today),
    preparedBy: c.preparedBy,
    decidedBy: c.decidedBy,
    decidedAt: c.decidedAt?.toISOString() ?? null,
    rejectionReason: c.rejectionReason,
    heldReason: c.heldReason as Bilingual | null,
    returnRequest: c.returnRequest ?? null,
    stage: c.state === 'under-review' ? c.stage : null,
    stageDueBy: c.state === 'under-review' ? c.stageDueBy : null,
    stageOverdue:
      c.state === 'under-review' && c.stageDueBy !== null && extra.today !== undefined && extra.today > c.stageDueBy,
    signOffs: c.signOffs,
    findings: c.findings,
    cutBp: totalCut(c.findings.map((f) => f.cutBp)),
    approvedSeq: c.approvedSeq,
    queuePosition: extra.queuePosition ?? null,
    paidAt: c.paidAt?.toISOString() ?? null,
    paidBy: c.paidBy,
    version: c.version,
  };
}
export type ClaimView = ReturnType<typeof claimView>;

export async function findClaim(db: Db, actor: Actor, id: string, forUpdate = false): Promise<ClaimRow> {
  const row = await repo.findClaim({ db, scope: scopeFor(actor), id, forUpdate });
  if (!row) throw claimErrors.notFound(id);
  return row;
}

async function move(
  db: Db,
  actor: Actor,
  c: ClaimRow,
  event: ClaimEvent,
  patch: Partial<ClaimInsert>,
  note?: string,
): Promise<ClaimRow> {
  let to: ClaimState;
  try {
    to = nextClaimState(c.state, event);
  } catch (e) {
    if (e instanceof ClaimTransitionError) throw claimErrors.wrongState(event, c.state);
    throw e;
  }
  await repo.setClaimState({ db, id: c.id, to, patch });
  await repo.addClaimEvent({
    db,
    event: { claimId: c.id, event, fromState: c.state, toState: to, actor: actor.username, note: note ?? null },
  });
  const after = await repo.claimById({ db, id: c.id });
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: `claim.${event}`,
    entityKind: 'claim',
    entityId: c.id,
    before: claimView(c),
    after: claimView(after!),
  });
  return after!;
}

export interface ClaimInput {
  filingId: string;
}

export async function submitClaim({
  db,
  catalog,
  actor,
  input,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  input: ClaimInput;
  today: string;
}) {
  const claim = await db.transaction(async (tx) => {
    const f = await createFilingsRepository({ db: tx }).find(
      input.filingId,
      actor.role === 'bank' ? { bankId: actor.bankId! } : {},
      true,
    );
    if (!f) throw filingErrors.notFound(input.filingId, 'filingId');
    const policy = catalog.byVersionId(f.policyVersionId)!;
    const id = randomUUID();
    const live = await liveClaimOf(tx, f.id);
    const submitted = lifeSubmitClaim(loanOf(f, live), { claimId: id, today, rule: policy.nonPerforming });
    if (!submitted.ok) throw loanProblem(submitted.refusal);
    const filingsRepo = createFilingsRepository({ db: tx });
    if (submitted.loan.status !== f.status) {
      await storeLoan(filingsRepo, f, submitted.loan);
      await filingsRepo.addEvent({
        filingId: f.id,
        kind: 'non-performing',
        on: submitted.loan.nonPerformingOn!,
        data: { because: 'overdue', cites: ['R6', 'G9'] },
        actor: actor.username,
      });
    }
    // Compensation from the loan's fixed terms, never today's policy (R3), rounded once (R10); it follows
    // the balance until approval (R14).
    const comp = submitted.compensation!;
    const registry = createRegistryRepository({ db: tx });
    const quals = (await registry.qualificationsOf([f.enterpriseId])).filter(
      (q) => q.validFrom <= today && today <= q.validTo,
    );
    const reasons = [
      {
        rule: 'non-performing',
        cites: ['R6', 'G9'],
        ok: true,
        zh: `贷款已列为不良（${label(f.classification ?? '', 'zh')}${f.overdueSince ? `，逾期自 ${f.overdueSince}` : ''}）`,
        en: `The loan is non-performing (${label(f.classification ?? '', 'en')}${f.overdueSince ? `, overdue since ${f.overdueSince}` : ''})`,
      },
      {
        rule: 'fixed-terms',
        cites: ['R3', 'R10', 'F6'],
        ok: true,
        zh: `按备案时锁定的比例 ${formatPercent(f.ratioBp)} × 本金余额 ${formatYuanGrouped(f.outstanding)} 元 = ${formatYuanGrouped(comp.compensation)} 元`,
        en: `Ratio fixed at filing ${formatPercent(f.ratioBp)} × outstanding ${formatYuanGrouped(f.outstanding)} yuan = ${formatYuanGrouped(comp.compensation)} yuan`,
      },
      {
        rule: 'qualifications-at-claim',
        cites: ['R4'],
        ok: true,
        zh: `申请日有效资质：${quals.map((q) => label(q.kind, 'zh')).join('、') || '无'}（仅供参考，比例以备案时为准）`,
        en: `Qualifications valid on the claim date: ${quals.map((q) => label(q.kind, 'en')).join(', ') || 'none'} (for reference; the ratio is the filing's)`,
      },
    ];
    await repo.insertClaim({
      db: tx,
      claim: {
        id,
        filingId: f.id,
        fundId: f.fundId,
        bankId: f.bankId,
        state: 'submitted',
        outstanding: f.outstanding,
        compensation: comp.compensation,
        parties: comp.parties.map((p) => ({ party: p.party, shareBp: p.shareBp, amount: formatYuan(p.amount) })),
        reasons,
        submittedBy: actor.username,
        submittedOn: today,
        dueBy: decisionDue(catalog.calendar, today),
      },
    });
    await repo.addClaimEvent({
      db: tx,
      event: { claimId: id, event: 'submit', fromState: null, toState: 'submitted', actor: actor.username },
    });
    await createFilingsRepository({ db: tx }).addEvent({
      filingId: f.id,
      kind: 'claim-submitted',
      on: today,
      data: { claimId: id, compensation: formatYuan(comp.compensation) },
      actor: actor.username,
    });
    let row = (await repo.claimById({ db: tx, id }))!;
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'claim.submit',
      entityKind: 'claim',
      entityId: id,
      after: claimView(row),
    });
    row = await holdIfTripped(tx, catalog, actor, row);
    return row;
  });
  return { claim: claimView(claim, { today }) };
}

async function holdIfTripped(db: Db, catalog: PolicyCatalog, actor: Actor, c: ClaimRow): Promise<ClaimRow> {
  const b = await breakerOf({ db, catalog, bankId: c.bankId });
  if (!b.tripped) return c;
  return move(db, actor, c, 'hold', { heldReason: breakerView(c.bankId, b).why }, 'circuit breaker (G4)');
}

/** The stages a claim's programme asks for after preparation (R23), as its file stands today (procedure, like the dossier). */
export function stagesOf(catalog: PolicyCatalog, policyVersionId: number): ClaimStage[] {
  return procedureOf(catalog, policyVersionId)!.claimStages;
}

/** The claim's stages, read through its loan. */
export async function claimStages(db: Db, catalog: PolicyCatalog, c: ClaimRow): Promise<ClaimStage[]> {
  const both = await repo.claimWithFiling({ db, claimId: c.id });
  return stagesOf(catalog, both!.filing.policyVersionId);
}

/** The SLA date of a stage entered today (R23). */
const stageDue = (catalog: PolicyCatalog, today: string, stage: ClaimStage) =>
  catalog.calendar.workingDayDeadline(today, stage.workingDays).date;

/** The manager takes the claim up (the maker); its first stage's clock starts (R23). */
export async function prepareClaim({
  db,
  catalog,
  actor,
  id,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  today: string;
}) {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, id, true);
    const b = await breakerOf({ db: tx, catalog, bankId: c.bankId });
    if (b.tripped)
      return claimView(
        await move(tx, actor, c, 'hold', { heldReason: breakerView(c.bankId, b).why }, 'circuit breaker (G4)'),
      );
    const first = (await claimStages(tx, catalog, c))[0]!;
    return claimView(
      await move(tx, actor, c, 'prepare', {
        preparedBy: actor.username,
        preparedAt: new Date(),
        stage: 0,
        stageDueBy: stageDue(catalog, today, first),
        stageBy: [...first.by],
        signOffs: [],
      }),
      { today },
    );
  });
}

/**
 * Whether approval waits for the dossier (R20): `required` everywhere but where it is waived on
 * purpose — the demo's seeded history and the suites written before the dossier existed, which
 * approve claims without materials (BACKSTOP_CLAIM_DOSSIER=waived for a server).
 */
export type DossierRule = 'required' | 'waived';

/**
 * A second person approves: the exposure is released and the payable booked, in one ledger batch.
 * Every required item of the dossier must be accepted first (R20), unless `dossier` is waived.
 */
export async function approveClaim({
  db,
  catalog,
  actor,
  id,
  today,
  dossier = 'required',
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  today: string;
  dossier?: DossierRule;
}) {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, id, true);
    if (c.state === 'under-review') assertMayDecide(c, actor, 'approve');
    const b = await breakerOf({ db: tx, catalog, bankId: c.bankId });
    if (b.tripped && c.state === 'under-review')
      return claimView(
        await move(tx, actor, c, 'hold', { heldReason: breakerView(c.bankId, b).why }, 'circuit breaker (G4)'),
      );
    if (c.state !== 'under-review') throw claimErrors.wrongState('approve', c.state);
    const filingsRepo = createFilingsRepository({ db: tx });
    const f = (await filingsRepo.find(c.filingId, {}, true))!;
    const stages = stagesOf(catalog, f.policyVersionId);
    const at = Math.min(c.stage, stages.length - 1);
    assertMaySign(stages[at]!, c, actor);
    // No stage is passed with a required item of the dossier missing (R20).
    if (dossier === 'required') {
      const unmet = await unmetMaterials({ db: tx, checklist: checklistOf(catalog, f.policyVersionId), claimId: c.id });
      if (unmet.length) throw claimErrors.materialsIncomplete(unmet);
    }
    const signOffs = [
      ...c.signOffs,
      { stage: stages[at]!.id, by: actor.username, role: actor.role, at: new Date().toISOString() },
    ];
    if (!isFinalStage(stages, at)) {
      // A stage signed: the claim waits for the next one's (R23); no money moves.
      const next = stages[at + 1]!;
      return claimView(
        await move(
          tx,
          actor,
          c,
          'sign-off',
          { stage: at + 1, stageDueBy: stageDue(catalog, today, next), stageBy: [...next.by], signOffs },
          `${stages[at]!.id} → ${next.id}`,
        ),
        { today },
      );
    }
    // R14: the amount is ratio × the outstanding on the day of approval.
    const approved = lifeApproveClaim(loanOf(f, liveOf(c)));
    if (!approved.ok) throw loanProblem(approved.refusal);
    const comp = approved.compensation!;
    await applyOperation({
      ledger: createLedgerRepository({ db: tx }),
      actor: actor.username,
      transfers: approved.transfers,
    });
    await storeLoan(filingsRepo, f, approved.loan);
    await filingsRepo.addEvent({
      filingId: f.id,
      kind: 'claim-approved',
      on: today,
      data: { claimId: c.id, compensation: formatYuan(comp.compensation), released: formatYuan(f.reserved) },
      actor: actor.username,
    });
    const seq = await repo.nextApprovedSeq({ db: tx });
    return claimView(
      await move(tx, actor, c, 'approve', {
        decidedBy: actor.username,
        decidedAt: new Date(),
        approvedSeq: seq,
        signOffs,
        stageDueBy: null,
        stageBy: null,
        outstanding: f.outstanding,
        compensation: comp.compensation,
        parties: partiesOf(comp),
      }),
    );
  });
}

/** R23 with R18: only the roles the stage names decide it, and nobody who signed an earlier stage. */
function assertMaySign(stage: ClaimStage, c: ClaimRow, actor: Actor): void {
  const problem = stageProblem({ stage, role: actor.role, actor: actor.username, signOffs: c.signOffs });
  if (problem) throw claimErrors.preparerCannotDecide(problem);
}

/** R18: the one who prepared a claim may neither approve nor reject it. */
function assertMayDecide(c: ClaimRow, actor: Actor, decision: 'approve' | 'reject'): void {
  const problem = deciderProblem({ preparedBy: c.preparedBy, decider: actor.username, decision });
  if (problem) throw claimErrors.preparerCannotDecide(problem);
}

const partiesOf = (comp: Compensation) =>
  comp.parties.map((p) => ({ party: p.party, shareBp: p.shareBp, amount: formatYuan(p.amount) }));

/** The claim as the loan's life sees it: open or decided, with the amount it stands at. */
export const liveOf = (c: ClaimRow): Loan['claim'] => ({
  id: c.id,
  number: c.number,
  state: c.state,
  outstanding: c.outstanding,
  compensation: c.compensation,
  cutBp: totalCut(c.findings.map((f) => f.cutBp)),
});

/** The loan's live claim (neither rejected nor withdrawn), locked with the loan. */
export async function liveClaimOf(db: Db, filingId: string): Promise<Loan['claim']> {
  const c = await repo.lockLiveClaim({ db, filingId });
  return c ? liveOf(c) : null;
}

/** The live claims of many loans at once (bulk repayments), locked, by filing id. */
export async function liveClaimsOf(db: Db, filingIds: string[]): Promise<Map<string, NonNullable<Loan['claim']>>> {
  if (!filingIds.length) return new Map();
  const rows = await repo.lockLiveClaims({ db, filingIds });
  return new Map(rows.map((c) => [c.filingId, liveOf(c)!]));
}

/**
 * R14: the loan's balance moved while its claim is open — the claim follows it (the checker sees the
 * new amount and why), or is withdrawn when the loan was repaid in full. Inside the caller's
 * transaction, which holds the loan's lock.
 */
export async function followLoanBalance({
  db,
  actor,
  filingId,
  change,
  on,
}: {
  db: Db;
  actor: Actor;
  filingId: string;
  change: ClaimChange;
  on: string;
}): Promise<void> {
  const live = await liveClaimOf(db, filingId);
  if (!live) return;
  const c = await repo.claimById({ db, id: live.id });
  if (change.kind === 'withdrawn') {
    // Nothing is owed on a loan repaid in full: the claim closes at 0.
    await move(
      db,
      SYSTEM,
      c!,
      'withdraw',
      { outstanding: 0n, compensation: 0n },
      `the loan was repaid in full on ${on} (R14)`,
    );
    return;
  }
  const comp = change.compensation;
  const before = claimView(c!);
  await repo.recomputeClaim({
    db,
    id: c!.id,
    outstanding: change.outstanding,
    compensation: comp.compensation,
    parties: partiesOf(comp),
  });
  const note = `outstanding ${formatYuan(c!.outstanding)} → ${formatYuan(change.outstanding)} on ${on}: compensation ${formatYuan(c!.compensation)} → ${formatYuan(comp.compensation)} (R14)`;
  await repo.addClaimEvent({
    db,
    event: {
      claimId: c!.id,
      event: 'recompute',
      fromState: c!.state,
      toState: c!.state,
      actor: actor.username,
      note,
    },
  });
  const after = await repo.claimById({ db, id: c!.id });
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: 'claim.recompute',
    entityKind: 'claim',
    entityId: c!.id,
    before,
    after: claimView(after!),
  });
}

export async function rejectClaim({
  db,
  catalog,
  actor,
  id,
  reason,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  reason: string;
}) {
  const out = await db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, id, true);
    if (c.state === 'under-review' || c.state === 'submitted' || c.state === 'returned')
      assertMayDecide(c, actor, 'reject');
    if (c.state === 'under-review') {
      const stages = await claimStages(tx, catalog, c);
      assertMaySign(stages[Math.min(c.stage, stages.length - 1)]!, c, actor);
    }
    return claimView(
      await move(
        tx,
        actor,
        c,
        'reject',
        { decidedBy: actor.username, decidedAt: new Date(), rejectionReason: reason },
        reason,
      ),
    );
  });
  await releaseHeldClaims({ db, catalog, bankId: out.bankId });
  return out;
}

export interface ReturnInput {
  /** The dossier items to add or replace (the programme's claimMaterials ids). */
  items: string[];
  /** What is missing or wrong, for the bank. */
  note: string;
}

/**
 * 退回补正 (R21): the fund's staff send an undecided claim back to the bank, naming what is missing.
 * Nothing is decided and no money moves; the claim stays open, so its amount still follows the
 * loan's balance (R14). Its preliminary review starts again when the bank resubmits.
 */
export async function returnClaim({
  db,
  catalog,
  actor,
  id,
  input,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  input: ReturnInput;
  today: string;
}) {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, id, true);
    if (!canTransition(c.state, 'return')) throw claimErrors.wrongState('return', c.state);
    const f = (await createFilingsRepository({ db: tx }).find(c.filingId, {}))!;
    const known = checklistOf(catalog, f.policyVersionId).map((i) => i.id);
    const unknown = input.items.map((item, i) => ({ item, i })).filter(({ item }) => !known.includes(item));
    if (unknown.length) throw claimErrors.returnItemsUnknown(unknown, known);
    const request: ReturnRequest = {
      items: [...new Set(input.items)],
      note: input.note,
      by: actor.username,
      at: new Date().toISOString(),
      // The programme's days to complete it (claimWorkflow.returnWorkingDays; shown, not enforced).
      dueBy: catalog.calendar.workingDayDeadline(today, procedureOf(catalog, f.policyVersionId)!.returnWorkingDays)
        .date,
    };
    const note = `${request.items.length ? `[${request.items.join(', ')}] ` : ''}${input.note}`;
    return claimView(
      await move(
        tx,
        actor,
        c,
        'return',
        {
          returnRequest: request,
          preparedBy: null,
          preparedAt: null,
          stage: 0,
          stageDueBy: null,
          stageBy: null,
          signOffs: [],
        },
        note,
      ),
      { today },
    );
  });
}

/**
 * The bank sends a returned claim again (R21): each item the return named must have a file uploaded
 * since. It is submitted anew: a fresh preliminary review and a fresh SLA from today; the history keeps
 * the return. Held at once if the bank's breaker is tripped (G4).
 */
export async function resubmitClaim({
  db,
  catalog,
  actor,
  id,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  today: string;
}) {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, id, true);
    if (!canTransition(c.state, 'resubmit')) throw claimErrors.wrongState('resubmit', c.state);
    const asked = c.returnRequest;
    if (asked?.items.length) {
      // The return's own event time: the database's clock, as the files' upload times are.
      const events = await repo.claimEventsOf({ db: tx, claimId: c.id });
      const since = events.filter((e) => e.event === 'return').at(-1)!.at;
      const renewed = new Set((await materialFilesSince({ db: tx, claimId: c.id, since })).map((file) => file.itemId));
      const missing = asked.items.filter((item) => !renewed.has(item));
      if (missing.length) throw claimErrors.returnNotCompleted(missing);
    }
    const resubmitted = await move(tx, actor, c, 'resubmit', { dueBy: decisionDue(catalog.calendar, today) });
    return claimView(await holdIfTripped(tx, catalog, actor, resubmitted), { today });
  });
}

export async function withdrawClaim({
  db,
  catalog,
  actor,
  id,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
}) {
  const out = await db.transaction(async (tx) =>
    claimView(await move(tx, actor, await findClaim(tx, actor, id, true), 'withdraw', {})),
  );
  await releaseHeldClaims({ db, catalog, bankId: out.bankId });
  return out;
}

/** Each queued claim's place in its fund's payment queue (1 = paid next), by id. */
export async function queuePositions(db: Db, page: ClaimRow[]): Promise<Map<string, number>> {
  const queued = page.filter((c) => c.state === 'queued');
  if (!queued.length) return new Map();
  const rows = await repo.queuedInFunds({ db, fundIds: [...new Set(queued.map((c) => c.fundId))] });
  const wanted = new Set(queued.map((c) => c.id));
  const out = new Map<string, number>();
  for (const r of rows) {
    if (!wanted.has(r.id)) continue;
    out.set(r.id, 1 + rows.filter((o) => o.fundId === r.fundId && (o.approvedSeq ?? 0) < (r.approvedSeq ?? 0)).length);
  }
  return out;
}

/** Pays an approved claim, or queues it behind earlier ones or while cash is short (R7a). */
export async function payApprovedClaim({ db, actor, id, today }: { db: Db; actor: Actor; id: string; today: string }) {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, id, true);
    if (c.state !== 'approved' && c.state !== 'queued') throw claimErrors.notPayable(c.state);
    if ((await repo.earlierInQueue({ db: tx, claim: c })) > 0)
      return claimView(c.state === 'queued' ? c : await move(tx, actor, c, 'queue', {}, 'earlier claims wait first'));
    return claimView(await tryPay(tx, actor, c, today));
  });
}

async function tryPay(db: Db, actor: Actor, c: ClaimRow, today: string): Promise<ClaimRow> {
  try {
    await db.transaction(async (sp) => {
      const ledger = createLedgerRepository({ db: sp });
      // R15: the limit falls with the fund's own money; the limits are locked before the batch.
      await ledger.createAccounts([limitShortfallAccount(c.fundId)]);
      const { capacity } = await ledger.lockFundLimits(c.fundId, payClaimIds(c.id));
      const liabilityMultipleBp = await createFundsRepository({ db: sp }).liabilityMultipleOf(c.fundId);
      await applyOperation({
        ledger,
        actor: actor.username,
        transfers: payClaim({
          fundId: c.fundId,
          claimId: c.id,
          bankId: c.bankId,
          amount: c.compensation,
          limit: { liabilityMultipleBp, capacity },
        }),
      });
    });
  } catch (e) {
    if (e instanceof LedgerRefusal && e.accountKind === 'cash')
      return c.state === 'queued' ? c : move(db, actor, c, 'queue', {}, 'the fund lacks cash (R7a)');
    throw e;
  }
  const paid = await move(db, actor, c, 'pay', { paidAt: new Date(), paidBy: actor.username });
  await createFilingsRepository({ db }).addEvent({
    filingId: c.filingId,
    kind: 'claim-paid',
    on: today,
    data: { claimId: c.id, amount: formatYuan(c.compensation) },
    actor: actor.username,
  });
  return paid;
}

/** After a top-up or a refund: pays queued claims first approved first, until cash runs short. */
export async function payQueue({
  db,
  actor,
  fundId,
  today,
}: {
  db: Db;
  actor: Actor;
  fundId: string;
  today: string;
}): Promise<number> {
  let paid = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const next = await repo.nextQueued({ db: tx, fundId });
      if (!next) return true;
      const after = await tryPay(tx, actor, next, today);
      return after.state !== 'paid';
    });
    if (done) return paid;
    paid++;
  }
}

/** The breaker lifts by itself: held claims of a bank go back to review once G4's condition clears. */
export async function releaseHeldClaims({
  db,
  catalog,
  bankId,
}: {
  db: Db;
  catalog: PolicyCatalog;
  bankId: string;
}): Promise<number> {
  const b = await breakerOf({ db, catalog, bankId });
  if (b.tripped) return 0;
  const held = await repo.heldClaimsOf({ db, bankId });
  for (const c of held)
    await db.transaction((tx) =>
      move(tx, SYSTEM, c, releaseEvent(c), { heldReason: null }, 'circuit breaker lifted (G4)'),
    );
  return held.length;
}

export async function getClaim({
  db,
  catalog,
  actor,
  id,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  today: string;
}) {
  const c = await findClaim(db, actor, id);
  const stages = await claimStages(db, catalog, c);
  const events = await repo.claimEventsOf({ db, claimId: id });
  const bankRef = await repo.bankRefOf({ db, filingId: c.filingId });
  const enterpriseName = await repo.borrowerOf({ db, filingId: c.filingId });
  const queuePosition = (await queuePositions(db, [c])).get(c.id) ?? null;
  return {
    ...claimView(c, { bankRef: bankRef ?? '', today, queuePosition, ...(enterpriseName ? { enterpriseName } : {}) }),
    stages: stages.map((st) => ({ id: st.id, title: st.title, by: [...st.by], workingDays: st.workingDays })),
    events: events.map((e) => ({
      event: e.event,
      from: e.fromState,
      to: e.toState,
      actor: e.actor,
      note: e.note,
      at: e.at.toISOString(),
    })),
  };
}

export async function listClaims({
  db,
  actor,
  query,
  today,
}: {
  db: Db;
  actor: Actor;
  today: string;
  query: repo.ClaimFilter & {
    limit: number;
    cursor?: string | undefined;
    order: 'asc' | 'desc';
  };
}) {
  const cursor = decodeCursor(query.cursor, 'timestamp');
  const scope = scopeFor(actor);
  const filter = {
    state: query.state,
    bankId: query.bankId,
    fundId: query.fundId,
    filingId: query.filingId,
    q: query.q,
  };
  // The scope goes into the page and the count alike: a bank counts and finds only its own claims.
  const [rows, count] = await Promise.all([
    repo.listClaims({ db, scope, filter, cursor, order: query.order, limit: query.limit }),
    repo.countClaims({ db, scope, filter }),
  ]);
  const page = pageOf(rows, query.limit, (r) => ({ value: r.claim.submittedAt.toISOString(), id: r.claim.id }));
  const positions = await queuePositions(
    db,
    page.items.map((r) => r.claim),
  );
  return {
    items: page.items.map((r) =>
      claimView(r.claim, {
        bankRef: r.bankRef,
        enterpriseName: r.enterpriseName,
        today,
        queuePosition: positions.get(r.claim.id) ?? null,
      }),
    ),
    nextCursor: page.nextCursor,
    ...count,
  };
}

export async function filingOfClaim(
  db: Db,
  claimId: string,
): Promise<{ claim: ClaimRow; filing: FilingRow } | undefined> {
  return repo.claimWithFiling({ db, claimId });
}

export { filingView, type Fen };
