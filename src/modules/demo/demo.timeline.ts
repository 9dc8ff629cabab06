/**
 * Runs the demo's plan through the use cases: the filings in bulk (demo.filing.ts), then in date
 * order repayments, late payers, defaults, claims through maker–checker to payment, recoveries and
 * top-ups. The repayments go in bulk (`reportRepayments`, what `POST /api/repayments` runs), each
 * bank's together, gathered until a step on the same loan needs them or the batch ends. A filing
 * the rules or the limits refuse is counted and left out, as it would be in life.
 */
import { addDays } from '../../core/calendar';
import type { Fen } from '../../core/money/money';
import {
  approveClaim,
  payApprovedClaim,
  payQueue,
  prepareClaim,
  rejectClaim,
  submitClaim,
} from '../claims/claims.usecases';
import { confirmGuarantee } from '../filings/filings.usecases';
import { topUpFund } from '../funds/funds.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { reportRecovery } from '../recoveries/recoveries.usecases';
import {
  reportClassification,
  reportRepayments,
  sweepNonPerforming,
  type RepaymentLine,
} from '../servicing/servicing.usecases';
import { bankOfficer, demoManager, demoManager2, demoReviewer, guarantorOfficer } from './demo.actors';
import { fileBook, guarantorFor, type FiledBook } from './demo.filing';
import type { LoanPlan } from './demo.plan';
import type { Random } from './prng';

/** A step of the book on its day: a use case to run, or a repayment to report in the next bulk. */
interface Event {
  on: string;
  order: number;
  seq: number;
  run: () => Promise<void>;
  loan?: LoanState;
  repayment?: { loan: LoanState; amount: Fen };
}

export interface LoanState {
  plan: LoanPlan;
  filingId: string | null;
  outstanding: Fen;
  claimId: string | null;
  claimState: string | null;
}

/** One claim's way through maker–checker: each step only if it falls on or before the demo's day. */
export function claimSteps({
  db: cur,
  catalog,
  rnd,
  loan,
  claimOn,
  asOf,
  at,
}: {
  db: () => Db;
  catalog: PolicyCatalog;
  rnd: Random;
  loan: LoanState;
  claimOn: string;
  asOf: string;
  at: (on: string, order: number, run: () => Promise<void>) => void;
}) {
  const preparer = rnd.chance(0.5) ? demoManager : demoManager2;
  const checker = rnd.chance(0.6) ? demoReviewer : preparer === demoManager ? demoManager2 : demoManager;
  const prepareOn = addDays(claimOn, rnd.int(2, 8));
  const decideOn = addDays(prepareOn, rnd.int(2, 9));
  const payOn = addDays(decideOn, rnd.int(1, 4));
  const rejects = rnd.chance(0.08);
  const recovery = rnd.chance(0.35) ? { on: addDays(payOn, rnd.int(40, 300)), tenths: BigInt(rnd.int(1, 6)) } : null;
  const live = () => loan.claimId !== null && loan.claimState !== 'held';
  at(claimOn, 4, async () => {
    const { claim } = await submitClaim({
      db: cur(),
      catalog,
      actor: bankOfficer(loan.plan.bankId),
      input: { filingId: loan.filingId! },
      today: claimOn,
    });
    loan.claimId = claim.id;
    loan.claimState = claim.state;
  });
  if (prepareOn > asOf) return;
  at(prepareOn, 5, async () => {
    if (!live()) return;
    loan.claimState = (
      await prepareClaim({ db: cur(), catalog, actor: preparer, id: loan.claimId!, today: prepareOn })
    ).state;
  });
  if (decideOn > asOf) return;
  at(decideOn, 6, async () => {
    if (!live() || loan.claimState !== 'under-review') return;
    loan.claimState = rejects
      ? (
          await rejectClaim({
            db: cur(),
            catalog,
            actor: checker,
            id: loan.claimId!,
            reason: '贷款五级分类依据不足，请补充逾期证明材料 / classification evidence missing',
          })
        ).state
      : (
          await approveClaim({
            // the demo's history carries no files: its approvals waive the dossier (R20)
            dossier: 'waived',
            db: cur(),
            catalog,
            actor: checker,
            id: loan.claimId!,
            today: decideOn,
          })
        ).state;
  });
  if (payOn > asOf || rejects) return;
  at(payOn, 7, async () => {
    if (loan.claimState !== 'approved') return;
    loan.claimState = (
      await payApprovedClaim({ db: cur(), actor: demoManager, id: loan.claimId!, today: payOn })
    ).state;
  });
  if (!recovery || recovery.on > asOf) return;
  at(recovery.on, 8, async () => {
    if (loan.claimState !== 'paid') return;
    const amount = (loan.outstanding * recovery.tenths) / 10n;
    if (amount > 0n)
      await reportRecovery({
        db: cur(),
        catalog,
        actor: bankOfficer(loan.plan.bankId),
        claimId: loan.claimId!,
        amount,
        on: recovery.on,
        today: recovery.on,
      });
  });
}

