/**
 * Observability (issue 16, item 4): GET /metrics in Prometheus' text format, parsed here line by
 * line; its fund gauges equal the ledger's balances as the API reports them; request counters by
 * route pattern; the metrics token; request ids in problem bodies, headers and log lines; and
 * GET /api/ready.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYuan } from '../../src/core/money/money';
import { onPostgres } from '../../src/adapters/db/testing';
import { createReadiness } from '../../src/adapters/http/readiness';
import { createServices } from '../../src/adapters/http/services';
import { createLogger } from '../../src/adapters/logger';
import { seedDemo } from '../../src/modules/demo/demo.seed';
import { METRICS_TOKEN, ok, startTestApp, type Client } from './harness';

const TODAY = '2026-11-25';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client;

/** A problem body as these tests read it. */
interface ProblemBody {
  requestId: string;
  detail: string;
  checks: Record<string, string>;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus' text format (0.0.4): `# HELP`/`# TYPE` lines and `name{label="value",…} value` samples. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) {
      expect(line).toMatch(/^# HELP \S+ /);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    const body = m![2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
    let at = 0;
    for (let l = re.exec(body); l; l = re.exec(body)) {
      labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
      at = re.lastIndex;
    }
    expect(at, `labels not parsed whole: ${line}`).toBe(body.length);
    const raw = m![3]!;
    // Go's ParseFloat, which Prometheus uses, takes NaN in any case (prom-client writes `Nan`).
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : /^nan$/i.test(raw) ? NaN : Number(raw);
    expect(Number.isNaN(value) && !/^nan$/i.test(raw), `bad value: ${line}`).toBe(false);
    samples.push({ name: m![1]!, labels, value });
  }
  return { samples, types };
}

async function scrape(app = t.app, token = METRICS_TOKEN) {
  const res = await app.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(text);
}

/** The one sample of this name whose labels include these. */
function sample(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length, `${name} ${JSON.stringify(labels)}`).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

async function listAll<T>(client: Client, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor = '';
  do {
    const page = (await ok(await client(`${path}&limit=500${cursor ? `&cursor=${cursor}` : ''}`))) as {
      items: T[];
      nextCursor: string | null;
    };
    out.push(...page.items);
    cursor = page.nextCursor ?? '';
  } while (cursor);
  return out;
}

beforeAll(async () => {
  t = await startTestApp({ today: () => TODAY });
  await seedDemo({ db: t.database.db, catalog: t.services.ops.catalog(), asOf: TODAY, loans: 400, enterprises: 200 });
  manager = await t.signIn('manager', 'manager');
}, 180_000);
afterAll(async () => t?.close());

