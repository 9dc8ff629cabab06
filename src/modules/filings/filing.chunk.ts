/**
 * A bulk-filed chunk's one audit row (issue 20): instead of a `filing.create` row per loan, one
 * `filing.create-chunk` row per chunk, chained like the rest, whose `after` holds the chunk's
 * filing ids in leaf order and the Merkle root (audit/audit.merkle) over their leaves — each the
 * canonical JSON of the loan's facts fixed at filing (filing.view filedFacts). Every filing keeps
 * its key to the row (filings.audit_chunk), so its proof is found by one index probe, and `audit
 * verify` recomputes every chunk's root from the filings as they stand.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Violation } from '../../core/ledger/invariants';
import { leafHash, merkleProof, merkleRoot, type ProofStep } from '../audit/audit.merkle';
import type { AuditEntry, AuditRowText } from '../audit/audit.repository';
import type { Db } from '../shared/db';
import { canonicalJson } from '../shared/idempotency';
import { anyOfTexts } from '../shared/json-texts';
import { rowsOf } from '../shared/rows';
import { createFilingsRepository, type FilingRow } from './filings.repository';
import { decisionDigest, FILED_TERMS, filedFacts, type FiledFacts } from './filing.view';
import { filingErrors } from './filings.errors';

/** The chunk row's action, as readers match it (chunkEntry writes it as a literal: audit.words.test reads the write sites). */
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

/** The terms at filing of amended loans: each one's first `filing.amend` row's `before` (FILED_TERMS). */
export type Amendments = Map<string, Record<string, unknown>>;

/** The first amendment of each amended loan (of these ids, or all): amendments are few, one request each. */
export async function firstAmendments(db: Db, ids?: string[]): Promise<Amendments> {
  const rows = rowsOf(await db.execute(amendmentsQuery(ids)));
  const out: Amendments = new Map();
  for (const r of rows) {
    const id = String(r.entity_id);
    if (!out.has(id) && r.before_text) out.set(id, JSON.parse(String(r.before_text)) as Record<string, unknown>);
  }
  return out;
}

/** A loan's facts at filing: as it stands, with an amended loan's terms as they were before its first amendment. */
export function factsAtFiling(row: FilingRow, amended: Amendments): FiledFacts {
  const facts = filedFacts(row, decisionDigest(row.decision));
  const before = amended.get(row.id);
  if (!before) return facts;
  const terms: Record<string, unknown> = {};
  for (const k of FILED_TERMS) if (k in before) terms[k] = before[k];
  return { ...facts, ...terms } as FiledFacts;
}

const READ = 1000;

/** The chunk's filings by id, in leaf order (undefined where one is missing), read a thousand at a time. */
async function chunkFilings(db: Db, ids: string[]): Promise<(FilingRow | undefined)[]> {
  const repo = createFilingsRepository({ db });
  const byId = new Map<string, FilingRow>();
  for (let i = 0; i < ids.length; i += READ)
    for (const f of await repo.findMany(ids.slice(i, i + READ))) byId.set(f.id, f);
  return ids.map((id) => byId.get(id));
}

/**
 * One chunk row checked (audit verify): every filing it names is there, keyed to it, and the root
 * over their facts at filing is the one recorded. A changed filing shows as the root differing
 * (which of the chunk's loans the root cannot tell); a missing one is named.
 */
