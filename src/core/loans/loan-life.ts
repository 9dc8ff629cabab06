/**
 * A loan's life, one pure state machine (DESIGN.md "A loan's life"):
 *
 *   active ──repay to 0──▶ repaid            active ──withdraw──▶ withdrawn
 *   active ──classify / overdue > 90 days──▶ non-performing (R6)
 *   non-performing ──claim approved──▶ compensated ──recoveries to 0──▶ recovered (R8, R16)
 *   compensated ──the bank writes it off (核销)──▶ written-off ──recoveries to 0──▶ recovered (R16, R8)
 *
 * Each transition takes the loan as it stands and the event, and returns the loan after it with
 * the ledger transfers it moves (fund-operations.ts recipes), or a refusal naming the rule. The
 * rules of a loan's money — R6, R7, R8, R14, R16 — are applied here and nowhere else; use cases
 * load the loan, call a transition, and store what it returns.
 */
import { addDays, type IsoDate } from '../calendar/dates';
import { nonPerforming, type LoanClass } from '../claims/non-performing';
import { recoveryRefund } from '../claims/recovery';
import { releaseFiling, settleClaim, type TransferSpec } from '../ledger/fund-operations';
import { compensate, compensationOnly, type Compensation, type CompensationTerms } from '../policy/compensation';
import { formatYuan, type BasisPoints, type Fen } from '../money/money';
import { totalCut } from '../claims/due-diligence';
import { OPEN_CLAIM_STATES, type ClaimState } from '../claims/claim-state';
import type { Bilingual } from '../text';

export const LOAN_STATUSES = [
  'active',
  'repaid',
  'withdrawn',
  'non-performing',
  'compensated',
  'written-off',
  'recovered',
] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

/** What a filing fixed about the loan (R3) and where its money sits in the ledger. */
export interface LoanTerms extends CompensationTerms {
  id: string;
  fundId: string;
  bankId: string;
  /** The bank's quota sub-account the loan draws on, when its agreement has a quota (R7c). */
  agreementId: string | null;
  /** G5's cap key, when the programme has a per-enterprise cap. */
  enterpriseCapKey: string | null;
  disbursedOn: IsoDate;
  principal: Fen;
}

/** The loan as it stands. `claim` is its live claim (neither rejected nor withdrawn), if any. */
export interface Loan {
  terms: LoanTerms;
  status: LoanStatus;
  outstanding: Fen;
  /** The liability the ledger holds for it: ratio × outstanding, rounded once (R7b, R10); 0 once compensated. */
  reserved: Fen;
  classification: LoanClass;
  overdueSince: IsoDate | null;
  nonPerformingOn: IsoDate | null;
  claim: {
    id: string;
    /** Its readable number (BP-2026-000123) where the claim has one yet: what a refusal names. */
    number?: string;
    state: ClaimState;
    outstanding: Fen;
    compensation: Fen;
    /** The due-diligence findings' cut of the compensation (R22), 0 to 10,000 basis points. */
    cutBp: BasisPoints;
  } | null;
}

/** R6's rule as the loan's policy version states it. */
export interface NonPerformingRule {
  overdueDaysAbove: number;
  classifications: readonly string[];
}

/** Why a transition is refused: the HTTP class, a stable code, the field and rule, both languages. */
export interface LoanRefusal extends Bilingual {
  status: 400 | 403 | 409 | 422;
  code: string;
  field: string;
  cites: string[];
  /** The problem's detail, where it says more than the field's message. */
  detail?: Bilingual;
}

/** What a claim becomes when the loan's balance moves under it (R14). */
export type ClaimChange =
  { kind: 'recomputed'; outstanding: Fen; compensation: Compensation } | { kind: 'withdrawn'; because: 'repaid' };

export type Transition =
  { ok: true; loan: Loan; transfers: TransferSpec[]; claim?: ClaimChange } | { ok: false; refusal: LoanRefusal };

const refuse = (r: LoanRefusal): Transition => ({ ok: false, refusal: r });

