import { bigint, date, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { funds } from '../registry/registry.table';

/** Money put into a fund (F3): each top-up is a ledger transfer that also raises the liability limit (R7b). */
export const fundTopUps = pgTable('fund_top_ups', {
  id: text('id').primaryKey(),
  fundId: text('fund_id')
    .notNull()
    .references(() => funds.id),
  amount: bigint('amount', { mode: 'bigint' }).notNull(),
  on: date('on', { mode: 'string' }).notNull(),
  note: text('note'),
  createdBy: text('created_by').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});
