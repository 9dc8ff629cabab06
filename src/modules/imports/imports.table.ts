import type { Bilingual } from '../../core/text';
import type { Actor } from '../auth/access';
import {
  bigint,
  customType,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Raw bytes (postgres.js answers a Buffer, PGlite a Uint8Array). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

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
    /** The process running the job (shared/job-runs PROCESS_ID): only it commits chunks and writes the heartbeat. */
    holder: text('holder'),
    /** Starts of the job by a process: the first (or an upload of the same file again) and each takeover (imports.jobs.ts). */
    attempts: integer('attempts').notNull().default(1),
    /** Why the job stopped, for the bank (interrupted too many times, its file not kept), in Chinese and English. */
    error: jsonb('error').$type<Bilingual>(),
    /** Who started the job: a process that takes it over files the rest as them. */
    actor: jsonb('actor').$type<Actor>(),
    /** How many parts of the file import_files holds once it is kept whole; null while it is not. */
    fileParts: integer('file_parts'),
  },
  (t) => [uniqueIndex('import_jobs_file_uq').on(t.bankId, t.fileHash)],
);

/**
 * The uploaded file of a job that is not done, in parts of FILE_PART_BYTES, so that any process
 * can take the job over when its process dies (imports.jobs.ts). Removed when the job is done.
 */
export const importFiles = pgTable(
  'import_files',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id),
    part: integer('part').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.part] })],
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
    /** A stable code for programs (docs/API.md "Error codes"). */
    code: text('code').notNull(),
    zh: text('zh').notNull(),
    en: text('en').notNull(),
    values: jsonb('values'),
  },
  (t) => [uniqueIndex('import_errors_uq').on(t.jobId, t.line, t.column)],
);