const notServiceable = (loan: Loan, what: Bilingual): Transition => {
  const compensated = loan.status === 'compensated';
  return refuse({
    status: 409,
    code: 'loan.not_serviceable',
    field: 'status',
    cites: compensated ? ['R14', 'R8'] : [],
    en: `is ${loan.status}${compensated ? ': money collected after compensation is reported as a recovery (R8)' : ''}`,
    zh: `贷款状态为${STATUS_ZH[loan.status]}${compensated ? '：代偿后收回的款项请按追偿报送（R8）' : ''}`,
    detail: {
      en: `A ${loan.status} loan takes no ${what.en}.`,
      zh: `${STATUS_ZH[loan.status]}的贷款不接受${what.zh}。`,
    },
  });
};

export const STATUS_ZH: Record<LoanStatus, string> = {
  active: '正常',
  repaid: '已结清',
  withdrawn: '已撤销',
  'non-performing': '不良',
  compensated: '已代偿',
  'written-off': '已核销',
  recovered: '已追偿完毕',
};

/** The liability a loan holds for an outstanding principal: its fixed ratio, rounded once, capped (R7b, R10). */
export const liabilityOf = (terms: CompensationTerms, outstanding: Fen): Fen => compensationOnly(terms, outstanding);

/** Serviceable: balance reports, repayments and classifications are taken. */
const serviceable = (loan: Loan) => loan.status === 'active' || loan.status === 'non-performing';

/** A report's date: not before the loan was disbursed, not after today — it tells what has happened. */
function reportDateRefusal(loan: Loan, on: IsoDate, today: IsoDate): LoanRefusal | null {
  if (on < loan.terms.disbursedOn)
    return {
      status: 400,
      code: 'loan.report_before_disbursement',
      field: 'on',
      cites: [],
      en: 'must not be before the loan was disbursed',
      zh: '不能早于放款日期',
    };
  if (on > today)
    return {
      status: 400,
      code: 'loan.report_in_future',
      field: 'on',
      cites: [],
      en: `must not be after today (${today})`,
      zh: `不能晚于今天（${today}）`,
    };
  return null;
}

/**
 * The outstanding principal falls to `outstanding` (a repayment, or a balance report): the liability
 * follows it down and goes back to the fund (or the bank's quota), G5's principal with it; at 0 the
 * loan is repaid. While a claim is open its amount follows too (R14), and a loan repaid in full
 * takes its open claim with it.
 */
export function lowerBalance(
  loan: Loan,
  {
    outstanding,
    on,
    today,
    eventId,
    code,
  }: { outstanding: Fen; on: IsoDate; today: IsoDate; eventId: string; code: string },
): Transition {
  if (!serviceable(loan)) return notServiceable(loan, { en: 'balance reports', zh: '余额报送' });
  if (outstanding < 0n)
    return refuse({
      status: 400,
      code: 'loan.repayment_exceeds_outstanding',
      field: 'amount',
      cites: [],
      en: 'exceeds the outstanding principal',
      zh: '超过贷款本金余额',
    });
  if (outstanding > loan.outstanding)
    return refuse({
      status: 400,
      code: 'loan.balance_above_outstanding',
      field: 'outstanding',
      cites: [],
      en: `must not exceed the current outstanding ${formatYuan(loan.outstanding)} (a balance only falls; amend the filing to correct it)`,
      zh: `不能高于当前本金余额 ${formatYuan(loan.outstanding)} 元（余额只减不增；如需更正请修改备案）`,
    });
  const dateRefusal = reportDateRefusal(loan, on, today);
  if (dateRefusal) return refuse(dateRefusal);
  const reserved = liabilityOf(loan.terms, outstanding);
  const { terms } = loan;
  const transfers = releaseFiling({
    fundId: terms.fundId,
    filingId: terms.id,
    agreementId: terms.agreementId,
    id: eventId,
    liability: loan.reserved - reserved,
    enterpriseCap: terms.enterpriseCapKey
      ? { key: terms.enterpriseCapKey, principal: loan.outstanding - outstanding }
      : null,
    code,
  });
  const status: LoanStatus = outstanding === 0n ? 'repaid' : loan.status;
  const open = loan.claim && OPEN_CLAIM_STATES.includes(loan.claim.state) ? loan.claim : null;
  const claim: ClaimChange | undefined = !open
    ? undefined
    : outstanding === 0n
      ? { kind: 'withdrawn', because: 'repaid' }
      : { kind: 'recomputed', outstanding, compensation: compensate(terms, outstanding, open.cutBp) };
  const after: Loan = {
    ...loan,
    status,
    outstanding,
    reserved,
    claim:
      open && claim?.kind === 'recomputed'
        ? { ...open, outstanding, compensation: claim.compensation.compensation }
        : open && claim?.kind === 'withdrawn'
          ? null
          : loan.claim,
  };
  return { ok: true, loan: after, transfers, ...(claim ? { claim } : {}) };
}

