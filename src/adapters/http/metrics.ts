/**
 * GET /metrics in Prometheus' text format (prom-client), outside /api and its sign-in:
 *
 * - **protected by a bearer token**: BACKSTOP_METRICS_TOKEN (at least 16 characters). Prometheus
 *   sends it as `Authorization: Bearer …` (scrape config `authorization: { credentials_file: … }`).
 *   Without the setting /metrics is off (404): the figures name every fund's money.
 * - **technical figures**: requests by method, matched route pattern (Hono's, never the raw path)
 *   and status, their latency, requests in flight; group commits, ledger batches and import rows
 *   (shared/metrics.ts); jobs not finished and the oldest one's age; PostgreSQL's connections by
 *   state and lock waits; Node's default metrics (process_*, nodejs_*).
 * - **a fund manager's figures**, read from the database at scrape time (metrics.usecases.ts) and
 *   kept for BACKSTOP_METRICS_CACHE_S (default 10 s) so that scrapes do not load the database.
 *   Money is in fen in gauges named `…_fen`: a gauge is a float64, exact to 2^53 fen (90 trillion yuan).
 *
 * docs/OPERATIONS.md, "Metrics", lists every metric.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Hono, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { operatorFigures, type OperatorFigures } from '../../modules/metrics/metrics.usecases';
import type { AppEnv } from '../../modules/shared/http-env';
import { processRegistry } from '../../modules/shared/metrics';
import type { OperationsDeps } from '../../modules/shared/operations-deps';
import { metricsErrors } from './metrics.errors';
import { UsageError } from '../cli/cli-errors';

export const METRICS_PATH = '/metrics';

export interface MetricsSettings {
  /** The bearer token /metrics asks for; none: /metrics is off. */
  token?: string | undefined;
  /** How long the fund figures read at a scrape are kept, in ms. */
  cacheMs: number;
}

/** BACKSTOP_METRICS_TOKEN and BACKSTOP_METRICS_CACHE_S; a bad value stops the start with one line naming it. */
export function metricsSettings(env: NodeJS.ProcessEnv = process.env): MetricsSettings {
  const token = env.BACKSTOP_METRICS_TOKEN || undefined;
  if (token !== undefined && !/^[\x21-\x7e]{16,256}$/.test(token))
    throw new UsageError('BACKSTOP_METRICS_TOKEN: must be 16 to 256 printable characters without spaces');
  const cache = env.BACKSTOP_METRICS_CACHE_S;
  if (cache !== undefined && cache !== '' && !/^\d{1,4}(\.\d{1,3})?$/.test(cache))
    throw new UsageError(`BACKSTOP_METRICS_CACHE_S: must be a number of seconds from 0, not "${cache}"`);
  return { token, cacheMs: cache ? Math.round(Number(cache) * 1000) : 10_000 };
}

