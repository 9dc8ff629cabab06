/**
 * What the server does once a day in the zone's time: loans overdue past the programme's days
 * become non-performing without a new report (R6), and operators are warned while there is time
 * to add next year's holiday notice (a filing cannot be judged on a day past the calendar, G6).
 */
import type { Logger } from 'pino';
import { addDays, HOLIDAY_YEARS } from '../../core/calendar';
import { sweepNonPerforming } from '../../modules/servicing/servicing.usecases';
import type { OperationsDeps } from '../../modules/shared/operations-deps';

const CHECK_EVERY_MS = 60 * 60 * 1000;
export const CALENDAR_WARNING_DAYS = 45;

export function calendarWarning(today: string): string | undefined {
  const lastYear = Math.max(...HOLIDAY_YEARS.map((y) => Number(y.year)));
  const lastDay = `${lastYear}-12-31`;
  if (addDays(today, CALENDAR_WARNING_DAYS) <= lastDay) return undefined;
  return `the holiday calendar ends on ${lastDay}: add ${lastYear + 1} from the State Council's notice (src/core/calendar/README.md); from ${lastYear + 1}-01-01 filings cannot be judged without it (G6), and deadlines past ${lastDay} are shown as provisional`;
}

export async function runDailyJobs({ ops, logger }: { ops: OperationsDeps; logger: Logger }): Promise<void> {
  const today = ops.today();
  const warning = calendarWarning(today);
  if (warning) logger.warn({ today }, warning);
  const marked = await sweepNonPerforming({ db: ops.db, catalog: ops.catalog(), today });
  if (marked) logger.info({ today, marked }, 'loans overdue past the programme’s days marked non-performing (R6)');
}

/** Runs the jobs now and again whenever the zone's date changes; returns a stop function. */
export function scheduleDailyJobs({ ops, logger }: { ops: OperationsDeps; logger: Logger }): () => void {
  let lastRun = '';
  const tick = () => {
    if (ops.today() === lastRun) return;
    lastRun = ops.today();
    runDailyJobs({ ops, logger }).catch((err: unknown) => logger.error({ err }, 'daily jobs failed'));
  };
  tick();
  const timer = setInterval(tick, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
