/**
 * The recoveries' SQL: the recoveries module alone writes `recoveries` (DESIGN.md, "One owner per
 * table"); it reads the claim a recovery follows (and locks it), and changes the loan only through
 * the filings module (filings.loan.ts `storeLoan`, filings.repository.ts).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { claims } from '../claims/claims.table';
import type { Db } from '../shared/db';
import { recoveries } from './recoveries.table';

export type RecoveryRow = typeof recoveries.$inferSelect;

/** The claim, if it is this bank's (any bank's without `bankId`); locked with `forUpdate` (a read of the claims module's table). */
export async function findClaim({
  db,
  claimId,
  bankId,
  forUpdate = false,
}: {
  db: Db;
  claimId: string;
  bankId: string | undefined;
  forUpdate?: boolean;
}) {
  const q = db
    .select()
    .from(claims)
    .where(and(eq(claims.id, claimId), bankId !== undefined ? eq(claims.bankId, bankId) : undefined));
  const [c] = forUpdate ? await q.for('update') : await q;
  return c;
}

/** What was recovered on the claim so far and what of it was refunded to the fund, in fen as text. */
export async function recoveredSoFar({
  db,
  claimId,
}: {
  db: Db;
  claimId: string;
}): Promise<{ recovered: string; refunded: string }> {
  const [sums] = (await db
    .select({
      recovered: sql<string>`coalesce(sum(${recoveries.recovered}), 0)::text`,
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

/** The claim's recoveries in the order they were reported. */
export async function recoveriesOf({ db, claimId }: { db: Db; claimId: string }): Promise<RecoveryRow[]> {
  return db.select().from(recoveries).where(eq(recoveries.claimId, claimId)).orderBy(asc(recoveries.at));
}
