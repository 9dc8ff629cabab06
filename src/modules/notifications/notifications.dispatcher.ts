/**
 * Notifications by mail, as the webhooks dispatcher does it: tails the audit log by `seq` (its
 * cursor is the row of notification_cursor), and for each entry that makes something wait on
 * someone (core/notifications NOTIFYING_ACTIONS) queues a mail in `mail_outbox` for every person
 * it now waits on who wants a mail each time (`notify = each`) — never the one who acted. Then it
 * sends what is due, and a mail the server refused or could not take is tried again later on the
 * schedule (core/notifications). The daily sweep's escalation of an overdue claim (`claim.stage-overdue`,
 * `claim.return-overdue`, claims/overdue.usecases.ts) is mailed the same way, to the people
 * core/notifications overdueRecipients names. The daily job queues the digests (`notify = digest`): one mail per
 * person listing everything that waits on them, and the claims past their date they would be told of.
 *
 * Nothing here runs inside a request: a slow or failing SMTP server delays only the mails. Several
 * processes may run it against one PostgreSQL: the cursor row and the due mails are taken FOR
 * UPDATE SKIP LOCKED, mails with a lease; a mail may be sent twice only when a process dies after
 * sending it and before writing so.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  digestMail,
  eventMail,
  NOTIFYING_ACTIONS,
  nextMailAttemptAt,
  overdueFor,
  overdueMail,
  overdueRecipients,
  recipientsOf,
  taskFor,
  type Escalation,
  type Mail,
  type Recipient,
  type Task,
  type WaitingItem,
} from '../../core/notifications/notifications';
import { createAuditRepository } from '../audit/audit.repository';
import type { Db } from '../shared/db';
import type { Mailer } from './notifications.mailer';
import { createNotificationsRepository, type MailInsert } from './notifications.repository';

/** How long one attempt may take (connecting, and each answer of the server). */
export const MAIL_TIMEOUT_MS = 20_000;
/** An audit entry older than this when it is read is not mailed (mail was off, or the server was stopped a long time). */
export const EVENT_MAX_AGE_MS = 24 * 3_600_000;
const READ_BATCH = 500;
const SEND_BATCH = 20;

/** Reads the audit log past the cursor and queues the mails; returns how many were queued. */
export async function queueNotifications({
  db,
  now,
  publicUrl,
}: {
  db: Db;
  now: () => Date;
  publicUrl: string | undefined;
}): Promise<number> {
  let queued = 0;
  for (;;) {
    const round = await db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const repo = createNotificationsRepository({ db: tx });
      const cursor = await repo.lockCursor();
      if (cursor === undefined) return { read: 0, queued: 0 }; // another process is reading
      const entries = await createAuditRepository({ db: tx }).textsAfter(cursor, READ_BATCH);
      if (entries.length === 0) return { read: 0, queued: 0 };
      const at = now();
      const events = entries.filter(
        (e) =>
          NOTIFYING_ACTIONS[e.action] !== undefined &&
          at.getTime() - new Date(`${e.at}Z`).getTime() <= EVENT_MAX_AGE_MS &&
          (e.entityKind === 'claim' || e.entityKind === 'filing'),
      );
      const people = events.length ? await repo.recipients('each') : [];
      const rows: MailInsert[] = [];
      if (people.length) {
        const ids = (kind: string) => [...new Set(events.filter((e) => e.entityKind === kind).map((e) => e.entityId))];
        const items = new Map<string, WaitingItem>();
        for (const c of await repo.waitingClaims(ids('claim'))) items.set(`claim:${c.id}`, c);
        for (const w of await repo.waitingWriteOffs(ids('filing'))) items.set(`write-off:${w.id}`, w);
        for (const e of events) {
          const expected = NOTIFYING_ACTIONS[e.action]!;
          const item = items.get(`${expected.kind}:${e.entityId}`);
          // The claim has moved on since (prepared, paid, withdrawn…): it no longer waits for this.
          if (!item || (expected.kind === 'claim' && item.kind === 'claim' && item.state !== expected.state)) continue;
          const escalation = expected.kind === 'claim' ? expected.escalation : undefined;
          const mails = escalation
            ? overdueMails(item, escalation, e.after, people, publicUrl)
            : recipientsOf(item, e.actor, people).map(({ person, task }) => ({
                person,
                mail: eventMail({ item, task, actor: e.actor, publicUrl }),
              }));
          for (const { person, mail } of mails) {
            rows.push({
              id: randomUUID(),
              key: `event:${e.seq}:${person.id}`,
              userId: person.id,
              to: person.email,
              kind: 'event',
              subject: mail.subject,
              body: mail.body,
              status: 'pending',
              nextAttemptAt: at,
              createdAt: at,
            });
          }
        }
      }
      const inserted = await repo.insertMails(rows);
      await repo.setCursor(entries.at(-1)!.seq);
      return { read: entries.length, queued: inserted };
    });
    queued += round.queued;
    if (round.read < READ_BATCH) return queued;
  }
}

/**
 * The mails of an overdue claim's escalation (the daily sweep's `claim.stage-overdue` or
 * `claim.return-overdue`): none when the claim has left the wait since (`after.escalated.dueBy` is no
 * longer its date).
 */
