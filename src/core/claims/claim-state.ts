/**
 * The claim's life (DESIGN.md): submitted → under-review → approved | rejected → paid, with
 * `queued` while the fund lacks cash (R7a) and `held` while the bank's circuit breaker is tripped (G4).
 * Every move is an event through this table; anything else is refused.
 */
export const CLAIM_STATES = [
  'submitted',
  'under-review',
  'held',
  'approved',
  'queued',
  'paid',
  'rejected',
  'withdrawn',
] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];

export type ClaimEvent = 'prepare' | 'hold' | 'release' | 'approve' | 'reject' | 'queue' | 'pay' | 'withdraw';

const TRANSITIONS: Record<ClaimEvent, Partial<Record<ClaimState, ClaimState>>> = {
  /** A manager takes the claim up and prepares the decision (the maker). */
  prepare: { submitted: 'under-review' },
  /** The bank's breaker is tripped: the claim waits (G4). */
  hold: { submitted: 'held', 'under-review': 'held' },
  /** The breaker lifted: the claim goes back to review. */
  release: { held: 'under-review' },
  /** A second person approves (the checker). */
  approve: { 'under-review': 'approved' },
  reject: { 'under-review': 'rejected', submitted: 'rejected' },
  /** Approved but the fund lacks cash: first approved, first paid (R7a). */
  queue: { approved: 'queued' },
  pay: { approved: 'paid', queued: 'paid' },
  withdraw: { submitted: 'withdrawn', 'under-review': 'withdrawn', held: 'withdrawn' },
};

export const TERMINAL: readonly ClaimState[] = ['paid', 'rejected', 'withdrawn'];

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

/** Maker–checker: the approver is never the person who prepared the claim. */
export function approverProblem({
  preparedBy,
  approver,
}: {
  preparedBy: string | null;
  approver: string;
}): string | null {
  if (preparedBy === null) return 'the claim has not been prepared';
  if (preparedBy === approver) return 'the person who prepared a claim cannot approve it (maker–checker)';
  return null;
}
