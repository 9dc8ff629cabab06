/**
 * One plain, deterministic regression test per defect the model-based test found at the seams of
 * the business layer (issue 14), over the use cases, each citing the rule it enforces:
 *
 *   R14      a repayment reported while a claim waits lowers the claim (and one to 0 withdraws it)
 *   R18      the manager who prepared a claim may not reject it alone
 *   R16/R17  compensation keeps the loan's principal in G5, and the defaulted enterprise gets no new loan
 *   R15      the liability limit moves with payouts and refunds; above it, new filings are refused
 *   R6       nonPerformingOn is overdueSince + 91 when the 90 days were crossed before the report
 *
 * Plus two the model-based test found that were not on the list:
 *   amend    amending a loan's kind after repayments must not put the repaid principal back
 *   R7a      a claim whose compensation rounds to 0.00 must not be queued for ever, holding up the queue
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYuan } from '../../src/core/money/money';
import {
  approveClaim,
  getClaim,
  payApprovedClaim,
  prepareClaim,
  rejectClaim,
  submitClaim,
} from '../../src/modules/claims/claims.usecases';
import { amendFiling, fileLoan, getFiling, withdrawFiling } from '../../src/modules/filings/filings.usecases';
import { topUpFund } from '../../src/modules/funds/funds.usecases';
import {
  listProgress,
  listRecoveries,
  reportProgress,
  reportRecovery,
} from '../../src/modules/recoveries/recoveries.usecases';
import {
  reportClassification,
  reportRepayment,
  decideWriteOffRequest,
  listWriteOffs,
  requestWriteOff,
  sweepNonPerforming,
} from '../../src/modules/servicing/servicing.usecases';
import { Problem } from '../../src/modules/shared/problem';
import { rowsOf } from '../../src/modules/shared/rows';
import { bob, etownWorld, icbc, ledgerSums, manager, manager2, reviewer } from '../operations/fixture';

type World = Awaited<ReturnType<typeof etownWorld>>;
const B = 'etown-2025-sci-tech';
const yuan = parseYuan;

async function problemOf(p: Promise<unknown>): Promise<Problem> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Problem) return e;
    throw e;
  }
  throw new Error('expected a refusal, but it was accepted');
}

const cites = (p: Problem) => JSON.stringify(p.errors ?? []);

let serial = 0;
/** A programme-B direct loan of `principal` filed by `actor` on `today` (disbursed the same day). */
async function file(w: World, actor: typeof icbc, enterpriseId: string, principal: string, today: string) {
  return (
    await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor,
      today,
      input: {
        bankRef: `D-${++serial}`,
        enterpriseId,
        programme: B,
        loan: { kind: 'credit', principal: yuan(principal), disbursedOn: today, mode: 'direct' },
      },
    })
  ).filing;
}

/** The loan made non-performing (classified loss) and claimed for by its bank, on `today`. */
async function defaultAndClaim(w: World, actor: typeof icbc, filingId: string, today: string) {
  await reportClassification({
    db: w.db,
    catalog: w.catalog,
    actor,
    id: filingId,
    classification: 'loss',
    overdueSince: null,
    on: today,
    today,
  });
  return (await submitClaim({ db: w.db, catalog: w.catalog, actor, input: { filingId }, today })).claim;
}

/** The claim prepared by one manager, approved by the reviewer and paid: the loan is compensated. */
async function compensateClaim(w: World, claimId: string, today: string) {
  await prepareClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claimId, today });
  await approveClaim({ dossier: 'waived', db: w.db, catalog: w.catalog, actor: reviewer, id: claimId, today });
  return payApprovedClaim({ db: w.db, actor: manager, id: claimId, today });
}

/** ICBC reports a recovery on its paid claim. */
const recover = (w: World, claimId: string, amount: string, today: string) =>
  reportRecovery({ db: w.db, catalog: w.catalog, actor: icbc, claimId, amount: yuan(amount), on: today, today });

