/**
 * Runs the demo's plan through the use cases in date order: filings, repayments, late payers,
 * defaults, claims through maker–checker to payment, recoveries and top-ups. A filing the rules
 * or the limits refuse is counted and left out, as it would be in life.
 */
import { addDays } from '../../core/calendar';
import type { Fen } from '../../core/money/money';
import { approveClaim, payApprovedClaim, payQueue, prepareClaim, rejectClaim, submitClaim } from '../claims/claims.usecases';
import { fileLoan, type FilingInput } from '../filings/filings.usecases';
import { topUpFund } from '../funds/funds.usecases';
import type { Db } from '../programmes/programmes.repository';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { reportRecovery } from '../recoveries/recoveries.usecases';
import { reportClassification, reportRepayment, sweepNonPerforming } from '../servicing/servicing.usecases';
import { Problem } from '../shared/problem';
import { bankOfficer, demoManager, demoManager2, demoReviewer } from './demo.actors';
import { PROGRAMME_B, type LoanPlan } from './demo.plan';
import type { Random } from './prng';

interface Event { on: string; order: number; seq: number; run: () => Promise<void> }

export interface LoanState { plan: LoanPlan; filingId: string | null; outstanding: Fen; claimId: string | null; claimState: string | null }

const GUARANTORS = ['guarantor-bjcg', 'guarantor-zgc'];

export function filingInputOf(p: LoanPlan, guarantorId: string): FilingInput {
  const fundId = p.programme === PROGRAMME_B ? 'etown-sci-tech' : 'etown';
  return {
    bankRef: p.bankRef, fundId, programme: p.programme, enterpriseId: p.enterpriseId,
    loan: {
      kind: p.kind, principal: p.principal, disbursedOn: p.disbursedOn, maturesOn: p.maturesOn,
      ...(p.riskSharing
        // G7: the bank bears 20%; the guarantor 30%, the provincial re-guarantor 20%, the National Financing Guarantee Fund 30% (F14–F16).
        ? { mode: 'risk-sharing' as const, bankShare: 2000, parties: [
          { party: 'guarantor' as const, institutionId: guarantorId, share: 3000 },
          { party: 're-guarantor' as const, institutionId: 'reguarantor-bj', share: 2000 },
          { party: 'national-guarantee-fund' as const, institutionId: 'ngf', share: 3000 }] }
        : { mode: 'direct' as const }),
    },
  } as FilingInput;
}

/** One claim's way through maker–checker: each step only if it falls on or before the demo's day. */
export function claimSteps({ db: cur, catalog, rnd, loan, claimOn, asOf, at }: { db: () => Db; catalog: PolicyCatalog; rnd: Random; loan: LoanState; claimOn: string; asOf: string; at: (on: string, order: number, run: () => Promise<void>) => void }) {
  const preparer = rnd.chance(0.5) ? demoManager : demoManager2;
  const checker = rnd.chance(0.6) ? demoReviewer : preparer === demoManager ? demoManager2 : demoManager;
  const prepareOn = addDays(claimOn, rnd.int(2, 8));
  const decideOn = addDays(prepareOn, rnd.int(2, 9));
  const payOn = addDays(decideOn, rnd.int(1, 4));
  const rejects = rnd.chance(0.08);
  const recovery = rnd.chance(0.35) ? { on: addDays(payOn, rnd.int(40, 300)), tenths: BigInt(rnd.int(1, 6)) } : null;
  const live = () => loan.claimId !== null && loan.claimState !== 'held';
  at(claimOn, 4, async () => {
    const { claim } = await submitClaim({ db: cur(), catalog, actor: bankOfficer(loan.plan.bankId), input: { filingId: loan.filingId! }, today: claimOn });
    loan.claimId = claim.id;
    loan.claimState = claim.state;
  });
  if (prepareOn > asOf) return;
  at(prepareOn, 5, async () => {
    if (!live()) return;
    loan.claimState = (await prepareClaim({ db: cur(), catalog, actor: preparer, id: loan.claimId! })).state;
  });
  if (decideOn > asOf) return;
  at(decideOn, 6, async () => {
    if (!live() || loan.claimState !== 'under-review') return;
    loan.claimState = rejects
      ? (await rejectClaim({ db: cur(), catalog, actor: checker, id: loan.claimId!, reason: '贷款五级分类依据不足，请补充逾期证明材料 / classification evidence missing' })).state
      : (await approveClaim({ db: cur(), catalog, actor: checker, id: loan.claimId!, today: decideOn })).state;
  });
  if (payOn > asOf || rejects) return;
  at(payOn, 7, async () => {
    if (loan.claimState !== 'approved') return;
    loan.claimState = (await payApprovedClaim({ db: cur(), actor: demoManager, id: loan.claimId!, today: payOn })).state;
  });
  if (!recovery || recovery.on > asOf) return;
  at(recovery.on, 8, async () => {
    if (loan.claimState !== 'paid') return;
    const amount = (loan.outstanding * recovery.tenths) / 10n;
    if (amount > 0n) await reportRecovery({ db: cur(), catalog, actor: bankOfficer(loan.plan.bankId), claimId: loan.claimId!, amount, on: recovery.on });
  });
}

