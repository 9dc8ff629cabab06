import { bigint, date, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { claims } from '../claims/claims.table';

/** Money the bank recovered after compensation; the fund's share flows back to cash (R8). */
export const recoveries = pgTable(
  'recoveries',
  {
    id: text('id').primaryKey(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.id),
    filingId: text('filing_id').notNull(),
    fundId: text('fund_id').notNull(),
    bankId: text('bank_id').notNull(),
    recovered: bigint('recovered', { mode: 'bigint' }).notNull(),
    refund: bigint('refund', { mode: 'bigint' }).notNull(),
    recoveredOn: date('recovered_on', { mode: 'string' }).notNull(),
    reportedBy: text('reported_by').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recoveries_claim_ix').on(t.claimId)],
);
