import { asc, eq, sql } from 'drizzle-orm';
import type { HolidayYear } from '../../core/calendar';
import type { Db } from '../shared/db';
import { holidayYears } from './calendar.table';

export type HolidayYearRow = typeof holidayYears.$inferSelect;

export const asHolidayYear = (r: HolidayYearRow): HolidayYear => ({
  year: r.year,
  notice: r.notice,
  holidays: r.holidays,
  makeUpWorkdays: r.makeUpWorkdays,
});

export function createCalendarRepository({ db }: { db: Db }) {
  return {
    async list(): Promise<HolidayYearRow[]> {
      return db.select().from(holidayYears).orderBy(asc(holidayYears.year));
    },
    /** Every entered year, with the table locked against other entries until the transaction ends (so years are entered one at a time and stay contiguous). */
    async lockAll(): Promise<HolidayYearRow[]> {
      await db.execute(sql`lock table holiday_years in share row exclusive mode`);
      return db.select().from(holidayYears).orderBy(asc(holidayYears.year));
    },
    async find(year: number): Promise<HolidayYearRow | undefined> {
      const [row] = await db.select().from(holidayYears).where(eq(holidayYears.year, year));
      return row;
    },
    async save(y: HolidayYear, enteredBy: string): Promise<HolidayYearRow> {
      const values = {
        year: y.year,
        notice: y.notice,
        holidays: y.holidays,
        makeUpWorkdays: y.makeUpWorkdays,
        enteredBy,
      };
      const [row] = await db
        .insert(holidayYears)
        .values(values)
        .onConflictDoUpdate({ target: holidayYears.year, set: { ...values, enteredAt: sql`now()` } })
        .returning();
      return row!;
    },
    /** Changes when any year is entered: lets another process see that its calendar is stale. */
    async stamp(): Promise<string> {
      const [row] = await db
        .select({ stamp: sql<string>`count(*)::text || '/' || coalesce(max(${holidayYears.enteredAt})::text, '')` })
        .from(holidayYears);
      return row!.stamp;
    },
  };
}
