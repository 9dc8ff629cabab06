/**
 * The dossier of a claim (申请材料): the bank uploads a file for an item of its programme's
 * checklist while the claim is open (submitted or under review); a manager ticks each item,
 * accepted or rejected with a note; approval waits for every required item (R20, claims.usecases
 * approveClaim). The files live in the database (bytea), so its backups keep them, or, when an
 * object store is configured, in its bucket under their SHA-256 (claim-materials.store.ts): the
 * object is put before the row is written, and what comes back is checked against the recorded
 * SHA-256 before it is served. Every list,
 * upload, download and tick is audited (entity kind `claim`, the claim's id, actions `material.*`: not webhook events).
 */
import { randomUUID } from 'node:crypto';
import { OPEN_CLAIM_STATES } from '../../core/claims/claim-state';
import { itemState } from '../../core/claims/dossier';
import type { Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { findClaim } from '../claims/claims.usecases';
import * as claimsRepo from '../claims/claims.repository';
import type { ClaimRow } from '../claims/claims.repository';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import type { Db } from '../shared/db';
import type { Problem } from '../shared/problem';
import { checklistOf, type ChecklistEntry } from './claim-materials.checklist';
import { materialErrors } from './claim-materials.errors';
import { checkMaterialFile, sha256Of, type CheckedFile } from './claim-materials.files';
import * as repo from './claim-materials.repository';
import type { MaterialFileRow } from './claim-materials.repository';
import type { MaterialObjectStore } from './claim-materials.store';

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

/** `waived`: the server approves without the dossier (BACKSTOP_CLAIM_DOSSIER=waived, R20), so nothing is missing for approval. */
async function dossierView(db: Db, c: ClaimRow, checklist: ChecklistEntry[], waived = false) {
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
    decided: !OPEN_CLAIM_STATES.includes(c.state),
    waived,
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
  waived = false,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  claimId: string;
  waived?: boolean;
}): Promise<DossierView> {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, claimId);
    const view = await dossierView(tx, c, await checklistOfClaim(tx, catalog, c), waived);
    await audit(tx, actor, 'material.view', c.id, { items: view.items.length, missing: view.missing });
    return view;
  });
}

/** The claim, open and the bank's, and its checklist naming the item: what an upload needs before anything is stored. */
async function vetUpload(db: Db, catalog: PolicyCatalog, actor: Actor, claimId: string, itemId: string, lock: boolean) {
  const c = await findClaim(db, actor, claimId, lock);
  const checklist = await checklistOfClaim(db, catalog, c);
  itemOf(checklist, itemId);
  if (!OPEN_STATES.includes(c.state)) throw materialErrors.claimClosed(c.state);
  return { c, checklist };
}

/**
 * The bank uploads one file for an item of its open claim; checked by content before anything is
 * stored. With an object store the object is put first (its key the SHA-256: a retry writes the
 * same object), outside any transaction, then the row is written; a put that fails leaves no row.
 */
export async function uploadMaterial({
  db,
  catalog,
  actor,
  claimId,
  itemId,
  fileName,
  content,
  maxBytes,
  store,
  waived = false,
}: {
  waived?: boolean;
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  claimId: string;
  itemId: string;
  fileName: string;
  content: Uint8Array;
  maxBytes: number;
  store?: MaterialObjectStore | undefined;
}): Promise<DossierView> {
  let checked: CheckedFile | undefined;
  if (store) {
    await vetUpload(db, catalog, actor, claimId, itemId, false);
    checked = await checkMaterialFile({ content, fileName, maxBytes });
    try {
      await store.put(checked.sha256, content);
    } catch (e) {
      throw materialErrors.storeUnavailable({ en: 'storing the file', zh: '保存文件' }, e);
    }
  }
  return db.transaction(async (tx) => {
    const { c, checklist } = await vetUpload(tx, catalog, actor, claimId, itemId, true);
    checked ??= await checkMaterialFile({ content, fileName, maxBytes });
    const id = randomUUID();
    const where = store
      ? ({ storage: 'object-store', content: null } as const)
      : ({ storage: 'database', content } as const);
    await repo.insertFile({
      db: tx,
      file: { id, claimId: c.id, itemId, fileName, ...checked, ...where, uploadedBy: actor.username },
    });
    await repo.clearReview({ db: tx, claimId: c.id, itemId });
    await audit(tx, actor, 'material.upload', c.id, {
      fileId: id,
      itemId,
      fileName,
      ...checked,
      storage: where.storage,
    });
    return dossierView(tx, c, checklist, waived);
  });
}

/** A file's bytes from where its row says they are, checked against its SHA-256; or the problem refusing them. */
async function bytesOf(
  f: MaterialFileRow,
  store: MaterialObjectStore | undefined,
): Promise<{ content: Buffer } | { problem: Problem; refused: string }> {
  let content: Uint8Array | undefined;
  if (f.storage === 'database') content = f.content ?? undefined;
  else {
    if (!store)
      return {
        problem: materialErrors.storeUnavailable({
          en: 'reading the file: no object store is configured (BACKSTOP_OBJECT_STORE_BUCKET)',
          zh: '读取文件：未配置对象存储（BACKSTOP_OBJECT_STORE_BUCKET）',
        }),
        refused: 'store-not-configured',
      };
    try {
      content = await store.get(f.sha256);
    } catch (e) {
      return {
        problem: materialErrors.storeUnavailable({ en: `reading file ${f.id}`, zh: `读取文件 ${f.id}` }, e),
        refused: 'store-unavailable',
      };
    }
  }
  if (content === undefined)
    return { problem: materialErrors.objectMissing(f.id, f.fileName, f.sha256), refused: 'object-missing' };
  if (sha256Of(content) !== f.sha256)
    return { problem: materialErrors.contentMismatch(f.id, f.fileName, f.sha256), refused: 'sha256-mismatch' };
  return { content: Buffer.from(content) };
}

/**
 * One file's bytes for download, audited whether served or refused: bytes that do not match their
 * SHA-256, or an object missing from the store, are refused (500) naming the file.
 */
export async function downloadMaterial({
  db,
  actor,
  claimId,
  fileId,
  store,
}: {
  db: Db;
  actor: Actor;
  claimId: string;
  fileId: string;
  store?: MaterialObjectStore | undefined;
}) {
  // Read, then audited in its own transaction: no transaction waits on the object store.
  const c = await findClaim(db, actor, claimId);
  const f = await repo.fileOf({ db, claimId: c.id, fileId });
  if (!f) throw materialErrors.fileNotFound(fileId);
  const read = await bytesOf(f, store);
  await db.transaction((tx) =>
    audit(tx, actor, 'material.download', c.id, {
      fileId: f.id,
      itemId: f.itemId,
      fileName: f.fileName,
      sha256: f.sha256,
      storage: f.storage,
      ...('refused' in read ? { refused: read.refused } : {}),
    }),
  );
  if ('problem' in read) throw read.problem;
  return { fileName: f.fileName, mime: f.mime, sha256: f.sha256, content: read.content };
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
  waived = false,
}: {
  waived?: boolean;
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
    return dossierView(tx, c, checklist, waived);
  });
}
