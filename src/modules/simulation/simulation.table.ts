import { doublePrecision, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A simulation job (POST /api/simulations): the request as it was sent, its progress while it runs
 * (with a heartbeat, so a job whose process died is known for what it is) and its result. The
 * process running it is its `holder`; a job whose heartbeat stopped is claimed by another process
 * (simulation.jobs.ts), which counts the `attempts`.
 */
export const simulationJobs = pgTable('simulation_jobs', {
  id: text('id').primaryKey(),
  status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
  /** Share of scenarios done, 0..1. */
  progress: doublePrecision('progress').notNull().default(0),
  request: jsonb('request').notNull(),
  result: jsonb('result'),
  error: text('error'),
  createdBy: text('created_by').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  /** The process running it (null: a job written before processes were named). */
  holder: text('holder'),
  /** How many processes have started it: 1, then one more at each takeover. */
  attempts: integer('attempts').notNull().default(1),
});
