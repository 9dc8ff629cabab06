import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per `Idempotency-Key` sent with a POST or PATCH under /api (the HTTP middleware in
 * shared/idempotency.ts): reserved before the request runs (`running`), then its answer (`done`:
 * status and body, 4xx included), `failed` (a 5xx with nothing committed, per
 * `idempotency_commits`: the next copy runs it) or `unknown` (a 5xx after some of it committed, or
 * not known). Kept 30 days; the daily jobs delete
 * older rows.
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
    /** running | done | failed | unknown */
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

/**
 * One row per transaction of a keyed request that committed (shared/idempotency.scope.ts): written
 * in that transaction, so after a lost connection or a failover the database says whether any of
 * the attempt's work committed. Inserts only (no unique key): two transactions of one request
 * never wait on each other for it. Purged with the keys.
 */
export const idempotencyCommits = pgTable(
  'idempotency_commits',
  {
    principal: text('principal').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    key: text('key').notNull(),
    /** The attempt: its reservation's created_at. */
    attempt: timestamp('attempt', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('idempotency_commits_key_ix').on(t.principal, t.method, t.path, t.key, t.attempt),
    index('idempotency_commits_created_ix').on(t.createdAt),
  ],
);