/** G5's principal counted for a bank and an enterprise under programme B, in fen. */
async function g5Counted(w: World, bankId: string, enterpriseId: string): Promise<bigint> {
  const [r] = rowsOf(
    await w.db.execute(
      `select coalesce(sum(credits_posted - debits_posted), 0)::text as n from ledger_accounts where id = 'etown:enterprise-used:${B}:${bankId}:${enterpriseId}'` as never,
    ),
  );
  return BigInt(r!.n as string);
}

/** The payable booked to a bank in fund etown (approved compensation not yet paid), in fen. */
async function payable(w: World, bankId: string): Promise<bigint> {
  const [r] = rowsOf(
    await w.db.execute(
      `select coalesce(sum(credits_posted - debits_posted), 0)::text as n from ledger_accounts where id = 'etown:payable:${bankId}'` as never,
    ),
  );
  return BigInt(r!.n as string);
}

let w: World;
beforeAll(async () => {
  w = await etownWorld({ capital: '100000000.00' });
}, 120_000);
afterAll(async () => w?.close());

describe('R14: a repayment reported while a claim waits lowers the claim', () => {
  it('R14: loan 2,000,000.00, claim 1,000,000.00 (50%), repaid 1,900,000.00 while it waits: approval books 50,000.00, not 1,000,000.00', async () => {
    const today = '2025-09-03';
    const e = await w.enterprise(1401);
    const loan = await file(w, icbc, e, '2000000.00', today);
    const claim = await defaultAndClaim(w, icbc, loan.id, today);
    expect(claim.compensation).toBe('1000000.00');
    await reportRepayment({ db: w.db, actor: icbc, id: loan.id, amount: yuan('1900000.00'), on: today, today });
    const waiting = await getClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claim.id, today });
    expect({ outstanding: waiting.outstanding, compensation: waiting.compensation }).toEqual({
      outstanding: '100000.00',
      compensation: '50000.00',
    });
    const before = await payable(w, 'bank-icbc');
    await prepareClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claim.id, today });
    const approved = await approveClaim({
      dossier: 'waived',
      db: w.db,
      catalog: w.catalog,
      actor: manager2,
      id: claim.id,
      today,
    });
    expect(approved.state).toBe('approved');
    expect(approved.compensation).toBe('50000.00');
    expect((await payable(w, 'bank-icbc')) - before).toBe(yuan('50000.00'));
  });

  it('R14: a repayment that brings the outstanding to 0 while the claim waits repays the loan and withdraws the claim', async () => {
    const today = '2025-09-04';
    const e = await w.enterprise(1402);
    const loan = await file(w, icbc, e, '1000000.00', today);
    const claim = await defaultAndClaim(w, icbc, loan.id, today);
    await reportRepayment({ db: w.db, actor: icbc, id: loan.id, amount: yuan('1000000.00'), on: today, today });
    expect((await getFiling({ db: w.db, actor: manager, id: loan.id })).status).toBe('repaid');
    expect((await getClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claim.id, today })).state).toBe(
      'withdrawn',
    );
  });
});

describe('R18: the one who prepared a claim may neither approve nor reject it', () => {
  it('R18: the preparer rejecting alone is refused 403 and the claim stays under review; a second person may reject it', async () => {
    const today = '2025-09-05';
    const e = await w.enterprise(1801);
    const loan = await file(w, icbc, e, '1000000.00', today);
    const claim = await defaultAndClaim(w, icbc, loan.id, today);
    await prepareClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claim.id, today });
    const p = await problemOf(
      rejectClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claim.id, reason: 'maker rejects alone' }),
    );
    expect(p.status).toBe(403);
    expect((await getClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claim.id, today })).state).toBe(
      'under-review',
    );
    const rejected = await rejectClaim({
      db: w.db,
      catalog: w.catalog,
      actor: reviewer,
      id: claim.id,
      reason: 'second person',
    });
    expect(rejected.state).toBe('rejected');
  });
});

