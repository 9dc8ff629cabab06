import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../adapters/db/database';
import { openTestDatabase } from '../../adapters/db/testing';
import { anyOfTexts, jsonTexts } from './json-texts';
import { rowsOf } from './rows';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

const roundTrip = async (values: unknown[]) =>
  rowsOf(
    await database.db.execute(
      sql`select d.value::text as v from ${jsonTexts(
        values.map((v) => JSON.stringify(v) ?? 'null'),
        'd',
      )} order by d.n`,
    ),
  ).map((r) => JSON.parse(String(r.v)) as unknown);

describe('jsonTexts', () => {
  it('comes back from the database as the values it was given, in order', async () => {
    const values = [
      { a: 'b"c', d: ['\u001e', '\\', '逗号,{括号}'] },
      'text',
      '',
      null,
      1.5,
      [],
      { message: '企业注册在开发区：是' },
    ];
    expect(await roundTrip(values)).toEqual(values);
  });

  it('round-trips any JSON values, control characters included', async () => {
    const control = fc.string({
      unit: fc.integer({ min: 1, max: 0x1f }).map((c) => String.fromCharCode(c)),
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.jsonValue(), control, fc.dictionary(control, control)), { minLength: 1, maxLength: 20 }),
        async (values) => {
          expect(await roundTrip(values)).toEqual(JSON.parse(JSON.stringify(values)));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('anyOfTexts', () => {
  it('matches exactly the texts given, none besides', async () => {
    const rows = rowsOf(
      await database.db.execute(
        sql`select v from (values ('a'), ('b'), ('c"d'), ('e\\')) as t(v) where v = ${anyOfTexts(['a', 'c"d', 'e\\', 'zzz'])} order by v`,
      ),
    );
    expect(rows.map((r) => r.v)).toEqual(['a', 'c"d', 'e\\']);
    expect(rowsOf(await database.db.execute(sql`select 1 as one where 'a' = ${anyOfTexts([])}`))).toEqual([]);
  });
});