function overdueMails(
  item: WaitingItem,
  escalation: Escalation,
  after: string | null,
  people: Recipient[],
  publicUrl: string | undefined,
): { person: Recipient; mail: Mail }[] {
  if (item.kind !== 'claim') return [];
  const dueBy = (JSON.parse(after ?? 'null') as { escalated?: { dueBy?: string } } | null)?.escalated?.dueBy;
  const waitingSince = escalation === 'stage' ? item.stageDueBy : item.returned?.dueBy;
  if (dueBy === undefined || dueBy !== waitingSince) return [];
  return overdueRecipients(item, escalation, people).map((person) => ({
    person,
    mail: overdueMail({ item, escalation, dueBy, publicUrl }),
  }));
}

/**
 * The day's digests: for each person who asked for one, a mail listing everything that waits on
 * them now, and the claims past their date (a stage's SLA, R23; the bank's deadline, R21) whose
 * escalation names them (none when there is nothing). Queued once per person and day, whichever
 * process runs it.
 */
export async function queueDigests({
  db,
  day,
  now,
  publicUrl,
}: {
  db: Db;
  day: string;
  now: Date;
  publicUrl: string | undefined;
}): Promise<number> {
  const repo = createNotificationsRepository({ db });
  const people = await repo.recipients('digest');
  if (people.length === 0) return 0;
  const items = [...(await repo.waitingClaims()), ...(await repo.waitingWriteOffs())];
  const rows: MailInsert[] = [];
  for (const person of people) {
    const mine = items.flatMap((item) => {
      const task = taskFor(item, person);
      return task ? [{ item, task: task as Task }] : [];
    });
    const overdue = overdueFor(items, day, person);
    if (mine.length === 0 && overdue.length === 0) continue;
    const mail = digestMail({ day, items: mine, overdue, publicUrl });
    rows.push({
      id: randomUUID(),
      key: `digest:${day}:${person.id}`,
      userId: person.id,
      to: person.email,
      kind: 'digest',
      subject: mail.subject,
      body: mail.body,
      status: 'pending',
      nextAttemptAt: now,
      createdAt: now,
    });
  }
  return repo.insertMails(rows);
}

export interface SendMailsResult {
  attempted: number;
  sent: number;
  retrying: number;
  failed: number;
}

/** Sends the mails due now, one at a time, until none is due. */
export async function sendDueMails({
  db,
  now,
  mailer,
  timeoutMs = MAIL_TIMEOUT_MS,
  logger,
}: {
  db: Db;
  now: () => Date;
  mailer: Mailer;
  timeoutMs?: number;
  logger?: Logger;
}): Promise<SendMailsResult> {
  const out: SendMailsResult = { attempted: 0, sent: 0, retrying: 0, failed: 0 };
  const repo = createNotificationsRepository({ db });
  for (;;) {
    const start = now();
    const token = randomUUID();
    // Held for a few attempts' deadlines and a minute more: a process that died leaves them due again then.
    const due = await repo.takeDue({
      now: start,
      leaseUntil: new Date(start.getTime() + SEND_BATCH * timeoutMs * 3 + 60_000),
      token,
      limit: SEND_BATCH,
    });
    if (due.length === 0) return out;
    for (const m of due) {
      let error: string | undefined;
      try {
        await mailer({ to: m.to, subject: m.subject, text: m.body });
      } catch (err) {
        error = (err instanceof Error ? err.message : String(err)).slice(0, 300);
      }
      const at = now();
      const attempts = m.attempts + 1;
      const retryAt = error === undefined ? undefined : nextMailAttemptAt(attempts, at.getTime());
      const status = error === undefined ? 'sent' : retryAt === undefined ? 'failed' : 'pending';
      const written = await repo.finishAttempt(m.id, token, {
        attempts,
        status,
        lastAttemptAt: at,
        lastError: error ?? null,
        nextAttemptAt: retryAt === undefined ? null : new Date(retryAt),
        ...(status === 'sent' ? { sentAt: at } : {}),
      });
      out.attempted++;
      if (!written) continue;
      if (status === 'sent') out.sent++;
      else if (status === 'failed') {
        out.failed++;
        logger?.warn({ mail: m.id, attempts, error }, 'notification mail failed after every attempt');
      } else out.retrying++;
    }
  }
}

/** One run: queue the new notifications, then send what is due. */
export async function dispatchNotifications(opts: {
  db: Db;
  now: () => Date;
  mailer: Mailer;
  publicUrl: string | undefined;
  timeoutMs?: number;
  logger?: Logger;
}) {
  const queued = await queueNotifications(opts);
  return { queued, ...(await sendDueMails(opts)) };
}

export const NOTIFY_EVERY_MS = 10_000;

/** Runs the dispatcher every `everyMs` in the server process; the returned stop waits for the run in progress. */
export function startNotificationDispatcher(
  opts: Parameters<typeof dispatchNotifications>[0] & { everyMs?: number; logger: Logger },
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = dispatchNotifications(opts)
      .then((r) => {
        if (r.attempted) opts.logger.info(r, 'notification mails sent');
      })
      .catch((err: unknown) => opts.logger.error({ err }, 'notification dispatch failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, opts.everyMs ?? NOTIFY_EVERY_MS);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
