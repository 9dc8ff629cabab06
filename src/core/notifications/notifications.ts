/**
 * Notifications, the pure part: what waits on whom, which audit actions tell a person that
 * something now waits on them, the mails' words (Chinese, English below), and when a mail that
 * failed is tried again. No I/O, no clock: times are milliseconds since the epoch passed in.
 */
import { isOverdue } from '../claims/overdue';
import type { ClaimState } from '../claims/claim-state';
import { formatYuanGrouped } from '../money/money';
import { DEFAULT_STAGE } from '../policy/compile';

/** What a person is to do with a thing that waits on them. */
export type Task = 'prepare' | 'decide' | 'complete' | 'pay' | 'write-off';

/** A thing that may wait on someone: a claim in some state, or a write-off asked for. */
export type WaitingItem =
  | {
      kind: 'claim';
      id: string;
      number: string;
      state: string;
      bankId: string;
      preparedBy: string | null;
      borrower: string;
      compensation: bigint;
      /** A returned claim: what the fund's staff asked for and by when (R21). */
      returned?: { note: string; dueBy: string } | undefined;
      /** Under review: the roles that decide the stage waiting, its SLA date and who signed earlier stages (R23). */
      stageBy?: string[] | null;
      stageDueBy?: string | null;
      signedBy?: string[];
    }
  | {
      kind: 'write-off';
      /** The loan's id (the write-off is shown on the loan's page). */
      id: string;
      bankRef: string;
      bankId: string;
      requestedBy: string;
      borrower: string;
    };

/** Who may be told: a person with an address who has not turned notifications off. */
export interface Recipient {
  id: string;
  username: string;
  role: string;
  bankId: string | null;
  email: string;
}

/** The roles that decide a claim whose programme names no stages (R23's default stage). */
const DEFAULT_STAGE_ROLES: readonly string[] = DEFAULT_STAGE.by;

/**
 * What the item waits on `person` to do, or undefined when it waits on someone else (or nobody):
 * a submitted claim on the managers (to prepare), a prepared one on the roles its waiting stage
 * names — a manager or reviewer where the programme names no stages (R23) — never the preparer nor
 * one who signed an earlier stage (R18), a returned one on its bank's officers (to add what
 * was asked for, R21), an approved one on the managers (to pay), a write-off asked for on the
 * managers and reviewers but the one who asked (R18).
 */
export function taskFor(item: WaitingItem, person: { username: string; role: string; bankId: string | null }) {
  const { role } = person;
  if (item.kind === 'write-off')
    return (role === 'manager' || role === 'reviewer') && person.username !== item.requestedBy
      ? ('write-off' as const)
      : undefined;
  switch (item.state) {
    case 'submitted':
      return role === 'manager' ? ('prepare' as const) : undefined;
    case 'under-review':
      return person.bankId === null &&
        (item.stageBy ?? DEFAULT_STAGE_ROLES).includes(role) &&
        person.username !== item.preparedBy &&
        !(item.signedBy ?? []).includes(person.username)
        ? ('decide' as const)
        : undefined;
    case 'returned':
      return role === 'bank' && person.bankId === item.bankId ? ('complete' as const) : undefined;
    case 'approved':
      return role === 'manager' ? ('pay' as const) : undefined;
    default:
      return undefined;
  }
}

/**
 * The audit actions that make something wait on someone, and the state the claim is in after it
 * (a claim that has moved on since, when its mail is queued, waits on nobody for that action).
 */
export const NOTIFYING_ACTIONS: Record<
  string,
  { kind: 'claim'; state: string; escalation?: Escalation } | { kind: 'write-off' }
> = {
  'claim.submit': { kind: 'claim', state: 'submitted' },
  'claim.resubmit': { kind: 'claim', state: 'submitted' },
  'claim.prepare': { kind: 'claim', state: 'under-review' },
  // A stage signed: the claim now waits on the next stage's roles (R23).
  'claim.sign-off': { kind: 'claim', state: 'under-review' },
  'claim.return': { kind: 'claim', state: 'returned' },
  'claim.approve': { kind: 'claim', state: 'approved' },
  'filing.write-off-request': { kind: 'write-off' },
  'claim.stage-overdue': { kind: 'claim', state: 'under-review', escalation: 'stage' },
  'claim.return-overdue': { kind: 'claim', state: 'returned', escalation: 'return' },
};

/** An overdue claim escalated by the daily sweep (core/claims/overdue): a stage past its SLA, or a return past the bank's deadline. */
export type Escalation = 'stage' | 'return';

/**
 * Who hears of an overdue claim: for a stage past its SLA (R23), the holders of the roles that
 * decide it and the fund's managers — but not the preparer nor anyone who signed an earlier stage,
 * who cannot decide it (R18); for a return past the bank's deadline (R21), that bank's officers and
 * the fund's managers (who may reject a claim that never comes back).
 */