export async function runTimeline({ db, catalog, rnd, plans, asOf, topUps, progress }: {
  db: Db; catalog: PolicyCatalog; rnd: Random; plans: LoanPlan[]; asOf: string;
  topUps: { fundId: string; on: string; amount: Fen }[]; progress: (message: string) => void;
}) {
  let current: Db = db;
  const cur = () => current;
  const events: Event[] = [];
  const at = (on: string, order: number, run: () => Promise<void>) => { events.push({ on, order, seq: events.length, run }); };
  const loans: LoanState[] = plans.map((plan) => ({ plan, filingId: null, outstanding: plan.principal, claimId: null, claimState: null }));
  const refused: Record<string, number> = {};
  let filed = 0;

  for (const loan of loans) {
    const p = loan.plan;
    const officer = bankOfficer(p.bankId);
    const guarantor = rnd.pick(GUARANTORS);
    at(p.filedOn, 0, async () => {
      try {
        const { filing } = await fileLoan({ db: cur(), catalog: catalog, actor: officer, today: p.filedOn, input: filingInputOf(p, guarantor), idempotencyKey: `demo-${p.bankRef}` });
        loan.filingId = filing.id;
        filed++;
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        const why = e.errors?.map((x) => x.field).join(',') ?? e.title;
        refused[why] = (refused[why] ?? 0) + 1;
      }
    });
    const repay = async (on: string, amount: Fen) => {
      if (!loan.filingId || amount <= 0n) return;
      await reportRepayment({ db: cur(), actor: officer, id: loan.filingId, amount, on });
      loan.outstanding -= amount;
    };
    if (p.partRepayment) at(p.partRepayment.on, 1, () => repay(p.partRepayment!.on, p.partRepayment!.amount));
    if (p.late) {
      at(p.late.reportedOn, 2, async () => {
        if (loan.filingId) await reportClassification({ db: cur(), catalog, actor: officer, id: loan.filingId, classification: 'special-mention', overdueSince: p.late!.overdueSince, on: p.late!.reportedOn });
      });
    }
    if (p.default) {
      const d = p.default;
      at(d.classifiedOn, 3, async () => {
        if (loan.filingId) await reportClassification({ db: cur(), catalog, actor: officer, id: loan.filingId, classification: rnd.chance(0.8) ? 'substandard' : 'doubtful', overdueSince: d.overdueSince, on: d.classifiedOn });
      });
      const steps: Event[] = [];
      claimSteps({ db: cur, catalog, rnd, loan, claimOn: d.claimOn, asOf, at: (on, order, run) => steps.push({ on, order, seq: 0, run }) });
      for (const s of steps) at(s.on, s.order, async () => { if (loan.filingId) await s.run(); });
    } else if (p.maturesOn <= asOf && !p.late) {
      at(p.maturesOn, 9, () => repay(p.maturesOn, loan.outstanding));
    }
  }
  for (const t of topUps) {
    at(t.on, -1, async () => {
      await topUpFund({ db: cur(), actor: demoManager, fundId: t.fundId, amount: t.amount, on: t.on, note: '第二批财政资金拨付 / second budget tranche' });
      await payQueue({ db: cur(), actor: demoManager, fundId: t.fundId, today: t.on });
    });
  }

  events.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.order - b.order || a.seq - b.seq));
  // Events run in batches, each batch one transaction (each use case's own transaction nests as a
  // savepoint), so the embedded database commits — and syncs to disk — once per batch, not per step.
  const batch = 250;
  for (let i = 0; i < events.length; i += batch) {
    const slice = events.slice(i, i + batch);
    await db.transaction(async (tx) => {
      current = tx;
      for (const e of slice) await e.run();
    });
    current = db;
    progress(`book ${Math.round((Math.min(i + batch, events.length) * 100) / events.length)}% (${slice.at(-1)!.on}, ${filed} loans filed)`);
  }
  // Loans overdue more than 90 days become non-performing on the day even without a report (R6).
  const swept = await sweepNonPerforming({ db, catalog, today: asOf });
  return { loansPlanned: plans.length, loansFiled: filed, refused, swept, events: events.length, loans };
}