/**
 * The day a loan became non-performing (R6: whichever comes first): the day of a report that
 * classifies it substandard or worse, or the day after its 90th day overdue — which may be long
 * before the report that tells of it.
 */
export function nonPerformingSince({
  classification,
  overdueSince,
  on,
  rule,
}: {
  classification: LoanClass;
  overdueSince: IsoDate | null;
  on: IsoDate;
  rule: NonPerformingRule;
}): IsoDate | null {
  const np = nonPerforming({ classification, overdueSince, on, rule });
  if (!np.nonPerforming) return null;
  const byOverdue = overdueSince ? addDays(overdueSince, rule.overdueDaysAbove + 1) : null;
  const byClass = rule.classifications.includes(classification) ? on : null;
  const candidates = [byOverdue && byOverdue <= on ? byOverdue : null, byClass].filter((d): d is IsoDate => !!d);
  return candidates.sort()[0] ?? on;
}

/** A classification report (R6): the class and since when overdue; it may make the loan non-performing. */
export function classify(
  loan: Loan,
  {
    classification,
    overdueSince,
    on,
    today,
    rule,
  }: { classification: LoanClass; overdueSince: IsoDate | null; on: IsoDate; today: IsoDate; rule: NonPerformingRule },
): Transition {
  if (!serviceable(loan)) return notServiceable(loan, { en: 'classification', zh: '分类报送' });
  const dateRefusal = reportDateRefusal(loan, on, today);
  if (dateRefusal) return refuse(dateRefusal);
  if (overdueSince && overdueSince > on)
    return refuse({
      status: 400,
      code: 'loan.overdue_after_report',
      field: 'overdueSince',
      cites: [],
      en: 'must not be after on',
      zh: '不能晚于报送日',
    });
  if (overdueSince && overdueSince < loan.terms.disbursedOn)
    return refuse({
      status: 400,
      code: 'loan.overdue_before_disbursement',
      field: 'overdueSince',
      cites: ['R6'],
      en: 'must not be before the loan was disbursed',
      zh: '不能早于放款日期',
    });
  const since = nonPerformingSince({ classification, overdueSince, on, rule });
  const becomes = since !== null && loan.status === 'active';
  return {
    ok: true,
    loan: {
      ...loan,
      classification,
      overdueSince,
      ...(becomes ? { status: 'non-performing' as const, nonPerformingOn: since } : {}),
    },
    transfers: [],
  };
}

/** The daily sweep (R6): a loan overdue past the programme's days is non-performing since the day it crossed them. */
export function sweep(loan: Loan, { today, rule }: { today: IsoDate; rule: NonPerformingRule }): Loan | null {
  if (loan.status !== 'active') return null;
  const since = nonPerformingSince({
    classification: loan.classification,
    overdueSince: loan.overdueSince,
    on: today,
    rule,
  });
  return since ? { ...loan, status: 'non-performing', nonPerformingOn: since } : null;
}

/**
 * A claim is submitted (R6, G9): only for a non-performing loan (or one overdue past the days that
 * the daily sweep has not reached yet), one live claim per loan. Its amount is ratio × outstanding
 * now; it follows the balance until approval (R14).
 */
