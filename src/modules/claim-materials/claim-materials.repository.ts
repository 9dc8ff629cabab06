/**
 * The dossier's SQL: the claim-materials module alone writes `claim_material_files` and
 * `claim_material_reviews`; the claims module reads them only through `dossierOf` to judge approval.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { claimMaterialFiles, claimMaterialReviews } from './claim-materials.table';

export type MaterialFileRow = typeof claimMaterialFiles.$inferSelect;
export type MaterialFileInsert = typeof claimMaterialFiles.$inferInsert;
export type MaterialReviewRow = typeof claimMaterialReviews.$inferSelect;

/** The claim's files without their content, oldest first; and its ticks. */
export async function dossierOf({
  db,
  claimId,
}: {
  db: Db;
  claimId: string;
}): Promise<{ files: Omit<MaterialFileRow, 'content'>[]; reviews: MaterialReviewRow[] }> {
  const files = await db
    .select({
      id: claimMaterialFiles.id,
      claimId: claimMaterialFiles.claimId,
      itemId: claimMaterialFiles.itemId,
      fileName: claimMaterialFiles.fileName,
      kind: claimMaterialFiles.kind,
      mime: claimMaterialFiles.mime,
      bytes: claimMaterialFiles.bytes,
      sha256: claimMaterialFiles.sha256,
      storage: claimMaterialFiles.storage,
      uploadedBy: claimMaterialFiles.uploadedBy,
      uploadedAt: claimMaterialFiles.uploadedAt,
    })
    .from(claimMaterialFiles)
    .where(eq(claimMaterialFiles.claimId, claimId))
    .orderBy(asc(claimMaterialFiles.uploadedAt), asc(claimMaterialFiles.id));
  const reviews = await db.select().from(claimMaterialReviews).where(eq(claimMaterialReviews.claimId, claimId));
  return { files, reviews };
}

export async function insertFile({ db, file }: { db: Db; file: MaterialFileInsert }): Promise<void> {
  await db.insert(claimMaterialFiles).values(file);
}

/** One file with its content, of this claim. */
export async function fileOf({
  db,
  claimId,
  fileId,
}: {
  db: Db;
  claimId: string;
  fileId: string;
}): Promise<MaterialFileRow | undefined> {
  const [row] = await db
    .select()
    .from(claimMaterialFiles)
    .where(and(eq(claimMaterialFiles.claimId, claimId), eq(claimMaterialFiles.id, fileId)));
  return row;
}

/** The tick on an item, replacing an earlier one. */
export async function setReview({
  db,
  review,
}: {
  db: Db;
  review: Omit<MaterialReviewRow, 'reviewedAt'>;
}): Promise<void> {
  await db
    .insert(claimMaterialReviews)
    .values(review)
    .onConflictDoUpdate({
      target: [claimMaterialReviews.claimId, claimMaterialReviews.itemId],
      set: { decision: review.decision, note: review.note, reviewedBy: review.reviewedBy, reviewedAt: new Date() },
    });
}

/** A new file on an item takes back its tick: the reviewer looks again. */
export async function clearReview({ db, claimId, itemId }: { db: Db; claimId: string; itemId: string }) {
  await db
    .delete(claimMaterialReviews)
    .where(and(eq(claimMaterialReviews.claimId, claimId), eq(claimMaterialReviews.itemId, itemId)));
}
