/** recordMany appends a batch in one statement; the chain must be the one audit_append builds row by row. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import { rowsOf } from '../shared/rows';
import { createAuditRepository, type AuditEntry } from './audit.repository';
import { readAuditLog, verifyAuditLog } from './audit.verify';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const awkward = (i: number): AuditEntry => ({
  actor: i % 2 ? 'bank-icbc' : '经办人',
  action: 'filing.create',
  entityKind: 'filing',
  entityId: `f-${i}`,
  ...(i % 3 === 0 ? { before: { status: 'active', n: i, nested: [1, [2, { x: null }]] } } : {}),
  ...(i % 5 === 4
    ? {}
    : {
        after: {
          id: `f-${i}`,
          principal: 1234567890123456789n,
          text: '贷款本金 "500,000.00" 元\\；\n\ttab \u0001 ☃ 🀄',
          ok: true,
          ratio: 0.5,
          none: null,
          list: [],
          obj: {},
        },
      }),
});

describe('audit: a batch appended in one statement', () => {
  it('writes one row per entry, in order, each hashed as audit_append hashes it, chained to the rows around it', async () => {
    const db = database.db;
    const audit = createAuditRepository({ db });
    await audit.record({ actor: 'a', action: 'first', entityKind: 'k', entityId: '0', after: { a: 1 } });
    await db.transaction(async (tx) => {
      const a = createAuditRepository({ db: tx });
      await a.recordMany(Array.from({ length: 7 }, (_, i) => awkward(i)));
      await a.record({ actor: 'a', action: 'between', entityKind: 'k', entityId: 'mid' });
      await a.recordMany([]);
      await a.recordMany(Array.from({ length: 40 }, (_, i) => awkward(100 + i)));
    });
    await audit.recordMany([awkward(1000)]);
    await audit.record({ actor: 'a', action: 'last', entityKind: 'k', entityId: 'z' });

    const rows: { seq: bigint; action: string; entityId: string }[] = [];
    for await (const r of readAuditLog(db)) rows.push(r);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => BigInt(i + 1)));
    expect(rows.map((r) => r.entityId)).toEqual([
      '0',
      ...Array.from({ length: 7 }, (_, i) => `f-${i}`),
      'mid',
      ...Array.from({ length: 40 }, (_, i) => `f-${100 + i}`),
      'f-1000',
      'z',
    ]);
    // The chain as TypeScript recomputes it, and every hash as the database's own function computes it.
    const v = await verifyAuditLog({ db });
    expect(v.violations).toEqual([]);
    expect(v.rows).toBe(rows.length);
    const [bad] = rowsOf(
      await db.execute(sql`select count(*)::int as n from audit_log a
      where a.hash <> audit_row_hash(a.seq, a.at, a.actor, a.action, a.entity_kind, a.entity_id, a.before, a.after, a.prev_hash)
         or a.prev_hash <> coalesce((select p.hash from audit_log p where p.seq = a.seq - 1), repeat('0', 64))`),
    );
    expect(bad!.n).toBe(0);
  });

  it('keeps one chain when transactions append batches and single rows at once (PostgreSQL runs them concurrently)', async () => {
    const db = database.db;
    await Promise.all(
      Array.from({ length: 4 }, (_, t) =>
        db.transaction(async (tx) => {
          const a = createAuditRepository({ db: tx });
          await a.record({ actor: `t${t}`, action: 'single', entityKind: 'k', entityId: `${t}` });
          await a.recordMany(Array.from({ length: 25 }, (_, i) => awkward(2000 + t * 100 + i)));
        }),
      ),
    );
    const v = await verifyAuditLog({ db });
    expect(v.violations).toEqual([]);
    const [n] = rowsOf(
      await db.execute(
        sql`select count(*)::int as n from audit_log where entity_id like 'f-2%' and length(entity_id) = 6`,
      ),
    );
    expect(n!.n).toBe(100);
  });

  it('stores each entry as given: before and after as JSON (bigints as strings), absent ones as NULL', async () => {
    const db = database.db;
    await createAuditRepository({ db }).recordMany([awkward(3), awkward(4)]);
    const got = rowsOf(
      await db.execute(
        sql`select entity_id, actor, before, after from audit_log where entity_id in ('f-3', 'f-4') order by seq desc limit 2`,
      ),
    ).reverse();
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(got.map((r) => ({ id: r.entity_id, actor: r.actor, before: json(r.before), after: json(r.after) }))).toEqual(
      [
        {
          id: 'f-3',
          actor: 'bank-icbc',
          before: awkward(3).before,
          after: { ...(awkward(3).after as object), principal: '1234567890123456789' },
        },
        { id: 'f-4', actor: '经办人', before: null, after: null },
      ],
    );
  });
});
