/**
 * The refusals of the holiday calendar (`calendar.*`, docs/API.md "Error codes"). What is wrong with
 * a year's days as a notice writes them is core/calendar's holidayYearIssues, each with its code.
 */
import type { HolidayYearIssue } from '../../core/calendar/working-days';
import { notFound, Problem } from '../shared/problem';

export const calendarErrors = {
  yearNotFound: (year: number) =>
    notFound({
      code: 'calendar.year_not_found',
      what: { en: `The holiday year ${year}`, zh: `节假日年份 ${year}` },
      field: 'year',
    }),

  /** The year's days do not read as a notice writes them. */
  yearInvalid: (issues: HolidayYearIssue[]) => Problem.invalid(issues),

  /** A year neither held nor the one after the last: the calendar would have a gap. */
  yearGap: (next: number, covered: string) =>
    Problem.invalid([
      {
        field: 'year',
        code: 'calendar.year_gap',
        en: `must be ${next}, the year after the calendar's last (${covered}), or a year it holds`,
        zh: `须为 ${next} 年（日历现有 ${covered} 年的下一年），或日历已有的年份`,
      },
    ]),
};
