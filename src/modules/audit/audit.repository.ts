/** The audit log is written only through audit_append() (drizzle/0002_ledger.sql): hash-chained, append-only. */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { rowsOf } from '../shared/rows';
import { byActor, namedBy } from './audit.names';

export interface AuditEntry {
  actor: string;
  action: string;
  entityKind: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** An audit row's fields as text, as audit_row_hash() hashes them (json as the database prints it). */
export interface AuditRowText {
  seq: bigint;
  at: string;
  actor: string;
  action: string;
  entityKind: string;
  entityId: string;
  before: string | null;
  after: string | null;
  prevHash: string;
  hash: string;
}

const withBigints = (_k: string, x: unknown) => (typeof x === 'bigint' ? x.toString() : x);
/** JSON with bigints as strings. A replacer slows JSON.stringify several times, so it is used only when a bigint is there. */
const toJson = (v: unknown) => {
  if (v === undefined || v === null) return null;
  try {
    return JSON.stringify(v);
  } catch (e) {
    if (e instanceof TypeError && /BigInt/i.test(e.message)) return JSON.stringify(v, withBigints);
    throw e;
  }
};

export function createAuditRepository({ db }: { db: Db }) {
  return {
    async record(e: AuditEntry): Promise<void> {
      await db.execute(
        sql`select audit_append(${e.actor}, ${e.action}, ${e.entityKind}, ${e.entityId}, ${toJson(e.before)}::jsonb, ${toJson(e.after)}::jsonb)`,
      );
    },
    /**
     * Many entries appended in the given order with two statements, whatever their number. The
     * first takes audit_append's advisory lock (so the second's snapshot, taken after it, sees every
     * committed append); the second walks the entries with a recursive CTE that computes each row's
     * hash with audit_row_hash() from the previous row's — exactly what audit_append does one row at a
     * time — and inserts them all. Same rows, same chain, without a PL/pgSQL call, a head lookup and
     * an INSERT per entry.
     */
    async recordMany(entries: AuditEntry[]): Promise<void> {
      if (entries.length === 0) return;
      const batch = `[${entries.map((e) => `{"actor":${JSON.stringify(e.actor)},"action":${JSON.stringify(e.action)},"entityKind":${JSON.stringify(e.entityKind)},"entityId":${JSON.stringify(e.entityId)},"before":${toJson(e.before) ?? 'null'},"after":${toJson(e.after) ?? 'null'}}`).join(',')}]`;
      // Sent together (postgres.js pipelines them on the transaction's connection): the server runs
      // them in order, so the append's snapshot is still taken once the lock is held.
      const lock = db.execute(sql`select pg_advisory_xact_lock(7260001)`);
      // (select a from src) is an uncorrelated subquery: evaluated once, its value read in place by
      // every step (a CTE scan inside the recursion would copy the whole batch at each step).
      const append = db.execute(sql`with recursive
          src as materialized (select ${batch}::jsonb as a),
          head as (select seq, hash from audit_log order by seq desc limit 1),
          chain(n, seq, prev, hash) as (
            select 0, coalesce((select seq from head), 0::bigint), ''::text, coalesce((select hash from head), repeat('0', 64))
            union all
            select c.n + 1, c.seq + 1, c.hash,
              audit_row_hash(c.seq + 1, now(), x.e->>'actor', x.e->>'action', x.e->>'entityKind', x.e->>'entityId',
                nullif(x.e->'before', 'null'::jsonb), nullif(x.e->'after', 'null'::jsonb), c.hash)
            from chain c, lateral (select (select a from src) -> c.n as e offset 0) x
            where c.n < (select jsonb_array_length(a) from src)
          ),
          ins as (
            insert into audit_log (seq, at, actor, action, entity_kind, entity_id, before, after, prev_hash, hash)
            select c.seq, now(), x.e->>'actor', x.e->>'action', x.e->>'entityKind', x.e->>'entityId',
              nullif(x.e->'before', 'null'::jsonb), nullif(x.e->'after', 'null'::jsonb), c.prev, c.hash
            from chain c, lateral (select (select a from src) -> (c.n - 1) as e offset 0) x
            where c.n > 0 order by c.n
            returning 1
          )
        select count(*)::int as n from ins`);
      const [, appended] = await Promise.all([lock, append]);
      const res = rowsOf(appended);
      if (Number(res[0]!.n) !== entries.length)
        throw new Error(`audit: appended ${String(res[0]!.n)} of ${entries.length} entries`);
    },
    /** Up to `limit` rows after seq `after`, in seq order, as text (timestamps in UTC to the microsecond). */
    async textsAfter(after: bigint, limit: number): Promise<AuditRowText[]> {
      const rows = rowsOf(
        await db.execute(sql`select seq::text as seq_text, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as at_text,
        actor, action, entity_kind, entity_id, before::text as before_text, after::text as after_text, prev_hash, hash
      from audit_log where seq > ${after.toString()}::bigint order by seq limit ${limit}`),
      );
      return rows.map((r) => ({
        seq: BigInt(r.seq_text as string),
        at: String(r.at_text),
        actor: String(r.actor),
        action: String(r.action),
        entityKind: String(r.entity_kind),
        entityId: String(r.entity_id),
        before: (r.before_text as string | null) ?? null,
        after: (r.after_text as string | null) ?? null,
        prevHash: String(r.prev_hash),
        hash: String(r.hash),
      }));
    },
    async list({
      limit,
      beforeSeq,
      entityKind,
      entityId,
      entity,
      actor,
    }: {
      limit: number;
      beforeSeq?: number;
      entityKind?: string;
      entityId?: string;
      /** The record by name or readable number (audit.names `namedBy`). */
      entity?: string;
      /** The person by username or a part of their display name (audit.names `byActor`). */
      actor?: string;
    }) {
      const rows = rowsOf(await db.execute(auditListQuery({ limit, beforeSeq, entityKind, entityId, entity, actor })));
      return rows.map((r) => ({
        seq: Number(r.seq),
        at: new Date(r.at as string).toISOString(),
        actor: String(r.actor),
        action: String(r.action),
        entityKind: String(r.entity_kind),
        entityId: String(r.entity_id),
        before: typeof r.before === 'string' ? JSON.parse(r.before) : (r.before ?? null),
        after: typeof r.after === 'string' ? JSON.parse(r.after) : (r.after ?? null),
        prevHash: String(r.prev_hash),
        hash: String(r.hash),
      }));
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;

/**
 * The audit page's statement: newest first, a page past `beforeSeq`. A record's rows (entityId,
 * or `entity` by name) come by audit_log_entity_ix (drizzle/0039), not by reading the log back
 * from its end; its plan is tested (audit.entity-index.test.ts).
 */
export function auditListQuery(f: {
  limit: number;
  beforeSeq?: number | undefined;
  entityKind?: string | undefined;
  entityId?: string | undefined;
  entity?: string | undefined;
  actor?: string | undefined;
}): SQL {
  return sql`select seq, at, actor, action, entity_kind, entity_id, before, after, prev_hash, hash from audit_log
    where (${f.beforeSeq ?? null}::bigint is null or seq < ${f.beforeSeq ?? null}::bigint)
      and (${f.entityKind ?? null}::text is null or entity_kind = ${f.entityKind ?? null}::text)
      and (${f.entityId ?? null}::text is null or entity_id = ${f.entityId ?? null}::text)
      and ${f.entity ? namedBy(f.entity) : sql`true`}
      and ${f.actor ? byActor(f.actor) : sql`true`}
    order by seq desc limit ${f.limit + 1}`;
}
