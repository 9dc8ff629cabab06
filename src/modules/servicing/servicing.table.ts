import { sql } from 'drizzle-orm';
import { check, date, index, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { filings } from '../filings/filings.table';

export const WRITE_OFF_STATES = ['requested', 'approved', 'rejected'] as const;
export type WriteOffState = (typeof WRITE_OFF_STATES)[number];

/**
 * Write-offs (核销) of compensated loans: the bank (or a manager) asks, with the date and basis of
 * its write-off; a second person of the fund's staff approves or rejects it (R18). Only an approved
 * one changes the loan (R16). At most one waits per loan.
 */
export const writeOffs = pgTable(
  'write_offs',
  {
    id: text('id').primaryKey(),
    filingId: text('filing_id')
      .notNull()
      .references(() => filings.id),
    bankId: text('bank_id').notNull(),
    state: text('state', { enum: WRITE_OFF_STATES }).notNull(),
    /** The day the bank wrote the loan off its books. */
    on: date('on', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionNote: text('decision_note'),
  },
  (t) => [
    index('write_offs_filing_ix').on(t.filingId, t.requestedAt),
    uniqueIndex('write_offs_one_waiting_uq')
      .on(t.filingId)
      .where(sql`${t.state} = 'requested'`),
    check('write_offs_state', sql.raw(`state in (${WRITE_OFF_STATES.map((s) => `'${s}'`).join(', ')})`)),
    check('write_offs_decided', sql`(${t.state} = 'requested') = (${t.decidedBy} is null and ${t.decidedAt} is null)`),
  ],
);