export function submitClaim(
  loan: Loan,
  { claimId, today, rule }: { claimId: string; today: IsoDate; rule: NonPerformingRule },
): Transition & { compensation?: Compensation } {
  const swept = loan.status === 'active' ? sweep(loan, { today, rule }) : loan;
  if (!swept || swept.status !== 'non-performing')
    return refuse({
      status: 422,
      code: 'claim.loan_not_non_performing',
      field: 'filingId',
      cites: ['R6', 'G9'],
      en:
        loan.status === 'active'
          ? 'the loan is not non-performing: classify it substandard or worse, or report it overdue more than 90 days'
          : `the loan is ${loan.status}`,
      zh:
        loan.status === 'active'
          ? '贷款尚未列为不良：请报送次级类及以下分类，或逾期超过 90 天'
          : `贷款状态为${STATUS_ZH[loan.status]}`,
    });
  if (loan.claim)
    return refuse({
      status: 409,
      code: 'claim.already_claimed',
      field: 'filingId',
      cites: [],
      en: `has claim ${loan.claim.number ?? loan.claim.id}`,
      zh: `已有补偿申请 ${loan.claim.number ?? loan.claim.id}`,
    });
  const compensation = compensate(loan.terms, swept.outstanding);
  return {
    ok: true,
    loan: {
      ...swept,
      claim: {
        id: claimId,
        state: 'submitted',
        outstanding: swept.outstanding,
        compensation: compensation.compensation,
        cutBp: 0,
      },
    },
    transfers: [],
    compensation,
  };
}

/**
 * A claim is approved: its amount is ratio × the outstanding on this day (R14). The loan's whole
 * remaining liability goes back to the fund and the payable to the bank is booked, linked. G5's
 * principal is NOT given back: the compensated outstanding keeps counting against the bank's cap
 * for the enterprise until it is recovered (R16).
 */
export function approveClaim(loan: Loan): Transition & { compensation?: Compensation } {
  const claim = loan.claim;
  if (!claim || !OPEN_CLAIM_STATES.includes(claim.state) || loan.status !== 'non-performing')
    return refuse({
      status: 409,
      code: 'claim.not_approvable',
      field: 'state',
      cites: [],
      en: `the loan is ${loan.status}`,
      zh: `贷款状态为${STATUS_ZH[loan.status]}`,
    });
  const compensation = compensate(loan.terms, loan.outstanding, claim.cutBp);
  const { terms } = loan;
  const transfers = settleClaim({
    fundId: terms.fundId,
    filingId: terms.id,
    agreementId: terms.agreementId,
    claimId: claim.id,
    bankId: terms.bankId,
    exposure: loan.reserved,
    compensation: compensation.compensation,
    enterpriseCap: null,
  });
  return {
    ok: true,
    loan: {
      ...loan,
      status: 'compensated',
      reserved: 0n,
      claim: { ...claim, state: 'approved', outstanding: loan.outstanding, compensation: compensation.compensation },
    },
    transfers,
    compensation,
  };
}

/**
 * The reviewer's due-diligence findings changed (R22): an open claim's amount is recomputed with their
 * cut — the findings' cuts add up, 100% or more voids it — on the outstanding of the day (R14). Only
 * a claim under review takes findings: the preliminary review records them, the checker sees them.
 */
export function cutClaim(loan: Loan, { cutBps }: { cutBps: readonly BasisPoints[] }): Transition {
  const claim = loan.claim;
  if (!claim || claim.state !== 'under-review')
    return refuse({
      status: 409,
      code: 'claim.findings_closed',
      field: 'state',
      cites: ['R22'],
      en: 'findings are recorded while the claim is under review',
      zh: '尽职审查结论须在补偿申请审核中记录',
    });
  const cutBp = totalCut(cutBps);
  const compensation = compensate(loan.terms, loan.outstanding, cutBp);
  return {
    ok: true,
    loan: {
      ...loan,
      claim: { ...claim, cutBp, outstanding: loan.outstanding, compensation: compensation.compensation },
    },
    transfers: [],
    claim: { kind: 'recomputed', outstanding: loan.outstanding, compensation },
  };
}

