import { and, count, desc, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { retryRead } from '../shared/connection-errors';
import { anyOfTexts } from '../shared/json-texts';
import { rowsOf } from '../shared/rows';
import { apiTokens, loginThrottleAccounts, loginThrottleAddresses, sessions, users } from './auth.table';

export type UserRow = typeof users.$inferSelect;

export function createAuthRepository({ db }: { db: Db }) {
  return {
    async insertUser(u: typeof users.$inferInsert) {
      await db.insert(users).values(u);
    },
    async findUserByUsername(username: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.username, username));
      return row;
    },
    async listUsers(): Promise<UserRow[]> {
      return db.select().from(users).orderBy(users.username);
    },
    async findUser(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      return row;
    },
    async updateUser(id: string, patch: Partial<Pick<UserRow, 'disabledAt' | 'passwordHash' | 'email' | 'notify'>>) {
      await db.update(users).set(patch).where(eq(users.id, id));
    },
    /** Signs the user out everywhere, or everywhere but the session `except` (a token hash). */
    async deleteSessionsOf(userId: string, except?: string) {
      await db
        .delete(sessions)
        .where(and(eq(sessions.userId, userId), except ? ne(sessions.tokenHash, except) : undefined));
    },
    async countUsers(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(users);
      return row?.n ?? 0;
    },
    async insertSession(s: typeof sessions.$inferInsert) {
      await db.insert(sessions).values(s);
    },
    /** Who a session is (every request with a cookie asks): retried on a connection error. */
    async findSession(tokenHash: string, now: Date) {
      const [row] = await retryRead(() =>
        db
          .select({ session: sessions, user: users })
          .from(sessions)
          .innerJoin(users, eq(users.id, sessions.userId))
          .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), isNull(users.disabledAt))),
      );
      return row;
    },
    async deleteSession(tokenHash: string) {
      await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    },
    async insertToken(t: typeof apiTokens.$inferInsert) {
      await db.insert(apiTokens).values(t);
    },
    /**
     * Whose these API tokens are (every bank system's request asks, auth.usecases reads a group's at
     * once): the live ones (not revoked, their user not disabled) with their users, unknown ones left
     * out; retried on a connection error.
     */
    async findTokens(tokenHashes: string[]) {
      if (tokenHashes.length === 0) return [];
      return retryRead(() =>
        db
          .select({ token: apiTokens, user: users })
          .from(apiTokens)
          .innerJoin(users, eq(users.id, apiTokens.userId))
          .where(
            and(
              sql`${apiTokens.tokenHash} = ${anyOfTexts(tokenHashes)}`,
              isNull(apiTokens.revokedAt),
              isNull(users.disabledAt),
            ),
          ),
      );
    },
    /** The tokens of one user (every user's when `userId` is undefined), newest first; never their hashes. */
    async listTokens(userId: string | undefined) {
      return db
        .select({
          id: apiTokens.id,
          userId: apiTokens.userId,
          username: users.username,
          name: apiTokens.name,
          createdAt: apiTokens.createdAt,
          lastUsedAt: apiTokens.lastUsedAt,
          revokedAt: apiTokens.revokedAt,
        })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(userId ? eq(apiTokens.userId, userId) : undefined)
        .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
    },
    async revokeToken(id: string, at: Date) {
      await db
        .update(apiTokens)
        .set({ revokedAt: at })
        .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
    },
    async touchToken(id: string, at: Date) {
      await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
    },
    /**
     * Lets one try of `username` through, atomically (one statement; the row is locked for it): it
     * is counted as a failure at once, so tries running at the same time, in any process, see it.
     * Refused (undefined) while the account has `free` failures or more and its last try was less
     * than its delay ago (`firstMs` doubling per failure past `free`, at most `maxMs`); a refused
     * try changes nothing. Returns the failures with this one.
     */
    async admitAccountTry(t: { username: string; now: Date; free: number; firstMs: number; maxMs: number }) {
      const now = sql`${t.now.toISOString()}::timestamptz`;
      const free = sql`${t.free}::integer`;
      const rows = await db.execute(sql`
        insert into login_throttle_accounts as t (username, failures, last_try_at)
        values (${t.username}, 1, ${now})
        on conflict (username) do update set failures = t.failures + 1, last_try_at = ${now}
        where t.failures < ${free}
           or t.last_try_at
              + least(${t.firstMs}::float8 * power(2, least(t.failures - ${free}, 30)), ${t.maxMs}::float8)
              * interval '1 millisecond' <= ${now}
        returning failures`);
      const row = rowsOf(rows)[0];
      return row ? Number(row.failures) : undefined;
    },
    async accountThrottle(username: string) {
      const [row] = await db.select().from(loginThrottleAccounts).where(eq(loginThrottleAccounts.username, username));
      return row;
    },
    /** A right password: the account's failures are cleared. */
    async clearAccount(username: string) {
      await db.delete(loginThrottleAccounts).where(eq(loginThrottleAccounts.username, username));
    },
    /**
     * Lets one try from `address` through, atomically, as one more failure in the address's leaky
     * bucket (draining one every `leakMs`); refused (undefined) when that would pass `capacity`.
     * Returns the level with this one.
     */
    async admitAddressTry(t: { address: string; now: Date; capacity: number; leakMs: number }) {
      const now = sql`${t.now.toISOString()}::timestamptz`;
      const drained = sql`greatest(t.level - greatest(extract(epoch from (${now} - t.at))::float8 * 1000, 0) / ${t.leakMs}::float8, 0)`;
      const rows = await db.execute(sql`
        insert into login_throttle_addresses as t (address, level, at)
        values (${t.address}, 1, ${now})
        on conflict (address) do update set level = ${drained} + 1, at = ${now}
        where ${drained} + 1 <= ${t.capacity}::float8
        returning level`);
      const row = rowsOf(rows)[0];
      return row ? Number(row.level) : undefined;
    },
    async addressThrottle(address: string) {
      const [row] = await db.select().from(loginThrottleAddresses).where(eq(loginThrottleAddresses.address, address));
      return row;
    },
    /** Takes back a try let through from `address` that was no failure (refused by its account, or a right password). */
    async refundAddressTry(address: string) {
      await db
        .update(loginThrottleAddresses)
        .set({ level: sql`greatest(${loginThrottleAddresses.level} - 1, 0)` })
        .where(eq(loginThrottleAddresses.address, address));
    },
    /** Forgets accounts whose last try was before `accountsBefore`, and addresses drained empty by `addressesBefore`. */
    async forgetThrottles(accountsBefore: Date, addressesBefore: Date) {
      await db.delete(loginThrottleAccounts).where(lt(loginThrottleAccounts.lastTryAt, accountsBefore));
      await db.delete(loginThrottleAddresses).where(lt(loginThrottleAddresses.at, addressesBefore));
    },
    /** Replaces a password hash only if it is still `previous` (a rehash never undoes a change made meanwhile). */
    async replacePasswordHash(id: string, previous: string, next: string) {
      await db
        .update(users)
        .set({ passwordHash: next })
        .where(and(eq(users.id, id), eq(users.passwordHash, previous)));
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
