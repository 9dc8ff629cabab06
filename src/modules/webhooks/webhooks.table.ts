import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * A bank system's HTTPS endpoint for signed events about its filings and claims. The secret signs
 * (it cannot be a hash: the server needs it to sign); it is shown once, at creation or rotation.
 * A deleted endpoint keeps its row and its delivery log (`deleted_at`).
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    bankId: text('bank_id').notNull(),
    url: text('url').notNull(),
    /** Event types and patterns (`filing.*`, `claim.*`, `*`): core/webhooks. */
    events: jsonb('events').$type<string[]>().notNull(),
    active: boolean('active').notNull().default(true),
    description: text('description'),
    secret: text('secret').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('webhook_endpoints_bank_ix').on(t.bankId)],
);

/**
 * One event for one endpoint: its body as first sent (a retry or replay sends the same bytes,
 * signed anew), its state and the last attempt. `next_attempt_at` is when it is due; a process
 * sending it holds it with `lease_token` and pushes `next_attempt_at` past its deadline, so another
 * process takes it up only if this one died.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    bankId: text('bank_id').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    auditSeq: bigint('audit_seq', { mode: 'bigint' }).notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    replays: integer('replays').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    leaseToken: text('lease_token'),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_uq').on(t.endpointId, t.eventId),
    index('webhook_deliveries_due_ix').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_endpoint_ix').on(t.endpointId, t.createdAt),
  ],
);

/** How far the dispatcher has read the audit log (one row, `audit`): the last `seq` it mapped to deliveries. */
export const webhookCursor = pgTable('webhook_cursor', {
  name: text('name').primaryKey(),
  seq: bigint('seq', { mode: 'bigint' }).notNull(),
});