export async function runTimeline({
  db,
  catalog,
  rnd,
  plans,
  asOf,
  topUps,
  progress,
}: {
  db: Db;
  catalog: PolicyCatalog;
  rnd: Random;
  plans: LoanPlan[];
  asOf: string;
  topUps: { fundId: string; on: string; amount: Fen }[];
  progress: (message: string) => void;
}) {
  let current: Db = db;
  const cur = () => current;
  const events: Event[] = [];
  const at = (on: string, order: number, run: () => Promise<void>) => {
    events.push({ on, order, seq: events.length, run });
  };
  const loans: LoanState[] = plans.map((plan) => ({
    plan,
    filingId: null,
    outstanding: plan.principal,
    claimId: null,
    claimState: null,
  }));

  // Filings first, in bulk and in date order; a top-up (it raises the fund's limit) between the
  // filings before and after its day. The limits are sized not to bind, so the servicing and claims
  // that follow need not interleave with the filings.
  const book: FiledBook = { filingIds: new Map(), refused: {} };
  const days = [...topUps].sort((a, b) => (a.on < b.on ? -1 : 1));
  for (let i = 0; i <= days.length; i++) {
    const from = days[i - 1]?.on ?? '';
    const to = days[i]?.on ?? '9999-12-31';
    const part = await fileBook({
      db,
      catalog,
      plans: plans.filter((p) => p.filedOn >= from && p.filedOn < to),
      guarantorOf: guarantorFor,
      progress,
    });
    for (const [n, id] of part.filingIds) book.filingIds.set(n, id);
    for (const [why, k] of Object.entries(part.refused)) book.refused[why] = (book.refused[why] ?? 0) + k;
    const t = days[i];
    if (t)
      await topUpFund({
        db,
        actor: demoManager,
        fundId: t.fundId,
        amount: t.amount,
        on: t.on,
        note: '第二批财政资金拨付 / second budget tranche',
      });
  }
  for (const loan of loans) loan.filingId = book.filingIds.get(loan.plan.n) ?? null;
  const filed = book.filingIds.size;

  for (const loan of loans) {
    const p = loan.plan;
    const officer = bankOfficer(p.bankId);
    const on = (day: string, order: number, run: () => Promise<void>) => {
      events.push({ on: day, order, seq: events.length, run, loan });
    };
    // The guarantor confirms its part within ten days of the filing; the last fortnight's filings still wait for it.
    const confirmOn = addDays(p.filedOn, 1 + (p.n % 10));
    if (loan.filingId && p.riskSharing && confirmOn <= addDays(asOf, -14)) {
      on(confirmOn, 0, async () => {
        await confirmGuarantee({
          db: cur(),
          actor: guarantorOfficer(guarantorFor(p)),
          id: loan.filingId!,
          today: confirmOn,
        });
      });
    }
    if (loan.filingId)
      for (const r of p.repayments)
        events.push({
          on: r.on,
          order: 1,
          seq: events.length,
          run: async () => {},
          repayment: { loan, amount: r.amount },
        });
    if (p.late) {
      on(p.late.reportedOn, 2, async () => {
        if (loan.filingId)
          await reportClassification({
            db: cur(),
            catalog,
            actor: officer,
            id: loan.filingId,
            classification: 'special-mention',
            overdueSince: p.late!.overdueSince,
            on: p.late!.reportedOn,
            today: p.late!.reportedOn,
          });
      });
    }
    if (p.default) {
      const d = p.default;
      on(d.classifiedOn, 3, async () => {
        if (loan.filingId)
          await reportClassification({
            db: cur(),
            catalog,
            actor: officer,
            id: loan.filingId,
            classification: rnd.chance(0.8) ? 'substandard' : 'doubtful',
            overdueSince: d.overdueSince,
            on: d.classifiedOn,
            today: d.classifiedOn,
          });
      });
      const steps: Event[] = [];
      claimSteps({
        db: cur,
        catalog,
        rnd,
        loan,
        claimOn: d.claimOn,
        asOf,
        at: (day, order, run) => steps.push({ on: day, order, seq: 0, run }),
      });
      for (const s of steps)
        on(s.on, s.order, async () => {
          if (loan.filingId) await s.run();
        });
    }
  }
  for (const t of topUps) {
    // The top-up's money is there (above); on its day the claims queued for cash are paid (R7a).
    at(t.on, -1, async () => {
      await payQueue({ db: cur(), actor: demoManager, fundId: t.fundId, today: t.on });
    });
  }

  events.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.order - b.order || a.seq - b.seq));

  // Repayments wait here until a step on one of their loans needs them, or the batch ends; then each
  // bank's go in one bulk report (in date order, as the bank would send them).
  const pending: { loan: LoanState; line: RepaymentLine }[] = [];
  const pendingLoans = new Set<LoanState>();
  let repaid = 0;
  const flush = async () => {
    const byBank = new Map<string, typeof pending>();
    for (const r of pending) byBank.set(r.loan.plan.bankId, [...(byBank.get(r.loan.plan.bankId) ?? []), r]);
    pending.length = 0;
    pendingLoans.clear();
    for (const [bankId, rs] of byBank) {
      const out = await reportRepayments({
        db: cur(),
        actor: bankOfficer(bankId),
        lines: rs.map((r) => r.line),
        today: rs.reduce((last, r) => (r.line.on > last ? r.line.on : last), rs[0]!.line.on),
      });
      out.items.forEach((answer, i) => {
        if (!answer.ok)
          throw new Error(`demo: repayment of ${rs[i]!.line.filingId} refused: ${JSON.stringify(answer.errors)}`);
        rs[i]!.loan.outstanding -= rs[i]!.line.amount;
      });
      repaid += out.applied;
    }
  };

  // Events run in batches, each batch one transaction (each use case's own transaction nests as a
  // savepoint), so the embedded database commits — and syncs to disk — once per batch, not per step.
  // A batch holds up to 250 use-case steps; repayments are light (a bulk line each) and count 1/40.
  for (let i = 0; i < events.length;) {
    let last = events[i]!.on;
    await db.transaction(async (tx) => {
      current = tx;
      for (let work = 0; i < events.length && work < 250; i++) {
        const e = events[i]!;
        last = e.on;
        if (e.repayment) {
          pending.push({
            loan: e.repayment.loan,
            line: { filingId: e.repayment.loan.filingId!, amount: e.repayment.amount, on: e.on },
          });
          pendingLoans.add(e.repayment.loan);
          work += 1 / 40;
          continue;
        }
        if (!e.loan || pendingLoans.has(e.loan)) await flush();
        await e.run();
        work++;
      }
      await flush();
    });
    current = db;
    progress(`book ${Math.round((i * 100) / events.length)}% (${last}, ${filed} loans filed, ${repaid} repayments)`);
  }
  // Loans overdue more than 90 days become non-performing on the day even without a report (R6).
  const swept = await sweepNonPerforming({ db, catalog, today: asOf });
  return {
    loansPlanned: plans.length,
    loansFiled: filed,
    refused: book.refused,
    swept,
    events: events.length,
    repayments: repaid,
    loans,
  };
}
