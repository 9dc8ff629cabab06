/**
 * Recoveries (R8): after a claim is paid the bank keeps collecting; the fund's share of what it
 * recovers, less its costs where the loan's programme deducts them (R19), flows back to cash,
 * never more in all than the fund paid on that loan. A refund may pay queued claims and may lift
 * the bank's breaker (G4). The bank also reports how its pursuit goes (追偿进展), stage by stage.
 */
import { randomUUID } from 'node:crypto';
import { recover } from '../../core/loans/loan-life';
import { refundRecovery, refundRecoveryIds } from '../../core/ledger/fund-operations';
import { formatYuan, type Fen } from '../../core/money/money';
import type { Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { findClaim, payQueue, releaseHeldClaims } from '../claims/claims.usecases';
import { loanProblem } from '../filings/filings.errors';
import { loanOf, storeLoan } from '../filings/filings.loan';
import { createFilingsRepository } from '../filings/filings.repository';
import { createFundsRepository } from '../funds/funds.repository';
import { createLedgerRepository } from '../ledger/ledger.repository';
import { applyOperation } from '../ledger/ledger.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { recoveryErrors } from './recoveries.errors';
import * as repo from './recoveries.repository';
import type { RecoveryProgressRow, RecoveryRow } from './recoveries.repository';
import type { RecoveryStage } from './recoveries.table';

export function recoveryView(r: RecoveryRow) {
  return {
    id: r.id,
    claimId: r.claimId,
    filingId: r.filingId,
    bankId: r.bankId,
    recovered: formatYuan(r.recovered),
    costs: formatYuan(r.costs),
    refund: formatYuan(r.refund),
    recoveredOn: r.recoveredOn,
    reportedBy: r.reportedBy,
    at: r.at.toISOString(),
  };
}

/** The claim a recovery or a progress report is about, locked: paid (R8), and `on` from its submission to today. */
async function paidClaim({
  db,
  actor,
  claimId,
  on,
  today,
}: {
  db: Db;
  actor: Actor;
  claimId: string;
  on: string;
  today: string;
}) {
  const c = await findClaim(db, actor, claimId, true);
  if (c.state !== 'paid') throw recoveryErrors.claimNotPaid(c.state);
  if (on < c.submittedOn) throw recoveryErrors.beforeClaim();
  if (on > today) throw recoveryErrors.inFuture(today);
  return c;
}

export async function reportRecovery({
  db,
  catalog,
  actor,
  claimId,
  amount,
  costs = 0n,
  on,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  claimId: string;
  /** What the bank recovered, its costs included. */
  amount: Fen;
  /** Its costs of recovering it (R19). */
  costs?: Fen;
  on: string;
  today: string;
}) {
  if (amount <= 0n) throw recoveryErrors.amountNotPositive();
  const out = await db.transaction(async (tx) => {
    const c = await paidClaim({ db: tx, actor, claimId, on, today });
    const { recovered, refunded } = await repo.recoveredSoFar({ db: tx, claimId });
    const filingsRepo = createFilingsRepository({ db: tx });
    const f = (await filingsRepo.find(c.filingId, {}, true))!;
    const id = randomUUID();
    const recovery = recover(loanOf(f), {
      amount,
      costs,
      costsDeducted: catalog.byVersionId(f.policyVersionId)!.recoveries.costsDeducted,
      recoveryId: id,
      claimOutstanding: c.outstanding,
      compensationPaid: c.compensation,
      recoveredSoFar: BigInt(recovered),
      refundedSoFar: BigInt(refunded),
    });
    if (!recovery.ok) throw loanProblem(recovery.refusal);
    const refund = recovery.refund!;
    await repo.insertRecovery({
      db: tx,
      recovery: {
        id,
        claimId,
        filingId: c.filingId,
        fundId: c.fundId,
        bankId: c.bankId,
        recovered: amount,
        costs,
        refund,
        recoveredOn: on,
        reportedBy: actor.username,
      },
    });
    const ledger = createLedgerRepository({ db: tx });
    // R15: the refund raises the limit (covering a shortfall first); the limits are locked before the batch.
    const { shortfall } = await ledger.lockFundLimits(c.fundId, [
      ...refundRecoveryIds(id),
      ...recovery.transfers.map((t) => t.id),
    ]);
    const liabilityMultipleBp = await createFundsRepository({ db: tx }).liabilityMultipleOf(c.fundId);
    await applyOperation({
      ledger,
      actor: actor.username,
      transfers: [
        ...refundRecovery({
          fundId: c.fundId,
          recoveryId: id,
          amount: refund,
          limit: { liabilityMultipleBp, shortfall },
        }),
        // R16: the recovered principal no longer counts against the bank's cap for the enterprise.
        ...recovery.transfers,
      ],
    });
    await storeLoan(filingsRepo, f, recovery.loan);
    await filingsRepo.addEvent({
      filingId: c.filingId,
      kind: 'recovery',
      on,
      data: {
        recoveryId: id,
        recovered: formatYuan(amount),
        ...(costs > 0n ? { costs: formatYuan(costs) } : {}),
        refund: formatYuan(refund),
      },
      actor: actor.username,
    });
    const row = await repo.recoveryById({ db: tx, id });
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'recovery.report',
      entityKind: 'recovery',
      entityId: id,
      after: recoveryView(row!),
    });
    return { recovery: recoveryView(row!), fundId: c.fundId, bankId: c.bankId };
  });
  await payQueue({ db, actor, fundId: out.fundId, today: on });
  await releaseHeldClaims({ db, catalog, bankId: out.bankId });
  return { recovery: out.recovery };
}

export async function listRecoveries({ db, actor, claimId }: { db: Db; actor: Actor; claimId: string }) {
  await findClaim(db, actor, claimId);
  return (await repo.recoveriesOf({ db, claimId })).map(recoveryView);
}

export function progressView(p: RecoveryProgressRow) {
  return {
    id: p.id,
    claimId: p.claimId,
    stage: p.stage,
    on: p.on,
    note: p.note,
    reportedBy: p.reportedBy,
    at: p.at.toISOString(),
  };
}

/** The bank reports how its pursuit of a compensated loan goes (追偿进展): a stage, its date and a note. */
export async function reportProgress({
  db,
  actor,
  claimId,
  stage,
  on,
  note,
  today,
}: {
  db: Db;
  actor: Actor;
  claimId: string;
  stage: RecoveryStage;
  on: string;
  note: string;
  today: string;
}) {
  return db.transaction(async (tx) => {
    const c = await paidClaim({ db: tx, actor, claimId, on, today });
    const row = await repo.insertProgress({
      db: tx,
      progress: { id: randomUUID(), claimId, bankId: c.bankId, stage, on, note, reportedBy: actor.username },
    });
    const view = progressView(row);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'recovery.progress',
      entityKind: 'claim',
      entityId: claimId,
      after: view,
    });
    return view;
  });
}

export async function listProgress({ db, actor, claimId }: { db: Db; actor: Actor; claimId: string }) {
  await findClaim(db, actor, claimId);
  return (await repo.progressOf({ db, claimId })).map(progressView);
}
