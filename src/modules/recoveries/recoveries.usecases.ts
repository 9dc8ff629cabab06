/**
 * Recoveries (R8): after a claim is paid the bank keeps collecting; the fund's share of what it
 * recovers flows back to cash, never more in all than the fund paid on that loan. A refund may
 * pay queued claims and may lift the bank's breaker (G4).
 */
import { randomUUID } from 'node:crypto';
import { recover } from '../../core/loans/loan-life';
import { refundRecovery } from '../../core/ledger/fund-operations';
import { formatYuan, type Fen } from '../../core/money/money';
import type { Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { payQueue, releaseHeldClaims } from '../claims/claims.usecases';
import { loanProblem } from '../filings/filings.errors';
import { loanOf, storeLoan } from '../filings/filings.loan';
import { createFilingsRepository } from '../filings/filings.repository';
import { createFundsRepository } from '../funds/funds.repository';
import { createLedgerRepository } from '../ledger/ledger.repository';
import { applyOperation } from '../ledger/ledger.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { Problem } from '../shared/problem';
import * as repo from './recoveries.repository';
import type { RecoveryRow } from './recoveries.repository';

export function recoveryView(r: RecoveryRow) {
  return {
    id: r.id,
    claimId: r.claimId,
    filingId: r.filingId,
    bankId: r.bankId,
    recovered: formatYuan(r.recovered),
    refund: formatYuan(r.refund),
    recoveredOn: r.recoveredOn,
    reportedBy: r.reportedBy,
    at: r.at.toISOString(),
  };
}

export async function reportRecovery({
  db,
  catalog,
  actor,
  claimId,
  amount,
  on,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  claimId: string;
  amount: Fen;
  on: string;
  today: string;
}) {
  if (amount <= 0n) throw Problem.invalid([{ field: 'amount', message: 'must be more than 0' }]);
  const out = await db.transaction(async (tx) => {
    const c = await repo.findClaim({
      db: tx,
      claimId,
      bankId: actor.role === 'bank' ? (actor.bankId ?? '') : undefined,
      forUpdate: true,
    });
    if (!c) throw Problem.notFound(`Claim ${claimId}`);
    if (c.state !== 'paid')
      throw new Problem(409, 'Not compensated yet', 'Recoveries are reported after the claim is paid (R8).', [
        { field: 'claimId', message: `the claim is ${c.state}` },
      ]);
    if (on < c.submittedOn)
      throw Problem.invalid([{ field: 'on', message: 'must not be before the claim was submitted' }]);
    if (on > today) throw Problem.invalid([{ field: 'on', message: `must not be after today (${today})` }]);
    const { recovered, refunded } = await repo.recoveredSoFar({ db: tx, claimId });
    const filingsRepo = createFilingsRepository({ db: tx });
    const f = (await filingsRepo.find(c.filingId, {}, true))!;
    const id = randomUUID();
    const recovery = recover(loanOf(f), {
      amount,
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
        refund,
        recoveredOn: on,
        reportedBy: actor.username,
      },
    });
    const ledger = createLedgerRepository({ db: tx });
    // R15: the refund raises the limit (covering a shortfall first); the limits are locked before the batch.
    const { shortfall } = await ledger.lockFundLimits(c.fundId);
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
    await createFilingsRepository({ db: tx }).addEvent({
      filingId: c.filingId,
      kind: 'recovery',
      on,
      data: { recoveryId: id, recovered: formatYuan(amount), refund: formatYuan(refund) },
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
  const c = await repo.findClaim({ db, claimId, bankId: actor.role === 'bank' ? (actor.bankId ?? '') : undefined });
  if (!c) throw Problem.notFound(`Claim ${claimId}`);
  return (await repo.recoveriesOf({ db, claimId })).map(recoveryView);
}
