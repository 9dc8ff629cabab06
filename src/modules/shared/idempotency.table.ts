import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per `Idempotency-Key` sent with a POST or PATCH under /api (the HTTP middleware in
 * shared/idempotency.ts): reserved before the request runs (`running`), then its answer (`done`:
 * status and body, 4xx included) or `unknown` (the request failed with a 5xx: what it did is not
 * known). Kept 30 days; the daily jobs delete older rows.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** Whose key it is: the signed-in user's id. */
    principal: text('principal').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    key: text('key').notNull(),
    /** sha256 of the canonical body (JSON with its keys sorted; any other body as sent). */
    requestHash: text('request_hash').notNull(),
    /** running | done | unknown */
    state: text('state').notNull().default('running'),
    status: integer('status'),
    contentType: text('content_type'),
    body: text('body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.principal, t.method, t.path, t.key] }),
    index('idempotency_keys_created_ix').on(t.createdAt),
  ],
);
