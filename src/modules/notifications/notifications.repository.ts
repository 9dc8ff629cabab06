/**
 * The notifications module's SQL: who may be told (users with an address), what waits (claims and
 * write-offs, read from the claims, servicing, filings and registry tables), the outbox and the
 * dispatcher's cursor on the audit log.
 */
import { and, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Recipient, WaitingItem } from '../../core/notifications/notifications';
import { users, type NotifyPreference } from '../auth/auth.table';
import { claims } from '../claims/claims.table';
import { filings } from '../filings/filings.table';
import { enterprises } from '../registry/registry.table';
import { writeOffs } from '../servicing/servicing.table';
import type { Db } from '../shared/db';
import { rowsOf } from '../shared/rows';
import { mailOutbox, notificationCursor } from './notifications.table';

export type MailInsert = typeof mailOutbox.$inferInsert;
export type MailRow = typeof mailOutbox.$inferSelect;

/** The claim states in which a claim waits on someone (core/notifications taskFor). */
const WAITING_STATES = ['submitted', 'under-review', 'returned', 'approved'] as const;

export function createNotificationsRepository({ db }: { db: Db }) {
  return {
    /** The dispatcher's place in the audit log, locked; undefined when another process holds it. */
    async lockCursor(): Promise<bigint | undefined> {
      const rows = rowsOf(
        await db.execute(
          sql`select seq::text as seq from notification_cursor where name = 'audit' for update skip locked`,
        ),
      );
      if (rows.length) return BigInt(String(rows[0]!.seq));
      // The first run: start at the head of the log (what happened before mail was set up is not mailed).
      const inserted = rowsOf(
        await db.execute(sql`insert into notification_cursor (name, seq)
          select 'audit', coalesce(max(seq), 0) from audit_log on conflict do nothing returning seq::text as seq`),
      );
      return inserted.length ? BigInt(String(inserted[0]!.seq)) : undefined;
    },
    async setCursor(seq: bigint): Promise<void> {
      await db.update(notificationCursor).set({ seq }).where(eq(notificationCursor.name, 'audit'));
    },

    /** The people who want mail of this kind: enabled, with an address. */
    async recipients(notify: NotifyPreference): Promise<Recipient[]> {
      const rows = await db
        .select({ id: users.id, username: users.username, role: users.role, bankId: users.bankId, email: users.email })
        .from(users)
        .where(and(eq(users.notify, notify), isNotNull(users.email), isNull(users.disabledAt)))
        .orderBy(users.username);
      return rows.map((r) => ({ ...r, email: r.email! }));
    },

    /** Claims that wait on someone (all, or these), with their borrower. */
    async waitingClaims(ids?: string[]): Promise<WaitingItem[]> {
      if (ids && ids.length === 0) return [];
      const rows = await db
        .select({
          id: claims.id,
          number: claims.number,
          state: claims.state,
          bankId: claims.bankId,
          preparedBy: claims.preparedBy,
          compensation: claims.compensation,
          borrower: enterprises.name,
          returnRequest: claims.returnRequest,
          stageBy: claims.stageBy,
          stageDueBy: claims.stageDueBy,
          signOffs: claims.signOffs,
        })
        .from(claims)
        .innerJoin(filings, eq(filings.id, claims.filingId))
        .innerJoin(enterprises, eq(enterprises.id, filings.enterpriseId))
        .where(and(inArray(claims.state, [...WAITING_STATES]), ids ? inArray(claims.id, ids) : undefined))
        .orderBy(claims.submittedAt, claims.id);
      return rows.map(({ returnRequest, signOffs, ...r }) => ({
        kind: 'claim' as const,
        ...r,
        returned: returnRequest ? { note: returnRequest.note, dueBy: returnRequest.dueBy } : undefined,
        signedBy: signOffs.map((s) => s.by),
      }));
    },

    /** Write-offs asked for and not decided (all, or of these loans), with their loan and borrower. */
    async waitingWriteOffs(filingIds?: string[]): Promise<WaitingItem[]> {
      if (filingIds && filingIds.length === 0) return [];
      const rows = await db
        .select({
          id: writeOffs.filingId,
          bankRef: filings.bankRef,
          bankId: writeOffs.bankId,
          requestedBy: writeOffs.requestedBy,
          borrower: enterprises.name,
        })
        .from(writeOffs)
        .innerJoin(filings, eq(filings.id, writeOffs.filingId))
        .innerJoin(enterprises, eq(enterprises.id, filings.enterpriseId))
        .where(and(eq(writeOffs.state, 'requested'), filingIds ? inArray(writeOffs.filingId, filingIds) : undefined))
        .orderBy(writeOffs.requestedAt, writeOffs.id);
      return rows.map((r) => ({ kind: 'write-off' as const, ...r }));
    },

    /** New mails; one already there with the same key is left as it is. */
    async insertMails(rows: MailInsert[]): Promise<number> {
      if (rows.length === 0) return 0;
      const done = await db.insert(mailOutbox).values(rows).onConflictDoNothing().returning({ id: mailOutbox.id });
      return done.length;
    },

    /**
     * Takes up to `limit` mails due at `now` (FOR UPDATE SKIP LOCKED); the ones taken get `token`
     * and are not due again before `leaseUntil`.
     */
    async takeDue({ now, leaseUntil, token, limit }: { now: Date; leaseUntil: Date; token: string; limit: number }) {
      const rows = rowsOf(
        await db.execute(sql`with due as (
            select id from mail_outbox
            where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
            order by next_attempt_at, id
            limit ${limit}
            for update skip locked
          )
          update mail_outbox m set lease_token = ${token}, next_attempt_at = ${leaseUntil.toISOString()}::timestamptz
          from due where m.id = due.id
          returning m.id, m."to", m.subject, m.body, m.attempts`),
      );
      return rows.map((r) => ({
        id: String(r.id),
        to: String(r.to),
        subject: String(r.subject),
        body: String(r.body),
        attempts: Number(r.attempts),
      }));
    },
    /** The outcome of an attempt, written only while the mail is still held by `token`. */
    async finishAttempt(id: string, token: string, patch: Partial<MailInsert>): Promise<boolean> {
      const done = await db
        .update(mailOutbox)
        .set({ ...patch, leaseToken: null })
        .where(and(eq(mailOutbox.id, id), eq(mailOutbox.leaseToken, token)))
        .returning({ id: mailOutbox.id });
      return done.length === 1;
    },
    /** Mails sent or given up on before `before` are deleted; pending ones never. */
    async purge(before: Date): Promise<number> {
      const done = await db
        .delete(mailOutbox)
        .where(
          and(
            or(eq(mailOutbox.status, 'sent'), eq(mailOutbox.status, 'failed')),
            sql`coalesce(${mailOutbox.lastAttemptAt}, ${mailOutbox.createdAt}) < ${before.toISOString()}::timestamptz`,
          ),
        )
        .returning({ id: mailOutbox.id });
      return done.length;
    },
    async all(): Promise<MailRow[]> {
      return db.select().from(mailOutbox).orderBy(mailOutbox.createdAt, mailOutbox.key);
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
