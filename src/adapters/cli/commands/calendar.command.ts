/**
 * `backstop calendar list|enter`: the working-day calendar G6's deadlines are counted on, on the
 * database `serve` uses. `enter FILE.json` adds the next year from the State Council's notice (or
 * corrects one), as `PUT /api/calendar/{year}` does; app processes on PostgreSQL pick it up at once
 * (NOTIFY). On the embedded database the server holds the data directory: enter it in the web app.
 */
import { userInfo } from 'node:os';
import { Command } from 'commander';
import type { HolidayYear } from '../../../core/calendar';
import { allIssues } from '../../../core/policy';
import type { Actor } from '../../../modules/auth/access';
import { holidayYearFile } from '../../../modules/calendar/calendar.schemas';
import { enterHolidayYear, getCalendar } from '../../../modules/calendar/calendar.usecases';
import { openDatabase } from '../../db/database';
import { fail, readJsonFile } from '../cli-errors';

/** A year's file read and checked, or exit 2 naming the field. */
export function readHolidayYearFile(path: string): HolidayYear {
  const parsed = holidayYearFile.safeParse(readJsonFile(path));
  if (!parsed.success)
    fail(
      `${path}: ${allIssues(parsed.error)
        .map((e) => `${e.field}: ${e.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}

export function calendarCommand(): Command {
  const calendar = new Command('calendar').description('the working-day calendar filing deadlines are counted on (G6)');
  calendar
    .command('list')
    .description('every year of the calendar, shipped or entered')
    .action(async () => {
      const database = await openDatabase();
      try {
        const c = await getCalendar({ db: database.db });
        for (const y of c.years)
          process.stdout.write(
            `${y.year}  ${y.source === 'entered' ? `entered by ${y.enteredBy} at ${y.enteredAt}` : 'shipped'}  ${y.notice}\n`,
          );
        process.stdout.write(
          `covered ${c.covered}; filings after ${c.lastDay} cannot be judged until the next year is entered\n`,
        );
      } finally {
        await database.close();
      }
    });
  calendar
    .command('enter')
    .description(
      "enter the next year from the State Council's holiday notice, or correct a year (the file as src/core/calendar/years/YYYY.json)",
    )
    .argument('<FILE.json>', 'the year: { year, notice, holidays: [{ name, from, to }], makeUpWorkdays: [...] }')
    .option('--as <user>', 'who is recorded as entering it (default cli:<os user>)')
    .action(async (file: string, opts: { as?: string }) => {
      const year = readHolidayYearFile(file);
      const username = opts.as ?? `cli:${userInfo().username}`;
      const actor: Actor = {
        userId: username,
        username,
        displayName: username,
        role: 'manager',
        bankId: null,
        guarantorId: null,
        via: 'token',
      };
      const database = await openDatabase();
      try {
        const { created } = await enterHolidayYear({ db: database.db, actor, year });
        const c = await getCalendar({ db: database.db });
        process.stdout.write(`${created ? 'entered' : 'corrected'} ${year.year}: the calendar covers ${c.covered}\n`);
      } finally {
        await database.close();
      }
    });
  return calendar;
}
