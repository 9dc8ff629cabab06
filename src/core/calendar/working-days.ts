/**
 * Chinese working days per the State Council's yearly holiday notice, make-up working days
 * (调休) included (POLICY G6). The shipped years live in `years/YYYY.json` (README.md beside this
 * file); a zone's managers add later ones as data (src/modules/calendar). Judging never guesses: a
 * date outside the covered years is an error. Only a deadline shown to people may run past them,
 * marked provisional (`workingDayDeadline`).
 */
import type { Bilingual } from '../text';
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

/** The years shipped with the code. A zone's managers add later ones as data (modules/calendar); judging uses the calendar in force (`PolicyCatalog.calendar`). */
export const SHIPPED_HOLIDAY_YEARS: readonly HolidayYear[] = [y2023, y2024, y2025, y2026];

export class CalendarRangeError extends Error {
  constructor(
    readonly date: IsoDate,
    covered: string,
  ) {
    super(
      `the holiday calendar has no data for ${date.slice(0, 4)} (covered: ${covered}); the fund manager enters the year from the State Council's holiday notice`,
    );
    this.name = 'CalendarRangeError';
  }
}

/** Working days over a run of contiguous notice years: what G6's deadline is counted on. */
export interface WorkingCalendar {
  years: readonly HolidayYear[];
  /** "2023–2027". */
  covered: string;
  /** The last day the calendar knows. */
  lastDay: IsoDate;
  isWorkingDay(date: IsoDate): boolean;
  /** The n-th working day after `date` (n ≥ 1); `date` itself for n = 0. Never a guess: past the calendar it throws. */
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /**
   * The n-th working day after `date` for showing a deadline (a filing's, G6). Past the calendar's
   * last year only Saturdays, Sundays and 1 January (元旦, the one holiday the law fixes by date) are
   * days off, and the date is marked provisional: it may move when that year's notice is added (a
   * `date` itself past the calendar too). Judging uses `isWithinWorkingDaysAfter`, which never guesses.
   */
  workingDayDeadline(date: IsoDate, n: number): { date: IsoDate; provisional: boolean };
  /**
   * Whether `date` is on or before the n-th working day after `ref` (or not after `ref` at all).
   * Counted over the days before `date` only, so a filing made within the calendar is judged even
   * when its n-th working day would fall in a year whose notice is not out yet (G6, R13).
   */
  isWithinWorkingDaysAfter(date: IsoDate, ref: IsoDate, n: number): boolean;
  /** Working days d with from < d ≤ to (negative when to is before from). */
  workingDaysBetween(from: IsoDate, to: IsoDate): number;
}

/** What is wrong with one field of a year's data: its stable code (`calendar.*`) and both languages. */
export interface HolidayYearIssue extends Bilingual {
  field: string;
  code: string;
}

/** What is wrong with a year's data as a notice writes it, by field; empty when it can be used. */
export function holidayYearIssues(y: HolidayYear): HolidayYearIssue[] {
  const issues: HolidayYearIssue[] = [];
  // A notice may reach into the weeks around its year (the 2019 notice: 元旦 from 2018-12-30, 2018-12-29 worked).
  const earliest = `${y.year - 1}-12-01`;
  const latest = `${y.year + 1}-01-31`;
  const within = (d: IsoDate) => d >= earliest && d <= latest;
  const outside = (field: string): HolidayYearIssue => ({
    field,
    code: 'calendar.outside_year',
    en: `must be in ${y.year} or the weeks around it (${earliest} to ${latest})`,
    zh: `须在 ${y.year} 年内或其前后几周（${earliest} 至 ${latest}）`,
  });
  y.holidays.forEach((h, i) => {
    if (h.to < h.from)
      issues.push({
        field: `holidays[${i}].to`,
        code: 'calendar.holiday_ends_before_start',
        en: `must not be before from (${h.from})`,
        zh: `不能早于开始日期（${h.from}）`,
      });
    if (!within(h.from)) issues.push(outside(`holidays[${i}].from`));
    if (!within(h.to)) issues.push(outside(`holidays[${i}].to`));
    y.holidays.forEach((o, j) => {
      if (j < i && h.from <= o.to && o.from <= h.to)
        issues.push({
          field: `holidays[${i}]`,
          code: 'calendar.holidays_overlap',
          en: `overlaps holidays[${j}] (${o.name})`,
          zh: `与第 ${j + 1} 个假期（${o.name}）重叠`,
        });
    });
  });
  y.makeUpWorkdays.forEach((d, i) => {
    const field = `makeUpWorkdays[${i}]`;
    const wd = weekday(d);
    if (wd !== 0 && wd !== 6)
      issues.push({
        field,
        code: 'calendar.make_up_day_on_weekday',
        en: `${d} is a weekday: a make-up working day is a Saturday or Sunday that is worked`,
        zh: `${d} 是工作日：调休上班日须为周六或周日`,
      });
    if (!within(d)) issues.push(outside(field));
    const inside = y.holidays.find((h) => h.from <= d && d <= h.to);
    if (inside)
      issues.push({
        field,
        code: 'calendar.make_up_day_in_holiday',
        en: `${d} is inside the holiday ${inside.name}`,
        zh: `${d} 在假期“${inside.name}”之内`,
      });
    if (y.makeUpWorkdays.indexOf(d) !== i)
      issues.push({ field, code: 'calendar.make_up_day_repeated', en: `${d} is listed twice`, zh: `${d} 重复列出` });
  });
  return issues;
}

