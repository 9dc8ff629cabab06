/**
 * A record's audit rows are found by audit_log_entity_ix (drizzle/0039), not by reading the log:
 * a loan's own row for its proof, its amendments, the audit page filtered by a record or searched by
 * its name — each planned on a log of 20,000 rows as an index scan of that index, with no sort.
 * (The rows are inserted straight, without their chain: only the plans are asked about here.)
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import { rowsOf } from '../shared/rows';
import { amendmentsQuery, ownAuditRowQuery } from '../filings/filing.chunk';
import { auditListQuery } from './audit.repository';

const database = await openTestDatabase();

beforeAll(async () => {
  await database.db
    .execute(sql`insert into audit_log (seq, at, actor, action, entity_kind, entity_id, before, after, prev_hash, hash)
    select g, now(), 'officer', case when g % 7 = 0 then 'filing.amend' else 'filing.create' end, 'filing', 'f-' || (g % 5000),
      null, '{}'::jsonb, 'x', 'x'
    from generate_series(1, 20000) g`);
  await database.db.execute(sql`analyze audit_log`);
});
afterAll(() => database.close());

const plan = async (statement: SQL) =>
  JSON.stringify(
    rowsOf(
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        return tx.execute(sql`explain (format json) ${statement}`);
      }),
    ),
  );

describe('a record’s audit rows', () => {
  it('come by audit_log_entity_ix, in order', async () => {
    for (const [what, statement] of [
      ['a loan’s own row (its proof)', ownAuditRowQuery('f-42')],
      ['a chunk’s amendments (a proof, verify)', amendmentsQuery(['f-1', 'f-2', 'f-3'])],
      ['the audit page filtered by a record', auditListQuery({ limit: 50, entityKind: 'filing', entityId: 'f-42' })],
      ['its next page', auditListQuery({ limit: 50, entityKind: 'filing', entityId: 'f-42', beforeSeq: 10000 })],
    ] as const) {
      const p = await plan(statement);
      expect(p, what).toContain('audit_log_entity_ix');
      expect(p, what).not.toContain('"Seq Scan"');
    }
  });

  it('answers the page filtered by a record with its rows only, newest first', async () => {
    const rows = rowsOf(
      await database.db.execute(auditListQuery({ limit: 2, entityKind: 'filing', entityId: 'f-42' })),
    );
    expect(rows.map((r) => Number(r.seq))).toEqual([15042, 10042, 5042]);
  });
});
