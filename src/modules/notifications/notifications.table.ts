import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The mails to send (the outbox): one per person and thing that waits on them (`key`
 * `event:<audit seq>:<user id>`), or one digest per person and day (`digest:<day>:<user id>`).
 * Filled from the audit log by the notifications dispatcher and by the daily digest; sent in the
 * background with retries. `next_attempt_at` is when it is due; a process sending it holds it with
 * `lease_token` and pushes `next_attempt_at` past its deadline, so another process takes it up only
 * if this one died.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull(),
    userId: text('user_id').notNull(),
    to: text('to').notNull(),
    kind: text('kind', { enum: ['event', 'digest'] }).notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    leaseToken: text('lease_token'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('mail_outbox_key_uq').on(t.key), index('mail_outbox_due_ix').on(t.status, t.nextAttemptAt)],
);

/** How far the notifications dispatcher has read the audit log (one row, `audit`). */
export const notificationCursor = pgTable('notification_cursor', {
  name: text('name').primaryKey(),
  seq: bigint('seq', { mode: 'bigint' }).notNull(),
});
