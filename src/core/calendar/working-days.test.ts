import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isWorkday as packageIsWorkday } from 'chinese-days';
import { addDays, dayNumber, isIsoDate, isoDate, weekday } from './dates';
import {
  CalendarRangeError,
  holidayYearIssues,
  shippedCalendar,
  SHIPPED_HOLIDAY_YEARS as HOLIDAY_YEARS,
  workingCalendar,
  type HolidayYear,
} from './working-days';

const { addWorkingDays, isWithinWorkingDaysAfter, isWorkingDay, workingDayDeadline, workingDaysBetween } =
  shippedCalendar;

describe('ISO dates as day numbers', () => {
  it('round-trips every day from 1900 to 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumber('1900-01-01'), max: dayNumber('2200-12-31') }), (n) => {
        expect(dayNumber(isoDate(n))).toBe(n);
        expect(isIsoDate(isoDate(n))).toBe(true);
      }),
    );
  });
  it('knows weekdays', () => {
    expect(weekday('1970-01-01')).toBe(4);
    expect(weekday('2026-11-25')).toBe(3);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
  });
  it.each(['2023-02-29', '2023-13-01', '2023-00-10', '2023-1-1', '20230101', '2023-04-31', '', 'x'])(
    'rejects %j',
    (d) => expect(isIsoDate(d)).toBe(false),
  );
});

