/**
 * The write-offs' SQL: the servicing module alone writes `write_offs`; the loan it changes is
 * written through the filings module (filings.loan.ts `storeLoan`).
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { writeOffs } from './servicing.table';

export type WriteOffRow = typeof writeOffs.$inferSelect;

export async function insertWriteOff({ db, row }: { db: Db; row: typeof writeOffs.$inferInsert }) {
  const [inserted] = await db.insert(writeOffs).values(row).returning();
  return inserted!;
}

/** The write-off waiting for a decision on the loan, locked, if any. */
export async function waitingWriteOff({ db, filingId }: { db: Db; filingId: string }) {
  const [row] = await db
    .select()
    .from(writeOffs)
    .where(and(eq(writeOffs.filingId, filingId), eq(writeOffs.state, 'requested')))
    .for('update');
  return row;
}

export async function decideWriteOff({
  db,
  id,
  state,
  decidedBy,
  note,
}: {
  db: Db;
  id: string;
  state: 'approved' | 'rejected';
  decidedBy: string;
  note: string | null;
}) {
  const [row] = await db
    .update(writeOffs)
    .set({ state, decidedBy, decidedAt: new Date(), decisionNote: note })
    .where(and(eq(writeOffs.id, id), eq(writeOffs.state, 'requested')))
    .returning();
  return row!;
}

/** The loan's write-offs, oldest first. */
export async function writeOffsOf({ db, filingId }: { db: Db; filingId: string }) {
  return db
    .select()
    .from(writeOffs)
    .where(eq(writeOffs.filingId, filingId))
    .orderBy(asc(writeOffs.requestedAt), asc(writeOffs.id));
}