export function overdueRecipients(item: WaitingItem, escalation: Escalation, people: readonly Recipient[]) {
  if (item.kind !== 'claim') return [];
  if (escalation === 'return')
    return people.filter((p) => (p.role === 'bank' && p.bankId === item.bankId) || p.role === 'manager');
  // A claim prepared before the stages existed waits for the default stage: a manager or reviewer.
  const roles = new Set([...(item.stageBy ?? DEFAULT_STAGE_ROLES), 'manager']);
  const barred = new Set([item.preparedBy, ...(item.signedBy ?? [])]);
  return people.filter((p) => p.bankId === null && roles.has(p.role) && !barred.has(p.username));
}

/** An overdue claim as a digest lists it: the claim, which wait is late, and the date it was due by. */
export interface OverdueItem {
  item: WaitingItem;
  escalation: Escalation;
  dueBy: string;
}

/**
 * The claim's wait when it is past its date on `day` (core/claims/overdue isOverdue: from the day
 * after), or undefined: its stage's SLA under review (R23), the bank's deadline when returned (R21).
 */
export function overdueWaitOf(item: WaitingItem, day: string): OverdueItem | undefined {
  if (item.kind !== 'claim') return undefined;
  const stageDueBy = item.stageDueBy ?? null;
  const returnDueBy = item.returned?.dueBy ?? null;
  if (!isOverdue({ state: item.state as ClaimState, stage: 0, stageDueBy, returnDueBy }, day)) return undefined;
  return item.state === 'returned'
    ? { item, escalation: 'return', dueBy: returnDueBy! }
    : { item, escalation: 'stage', dueBy: stageDueBy! };
}

/**
 * The overdue claims a digest reader hears of: those whose escalation would be mailed to them
 * (overdueRecipients) — a digest reader gets no escalation mail of its own.
 */
export function overdueFor(items: readonly WaitingItem[], day: string, person: Recipient): OverdueItem[] {
  return items.flatMap((item) => {
    const o = overdueWaitOf(item, day);
    return o && overdueRecipients(item, o.escalation, [person]).length > 0 ? [o] : [];
  });
}

/** The people an audit entry by `actor` tells that `item` waits on them: never the actor. */
export function recipientsOf(item: WaitingItem, actor: string, people: readonly Recipient[]) {
  return people.flatMap((p) => {
    if (p.username === actor) return [];
    const task = taskFor(item, p);
    return task ? [{ person: p, task }] : [];
  });
}

const TASK_WORDS: Record<Task, { zh: string; en: string }> = {
  prepare: { zh: '补偿申请待初审', en: 'a claim to prepare' },
  decide: { zh: '补偿申请待复核（批准或驳回）', en: 'a claim to approve or reject' },
  complete: {
    zh: '补偿申请被退回，请补正材料后重新提交',
    en: 'a claim returned for more material: add it and resubmit',
  },
  pay: { zh: '补偿申请已批准，待拨付', en: 'an approved claim to pay' },
  'write-off': { zh: '核销申请待审批', en: 'a write-off to approve or reject' },
};

/** The web app's page of the item: the claim's, or for a write-off the loan's. */
export function itemLink(item: WaitingItem, publicUrl: string | undefined): string {
  const path = item.kind === 'claim' ? `/claims/${item.id}` : `/filings/${item.id}`;
  return `${(publicUrl ?? '').replace(/\/+$/, '')}${path}`;
}

function itemLine(item: WaitingItem): { zh: string; en: string } {
  if (item.kind === 'claim') {
    const amount = formatYuanGrouped(item.compensation);
    const back = item.state === 'returned' ? item.returned : undefined;
    return {
      zh: `${item.number}（${item.borrower}，补偿金额 ${amount} 元）${back ? `，退回说明：${back.note}，请于 ${back.dueBy} 前补正` : ''}`,
      en: `${item.number} (${item.borrower}, compensation ${amount} yuan)${back ? `, sent back: ${back.note}; complete it by ${back.dueBy}` : ''}`,
    };
  }
  return {
    zh: `贷款 ${item.bankRef}（${item.borrower}）的核销申请`,
    en: `the write-off of loan ${item.bankRef} (${item.borrower})`,
  };
}

export interface Mail {
  subject: string;
  body: string;
}

const SIGNATURE = '—— Backstop 兜底（此邮件由系统自动发送，请勿回复 / sent automatically, do not reply）';

/** The mail telling a person one thing now waits on them. */
export function eventMail({
  item,
  task,
  actor,
  publicUrl,
}: {
  item: WaitingItem;
  task: Task;
  actor: string;
  publicUrl: string | undefined;
}): Mail {
  const what = TASK_WORDS[task];
  const line = itemLine(item);
  const link = itemLink(item, publicUrl);
  return {
    subject: `【Backstop】${what.zh}：${item.kind === 'claim' ? item.number : item.bankRef} / ${what.en}`,
    body: [
      `您有一项待办：${what.zh}。`,
      `${line.zh}，经办人 ${actor}。`,
      `查看：${link}`,
      '',
      '----',
      `Waiting on you: ${what.en}.`,
      `${line.en}, by ${actor}.`,
      `Open it: ${link}`,
      '',
      SIGNATURE,
    ].join('\n'),
  };
}

