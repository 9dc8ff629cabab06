/**
 * Model-based property test: random sequences of ledger batches (single, pending, post in full or
 * in part, void, linked chains, duplicate ids with the same or other content, limit-flag accounts,
 * edge amounts from 1 fen to 2^63 − 1) go to the database and to the in-memory reference model
 * (src/core/ledger/model.ts). Every reply must equal the model's; after each sequence every
 * account's totals and balance history must equal the model's, and `ledger verify` must be clean.
 * Seeded and replayable: LEDGER_SEED=<seed printed below> npx vitest run test/ledger/model-based.test.ts
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../src/adapters/db/testing';
import type { Database } from '../../src/adapters/db/database';
import { LedgerModel, MAX_AMOUNT, type TransferRequest } from '../../src/core/ledger/model';
import { createLedgerRepository, type LedgerRepository } from '../../src/modules/ledger/ledger.repository';
import { verifyLedger } from '../../src/modules/ledger/ledger.verify';

const SEED = Number(process.env.LEDGER_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.LEDGER_RUNS ?? 40);

// a: plain, b: debits ≤ credits (a capacity), c: credits ≤ debits (cash), d: both flags, e: the other ledger;
// all but c keep their balance history (flag 4), c its totals only — both kinds are held to the model
const ACCOUNTS = [
  { key: 'a', ledger: 'liability', flags: 4 },
  { key: 'b', ledger: 'liability', flags: 1 | 4 },
  { key: 'c', ledger: 'liability', flags: 2 },
  { key: 'd', ledger: 'liability', flags: 3 | 4 },
  { key: 'e', ledger: 'cny', flags: 4 },
] as const;
const accountKey = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('a', 'b', 'c') },
  { weight: 1, arbitrary: fc.constantFrom('d', 'e', 'ghost') },
);
const idKey = fc.integer({ min: 0, max: 40 }).map((i) => `t${i}`);
const linked = fc.integer({ min: 0, max: 5 }).map((x) => x === 0);
const amount = fc.oneof(
  { weight: 2, arbitrary: fc.constant(1n) },
  { weight: 6, arbitrary: fc.bigInt({ min: 1n, max: 1_000n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 100_000_000n }) },
  { weight: 1, arbitrary: fc.constantFrom(MAX_AMOUNT, MAX_AMOUNT - 1n, 1n << 62n, (1n << 62n) + 1n, 0n) },
);

/** 'rest' resolves, when the batch is sent, to exactly what the limit-flagged side has left (±1 fen): the boundary. */
type Rest = 'rest-1' | 'rest' | 'rest+1';
type Op =
  | {
      transfers: (Omit<TransferRequest, 'amount'> & {
        amount?: bigint | Rest;
        debitKey?: string;
        creditKey?: string;
      })[];
    }
  | { replay: number };
const rest = fc.constantFrom<Rest>('rest-1', 'rest', 'rest+1');

const transfer = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      id: idKey,
      kind: fc.constantFrom('single' as const, 'pending' as const),
      debitKey: accountKey,
      creditKey: accountKey,
      amount: fc.oneof({ weight: 3, arbitrary: amount }, { weight: 2, arbitrary: rest }),
      code: fc.constantFrom('x', 'x', 'y'),
      linked,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      id: idKey,
      kind: fc.constantFrom('post' as const, 'void' as const),
      pendingId: fc.oneof({ weight: 3, arbitrary: fc.constant('open') }, { weight: 1, arbitrary: idKey }),
      amount: fc.oneof(fc.constant(0n), amount),
      linked,
    }),
  },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.array(transfer, { minLength: 1, maxLength: 4 }).map((transfers) => ({ transfers })) },
  { weight: 1, arbitrary: fc.nat(50).map((replay) => ({ replay })) },
);

let database: Database;
let ledger: LedgerRepository;
beforeAll(async () => {
  database = await openTestDatabase();
  ledger = createLedgerRepository({ db: database.db });
});
afterAll(async () => {
  await database.close();
});

let runNo = 0;
const STATS = new Map<string, number>();
afterAll(() => {
  if (process.env.LEDGER_STATS) console.log(Object.fromEntries(STATS));
});

/** 'open': the latest pending transfer not yet resolved (or resolved, now and then, to try twice). */
function openPending(model: LedgerModel, p: string): string {
  const log = model.transfers();
  const resolved = new Set(log.map((t) => t.pendingId));
  const pendings = log.filter((t) => t.kind === 'pending');
  return (pendings.findLast((t) => !resolved.has(t.id)) ?? pendings.at(-1))?.id ?? `${p}none`;
}

function restOf(model: LedgerModel, debit: string, credit: string, which: Rest): bigint {
  const d = model.account(debit);
  const c = model.account(credit);
  let left = 1n;
  if (d && d.flags & 1) left = d.creditsPosted - d.debitsPending - d.debitsPosted;
  else if (c && c.flags & 2) left = c.debitsPosted - c.creditsPending - c.creditsPosted;
  const x = left + (which === 'rest-1' ? -1n : which === 'rest+1' ? 1n : 0n);
  return x < 0n ? 0n : x > MAX_AMOUNT ? MAX_AMOUNT : x;
}