describe('working days (G6)', () => {
  it('agrees with the chinese-days package on every day of every shipped year', () => {
    const disagreements: string[] = [];
    for (const y of HOLIDAY_YEARS) {
      for (let d = dayNumber(`${y.year}-01-01`); d < dayNumber(`${y.year + 1}-01-01`); d++) {
        const date = isoDate(d);
        if (isWorkingDay(date) !== packageIsWorkday(date)) disagreements.push(date);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('make-up working days fall on weekends and are not holidays', () => {
    for (const y of HOLIDAY_YEARS) {
      for (const w of y.makeUpWorkdays) {
        expect([0, 6]).toContain(weekday(w));
        expect(isWorkingDay(w)).toBe(true);
      }
    }
  });

  it('counts 调休: the 2025 Spring Festival', () => {
    expect(isWorkingDay('2025-01-26')).toBe(true); // Sunday, make-up working day
    expect(isWorkingDay('2025-01-28')).toBe(false);
    expect(isWorkingDay('2025-02-04')).toBe(false); // Tuesday, holiday
    expect(isWorkingDay('2025-02-08')).toBe(true); // Saturday, make-up working day
    // Disbursed Friday 2025-01-24: working days after are 01-26 (Sun, 调休), 01-27, then 02-05, 02-06, 02-07, 02-08 (Sat, 调休), 02-10, 02-11, 02-12, 02-13 (the 10th)
    expect(addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
    expect(addWorkingDays('2025-01-24', 10)).toBe('2025-02-13');
  });

  it('addWorkingDays and workingDaysBetween agree', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: dayNumber('2023-01-01'), max: dayNumber('2026-10-31') }),
        fc.integer({ min: 0, max: 30 }),
        (d, n) => {
          const from = isoDate(d);
          const to = addWorkingDays(from, n);
          expect(workingDaysBetween(from, to)).toBe(n);
          expect(workingDaysBetween(to, from)).toBe(n === 0 ? 0 : -n);
          if (n > 0) expect(isWorkingDay(to)).toBe(true);
        },
      ),
    );
  });

  it('judges "within n working days after" as "on or before the n-th working day after" wherever that day is known, and says so or refuses where it is not', () => {
    const first = dayNumber('2023-01-01');
    const last = dayNumber('2026-12-31');
    fc.assert(
      fc.property(
        fc.integer({ min: first, max: last }),
        fc.integer({ min: -40, max: 120 }),
        fc.integer({ min: 0, max: 20 }),
        (r, after, n) => {
          const ref = isoDate(r);
          const date = isoDate(Math.max(first, r + after)); // up to 120 days past the calendar
          let deadline: string | undefined;
          try {
            deadline = addWorkingDays(ref, n);
          } catch (e) {
            if (!(e instanceof CalendarRangeError)) throw e;
          }
          if (deadline !== undefined) {
            // known: the same answer as before, whatever year the filing date is in
            expect(isWithinWorkingDaysAfter(date, ref, n)).toBe(date <= ref || date <= deadline);
            expect(workingDayDeadline(ref, n)).toEqual({ date: deadline, provisional: false });
          } else if (dayNumber(date) - 1 <= last) {
            // not known, but the filing came before the calendar ended: fewer than n working days had passed
            expect(isWithinWorkingDaysAfter(date, ref, n)).toBe(true);
            expect(workingDayDeadline(ref, n).provisional).toBe(true);
          } else {
            expect(() => isWithinWorkingDaysAfter(date, ref, n)).toThrow(CalendarRangeError);
          }
        },
      ),
      { numRuns: 8000 },
    );
  });

  it('judges a December filing whose deadline runs into a year with no notice yet (G6)', () => {
    // Disbursed Friday 2026-12-18: nine working days are left in 2026, so the 10th working day after
    // is in January 2027, which the calendar does not hold; a filing up to 12-31 is in time all the same.
    expect(() => addWorkingDays('2026-12-18', 10)).toThrow(CalendarRangeError);
    expect(isWithinWorkingDaysAfter('2026-12-31', '2026-12-18', 10)).toBe(true);
    expect(isWithinWorkingDaysAfter('2026-12-31', '2026-12-17', 10)).toBe(true); // 12-31 is the 10th
    expect(isWithinWorkingDaysAfter('2026-12-31', '2026-12-16', 10)).toBe(false); // … the 11th
    expect(() => isWithinWorkingDaysAfter('2027-01-04', '2026-12-28', 10)).toThrow(CalendarRangeError);
    // A filing in 2027 for a loan whose 10 working days ended in 2026 is late, calendar or not.
    expect(isWithinWorkingDaysAfter('2027-03-01', '2026-06-01', 10)).toBe(false);
    expect(isWithinWorkingDaysAfter('2027-01-04', '2026-12-17', 10)).toBe(false); // its 10th was 12-31
    expect(() => isWithinWorkingDaysAfter('2027-01-04', '2026-12-18', 10)).toThrow(CalendarRangeError);
    expect(() => isWithinWorkingDaysAfter('2027-03-01', '2027-02-01', 10)).toThrow(CalendarRangeError);
    // A deadline counted from a day past the calendar (a claim's SLA in 2027) is provisional, not an error.
    expect(workingDayDeadline('2027-01-04', 15)).toEqual({ date: '2027-01-25', provisional: true });
    // Shown provisionally: past the calendar only weekends and 1 January (元旦, fixed by law) are off.
    expect(workingDayDeadline('2026-12-18', 10)).toEqual({ date: '2027-01-04', provisional: true });
    expect(workingDayDeadline('2026-12-30', 5)).toEqual({ date: '2027-01-07', provisional: true });
    expect(workingDayDeadline('2026-12-30', 1)).toEqual({ date: '2026-12-31', provisional: false });
  });

  it('refuses dates outside the covered years', () => {
    expect(() => isWorkingDay('2027-01-04')).toThrow(CalendarRangeError);
    expect(() => addWorkingDays('2026-12-30', 5)).toThrow(/2027/);
    expect(() => isWorkingDay('2022-12-30')).toThrow(CalendarRangeError);
  });
});

