/**
 * The claim's life (DESIGN.md): submitted → under-review → approved | rejected → paid, with
 * `queued` while the fund lacks cash (R7a), `held` while the bank's circuit breaker is tripped (G4)
 * and `returned` while the bank completes what the reviewer asked for (退回补正, R21).
 * Every move is an event through this table; anything else is refused.
 */
import type { Bilingual } from '../text';

export const CLAIM_STATES = [
  'submitted',
  'under-review',
  'returned',
  'held',
  'approved',
  'queued',
  'paid',
  'rejected',
  'withdrawn',
] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];

/** Each state in Chinese, as the web app and the printed forms say it. */
export const CLAIM_STATE_ZH: Record<ClaimState, string> = {
  submitted: '已提交',
  'under-review': '审核中',
  returned: '退回补正',
  held: '熔断暂停',
  approved: '已批准',
  queued: '待付款排队',
  paid: '已支付',
  rejected: '已驳回',
  withdrawn: '已撤回',
};

export type ClaimEvent =
  | 'prepare'
  | 'sign-off'
  | 'return'
  | 'resubmit'
  | 'hold'
  | 'release'
  | 'release-unprepared'
  | 'approve'
  | 'reject'
  | 'queue'
  | 'pay'
  | 'withdraw';

const TRANSITIONS: Record<ClaimEvent, Partial<Record<ClaimState, ClaimState>>> = {
  /** A manager takes the claim up and prepares the decision (the maker). */
  prepare: { submitted: 'under-review' },
  /** One stage of several signed; the claim waits for the next (R23). */
  'sign-off': { 'under-review': 'under-review' },
  /** The fund's staff send it back to the bank, saying what is missing (退回补正, R21)… */
  return: { submitted: 'returned', 'under-review': 'returned' },
  /** …and the bank sends it again, completed: a fresh preliminary review (R21). */
  resubmit: { returned: 'submitted' },
  /** The bank's breaker is tripped: the claim waits (G4). */
  hold: { submitted: 'held', 'under-review': 'held' },
  /** The breaker lifted: a prepared claim goes back to review… */
  release: { held: 'under-review' },
  /** …and one held before anybody prepared it, back to the submitted claims (else nobody could prepare it). */
  'release-unprepared': { held: 'submitted' },
  /** A second person approves (the checker). */
  approve: { 'under-review': 'approved' },
  /** …or rejects it, also one back with the bank that never completed it (R21). */
  reject: { 'under-review': 'rejected', submitted: 'rejected', returned: 'rejected' },
  /** Approved but the fund lacks cash: first approved, first paid (R7a). */
  queue: { approved: 'queued' },
  pay: { approved: 'paid', queued: 'paid' },
  withdraw: { submitted: 'withdrawn', 'under-review': 'withdrawn', held: 'withdrawn', returned: 'withdrawn' },
};

/** Every event a claim can take (each is audited as `claim.<event>`: core/audit-words). */
export const CLAIM_EVENTS = Object.keys(TRANSITIONS) as ClaimEvent[];

/** How a held claim is released: back to where it was held from (releaseEvent of a claim). */
export const releaseEvent = (c: { preparedBy: string | null }): ClaimEvent =>
  c.preparedBy === null ? 'release-unprepared' : 'release';

export const TERMINAL: readonly ClaimState[] = ['paid', 'rejected', 'withdrawn'];

/** Claim states in which the claim is open: not decided, its amount still follows the loan's balance (R14). */
export const OPEN_CLAIM_STATES: readonly ClaimState[] = ['submitted', 'under-review', 'returned', 'held'];

export class ClaimTransitionError extends Error {
  constructor(
    readonly from: ClaimState,
    readonly event: ClaimEvent,
  ) {
    super(`cannot ${event} a claim that is ${from}`);
    this.name = 'ClaimTransitionError';
  }
}

export function nextClaimState(from: ClaimState, event: ClaimEvent): ClaimState {
  const to = TRANSITIONS[event][from];
  if (!to) throw new ClaimTransitionError(from, event);
  return to;
}

export function canTransition(from: ClaimState, event: ClaimEvent): boolean {
  return TRANSITIONS[event][from] !== undefined;
}

/**
 * Who may decide a claim (R18, maker–checker): the one who prepared it may neither approve nor
 * reject it, and approval needs a prepared claim. (A bank's officer never decides: the routes give
 * decisions to the fund's staff only.) Null when the decider may; else the problem, in both languages.
 */
export function deciderProblem({
  preparedBy,
  decider,
  decision,
}: {
  preparedBy: string | null;
  decider: string;
  decision: 'approve' | 'reject';
}): (Bilingual & { code: string }) | null {
  if (decision === 'approve' && preparedBy === null)
    return { code: 'claim.not_prepared', en: 'the claim has not been prepared', zh: '补偿申请尚未经初审' };
  if (preparedBy === decider)
    return {
      code: 'claim.preparer_cannot_decide',
      en: `the person who prepared a claim cannot ${decision} it (maker–checker, R18)`,
      zh: `初审人不能${decision === 'approve' ? '批准' : '驳回'}自己初审的补偿申请（双人复核，R18）`,
    };
  return null;
}
