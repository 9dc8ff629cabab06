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

const PAGE = 2000;

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
  for (;;) {
    const rows = await audit.textsAfter(after, PAGE);
    for (const r of rows) yield r;
    if (rows.length < PAGE) return;
    after = rows.at(-1)!.seq;
  }
}

export interface AuditVerification {
  rows: number;
  head: { seq: string; hash: string } | null;
  violations: Violation[];
  /** Transfers that ledger batches reported as applied, by id, as the batch asked for them. */
  audited: Map<string, AuditedTransfer>;
}

/**
 * The chain, and every bulk-filed chunk's Merkle root (issue 20, filings/filing.chunk-verify)
 * recomputed from its filings as they stand — read a chunk at a time as the log is read. The
 * audited transfers are kept for ledger verify; `accountIds` (the ledger's accounts, when it has
 * read them) lets them share the accounts' id strings rather than hold a copy each.
 */
export async function verifyAuditLog({
  db,
  accountIds,
}: {
  db: Db;
  accountIds?: ReadonlyMap<string, { id: string }>;
}): Promise<AuditVerification> {
  const chain = createAuditChainCheck();
  const audited = new Map<string, AuditedTransfer>();
  const chunkViolations: Violation[] = [];
  const amended = await firstAmendments(db);
  const words = new Map<string, string>();
  const same = (s: string) => {
    const account = accountIds?.get(s);
    if (account) return account.id;
    let word = words.get(s);
    if (word === undefined && words.size < 1000) words.set(s, (word = s));
    return word ?? s;
  };
  for await (const r of readAuditLog(db)) {
    chain.row({ seq: r.seq, prevHash: r.prevHash, hash: r.hash, recomputed: auditRowHash(r) });
    if (r.action === 'ledger.batch' && r.after) collectAudited(r.seq, r.after, audited, same);
    if (r.action === CHUNK_ACTION) chunkViolations.push(...(await verifyChunk({ db, row: r, amended })));
  }
  const { rows, head, violations } = chain.finish();
  return {
    rows,
    head: head ? { seq: head.seq.toString(), hash: head.hash } : null,
    violations: [...violations, ...chunkViolations],
    audited,
  };
}

function collectAudited(
  seq: bigint,
  after: string,
  into: Map<string, AuditedTransfer>,
  same: (s: string) => string,
): void {
  let body: { transfers?: Record<string, unknown>[]; results?: string[] };
  try {
    body = JSON.parse(after);
  } catch {
    return;
  }
  (body.transfers ?? []).forEach((t, i) => {
    if (body.results?.[i] !== 'ok' || typeof t.id !== 'string') return;
    into.set(t.id, {
      id: t.id,
      kind: same((t.kind as string | undefined) ?? 'single') as TransferKind,
      ...(typeof t.debit === 'string' ? { debit: same(t.debit) } : {}),
      ...(typeof t.credit === 'string' ? { credit: same(t.credit) } : {}),
      amount: BigInt((t.amount as string | number | undefined) ?? 0),
      ...(typeof t.code === 'string' ? { code: same(t.code) } : {}),
      ...(typeof t.pendingId === 'string' ? { pendingId: t.pendingId } : {}),
      auditSeq: seq,
    });
  });
}
