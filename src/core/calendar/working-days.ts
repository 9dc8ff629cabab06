/**
 * Chinese working days per the State Council's yearly holiday notice, make-up working days
 * (调休) included (POLICY G6). The data lives in `years/YYYY.json`; see README.md beside this file
 * for how to add a year. Judging never guesses: a date outside the covered years is an error. Only a
 * deadline shown to people may run past them, marked provisional (`workingDayDeadline`).
 */
import { dayNumber, isoDate, weekday, type IsoDate } from './dates';
import y2023 from './years/2023.json';
import y2024 from './years/2024.json';
import y2025 from './years/2025.json';
import y2026 from './years/2026.json';

export interface HolidayYear {
  year: number;
  notice: string;
  holidays: { name: string; from: IsoDate; to: IsoDate }[];
  makeUpWorkdays: IsoDate[];
}

export const HOLIDAY_YEARS: readonly HolidayYear[] = [y2023, y2024, y2025, y2026];

export class CalendarRangeError extends Error {
  constructor(readonly date: IsoDate) {
    super(`the holiday calendar has no data for ${date.slice(0, 4)} (covered: ${coveredYears()})`);
    this.name = 'CalendarRangeError';
  }
}

export function coveredYears(): string {
  const years = HOLIDAY_YEARS.map((y) => y.year);
  return `${Math.min(...years)}–${Math.max(...years)}`;
}

interface Table {
  firstDay: number;
  /** working[i] = 1 when day firstDay + i is a working day. */
  working: Uint8Array;
  /** cumulative[i] = number of working days among days firstDay … firstDay + i - 1. */
  cumulative: Int32Array;
}

function buildTable(years: readonly HolidayYear[]): Table {
  const sorted = [...years].sort((a, b) => a.year - b.year);
  sorted.forEach((y, i) => {
    if (i > 0 && y.year !== sorted[i - 1]!.year + 1) throw new Error(`holiday years must be contiguous: ${sorted[i - 1]!.year} then ${y.year}`);
  });
  const firstDay = dayNumber(`${sorted[0]!.year}-01-01`);
  const endDay = dayNumber(`${sorted.at(-1)!.year + 1}-01-01`);
  const working = new Uint8Array(endDay - firstDay);
  for (let i = 0; i < working.length; i++) {
    const wd = weekday(isoDate(firstDay + i));
    working[i] = wd === 0 || wd === 6 ? 0 : 1;
  }
  const mark = (date: IsoDate, value: 0 | 1) => {
    const i = dayNumber(date) - firstDay;
    if (i >= 0 && i < working.length) working[i] = value;
  };
  for (const y of sorted) {
    for (const h of y.holidays) for (let d = dayNumber(h.from); d <= dayNumber(h.to); d++) mark(isoDate(d), 0);
    for (const w of y.makeUpWorkdays) mark(w, 1);
  }
  const cumulative = new Int32Array(working.length + 1);
  for (let i = 0; i < working.length; i++) cumulative[i + 1] = cumulative[i]! + working[i]!;
  return { firstDay, working, cumulative };
}

const table = buildTable(HOLIDAY_YEARS);

function index(date: IsoDate): number {
  const i = dayNumber(date) - table.firstDay;
  if (i < 0 || i >= table.working.length) throw new CalendarRangeError(date);
  return i;
}

export function isWorkingDay(date: IsoDate): boolean {
  return table.working[index(date)] === 1;
}

/** The n-th working day after `date` (n ≥ 1); `date` itself for n = 0. Never a guess: past the calendar it throws. */
export function addWorkingDays(date: IsoDate, n: number): IsoDate {
  index(date); // a date outside the calendar is an error itself
  const d = workingDayDeadline(date, n);
  if (d.provisional) throw new CalendarRangeError(isoDate(table.firstDay + table.working.length));
  return d.date;
}

/**
 * The n-th working day after `date` for showing a deadline (a filing's, G6). Past the calendar's
 * last year only Saturdays, Sundays and 1 January (元旦, the one holiday the law fixes by date) are
 * days off, and the date is marked provisional: it may move when that year's notice is added (a
 * `date` itself past the calendar too). Judging uses `isWithinWorkingDaysAfter`, which never guesses.
 */
export function workingDayDeadline(date: IsoDate, n: number): { date: IsoDate; provisional: boolean } {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  let i = dayNumber(date) - table.firstDay;
  if (i < 0) throw new CalendarRangeError(date);
  let provisional = i >= table.working.length;
  for (let left = n; left > 0; ) {
    i++;
    if (i >= table.working.length) provisional = true;
    const working = i < table.working.length ? table.working[i] === 1 : isProvisionalWorkingDay(isoDate(table.firstDay + i));
    if (working) left--;
  }
  return { date: isoDate(table.firstDay + i), provisional };
}

function isProvisionalWorkingDay(date: IsoDate): boolean {
  const wd = weekday(date);
  return wd !== 0 && wd !== 6 && date.slice(5) !== '01-01';
}

/**
 * Whether `date` is on or before the n-th working day after `ref` (or not after `ref` at all).
 * Counted over the days before `date` only, so a filing made within the calendar is judged even
 * when its n-th working day would fall in a year whose notice is not out yet (G6, R13).
 */
export function isWithinWorkingDaysAfter(date: IsoDate, ref: IsoDate, n: number): boolean {
  if (date <= ref) return true;
  // date ≤ the n-th working day after ref ⟺ fewer than n working days lie in (ref, date − 1]
  const dayBefore = dayNumber(date) - 1;
  const lastKnown = table.firstDay + table.working.length - 1;
  if (dayBefore <= lastKnown) return workingDaysBetween(ref, isoDate(dayBefore)) < n;
  // Past the calendar: late all the same when the n working days were over before it ended.
  if (workingDaysBetween(ref, isoDate(lastKnown)) >= n) return false;
  throw new CalendarRangeError(isoDate(lastKnown + 1));
}

/** Working days d with from < d ≤ to (negative when to is before from). */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  const a = index(from);
  const b = index(to);
  return table.cumulative[b + 1]! - table.cumulative[a + 1]!;
}
