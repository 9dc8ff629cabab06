import { sql } from 'drizzle-orm';
import { check, customType, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { claims } from '../claims/claims.table';

/** Bytes as PostgreSQL keeps them (bytea): in the database, so its backups keep the files too. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export const MATERIAL_KINDS = ['pdf', 'jpg', 'png', 'xlsx', 'docx'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

/**
 * Where a file's bytes are: in the row (`content`, the default), or in the object store configured
 * by BACKSTOP_OBJECT_STORE_* under the key named by its SHA-256 (`content` null).
 */
export const MATERIAL_STORAGES = ['database', 'object-store'] as const;
export type MaterialStorage = (typeof MATERIAL_STORAGES)[number];

/** A file the bank uploaded for one item of its claim's checklist (申请材料); never edited. */
export const claimMaterialFiles = pgTable(
  'claim_material_files',
  {
    id: text('id').primaryKey(),
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.id),
    /** The checklist item (the programme's policy file, claimMaterials[].id). */
    itemId: text('item_id').notNull(),
    /** As the bank named it; for display only: the kind is judged by the content. */
    fileName: text('file_name').notNull(),
    kind: text('kind', { enum: MATERIAL_KINDS }).notNull(),
    mime: text('mime').notNull(),
    bytes: integer('bytes').notNull(),
    sha256: text('sha256').notNull(),
    storage: text('storage', { enum: MATERIAL_STORAGES }).notNull().default('database'),
    /** The bytes when `storage` is 'database'; null when they are in the object store. */
    content: bytea('content'),
    uploadedBy: text('uploaded_by').notNull(),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('claim_material_files_claim_ix').on(t.claimId, t.itemId),
    // Exactly one place holds the bytes.
    check(
      'claim_material_files_storage',
      sql`(${t.storage} = 'database' and ${t.content} is not null) or (${t.storage} = 'object-store' and ${t.content} is null)`,
    ),
  ],
);

/** The reviewer's tick on one checklist item of a claim: accepted, or rejected with a note. */
export const claimMaterialReviews = pgTable(
  'claim_material_reviews',
  {
    claimId: text('claim_id')
      .notNull()
      .references(() => claims.id),
    itemId: text('item_id').notNull(),
    decision: text('decision', { enum: ['accepted', 'rejected'] }).notNull(),
    note: text('note'),
    reviewedBy: text('reviewed_by').notNull(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.claimId, t.itemId] })],
);
