import { bigint, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * A bulk filing file. The same file (by content hash) for the same bank is one job: importing it
 * again resumes after the last committed row and files nothing twice.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: text('id').primaryKey(),
    bankId: text('bank_id').notNull(),
    fileName: text('file_name').notNull(),
    fileHash: text('file_hash').notNull(),
    /** interrupted: its process stopped mid-file (a crash, a restart); the same file again resumes after lastLine. */
    status: text('status', { enum: ['running', 'done', 'failed', 'interrupted'] }).notNull(),
    /** The last row (1-based line) whose outcome is committed. */
    lastLine: integer('last_line').notNull().default(0),
    filed: integer('filed').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    /** The file's last line (the header is line 1), for the job's progress; null when not known (a job opened before it was kept). */
    totalLines: integer('total_lines'),
    createdBy: text('created_by').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** Written every few seconds by the process running the job: an old one while running means that process is gone. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('import_jobs_file_uq').on(t.bankId, t.fileHash)],
);

/** One bad row of a job: line, column and reason, for the downloadable error report. */
export const importErrors = pgTable(
  'import_errors',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id),
    line: integer('line').notNull(),
    column: text('column').notNull(),
    message: text('message').notNull(),
    messageEn: text('message_en').notNull(),
    values: jsonb('values'),
  },
  (t) => [uniqueIndex('import_errors_uq').on(t.jobId, t.line, t.column)],
);