describe('R16/R17: compensation does not take the loan out of G5, and the defaulted enterprise gets no new loan', () => {
  it('R16/R17: after a claim was paid, a 29,000,000.00 loan to the same defaulted enterprise is refused, and G5 still counts the compensated principal', async () => {
    const today = '2025-09-08';
    const e = await w.enterprise(1601);
    const loan = await file(w, icbc, e, '2000000.00', today);
    const claim = await defaultAndClaim(w, icbc, loan.id, today);
    expect((await compensateClaim(w, claim.id, today)).state).toBe('paid');
    // R16: the compensated outstanding keeps counting against the bank's 30,000,000 for this enterprise.
    expect(await g5Counted(w, 'bank-icbc', e)).toBe(yuan('2000000.00'));
    const p = await problemOf(file(w, icbc, e, '29000000.00', '2025-09-09'));
    expect(p.status).toBe(422);
    expect(cites(p)).toMatch(/R17|G5|per-enterprise-cap/);
  });

  it('R17: another bank may not file for an enterprise with a compensated, unrecovered loan in the fund either', async () => {
    const today = '2025-09-10';
    const e = await w.enterprise(1701);
    const loan = await file(w, icbc, e, '1000000.00', today);
    const claim = await defaultAndClaim(w, icbc, loan.id, today);
    await compensateClaim(w, claim.id, today);
    const p = await problemOf(file(w, bob, e, '1000000.00', '2025-09-11'));
    expect(p.status).toBe(422);
    expect(cites(p)).toMatch(/R17/);
  });

  it('R17: an enterprise with a non-performing loan (not claimed yet) gets no new loan in the fund', async () => {
    const today = '2025-09-12';
    const e = await w.enterprise(1702);
    const loan = await file(w, icbc, e, '1000000.00', today);
    await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: loan.id,
      classification: 'doubtful',
      overdueSince: null,
      on: today,
      today,
    });
    const p = await problemOf(file(w, bob, e, '500000.00', today));
    expect(p.status).toBe(422);
    expect(cites(p)).toMatch(/R17/);
  });

  it('R16: a recovery releases the recovered principal from G5', async () => {
    const today = '2025-09-15';
    const e = await w.enterprise(1602);
    const loan = await file(w, icbc, e, '4000000.00', today);
    const claim = await defaultAndClaim(w, icbc, loan.id, today);
    await compensateClaim(w, claim.id, today);
    await recover(w, claim.id, '1000000.00', today);
    expect(await g5Counted(w, 'bank-icbc', e)).toBe(yuan('3000000.00'));
  });

  it('R16, R18: a write-off (核销) asked by the bank and approved by a second person releases what is left from G5 once; a recovery after it is still shared with the fund (R8) and the enterprise stays ineligible (R17)', async () => {
    const today = '2025-09-16';
    const e = await w.enterprise(1603);
    const loan = await file(w, icbc, e, '4000000.00', today);
    const claim = await defaultAndClaim(w, icbc, loan.id, today);
    // Before compensation there is nothing to write off.
    const early = await problemOf(
      requestWriteOff({ db: w.db, actor: icbc, id: loan.id, on: today, reason: '核销审批 1', today }),
    );
    expect(early.status).toBe(409);
    expect(early.errors?.[0]?.code).toBe('loan.not_compensated');
    await compensateClaim(w, claim.id, today);
    await recover(w, claim.id, '1000000.00', today);
    expect(await g5Counted(w, 'bank-icbc', e)).toBe(yuan('3000000.00'));
    // Another bank's officer does not see the loan; a date after today names its field.
    expect(
      (await problemOf(requestWriteOff({ db: w.db, actor: bob, id: loan.id, on: today, reason: 'x1', today }))).status,
    ).toBe(404);
    const future = await problemOf(
      requestWriteOff({ db: w.db, actor: icbc, id: loan.id, on: '2025-09-17', reason: '核销审批 1', today }),
    );
    expect([future.status, future.errors?.[0]?.field]).toEqual([400, 'on']);

    // R18: the bank asks; nothing changes until a second person of the fund's staff approves.
    const decide = (actor: typeof manager, decision: 'approve' | 'reject', note?: string) =>
      decideWriteOffRequest({ db: w.db, actor, id: loan.id, decision, note, today });
    const none = await problemOf(decide(reviewer, 'approve'));
    expect([none.status, none.errors?.[0]?.code]).toEqual([409, 'loan.no_write_off_waiting']);
    const asked = await requestWriteOff({
      db: w.db,
      actor: manager,
      id: loan.id,
      on: today,
      reason: '核销审批 1',
      today,
    });
    expect([asked.state, asked.requestedBy]).toEqual(['requested', 'manager']);
    expect((await getFiling({ db: w.db, actor: icbc, id: loan.id })).status).toBe('compensated');
    expect(await g5Counted(w, 'bank-icbc', e)).toBe(yuan('3000000.00'));
    const again = await problemOf(
      requestWriteOff({ db: w.db, actor: icbc, id: loan.id, on: today, reason: '核销审批 1', today }),
    );
    expect([again.status, again.errors?.[0]?.code]).toEqual([409, 'loan.write_off_waiting']);
    const own = await problemOf(decide(manager, 'approve'));
    expect([own.status, own.errors?.[0]?.code]).toEqual([403, 'loan.write_off_requester_cannot_decide']);
    const rejected = await decide(manager2, 'reject', '缺少核销审批文件');
    expect([rejected.writeOff.state, rejected.filing.status]).toEqual(['rejected', 'compensated']);

    await requestWriteOff({ db: w.db, actor: icbc, id: loan.id, on: today, reason: '核销审批 2', today });
    const { filing: written, writeOff } = await decide(reviewer, 'approve');
    expect([writeOff.state, writeOff.decidedBy]).toEqual(['approved', 'reviewer']);
    expect([written.status, written.outstanding]).toEqual(['written-off', '3000000.00']);
    expect(await g5Counted(w, 'bank-icbc', e)).toBe(0n);
    const twice = await problemOf(
      requestWriteOff({ db: w.db, actor: icbc, id: loan.id, on: today, reason: '核销审批 1', today }),
    );
    expect(twice.status).toBe(409);
    expect((await listWriteOffs({ db: w.db, actor: icbc, id: loan.id })).map((x) => x.state)).toEqual([
      'rejected',
      'approved',
    ]);

    // 核销后收回: 1,000,000.00 recovered after the write-off; the fund paid 50% (2,000,000.00 on 4,000,000.00), its share 500,000.00.
    const cashBefore = (await ledgerSums(w.db, 'etown')).cash;
    const { recovery } = await recover(w, claim.id, '1000000.00', today);
    expect(recovery.refund).toBe('500000.00');
    expect((await ledgerSums(w.db, 'etown')).cash - cashBefore).toBe(yuan('500000.00'));
    expect(await g5Counted(w, 'bank-icbc', e)).toBe(0n); // not released twice
    expect((await getFiling({ db: w.db, actor: icbc, id: loan.id })).outstanding).toBe('2000000.00');

    // R17: written off is not recovered: the enterprise still gets no new loan in the fund.
    const p = await problemOf(file(w, bob, e, '500000.00', today));
    expect(p.status).toBe(422);
    expect(cites(p)).toMatch(/R17/);
  });
});

