/**
 * What the server does in the background: once a day in the zone's time, loans overdue past the
 * programme's days become non-performing without a new report (R6), claims past a stage's SLA or a
 * return's deadline are escalated once (R21, R23: claims/overdue.usecases.ts), operators are warned while
 * there is time to enter next year's holiday notice (a filing cannot be judged on a day past the
 * calendar, G6), Idempotency-Keys older than 30 days are deleted (shared/idempotency.ts), webhook
 * deliveries done with are deleted after the retention (BACKSTOP_WEBHOOK_RETENTION_DAYS), when mail
 * is set up each person's digest of what waits on them is queued (notifications module), and the
 * embedded database is backed up when BACKSTOP_BACKUP_DIR is set; every
 * minute, a holiday year entered through another app process is picked up (on PostgreSQL it comes
 * at once by LISTEN/NOTIFY, catalog-changes.ts; the minute's check is the fallback).
 * Each day's jobs and backup run once whichever processes run: the process that claims the day in
 * `job_runs` (shared/job-runs.ts) runs them, the others skip them.
 */
import type { Logger } from 'pino';
import { addDays, type WorkingCalendar } from '../../core/calendar';
import { sweepNonPerforming } from '../../modules/servicing/servicing.usecases';
import { escalateOverdueClaims } from '../../modules/claims/overdue.usecases';
import type { OperationsDeps } from '../../modules/shared/operations-deps';
import { purgeIdempotencyKeys } from '../../modules/shared/idempotency';
import { claimJobRun, finishJobRun, PROCESS_ID } from '../../modules/shared/job-runs';
import { purgeDeliveries, WEBHOOK_RETENTION_DAYS } from '../../modules/webhooks/webhooks.usecases';
import { queueDigests } from '../../modules/notifications/notifications.dispatcher';
import { createNotificationsRepository } from '../../modules/notifications/notifications.repository';
import { UsageError } from '../cli/cli-errors';

const CHECK_EVERY_MS = 60 * 1000;
export const CALENDAR_WARNING_DAYS = 45;

export function calendarWarning(today: string, calendar: WorkingCalendar): string | undefined {
  if (addDays(today, CALENDAR_WARNING_DAYS) <= calendar.lastDay) return undefined;
  const next = Number(calendar.lastDay.slice(0, 4)) + 1;
  return `the holiday calendar ends on ${calendar.lastDay}: a manager enters ${next} from the State Council's notice (PUT /api/calendar/${next}, or the web app's calendar page); from ${next}-01-01 filings cannot be judged without it (G6), and deadlines past ${calendar.lastDay} are shown as provisional`;
}

/** What the daily jobs do besides the sweep and the purges every server does. */
export interface DailyJobSettings {
  /** How many days the webhook delivery log keeps deliveries done with (BACKSTOP_WEBHOOK_RETENTION_DAYS, default 90). */
  webhookRetentionDays?: number;
  /** Mail is set up: the day's digests are queued (the notifications dispatcher sends them) and sent mails are purged. */
  mail?: { publicUrl: string | undefined };
  /** The clock of the purges (tests move it on). */
  now?: () => Date;
}

/** Sent notification mails are kept this long in the outbox. */
export const MAIL_RETENTION_DAYS = 30;

/** BACKSTOP_WEBHOOK_RETENTION_DAYS: a whole number of days from 1 to 36,500 (default 90); anything else stops the start. */
export function webhookRetentionDays(setting = process.env.BACKSTOP_WEBHOOK_RETENTION_DAYS): number {
  if (setting === undefined || setting === '') return WEBHOOK_RETENTION_DAYS;
  if (!/^[1-9]\d{0,4}$/.test(setting) || Number(setting) > 36_500)
    throw new UsageError(
      `BACKSTOP_WEBHOOK_RETENTION_DAYS: must be a whole number of days from 1 to 36500, not "${setting}"`,
    );
  return Number(setting);
}

