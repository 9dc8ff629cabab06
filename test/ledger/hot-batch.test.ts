/**
 * A big batch on a few hot accounts (drizzle/0006_ledger_batch_in_memory.sql: ledger_apply keeps the
 * locked accounts' totals in memory and updates each account once at the end). The same transfers
 * sent as ONE batch and as one batch per chain (a lone transfer, or a linked chain) must give the same
 * replies, the same account totals and versions and the same balance history, equal to the reference
 * model; and `ledger verify` must stay clean. The generated batches mix singles, pendings, posts and
 * voids of pendings created earlier in the same batch (in full, in part, twice), linked chains that
 * fail after touching the hot accounts, duplicate ids, limit accounts driven to their limit, the other
 * ledger and a missing account. Seeded: LEDGER_SEED=<seed> npx vitest run test/ledger/hot-batch.test.ts
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../src/adapters/db/testing';
import type { Database } from '../../src/adapters/db/database';
import { LedgerModel, MAX_AMOUNT, type TransferRequest } from '../../src/core/ledger/model';
import { createLedgerRepository, type LedgerRepository } from '../../src/modules/ledger/ledger.repository';
import { verifyLedger } from '../../src/modules/ledger/ledger.verify';

const SEED = Number(process.env.LEDGER_SEED ?? Math.floor(Math.random() * 2 ** 31));
const KEYS = [
  { key: 'a', ledger: 'liability', flags: 4 },
  { key: 'b', ledger: 'liability', flags: 1 | 4 },
  { key: 'c', ledger: 'liability', flags: 2 },
  { key: 'd', ledger: 'liability', flags: 3 | 4 },
  { key: 'e', ledger: 'cny', flags: 4 },
] as const;

let database: Database;
let ledger: LedgerRepository;
beforeAll(async () => {
  database = await openTestDatabase();
  ledger = createLedgerRepository({ db: database.db });
});
afterAll(async () => {
  await database.close();
});

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n transfers (ids without prefix), nearly all on the hot accounts a, b and c. */
function generate(seed: number, n: number): TransferRequest[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const account = () => (r() < 0.96 ? pick(['a', 'b', 'c']) : pick(['d', 'e', 'ghost']));
  const amount = () => {
    const x = r();
    if (x < 0.45) return BigInt(1 + Math.floor(r() * 50));
    if (x < 0.9) return BigInt(1 + Math.floor(r() * 2_000));
    if (x < 0.97) return BigInt(1 + Math.floor(r() * 100_000));
    return pick([MAX_AMOUNT, 1n << 62n, 0n]);
  };
  const out: TransferRequest[] = [];
  const pendings: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const chain = r() < 0.25 ? 2 + Math.floor(r() * 3) : 1;
    for (let j = 0; j < chain; j++) {
      const linked = j < chain - 1;
      const x = r();
      let t: TransferRequest;
      if (x < 0.05 && out.length > 0) {
        // a duplicate id: the same content, or other content
        const prev = pick(out);
        t = r() < 0.5 ? { ...prev } : { ...prev, amount: prev.amount === MAX_AMOUNT ? 1n : (prev.amount ?? 0n) + 1n };
      } else if (x < 0.3 && pendings.length > 0) {
        const kind = r() < 0.7 ? ('post' as const) : ('void' as const);
        const pendingId =
          r() < 0.8 ? pendings.at(-1 - Math.floor(r() * Math.min(4, pendings.length)))! : pick(pendings);
        t = { id: `t${i}.${j}`, kind, pendingId, amount: r() < 0.5 ? 0n : BigInt(1 + Math.floor(r() * 1_000)) };
      } else {
        const kind = r() < 0.35 ? ('pending' as const) : ('single' as const);
        t = {
          id: `t${i}.${j}`,
          kind,
          debit: account(),
          credit: account(),
          amount: amount(),
          code: r() < 0.9 ? 'x' : 'y',
        };
        if (kind === 'pending') pendings.push(t.id);
      }
      out.push({ ...t, linked });
    }
  }
  return out;
}

const prefixed = (p: string, batch: TransferRequest[]) =>
  batch.map((t) => ({
    ...t,
    id: p + t.id,
    ...(t.debit ? { debit: p + t.debit } : {}),
    ...(t.credit ? { credit: p + t.credit } : {}),
    ...(t.pendingId ? { pendingId: p + t.pendingId } : {}),
  }));