describe('GET /metrics', () => {
  it("is Prometheus' text format, and each fund's cash, committed liability and capacity equal its ledger balances", async () => {
    const { samples, types } = await scrape();
    expect(types.get('backstop_fund_cash_fen')).toBe('gauge');
    expect(types.get('backstop_http_requests_total')).toBe('counter');
    expect(types.get('backstop_http_request_duration_seconds')).toBe('histogram');
    expect(types.get('nodejs_heap_size_used_bytes')).toBe('gauge');
    expect(types.get('backstop_group_commit_units')).toBe('histogram');
    expect(types.get('backstop_ledger_batch_transfers')).toBe('histogram');
    expect(sample(samples, 'backstop_figures_up')).toBe(1);

    const position = (await ok(await manager('/api/reports/position'))).items as {
      fundId: string;
      cash: string;
      committedLiability: string;
      capacityLeft: string;
      capital: string;
      limit: string;
    }[];
    expect(position.length).toBeGreaterThan(0);
    for (const p of position) {
      const fund = { fund: p.fundId };
      // The gauges equal the position report …
      expect(sample(samples, 'backstop_fund_cash_fen', fund)).toBe(Number(parseYuan(p.cash)));
      expect(sample(samples, 'backstop_fund_committed_liability_fen', fund)).toBe(
        Number(parseYuan(p.committedLiability)),
      );
      expect(sample(samples, 'backstop_fund_capacity_left_fen', fund)).toBe(
        Number(parseYuan(p.capacityLeft, { allowNegative: true })),
      );
      expect(sample(samples, 'backstop_fund_capital_fen', fund)).toBe(Number(parseYuan(p.capital)));
      expect(sample(samples, 'backstop_fund_limit_fen', fund)).toBe(Number(parseYuan(p.limit)));
      // … and the ledger's own accounts, summed here by code.
      const accounts = (await ok(await manager(`/api/ledger/accounts?fundId=${p.fundId}`))).items as {
        code: string;
        debitsPosted: string;
        creditsPosted: string;
      }[];
      const net = (code: string, side: 'debit' | 'credit') =>
        accounts
          .filter((a) => a.code === code)
          .reduce(
            (s, a) => s + (side === 'debit' ? 1n : -1n) * (parseYuan(a.debitsPosted) - parseYuan(a.creditsPosted)),
            0n,
          );
      expect(sample(samples, 'backstop_fund_cash_fen', fund)).toBe(Number(net('cash', 'debit')));
      expect(sample(samples, 'backstop_fund_committed_liability_fen', fund)).toBe(Number(net('exposure', 'credit')));
      expect(sample(samples, 'backstop_fund_capacity_left_fen', fund)).toBe(
        Number(net('capacity', 'credit') - net('limit-shortfall', 'debit') + net('quota', 'credit')),
      );
    }
    expect(position.some((p) => parseYuan(p.committedLiability) > 0n)).toBe(true);

    // Claims queued and their compensation, per fund, as GET /api/claims?state=queued lists them.
    const queued = await listAll<{ fundId: string; compensation: string }>(manager, '/api/claims?state=queued');
    for (const p of position) {
      const own = queued.filter((c) => c.fundId === p.fundId);
      expect(sample(samples, 'backstop_claims_queued', { fund: p.fundId })).toBe(own.length);
      expect(sample(samples, 'backstop_claims_queued_fen', { fund: p.fundId })).toBe(
        Number(own.reduce((s, c) => s + parseYuan(c.compensation), 0n)),
      );
    }
    // Breakers, as GET /api/breakers answers them.
    const breakers = (await ok(await manager('/api/breakers'))).items as { bankId: string; tripped: boolean }[];
    expect(breakers.length).toBeGreaterThan(0);
    for (const b of breakers) expect(sample(samples, 'backstop_breaker_tripped', { bank: b.bankId })).toBe(+b.tripped);
    expect(sample(samples, 'backstop_breakers_tripped')).toBe(breakers.filter((b) => b.tripped).length);
    // Loans waiting for their guarantor, as GET /api/filings?guarantorConfirmed=false lists them.
    const waiting = await listAll<{ fundId: string }>(manager, '/api/filings?guarantorConfirmed=false');
    expect(waiting.length).toBeGreaterThan(0);
    for (const p of position)
      expect(sample(samples, 'backstop_loans_awaiting_guarantor', { fund: p.fundId })).toBe(
        waiting.filter((f) => f.fundId === p.fundId).length,
      );
    // PostgreSQL's connections (this scrape's own statement is active); the embedded database has none to show.
    const active = sample(samples, 'backstop_db_connections', { state: 'active' });
    if (onPostgres) expect(active).toBeGreaterThanOrEqual(1);
    else expect(samples.filter((s) => s.name === 'backstop_db_connections')).toEqual([]);
    // The jobs: none running.
    expect(sample(samples, 'backstop_jobs', { kind: 'import', status: 'running' })).toBe(0);
    expect(sample(samples, 'backstop_jobs', { kind: 'simulation', status: 'running' })).toBe(0);
  }, 120_000);

  it('follows an operation through the API: a top-up raises the cash gauge by its amount, in fen', async () => {
    const [fund] = (await ok(await manager('/api/reports/position'))).items as { fundId: string }[];
    const first = (await scrape()).samples;
    const before = sample(first, 'backstop_fund_cash_fen', { fund: fund!.fundId })!;
    await ok(
      await manager(`/api/funds/${fund!.fundId}/top-ups`, {
        method: 'POST',
        body: { amount: '1234567.89', on: TODAY, note: 'metrics test' },
      }),
      201,
    );
    const after = await scrape();
    const [p] = (await ok(await manager(`/api/reports/position?fundId=${fund!.fundId}`))).items as { cash: string }[];
    // Queued claims are paid from a top-up (R7a): the gauge follows the ledger, whatever it paid.
    expect(sample(after.samples, 'backstop_fund_cash_fen', { fund: fund!.fundId })).toBe(Number(parseYuan(p!.cash)));
    expect(sample(after.samples, 'backstop_fund_cash_fen', { fund: fund!.fundId })).not.toBe(before);
    // The top-up's transfers went to the ledger as one batch.
    const batches = (x: Sample[]) => sample(x, 'backstop_ledger_batch_transfers_count') ?? 0;
    expect(batches(after.samples)).toBeGreaterThan(batches(first));
  }, 60_000);

  it('counts requests by matched route pattern and status, never the raw path', async () => {
    const count = (s: Sample[], labels: Record<string, string>) =>
      sample(s, 'backstop_http_requests_total', labels) ?? 0;
    const before = (await scrape()).samples;
    const pattern = { method: 'GET', route: '/api/claims/:id', status: '404' };
    const breakers = { method: 'GET', route: '/api/breakers', status: '200' };
    for (const id of ['no-such-claim-1', 'no-such-claim-2', 'no-such-claim-3'])
      expect((await manager(`/api/claims/${id}`)).status).toBe(404);
    await ok(await manager('/api/breakers'));
    const res = await t.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await res.text();
    const after = parseMetrics(text).samples;
    expect(count(after, pattern) - count(before, pattern)).toBe(3);
    expect(count(after, breakers) - count(before, breakers)).toBe(1);
    expect(text).not.toContain('no-such-claim');
    const latency = sample(after, 'backstop_http_request_duration_seconds_count', {
      method: 'GET',
      route: '/api/breakers',
      class: '2xx',
    });
    expect(latency).toBeGreaterThanOrEqual(1);
    // An unknown path is one label, not one per path.
    await t.app.request('/api/no/such/thing', { method: 'DELETE' });
    const unmatched = (await scrape()).samples.filter(
      (s) => s.name === 'backstop_http_requests_total' && s.labels.method === 'DELETE',
    );
    expect(unmatched.map((s) => s.labels.route)).toEqual(['unmatched']);
  }, 60_000);

  it('asks for its token: 401 without it or with another; off (404) when BACKSTOP_METRICS_TOKEN is not set', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-wrong-token', `Basic ${METRICS_TOKEN}`]) {
      const res = await t.app.request('/metrics', authorization ? { headers: { authorization } } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain('backstop_fund');
    }
    const off = await createServices({
      database: t.database,
      logger: createLogger({ level: 'silent' }),
      metrics: { token: undefined, cacheMs: 0 },
    });
    const res = await off.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ProblemBody).detail).toMatch(/BACKSTOP_METRICS_TOKEN/);
  });
});