export async function verifyChunk({
  db,
  row,
  amended,
}: {
  db: Db;
  row: AuditRowText;
  amended: Amendments;
}): Promise<Violation[]> {
  const where = `audit row ${row.seq.toString()} (import ${row.entityId})`;
  let after: ChunkAfter | undefined;
  try {
    after = chunkAfterOf(JSON.parse(row.after ?? 'null'));
  } catch {
    after = undefined;
  }
  if (!after || after.count !== after.filingIds.length)
    return [{ code: 'audit_chunk_root_differs', message: `${where}: not a chunk's filing ids and root` }];
  const found = await chunkFilings(db, after.filingIds);
  const out: Violation[] = [];
  found.forEach((f, i) => {
    const id = after.filingIds[i]!;
    if (!f) out.push({ code: 'audit_chunk_filing_missing', message: `${where}: filing ${id} (leaf ${i}) is missing` });
    else if (f.auditChunk !== after.chunk)
      out.push({
        code: 'audit_chunk_filing_missing',
        message: `${where}: filing ${id} (leaf ${i}) is keyed to chunk ${String(f.auditChunk)}, not ${after.chunk}`,
      });
  });
  if (out.length) return out;
  const root = merkleRoot(found.map((f) => filingLeaf(factsAtFiling(f!, amended))));
  if (root !== after.merkleRoot)
    out.push({
      code: 'audit_chunk_root_differs',
      message: `${where}: the Merkle root over its ${after.count} filings is ${root}, the row says ${after.merkleRoot} — a filing of lines ${after.firstLine}–${after.lastLine} differs from what was filed`,
    });
  return out;
}

/** How a filing is proved: its chunk's root and its path, or its own audit row. */
export type FilingProof =
  | {
      kind: 'chunk';
      facts: FiledFacts;
      leaf: string;
      leafHash: string;
      index: number;
      count: number;
      path: ProofStep[];
      merkleRoot: string;
      verified: boolean;
      audit: { seq: string; hash: string; import: string; firstLine: number; lastLine: number };
    }
  | { kind: 'row'; audit: { seq: string; hash: string } | null };

/** A filing's own `filing.create` row (one filed online), by audit_log_entity_ix (drizzle/0039). */
export const ownAuditRowQuery = (filingId: string): SQL => sql`select seq::text as seq, hash from audit_log
  where entity_kind = 'filing' and entity_id = ${filingId} and action = 'filing.create' order by seq limit 1`;

/** The amendments of these filings (every filing's without ids: verify), oldest first; by audit_log_entity_ix when ids are given. */
export const amendmentsQuery = (ids?: string[]): SQL => sql`select entity_id, before::text as before_text from audit_log
  where action = 'filing.amend' and entity_kind = 'filing' ${ids ? sql`and entity_id = ${anyOfTexts(ids)}` : sql``}
  order by seq`;

/** The proof for a filing already read (its access checked by the caller). */
export async function proofOf(db: Db, f: FilingRow): Promise<FilingProof> {
  if (f.auditChunk === null) {
    const own = rowsOf(await db.execute(ownAuditRowQuery(f.id)));
    return { kind: 'row', audit: own[0] ? { seq: String(own[0].seq), hash: String(own[0].hash) } : null };
  }
  const rows = rowsOf(
    await db.execute(sql`select seq::text as seq, hash, after::text as after_text from audit_log
      where action = ${CHUNK_ACTION} and (after->>'chunk') = ${f.auditChunk} order by seq limit 1`),
  );
  const after = rows[0] ? chunkAfterOf(JSON.parse(String(rows[0].after_text))) : undefined;
  const index = after ? after.filingIds.indexOf(f.id) : -1;
  if (!after || index < 0) throw filingErrors.chunkRowMissing(f.id, f.auditChunk);
  const found = await chunkFilings(db, after.filingIds);
  const amended = await firstAmendments(db, after.filingIds);
  // A filing gone from the chunk leaves its leaf unknown: the recorded root then cannot be reached.
  const leaves = found.map((g, i) => (g ? filingLeaf(factsAtFiling(g, amended)) : `missing:${after.filingIds[i]}`));
  const facts = factsAtFiling(f, amended);
  const path = merkleProof(leaves, index);
  return {
    kind: 'chunk',
    facts,
    leaf: leaves[index]!,
    leafHash: leafHash(leaves[index]!).toString('hex'),
    index,
    count: leaves.length,
    path,
    merkleRoot: after.merkleRoot,
    verified: merkleRoot(leaves) === after.merkleRoot,
    audit: {
      seq: String(rows[0]!.seq),
      hash: String(rows[0]!.hash),
      import: after.import,
      firstLine: after.firstLine,
      lastLine: after.lastLine,
    },
  };
}
