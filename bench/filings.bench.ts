/**
 * npm run bench -- filings [--seconds N] [--banks B] [--clients 1,8,32,64]: loans filed one request
 * at a time through the real HTTP server — `backstop serve` in its own process on a scratch
 * PostgreSQL database (DATABASE_URL, default 127.0.0.1:5432), clients in this process, each with
 * the API token of one of B banks (default 4), each waiting for its answer before sending the next,
 * under an Idempotency-Key (`--profile DIR`: the server's CPU profile). 5,000 enterprises, so G5 is not what is measured. Per client count:
 * filings per second, p50/p99 latency, the ledger batches the filings took (the filing group
 * commit writes the filings that arrive together in one transaction), and the CPU per filing of
 * the server process and of PostgreSQL. `ledger verify` runs after the runs and must be clean.
 * Last line: JSON.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../src/adapters/db/database';
import { verifyLedger } from '../src/modules/ledger/ledger.verify';
import { rowsOf } from '../src/modules/shared/rows';
import { answered, load, seed, serve } from '../test/ha/cluster';
import { postgresCpu, postgresCpuSince, processCpuMs } from './world';

const arg = (flag: string) => {
  const i = process.argv.indexOf(`--${flag}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SECONDS = Number(arg('seconds') ?? 5);
const BANKS = Number(arg('banks') ?? 4);
const CLIENTS = (arg('clients') ?? '1,8,32,64').split(',').map(Number);
/** A directory for the server's V8 CPU profile (node --cpu-prof), written when it stops. */
const PROFILE = arg('profile');
const ENTERPRISES = 5_000;
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const name = `backstop_bench_${randomBytes(4).toString('hex')}`;
const a = postgres(admin, { max: 1, onnotice: () => {} });
await a.unsafe(`create database ${name}`);
const url = new URL(admin);
url.pathname = `/${name}`;
const seeded = await seed(url.toString(), { enterprises: ENTERPRISES, banks: BANKS });
const server = await serve(
  { DATABASE_URL: url.toString() },
  PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [],
);
const base = `http://127.0.0.1:${server.port}`;
const database = await openDatabase({ url: url.toString() });
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
  notOk: number;
  ledgerBatches: number;
  cpuMsPerFiling: { server: number; postgres: number; clients: number };
}[] = [];
try {
  // Warm-up, not counted: the server's connections, prepared statements and JIT.
  const w0 = Date.now();
  await load({
    bases: [base],
    seeded,
    clients: 8,
    stop: () => Date.now() - w0 > 2000,
    runId: `warm-${w0}`,
    repayEvery: 1e9,
    payEvery: 1e9,
  });
  for (const clients of CLIENTS) {
    const b0 = await batches();
    const cpu0 = {
      server: processCpuMs(server.child.pid!),
      postgres: await postgresCpu(database),
      clients: process.cpuUsage(),
    };
    const t0 = Date.now();
    const sent = await load({
      bases: [base],
      seeded,
      clients,
      stop: () => Date.now() - t0 > SECONDS * 1000,
      runId: `c${clients}-${t0}`,
      repayEvery: 1e9,
      payEvery: 1e9,
    });
    const secs = (Date.now() - t0) / 1000;
    const serverMs = processCpuMs(server.child.pid!) - cpu0.server;
    const postgresMs = postgresCpuSince(cpu0.postgres, await postgresCpu(database));
    const clientUs = process.cpuUsage(cpu0.clients);
    const { ok, perSecond, p50Ms, p99Ms, notOk } = answered(sent, secs);
    const per = (ms: number) => +(ms / Math.max(1, ok)).toFixed(2);
    runs.push({
      clients,
      filingsPerSecond: perSecond,
      p50ms: p50Ms,
      p99ms: p99Ms,
      filings: ok,
      notOk,
      ledgerBatches: (await batches()) - b0,
      cpuMsPerFiling: {
        server: per(serverMs),
        postgres: per(postgresMs),
        clients: per((clientUs.user + clientUs.system) / 1000),
      },
    });
    const refused = sent.find((s) => s.outcome !== 'ok');
    if (refused) console.error(`  not filed (${notOk}), e.g. ${refused.status} ${refused.subject}`);
  }
} finally {
  if (PROFILE) {
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
  } else server.stop();
}
const verify = await verifyLedger({ db: database.db });
await database.close();
await a.unsafe(`drop database ${name} with (force)`);
await a.end();

console.log(
  `filings bench: POST /api/filings through backstop serve, ${BANKS} bank(s)' API tokens, ${SECONDS} s per run, PostgreSQL, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  'clients   filings/s   p50 ms   p99 ms   filings   ledger batches   CPU ms a filing: server  PostgreSQL  clients',
);
for (const r of runs)
  console.log(
    `${String(r.clients).padStart(7)} ${String(r.filingsPerSecond).padStart(11)} ${String(r.p50ms).padStart(8)} ${String(r.p99ms).padStart(8)} ${String(r.filings).padStart(9)} ${String(r.ledgerBatches).padStart(16)} ${String(r.cpuMsPerFiling.server).padStart(24)} ${String(r.cpuMsPerFiling.postgres).padStart(11)} ${String(r.cpuMsPerFiling.clients).padStart(8)}`,
  );
console.log(`ledger verify after the runs: ${verify.ok ? 'clean' : `${verify.violations.length} violation(s)`}`);
if (!verify.ok || runs.some((r) => r.notOk > 0)) process.exitCode = 1;
console.log(JSON.stringify({ bench: 'filings', seconds: SECONDS, banks: BANKS, verifyClean: verify.ok, runs }));
