/** The simulation jobs' rows (simulation_jobs): the only code that writes them. */
import { eq } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { simulationJobs } from './simulation.table';

export type JobRow = typeof simulationJobs.$inferSelect;
export type JobInsert = typeof simulationJobs.$inferInsert;

export async function insertJob({ db, job }: { db: Db; job: JobInsert }): Promise<JobRow> {
  const [row] = await db.insert(simulationJobs).values(job).returning();
  return row!;
}

/** A job's progress, status, result or error, with its heartbeat. */
export async function updateJob({ db, id, patch }: { db: Db; id: string; patch: Partial<JobInsert> }): Promise<void> {
  await db.update(simulationJobs).set(patch).where(eq(simulationJobs.id, id));
}

export async function findJob({ db, id }: { db: Db; id: string }): Promise<JobRow | undefined> {
  const [row] = await db.select().from(simulationJobs).where(eq(simulationJobs.id, id));
  return row;
}