interface Table {
  firstDay: number;
  /** working[i] = 1 when day firstDay + i is a working day. */
  working: Uint8Array;
  /** cumulative[i] = number of working days among days firstDay … firstDay + i - 1. */
  cumulative: Int32Array;
}

function buildTable(sorted: readonly HolidayYear[]): Table {
  sorted.forEach((y, i) => {
    if (i > 0 && y.year !== sorted[i - 1]!.year + 1)
      throw new Error(`holiday years must be contiguous: ${sorted[i - 1]!.year} then ${y.year}`);
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

function isProvisionalWorkingDay(date: IsoDate): boolean {
  const wd = weekday(date);
  return wd !== 0 && wd !== 6 && date.slice(5) !== '01-01';
}

/** The calendar of these years (contiguous, at least one; any order). */
export function workingCalendar(years: readonly HolidayYear[]): WorkingCalendar {
  if (years.length === 0) throw new Error('a holiday calendar needs at least one year');
  const sorted = [...years].sort((a, b) => a.year - b.year);
  const table = buildTable(sorted);
  const covered = `${sorted[0]!.year}–${sorted.at(-1)!.year}`;
  const lastKnown = table.firstDay + table.working.length - 1;
  const index = (date: IsoDate): number => {
    const i = dayNumber(date) - table.firstDay;
    if (i < 0 || i >= table.working.length) throw new CalendarRangeError(date, covered);
    return i;
  };
  const workingDaysBetween = (from: IsoDate, to: IsoDate): number =>
    table.cumulative[index(to) + 1]! - table.cumulative[index(from) + 1]!;
  const workingDayDeadline = (date: IsoDate, n: number): { date: IsoDate; provisional: boolean } => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
    let i = dayNumber(date) - table.firstDay;
    if (i < 0) throw new CalendarRangeError(date, covered);
    let provisional = i >= table.working.length;
    for (let left = n; left > 0;) {
      i++;
      if (i >= table.working.length) provisional = true;
      const working =
        i < table.working.length ? table.working[i] === 1 : isProvisionalWorkingDay(isoDate(table.firstDay + i));
      if (working) left--;
    }
    return { date: isoDate(table.firstDay + i), provisional };
  };
  return {
    years: sorted,
    covered,
    lastDay: isoDate(lastKnown),
    isWorkingDay: (date) => table.working[index(date)] === 1,
    addWorkingDays: (date, n) => {
      index(date); // a date outside the calendar is an error itself
      const d = workingDayDeadline(date, n);
      if (d.provisional) throw new CalendarRangeError(isoDate(lastKnown + 1), covered);
      return d.date;
    },
    workingDayDeadline,
    isWithinWorkingDaysAfter: (date, ref, n) => {
      if (date <= ref) return true;
      // date ≤ the n-th working day after ref ⟺ fewer than n working days lie in (ref, date − 1]
      const dayBefore = dayNumber(date) - 1;
      if (dayBefore <= lastKnown) return workingDaysBetween(ref, isoDate(dayBefore)) < n;
      // Past the calendar: late all the same when the n working days were over before it ended.
      if (workingDaysBetween(ref, isoDate(lastKnown)) >= n) return false;
      throw new CalendarRangeError(isoDate(lastKnown + 1), covered);
    },
    workingDaysBetween,
  };
}

/** The shipped years alone: for the offline `backstop evaluate`, checking policy files, tests and benchmarks. */
export const shippedCalendar: WorkingCalendar = workingCalendar(SHIPPED_HOLIDAY_YEARS);
