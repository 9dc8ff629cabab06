import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, json, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { funds, enterprises, institutions } from '../registry/registry.table';
import { policyVersions, programmes } from '../programmes/programmes.table';

import { LOAN_STATUSES, type LoanStatus } from '../../core/loans/loan-life';

/** A filing's status is its loan's place in the life core/loans/loan-life.ts owns. */
export const FILING_STATUSES = LOAN_STATUSES;
export type FilingStatus = LoanStatus;

/**
 * A filed loan (备案). Its terms are fixed at filing (R3): the policy version, the ratio, the
 * parties' shares. `reserved` is the liability the ledger holds for it now (ratio × outstanding, R7b).
 */
export const filings = pgTable(
  'filings',
  {
    id: text('id').primaryKey(),
    fundId: text('fund_id')
      .notNull()
      .references(() => funds.id),
    programmeId: text('programme_id')
      .notNull()
      .references(() => programmes.id),
    policyVersionId: integer('policy_version_id')
      .notNull()
      .references(() => policyVersions.id),
    bankId: text('bank_id')
      .notNull()
      .references(() => institutions.id),
    enterpriseId: text('enterprise_id')
      .notNull()
      .references(() => enterprises.id),
    /** The bank's own loan (contract) number: a loan is filed once. */
    bankRef: text('bank_ref').notNull(),
    kind: text('kind').notNull(),
    principal: bigint('principal', { mode: 'bigint' }).notNull(),
    outstanding: bigint('outstanding', { mode: 'bigint' }).notNull(),
    disbursedOn: date('disbursed_on', { mode: 'string' }).notNull(),
    maturesOn: date('matures_on', { mode: 'string' }),
    filedOn: date('filed_on', { mode: 'string' }).notNull(),
    mode: text('mode', { enum: ['direct', 'risk-sharing'] }).notNull(),
    /** The fund's ratio in basis points, fixed at filing. */
    ratioBp: integer('ratio_bp').notNull(),
    rounding: text('rounding', { enum: ['half-up', 'half-even'] }).notNull(),
    capPerLoan: bigint('cap_per_loan', { mode: 'bigint' }),
    /** Risk-sharing parties and their shares in basis points (F14–F16, G7). */
    parties: jsonb('parties').$type<{ party: string; institutionId?: string | null; shareBp: number }[]>().notNull(),
    guarantorId: text('guarantor_id').references(() => institutions.id),
    /** A risk-sharing loan's guarantor confirms its part (F14–F16): when and who; null until then. */
    guarantorConfirmedOn: date('guarantor_confirmed_on', { mode: 'string' }),
    guarantorConfirmedBy: text('guarantor_confirmed_by'),
    reserved: bigint('reserved', { mode: 'bigint' }).notNull(),
    agreementId: text('agreement_id'),
    /** G5's cap key when the programme has one. */
    enterpriseCapKey: text('enterprise_cap_key'),
    status: text('status', { enum: FILING_STATUSES }).notNull(),
    classification: text('classification', { enum: ['normal', 'special-mention', 'substandard', 'doubtful', 'loss'] })
      .notNull()
      .default('normal'),
    overdueSince: date('overdue_since', { mode: 'string' }),
    nonPerformingOn: date('non_performing_on', { mode: 'string' }),
    /**
     * The eligibility reasons at filing, as rendered by the policy engine, in two parts (drizzle/0034):
     * the reason set many loans share (`decision_templates`, by its SHA-256) and this loan's own
     * values in it (a JSON array of texts); core/policy fillDecision puts them back together. `json`,
     * not `jsonb`: nothing queries inside them (drizzle/0011).
     */
    decisionKey: text('decision_key').notNull(),
    decisionValues: json('decision_values').$type<string[]>().notNull(),
    createdBy: text('created_by').notNull(),
    /**
     * A bulk-filed loan's chunk (issue 20, drizzle/0037): `<import job id>:<the chunk's first line>`,
     * the key of the one audit row (`filing.create-chunk`, its after's `chunk`) whose Merkle root has
     * this loan's leaf. Null for a loan filed with its own audit row (`filing.create`).
     */
    auditChunk: text('audit_chunk'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('filings_bank_ref_uq').on(t.bankId, t.bankRef),
    index('filings_fund_status_ix').on(t.fundId, t.status),
    index('filings_bank_filed_ix').on(t.bankId, t.filedOn, t.id),
    index('filings_filed_ix').on(t.filedOn, t.id),
    index('filings_principal_ix').on(t.principal, t.id),
    // Every sort the filings list offers has its index, so a page of 50 over a million loans stays quick.
    index('filings_outstanding_ix').on(t.outstanding, t.id),
    index('filings_bank_ref_ix').on(t.bankRef, t.id),
    index('filings_disbursed_ix').on(t.disbursedOn, t.id),
    // A bank's own pages under each sort (drizzle/0035): with a second filter (status, kind) the
    // global sort index would be walked past thousands of other banks' loans (docs/PERFORMANCE.md).
    // (bank_id, filed_on, id) is filings_bank_filed_ix; (bank_id, bank_ref) is filings_bank_ref_uq.
    index('filings_bank_principal_ix').on(t.bankId, t.principal, t.id),
    index('filings_bank_outstanding_ix').on(t.bankId, t.outstanding, t.id),
    index('filings_bank_disbursed_ix').on(t.bankId, t.disbursedOn, t.id),
    // The list's total (countUpTo) by an index-only scan: every equality filter of the list but the
    // fund's in one small index (few distinct keys: deduplicated, ~8 MB at a million loans), so
    // counting 10,001 rows reads no heap page where the visibility map is set (autovacuum keeps it).
    index('filings_list_count_ix').on(t.bankId, t.status, t.kind, t.mode, t.programmeId),
    index('filings_enterprise_ix').on(t.enterpriseId),
    // Search by the beginning of a contract number (drizzle/0027; LIKE 'x%' needs a pattern index outside the C collation).
    index('filings_bank_ref_prefix_ix').on(t.bankRef.op('text_pattern_ops')),
    // Partial: most filings (every bulk-filed one) have no guarantor, and need no entry.
    index('filings_guarantor_ix')
      .on(t.guarantorId)
      .where(sql`${t.guarantorId} is not null`),
  ],
);

/**
 * A filing decision's reason set, stored once however many loans share it (drizzle/0034): rule
 * ids, cites, ok and applies, the texts with the loan's own values taken out (core/policy
 * DecisionTemplate), the programme, version and ratio. `key` is the SHA-256 (hex) of `template`'s
 * text, which is kept as written (json): rows are inserted (on conflict do nothing) and never
 * changed. No foreign key from `filings`: every insert of filings writes their templates in the
 * same statement, and a key lock per filing on a row every loan shares is what it would cost.
 */
export const decisionTemplates = pgTable('decision_templates', {
  key: text('key').primaryKey(),
  template: json('template').notNull(),
});

/** The loan's timeline: every change with who, when and what, in order. */
export const filingEvents = pgTable(
  'filing_events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    filingId: text('filing_id')
      .notNull()
      .references(() => filings.id),
    kind: text('kind').notNull(),
    /** The business date the event is about (repayment date, classification date…). */
    on: date('on', { mode: 'string' }).notNull(),
    data: jsonb('data').notNull(),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  // A loan's events by filing_id alone (drizzle/0038): its timeline sorts its few rows by id; without
  // id in the key a loan's entries share one key and B-tree deduplication keeps them as one.
  (t) => [index('filing_events_filing_ix').on(t.filingId)],
);