let defaultsCollected = false;
/** Node's default metrics, once per process (every app in a test process shares them). */
function collectDefaultsOnce() {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: processRegistry });
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The route pattern the router matched (`/api/funds/:id`): the first handler's, not a middleware's. */
function routeOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  try {
    return matchedRoutes(c).find((r) => r.method !== 'ALL')?.path ?? 'unmatched';
  } catch {
    return 'unmatched';
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

const fen = (v: bigint) => Number(v);

export function createMetrics({
  settings,
  ops,
  postgres,
  logger,
}: {
  settings: MetricsSettings;
  ops: OperationsDeps;
  postgres: boolean;
  logger: Logger;
}) {
  collectDefaultsOnce();
  const registry = new Registry();
  const registers = [registry];

  // --- HTTP
  const requests = new Counter({
    name: 'backstop_http_requests_total',
    help: 'HTTP requests answered, by method, matched route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'backstop_http_request_duration_seconds',
    help: 'Time from the request reaching the app to its answer, by method, route pattern and status class',
    labelNames: ['method', 'route', 'class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const inFlight = new Gauge({
    name: 'backstop_http_requests_in_flight',
    help: 'Requests being served now',
    registers,
  });

  // --- The fund manager's figures and the jobs, from the database at scrape time
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers });
  const fundCash = g('backstop_fund_cash_fen', "The fund's cash (cash account, debits − credits), fen", ['fund']);
  const fundCapital = g('backstop_fund_capital_fen', "The fund's capital (its top-ups), fen", ['fund']);
  const fundLimit = g('backstop_fund_limit_fen', "The fund's liability limit (capital × multiple, R7b), fen", ['fund']);
  const fundCommitted = g(
    'backstop_fund_committed_liability_fen',
    "The fund's committed liability (its exposure accounts), fen",
    ['fund'],
  );
  const fundCapacity = g(
    'backstop_fund_capacity_left_fen',
    'What the fund may still commit: capacity − limit shortfall + unused quotas (R7b, R7c, R15), fen',
    ['fund'],
  );
  const fundLiveLoans = g('backstop_fund_live_loans', 'Active and non-performing loans of the fund', ['fund']);
  const claimsQueued = g('backstop_claims_queued', 'Claims approved and waiting for the fund’s cash (R7a)', ['fund']);
  const claimsQueuedFen = g('backstop_claims_queued_fen', 'Compensation of the claims queued, fen', ['fund']);
  const breakerTripped = g('backstop_breaker_tripped', "1 when the bank's circuit breaker is tripped (G4)", ['bank']);
  const breakersTripped = g('backstop_breakers_tripped', 'Banks whose circuit breaker is tripped (G4)');
  const awaitingGuarantor = g(
    'backstop_loans_awaiting_guarantor',
    'Guaranteed loans not confirmed by their guarantor yet (withdrawn ones left out)',
    ['fund'],
  );
  const jobs = g('backstop_jobs', 'Jobs not finished, by kind (import, simulation) and status', ['kind', 'status']);
  const jobAge = g('backstop_job_oldest_age_seconds', 'Age of the oldest job not finished, by kind and status', [
    'kind',
    'status',
  ]);
  // PostgreSQL's own figures; none on the embedded database (one connection, nothing real to show).
  const pgRegisters = postgres ? registers : [];
  const connections = new Gauge({
    name: 'backstop_db_connections',
    help: "PostgreSQL's client connections to this database (all processes), by state",
    labelNames: ['state'],
    registers: pgRegisters,
  });
  const lockWaits = new Gauge({
    name: 'backstop_db_lock_waits',
    help: 'PostgreSQL connections to this database waiting for a lock',
    registers: pgRegisters,
  });
  const figuresUp = g('backstop_figures_up', '1 when the last read of the fund figures succeeded');
  const figuresAge = g('backstop_figures_age_seconds', 'Age of the fund figures served (they are cached)');

  const all = [
    fundCash,
    fundCapital,
    fundLimit,
    fundCommitted,
    fundCapacity,
    fundLiveLoans,
    claimsQueued,
    claimsQueuedFen,
    breakerTripped,
    breakersTripped,
    awaitingGuarantor,
    jobs,
    jobAge,
    connections,
    lockWaits,
  ];

  function show(f: OperatorFigures) {
    for (const m of all) m.reset();
    for (const p of f.funds) {
      const fund = p.fundId;
      fundCash.set({ fund }, fen(p.cash));
      fundCapital.set({ fund }, fen(p.capital));
      fundLimit.set({ fund }, fen(p.limit));
      fundCommitted.set({ fund }, fen(p.committedLiability));
      fundCapacity.set({ fund }, fen(p.capacityLeft));
      fundLiveLoans.set({ fund }, p.liveLoans);
      claimsQueued.set({ fund }, 0);
      claimsQueuedFen.set({ fund }, 0);
      awaitingGuarantor.set({ fund }, 0);
    }
    for (const q of f.queuedClaims) {
      claimsQueued.set({ fund: q.fundId }, q.count);
      claimsQueuedFen.set({ fund: q.fundId }, fen(q.fen));
    }
    for (const a of f.awaitingGuarantor) awaitingGuarantor.set({ fund: a.fundId }, a.count);
    for (const b of f.breakers) breakerTripped.set({ bank: b.bankId }, b.tripped ? 1 : 0);
    breakersTripped.set(f.breakers.filter((b) => b.tripped).length);
    for (const kind of ['import', 'simulation']) jobs.set({ kind, status: 'running' }, 0);
    for (const j of f.jobs) {
      jobs.set({ kind: j.kind, status: j.status }, j.count);
      jobAge.set({ kind: j.kind, status: j.status }, j.oldestSeconds);
    }
    if (f.connections) {
      for (const c of f.connections) connections.set({ state: c.state }, c.count);
      lockWaits.set(f.connections.reduce((s, c) => s + c.lockWaits, 0));
    }
  }

  /** The figures, read at most once per cacheMs; scrapes that arrive during a read share it. */
  let cached: { at: number; read: Promise<OperatorFigures> } | undefined;
  async function refresh() {
    const now = Date.now();
    if (!cached || now - cached.at >= settings.cacheMs) {
      const read = operatorFigures({ db: ops.db, catalog: ops.catalog(), postgres });
      cached = { at: now, read };
      read.catch(() => {
        if (cached?.read === read) cached = undefined;
      });
    }
    const at = cached.at;
    try {
      show(await cached.read);
      figuresUp.set(1);
      figuresAge.set((Date.now() - at) / 1000);
    } catch (err) {
      logger.warn({ err }, 'metrics: the fund figures could not be read');
      figuresUp.set(0);
    }
  }

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    inFlight.inc();
    try {
      await next();
    } finally {
      inFlight.dec();
      const method = METHODS.has(c.req.method) ? c.req.method : 'other';
      const route = routeOf(c);
      const status = c.res.status;
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route, class: `${Math.floor(status / 100)}xx` }, (performance.now() - started) / 1000);
    }
  };

  const expected = settings.token === undefined ? undefined : digest(`Bearer ${settings.token}`);

  /** GET /metrics, with its token. */
  function routes(app: Hono<AppEnv>) {
    app.get(METRICS_PATH, async (c) => {
      if (!expected) throw metricsErrors.off();
      const sent = c.req.header('authorization')?.trim() ?? '';
      if (!timingSafeEqual(digest(sent), expected)) throw metricsErrors.tokenInvalid();
      await refresh();
      const text = (await processRegistry.metrics()) + (await registry.metrics());
      return c.body(text, 200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    });
  }

  return { middleware, routes };
}
