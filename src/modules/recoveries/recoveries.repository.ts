/**
 * The recoveries' SQL: the recoveries module alone writes `recoveries` (DESIGN.md, "One owner per
 * table"); the claim a recovery follows is read (and locked) through the claims repository, and it changes the loan only through
 * the filings module (filings.loan.ts `storeLoan`, filings.repository.ts).
 */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { recoveries, recoveryProgress } from './recoveries.table';

export type RecoveryRow = typeof recoveries.$inferSelect;
export type RecoveryProgressRow = typeof recoveryProgress.$inferSelect;

/** The principal recovered on the claim so far (what the bank recovered less its costs) and what of it was refunded to the fund, in fen as text. */
export async function recoveredSoFar({
  db,
  claimId,
}: {
  db: Db;
  claimId: string;
}): Promise<{ recovered: string; refunded: string }> {
  const [sums] = (await db
    .select({
      recovered: sql<string>`coalesce(sum(${recoveries.recovered} - ${recoveries.costs}), 0)::text`,
      refunded: sql<string>`coalesce(sum(${recoveries.refund}), 0)::text`,
    })
    .from(recoveries)
    .where(eq(recoveries.claimId, claimId))) as [{ recovered: string; refunded: string }];
  return sums;
}

export async function insertRecovery({ db, recovery }: { db: Db; recovery: typeof recoveries.$inferInsert }) {
  await db.insert(recoveries).values(recovery);
}

export async function recoveryById({ db, id }: { db: Db; id: string }): Promise<RecoveryRow | undefined> {
  const [row] = await db.select().from(recoveries).where(eq(recoveries.id, id));
  return row;
}

/** The recoveries of these ids (the webhooks' dispatcher: whose bank an event is), in one statement. */
export async function recoveriesByIds({ db, ids }: { db: Db; ids: string[] }): Promise<RecoveryRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(recoveries).where(inArray(recoveries.id, ids));
}

/** The claim's recoveries in the order they were reported. */
export async function recoveriesOf({ db, claimId }: { db: Db; claimId: string }): Promise<RecoveryRow[]> {
  return db.select().from(recoveries).where(eq(recoveries.claimId, claimId)).orderBy(asc(recoveries.at));
}

export async function insertProgress({ db, progress }: { db: Db; progress: typeof recoveryProgress.$inferInsert }) {
  const [row] = await db.insert(recoveryProgress).values(progress).returning();
  return row!;
}

/** The bank's progress reports on the claim's recovery, oldest first. */
export async function progressOf({ db, claimId }: { db: Db; claimId: string }): Promise<RecoveryProgressRow[]> {
  return db
    .select()
    .from(recoveryProgress)
    .where(eq(recoveryProgress.claimId, claimId))
    .orderBy(asc(recoveryProgress.at), asc(recoveryProgress.id));
}
