/**
 * Failover under load (issue 16; `npm run test:ha`, run by .ci/run after test:pg). A
 * pg_auto_failover formation (monitor, primary, secondary; synchronous replication) from
 * scripts/ha-formation.sh; two `backstop serve` processes on its multi-host URL (the second also
 * reading reports from the standby, DATABASE_READ_URL); 32 clients file loans, report repayments
 * and pay approved claims with API tokens and Idempotency-Keys, sending a request again with the
 * same key after a 503 or a lost connection. Mid-load the primary's postgres is killed with -9;
 * pg_auto_failover promotes the secondary and the clients go on. Then: every request answered 2xx
 * is in the database (0 acknowledged writes lost), nothing was done twice, `backstop ledger
 * verify` (the ledger's invariants and the audit chain) is clean, and the time from the kill to the
 * first successful write is printed. Needs Debian's postgresql-15-auto-failover (the script
 * installs it with apt-get when missing, as root) and takes a few minutes.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { sessionAttrs } from '../../src/adapters/db/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  formationStatus,
  formationUp,
  load,
  percentile,
  primaryPostmaster,
  seed,
  serve,
  type Formation,
  type Seeded,
  type Server,
} from './cluster';

let formation: Formation | undefined;
let servers: Server[] = [];
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backstop-ha-'));
  chmodSync(dir, 0o755); // the formation runs as the user postgres when the test runs as root
  formation = formationUp(join(dir, 'formation'));
}, 600_000);

afterAll(() => {
  for (const s of servers) s.stop();
  formation?.down();
  if (process.env.KEEP_HA_DIR !== '1') rmSync(dir, { recursive: true, force: true });
}, 300_000);

describe('failover under load (pg_auto_failover)', () => {
  let seeded: Seeded;

  it('kill -9 the primary mid-load: no acknowledged write lost, nothing done twice, the ledger and audit chain verify', async () => {
    const f = formation!;
    seeded = await seed(f.url, { enterprises: 3000, claims: 40 });
    servers = [
      await serve({ DATABASE_URL: f.url }),
      await serve({ DATABASE_URL: f.url, DATABASE_READ_URL: f.readUrl }),
    ];
    const bases = servers.map((s) => `http://127.0.0.1:${s.port}`);

    // The second process reads reports from the standby and says how far behind it is.
    const report = await fetch(`${bases[1]}/api/reports/position`, {
      headers: { authorization: `Bearer ${seeded.managerToken}` },
    });
    expect(report.status).toBe(200);
    const lag = ((await report.json()) as { replicationLagSeconds?: unknown }).replicationLagSeconds;
    expect(typeof lag).toBe('number');

    let stopping = false;
    const started = Date.now();
    const running = load({ bases, seeded, clients: 32, stop: () => stopping, runId: `ha${started}` });

    // Mid-load: kill -9 the primary's postmaster.
    await new Promise((r) => setTimeout(r, 10_000));
    const victim = primaryPostmaster(f.dir);
    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    console.log(`failover test: killed the primary's postmaster (pid ${victim.pid}, ${victim.node})`);

    // Until the other node is the primary (pg_auto_failover promoted it), then 15 s more of load.
    const other = victim.node.endsWith('node1') ? 'node2' : 'node1';
    const promoted = new RegExp(`^${other} .*\\|\\s+primary\\s+\\|\\s+primary\\s*$`, 'm');
    const deadline = Date.now() + 240_000;
    let status = '';
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      status = formationStatus(f.dir);
      if (promoted.test(status)) break;
    }
    expect(status).toMatch(promoted);
    console.log(`failover test: the formation after the kill:\n${status}`);
    await new Promise((r) => setTimeout(r, 15_000));
    stopping = true;
    const sent = await running;
    // A write sent after the kill (one sent before may be answered just after it, from the old primary).
    const writes = sent.filter((s) => s.outcome === 'ok' && s.at - s.ms > killedAt).map((s) => s.at);
    const firstWrite = writes.length ? Math.min(...writes) : undefined;

    const ok = sent.filter((s) => s.outcome === 'ok');
    const count = (kind: string, outcome: string) =>
      sent.filter((s) => s.kind === kind && s.outcome === outcome).length;
    const retried = sent.filter((s) => s.tries > 1).length;
    const failoverS = firstWrite === undefined ? NaN : (firstWrite - killedAt) / 1000;
    console.log(
      `failover test: ${sent.length} requests over ${((Date.now() - started) / 1000).toFixed(0)} s — ` +
        `filings ${count('filing', 'ok')} ok / ${count('filing', 'unknown')} unknown, ` +
        `repayments ${count('repayment', 'ok')} ok / ${count('repayment', 'unknown')} unknown, ` +
        `claims paid ${count('pay', 'ok')} ok / ${count('pay', 'unknown')} unknown; ` +
        `${retried} sent again after a 503 or a lost connection; p99 ${percentile(
          ok.map((s) => s.ms),
          99,
        )} ms`,
    );
    console.log(`failover test: time from the kill to the first successful write: ${failoverS.toFixed(1)} s`);

    for (const s of servers.filter((x) => x.exit() !== undefined))
      console.log(`failover test: a server exited (${s.exit()}):\n${s.output().slice(-3000)}`);
    expect(servers.map((s) => s.exit())).toEqual([undefined, undefined]);
    const errors = servers.flatMap((s) => s.output().split('\n')).filter((l) => l.includes('"level":50'));
    if (errors.length) console.log(`failover test: the servers' errors:\n${errors.slice(0, 10).join('\n')}`);
    // Every request was answered: none refused, none left without an answer.
    expect(sent.filter((s) => s.outcome === 'refused').map((s) => `${s.status} ${s.kind} ${s.subject}`)).toEqual([]);
    expect(sent.filter((s) => s.outcome === 'gave-up')).toEqual([]);
    expect(retried).toBeGreaterThan(0); // the kill was felt
    expect(firstWrite).toBeDefined();

    const sql = postgres(f.url, { max: 2, onnotice: () => {}, ...sessionAttrs(f.url) });
    try {
      // 0 acknowledged filings lost, none twice: each acknowledged loan is there under its bankRef, once.
      const filed = new Map(
        (
          await sql<{ bank_ref: string; id: string }[]>`select bank_ref, id from filings where bank_ref like ${'ha%'}`
        ).map((r) => [r.bank_ref, r.id]),
      );
      const ackedFilings = sent.filter((s) => s.kind === 'filing' && s.outcome === 'ok');
      expect(ackedFilings.filter((s) => filed.get(s.subject) !== s.id).map((s) => s.subject)).toEqual([]);
      // Nothing there that no request asked for.
      const asked = new Set(sent.filter((s) => s.kind === 'filing').map((s) => s.subject));
      expect([...filed.keys()].filter((r) => !asked.has(r))).toEqual([]);

      // Repayments: per loan, at least the acknowledged ones and at most the ones sent (each key once).
      const events = new Map(
        (
          await sql<{ filing_id: string; n: number }[]>`
            select filing_id, count(*)::int as n from filing_events where kind = 'repayment' group by filing_id`
        ).map((r) => [r.filing_id, r.n]),
      );
      const perLoan = new Map<string, { acked: number; sent: number }>();
      for (const s of sent.filter((x) => x.kind === 'repayment')) {
        const p = perLoan.get(s.subject) ?? { acked: 0, sent: 0 };
        p.sent++;
        if (s.outcome === 'ok') p.acked++;
        perLoan.set(s.subject, p);
      }
      const wrong = [...perLoan].filter(([id, p]) => {
        const n = events.get(id) ?? 0;
        return n < p.acked || n > p.sent;
      });
      expect(wrong).toEqual([]);
      // And the loan's outstanding is its principal less exactly those repayments.
      const off = await sql`
        select f.id from filings f
        where f.bank_ref like ${'ha%'} and f.outstanding <> f.principal - 100000 * (
          select count(*) from filing_events e where e.filing_id = f.id and e.kind = 'repayment')`;
      expect(off.length).toBe(0);

      // Claims: every acknowledged payment is paid (or queued), and each claim's payment booked once.
      const paid = sent.filter((s) => s.kind === 'pay' && s.outcome === 'ok').map((s) => s.subject);
      const states = new Map(
        (await sql<{ id: string; state: string }[]>`select id, state from claims`).map((r) => [r.id, r.state]),
      );
      expect(paid.filter((id) => !['paid', 'queued'].includes(states.get(id) ?? ''))).toEqual([]);

      // Idempotency keys: how the failover left them.
      const keys = await sql<{ state: string; n: number }[]>`
        select state, count(*)::int as n from idempotency_keys group by state order by state`;
      console.log(`failover test: idempotency keys by state: ${keys.map((k) => `${k.state} ${k.n}`).join(', ')}`);
    } finally {
      await sql.end();
    }

    for (const s of servers) s.stop();
    servers = [];
    const verify = cli(['ledger', 'verify'], { DATABASE_URL: f.url });
    console.log(`failover test: backstop ledger verify:\n${verify.stdout}${verify.stderr}`);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(failoverS).toBeGreaterThan(0);
  }, 900_000);
});