describe("R19: a recovery with the bank's costs", () => {
  it("R19, R8, R16: costs come off first; the principal, G5 and the fund's share move by what is left; costs above the amount are refused, naming costs, writing nothing", async () => {
    const today = '2025-09-18';
    const e = await w.enterprise(1604);
    const loan = await file(w, icbc, e, '4000000.00', today);
    const claim = await defaultAndClaim(w, icbc, loan.id, today);
    await compensateClaim(w, claim.id, today);
    const cashBefore = (await ledgerSums(w.db, 'etown')).cash;

    const tooMuch = await problemOf(
      reportRecovery({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        claimId: claim.id,
        amount: yuan('100.00'),
        costs: yuan('100.01'),
        on: today,
        today,
      }),
    );
    expect([tooMuch.status, tooMuch.errors?.[0]?.field, tooMuch.errors?.[0]?.code]).toEqual([
      400,
      'costs',
      'recovery.costs_exceed_recovered',
    ]);
    expect(await listRecoveries({ db: w.db, actor: icbc, claimId: claim.id })).toEqual([]);

    // 300,000.00 recovered, 20,000.00 of it court and enforcement fees: 280,000.00 of principal; the fund paid 50%: 140,000.00 back.
    const { recovery } = await reportRecovery({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      claimId: claim.id,
      amount: yuan('300000.00'),
      costs: yuan('20000.00'),
      on: today,
      today,
    });
    expect([recovery.recovered, recovery.costs, recovery.refund]).toEqual(['300000.00', '20000.00', '140000.00']);
    expect((await ledgerSums(w.db, 'etown')).cash - cashBefore).toBe(yuan('140000.00'));
    expect((await getFiling({ db: w.db, actor: icbc, id: loan.id })).outstanding).toBe('3720000.00');
    expect(await g5Counted(w, 'bank-icbc', e)).toBe(yuan('3720000.00'));

    // The cap on recoveries is on principal: 3,720,000.00 more with 1.00 of costs is allowed, 1 fen more principal is not.
    const over = await problemOf(
      reportRecovery({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        claimId: claim.id,
        amount: yuan('3720001.01'),
        costs: yuan('1.00'),
        on: today,
        today,
      }),
    );
    expect([over.status, over.errors?.[0]?.code]).toEqual([400, 'recovery.exceeds_compensated_principal']);
    const last = await reportRecovery({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      claimId: claim.id,
      amount: yuan('3720001.00'),
      costs: yuan('1.00'),
      on: today,
      today,
    });
    expect(last.recovery.refund).toBe('1860000.00');
    const after = await getFiling({ db: w.db, actor: icbc, id: loan.id });
    expect([after.status, after.outstanding]).toEqual(['recovered', '0.00']);
    expect(await g5Counted(w, 'bank-icbc', e)).toBe(0n);
  });

  it('R19: progress reports (追偿进展) are kept in order for a paid claim, refused before payment, and another bank does not see them', async () => {
    const today = '2025-09-19';
    const e = await w.enterprise(1605);
    const loan = await file(w, icbc, e, '1000000.00', today);
    const claim = await defaultAndClaim(w, icbc, loan.id, today);
    const early = await problemOf(
      reportProgress({
        db: w.db,
        actor: icbc,
        claimId: claim.id,
        stage: 'litigation',
        on: today,
        note: '已起诉',
        today,
      }),
    );
    expect([early.status, early.errors?.[0]?.code]).toEqual([409, 'recovery.claim_not_paid']);
    await compensateClaim(w, claim.id, today);
    await reportProgress({
      db: w.db,
      actor: icbc,
      claimId: claim.id,
      stage: 'litigation',
      on: today,
      note: '已起诉，法院已受理',
      today,
    });
    await reportProgress({
      db: w.db,
      actor: icbc,
      claimId: claim.id,
      stage: 'enforcement',
      on: today,
      note: '申请强制执行',
      today,
    });
    const items = await listProgress({ db: w.db, actor: icbc, claimId: claim.id });
    expect(items.map((p) => [p.stage, p.note])).toEqual([
      ['litigation', '已起诉，法院已受理'],
      ['enforcement', '申请强制执行'],
    ]);
    expect((await problemOf(listProgress({ db: w.db, actor: bob, claimId: claim.id }))).status).toBe(404);
  });
});

