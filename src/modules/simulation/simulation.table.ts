import { doublePrecision, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A simulation job (POST /api/simulations): the request as it was sent, its progress while it runs
 * (with a heartbeat, so a job whose process died is known for what it is) and its result.
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
});
