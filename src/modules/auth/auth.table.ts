import { doublePrecision, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { ROLES } from './access';

/** How a person wants to hear of what waits on them (notifications module). */
export const NOTIFY_PREFERENCES = ['each', 'digest', 'off'] as const;
export type NotifyPreference = (typeof NOTIFY_PREFERENCES)[number];

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** Bank officers and bank API tokens see only this bank's records. */
    bankId: text('bank_id'),
    guarantorId: text('guarantor_id'),
    passwordHash: text('password_hash').notNull(),
    /** Where notifications go (notifications module); none: nothing is sent to this person. */
    email: text('email'),
    /** `each`: a mail per thing that waits on them; `digest`: one a day listing what waits; `off`. */
    notify: text('notify', { enum: NOTIFY_PREFERENCES }).notNull().default('each'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_username_uq').on(t.username)],
);

/** A signed-in person: the cookie holds the token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_ix').on(t.userId)],
);

/** A bank system's key: `Authorization: Bearer bst_…`; only its SHA-256 is stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash)],
);

/**
 * The sign-in throttle per account (auth.throttle.ts): the username tried, known or not; the tries
 * let through since its last success (each counted as a failure until its password proves right)
 * and when the last was. Rows a day old are forgotten.
 */
export const loginThrottleAccounts = pgTable(
  'login_throttle_accounts',
  {
    username: text('username').primaryKey(),
    failures: integer('failures').notNull(),
    lastTryAt: timestamp('last_try_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('login_throttle_accounts_at_ix').on(t.lastTryAt)],
);

/**
 * The sign-in throttle per address (auth.throttle.ts): a leaky bucket of failed sign-ins, `level`
 * as of `at`, draining at a steady rate. Rows drained empty are forgotten.
 */
export const loginThrottleAddresses = pgTable(
  'login_throttle_addresses',
  {
    address: text('address').primaryKey(),
    level: doublePrecision('level').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('login_throttle_addresses_at_ix').on(t.at)],
);
