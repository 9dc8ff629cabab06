/**
 * The dossier of a claim (申请材料): the bank uploads a file for an item of its programme's
 * checklist while the claim is open (submitted or under review); a manager ticks each item,
 * accepted or rejected with a note; approval waits for every required item (R20, claims.usecases
 * approveClaim). The files live in the database (bytea), so its backups keep them. Every list,
 * upload, download and tick is audited (entity kind `claim`, the claim's id, actions `material.*`: not webhook events).
 */
import { randomUUID } from 'node:crypto';
import { itemState } from '../../core/claims/dossier';
import type { Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { findClaim } from '../claims/claims.usecases';
import * as claimsRepo from '../claims/claims.repository';
import type { ClaimRow } from '../claims/claims.repository';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import type { Db } from '../shared/db';
import { checklistOf, type ChecklistEntry } from './claim-materials.checklist';
import { materialErrors } from './claim-materials.errors';
import { checkMaterialFile } from './claim-materials.files';
import * as repo from './claim-materials.repository';

/** Files are uploaded and ticked only while the claim waits for its decision, or back with the bank (R21). */
const OPEN_STATES: readonly string[] = ['submitted', 'under-review', 'returned'];

async function checklistOfClaim(db: Db, catalog: PolicyCatalog, c: ClaimRow): Promise<ChecklistEntry[]> {
  const both = await claimsRepo.claimWithFiling({ db, claimId: c.id });
  return checklistOf(catalog, both!.filing.policyVersionId);
}

function itemOf(checklist: ChecklistEntry[], itemId: string): ChecklistEntry {
  const item = checklist.find((i) => i.id === itemId);
  if (!item)
    throw materialErrors.unknownItem(
      itemId,
      checklist.map((i) => i.id),
    );
  return item;
}

const audit = (db: Db, actor: Actor, action: string, claimId: string, after: unknown) =>
  createAuditRepository({ db }).record({
    actor: actor.username,
    action,
    entityKind: 'claim',
    entityId: claimId,
    after,
  });

async function dossierView(db: Db, c: ClaimRow, checklist: ChecklistEntry[]) {
  const { files, reviews } = await repo.dossierOf({ db, claimId: c.id });
  const items = checklist.map((i) => {
    const mine = files.filter((f) => f.itemId === i.id);
    const review = reviews.find((r) => r.itemId === i.id);
    return {
      id: i.id,
      title: i.title,
      required: i.required,
      note: i.note ?? null,
      cites: i.cites,
      state: itemState(mine.length, review?.decision),
      review: review
        ? {
            decision: review.decision,
            note: review.note,
            reviewedBy: review.reviewedBy,
            reviewedAt: review.reviewedAt.toISOString(),
          }
        : null,
      files: mine.map((f) => ({
        id: f.id,
        fileName: f.fileName,
        kind: f.kind,
        mime: f.mime,
        bytes: f.bytes,
        sha256: f.sha256,
        uploadedBy: f.uploadedBy,
        uploadedAt: f.uploadedAt.toISOString(),
      })),
    };
  });
  const missing = items.filter((i) => i.required && i.state !== 'accepted').map((i) => i.id);
  return {
    claimId: c.id,
    claimState: c.state,
    open: OPEN_STATES.includes(c.state),
    complete: missing.length === 0,
    missing,
    items,
  };
}
export type DossierView = Awaited<ReturnType<typeof dossierView>>;

/** The checklist with each item's state and files, not audited: for a document whose own issue is (the approval form). */
export async function dossierForDocument({
  db,
  catalog,
  actor,
  claimId,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  claimId: string;
}): Promise<DossierView> {
  const c = await findClaim(db, actor, claimId);
  return dossierView(db, c, await checklistOfClaim(db, catalog, c));
}

/** The checklist with each item's state and files (audited: who looked at the dossier). */
export async function listMaterials({
  db,
  catalog,
  actor,
  claimId,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  claimId: string;
}): Promise<DossierView> {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, claimId);
    const view = await dossierView(tx, c, await checklistOfClaim(tx, catalog, c));
    await audit(tx, actor, 'material.view', c.id, { items: view.items.length, missing: view.missing });
    return view;
  });
}

/** The bank uploads one file for an item of its open claim; checked by content before anything is stored. */
export async function uploadMaterial({
  db,
  catalog,
  actor,
  claimId,
  itemId,
  fileName,
  content,
  maxBytes,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  claimId: string;
  itemId: string;
  fileName: string;
  content: Uint8Array;
  maxBytes: number;
}): Promise<DossierView> {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, claimId, true);
    const checklist = await checklistOfClaim(tx, catalog, c);
    itemOf(checklist, itemId);
    if (!OPEN_STATES.includes(c.state)) throw materialErrors.claimClosed(c.state);
    const checked = await checkMaterialFile({ content, fileName, maxBytes });
    const id = randomUUID();
    await repo.insertFile({
      db: tx,
      file: { id, claimId: c.id, itemId, fileName, ...checked, content, uploadedBy: actor.username },
    });
    await repo.clearReview({ db: tx, claimId: c.id, itemId });
    await audit(tx, actor, 'material.upload', c.id, { fileId: id, itemId, fileName, ...checked });
    return dossierView(tx, c, checklist);
  });
}

/** One file's bytes for download (audited). */
export async function downloadMaterial({
  db,
  actor,
  claimId,
  fileId,
}: {
  db: Db;
  actor: Actor;
  claimId: string;
  fileId: string;
}) {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, claimId);
    const f = await repo.fileOf({ db: tx, claimId: c.id, fileId });
    if (!f) throw materialErrors.fileNotFound(fileId);
    await audit(tx, actor, 'material.download', c.id, {
      fileId: f.id,
      itemId: f.itemId,
      fileName: f.fileName,
      sha256: f.sha256,
    });
    return { fileName: f.fileName, mime: f.mime, sha256: f.sha256, content: Buffer.from(f.content) };
  });
}

/** A manager ticks an item: accepted (a file is there), or rejected with a note saying what is wrong. */
export async function reviewMaterial({
  db,
  catalog,
  actor,
  claimId,
  itemId,
  decision,
  note,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  claimId: string;
  itemId: string;
  decision: 'accepted' | 'rejected';
  note?: string | undefined;
}): Promise<DossierView> {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, claimId, true);
    const checklist = await checklistOfClaim(tx, catalog, c);
    itemOf(checklist, itemId);
    if (!OPEN_STATES.includes(c.state)) throw materialErrors.claimClosed(c.state);
    const trimmed = note?.trim() || null;
    if (decision === 'rejected' && !trimmed) throw materialErrors.noteRequired();
    if (decision === 'accepted') {
      const { files } = await repo.dossierOf({ db: tx, claimId: c.id });
      if (!files.some((f) => f.itemId === itemId)) throw materialErrors.noFile(itemId);
    }
    await repo.setReview({
      db: tx,
      review: { claimId: c.id, itemId, decision, note: trimmed, reviewedBy: actor.username },
    });
    await audit(tx, actor, 'material.review', c.id, { itemId, decision, note: trimmed });
    return dossierView(tx, c, checklist);
  });
}
