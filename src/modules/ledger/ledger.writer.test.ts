import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import { rowsOf } from '../shared/rows';
import { verifyLedger } from './ledger.verify';
import { createLedgerRepository, DEBITS_MUST_NOT_EXCEED_CREDITS, type LedgerRepository } from './ledger.repository';
import { createLedgerWriter } from './ledger.writer';

let database: Database;
let ledger: LedgerRepository;
const CAPACITY = 10_000n;

beforeAll(async () => {
  database = await openTestDatabase();
  ledger = createLedgerRepository({ db: database.db });
  await ledger.createAccounts([
    { id: 'w:limit', ledger: 'liability', code: 'limit' },
    { id: 'w:capacity', ledger: 'liability', code: 'capacity', flags: DEBITS_MUST_NOT_EXCEED_CREDITS },
    ...Array.from({ length: 8 }, (_, i) => ({ id: `w:exposure:${i}`, ledger: 'liability' as const, code: 'exposure' })),
  ]);
  expect(
    await ledger.apply([{ id: 'w:set', debit: 'w:limit', credit: 'w:capacity', amount: CAPACITY, code: 'set-limit' }]),
  ).toEqual(['ok']);
});
afterAll(async () => {
  await database.close();
});

const reserve = (id: string, amount: bigint, i = 0) => ({
  id,
  debit: 'w:capacity',
  credit: `w:exposure:${i % 8}`,
  amount,
  code: 'reserve',
});
const batchesWritten = async () =>
  Number(
    rowsOf(await database.db.execute(sql`select count(*)::int as n from audit_log where action = 'ledger.batch'`))[0]!
      .n,
  );

describe('the ledger writer (group commit)', () => {
  it('answers each of many concurrent submissions on its own, in fewer batches than submissions, never beyond the limit', async () => {
    const writer = createLedgerWriter({ db: database.db });
    const before = await batchesWritten();
    // 40 × 300 = 12,000 asked of a capacity of 10,000: exactly 33 fit (9,900).
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => writer.apply([reserve(`w:r:${i}`, 300n, i)], 'bank-user')),
    );
    expect(answers.every((a) => a.length === 1)).toBe(true);
    expect(answers.filter((a) => a[0] === 'ok')).toHaveLength(33);
    expect(answers.filter((a) => a[0] === 'exceeds_credits')).toHaveLength(7);
    // The first submission went alone; the 39 that waited for it went together.
    expect((await batchesWritten()) - before).toBeLessThan(40);
    expect(await ledger.account('w:capacity')).toMatchObject({ debitsPosted: 9_900n, creditsPosted: CAPACITY });
  });

  it('gives a duplicate id in a later submission of the same group the answer it would get alone', async () => {
    const writer = createLedgerWriter({ db: database.db });
    const [a, b, c] = await Promise.all([
      writer.apply([reserve('w:dup', 10n)]),
      writer.apply([reserve('w:dup', 10n)]),
      writer.apply([reserve('w:dup', 11n)]),
    ]);
    expect([a, b, c]).toEqual([['ok'], ['exists'], ['exists_with_different_amount']]);
  });

  it('runs a unit whose finish throws alone: its caller gets the error, nothing of it is written, the others are unharmed', async () => {
    const writer = createLedgerWriter({ db: database.db });
    const settled = await Promise.allSettled([
      writer.submit({ transfers: [reserve('w:f1', 1n)], actor: 'a' }),
      writer.submit({
        transfers: [reserve('w:f2', 1n)],
        actor: 'a',
        finish: async () => {
          throw new Error('the filing row could not be written');
        },
      }),
      writer.submit({ transfers: [reserve('w:f3', 1n)], actor: 'a', finish: async (_tx, results) => results[0] }),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.message).toMatch(/filing row/);
    expect((settled[2] as PromiseFulfilledResult<{ value: unknown }>).value.value).toBe('ok');
    const ids = rowsOf(
      await database.db.execute(sql`select id from ledger_transfers where id in ('w:f1', 'w:f2', 'w:f3') order by id`),
    );
    expect(ids.map((r) => r.id)).toEqual(['w:f1', 'w:f3']);
  });

  it('never lets a chain left open run into the next submission', async () => {
    const writer = createLedgerWriter({ db: database.db });
    const [open, next] = await Promise.all([
      writer.apply([{ ...reserve('w:open', 1n), linked: true }]),
      writer.apply([reserve('w:after-open', 1n)]),
    ]);
    expect(open).toEqual(['linked_event_chain_open']);
    expect(next).toEqual(['ok']);
    expect((await verifyLedger({ db: database.db })).violations).toEqual([]);
  });
});