async function runSequence(ops: Op[]) {
  const p = `m${++runNo}:`;
  const model = new LedgerModel();
  await ledger.createAccounts(ACCOUNTS.map((a) => ({ id: p + a.key, ledger: a.ledger, code: a.key, flags: a.flags })));
  for (const a of ACCOUNTS) model.createAccount({ id: p + a.key, ledger: a.ledger, flags: a.flags });
  // b (debits ≤ credits) and c (credits ≤ debits) start with room, so the limits are reached from both sides
  const sent: TransferRequest[][] = [
    [
      { id: `${p}fund-b`, debit: `${p}a`, credit: `${p}b`, amount: 5_000n, code: 'x' },
      { id: `${p}fund-c`, debit: `${p}c`, credit: `${p}a`, amount: 5_000n, code: 'x' },
    ],
  ];
  expect(await ledger.apply(sent[0]!)).toEqual(model.apply(sent[0]!));
  for (const o of ops) {
    let batch: TransferRequest[];
    if ('replay' in o) {
      if (sent.length === 0) continue;
      batch = sent[o.replay % sent.length]!;
    } else {
      batch = o.transfers.map(({ debitKey, creditKey, amount: a, ...t }) => ({
        ...t,
        id: p + t.id,
        ...(a === undefined
          ? {}
          : { amount: typeof a === 'bigint' ? a : restOf(model, p + debitKey, p + creditKey, a) }),
        ...(t.pendingId ? { pendingId: t.pendingId === 'open' ? openPending(model, p) : p + t.pendingId } : {}),
        ...(debitKey ? { debit: p + debitKey } : {}),
        ...(creditKey ? { credit: p + creditKey } : {}),
      }));
    }
    sent.push(batch);
    const expected = model.apply(batch);
    const got = await ledger.apply(batch);
    if (process.env.LEDGER_STATS) for (const r of got) STATS.set(r, (STATS.get(r) ?? 0) + 1);
    expect(got, `batch ${JSON.stringify(batch, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`).toEqual(expected);
  }
  for (const a of ACCOUNTS) {
    const m = model.account(p + a.key)!;
    expect(await ledger.account(p + a.key)).toMatchObject({
      debitsPending: m.debitsPending,
      debitsPosted: m.debitsPosted,
      creditsPending: m.creditsPending,
      creditsPosted: m.creditsPosted,
      version: m.version,
    });
    const rows = (await database.db
      .execute(sql`select version::text v, transfer_id, debits_pending::text dp, debits_posted::text dpo, credits_pending::text cp, credits_posted::text cpo
      from ledger_balances where account_id = ${p + a.key} order by ledger_balances.version`)) as unknown as
      { rows?: Record<string, string>[] } | Record<string, string>[];
    const list = Array.isArray(rows) ? rows : (rows.rows ?? []);
    expect(list.map((r) => `${r.v} ${r.transfer_id} ${r.dp} ${r.dpo} ${r.cp} ${r.cpo}`)).toEqual(
      model
        .history(p + a.key)
        .map(
          (h) =>
            `${h.version} ${h.transferId} ${h.debitsPending} ${h.debitsPosted} ${h.creditsPending} ${h.creditsPosted}`,
        ),
    );
  }
  const report = await verifyLedger({ db: database.db });
  expect(report.violations).toEqual([]);
}

describe('ledger against its reference model', () => {
  it(`every reply, balance and history version equals the model's; verify stays clean (seed ${SEED})`, async () => {
    console.log(`model-based ledger test: seed ${SEED}, ${RUNS} runs (replay with LEDGER_SEED=${SEED})`);
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), runSequence), {
      seed: SEED,
      numRuns: RUNS,
      endOnFailure: true,
    });
  }, 240_000);

  it('the model itself: a few fixed cases it must get right (so a wrong model cannot agree with a wrong database unnoticed)', () => {
    const m = new LedgerModel();
    m.createAccount({ id: 'cap', ledger: 'liability', flags: 1 });
    m.createAccount({ id: 'lim', ledger: 'liability' });
    m.createAccount({ id: 'exp', ledger: 'liability' });
    expect(m.apply([{ id: 'set', debit: 'lim', credit: 'cap', amount: 10n }])).toEqual(['ok']);
    expect(m.apply([{ id: 'r1', debit: 'cap', credit: 'exp', amount: 11n }])).toEqual(['exceeds_credits']);
    expect(m.apply([{ id: 'r1', debit: 'cap', credit: 'exp', amount: 1n }])).toEqual(['id_already_failed']);
    expect(
      m.apply([
        { id: 'p', kind: 'pending', debit: 'cap', credit: 'exp', amount: 6n, linked: true },
        { id: 'q', kind: 'pending', debit: 'cap', credit: 'exp', amount: 5n },
      ]),
    ).toEqual(['linked_event_failed', 'exceeds_credits']);
    expect(
      m.apply([
        { id: 'p', kind: 'pending', debit: 'cap', credit: 'exp', amount: 6n },
        { id: 'pp', kind: 'post', pendingId: 'p', amount: 4n },
        { id: 'pv', kind: 'void', pendingId: 'p' },
      ]),
    ).toEqual(['ok', 'ok', 'pending_transfer_already_resolved']);
    expect(m.account('cap')).toMatchObject({ debitsPending: 0n, debitsPosted: 4n, creditsPosted: 10n, version: 3n });
    expect(m.apply([{ id: 'pp', kind: 'post', pendingId: 'p', amount: 0n }])).toEqual(['exists_with_different_amount']);
    expect(m.apply([{ id: 'big', debit: 'lim', credit: 'exp', amount: MAX_AMOUNT }])).toEqual(['overflows_debits']);
  });
});
