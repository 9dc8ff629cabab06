import { and, count, desc, eq, gt, isNull, ne, or } from 'drizzle-orm';
import type { Db } from '../programmes/programmes.repository';
import { apiTokens, loginFailures, sessions, users } from './auth.table';

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
    async updateUser(id: string, patch: Partial<Pick<UserRow, 'disabledAt' | 'passwordHash'>>) {
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
    async findSession(tokenHash: string, now: Date) {
      const [row] = await db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), isNull(users.disabledAt)));
      return row;
    },
    async deleteSession(tokenHash: string) {
      await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    },
    async insertToken(t: typeof apiTokens.$inferInsert) {
      await db.insert(apiTokens).values(t);
    },
    async findToken(tokenHash: string) {
      const [row] = await db
        .select({ token: apiTokens, user: users })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), isNull(users.disabledAt)));
      return row;
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
    async recordLoginFailure(username: string, address: string) {
      await db.insert(loginFailures).values({ username, address });
    },
    async countLoginFailures(username: string, address: string, since: Date): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(loginFailures)
        .where(
          and(
            gt(loginFailures.at, since),
            or(eq(loginFailures.username, username), eq(loginFailures.address, address)),
          ),
        );
      return row?.n ?? 0;
    },
    async clearLoginFailures(username: string) {
      await db.delete(loginFailures).where(eq(loginFailures.username, username));
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