const ESCALATION_WORDS: Record<Escalation, (dueBy: string) => { zh: string; en: string }> = {
  stage: (dueBy) => ({
    zh: `补偿申请审核环节已超时（应于 ${dueBy} 前办理）`,
    en: `a claim's review stage is overdue (due by ${dueBy})`,
  }),
  return: (dueBy) => ({
    zh: `退回补正的补偿申请已超过银行补正期限（${dueBy}）`,
    en: `a returned claim is past the bank's deadline to complete it (${dueBy})`,
  }),
};

/** The mail telling a person a claim is overdue, once per wait (the daily sweep's escalation). */
export function overdueMail({
  item,
  escalation,
  dueBy,
  publicUrl,
}: {
  item: WaitingItem;
  escalation: Escalation;
  dueBy: string;
  publicUrl: string | undefined;
}): Mail {
  const what = ESCALATION_WORDS[escalation](dueBy);
  const line = itemLine(item);
  const link = itemLink(item, publicUrl);
  const ref = item.kind === 'claim' ? item.number : item.bankRef;
  return {
    subject: `【Backstop】超时提醒：${ref} / overdue: ${ref}`,
    body: [
      `${what.zh}。`,
      `${line.zh}。`,
      `查看：${link}`,
      '',
      '----',
      `${what.en.charAt(0).toUpperCase()}${what.en.slice(1)}.`,
      `${line.en}.`,
      `Open it: ${link}`,
      '',
      SIGNATURE,
    ].join('\n'),
  };
}

/** A digest lists at most this many items; the rest are counted. */
export const DIGEST_MAX_ITEMS = 100;

/**
 * The day's mail listing everything that waits on a person, and the claims past their date that
 * the person would have been told of as they were escalated (a digest reader gets no mail each time).
 */
export function digestMail({
  day,
  items,
  overdue = [],
  publicUrl,
}: {
  day: string;
  items: readonly { item: WaitingItem; task: Task }[];
  overdue?: readonly OverdueItem[];
  publicUrl: string | undefined;
}): Mail {
  const shown = items.slice(0, DIGEST_MAX_ITEMS);
  const more = items.length - shown.length;
  const late = overdue.slice(0, DIGEST_MAX_ITEMS);
  const moreLate = overdue.length - late.length;
  const zh = shown.map(
    ({ item, task }) => `- ${TASK_WORDS[task].zh}：${itemLine(item).zh}\n  ${itemLink(item, publicUrl)}`,
  );
  const en = shown.map(
    ({ item, task }) => `- ${TASK_WORDS[task].en}: ${itemLine(item).en}\n  ${itemLink(item, publicUrl)}`,
  );
  const lateZh = late.map(
    (o) => `- ${ESCALATION_WORDS[o.escalation](o.dueBy).zh}：${itemLine(o.item).zh}\n  ${itemLink(o.item, publicUrl)}`,
  );
  const lateEn = late.map(
    (o) => `- ${ESCALATION_WORDS[o.escalation](o.dueBy).en}: ${itemLine(o.item).en}\n  ${itemLink(o.item, publicUrl)}`,
  );
  const n = items.length;
  const m = overdue.length;
  const subjectZh = [...(n ? [`待办 ${n} 项`] : []), ...(m ? [`超时 ${m} 项`] : [])].join('，');
  const subjectEn = [...(n ? [`${n} waiting on you`] : []), ...(m ? [`${m} overdue`] : [])].join(', ');
  return {
    subject: `【Backstop】${day} ${subjectZh} / ${subjectEn}`,
    body: [
      ...(n ? [`截至 ${day}，您有 ${n} 项待办：`, ...zh, ...(more ? [`另有 ${more} 项，请登录查看。`] : [])] : []),
      ...(m
        ? [
            `截至 ${day}，以下 ${m} 项补偿申请已超时：`,
            ...lateZh,
            ...(moreLate ? [`另有 ${moreLate} 项，请登录查看。`] : []),
          ]
        : []),
      '',
      '----',
      ...(n
        ? [
            `As of ${day}, ${n} ${n === 1 ? 'thing waits' : 'things wait'} on you:`,
            ...en,
            ...(more ? [`and ${more} more: sign in to see them.`] : []),
          ]
        : []),
      ...(m
        ? [
            `As of ${day}, ${m} ${m === 1 ? 'claim is' : 'claims are'} overdue:`,
            ...lateEn,
            ...(moreLate ? [`and ${moreLate} more: sign in to see them.`] : []),
          ]
        : []),
      '',
      SIGNATURE,
    ].join('\n'),
  };
}

/**
 * The retry schedule of a mail the server refused or could not take: tried again 1 min, 5 min,
 * 30 min, 2 h, 6 h and 12 h after each failure; a mail whose seventh attempt fails is `failed`.
 */
export const MAIL_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000];
export const MAIL_MAX_ATTEMPTS = MAIL_RETRY_DELAYS_MS.length + 1;

/** After attempt number `attempts` (1 for the first) failed at `at`: when to try again, or undefined when the schedule is spent. */
export function nextMailAttemptAt(attempts: number, at: number): number | undefined {
  const delay = MAIL_RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? undefined : at + delay;
}
