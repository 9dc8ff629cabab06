/**
 * Once a day, whichever processes run: a process claims a job's day by inserting its row in
 * `job_runs` (one statement, ON CONFLICT on the primary key (job, day)), so of any number of app
 * processes on one PostgreSQL exactly one gets it. A claim left unfinished by a process that died
 * is taken over once it is older than the lease (the jobs are safe to run again: the sweep marks
 * what is still unmarked, the purge deletes what is still there). On the embedded database, one
 * process, the same statement always claims a new day.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './db';
import { jobRuns } from './job-runs.table';

/** This process's name in `job_runs` and `simulation_jobs.holder`: host, pid and a random tag. */
export const PROCESS_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** An unfinished claim older than this is taken over (a daily run takes seconds; a backup of the embedded database, minutes). */
export const JOB_RUN_LEASE_MS = 30 * 60 * 1000;

/** Claims `job` for `day`: true when this caller is to run it, false when another has it (running or done). */
export async function claimJobRun({
  db,
  job,
  day,
  holder = PROCESS_ID,
  leaseMs = JOB_RUN_LEASE_MS,
}: {
  db: Db;
  job: string;
  day: string;
  holder?: string;
  leaseMs?: number;
}): Promise<boolean> {
  const rows = await db
    .insert(jobRuns)
    .values({ job, day, holder })
    .onConflictDoUpdate({
      target: [jobRuns.job, jobRuns.day],
      set: { holder, startedAt: sql`now()` },
      setWhere: sql`${jobRuns.finishedAt} is null and ${jobRuns.startedAt} < now() - make_interval(secs => ${leaseMs / 1000})`,
    })
    .returning({ holder: jobRuns.holder });
  return rows.length === 1;
}

/** Marks the claimed run finished, so it is never taken over. */
export async function finishJobRun({
  db,
  job,
  day,
  holder = PROCESS_ID,
}: {
  db: Db;
  job: string;
  day: string;
  holder?: string;
}): Promise<void> {
  await db
    .update(jobRuns)
    .set({ finishedAt: sql`now()` })
    .where(and(eq(jobRuns.job, job), eq(jobRuns.day, day), eq(jobRuns.holder, holder)));
}
