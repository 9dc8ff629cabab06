/**
 * npm run bench -- cluster [--seconds 20]: filings per second through real HTTP with API tokens on
 * a pg_auto_failover formation (scripts/ha-formation.sh: monitor, primary, synchronous secondary),
 * with 1 and with 2 `backstop serve` processes, 32 clients (each on one process), p50 and p99 of a
 * filing's answer; then the failover time: kill -9 the primary's postgres under the same load and
 * time from the kill to the first successful filing. Each client sends its requests one after
 * another under an Idempotency-Key, again after a 503. The last line is JSON.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { answered, formationUp, load, primaryPostmaster, seed, serve, type Server } from '../test/ha/cluster';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 20);
const CLIENTS = 32;

const dir = mkdtempSync(join(tmpdir(), 'backstop-cluster-'));
chmodSync(dir, 0o755);
const formation = formationUp(join(dir, 'formation'));
let servers: Server[] = [];
const result: Record<string, unknown> = { clients: CLIENTS, seconds: SECONDS, cores: cpus().length };
try {
  const seeded = await seed(formation.url, { enterprises: 20_000, claims: 0 });
  const only = { repayEvery: 1e9, payEvery: 1e9 };
  for (const processes of [1, 2]) {
    servers = await Promise.all(Array.from({ length: processes }, () => serve({ DATABASE_URL: formation.url })));
    const bases = servers.map((s) => `http://127.0.0.1:${s.port}`);
    // A few seconds of warm-up (connections, prepared statements), not counted.
    const w0 = Date.now();
    await load({
      bases,
      seeded,
      clients: CLIENTS,
      stop: () => Date.now() - w0 > 3000,
      runId: `warm${processes}-${w0}`,
      ...only,
    });
    const t0 = Date.now();
    const sent = await load({
      bases,
      seeded,
      clients: CLIENTS,
      stop: () => Date.now() - t0 > SECONDS * 1000,
      runId: `p${processes}-${t0}`,
      ...only,
    });
    const secs = (Date.now() - t0) / 1000;
    const { perSecond, p50Ms, p99Ms, notOk } = answered(sent, secs);
    const row = {
      filingsPerSecond: perSecond,
      p50Ms,
      p99Ms,
      notOk,
      load1: Number(loadavg()[0]!.toFixed(1)),
    };
    console.log(
      `cluster bench: ${processes} process(es), ${CLIENTS} clients, ${secs.toFixed(0)} s: ${row.filingsPerSecond} filings/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms (${row.notOk} not 2xx; load ${row.load1})`,
    );
    result[`processes${processes}`] = row;
    for (const s of servers) s.stop();
    servers = [];
  }

  // The failover: two processes under the same load, the primary's postgres killed with -9.
  servers = await Promise.all([serve({ DATABASE_URL: formation.url }), serve({ DATABASE_URL: formation.url })]);
  const bases = servers.map((s) => `http://127.0.0.1:${s.port}`);
  let killedAt = Infinity;
  let stopAt = Infinity;
  const running = load({
    bases,
    seeded,
    clients: CLIENTS,
    stop: () => Date.now() > stopAt,
    runId: `failover-${Date.now()}`,
    ...only,
  });
  await new Promise((r) => setTimeout(r, 5000));
  const victim = primaryPostmaster(formation.dir);
  killedAt = Date.now();
  process.kill(victim.pid, 'SIGKILL');
  stopAt = killedAt + 60_000;
  const sent = await running;
  const after = sent.filter((s) => s.outcome === 'ok' && s.at - s.ms > killedAt).map((s) => s.at);
  const failoverSeconds = after.length ? Number(((Math.min(...after) - killedAt) / 1000).toFixed(1)) : null;
  const unknown = sent.filter((s) => s.outcome === 'unknown').length;
  console.log(
    `cluster bench: failover: kill -9 of the primary's postgres to the first successful filing: ${failoverSeconds} s (${unknown} answers outcome_unknown of ${sent.length})`,
  );
  result.failoverSeconds = failoverSeconds;
  result.failoverOutcomeUnknown = unknown;
  const one = result.processes1 as { filingsPerSecond: number };
  const two = result.processes2 as { filingsPerSecond: number };
  result.speedup = Number((two.filingsPerSecond / one.filingsPerSecond).toFixed(2));
} finally {
  for (const s of servers) s.stop();
  formation.down();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ bench: 'cluster', ...result }));
