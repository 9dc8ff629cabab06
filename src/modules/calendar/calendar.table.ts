import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A year of the State Council's holiday notice entered by the zone's managers (G6): added when the
 * notice is out, so filings after 1 January are judged without waiting for a release. A year here
 * takes the place of the shipped one of the same year (src/core/calendar/years).
 */
export const holidayYears = pgTable('holiday_years', {
  year: integer('year').primaryKey(),
  notice: text('notice').notNull(),
  holidays: jsonb('holidays').$type<{ name: string; from: string; to: string }[]>().notNull(),
  makeUpWorkdays: jsonb('make_up_workdays').$type<string[]>().notNull(),
  enteredBy: text('entered_by').notNull(),
  enteredAt: timestamp('entered_at', { withTimezone: true }).notNull().defaultNow(),
});