describe('R6: nonPerformingOn is when the loan became non-performing, not the day it was reported', () => {
  const disbursed = '2025-09-01';
  async function loanDisbursed(n: number) {
    const e = await w.enterprise(n);
    return file(w, icbc, e, '1000000.00', disbursed);
  }

  it('R6: classified substandard on 2026-01-20, overdue since 2025-09-10: non-performing from 2025-12-10 (overdueSince + 91), the earlier', async () => {
    const loan = await loanDisbursed(601);
    const after = await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: loan.id,
      classification: 'substandard',
      overdueSince: '2025-09-10',
      on: '2026-01-20',
      today: '2026-01-20',
    });
    expect(after.status).toBe('non-performing');
    expect(after.nonPerformingOn).toBe('2025-12-10');
  });

  it('R6: reported normal but overdue since 2025-09-10 on 2026-01-20: non-performing from 2025-12-10', async () => {
    const loan = await loanDisbursed(602);
    const after = await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: loan.id,
      classification: 'normal',
      overdueSince: '2025-09-10',
      on: '2026-01-20',
      today: '2026-01-20',
    });
    expect(after.nonPerformingOn).toBe('2025-12-10');
  });

  it('R6: classified loss before the 90 days are up: non-performing from the report day', async () => {
    const loan = await loanDisbursed(603);
    const after = await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: loan.id,
      classification: 'loss',
      overdueSince: '2025-11-01',
      on: '2025-12-01',
      today: '2025-12-01',
    });
    expect(after.nonPerformingOn).toBe('2025-12-01');
  });

  it('R6: the sweep and a claim on an active, overdue loan use overdueSince + 91 too, not today', async () => {
    const swept = await loanDisbursed(604);
    const claimed = await loanDisbursed(605);
    for (const id of [swept.id, claimed.id])
      await reportClassification({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        id,
        classification: 'normal',
        overdueSince: '2025-09-15',
        on: '2025-10-01',
        today: '2025-10-01',
      });
    await submitClaim({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      input: { filingId: claimed.id },
      today: '2026-02-02',
    });
    expect((await getFiling({ db: w.db, actor: manager, id: claimed.id })).nonPerformingOn).toBe('2025-12-15');
    await sweepNonPerforming({ db: w.db, catalog: w.catalog, today: '2026-02-03' });
    const after = await getFiling({ db: w.db, actor: manager, id: swept.id });
    expect(after.status).toBe('non-performing');
    expect(after.nonPerformingOn).toBe('2025-12-15');
  });
});