/** A made-up year for tests only (not the State Council's 2027 notice, which is not shipped). */
const test2027: HolidayYear = {
  year: 2027,
  notice: 'test data, not a notice',
  holidays: [
    { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
    { name: '春节', from: '2027-02-06', to: '2027-02-14' },
  ],
  makeUpWorkdays: ['2027-01-30', '2027-02-20'],
};

describe('a calendar with a year added as data', () => {
  it("the shipped years are clean by the same checks a manager's year goes through", () => {
    for (const y of HOLIDAY_YEARS) expect(holidayYearIssues(y)).toEqual([]);
    expect(holidayYearIssues(test2027)).toEqual([]);
  });

  it('judges filings in the added year, on its own holidays and make-up days (G6)', () => {
    const cal = workingCalendar([...HOLIDAY_YEARS, test2027]);
    expect(cal.covered).toBe('2023–2027');
    expect(cal.lastDay).toBe('2027-12-31');
    // Disbursed Monday 2026-12-28: 12-29, 12-30, 12-31, then 01-04 … (01-01 to 01-03 off): the 10th is 2027-01-12.
    expect(cal.addWorkingDays('2026-12-28', 10)).toBe('2027-01-12');
    expect(cal.isWithinWorkingDaysAfter('2027-01-12', '2026-12-28', 10)).toBe(true);
    expect(cal.isWithinWorkingDaysAfter('2027-01-13', '2026-12-28', 10)).toBe(false);
    expect(cal.isWorkingDay('2027-01-30')).toBe(true); // a Saturday worked
    expect(cal.isWorkingDay('2027-02-08')).toBe(false); // a Monday off
    expect(cal.workingDayDeadline('2026-12-18', 10)).toEqual({ date: '2027-01-04', provisional: false });
    // The shipped calendar alone still refuses to guess.
    expect(() => shippedCalendar.isWithinWorkingDaysAfter('2027-01-12', '2026-12-28', 10)).toThrow(CalendarRangeError);
  });

  it('refuses years that are not contiguous', () => {
    expect(() => workingCalendar([...HOLIDAY_YEARS, { ...test2027, year: 2028 }])).toThrow(
      /contiguous: 2026 then 2028/,
    );
    expect(() => workingCalendar([])).toThrow(/at least one year/);
  });

  it("names what is wrong with a year's data, field by field", () => {
    const bad: HolidayYear = {
      year: 2027,
      notice: 'x',
      holidays: [
        { name: '元旦', from: '2027-01-03', to: '2027-01-01' },
        { name: '春节', from: '2027-02-06', to: '2027-02-14' },
        { name: '重复', from: '2027-02-10', to: '2027-02-11' },
        { name: '远', from: '2028-03-01', to: '2028-03-02' },
      ],
      makeUpWorkdays: ['2027-02-03', '2027-02-13', '2027-01-30', '2027-01-30'],
    };
    const outside = {
      code: 'calendar.outside_year',
      en: 'must be in 2027 or the weeks around it (2026-12-01 to 2028-01-31)',
      zh: '须在 2027 年内或其前后几周（2026-12-01 至 2028-01-31）',
    };
    expect(holidayYearIssues(bad)).toEqual([
      {
        field: 'holidays[0].to',
        code: 'calendar.holiday_ends_before_start',
        en: 'must not be before from (2027-01-03)',
        zh: '不能早于开始日期（2027-01-03）',
      },
      {
        field: 'holidays[2]',
        code: 'calendar.holidays_overlap',
        en: 'overlaps holidays[1] (春节)',
        zh: '与第 2 个假期（春节）重叠',
      },
      { field: 'holidays[3].from', ...outside },
      { field: 'holidays[3].to', ...outside },
      {
        field: 'makeUpWorkdays[0]',
        code: 'calendar.make_up_day_on_weekday',
        en: '2027-02-03 is a weekday: a make-up working day is a Saturday or Sunday that is worked',
        zh: '2027-02-03 是工作日：调休上班日须为周六或周日',
      },
      {
        field: 'makeUpWorkdays[1]',
        code: 'calendar.make_up_day_in_holiday',
        en: '2027-02-13 is inside the holiday 春节',
        zh: '2027-02-13 在假期“春节”之内',
      },
      {
        field: 'makeUpWorkdays[3]',
        code: 'calendar.make_up_day_repeated',
        en: '2027-01-30 is listed twice',
        zh: '2027-01-30 重复列出',
      },
    ]);
  });

  it('takes a notice that reaches into the year before (the 2019 notice: 元旦 from 2018-12-30, Saturday 2018-12-29 worked)', () => {
    const y2019: HolidayYear = {
      year: 2019,
      notice: 'x',
      holidays: [{ name: '元旦', from: '2018-12-30', to: '2019-01-01' }],
      makeUpWorkdays: ['2018-12-29'],
    };
    expect(holidayYearIssues(y2019)).toEqual([]);
  });
});
