/**
 * Webhooks for bank systems, the pure part: which audit actions are events, which events an
 * endpoint asked for, and when a failed delivery is tried again. No I/O, no clock: times are
 * milliseconds since the epoch passed in.
 */

/** The filing and claim audit actions a bank's endpoint may subscribe to (their audit `action`). */
export const WEBHOOK_EVENT_TYPES = [
  'filing.create',
  'filing.amend',
  'filing.withdraw',
  'filing.guarantor-confirm',
  'filing.repayment',
  'filing.balance',
  'filing.classification',
  'filing.non-performing',
  'filing.write-off-request',
  'filing.write-off',
  'filing.write-off-reject',
  'claim.submit',
  'claim.recompute',
  'claim.prepare',
  'claim.sign-off',
  'claim.return',
  'claim.resubmit',
  'claim.finding',
  'claim.finding-withdrawn',
  'claim.hold',
  'claim.release',
  'claim.release-unprepared',
  'claim.approve',
  'claim.reject',
  'claim.queue',
  'claim.pay',
  'claim.withdraw',
  'claim.stage-overdue',
  'claim.return-overdue',
  'recovery.report',
  'recovery.progress',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What an endpoint may ask for: an event type, every event of a kind (`filing.*`, `claim.*`, `recovery.*`), or all (`*`). */
export const WEBHOOK_EVENT_PATTERNS = ['*', 'filing.*', 'claim.*', 'recovery.*', ...WEBHOOK_EVENT_TYPES] as const;

export const isEventPattern = (p: string): boolean => (WEBHOOK_EVENT_PATTERNS as readonly string[]).includes(p);

/**
 * The kind of record an audit action is an event about, or undefined when it is not an event: a
 * recovery is its own record (`recovery.report`); a progress report is about its claim
 * (`recovery.progress`).
 */
export function eventEntity(action: string, entityKind: string): 'filing' | 'claim' | 'recovery' | undefined {
  if (entityKind === 'filing' && action.startsWith('filing.')) return 'filing';
  if (entityKind === 'claim' && (action.startsWith('claim.') || action === 'recovery.progress')) return 'claim';
  if (entityKind === 'recovery' && action === 'recovery.report') return 'recovery';
  return undefined;
}

/** Whether an endpoint subscribed to `patterns` wants an event of `type`. */
export function wantsEvent(patterns: readonly string[], type: string): boolean {
  const kind = type.slice(0, type.indexOf('.'));
  return patterns.some((p) => p === '*' || p === type || p === `${kind}.*`);
}

/**
 * The retry schedule: after the first attempt fails, tried again 1 min, 5 min, 30 min, 2 h and 6 h
 * after each failure; a delivery whose sixth attempt fails is `failed` (a replay sends it again).
 */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/**
 * After attempt number `attempts` (1 for the first) failed at `at`: when to try again, or
 * undefined when the schedule is spent.
 */
export function nextAttemptAt(attempts: number, at: number): number | undefined {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? undefined : at + delay;
}

/** A 2xx answer is a delivery; anything else (another status, no answer in time, no connection) is a failure. */
export const delivered = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;
