/**
 * 64 clients race to reserve 1.5× a fund's capacity on real PostgreSQL (PGlite runs one
 * transaction at a time and cannot show a race). The ledger must reserve exactly the capacity and
 * refuse the rest; a deliberately broken variant (read the balance, check in the app, write back)
 * must be caught overspending, which shows this test can fail.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, onPostgres } from '../../src/adapters/db/testing';
import { openDatabase, type Database } from '../../src/adapters/db/database';
import { createLedgerRepository, DEBITS_MUST_NOT_EXCEED_CREDITS } from '../../src/modules/ledger/ledger.repository';
import { createLedgerWriter } from '../../src/modules/ledger/ledger.writer';

const CLIENTS = 64;
const CAPACITY = 64_000n; // fen
const EACH = 1_500n; // 64 × 1,500 = 96,000 = 1.5 × capacity

describe.runIf(onPostgres)(
  'concurrent exhaustion (PostgreSQL only: PGlite serialises every transaction; run npm run test:pg)',
  () => {
    let database: Database & { url?: string };
    let url: string;
    beforeAll(async () => {
      database = await openTestDatabase();
      url = database.url!;
    });
    afterAll(async () => {
      await database.close();
    });

    async function setUp(prefix: string) {
      const ledger = createLedgerRepository({ db: database.db });
      await ledger.createAccounts([
        { id: `${prefix}:limit`, ledger: 'liability', code: 'limit' },
        { id: `${prefix}:capacity`, ledger: 'liability', code: 'capacity', flags: DEBITS_MUST_NOT_EXCEED_CREDITS },
        ...Array.from({ length: CLIENTS }, (_, i) => ({
          id: `${prefix}:exposure:${i}`,
          ledger: 'liability' as const,
          code: 'exposure',
        })),
      ]);
      expect(
        await ledger.apply([
          {
            id: `${prefix}:set-limit`,
            debit: `${prefix}:limit`,
            credit: `${prefix}:capacity`,
            amount: CAPACITY,
            code: 'set-limit',
          },
        ]),
      ).toEqual(['ok']);
    }

    /** Each client its own connection, all released at once. */
    async function race(work: (sql: postgres.Sql, i: number) => Promise<boolean>) {
      const clients = Array.from({ length: CLIENTS }, () => postgres(url, { max: 1, onnotice: () => {} }));
      await Promise.all(clients.map((c) => c`select 1`));
      const results = await Promise.all(clients.map((c, i) => work(c, i)));
      await Promise.all(clients.map((c) => c.end()));
      return results.filter(Boolean).length;
    }

    async function query<T>(run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        return await run(sql);
      } finally {
        await sql.end();
      }
    }

    async function reserved(prefix: string) {
      const [row] = await query(
        (sql) => sql`select debits_posted, credits_posted from ledger_accounts where id = ${`${prefix}:capacity`}`,
      );
      return { debits: BigInt(row!.debits_posted), credits: BigInt(row!.credits_posted) };
    }

    it('reserves exactly the capacity through ledger_apply and refuses the rest', async () => {
      await setUp('good');
      const ok = await race(async (sql, i) => {
        const [r] =
          await sql`select ledger_apply(${sql.json([{ id: `good:reserve:${i}`, debit: 'good:capacity', credit: `good:exposure:${i}`, amount: EACH.toString(), code: 'reserve' }])}::jsonb) as results`;
        return (r!.results as string[])[0] === 'ok';
      });
      expect(BigInt(ok) * EACH).toBeLessThanOrEqual(CAPACITY);
      expect(ok).toBe(Number(CAPACITY / EACH)); // 42 fit; 22 are refused
      const { debits, credits } = await reserved('good');
      expect(debits).toBe(BigInt(ok) * EACH);
      expect(debits <= credits).toBe(true);
      const [sums] = await query(
        (sql) => sql`select sum(debits_posted) d, sum(credits_posted) c from ledger_accounts where id like 'good:%'`,
      );
      expect(sums!.d).toBe(sums!.c); // conservation
    });

    it('reserves exactly the capacity through two group-commit writers racing each other and direct callers', async () => {
      await setUp('grouped');
      const pools = [await openDatabase({ url }), await openDatabase({ url })];
      try {
        const writers = pools.map((p) => createLedgerWriter({ db: p.db }));
        const reserve = (i: number) => ({
          id: `grouped:reserve:${i}`,
          debit: 'grouped:capacity',
          credit: `grouped:exposure:${i}`,
          amount: EACH,
          code: 'reserve',
        });
        const direct = race(async (sql, i) => {
          if (i % 4 !== 0) return false;
          const [r] =
            await sql`select ledger_apply(${sql.json([{ ...reserve(i), amount: EACH.toString() }])}::jsonb) as results`;
          return (r!.results as string[])[0] === 'ok';
        });
        const grouped = Promise.all(
          Array.from({ length: CLIENTS }, (_, i) => i)
            .filter((i) => i % 4 !== 0)
            .map(async (i) => (await writers[i % 2]!.apply([reserve(i)]))[0] === 'ok'),
        );
        const ok = (await direct) + (await grouped).filter(Boolean).length;
        expect(ok).toBe(Number(CAPACITY / EACH));
        const { debits, credits } = await reserved('grouped');
        expect(debits).toBe(BigInt(ok) * EACH);
        expect(debits <= credits).toBe(true);
      } finally {
        await Promise.all(pools.map((p) => p.close()));
      }
    });

    it('the broken variant (read, check in the app, write back) overspends: the test can fail', async () => {
      await setUp('broken');
      const ok = await race(async (sql) =>
        sql.begin(async (tx) => {
          const [a] = await tx`select debits_posted, credits_posted from ledger_accounts where id = 'broken:capacity'`;
          const available = BigInt(a!.credits_posted) - BigInt(a!.debits_posted);
          if (available < EACH) return false;
          await new Promise((r) => setTimeout(r, 5)); // the window every real request has
          await tx`update ledger_accounts set debits_posted = ${(BigInt(a!.debits_posted) + EACH).toString()} where id = 'broken:capacity'`;
          return true;
        }),
      );
      const { debits, credits } = await reserved('broken');
      expect(BigInt(ok) * EACH).toBeGreaterThan(CAPACITY); // it said yes to more than there was …
      expect(debits).toBeLessThan(BigInt(ok) * EACH); // … and lost updates besides
      expect(credits).toBe(CAPACITY);
    });
  },
);