describe('amend: amending anything but the principal keeps what was repaid', () => {
  it('amend: a loan of 2,000,000.00 repaid to 500,000.00, its kind amended: outstanding stays 500,000.00, reserved 250,000.00; withdrawing it works', async () => {
    const today = '2025-09-16';
    const e = await w.enterprise(901);
    const loan = await file(w, icbc, e, '2000000.00', today);
    await reportRepayment({ db: w.db, actor: icbc, id: loan.id, amount: yuan('1500000.00'), on: today, today });
    const amended = await amendFiling({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: loan.id,
      patch: { kind: 'ip-pledge', reason: '合同种类更正' },
    });
    expect({ outstanding: amended.outstanding, reserved: amended.reserved }).toEqual({
      outstanding: '500000.00',
      reserved: '250000.00',
    });
    // Before the fix the withdrawal released 2,000,000 of G5 principal where 500,000 was counted: the ledger refused it (a 500).
    const withdrawn = await withdrawFiling({ db: w.db, actor: icbc, id: loan.id, reason: 'test', today });
    expect(withdrawn.status).toBe('withdrawn');
    expect(await g5Counted(w, 'bank-icbc', e)).toBe(0n);
  });
});

describe('R7a: a claim whose compensation rounds to 0.00 does not block the payment queue', () => {
  it('R7a: 1 fen outstanding at 30% (0.003 yuan → 0.00): the approved claim is paid (nothing to pay), and the next claim is paid, not queued behind it', async () => {
    const today = '2025-09-17';
    const e = await w.enterprise(701, { size: 'small', sciTech: false });
    const e2 = await w.enterprise(702);
    const tiny = (
      await fileLoan({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        today,
        input: {
          bankRef: `D-${++serial}`,
          enterpriseId: e,
          programme: 'etown-2023-small-micro',
          loan: { kind: 'credit', principal: yuan('100.00'), disbursedOn: today, mode: 'direct' },
        },
      })
    ).filing;
    await reportRepayment({ db: w.db, actor: icbc, id: tiny.id, amount: yuan('99.99'), on: today, today });
    const zero = await defaultAndClaim(w, icbc, tiny.id, today);
    expect(zero.compensation).toBe('0.00');
    expect((await compensateClaim(w, zero.id, today)).state).toBe('paid');
    const next = await defaultAndClaim(w, icbc, (await file(w, icbc, e2, '1000000.00', today)).id, today);
    expect((await compensateClaim(w, next.id, today)).state).toBe('paid');
  });
});

