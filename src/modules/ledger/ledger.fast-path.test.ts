/**
 * ledger_apply's fast path (drizzle/0010_ledger_apply_fast_path.sql): a batch in which every transfer
 * is a 'single' that comes out 'ok' or 'exists' without crossing a limit at any point of the batch is
 * applied set-based; any other batch goes to the exact loop. Which path a call took is read in its
 * own transaction: current_setting('backstop.ledger_path', true) is 'fast' or 'exact'.
 *
 * Every batch goes three ways: to the database through ledger_apply (namespace `p`), to the
 * reference model (src/core/ledger/model.ts), and to the function as 0007 left it (its body read from
 * drizzle/0007_ledger_apply_set_based.sql, installed as ledger_apply_0007, namespace `q`). Replies must
 * equal the model's; the path taken must be the fast one exactly when the batch qualifies (so the
 * batches built to just miss it — a limit crossed in the middle of the batch but not at its end, a
 * duplicate or stored id with other content, a failed id, an open chain, a pending/post/void, a
 * 19-digit amount, two ledgers, an overflow — are seen to go to the loop, and the ones built to just
 * make it — a credit earlier in the batch that makes a later debit fit, a duplicate with the same
 * content, history-flagged accounts — to the fast path). After each sequence: account totals and
 * versions, balance history, the transfer rows in seq order (with their entity columns), the failed
 * ids and the audit rows equal the model's and 0007's, and `ledger verify` is clean.
 * Seeded: LEDGER_SEED=<seed printed below> npx vitest run src/modules/ledger/ledger.fast-path.test.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, type Database } from '../../adapters/db/database';
import { openTestDatabase } from '../../adapters/db/testing';
import { LedgerModel, type TransferRequest } from '../../core/ledger/model';
import type { Db } from '../shared/db';
import { rowsOf } from '../shared/rows';
import { createLedgerRepository } from './ledger.repository';
import { verifyLedger } from './ledger.verify';

const SEED = Number(process.env.LEDGER_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.LEDGER_RUNS ?? 40);

type Transfer = TransferRequest & { entityKind?: string; entityId?: string };
type Fn = 'ledger_apply' | 'ledger_apply_0007';

let database: Database;
let db: Db;
beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
  // The function as 0007 left it, beside the new one: the same batches must give the same rows.
  const file = readFileSync(resolve(MIGRATIONS, '0007_ledger_apply_set_based.sql'), 'utf8');
  const body = file.slice(file.indexOf('CREATE OR REPLACE FUNCTION ledger_apply('));
  await db.execute(sql.raw(body.replace('FUNCTION ledger_apply(', 'FUNCTION ledger_apply_0007(')));
});
afterAll(async () => {
  await database.close();
});

const wire = (batch: readonly Transfer[]) =>
  JSON.stringify(batch.map((t) => (t.amount === undefined ? t : { ...t, amount: t.amount.toString() })));

/** One call in its own transaction, and the path it took as the function reports it there. */
async function call(fn: Fn, json: string): Promise<{ results: string[]; path: string | null }> {
  return db.transaction(async (tx) => {
    const [row] = rowsOf(await tx.execute(sql`select ${sql.raw(fn)}(${json}::jsonb, 'test') as results`));
    const [setting] = rowsOf(await tx.execute(sql`select current_setting('backstop.ledger_path', true) as path`));
    const results = row!.results;
    return {
      results: (typeof results === 'string' ? JSON.parse(results) : results) as string[],
      path: (setting!.path as string | null) || null,
    };
  });
}

/** What the fast path is meant to take: singles with an amount of 1 to 18 digits, every one answered 'ok' or 'exists'. */
const qualifies = (batch: readonly Transfer[], results: readonly string[]) =>
  batch.length > 0 &&
  batch.every(
    (t) =>
      (t.kind ?? 'single') === 'single' && t.amount !== undefined && t.amount >= 1n && t.amount.toString().length <= 18,
  ) &&
  results.every((r) => r === 'ok' || r === 'exists');

