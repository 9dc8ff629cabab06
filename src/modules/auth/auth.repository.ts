import { and, count, eq, gt, isNull, or } from 'drizzle-orm';
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
    async countUsers(): Promise<number> {
      const [row] = await db.select({ n: count() }).from(users);
      return row?.n ?? 0;
    },
    async insertSession(s: typeof sessions.$inferInsert) {
      await db.insert(sessions).values(s);
    },
    async findSession(tokenHash: string, now: Date) {
      const [row] = await db.select({ session: sessions, user: users }).from(sessions)
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
      const [row] = await db.select({ token: apiTokens, user: users }).from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt), isNull(users.disabledAt)));
      return row;
    },
    async touchToken(id: string, at: Date) {
      await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
    },
    async recordLoginFailure(username: string, address: string) {
      await db.insert(loginFailures).values({ username, address });
    },
    async countLoginFailures(username: string, address: string, since: Date): Promise<number> {
      const [row] = await db.select({ n: count() }).from(loginFailures)
        .where(and(gt(loginFailures.at, since), or(eq(loginFailures.username, username), eq(loginFailures.address, address))));
      return row?.n ?? 0;
    },
    async clearLoginFailures(username: string) {
      await db.delete(loginFailures).where(eq(loginFailures.username, username));
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
