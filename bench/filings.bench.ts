/**
 * npm run bench -- filings [--seconds N]: loans filed one request at a time through the same use
 * case as POST /api/filings (policy with a reason per rule, fixed terms, the reservation against
 * the fund's ONE capacity account, the audit row) by 1, 8, 32 and 64 concurrent clients on
 * PostgreSQL (DATABASE_URL, default 127.0.0.1:5432; a scratch database), each client waiting for
 * its answer before sending the next. Concurrent filings meet on the fund's capacity row; the
 * filing group commit (src/modules/filings/filings.writer.ts) writes the ones that arrive together
 * in one transaction. Filings per second, p50/p99 latency, and how many ledger batches they took.
 * Last line: JSON.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../src/adapters/db/database';
import { parseYuan } from '../src/core/money/money';
import type { Actor } from '../src/modules/auth/access';
import { fileLoan } from '../src/modules/filings/filings.usecases';
import { verifyLedger } from '../src/modules/ledger/ledger.verify';
import { rowsOf } from '../src/modules/shared/rows';
import { benchWorld } from './world';

const secondsAt = process.argv.indexOf('--seconds');
const SECONDS = secondsAt > 0 ? Number(process.argv[secondsAt + 1]) : 3;
const CLIENTS = [1, 8, 32, 64];
const ENTERPRISES = 5_000;
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const officer: Actor = {
  userId: 'icbc',
  username: 'icbc-officer',
  displayName: 'icbc',
  role: 'bank',
  bankId: 'bank-icbc',
  guarantorId: null,
  via: 'session',
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] ?? 0;
};

const name = `backstop_bench_${randomBytes(4).toString('hex')}`;
const a = postgres(admin, { max: 1, onnotice: () => {} });
await a.unsafe(`create database ${name}`);
const url = new URL(admin);
url.pathname = `/${name}`;
process.env.DATABASE_POOL = '80';
const database = await openDatabase({ url: url.toString() });
const catalog = await benchWorld(database, ENTERPRISES);
const batches = async () =>
  Number(
    rowsOf(await database.db.execute(sql`select count(*)::int as n from audit_log where action = 'ledger.batch'`))[0]!
      .n,
  );

const runs: {
  clients: number;
  filingsPerSecond: number;
  p50ms: number;
  p99ms: number;
  filings: number;
  ledgerBatches: number;
}[] = [];
let next = 0;
for (const clients of CLIENTS) {
  const lat: number[] = [];
  let filed = 0;
  const b0 = await batches();
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const n = next++;
        const t0 = performance.now();
        await fileLoan({
          db: database.db,
          catalog,
          actor: officer,
          today: '2025-09-03',
          input: {
            bankRef: `BENCH-${n}`,
            enterpriseId: `ent-${(n % ENTERPRISES) + 1}`,
            loan: { kind: 'credit', principal: parseYuan('100000.00'), disbursedOn: '2025-09-01', mode: 'direct' },
          } as never,
        });
        lat.push(performance.now() - t0);
        filed++;
      }
    }),
  );
  const secs = (performance.now() - started) / 1000;
  runs.push({
    clients,
    filingsPerSecond: Math.round(filed / secs),
    p50ms: +pct(lat, 50).toFixed(2),
    p99ms: +pct(lat, 99).toFixed(2),
    filings: filed,
    ledgerBatches: (await batches()) - b0,
  });
}
const verify = await verifyLedger({ db: database.db });
await database.close();
await a.unsafe(`drop database ${name} with (force)`);
await a.end();

console.log(
  `filings bench, ${SECONDS} s per run, PostgreSQL, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log('clients   filings/s   p50 ms   p99 ms   filings   ledger batches');
for (const r of runs)
  console.log(
    `${String(r.clients).padStart(7)} ${String(r.filingsPerSecond).padStart(11)} ${String(r.p50ms).padStart(8)} ${String(r.p99ms).padStart(8)} ${String(r.filings).padStart(9)} ${String(r.ledgerBatches).padStart(16)}`,
  );
console.log(`ledger verify after the runs: ${verify.ok ? 'clean' : `${verify.violations.length} violation(s)`}`);
if (!verify.ok) process.exitCode = 1;
console.log(JSON.stringify({ bench: 'filings', seconds: SECONDS, verifyClean: verify.ok, runs }));
