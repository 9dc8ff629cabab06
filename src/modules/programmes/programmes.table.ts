import { date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** A scheme such as `etown-2023-small-micro`; its rules live in policy versions. */
export const programmes = pgTable('programmes', {
  id: text('id').primaryKey(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One policy file as it was loaded, identified by the SHA-256 of its bytes. Rows are never
 * updated or deleted (a trigger refuses it): a changed file is a new revision, and a filed loan
 * keeps pointing at the revision it was judged under (R3).
 */
export const policyVersions = pgTable(
  'policy_versions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    programmeId: text('programme_id')
      .notNull()
      .references(() => programmes.id),
    version: text('version').notNull(),
    revision: integer('revision').notNull(),
    contentHash: text('content_hash').notNull(),
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    effectiveTo: date('effective_to', { mode: 'string' }),
    document: jsonb('document').notNull(),
    sourcePath: text('source_path').notNull(),
    loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('policy_versions_content_uq').on(t.programmeId, t.contentHash),
    uniqueIndex('policy_versions_revision_uq').on(t.programmeId, t.version, t.revision),
    index('policy_versions_effective_ix').on(t.programmeId, t.effectiveFrom),
  ],
);
