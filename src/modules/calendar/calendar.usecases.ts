/**
 * The working-day calendar G6's filing deadline is counted on: the years shipped with the code and
 * the years the zone's managers enter from the State Council's notice (节假日维护), so that filings
 * after 1 January are judged as soon as the notice is out, without waiting for a release. An
 * entered year takes the place of the shipped one of the same year. Years stay contiguous: the next
 * one is the year after the last. Judging never guesses: a day past the last year is refused.
 */
import { notifyCatalogChanged } from '../shared/catalog-changes';
import {
  holidayYearIssues,
  SHIPPED_HOLIDAY_YEARS,
  workingCalendar,
  type HolidayYear,
  type WorkingCalendar,
} from '../../core/calendar';
import type { Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import type { Db } from '../shared/db';
import { calendarErrors } from './calendar.errors';
import { asHolidayYear, createCalendarRepository, type HolidayYearRow } from './calendar.repository';

/** The calendar of the shipped years with the entered ones in their place and after them. */
export function calendarOf(entered: readonly HolidayYear[]): WorkingCalendar {
  const byYear = new Map(SHIPPED_HOLIDAY_YEARS.map((y) => [y.year, y] as const));
  for (const y of entered) byYear.set(y.year, y);
  return workingCalendar([...byYear.values()]);
}

/** The calendar in force, as judging uses it (`PolicyCatalog.calendar`). */
export async function loadWorkingCalendar({ db }: { db: Db }): Promise<WorkingCalendar> {
  return calendarOf((await createCalendarRepository({ db }).list()).map(asHolidayYear));
}

export type HolidayYearView = HolidayYear & {
  source: 'shipped' | 'entered';
  enteredBy: string | null;
  enteredAt: string | null;
};

function yearView(y: HolidayYear, row: HolidayYearRow | undefined): HolidayYearView {
  return {
    year: y.year,
    notice: y.notice,
    holidays: y.holidays,
    makeUpWorkdays: y.makeUpWorkdays,
    source: row ? 'entered' : 'shipped',
    enteredBy: row?.enteredBy ?? null,
    enteredAt: row?.enteredAt.toISOString() ?? null,
  };
}

export async function getCalendar({ db }: { db: Db }) {
  const rows = await createCalendarRepository({ db }).list();
  const calendar = calendarOf(rows.map(asHolidayYear));
  const entered = new Map(rows.map((r) => [r.year, r] as const));
  return {
    covered: calendar.covered,
    lastDay: calendar.lastDay,
    years: calendar.years.map((y) => yearView(y, entered.get(y.year))),
  };
}

export async function getHolidayYear({ db, year }: { db: Db; year: number }): Promise<HolidayYearView> {
  const view = (await getCalendar({ db })).years.find((y) => y.year === year);
  if (!view) throw calendarErrors.yearNotFound(year);
  return view;
}

/**
 * Enters a year from the notice, or corrects one the calendar holds (audited with what it replaced).
 * Filings already judged keep their decisions (R3); what changes is how later filings, amendments
 * and claims' deadlines are counted. Refused with every field named when the days do not read as a
 * notice writes them, or when the year would leave a gap.
 */
export async function enterHolidayYear({
  db,
  actor,
  year,
}: {
  db: Db;
  actor: Actor;
  year: HolidayYear;
}): Promise<{ view: HolidayYearView; created: boolean }> {
  const issues = holidayYearIssues(year);
  if (issues.length) throw calendarErrors.yearInvalid(issues);
  return db.transaction(async (tx) => {
    const repo = createCalendarRepository({ db: tx });
    const rows = await repo.lockAll();
    const before = calendarOf(rows.map(asHolidayYear));
    const last = before.years.at(-1)!.year;
    const replaced = before.years.find((y) => y.year === year.year);
    if (!replaced && year.year !== last + 1) {
      throw calendarErrors.yearGap(last + 1, before.covered);
    }
    const row = await repo.save(year, actor.username);
    const view = yearView(asHolidayYear(row), row);
    const prior = replaced
      ? yearView(
          replaced,
          rows.find((r) => r.year === year.year),
        )
      : null;
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: replaced ? 'holiday-year.correct' : 'holiday-year.enter',
      entityKind: 'holiday-year',
      entityId: String(year.year),
      before: prior,
      after: view,
    });
    await notifyCatalogChanged(tx, `holiday-year ${year.year}`);
    return { view, created: !replaced };
  });
}
