/**
 * npm run bench -- ledger [--seconds N]: reservations per second against ONE hot capacity account
 * through ledger_apply, on PostgreSQL (DATABASE_URL, default 127.0.0.1:5432; a scratch database)
 * at 1, 8, 32 and 64 clients, single transfers and batches of 100, p50/p99 latency per call; the
 * same on PGlite (one client: it runs one transaction at a time); and a bare baseline through the
 * same driver — a guarded `UPDATE … WHERE balance >= amount` on one row — so the result is a ratio.
 * Every run checks zero overspend. Last line: JSON.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { openDatabase } from '../src/adapters/db/database';
import { createLedgerRepository } from '../src/modules/ledger/ledger.repository';
import { createLedgerWriter } from '../src/modules/ledger/ledger.writer';

const secondsAt = process.argv.indexOf('--seconds');
const SECONDS = secondsAt > 0 ? Number(process.argv[secondsAt + 1]) : 3;
const CLIENTS = [1, 8, 32, 64];
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
type Result = {
  db: string;
  mode: string;
  clients: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  calls: number;
  overspend: bigint;
};
const results: Result[] = [];
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] ?? 0;
};

async function timed(
  clients: number,
  call: (client: number, n: number) => Promise<number>,
): Promise<{ perSecond: number; p50ms: number; p99ms: number; calls: number }> {
  const lat: number[] = [];
  let done = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let n = 0; performance.now() < until; n++) {
        const t0 = performance.now();
        const ok = await call(c, n); // not `done += await …`: that reads `done` before the await and loses the other clients' counts
        done += ok;
        lat.push(performance.now() - t0);
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  return {
    perSecond: Math.round(done / secs),
    p50ms: +pct(lat, 50).toFixed(2),
    p99ms: +pct(lat, 99).toFixed(2),
    calls: lat.length,
  };
}

const CAPACITY = 1_000_000_000_000n;
const batchOf = (tag: string, size: number) =>
  Array.from({ length: size }, (_, j) => ({
    id: `${tag}:${j}`,
    debit: 'hot:capacity',
    credit: `hot:exposure:${j % 16}`,
    amount: '1',
    code: 'reserve',
  }));

async function setUp(apply: (batch: unknown[]) => Promise<string[]>, create: (a: unknown[]) => Promise<void>) {
  await create([
    { id: 'hot:limit', ledger: 'liability', code: 'limit' },
    { id: 'hot:capacity', ledger: 'liability', code: 'capacity', flags: 1 },
    ...Array.from({ length: 16 }, (_, j) => ({ id: `hot:exposure:${j}`, ledger: 'liability', code: 'exposure' })),
  ]);
  await apply([
    { id: 'hot:set', debit: 'hot:limit', credit: 'hot:capacity', amount: CAPACITY.toString(), code: 'set-limit' },
  ]);
}

async function postgresRuns() {
  const name = `backstop_bench_${randomBytes(4).toString('hex')}`;
  const a = postgres(admin, { max: 1, onnotice: () => {} });
  await a.unsafe(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  const ledger = createLedgerRepository({ db: database.db });
  await setUp(
    (b) => ledger.apply(b as never),
    (acc) => ledger.createAccounts(acc as never),
  );
  const sql = postgres(url.toString(), { max: 64, onnotice: () => {} });
  const writer = createLedgerWriter({ db: database.db });
  await sql`create table bench_bare (id int primary key, balance bigint not null)`;
  await sql`insert into bench_bare values (1, ${CAPACITY.toString()})`;
  const overspend = async () => {
    const [r] = await sql`select debits_posted, credits_posted from ledger_accounts where id = 'hot:capacity'`;
    return BigInt(r!.debits_posted) > BigInt(r!.credits_posted)
      ? BigInt(r!.debits_posted) - BigInt(r!.credits_posted)
      : 0n;
  };
  let run = 0;
  for (const clients of CLIENTS) {
    for (const size of [1, 100]) {
      const tag = `pg${run++}`;
      const r = await timed(clients, async (c, n) => {
        const [row] = await sql`select ledger_apply(${sql.json(batchOf(`${tag}:${c}:${n}`, size))}::jsonb) as results`;
        return (row!.results as string[]).filter((x) => x === 'ok').length;
      });
      results.push({
        db: 'postgres',
        mode: size === 1 ? 'single' : 'batch100',
        clients,
        ...r,
        overspend: await overspend(),
      });
    }
    // The same reservations through the group commit (src/modules/ledger/ledger.writer.ts): each
    // client still submits its own and waits for its own answer.
    for (const size of [1, 100]) {
      const tag = `pg${run++}`;
      const r = await timed(
        clients,
        async (c, n) =>
          (await writer.apply(batchOf(`${tag}:${c}:${n}`, size) as never)).filter((x) => x === 'ok').length,
      );
      results.push({
        db: 'postgres',
        mode: size === 1 ? 'single-grouped' : 'batch100-grouped',
        clients,
        ...r,
        overspend: await overspend(),
      });
    }
    const r = await timed(
      clients,
      async () => (await sql`update bench_bare set balance = balance - 1 where id = 1 and balance >= 1`).count,
    );
    const [b] = await sql`select balance from bench_bare where id = 1`;
    results.push({
      db: 'postgres',
      mode: 'bare-update',
      clients,
      ...r,
      overspend: BigInt(b!.balance) < 0n ? -BigInt(b!.balance) : 0n,
    });
  }
  await sql.end();
  await database.close();
  await a.unsafe(`drop database ${name} with (force)`);
  await a.end();
}

async function pgliteRuns() {
  const database = await openDatabase({ memory: true, url: '' });
  const ledger = createLedgerRepository({ db: database.db });
  await setUp(
    (b) => ledger.apply(b as never),
    (acc) => ledger.createAccounts(acc as never),
  );
  const raw = await PGlite.create();
  await raw.exec(
    `create table bench_bare (id int primary key, balance bigint not null); insert into bench_bare values (1, ${CAPACITY})`,
  );
  for (const size of [1, 100]) {
    const r = await timed(
      1,
      async (c, n) => (await ledger.apply(batchOf(`pgl${size}:${n}`, size) as never)).filter((x) => x === 'ok').length,
    );
    const acc = (await ledger.account('hot:capacity'))!;
    results.push({
      db: 'pglite',
      mode: size === 1 ? 'single' : 'batch100',
      clients: 1,
      ...r,
      overspend: acc.debitsPosted > acc.creditsPosted ? acc.debitsPosted - acc.creditsPosted : 0n,
    });
  }
  const r = await timed(
    1,
    async () =>
      (await raw.query('update bench_bare set balance = balance - 1 where id = 1 and balance >= 1')).affectedRows ?? 0,
  );
  results.push({ db: 'pglite', mode: 'bare-update', clients: 1, ...r, overspend: 0n });
  await raw.close();
  await database.close();
}

await postgresRuns();
await pgliteRuns();
console.log(
  `ledger bench, ${SECONDS} s per run, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
);
console.log('db        mode         clients   reservations/s   p50 ms   p99 ms   overspend');
for (const r of results)
  console.log(
    `${r.db.padEnd(9)} ${r.mode.padEnd(12)} ${String(r.clients).padStart(7)} ${String(r.perSecond).padStart(16)} ${String(r.p50ms).padStart(8)} ${String(r.p99ms).padStart(8)}   ${r.overspend}`,
  );
const find = (db: string, mode: string, clients: number) =>
  results.find((r) => r.db === db && r.mode === mode && r.clients === clients)!;
const single32 = find('postgres', 'single-grouped', 32);
const single32Direct = find('postgres', 'single', 32);
const bestBatch = Math.max(
  ...results.filter((r) => r.db === 'postgres' && r.mode.startsWith('batch100')).map((r) => r.perSecond),
);
const ratio32 = +(single32.perSecond / find('postgres', 'bare-update', 32).perSecond).toFixed(2);
const goals = {
  single32AtLeast1500: single32.perSecond >= 1500,
  single32P99Under100ms: single32.p99ms < 100,
  batchAtLeast20000: bestBatch >= 20_000,
  ratioToBareAtLeast0_7: ratio32 >= 0.7,
  zeroOverspend: results.every((r) => r.overspend === 0n),
};
console.log(
  `goals: ${Object.entries(goals)
    .map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`)
    .join(', ')}`,
);
console.log(
  JSON.stringify({
    bench: 'ledger',
    seconds: SECONDS,
    single32: single32.perSecond,
    single32P99ms: single32.p99ms,
    single32Direct: single32Direct.perSecond,
    single32DirectP99ms: single32Direct.p99ms,
    bestBatchPerSecond: bestBatch,
    ratioToBare32: ratio32,
    goals,
    runs: results.map((r) => ({ ...r, overspend: r.overspend.toString() })),
  }),
);