/**
 * A recovery after the claim is paid (R8): of what the bank recovered, its costs of recovering come
 * off first where the programme says so (R19); the rest is principal the borrower no longer owes,
 * G5 gives it back (R16), and the fund's share of it flows back to cash; at 0 the loan is
 * recovered. A written-off loan takes recoveries too (核销后收回: written off the bank's books, the
 * debt is still pursued), sharing them with the fund the same way. `recoveredSoFar` (principal,
 * net of costs) and `refundedSoFar` are the claim's earlier ones.
 */
export function recover(
  loan: Loan,
  {
    amount: gross,
    costs = 0n,
    costsDeducted = false,
    recoveryId,
    claimOutstanding,
    compensationPaid,
    recoveredSoFar,
    refundedSoFar,
  }: {
    amount: Fen;
    /** The bank's costs of this recovery (litigation, enforcement), paid out of it. */
    costs?: Fen;
    /** The loan's programme deducts them (R19). */
    costsDeducted?: boolean;
    recoveryId: string;
    claimOutstanding: Fen;
    compensationPaid: Fen;
    recoveredSoFar: Fen;
    refundedSoFar: Fen;
  },
): Transition & { refund?: Fen; principal?: Fen } {
  if (costs > 0n && !costsDeducted)
    return refuse({
      status: 400,
      code: 'recovery.costs_not_deducted',
      field: 'costs',
      cites: ['R8', 'R19'],
      en: "the loan's programme shares what the bank recovers without deducting its costs; give costs 0",
      zh: '该贷款所属项目按追回金额分成，不扣除追偿费用；费用应为 0',
    });
  if (costs < 0n || costs > gross)
    return refuse({
      status: 400,
      code: 'recovery.costs_exceed_recovered',
      field: 'costs',
      cites: ['R19'],
      en: `the costs ${formatYuan(costs)} must be from 0 to the amount recovered ${formatYuan(gross)}`,
      zh: `追偿费用 ${formatYuan(costs)} 元须在 0 至追回金额 ${formatYuan(gross)} 元之间`,
    });
  const amount = gross - costs;
  if (recoveredSoFar + amount > claimOutstanding)
    return refuse({
      status: 400,
      code: 'recovery.exceeds_compensated_principal',
      field: 'amount',
      cites: ['R8'],
      en: `recoveries would exceed the compensated principal ${formatYuan(claimOutstanding)} (already ${formatYuan(recoveredSoFar)})`,
      zh: `追偿合计将超过已代偿本金 ${formatYuan(claimOutstanding)} 元（已追偿 ${formatYuan(recoveredSoFar)} 元）`,
    });
  if (loan.status !== 'compensated' && loan.status !== 'written-off')
    return refuse({
      status: 409,
      code: 'recovery.loan_not_compensated',
      field: 'status',
      cites: ['R8'],
      en: `the loan is ${loan.status}`,
      zh: `贷款状态为${STATUS_ZH[loan.status]}`,
    });
  const refund = recoveryRefund({
    recovered: amount,
    compensationPaid,
    compensatedPrincipal: claimOutstanding,
    refundedSoFar,
    rounding: loan.terms.rounding,
  });
  const outstanding = loan.outstanding > amount ? loan.outstanding - amount : 0n;
  const { terms } = loan;
  // A written-off loan gave its principal back to G5 when it was written off (R16): not twice.
  const release =
    terms.enterpriseCapKey && loan.status === 'compensated'
      ? releaseFiling({
          fundId: terms.fundId,
          filingId: terms.id,
          agreementId: terms.agreementId,
          id: recoveryId,
          liability: 0n,
          enterpriseCap: { key: terms.enterpriseCapKey, principal: loan.outstanding - outstanding },
          code: 'recovery',
        })
      : [];
  return {
    ok: true,
    loan: { ...loan, outstanding, status: outstanding === 0n ? 'recovered' : loan.status },
    transfers: release,
    refund,
    principal: amount,
  };
}

