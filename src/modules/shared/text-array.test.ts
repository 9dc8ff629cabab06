import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../adapters/db/database';
import { openTestDatabase } from '../../adapters/db/testing';
import { rowsOf } from './rows';
import { textArray } from './text-array';

let database: Database;
beforeAll(async () => { database = await openTestDatabase(); });
afterAll(async () => database?.close());

const roundTrip = async (values: string[]) =>
  rowsOf(await database.db.execute(sql`select v from unnest(${textArray(values)}::text[]) with ordinality as u(v, n) order by n`)).map((r) => String(r.v));

describe('textArray', () => {
  it('comes back from the database as the texts it was given, in order', async () => {
    expect(await roundTrip(['{"a":"b\\"c"}', 'back\\slash', '', 'NULL', ' spaced ', '逗号,和{括号}', '"'])).toEqual(['{"a":"b\\"c"}', 'back\\slash', '', 'NULL', ' spaced ', '逗号,和{括号}', '"']);
  });

  it('round-trips any texts without U+0000', async () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replaceAll('\u0000', ''));
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(text, fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null')), { minLength: 1, maxLength: 20 }), async (values) => {
      expect(await roundTrip(values)).toEqual(values);
    }), { numRuns: 150 });
  });
});
