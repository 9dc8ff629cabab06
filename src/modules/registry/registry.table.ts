import { bigint, boolean, date, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { programmes } from '../programmes/programmes.table';

export const enterprises = pgTable(
  'enterprises',
  {
    id: text('id').primaryKey(),
    /** 统一社会信用代码, checked per GB 32100-2015; never logged in full. */
    creditCode: text('credit_code').notNull(),
    name: text('name').notNull(),
    size: text('size', { enum: ['micro', 'small', 'medium', 'large'] }).notNull(),
    industry: text('industry').notNull(),
    sciTech: boolean('sci_tech').notNull(),
    registeredInZone: boolean('registered_in_zone').notNull(),
    restrictedProcesses: boolean('restricted_processes').notNull().default(false),
    /** The bank whose officer registered it (banks see the enterprises they registered or lend to). */
    createdByBank: text('created_by_bank'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('enterprises_credit_code_uq').on(t.creditCode),
    index('enterprises_name_ix').on(t.name),
    // Search (drizzle/0027): a part of the name by trigrams (3 characters or more use the index),
    // the beginning of a credit code by a pattern index (the database's collation is not C).
    index('enterprises_name_trgm_ix').using('gin', t.name.op('gin_trgm_ops')),
    index('enterprises_credit_code_prefix_ix').on(t.creditCode.op('text_pattern_ops')),
  ],
);

/** A qualification held for an interval (F7, R4): judged on the filing date, shown again at claim time. */
export const qualifications = pgTable(
  'qualifications',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    enterpriseId: text('enterprise_id')
      .notNull()
      .references(() => enterprises.id),
    kind: text('kind', {
      enum: ['manufacturing-single-champion', 'national-high-tech', 'beijing-specialised-sme', 'little-giant'],
    }).notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }).notNull(),
    certificateNo: text('certificate_no'),
  },
  (t) => [index('qualifications_enterprise_ix').on(t.enterpriseId)],
);

/** Cooperating banks and guarantee institutions (G1, F14). */
export const institutions = pgTable('institutions', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['bank', 'guarantor', 're-guarantor', 'national-guarantee-fund'] }).notNull(),
  name: text('name').notNull(),
  nameEn: text('name_en'),
  /** G1: a cooperating bank is registered and pays tax in the zone. */
  registeredInZone: boolean('registered_in_zone').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A fund: the money behind one or more programmes (F3). Its money and liability live in the ledger. */
export const funds = pgTable('funds', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Committed liability may not exceed this multiple of the fund's capital, in basis points (R7b). */
  liabilityMultipleBp: bigint('liability_multiple_bp', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const fundProgrammes = pgTable(
  'fund_programmes',
  {
    fundId: text('fund_id')
      .notNull()
      .references(() => funds.id),
    programmeId: text('programme_id')
      .notNull()
      .references(() => programmes.id),
  },
  (t) => [uniqueIndex('fund_programmes_uq').on(t.fundId, t.programmeId)],
);

/** A cooperation agreement between the fund's manager and a bank or guarantor for a programme (G1), with an optional quota (R7c). */
export const agreements = pgTable(
  'agreements',
  {
    id: text('id').primaryKey(),
    programmeId: text('programme_id')
      .notNull()
      .references(() => programmes.id),
    fundId: text('fund_id')
      .notNull()
      .references(() => funds.id),
    institutionId: text('institution_id')
      .notNull()
      .references(() => institutions.id),
    signedOn: date('signed_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }),
    /** Liability this bank's filings may commit, in fen; null = no quota. */
    quota: bigint('quota', { mode: 'bigint' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('agreements_uq').on(t.programmeId, t.fundId, t.institutionId)],
);
