import { sql } from 'drizzle-orm';
import { bigint, check, date, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
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
    /** What the bank recovered, its costs included. */
    recovered: bigint('recovered', { mode: 'bigint' }).notNull(),
    /** The bank's costs of recovering it, deducted before the fund's share where the programme says so (R19). */
    costs: bigint('costs', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    refund: bigint('refund', { mode: 'bigint' }).notNull(),
    recoveredOn: date('recovered_on', { mode: 'string' }).notNull(),
    reportedBy: text('reported_by').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('recoveries_claim_ix').on(t.claimId),
    check('recoveries_costs_within', sql`${t.costs} >= 0 and ${t.costs} <= ${t.recovered}`),
  ],
);

/** RECOVERY_STAGES: how far the bank's pursuit of a compensated loan has gone (追偿进展). */
export const RECOVERY_STAGES = [
  'collection',
  'litigation',
  'judgment',
  'enforcement',
  'settlement',
  'bankruptcy',
  'ended',
] as const;
export type RecoveryStage = (typeof RECOVERY_STAGES)[number];

/** The bank's reports of its progress in recovering a compensated loan, in the order reported. */
export const recoveryProgress = pgTable(
  'recovery_progress',
  {
    id: text('id').primaryKey(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.id),
    bankId: text('bank_id').notNull(),
    stage: text('stage', { enum: RECOVERY_STAGES }).notNull(),
    on: date('on', { mode: 'string' }).notNull(),
    note: text('note').notNull(),
    reportedBy: text('reported_by').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('recovery_progress_claim_ix').on(t.claimId, t.at),
    check('recovery_progress_stage', sql.raw(`stage in (${RECOVERY_STAGES.map((s) => `'${s}'`).join(', ')})`)),
  ],
);