describe('R15: the liability limit is the multiple of the fund’s own money and moves with every payout, refund and top-up', () => {
  let small: World;
  beforeAll(async () => {
    // 5,000,000 capital × 10 = 50,000,000 limit
    small = await etownWorld({ capital: '5000000.00' });
  }, 120_000);
  afterAll(async () => small?.close());

  it('R15: a payout of 1,000,000.00 lowers the limit by 10,000,000.00; a refund and a top-up raise it by 10 × theirs', async () => {
    const today = '2025-09-03';
    const e = await small.enterprise(1501);
    const loan = await file(small, icbc, e, '2000000.00', today);
    const claim = await defaultAndClaim(small, icbc, loan.id, today);
    await prepareClaim({ db: small.db, catalog: small.catalog, actor: manager, id: claim.id, today });
    await approveClaim({
      dossier: 'waived',
      db: small.db,
      catalog: small.catalog,
      actor: manager2,
      id: claim.id,
      today,
    });
    const l0 = (await ledgerSums(small.db, 'etown')).limit;
    expect(l0).toBe(yuan('50000000.00'));
    await payApprovedClaim({ db: small.db, actor: manager, id: claim.id, today });
    const l1 = (await ledgerSums(small.db, 'etown')).limit;
    expect(l1).toBe(yuan('40000000.00'));
    // recovered 400,000 of 2,000,000 compensated at 1,000,000: refund 200,000, the limit +2,000,000
    await reportRecovery({
      db: small.db,
      catalog: small.catalog,
      actor: icbc,
      claimId: claim.id,
      amount: yuan('400000.00'),
      on: today,
      today,
    });
    expect((await ledgerSums(small.db, 'etown')).limit).toBe(yuan('42000000.00'));
    await topUpFund({ db: small.db, actor: manager, fundId: 'etown', amount: yuan('100000.00'), on: today });
    expect((await ledgerSums(small.db, 'etown')).limit).toBe(yuan('43000000.00'));
  });

  it('R15: while committed liability is above the limit, a new filing is refused 422 (R7b/R15), however small', async () => {
    const today = '2025-09-04';
    // committed now 0; file 30M (15M) + 30M (15M) + 6M (3M) = 33M against the 43,000,000 limit the test above left
    const [e1, e2, e3, e4] = [
      await small.enterprise(1511),
      await small.enterprise(1512),
      await small.enterprise(1513),
      await small.enterprise(1514),
    ];
    await file(small, icbc, e1, '30000000.00', today);
    await file(small, bob, e2, '30000000.00', today);
    const bad = await file(small, icbc, e3, '6000000.00', today);
    const claim = await defaultAndClaim(small, icbc, bad.id, today);
    await prepareClaim({ db: small.db, catalog: small.catalog, actor: manager, id: claim.id, today });
    await approveClaim({
      dossier: 'waived',
      db: small.db,
      catalog: small.catalog,
      actor: reviewer,
      id: claim.id,
      today,
    });
    // paid 3,000,000 (cash 4.3M): the limit falls by 30,000,000 to 13,000,000, below the 30,000,000 committed
    expect((await payApprovedClaim({ db: small.db, actor: manager, id: claim.id, today })).state).toBe('paid');
    const s = await ledgerSums(small.db, 'etown');
    expect(s.limit).toBe(yuan('13000000.00'));
    expect(s.exposure).toBe(yuan('30000000.00'));
    const p = await problemOf(file(small, bob, e4, '100000.00', today));
    expect(p.status).toBe(422);
    expect(cites(p)).toMatch(/R15|R7b|liability-limit/);
  });
});
