/**
 * Business dates (a fund's start, a top-up, an agreement, a loan's disbursement and maturity, a
 * qualification's validity …): a real YYYY-MM-DD inside a window, named in the error. A date
 * outside it is a typing mistake (9999-12-31, 1900-01-01) that would otherwise move money or
 * liability on a day that never comes.
 *
 * - every business date: from EARLIEST_DATE to LATEST_DATE (the schema, `businessDate()`);
 * - a date of something that has happened (a fund's start, a top-up, an agreement signed): not
 *   after today, the zone's date (`notAfterToday`, where the adapter knows today);
 * - an end that follows a start (a loan's maturity, an agreement's end): within MAX_TERM_YEARS of
 *   the start; a qualification's validity within MAX_QUALIFICATION_YEARS (`withinYears`).
 *
 * Servicing reports and recoveries have their own, narrower windows in their use cases (not before
 * the loan was disbursed or the claim submitted, not after today).
 */
import { z } from '@hono/zod-openapi';
import { isIsoDate } from '../../core/calendar';
import { Problem, type FieldError } from './problem';

export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DATE = '2100-12-31';
/** A loan's maturity after its disbursement, an agreement's end after its signing: at most this many years. */
export const MAX_TERM_YEARS = 50;
/** A qualification's certificate (national high-tech, little giant …, three years each): valid at most this long. */
export const MAX_QUALIFICATION_YEARS = 10;

/** Any real date written YYYY-MM-DD (filters, calendar entries): no window. */
export const isoDateField = () =>
  z.string().refine(isIsoDate, 'must be a real date written YYYY-MM-DD').openapi({ example: '2025-09-01' });

/** A business date: a real YYYY-MM-DD from 2000-01-01 to 2100-12-31, the window named in the error. */
export const businessDate = () =>
  z
    .string()
    .superRefine((d, ctx) => {
      if (!isIsoDate(d))
        ctx.addIssue({ code: 'custom', message: 'must be a real date written YYYY-MM-DD', continue: false });
      else if (d < EARLIEST_DATE || d > LATEST_DATE)
        ctx.addIssue({ code: 'custom', message: `must be from ${EARLIEST_DATE} to ${LATEST_DATE}`, continue: false });
    })
    .openapi({ example: '2025-09-01', description: `a date from ${EARLIEST_DATE} to ${LATEST_DATE}` });

/** The same day `years` later (29 February to 28 February in a common year). */
export function addYears(date: string, years: number): string {
  const y = String(Number(date.slice(0, 4)) + years).padStart(4, '0');
  const md = date.slice(5);
  return md === '02-29' && !isIsoDate(`${y}-02-29`) ? `${y}-02-28` : `${y}-${md}`;
}

/** An end `years` at most after its start, or the error naming the end and the last day allowed. */
export function withinYears(
  field: string,
  end: string,
  start: { field: string; date: string },
  years: number,
): FieldError | undefined {
  const last = addYears(start.date, years);
  return end > last
    ? {
        field,
        code: 'request.date_too_late',
        en: `must be within ${years} years of ${start.field} (${start.date}): by ${last}`,
        zh: `须在 ${start.field}（${start.date}）之后 ${years} 年之内，即不晚于 ${last}`,
      }
    : undefined;
}

/** A loan's maturity: at most MAX_TERM_YEARS after its disbursement. */
export const maturityProblem = (field: string, maturesOn: string, disbursedField: string, disbursedOn: string) =>
  withinYears(field, maturesOn, { field: disbursedField, date: disbursedOn }, MAX_TERM_YEARS);

/** Dates of things that have happened: each one after today is a 400 naming it; nothing is written. */
export function notAfterToday(today: string, dates: Record<string, string | null | undefined>): void {
  const late = Object.entries(dates).flatMap(([field, d]) =>
    d != null && d > today
      ? [
          {
            field,
            code: 'request.date_in_future',
            en: `must not be after today (${today})`,
            zh: `不能晚于今天（${today}）`,
          },
        ]
      : [],
  );
  if (late.length) throw Problem.invalid(late);
}