export async function runDailyJobs({
  ops,
  logger,
  settings = {},
}: {
  ops: OperationsDeps;
  logger: Logger;
  settings?: DailyJobSettings;
}): Promise<void> {
  const today = ops.today();
  const now = (settings.now ?? (() => new Date()))();
  const warning = calendarWarning(today, ops.catalog().calendar);
  if (warning) logger.warn({ today }, warning);
  const marked = await sweepNonPerforming({ db: ops.db, catalog: ops.catalog(), today });
  const claimsEscalated = await escalateOverdueClaims({ db: ops.db, catalog: ops.catalog(), today });
  const idempotencyKeysPurged = await purgeIdempotencyKeys({ db: ops.db });
  const webhookDeliveriesPurged = await purgeDeliveries({
    db: ops.db,
    now,
    days: settings.webhookRetentionDays ?? WEBHOOK_RETENTION_DAYS,
  });
  let digestsQueued = 0;
  let mailsPurged = 0;
  if (settings.mail) {
    digestsQueued = await queueDigests({ db: ops.db, day: today, now, publicUrl: settings.mail.publicUrl });
    mailsPurged = await createNotificationsRepository({ db: ops.db }).purge(
      new Date(now.getTime() - MAIL_RETENTION_DAYS * 86_400_000),
    );
  }
  logger.info(
    { today, marked, claimsEscalated, idempotencyKeysPurged, webhookDeliveriesPurged, digestsQueued, mailsPurged },
    marked ? 'daily jobs: loans overdue past the programme’s days marked non-performing (R6)' : 'daily jobs: done',
  );
}

/** The names of the once-a-day jobs in `job_runs`. */
export const DAILY_JOB = 'daily';
export const BACKUP_JOB = 'backup';

/**
 * Runs the day's jobs if this process claims the day (false: another process has them).
 * `run` is the job; it is marked finished once it returns.
 */
export async function onceADay({
  ops,
  job,
  day,
  holder = PROCESS_ID,
  run,
}: {
  ops: OperationsDeps;
  job: string;
  day: string;
  holder?: string;
  run: () => Promise<void>;
}): Promise<boolean> {
  if (!(await claimJobRun({ db: ops.db, job, day, holder }))) return false;
  await run();
  await finishJobRun({ db: ops.db, job, day, holder });
  return true;
}

/**
 * Runs the daily jobs (then `backup`) now and again whenever the zone's date changes, each once a
 * day across the processes sharing the database, and `refreshCalendar` every minute before them;
 * returns a stop function.
 */
export function scheduleDailyJobs({
  ops,
  logger,
  refreshCalendar,
  backup,
  holder = PROCESS_ID,
  checkEveryMs = CHECK_EVERY_MS,
  settings,
}: {
  ops: OperationsDeps;
  logger: Logger;
  settings?: DailyJobSettings;
  refreshCalendar: () => Promise<void>;
  backup?: (today: string) => Promise<void>;
  /** This process's name in job_runs (tests run several "processes" in one). */
  holder?: string;
  checkEveryMs?: number;
}): () => void {
  let lastRun = '';
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await refreshCalendar();
      const day = ops.today();
      if (day === lastRun) return;
      lastRun = day;
      try {
        const ran = await onceADay({
          ops,
          job: DAILY_JOB,
          day,
          holder,
          run: () => runDailyJobs({ ops, logger, ...(settings ? { settings } : {}) }),
        });
        if (!ran) logger.info({ today: day }, 'daily jobs: another process has them today');
      } finally {
        // Taken even when the sweep failed; it logs its own failure.
        if (backup) await onceADay({ ops, job: BACKUP_JOB, day, holder, run: () => backup(day) });
      }
    } catch (err) {
      logger.error({ err }, 'daily jobs failed');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), checkEveryMs);
  timer.unref();
  return () => clearInterval(timer);
}