// ---------------------------------------------------------------------------------------------
// The accounts of one sequence (keys; ids are prefixed by the namespace). Flag 1: debits ≤ credits,
// 2: credits ≤ debits, 4: balance history. Shaped like a fund: limit → capacity → exposures, the G5
// cap source → enterprise caps → enterprise used; a flag-2 account; the cash ledger; two plain
// accounts only the overflow pieces use.
const ACCOUNTS = [
  { key: 'lim', ledger: 'liability', flags: 4 },
  { key: 'cap', ledger: 'liability', flags: 1 | 4 },
  { key: 'src', ledger: 'liability', flags: 4 },
  { key: 'ecap0', ledger: 'liability', flags: 1 },
  { key: 'ecap1', ledger: 'liability', flags: 1 },
  { key: 'used0', ledger: 'liability', flags: 1 },
  { key: 'used1', ledger: 'liability', flags: 1 },
  { key: 'exp0', ledger: 'liability', flags: 1 },
  { key: 'exp1', ledger: 'liability', flags: 1 },
  { key: 'exp2', ledger: 'liability', flags: 1 },
  { key: 'c2', ledger: 'liability', flags: 2 },
  { key: 'cash', ledger: 'cny', flags: 2 | 4 },
  { key: 'capital', ledger: 'cny', flags: 4 },
  { key: 'big1', ledger: 'liability', flags: 0 },
  { key: 'big2', ledger: 'liability', flags: 0 },
] as const;
const SETUP: Transfer[] = [
  { id: 'set-cap', debit: 'lim', credit: 'cap', amount: 10_000n, code: 'limit' },
  { id: 'set-c2', debit: 'c2', credit: 'lim', amount: 3_000n, code: 'x' },
  { id: 'set-cash', debit: 'cash', credit: 'capital', amount: 5_000n, code: 'top-up' },
  { id: 'open-ecap0', debit: 'src', credit: 'ecap0', amount: 4_000n, code: 'enterprise-cap' },
];

type Amount = bigint | 'room' | 'room+1';
type Piece =
  // a filing: an optional G5 cap opening, the principal within the cap linked with the reservation
  | { t: 'filing'; k: 0 | 1; e: 0 | 1 | 2; opening: bigint; principal: Amount; reserve: Amount }
  | { t: 'single'; d: string; c: string; amount: bigint; code: string }
  // a credit to a limit account earlier in the batch that makes a later debit fit (or a debit-first
  // on the flag-2 account); `after`: the same two with the order swapped, so the limit is crossed in
  // the middle of the batch though not at its end
  | { t: 'pair'; x: string; extra: bigint; after: boolean; linked: boolean }
  | { t: 'dup'; same: boolean }
  | { t: 'replay'; same: boolean }
  | { t: 'failed' }
  | { t: 'pending'; kind: 'pending' | 'post' | 'void'; amount: bigint }
  | { t: 'overflow'; n: number };
type BatchSpec = { pieces: Piece[]; openEnd: boolean };

const small = fc.bigInt({ min: 1n, max: 3_000n });
const tiny = fc.bigInt({ min: 1n, max: 100n });
/** Pieces that keep a batch on the fast path (most of the time: amounts are drawn, not fitted). */
const clean: fc.Arbitrary<Piece> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      t: fc.constant('filing' as const),
      k: fc.constantFrom(0 as const, 1 as const),
      e: fc.constantFrom(0 as const, 1 as const, 2 as const),
      opening: fc.oneof(fc.constant(0n), small),
      principal: fc.oneof({ weight: 4, arbitrary: tiny }, { weight: 1, arbitrary: fc.constant<Amount>('room') }),
      reserve: fc.oneof({ weight: 6, arbitrary: tiny }, { weight: 1, arbitrary: fc.constant<Amount>('room') }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('single' as const),
      d: fc.constantFrom('lim', 'src', 'c2'),
      c: fc.constantFrom('lim', 'cap', 'exp1', 'ecap1', 'src'),
      amount: fc.oneof({ weight: 6, arbitrary: tiny }, { weight: 1, arbitrary: fc.constant(999_999_999_999_999_999n) }),
      code: fc.constantFrom('x', 'y'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('pair' as const),
      x: fc.constantFrom('cap', 'ecap0', 'exp0', 'c2'),
      extra: fc.bigInt({ min: 1n, max: 500n }),
      after: fc.constant(false),
      linked: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'dup' as const, same: true }) },
  { weight: 1, arbitrary: fc.constant({ t: 'replay' as const, same: true }) },
);
/** Pieces that send a batch to the loop, most of them by a hair. */
const miss: fc.Arbitrary<Piece> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('pair' as const),
      x: fc.constantFrom('cap', 'ecap0', 'exp0', 'c2'),
      extra: fc.bigInt({ min: 1n, max: 500n }),
      after: fc.constant(true),
      linked: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('filing' as const),
      k: fc.constantFrom(0 as const, 1 as const),
      e: fc.constantFrom(0 as const, 1 as const, 2 as const),
      opening: fc.constant(0n),
      principal: fc.constantFrom<Amount>('room+1', 1n),
      reserve: fc.constantFrom<Amount>('room+1', 1n),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('single' as const),
      d: fc.constantFrom('lim', 'cap', 'cash', 'capital', 'ghost'),
      c: fc.constantFrom('lim', 'cap', 'cash', 'capital', 'ghost'),
      amount: fc.constantFrom(0n, 1n, 1n << 62n, 999_999_999_999_999_999n),
      code: fc.constant('x'),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'dup' as const, same: false }) },
  { weight: 1, arbitrary: fc.constant({ t: 'replay' as const, same: false }) },
  { weight: 1, arbitrary: fc.constant({ t: 'failed' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('pending' as const),
      kind: fc.constantFrom('pending' as const, 'post' as const, 'void' as const),
      amount: fc.bigInt({ min: 0n, max: 50n }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('overflow' as const), n: fc.integer({ min: 4, max: 11 }) }) },
);
const batchSpec: fc.Arbitrary<BatchSpec> = fc.record({
  pieces: fc
    .tuple(fc.array(clean, { minLength: 1, maxLength: 5 }), fc.option(miss, { freq: 2 }), fc.nat())
    .map(([c, m, at]) => (m === null ? c : [...c.slice(0, at % (c.length + 1)), m, ...c.slice(at % (c.length + 1))])),
  openEnd: fc.integer({ min: 0, max: 14 }).map((x) => x === 0),
});