/** The batch cut where ledger_apply cuts it: after each transfer that is not linked (a last open chain stays whole). */
function chains(batch: TransferRequest[]): TransferRequest[][] {
  const out: TransferRequest[][] = [];
  let cur: TransferRequest[] = [];
  for (const t of batch) {
    cur.push(t);
    if (!t.linked) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

async function setUp(p: string, model: LedgerModel) {
  await ledger.createAccounts(KEYS.map((a) => ({ id: p + a.key, ledger: a.ledger, code: a.key, flags: a.flags })));
  for (const a of KEYS) model.createAccount({ id: p + a.key, ledger: a.ledger, flags: a.flags });
  // b (debits ≤ credits) and c (credits ≤ debits) start with a little room, so their limits are hit often
  const fund = [
    { id: `${p}fund-b`, debit: `${p}a`, credit: `${p}b`, amount: 20_000n, code: 'x' },
    { id: `${p}fund-c`, debit: `${p}c`, credit: `${p}a`, amount: 20_000n, code: 'x' },
  ];
  expect(await ledger.apply(fund)).toEqual(model.apply(fund));
}

async function stateOf(p: string) {
  const out: Record<string, unknown> = {};
  for (const a of KEYS) {
    const acc = (await ledger.account(p + a.key))!;
    const rows = (await database.db
      .execute(sql`select version::text v, transfer_id, debits_pending::text dp, debits_posted::text dpo, credits_pending::text cp, credits_posted::text cpo
      from ledger_balances where account_id = ${p + a.key} order by ledger_balances.version`)) as unknown as
      { rows?: Record<string, string>[] } | Record<string, string>[];
    const list = Array.isArray(rows) ? rows : (rows.rows ?? []);
    out[a.key] = {
      totals: [acc.debitsPending, acc.debitsPosted, acc.creditsPending, acc.creditsPosted, acc.version]
        .map(String)
        .join(' '),
      history: list.map((h) => `${h.v} ${h.transfer_id!.slice(p.length)} ${h.dp} ${h.dpo} ${h.cp} ${h.cpo}`),
    };
  }
  return out;
}

describe('a big batch on a few hot accounts', () => {
  for (const [k, n] of [
    [0, 300],
    [1, 300],
    [2, 600],
  ] as const) {
    it(`one batch of ${n} transfers = one batch per chain = the model; verify clean (seed ${SEED}+${k})`, async () => {
      const transfers = generate(SEED + k, n);
      const big = `hb${k}:`;
      const small = `hs${k}:`;
      const bigModel = new LedgerModel();
      const smallModel = new LedgerModel();
      await setUp(big, bigModel);
      await setUp(small, smallModel);

      const batch = prefixed(big, transfers);
      const bigResults = await ledger.apply(batch);
      expect(bigResults).toEqual(bigModel.apply(batch));

      const smallResults: string[] = [];
      for (const c of chains(prefixed(small, transfers))) {
        const got = await ledger.apply(c);
        expect(got).toEqual(smallModel.apply(c));
        smallResults.push(...got);
      }
      expect(bigResults).toEqual(smallResults);
      // the batch did exercise what it is meant to
      expect(bigResults.filter((x) => x === 'ok').length).toBeGreaterThan(n / 8);
      expect(bigResults).toContain('linked_event_failed');
      expect(bigResults.some((x) => x === 'exceeds_credits' || x === 'exceeds_debits')).toBe(true);

      const bigState = await stateOf(big);
      expect(bigState).toEqual(await stateOf(small));
      for (const a of KEYS) {
        const m = bigModel.account(big + a.key)!;
        expect((bigState[a.key] as { totals: string }).totals).toBe(
          [m.debitsPending, m.debitsPosted, m.creditsPending, m.creditsPosted, m.version].map(String).join(' '),
        );
        expect((bigState[a.key] as { history: string[] }).history).toEqual(
          bigModel
            .history(big + a.key)
            .map(
              (h) =>
                `${h.version} ${h.transferId.slice(big.length)} ${h.debitsPending} ${h.debitsPosted} ${h.creditsPending} ${h.creditsPosted}`,
            ),
        );
      }
      // a replay of the whole batch changes nothing and answers from the stored results
      const before = await stateOf(big);
      const replay = await ledger.apply(batch);
      expect(replay.every((x) => x !== 'ok')).toBe(true);
      expect(await stateOf(big)).toEqual(before);
      expect((await verifyLedger({ db: database.db })).violations).toEqual([]);
    }, 120_000);
  }

  it('2,000 transfers alternating between two hot accounts, and 500 linked pairs: every total and version once, history gap-free', async () => {
    await ledger.createAccounts([
      { id: 'alt:a', ledger: 'liability', code: 'x', flags: 4 },
      { id: 'alt:b', ledger: 'liability', code: 'x', flags: 1 | 4 },
    ]);
    expect(
      await ledger.apply([{ id: 'alt:fund', debit: 'alt:a', credit: 'alt:b', amount: 1_000n, code: 'x' }]),
    ).toEqual(['ok']);
    const alternating = Array.from({ length: 2_000 }, (_, j) => ({
      id: `alt:${j}`,
      debit: j % 2 ? 'alt:a' : 'alt:b',
      credit: j % 2 ? 'alt:b' : 'alt:a',
      amount: 1_000n,
      code: 'x',
    }));
    expect(await ledger.apply(alternating)).toEqual(alternating.map(() => 'ok'));
    // pairs: b pays 1,000 then gets it back; every third pair asks for 1 fen more than b has, so it fails whole
    const pairs = Array.from({ length: 500 }, (_, j) => [
      {
        id: `pair:${j}:1`,
        debit: 'alt:b',
        credit: 'alt:a',
        amount: j % 3 === 2 ? 1_001n : 1_000n,
        code: 'x',
        linked: true,
      },
      { id: `pair:${j}:2`, debit: 'alt:a', credit: 'alt:b', amount: j % 3 === 2 ? 1_001n : 1_000n, code: 'x' },
    ]).flat();
    const results = await ledger.apply(pairs);
    expect(results).toEqual(
      pairs.map((t, i) =>
        Math.floor(i / 2) % 3 === 2 ? (i % 2 === 0 ? 'exceeds_credits' : 'linked_event_failed') : 'ok',
      ),
    );
    const ok = 1 + 2_000 + results.filter((x) => x === 'ok').length;
    expect(results.filter((x) => x === 'ok').length).toBe(2 * 334);
    const a = (await ledger.account('alt:a'))!;
    const b = (await ledger.account('alt:b'))!;
    expect(a.version).toBe(BigInt(ok));
    expect(b.version).toBe(BigInt(ok));
    expect(b.creditsPosted - b.debitsPosted).toBe(1_000n);
    expect((await verifyLedger({ db: database.db })).violations).toEqual([]);
  }, 120_000);
});