/** Withdrawing a filing gives back everything it holds; only an active loan can be withdrawn. */
export function withdraw(loan: Loan, { eventId }: { eventId: string }): Transition {
  if (loan.status !== 'active')
    return refuse({
      status: 409,
      code: 'filing.not_withdrawable',
      field: 'status',
      cites: [],
      en: `is ${loan.status}`,
      zh: `贷款状态为${STATUS_ZH[loan.status]}`,
    });
  const { terms } = loan;
  return {
    ok: true,
    loan: { ...loan, status: 'withdrawn', reserved: 0n },
    transfers: releaseFiling({
      fundId: terms.fundId,
      filingId: terms.id,
      agreementId: terms.agreementId,
      id: eventId,
      liability: loan.reserved,
      enterpriseCap: terms.enterpriseCapKey ? { key: terms.enterpriseCapKey, principal: loan.outstanding } : null,
      code: 'withdraw',
    }),
  };
}

/**
 * The bank writes off (核销) what is left of a compensated loan after its recovery efforts (R16):
 * the principal written off stops counting against the bank's cap for the enterprise (G5). No fund
 * money moves — the liability went at approval and the payout is the claim's — and the loan still
 * takes recoveries afterwards (recover). The outstanding stays as the amount written off.
 */
export function writeOff(
  loan: Loan,
  { on, today, eventId }: { on: IsoDate; today: IsoDate; eventId: string },
): Transition {
  if (loan.status !== 'compensated')
    return refuse({
      status: 409,
      code: 'loan.not_compensated',
      field: 'status',
      cites: ['R16'],
      en: `is ${loan.status}: only a compensated loan is written off`,
      zh: `贷款状态为${STATUS_ZH[loan.status]}：只有已代偿的贷款可以核销`,
    });
  const dateRefusal = reportDateRefusal(loan, on, today);
  if (dateRefusal) return refuse(dateRefusal);
  const { terms } = loan;
  const transfers = terms.enterpriseCapKey
    ? releaseFiling({
        fundId: terms.fundId,
        filingId: terms.id,
        agreementId: terms.agreementId,
        id: eventId,
        liability: 0n,
        enterpriseCap: { key: terms.enterpriseCapKey, principal: loan.outstanding },
        code: 'write-off',
      })
    : [];
  return { ok: true, loan: { ...loan, status: 'written-off' }, transfers };
}

/**
 * Who may decide a write-off (R18, maker–checker): the fund's staff (the routes), never the person
 * who asked for it. Null when the decider may.
 */
export function writeOffDeciderRefusal({
  requestedBy,
  decider,
  decision,
}: {
  requestedBy: string;
  decider: string;
  decision: 'approve' | 'reject';
}): LoanRefusal | null {
  if (requestedBy !== decider) return null;
  return {
    status: 403,
    code: 'loan.write_off_requester_cannot_decide',
    field: 'decidedBy',
    cites: ['R18'],
    en: `the person who asked for a write-off cannot ${decision} it (maker–checker)`,
    zh: `核销申请人不能${decision === 'approve' ? '批准' : '驳回'}自己的核销申请（双人复核）`,
  };
}

/** One write-off waits for its decision at a time. */
export const writeOffWaiting = (since: IsoDate): LoanRefusal => ({
  status: 409,
  code: 'loan.write_off_waiting',
  field: 'status',
  cites: ['R18'],
  en: `a write-off asked for on ${since} waits for its decision`,
  zh: `${since} 提交的核销申请尚待审批`,
});

/** A decision with no write-off waiting for it. */
export const noWriteOffWaiting = (): LoanRefusal => ({
  status: 409,
  code: 'loan.no_write_off_waiting',
  field: 'status',
  cites: ['R18'],
  en: 'no write-off waits for a decision on this loan',
  zh: '该贷款没有待审批的核销申请',
});

/**
 * R17: the loan makes its enterprise ineligible for new filings under the fund — non-performing
 * (claimed or not), or compensated and not yet recovered in full, written off or not.
 */
export const isBadLoan = (status: LoanStatus): boolean =>
  status === 'non-performing' || status === 'compensated' || status === 'written-off';