describe('the example alert rules (ops/prometheus/backstop-alerts.yml)', () => {
  it('parse as YAML, each rule with a name and an expression, and name only metrics /metrics serves', async () => {
    const file = new URL('../../ops/prometheus/backstop-alerts.yml', import.meta.url);
    const doc = parseYaml(readFileSync(file, 'utf8')) as {
      groups: { name: string; rules: { alert: string; expr: string; for?: string; labels: { severity: string } }[] }[];
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'BackstopFundCapacityLow',
        'BackstopClaimsQueued',
        'BackstopBreakerTripped',
        'BackstopHigh5xxRate',
        'BackstopHighP99Latency',
        'BackstopNotReady',
      ]),
    );
    for (const r of rules) {
      expect(r.expr, r.alert).toMatch(/\S/);
      expect(['warning', 'critical']).toContain(r.labels.severity);
    }
    const { types } = await scrape();
    const named = new Set(rules.flatMap((r) => r.expr.match(/\bbackstop_[a-z_]+/g) ?? []));
    for (const name of named) {
      if (!onPostgres && name.startsWith('backstop_db_')) continue; // PostgreSQL's figures only
      expect(types.has(name.replace(/_(bucket|count|sum)$/, '')), name).toBe(true);
    }
  });
});

describe('request ids', () => {
  it('are in every problem body and the X-Request-Id header; a sane incoming one is kept, another replaced', async () => {
    const res = await manager('/api/claims/nope');
    const body = (await res.json()) as ProblemBody;
    expect(res.status).toBe(404);
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(body.requestId);

    const invalid = await manager('/api/funds', {
      method: 'POST',
      body: { id: '' },
      headers: { 'x-request-id': 'lb-7f3a:42' },
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as ProblemBody).requestId).toBe('lb-7f3a:42');
    expect(invalid.headers.get('x-request-id')).toBe('lb-7f3a:42');

    for (const bad of ['has spaces in it', 'x'.repeat(129), '<script>']) {
      const r = await t.app.request('/api/claims', { headers: { 'x-request-id': bad } });
      expect(r.status).toBe(401);
      const id = ((await r.json()) as ProblemBody).requestId;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.headers.get('x-request-id')).toBe(id);
    }
    // A replay (Idempotency-Key) answers the first body as it was, naming the request that made it;
    // its own id is in its header.
    const key = { 'idempotency-key': 'metrics-replay-0001' };
    const first = await manager('/api/funds', { method: 'POST', body: { id: 'x' }, headers: key });
    const again = await manager('/api/funds', { method: 'POST', body: { id: 'x' }, headers: key });
    expect(first.status).toBe(400);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const firstText = await first.text();
    expect(await again.text()).toBe(firstText);
    expect((JSON.parse(firstText) as ProblemBody).requestId).toBe(first.headers.get('x-request-id'));
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    // A success answers its id too; two requests never share one.
    const a = await t.app.request('/api/health');
    const b = await t.app.request('/api/health');
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('are on every log line logged while the request is served', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (l: string) => void lines.push(JSON.parse(l)) },
    });
    const logged = await createServices({ database: t.database, logger, metrics: { token: undefined, cacheMs: 0 } });
    await logged.app.request('/api/programmes', { headers: { 'x-request-id': 'trace-me-1' } });
    await logged.app.request('/api/no/such', { method: 'POST', headers: { 'x-request-id': 'trace-me-2' } });
    const requestLines = lines.filter((l) => l.msg === 'request');
    expect(requestLines.map((l) => [l.path, l.requestId])).toEqual([
      ['/api/programmes', 'trace-me-1'],
      ['/api/no/such', 'trace-me-2'],
    ]);
    // Outside a request, no id.
    logger.info('not a request');
    expect(lines.at(-1)).not.toHaveProperty('requestId');
  });
});

