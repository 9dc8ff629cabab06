/** The simulation jobs' rows (simulation_jobs): the only code that writes them. */
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { simulationJobs } from './simulation.table';

export type JobRow = typeof simulationJobs.$inferSelect;
export type JobInsert = typeof simulationJobs.$inferInsert;

export async function insertJob({ db, job }: { db: Db; job: JobInsert }): Promise<JobRow> {
  const [row] = await db.insert(simulationJobs).values(job).returning();
  return row!;
}

/**
 * A job's progress, status, result or error, with its heartbeat — written only while `holder` holds
 * it: false when another process has taken it over (this one was thought dead).
 */
export async function updateJob({
  db,
  id,
  holder,
  patch,
}: {
  db: Db;
  id: string;
  holder: string;
  patch: Partial<JobInsert>;
}): Promise<boolean> {
  const rows = await db
    .update(simulationJobs)
    .set(patch)
    .where(and(eq(simulationJobs.id, id), eq(simulationJobs.holder, holder)))
    .returning({ id: simulationJobs.id });
  return rows.length === 1;
}

/**
 * Claims the oldest job still "running" whose heartbeat is older than `staleBefore` (its process
 * died): locked with FOR UPDATE SKIP LOCKED, so of several processes looking at once each claims a
 * different job, and given to `holder` with a fresh heartbeat and one more attempt. Answers it with
 * the process that held it.
 */
export async function claimLostJob({
  db,
  holder,
  staleBefore,
  now,
}: {
  db: Db;
  holder: string;
  staleBefore: Date;
  now: Date;
}): Promise<{ job: JobRow; from: string | null } | undefined> {
  return db.transaction(async (tx) => {
    const [lost] = await tx
      .select({ id: simulationJobs.id, holder: simulationJobs.holder })
      .from(simulationJobs)
      .where(and(eq(simulationJobs.status, 'running'), lt(simulationJobs.heartbeatAt, staleBefore)))
      .orderBy(asc(simulationJobs.startedAt))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!lost) return undefined;
    const [claimed] = await tx
      .update(simulationJobs)
      .set({ holder, heartbeatAt: now, attempts: sql`${simulationJobs.attempts} + 1` })
      .where(eq(simulationJobs.id, lost.id))
      .returning();
    return { job: claimed!, from: lost.holder };
  });
}

export async function findJob({ db, id }: { db: Db; id: string }): Promise<JobRow | undefined> {
  const [row] = await db.select().from(simulationJobs).where(eq(simulationJobs.id, id));
  return row;
}
