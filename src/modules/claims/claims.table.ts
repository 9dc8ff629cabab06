import { sql } from 'drizzle-orm';
import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { CLAIM_STATES } from '../../core/claims/claim-state';
import type { SignOff } from '../../core/claims/workflow';
import { filings } from '../filings/filings.table';

/** What the fund's staff asked the bank for when they sent a claim back (R21). */
export interface ReturnRequest {
  /** The dossier items (claimMaterials codes) to add or replace; may be empty when the note says it all. */
  items: string[];
  note: string;
  by: string;
  at: string;
  /** The bank completes it by this working day; past it the claim shows overdue for the bank. */
  dueBy: string;
}

/** A due-diligence finding on a claim (尽职审查, R22): the programme's item, its cut when found, the reviewer's note. */
export interface Finding {
  id: string;
  cutBp: number;
  note: string;
  by: string;
  at: string;
}

/** First approved, first paid (R7a): approvals take numbers from one sequence. */
export const claimsApprovedSeq = pgSequence('claims_approved_seq');

/** A claim for a non-performing loan: compensation computed once from the loan's fixed terms (R3, R10). */
export const claims = pgTable(
  'claims',
  {
    id: text('id').primaryKey(),
    /**
     * The readable number people quote (`BP-2026-000123`): the year of `submittedOn` and that year's
     * sequence, assigned in the database when the row goes in (drizzle/0027's trigger takes it from
     * `claim_number_years`), so every way a claim is inserted gets one.
     */
    // `default null` makes drizzle's insert leave it to the trigger, which runs before NOT NULL is checked.
    number: text('number')
      .notNull()
      .default(sql`null`),
    filingId: text('filing_id')
      .notNull()
      .references(() => filings.id),
    fundId: text('fund_id').notNull(),
    bankId: text('bank_id').notNull(),
    state: text('state', { enum: CLAIM_STATES }).notNull(),
    /** The outstanding principal claimed for. */
    outstanding: bigint('outstanding', { mode: 'bigint' }).notNull(),
    compensation: bigint('compensation', { mode: 'bigint' }).notNull(),
    parties: jsonb('parties').$type<{ party: string; shareBp: number; amount: string }[]>().notNull(),
    reasons: jsonb('reasons').notNull(),
    submittedBy: text('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    submittedOn: date('submitted_on', { mode: 'string' }).notNull(),
    /** The SLA: decided by this date. */
    dueBy: date('due_by', { mode: 'string' }).notNull(),
    preparedBy: text('prepared_by'),
    preparedAt: timestamp('prepared_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    rejectionReason: text('rejection_reason'),
    /** First approved, first paid (R7a): the order of the payment queue. */
    approvedSeq: bigint('approved_seq', { mode: 'number' }),
    heldReason: jsonb('held_reason'),
    /** The last time the claim went back to the bank (退回补正, R21): what was asked for, by whom, when. */
    returnRequest: jsonb('return_request').$type<ReturnRequest>(),
    /** Under review: the index of the stage waiting for its sign-off (R23), and its SLA date. */
    stage: integer('stage').notNull().default(0),
    stageDueBy: date('stage_due_by', { mode: 'string' }),
    /** The roles that decide the stage waiting (R23), so that each person's to-do list is one query. */
    stageBy: jsonb('stage_by').$type<string[]>(),
    /** The stages signed so far in this review (R23); a resubmission after a return starts them again. */
    signOffs: jsonb('sign_offs').$type<SignOff[]>().notNull().default([]),
    /** The reviewer's due-diligence findings (R22); their cuts, added, reduce the compensation. */
    findings: jsonb('findings').$type<Finding[]>().notNull().default([]),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    paidBy: text('paid_by'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('claims_state_ix').on(t.state, t.approvedSeq),
    index('claims_bank_ix').on(t.bankId, t.state),
    index('claims_filing_ix').on(t.filingId),
    uniqueIndex('claims_number_uq').on(t.number),
    index('claims_submitted_ix').on(t.submittedAt, t.id),
  ],
);

/** Per year, the last claim number given (drizzle/0027's trigger counts on from it; its row lock orders concurrent submissions). */
export const claimNumberYears = pgTable('claim_number_years', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

export const claimEvents = pgTable(
  'claim_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.id),
    event: text('event').notNull(),
    fromState: text('from_state'),
    toState: text('to_state').notNull(),
    actor: text('actor').notNull(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('claim_events_claim_ix').on(t.claimId, t.id)],
);