describe('GET /api/ready', () => {
  it('answers 200 when the database answers, is migrated and is writable; /api/health says only that the process lives', async () => {
    const res = await t.app.request('/api/ready');
    expect(await ok(res)).toEqual({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok', writable: 'ok' },
    });
    expect(await ok(await t.app.request('/api/health'))).toMatchObject({ status: 'ok' });
  });

  it('answers 503 when a migration this code knows is not applied there', async () => {
    const db = t.database.db;
    await db.execute(
      sql`update drizzle.__drizzle_migrations set created_at = created_at - 1 where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`,
    );
    try {
      const res = await t.app.request('/api/ready');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
      const body = (await res.json()) as ProblemBody;
      expect(body.checks).toMatchObject({ database: 'ok', writable: 'ok' });
      expect(body.checks.migrations).toMatch(/^behind: \d{4}_/);
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
    } finally {
      await db.execute(
        sql`update drizzle.__drizzle_migrations set created_at = created_at + 1 where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`,
      );
    }
    expect((await t.app.request('/api/ready')).status).toBe(200);
  });

  it('is not ready on a read-only connection, nor when the database does not answer', async () => {
    const readOnly = await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`set transaction read only`);
      return createReadiness({ db: tx })();
    });
    expect(readOnly).toEqual({
      ready: false,
      checks: { database: 'ok', migrations: 'ok', writable: 'no: transaction_read_only is on' },
    });
    const hung = { execute: () => new Promise(() => {}) } as unknown as typeof t.database.db;
    expect(await createReadiness({ db: hung, timeoutMs: 50 })()).toEqual({
      ready: false,
      checks: { database: 'unreachable', migrations: 'unknown', writable: 'unknown' },
    });
  });
});
