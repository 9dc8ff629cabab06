/**
 * Reads the audit log and recomputes every row's hash here, in TypeScript, from the same fields
 * audit_row_hash() (drizzle/0002_ledger.sql) hashes — so a row changed in SQL, or a hash
 * "fixed" with the database's own function, is still caught by the chain.
 */
import { createHash } from 'node:crypto';
import { createAuditChainCheck, type AuditedTransfer, type Violation } from '../../core/ledger/invariants';
import type { TransferKind } from '../../core/ledger/model';
import type { Db } from '../shared/db';
import { createAuditRepository, type AuditRowText } from './audit.repository';
import { CHUNK_ACTION, firstAmendments, verifyChunk } from '../filings/filing.chunk';

export type { AuditRowText };

/**
 * Rows a page, fitted to their size: a bulk chunk's ledger.batch row holds ~350 kB of JSON, an
 * online filing's about 1 kB, and a page of 2,000 of the former would be 700 MB.
 */
const PAGE = { first: 50, most: 2000, chars: 8 << 20 };

/** audit_row_hash(), recomputed: sha256 over the fields joined by U+001F, timestamps in UTC to the microsecond. */
export function auditRowHash(r: AuditRowText): string {
  const text = [
    String(r.seq),
    r.at,
    r.actor,
    r.action,
    r.entityKind,
    r.entityId,
    r.before ?? '',
    r.after ?? '',
    r.prevHash,
  ].join('\u001f');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The audit log in seq order, a page at a time (json as the database prints it, which is what was hashed). */
export async function* readAuditLog(db: Db): AsyncGenerator<AuditRowText> {
  const audit = createAuditRepository({ db });
  let after = 0n;
  let limit = PAGE.first;
  for (;;) {
    const rows = await audit.textsAfter(after, limit);
    for (const r of rows) yield r;
    if (rows.length < limit) return;
    after = rows.at(-1)!.seq;
    const chars = rows.reduce((n, r) => n + (r.before?.length ?? 0) + (r.after?.length ?? 0), 0);
    if (chars > PAGE.chars) limit = Math.max(1, limit >> 1);
    else if (chars < PAGE.chars / 4) limit = Math.min(PAGE.most, limit * 2);
  }
}

export interface AuditVerification {
  rows: number;
  head: { seq: string; hash: string } | null;
  violations: Violation[];
}

/**
 * The chain, and every bulk-filed chunk's Merkle root (issue 20, filings/filing.chunk-verify)
 * recomputed from its filings as they stand — read a chunk at a time as the log is read. Each
 * ledger batch's applied transfers go to `ledgerBatch` as read (ledger verify compares them with
 * the transfer log); nothing of the log is held.
 */
export async function verifyAuditLog({
  db,
  ledgerBatch,
}: {
  db: Db;
  ledgerBatch?: (applied: AuditedTransfer[]) => Promise<void>;
}): Promise<AuditVerification> {
  const chain = createAuditChainCheck();
  const chunkViolations: Violation[] = [];
  const amended = await firstAmendments(db);
  for await (const r of readAuditLog(db)) {
    chain.row({ seq: r.seq, prevHash: r.prevHash, hash: r.hash, recomputed: auditRowHash(r) });
    if (ledgerBatch && r.action === 'ledger.batch' && r.after) await ledgerBatch(appliedTransfers(r.seq, r.after));
    if (r.action === CHUNK_ACTION) chunkViolations.push(...(await verifyChunk({ db, row: r, amended })));
  }
  const { rows, head, violations } = chain.finish();
  return {
    rows,
    head: head ? { seq: head.seq.toString(), hash: head.hash } : null,
    violations: [...violations, ...chunkViolations],
  };
}

/** Every transfer the ledger batches of the log report as applied, batch by batch. */
export async function* auditedTransfers(db: Db): AsyncGenerator<AuditedTransfer[]> {
  for await (const r of readAuditLog(db))
    if (r.action === 'ledger.batch' && r.after) yield appliedTransfers(r.seq, r.after);
}

/** A ledger batch's audit row: the transfers it reports applied ('ok'), as the batch asked for them. */
function appliedTransfers(seq: bigint, after: string): AuditedTransfer[] {
  let body: { transfers?: Record<string, unknown>[]; results?: string[] };
  try {
    body = JSON.parse(after);
  } catch {
    return [];
  }
  const out: AuditedTransfer[] = [];
  (body.transfers ?? []).forEach((t, i) => {
    if (body.results?.[i] !== 'ok' || typeof t.id !== 'string') return;
    out.push({
      id: t.id,
      kind: ((t.kind as string | undefined) ?? 'single') as TransferKind,
      ...(typeof t.debit === 'string' ? { debit: t.debit } : {}),
      ...(typeof t.credit === 'string' ? { credit: t.credit } : {}),
      amount: BigInt((t.amount as string | number | undefined) ?? 0),
      ...(typeof t.code === 'string' ? { code: t.code } : {}),
      ...(typeof t.pendingId === 'string' ? { pendingId: t.pendingId } : {}),
      auditSeq: seq,
    });
  });
  return out;
}
