/**
 * A bulk-filed chunk's one audit row (issue 20): instead of a `filing.create` row per loan, one
 * `filing.create-chunk` row per chunk, chained like the rest, whose `after` holds the chunk's
 * filing ids in leaf order and the Merkle root (audit/audit.merkle) over their leaves — each the
 * canonical JSON of the loan's facts fixed at filing (filing.view filedFacts). Every filing keeps
 * its key to the row (filings.audit_chunk), so its proof is found by one index probe, and `audit
 * verify` recomputes every chunk's root from the filings as they stand.
 */
import { merkleRoot } from '../audit/audit.merkle';
import type { AuditEntry } from '../audit/audit.repository';
import { canonicalJson } from '../shared/idempotency';
import type { FiledFacts } from './filing.view';

export const CHUNK_ACTION = 'filing.create-chunk';

/** Which import's chunk: its job and the file lines it covers. */
export interface ChunkOfImport {
  importId: string;
  firstLine: number;
  lastLine: number;
}

/** What filings.audit_chunk holds and the chunk row's `after.chunk` repeats: `<import id>:<first line>`. */
export const chunkKey = (c: { importId: string; firstLine: number }) => `${c.importId}:${c.firstLine}`;

/** A filing's leaf: its fixed facts as canonical JSON (keys sorted), hashed as UTF-8. */
export const filingLeaf = (facts: FiledFacts): string => canonicalJson(facts);

/** The chunk row's `after`. */
export interface ChunkAfter {
  import: string;
  chunk: string;
  firstLine: number;
  lastLine: number;
  count: number;
  filingIds: string[];
  merkleRoot: string;
}

export function chunkEntry(actor: string, chunk: ChunkOfImport, facts: FiledFacts[]): AuditEntry {
  const after: ChunkAfter = {
    import: chunk.importId,
    chunk: chunkKey(chunk),
    firstLine: chunk.firstLine,
    lastLine: chunk.lastLine,
    count: facts.length,
    filingIds: facts.map((f) => f.id),
    merkleRoot: merkleRoot(facts.map(filingLeaf)),
  };
  return { actor, action: 'filing.create-chunk', entityKind: 'import', entityId: chunk.importId, after };
}

/** A chunk row's `after` as read back (the fields this module wrote), or undefined when it is not one. */
export function chunkAfterOf(after: unknown): ChunkAfter | undefined {
  if (!after || typeof after !== 'object') return undefined;
  const a = after as Partial<ChunkAfter>;
  if (typeof a.merkleRoot !== 'string' || !Array.isArray(a.filingIds) || typeof a.chunk !== 'string') return undefined;
  return a as ChunkAfter;
}