/** A sequence's state in the test: the model (ids without prefix), what was sent, what failed. */
class Run {
  readonly model = new LedgerModel();
  readonly sent: Transfer[] = [];
  readonly failed: string[] = [];
  private n = 0;
  constructor() {
    for (const a of ACCOUNTS) this.model.createAccount({ id: a.key, ledger: a.ledger, flags: a.flags });
  }
  id = (tag: string) => `${tag}${++this.n}`;
  /** What a limit-flagged account can still take (flag 1: be debited; flag 2: be credited). */
  room(key: string): bigint {
    const a = this.model.account(key)!;
    return a.flags & 1
      ? a.creditsPosted - a.debitsPending - a.debitsPosted
      : a.debitsPosted - a.creditsPending - a.creditsPosted;
  }
  amount(x: Amount, key: string): bigint {
    if (typeof x === 'bigint') return x;
    const r = this.room(key) + (x === 'room+1' ? 1n : 0n);
    return r < 1n ? 1n : r;
  }
  build(spec: BatchSpec): Transfer[] {
    const out: Transfer[] = [];
    for (const p of spec.pieces) {
      const chain: Transfer[] = [];
      if (p.t === 'filing') {
        const f = this.id('f');
        const ent = { entityKind: 'filing', entityId: f };
        if (p.opening > 0n)
          chain.push({
            id: `open-ecap${p.k}-${this.n}`,
            debit: 'src',
            credit: `ecap${p.k}`,
            amount: p.opening,
            code: 'enterprise-cap',
            entityKind: 'enterprise-cap',
            entityId: `k${p.k}`,
          });
        chain.push({
          id: `${f}:principal`,
          debit: `ecap${p.k}`,
          credit: `used${p.k}`,
          amount:
            this.amount(p.principal, `ecap${p.k}`) +
            (p.opening > 0n && typeof p.principal !== 'bigint' ? p.opening : 0n),
          code: 'enterprise-cap-use',
          ...ent,
        });
        chain.push({
          id: `${f}:reserve`,
          debit: 'cap',
          credit: `exp${p.e}`,
          amount: this.amount(p.reserve, 'cap'),
          code: 'reserve',
          ...ent,
        });
      } else if (p.t === 'single') {
        chain.push({ id: this.id('s'), debit: p.d, credit: p.c, amount: p.amount, code: p.code });
      } else if (p.t === 'pair') {
        const flag2 = p.x === 'c2';
        const room = this.room(p.x);
        // flag 1: a credit of `extra` lets a debit of room + extra fit; flag 2 the other way round
        const help: Transfer = flag2
          ? { id: this.id('h'), debit: p.x, credit: 'lim', amount: p.extra, code: 'x' }
          : { id: this.id('h'), debit: 'lim', credit: p.x, amount: p.extra, code: 'x' };
        const use: Transfer = flag2
          ? { id: this.id('u'), debit: 'lim', credit: p.x, amount: room + p.extra, code: 'x' }
          : { id: this.id('u'), debit: p.x, credit: 'src', amount: room + p.extra, code: 'x' };
        chain.push(...(p.after ? [use, help] : [help, use]));
      } else if (p.t === 'dup') {
        const earlier = out.filter((t) => t.kind === undefined || t.kind === 'single');
        if (earlier.length === 0) continue;
        const t = earlier[this.n++ % earlier.length]!;
        chain.push(p.same ? { ...t, linked: false } : { ...t, amount: t.amount! + 1n, linked: false });
      } else if (p.t === 'replay') {
        if (this.sent.length === 0) continue;
        const t = this.sent[this.n++ % this.sent.length]!;
        chain.push(
          p.same || t.amount === undefined
            ? { ...t, linked: false }
            : { ...t, code: `${t.code ?? ''}z`, linked: false },
        );
      } else if (p.t === 'failed') {
        if (this.failed.length === 0) continue;
        chain.push({
          id: this.failed[this.n++ % this.failed.length]!,
          debit: 'lim',
          credit: 'exp2',
          amount: 1n,
          code: 'x',
        });
      } else if (p.t === 'pending') {
        const log = this.model.transfers();
        const resolved = new Set(log.map((t) => t.pendingId));
        const open = [...out, ...log]
          .filter((t) => t.kind === 'pending')
          .map((t) => t.id)
          .find((id) => !resolved.has(id));
        if (p.kind === 'pending' || !open)
          chain.push({
            id: this.id('pd'),
            kind: 'pending',
            debit: 'lim',
            credit: 'exp2',
            amount: p.amount + 1n,
            code: 'x',
          });
        else chain.push({ id: this.id('pv'), kind: p.kind, pendingId: open, amount: p.amount });
      } else {
        for (let i = 0; i < p.n; i++)
          chain.push({ id: this.id('o'), debit: 'big1', credit: 'big2', amount: 999_999_999_999_999_999n, code: 'x' });
      }
      out.push(...chain.map((t, i) => ({ ...t, linked: i < chain.length - 1 && (p.t !== 'pair' || p.linked) })));
    }
    if (spec.openEnd && out.length > 0) out[out.length - 1] = { ...out.at(-1)!, linked: true };
    return out;
  }
}

