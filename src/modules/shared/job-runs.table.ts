import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Once-a-day jobs (the daily jobs, the nightly backup): one row per job and day, claimed by the
 * process that runs it (shared/job-runs.ts). Several app processes on one PostgreSQL each try to
 * claim the day; exactly one gets it. A claim whose process died before finishing is taken over
 * once it is older than the job's lease.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    job: text('job').notNull(),
    /** The zone's calendar day, YYYY-MM-DD. */
    day: text('day').notNull(),
    /** The process that claimed it (host, pid and a random tag). */
    holder: text('holder').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.job, t.day] })],
);
