/** The audit log is written only through audit_append() (drizzle/0002_ledger.sql): hash-chained, append-only. */
import { sql } from 'drizzle-orm';
import type { Db } from '../programmes/programmes.repository';

export interface AuditEntry {
  actor: string;
  action: string;
  entityKind: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

type Row = Record<string, unknown>;
const rowsOf = (r: unknown): Row[] => (Array.isArray(r) ? r : ((r as { rows: Row[] }).rows ?? []));
const toJson = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));

export function createAuditRepository({ db }: { db: Db }) {
  return {
    async record(e: AuditEntry): Promise<void> {
      await db.execute(sql`select audit_append(${e.actor}, ${e.action}, ${e.entityKind}, ${e.entityId}, ${toJson(e.before)}::jsonb, ${toJson(e.after)}::jsonb)`);
    },
    /** Many entries in one statement, appended in the given order (bulk filing). */
    async recordMany(entries: AuditEntry[]): Promise<void> {
      if (entries.length === 0) return;
      const batch = `[${entries.map((e) => `{"actor":${JSON.stringify(e.actor)},"action":${JSON.stringify(e.action)},"entityKind":${JSON.stringify(e.entityKind)},"entityId":${JSON.stringify(e.entityId)},"before":${toJson(e.before) ?? 'null'},"after":${toJson(e.after) ?? 'null'}}`).join(',')}]`;
      await db.execute(sql`select count(*) from (select audit_append(e->>'actor', e->>'action', e->>'entityKind', e->>'entityId', nullif(e->'before', 'null'::jsonb), nullif(e->'after', 'null'::jsonb))
        from jsonb_array_elements(${batch}::jsonb) with ordinality as t(e, n) order by n) appended`);
    },
    async list({ limit, beforeSeq, entityKind, entityId }: { limit: number; beforeSeq?: number; entityKind?: string; entityId?: string }) {
      const rows = rowsOf(await db.execute(sql`select seq, at, actor, action, entity_kind, entity_id, before, after, prev_hash, hash from audit_log
        where (${beforeSeq ?? null}::bigint is null or seq < ${beforeSeq ?? null}::bigint)
          and (${entityKind ?? null}::text is null or entity_kind = ${entityKind ?? null}::text)
          and (${entityId ?? null}::text is null or entity_id = ${entityId ?? null}::text)
        order by seq desc limit ${limit + 1}`));
      return rows.map((r) => ({
        seq: Number(r.seq), at: new Date(r.at as string).toISOString(), actor: String(r.actor), action: String(r.action),
        entityKind: String(r.entity_kind), entityId: String(r.entity_id),
        before: typeof r.before === 'string' ? JSON.parse(r.before) : r.before ?? null,
        after: typeof r.after === 'string' ? JSON.parse(r.after) : r.after ?? null,
        prevHash: String(r.prev_hash), hash: String(r.hash),
      }));
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