const prefixed = (p: string, batch: readonly Transfer[]): Transfer[] =>
  batch.map((t) => ({
    ...t,
    id: p + t.id,
    ...(t.debit ? { debit: p + t.debit } : {}),
    ...(t.credit ? { credit: p + t.credit } : {}),
    ...(t.pendingId ? { pendingId: p + t.pendingId } : {}),
  }));

/** Everything the namespace's rows say, with the prefix taken out (so two namespaces compare). */
async function rowsOfNamespace(p: string) {
  const strip = (x: unknown) =>
    x === null || x === undefined ? null : String(typeof x === 'string' ? x : JSON.stringify(x)).replaceAll(p, '');
  const like = `${p}%`;
  const accounts = rowsOf(
    await db.execute(sql`select id, debits_pending::text dp, debits_posted::text dpo, credits_pending::text cp, credits_posted::text cpo, version::text v
    from ledger_accounts where id like ${like} order by id`),
  ).map((r) => `${strip(r.id)} ${r.dp} ${r.dpo} ${r.cp} ${r.cpo} ${r.v}`);
  const transfers = rowsOf(
    await db.execute(sql`select id, kind, debit_account_id, credit_account_id, amount::text amount, ledger, code, pending_id, entity_kind, entity_id
    from ledger_transfers where id like ${like} order by seq`),
  ).map((r) =>
    [
      r.id,
      r.kind,
      r.debit_account_id,
      r.credit_account_id,
      r.amount,
      r.ledger,
      r.code,
      r.pending_id,
      r.entity_kind,
      r.entity_id,
    ]
      .map(strip)
      .join(' '),
  );
  const balances = rowsOf(
    await db.execute(sql`select account_id, version::text v, transfer_id, debits_pending::text dp, debits_posted::text dpo, credits_pending::text cp, credits_posted::text cpo
    from ledger_balances where account_id like ${like} order by account_id, version`),
  ).map((r) => [r.account_id, r.v, r.transfer_id, r.dp, r.dpo, r.cp, r.cpo].map(strip).join(' '));
  const failed = rowsOf(
    await db.execute(
      sql`select id, result, content::text content from ledger_failed_transfers where id like ${like} order by id`,
    ),
  ).map((r) => [r.id, r.result, r.content].map(strip).join(' '));
  const audit = rowsOf(
    await db.execute(sql`select actor, action, entity_kind, entity_id, after::text after from audit_log
    where action = 'ledger.batch' and after->'transfers'->0->>'id' like ${like} order by seq`),
  ).map((r) => [r.actor, r.action, r.entity_kind, r.entity_id, r.after].map(strip).join(' '));
  // sorted here, not by the database's collation, so they compare with the model's order
  const byAccount = (a: string, b: string) => byText(a.split(' ')[0]!, b.split(' ')[0]!);
  return {
    accounts: accounts.sort(byText),
    transfers,
    balances: balances.sort(byAccount),
    failed: failed.sort(byText),
    audit,
  };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What the model says the namespace's rows must be (what it tracks: totals, history, the transfer log). */
function expectedOf(run: Run, entities: Map<string, { entityKind?: string; entityId?: string }>) {
  const m = run.model;
  return {
    accounts: ACCOUNTS.map((a) => a.key)
      .sort(byText)
      .map((k) => {
        const a = m.account(k)!;
        return `${k} ${a.debitsPending} ${a.debitsPosted} ${a.creditsPending} ${a.creditsPosted} ${a.version}`;
      }),
    transfers: m.transfers().map((t) => {
      const e = entities.get(t.id) ?? {};
      return [
        t.id,
        t.kind,
        t.debit,
        t.credit,
        String(t.amount),
        t.ledger,
        t.code,
        t.pendingId,
        e.entityKind ?? null,
        e.entityId ?? null,
      ].join(' ');
    }),
    balances: ACCOUNTS.map((a) => a.key)
      .sort(byText)
      .flatMap((k) =>
        m
          .history(k)
          .map(
            (h) =>
              `${k} ${h.version} ${h.transferId} ${h.debitsPending} ${h.debitsPosted} ${h.creditsPending} ${h.creditsPosted}`,
          ),
      ),
  };
}

const STATS = new Map<string, number>();
const count = (k: string) => STATS.set(k, (STATS.get(k) ?? 0) + 1);

let runNo = 0;
async function runSequence(specs: BatchSpec[]) {
  const run = new Run();
  const no = ++runNo;
  const p = `fp${no}:`;
  const q = `fq${no}:`;
  const ledger = createLedgerRepository({ db });
  for (const ns of [p, q])
    await ledger.createAccounts(
      ACCOUNTS.map((a) => ({ id: ns + a.key, ledger: a.ledger, code: a.key, flags: a.flags })),
    );
  // what the loop would store as entity columns: a single's own; a post/void's own or its pending's
  const entities = new Map<string, { entityKind?: string; entityId?: string }>();
  for (const [n, batch] of [SETUP, ...specs.map((s) => run.build(s))].entries()) {
    const expected = run.model.apply(batch);
    const fast = await call('ledger_apply', wire(prefixed(p, batch)));
    const exact = await call('ledger_apply_0007', wire(prefixed(q, batch)));
    const shown = JSON.stringify(batch, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    expect(fast.results, `batch ${shown}`).toEqual(expected);
    expect(exact.results, `0007, batch ${shown}`).toEqual(expected);
    const wanted = qualifies(batch, expected) ? 'fast' : 'exact';
    expect(fast.path, `path of batch ${shown} → ${expected.join(',')}`).toBe(wanted);
    if (n > 0) count(wanted);
    if (
      n > 0 &&
      wanted === 'fast' &&
      batch.some(
        (t) =>
          ['cap', 'lim', 'src', 'cash', 'capital'].includes(t.debit ?? '') ||
          ['cap', 'lim', 'src', 'cash', 'capital'].includes(t.credit ?? ''),
      )
    )
      count('fast, history accounts');
    if (n > 0 && wanted === 'fast' && expected.includes('exists')) count('fast, with exists');
    if (n > 0 && wanted === 'exact') for (const r of new Set(expected)) count(`exact: ${r}`);
    batch.forEach((t, i) => {
      if (expected[i] === 'ok' && !entities.has(t.id)) {
        const pending = t.pendingId ? entities.get(t.pendingId) : undefined;
        entities.set(t.id, {
          entityKind: t.entityKind ?? pending?.entityKind,
          entityId: t.entityId ?? pending?.entityId,
        });
      }
      const r = expected[i]!;
      if (
        ![
          'ok',
          'exists',
          'id_already_failed',
          'id_must_not_be_empty',
          'linked_event_failed',
          'linked_event_chain_open',
        ].includes(r) &&
        !r.startsWith('exists_with_different_')
      )
        run.failed.push(t.id);
    });
    run.sent.push(...batch);
  }
  const got = await rowsOfNamespace(p);
  const want = expectedOf(run, entities);
  expect(got.accounts).toEqual(want.accounts);
  expect(got.balances).toEqual(want.balances);
  expect(got.transfers).toEqual(want.transfers);
  expect(got.failed.map((f) => f.split(' ')[0])).toEqual([...new Set(run.failed)].sort(byText));
  // and row for row what 0007 wrote: failed transfers with their content, audit rows with theirs
  expect(got).toEqual(await rowsOfNamespace(q));
}

describe('ledger_apply fast path', () => {
  it(`batches that qualify take it, batches that just miss it do not; every reply and row equals the model's and 0007's (seed ${SEED})`, async () => {
    console.log(`ledger fast-path test: seed ${SEED}, ${RUNS} runs (replay with LEDGER_SEED=${SEED})`);
    await fc.assert(fc.asyncProperty(fc.array(batchSpec, { minLength: 4, maxLength: 10 }), runSequence), {
      seed: SEED,
      numRuns: RUNS,
      endOnFailure: true,
    });
    if (process.env.LEDGER_STATS) console.log(Object.fromEntries(STATS));
    // the generator did exercise both sides of the line
    expect(STATS.get('fast') ?? 0).toBeGreaterThan(RUNS);
    expect(STATS.get('fast, history accounts') ?? 0).toBeGreaterThan(0);
    expect(STATS.get('exact') ?? 0).toBeGreaterThan(RUNS);
    expect((STATS.get('exact: exceeds_credits') ?? 0) + (STATS.get('exact: exceeds_debits') ?? 0)).toBeGreaterThan(0);
    expect((await verifyLedger({ db })).violations).toEqual([]);
  }, 600_000);

  /** Fixed cases, each on fresh accounts, each with the path it must take (the property above may miss one). */
  const cases: { name: string; batch: Transfer[]; results: string[]; path: 'fast' | 'exact'; before?: Transfer[] }[] = [
    {
      name: 'an import-like pair: the cap opened earlier in the batch makes the principal fit',
      path: 'fast',
      results: ['ok', 'ok', 'ok'],
      batch: [
        { id: 'open', debit: 'src', credit: 'ecap1', amount: 100n, linked: true },
        { id: 'pr', debit: 'ecap1', credit: 'used1', amount: 100n, linked: true },
        { id: 'res', debit: 'cap', credit: 'exp0', amount: 10n },
      ],
    },
    {
      name: 'the same principal before the opening: refused in the middle, though the end would fit',
      path: 'exact',
      results: ['exceeds_credits', 'ok'],
      batch: [
        { id: 'pr', debit: 'ecap1', credit: 'used1', amount: 100n },
        { id: 'open', debit: 'src', credit: 'ecap1', amount: 100n },
      ],
    },
    {
      name: 'the capacity exhausted exactly by the last of several reservations',
      path: 'fast',
      results: ['ok', 'ok', 'ok'],
      batch: [
        { id: 'r1', debit: 'cap', credit: 'exp0', amount: 4_000n },
        { id: 'r2', debit: 'cap', credit: 'exp1', amount: 4_000n },
        { id: 'r3', debit: 'cap', credit: 'exp2', amount: 2_000n },
      ],
    },
    {
      name: 'one fen more than the capacity',
      path: 'exact',
      results: ['ok', 'ok', 'exceeds_credits'],
      batch: [
        { id: 'r1', debit: 'cap', credit: 'exp0', amount: 4_000n },
        { id: 'r2', debit: 'cap', credit: 'exp1', amount: 4_000n },
        { id: 'r3', debit: 'cap', credit: 'exp2', amount: 2_001n },
      ],
    },
    {
      name: 'a duplicate with the same content: exists',
      path: 'fast',
      results: ['ok', 'exists'],
      batch: [
        { id: 'd', debit: 'cap', credit: 'exp0', amount: 5n, code: 'x' },
        { id: 'd', debit: 'cap', credit: 'exp0', amount: 5n, code: 'x' },
      ],
    },
    {
      name: 'a duplicate with another amount',
      path: 'exact',
      results: ['ok', 'exists_with_different_amount'],
      batch: [
        { id: 'd', debit: 'cap', credit: 'exp0', amount: 5n },
        { id: 'd', debit: 'cap', credit: 'exp0', amount: 6n },
      ],
    },
    {
      name: 'a stored transfer sent again, and a new one',
      path: 'fast',
      results: ['exists', 'ok'],
      before: [{ id: 'old', debit: 'cap', credit: 'exp0', amount: 5n, code: 'x' }],
      batch: [
        { id: 'old', debit: 'cap', credit: 'exp0', amount: 5n, code: 'x' },
        { id: 'new', debit: 'cap', credit: 'exp1', amount: 5n },
      ],
    },
    {
      name: 'a stored transfer sent again with another code',
      path: 'exact',
      results: ['exists_with_different_code'],
      before: [{ id: 'old', debit: 'cap', credit: 'exp0', amount: 5n, code: 'x' }],
      batch: [{ id: 'old', debit: 'cap', credit: 'exp0', amount: 5n, code: 'y' }],
    },
    {
      name: 'a failed id',
      path: 'exact',
      results: ['id_already_failed'],
      before: [{ id: 'bad', debit: 'cap', credit: 'exp0', amount: 10_001n }],
      batch: [{ id: 'bad', debit: 'cap', credit: 'exp0', amount: 1n }],
    },
    {
      name: 'a chain left open at the end',
      path: 'exact',
      results: ['linked_event_failed', 'linked_event_chain_open'],
      batch: [
        { id: 'a', debit: 'cap', credit: 'exp0', amount: 1n, linked: true },
        { id: 'b', debit: 'cap', credit: 'exp1', amount: 1n, linked: true },
      ],
    },
    {
      name: 'a pending among singles',
      path: 'exact',
      results: ['ok', 'ok'],
      batch: [
        { id: 'a', debit: 'cap', credit: 'exp0', amount: 1n },
        { id: 'b', kind: 'pending', debit: 'cap', credit: 'exp1', amount: 1n },
      ],
    },
    {
      name: 'a 19-digit amount the loop accepts (no limit on either account)',
      path: 'exact',
      results: ['ok'],
      batch: [{ id: 'a', debit: 'big1', credit: 'big2', amount: 1n << 62n }],
    },
    {
      name: 'an overflow at the tenth of ten 18-digit amounts',
      path: 'exact',
      results: [...Array(9).fill('ok'), 'overflows_debits'],
      batch: Array.from({ length: 10 }, (_, i) => ({
        id: `o${i}`,
        debit: 'big1',
        credit: 'big2',
        amount: 999_999_999_999_999_999n,
      })),
    },
    {
      name: 'two ledgers',
      path: 'exact',
      results: ['accounts_must_have_the_same_ledger'],
      batch: [{ id: 'a', debit: 'cash', credit: 'cap', amount: 1n }],
    },
    {
      name: 'a missing account',
      path: 'exact',
      results: ['credit_account_not_found'],
      batch: [{ id: 'a', debit: 'cap', credit: 'ghost', amount: 1n }],
    },
    {
      name: 'the flag-2 account credited after a debit in the same batch',
      path: 'fast',
      results: ['ok', 'ok'],
      batch: [
        { id: 'a', debit: 'c2', credit: 'lim', amount: 5n },
        { id: 'b', debit: 'lim', credit: 'c2', amount: 3_005n },
      ],
    },
    {
      name: 'the cash ledger, history kept',
      path: 'fast',
      results: ['ok', 'ok'],
      batch: [
        { id: 'a', debit: 'cash', credit: 'capital', amount: 5n },
        { id: 'b', debit: 'capital', credit: 'cash', amount: 5_005n },
      ],
    },
  ];
  for (const [i, c] of cases.entries()) {
    it(`${c.path}: ${c.name}`, async () => {
      const run = new Run();
      const p = `fx${i}:`;
      const q = `fy${i}:`;
      const ledger = createLedgerRepository({ db });
      for (const ns of [p, q])
        await ledger.createAccounts(
          ACCOUNTS.map((a) => ({ id: ns + a.key, ledger: a.ledger, code: a.key, flags: a.flags })),
        );
      for (const b of [SETUP, ...(c.before ? [c.before] : [])]) {
        const want = run.model.apply(b);
        expect((await call('ledger_apply', wire(prefixed(p, b)))).results).toEqual(want);
        expect((await call('ledger_apply_0007', wire(prefixed(q, b)))).results).toEqual(want);
      }
      expect(run.model.apply(c.batch)).toEqual(c.results);
      const fast = await call('ledger_apply', wire(prefixed(p, c.batch)));
      expect(fast).toEqual({ results: c.results, path: c.path });
      expect((await call('ledger_apply_0007', wire(prefixed(q, c.batch)))).results).toEqual(c.results);
      expect(await rowsOfNamespace(p)).toEqual(await rowsOfNamespace(q));
    });
  }

  it('batches as JSON the repository never sends: what qualifies is only what the loop reads the same way', async () => {
    const ledger = createLedgerRepository({ db });
    const raw: { name: string; json: (p: string) => string; path: 'fast' | 'exact' }[] = [
      {
        name: 'amount as a JSON number, kind left out, linked null',
        path: 'fast',
        json: (p) => `[{"id":"${p}a","debit":"${p}lim","credit":"${p}exp0","amount":7,"linked":null}]`,
      },
      {
        name: 'linked as the string "true" on the last transfer',
        path: 'exact',
        json: (p) => `[{"id":"${p}a","debit":"${p}lim","credit":"${p}exp0","amount":"7","linked":"true"}]`,
      },
      {
        name: 'an amount with a leading plus',
        path: 'exact',
        json: (p) => `[{"id":"${p}a","debit":"${p}lim","credit":"${p}exp0","amount":"+7"}]`,
      },
      {
        name: 'an amount with leading zeros',
        path: 'fast',
        json: (p) => `[{"id":"${p}a","debit":"${p}lim","credit":"${p}exp0","amount":"007"}]`,
      },
      {
        name: 'a transfer that is not an object',
        path: 'exact',
        json: (p) => `[{"id":"${p}a","debit":"${p}lim","credit":"${p}exp0","amount":"7"}, 5]`,
      },
      {
        name: 'a single naming a pendingId',
        path: 'fast',
        json: (p) => `[{"id":"${p}a","debit":"${p}lim","credit":"${p}exp0","amount":"7","pendingId":"${p}nothing"}]`,
      },
      { name: 'no amount', path: 'exact', json: (p) => `[{"id":"${p}a","debit":"${p}lim","credit":"${p}exp0"}]` },
    ];
    for (const [i, c] of raw.entries()) {
      const [p, q] = [`jr${i}:`, `js${i}:`];
      for (const ns of [p, q])
        await ledger.createAccounts(
          ACCOUNTS.map((a) => ({ id: ns + a.key, ledger: a.ledger, code: a.key, flags: a.flags })),
        );
      const fast = await call('ledger_apply', c.json(p));
      const exact = await call('ledger_apply_0007', c.json(q));
      expect(fast.path, c.name).toBe(c.path);
      expect(fast.results, c.name).toEqual(exact.results);
      expect(await rowsOfNamespace(p), c.name).toEqual(await rowsOfNamespace(q));
    }
  });

  it('an import chunk (1,025 transfers: 500 filings, 25 cap openings) takes the fast path with the rows 0007 writes; one filing over its cap sends it to the loop', async () => {
    const ledger = createLedgerRepository({ db });
    const chunk = (ns: string, tag: string, overAt: number | null) => {
      const out: Transfer[] = [];
      for (let i = 0; i < 500; i++) {
        const ent = { entityKind: 'filing', entityId: `${tag}${i}` };
        if (i % 20 === 0)
          out.push({
            id: `${ns}${tag}open${i}`,
            debit: `${ns}src`,
            credit: `${ns}ecap:${i}`,
            amount: 3_000n,
            code: 'enterprise-cap',
            entityKind: 'enterprise-cap',
            entityId: `k${i}`,
            linked: true,
          });
        out.push({
          id: `${ns}${tag}${i}:principal`,
          debit: `${ns}ecap:${i - (i % 20)}`,
          credit: `${ns}used:${i - (i % 20)}`,
          amount: i === overAt ? 3_001n : 100n,
          code: 'enterprise-cap-use',
          linked: true,
          ...ent,
        });
        out.push({
          id: `${ns}${tag}${i}:reserve`,
          debit: `${ns}cap`,
          credit: `${ns}exp:${tag}${i}`,
          amount: 50n + BigInt(i),
          code: 'reserve',
          ...ent,
        });
      }
      return out;
    };
    for (const [tag, overAt, path] of [
      ['c1-', null, 'fast'],
      ['c2-', 250, 'exact'],
    ] as const) {
      const results: Record<string, { results: string[]; path: string | null }> = {};
      for (const [ns, fn] of [
        ['ip:', 'ledger_apply'],
        ['iq:', 'ledger_apply_0007'],
      ] as const) {
        if (tag === 'c1-') {
          await ledger.createAccounts([
            { id: `${ns}lim`, ledger: 'liability', code: 'limit', flags: 4 },
            { id: `${ns}cap`, ledger: 'liability', code: 'capacity', flags: 5 },
            { id: `${ns}src`, ledger: 'liability', code: 'src', flags: 4 },
            ...Array.from({ length: 500 }, (_, i) => [
              { id: `${ns}ecap:${i}`, ledger: 'liability' as const, code: 'enterprise-cap', flags: 1 },
              { id: `${ns}used:${i}`, ledger: 'liability' as const, code: 'enterprise-used', flags: 1 },
            ]).flat(),
          ]);
          expect(
            (
              await call(
                fn,
                wire([{ id: `${ns}set`, debit: `${ns}lim`, credit: `${ns}cap`, amount: 100_000_000n, code: 'limit' }]),
              )
            ).results,
          ).toEqual(['ok']);
        }
        await ledger.createAccounts(
          Array.from({ length: 500 }, (_, i) => ({
            id: `${ns}exp:${tag}${i}`,
            ledger: 'liability' as const,
            code: 'exposure',
            flags: 1,
          })),
        );
        const batch = chunk(ns, tag, overAt);
        expect(batch.length).toBe(1_025);
        results[fn] = await call(fn, wire(batch));
      }
      expect(results.ledger_apply!.path).toBe(path);
      expect(results.ledger_apply!.results).toEqual(results.ledger_apply_0007!.results);
      if (path === 'fast') expect(results.ledger_apply!.results.every((r) => r === 'ok')).toBe(true);
      else
        expect(results.ledger_apply!.results.filter((r) => r !== 'ok')).toEqual([
          'exceeds_credits',
          'linked_event_failed',
        ]);
      expect(await rowsOfNamespace('ip:')).toEqual(await rowsOfNamespace('iq:'));
    }
    expect((await verifyLedger({ db })).violations).toEqual([]);
  }, 120_000);
});
