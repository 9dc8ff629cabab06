/**
 * The Hono app: routes from each module, problem details for every error, one log line per
 * request, the OpenAPI document and a readable API page. No port here: tests call `app.request`.
 */
import type { IncomingMessage } from 'node:http';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { CompiledPolicy } from '../../core/policy';
import { evaluateRoutes } from '../../modules/programmes/evaluate.routes';
import { programmesRoutes, type ProgrammesReader } from '../../modules/programmes/programmes.routes';
import { Problem, problemBody } from '../../modules/shared/problem';
import { requestErrors } from '../../modules/shared/request.errors';
import { isDatabaseUnavailable } from '../../modules/shared/connection-errors';
import { idempotency } from '../../modules/shared/idempotency';
import { apiDocsRoutes } from './api-docs';
import { createMetrics, type MetricsSettings } from './metrics';
import type { Readiness } from './readiness';
import { requestId, stampProblems } from './request-id';
import { authMiddleware } from './auth.middleware';
import { securityHeaders } from './security-headers';
import { textGuard } from './text-guard';
import { webAppRoutes } from './web-app';
import { authRoutes, SIGN_IN_PATH } from '../../modules/auth/auth.routes';
import type { AuthRepository } from '../../modules/auth/auth.repository';
import type { ScryptParams } from '../../modules/auth/passwords';
import { registryRoutes } from '../../modules/registry/registry.routes';
import type { RegistryRepository } from '../../modules/registry/registry.repository';
import type { AppEnv } from '../../modules/shared/http-env';
import { simulationRoutes, type SimulationDeps } from '../../modules/simulation/simulation.routes';
import type { OperationsDeps } from '../../modules/shared/operations-deps';
import { calendarRoutes } from '../../modules/calendar/calendar.routes';
import { fundsRoutes } from '../../modules/funds/funds.routes';
import { filingsRoutes } from '../../modules/filings/filings.routes';
import { servicingRoutes } from '../../modules/servicing/servicing.routes';
import { claimsRoutes } from '../../modules/claims/claims.routes';
import {
  claimMaterialsRoutes,
  materialBodyLimit,
  MATERIALS_UPLOAD_PATH,
} from '../../modules/claim-materials/claim-materials.routes';
import { materialMaxBytes } from '../../modules/claim-materials/claim-materials.files';
import type { DossierRule } from '../../modules/claims/claims.usecases';
import { recoveriesRoutes } from '../../modules/recoveries/recoveries.routes';
import { auditRoutes } from '../../modules/audit/audit.routes';
import { usersRoutes } from '../../modules/auth/users.routes';
import { ledgerRoutes } from '../../modules/ledger/ledger.routes';
import { reportsRoutes } from '../../modules/reports/reports.routes';
import { importsRoutes, IMPORTS_PATH } from '../../modules/imports/imports.routes';
import type { ImportJobs } from '../../modules/imports/imports.jobs';
import { documentsRoutes } from '../../modules/documents/documents.routes';
import { webhooksRoutes } from '../../modules/webhooks/webhooks.routes';
import { homeRoutes } from '../../modules/home/home.routes';
import type { MaterialObjectStore } from '../../modules/claim-materials/claim-materials.store';

export interface AppDeps {
  logger: Logger;
  policies: () => readonly CompiledPolicy[];
  programmes: ProgrammesReader;
  health: () => Promise<{ database: string }>;
  /** GET /api/ready: the database answers, is migrated and is a writable primary (readiness.ts). */
  ready: () => Promise<Readiness>;
  /** GET /metrics: its token and cache (metrics.ts); `postgres` adds PostgreSQL's connection figures. */
  metrics: MetricsSettings & { postgres: boolean };
  version: string;
  authRepo: AuthRepository;
  registryRepo: RegistryRepository;
  secureCookies: boolean;
  /** Behind a reverse proxy: believe its X-Forwarded-For for the client's address (BACKSTOP_TRUST_PROXY=1). */
  trustProxy: boolean;
  /** The fund risk simulator: book loader, in-memory jobs, worker-thread scenario runner. */
  simulation: SimulationDeps;
  /** The import jobs this process runs and takes over (services.ts); the routes' own otherwise. */
  importJobs?: ImportJobs;
  /** Database, policy catalog and clock for the operations modules (funds, filings, claims, …). */
  ops: OperationsDeps;
  /** Whether approving a claim waits for its dossier (R20): `required` unless BACKSTOP_CLAIM_DOSSIER=waived. */
  claimDossier: DossierRule;
  /** Recompiles the policies against the calendar once a holiday year is entered. */
  reloadCalendar: () => Promise<void>;
  /** The clock of the sign-in throttle; tests move it on. */
  now?: () => Date;
  /** Webhook endpoints: whether loopback URLs are allowed (BACKSTOP_WEBHOOKS_ALLOW_LOCAL=1). */
  webhooks: { allowLocal: boolean };
  /** Where claim materials' bytes go when BACKSTOP_OBJECT_STORE_BUCKET is set; the database otherwise. */
  materialStore?: MaterialObjectStore;
  /** Whether the server sends notification mails (BACKSTOP_SMTP_URL): shown on the account page. */
  mailEnabled?: boolean;
  /** scrypt's cost for new password hashes: production never sets it (passwords.ts, PASSWORD_PARAMS); test suites pass a cheap one. */
  passwordParams?: ScryptParams;
}

export const MAX_BODY_BYTES = 1024 * 1024;
/** What a 503 for a lost database connection asks the client to wait, in seconds. */
export const RETRY_AFTER_S = 5;

/** A problem as its `application/problem+json` response. */
function problem(p: Problem) {
  return new Response(JSON.stringify(problemBody(p)), {
    status: p.status,
    headers: { ...p.headers, 'content-type': 'application/problem+json; charset=utf-8' },
  });
}

/** Reading the body of a request whose connection closed: Node's `aborted` (ECONNRESET) or a premature close. */
function clientWentAway(err: Error, incoming: IncomingMessage | undefined): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ECONNRESET' && e.message === 'aborted') || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  }
  return incoming !== undefined && incoming.destroyed && !incoming.complete;
}

export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      // The input beside the error tells a missing field (request.required) from a wrong one.
      if (!result.success) throw requestErrors.invalid(result.error, (result as { data?: unknown }).data);
    },
  });

  // First: every answer, log line and problem body of the request carries its id (request-id.ts).
  app.use('*', requestId());
  const metrics = createMetrics({
    settings: deps.metrics,
    ops: deps.ops,
    postgres: deps.metrics.postgres,
    logger: deps.logger,
  });
  app.use('*', metrics.middleware);
  app.use('*', securityHeaders({ hsts: deps.secureCookies }));
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    deps.logger.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  // A compressed body is refused, not decoded (a small gzip can unpack to gigabytes past the body
  // limit): 415 with Accept-Encoding: identity (RFC 9110 §15.5.16). A body marked gzip but sent plain
  // was read as plain.
  app.use('/api/*', async (c, next) => {
    const coding = c.req.header('content-encoding')?.trim().toLowerCase();
    if (!coding || coding === 'identity') return next();
    const res = problem(requestErrors.compressed());
    res.headers.set('accept-encoding', 'identity');
    return res;
  });
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw requestErrors.bodyTooLarge(MAX_BODY_BYTES);
    },
  });
  // Bulk file uploads stream to disk under their own limit (MAX_IMPORT_BYTES); every other body is held to 1 MB.
  // A claim's material files come under their own limit (BACKSTOP_MATERIAL_MAX_MB, 20 MB by default).
  const materialBytes = materialMaxBytes();
  const limitMaterial = materialBodyLimit(materialBytes);
  app.use('/api/*', (c, next) => {
    if (c.req.method !== 'POST') return limitBody(c, next);
    if (c.req.path === IMPORTS_PATH) return next();
    return MATERIALS_UPLOAD_PATH.test(c.req.path) ? limitMaterial(c, next) : limitBody(c, next);
  });

  app.use('/api/*', authMiddleware({ repo: deps.authRepo }));
  app.use('/api/*', textGuard());
  // The one idempotency mechanism: every POST and PATCH with an Idempotency-Key (shared/idempotency.ts).
  app.use(
    '/api/*',
    idempotency({
      db: deps.ops.db,
      // A material's upload is binary multipart: read as text to be hashed, its bytes would not survive.
      skip: (c) =>
        c.req.path === SIGN_IN_PATH ||
        (c.req.method === 'POST' && (c.req.path === IMPORTS_PATH || MATERIALS_UPLOAD_PATH.test(c.req.path))),
    }),
  );
  // Inside idempotency: a route's problem is stored with its requestId, and replayed as it was.
  app.use('/api/*', stampProblems());

  app.onError((err, c) => {
    if (err instanceof Problem) {
      // Ours, not the user's (an object store down, a file altered): the operator reads why.
      if (err.status >= 500 && err.cause !== undefined)
        deps.logger.error({ err: err.cause, code: err.errors[0]?.code, path: c.req.path }, err.detail.en);
      else if (err.status === 500) deps.logger.error({ code: err.errors[0]?.code, path: c.req.path }, err.detail.en);
      return problem(err);
    }
    if (err instanceof HTTPException && err.status === 415) return problem(requestErrors.notJson());
    if (err instanceof HTTPException && err.status < 500) {
      if (/json/i.test(err.message)) return problem(requestErrors.malformedJson());
      return problem(requestErrors.other(err.status as 400, err.message || 'Bad request'));
    }
    if (clientWentAway(err, (c.env as { incoming?: IncomingMessage } | undefined)?.incoming)) {
      // Not our fault and no one to answer: the client closed the connection (or was timed out) mid-body.
      deps.logger.info({ method: c.req.method, path: c.req.path }, 'the client went away before its request arrived');
      return problem(requestErrors.aborted());
    }
    if (isDatabaseUnavailable(err)) {
      // A lost connection, a failover (a standby that refuses writes, a server starting): 503, never 500.
      deps.logger.warn({ err, method: c.req.method, path: c.req.path }, 'database unavailable (503)');
      return problem(requestErrors.databaseUnavailable(RETRY_AFTER_S));
    }
    deps.logger.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error');
    return problem(requestErrors.internal());
  });
  app.notFound((c) => problem(requestErrors.noRoute(c.req.method, c.req.path)));

  app.get('/api/health', async (c) => c.json({ status: 'ok', version: deps.version, ...(await deps.health()) }));
  app.get('/api/ready', async (c) => {
    const { ready, checks } = await deps.ready();
    if (ready) return c.json({ status: 'ready', checks });
    const failed = Object.entries(checks).filter(([, v]) => v !== 'ok');
    return c.body(
      JSON.stringify({
        type: 'about:blank',
        title: 'Not ready',
        status: 503,
        detail: `Not ready: ${failed.map(([k, v]) => `${k} ${v}`).join('; ')}.`,
        checks,
      }),
      503,
      { 'content-type': 'application/problem+json; charset=utf-8', 'retry-after': String(RETRY_AFTER_S) },
    );
  });
  metrics.routes(app);
  app.route('/', evaluateRoutes({ policies: deps.policies }));
  app.route('/', programmesRoutes({ programmes: deps.programmes }));
  app.route(
    '/',
    authRoutes({
      repo: deps.authRepo,
      db: deps.ops.db,
      secureCookies: deps.secureCookies,
      trustProxy: deps.trustProxy,
      mailEnabled: deps.mailEnabled ?? false,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.passwordParams ? { passwordParams: deps.passwordParams } : {}),
    }),
  );
  app.route('/', registryRoutes({ repo: deps.registryRepo }));
  app.route('/', calendarRoutes({ db: deps.ops.db, reloadCalendar: deps.reloadCalendar }));
  app.route('/', fundsRoutes(deps.ops));
  app.route('/', filingsRoutes(deps.ops));
  app.route('/', servicingRoutes(deps.ops));
  app.route('/', claimsRoutes(deps.ops, deps.claimDossier));
  app.route(
    '/',
    claimMaterialsRoutes(deps.ops, { maxBytes: materialBytes, store: deps.materialStore, dossier: deps.claimDossier }),
  );
  app.route('/', recoveriesRoutes(deps.ops));
  app.route('/', documentsRoutes(deps.ops));
  app.route('/', auditRoutes(deps.ops));
  app.route(
    '/',
    usersRoutes({
      repo: deps.authRepo,
      db: deps.ops.db,
      ...(deps.passwordParams ? { passwordParams: deps.passwordParams } : {}),
    }),
  );
  app.route('/', ledgerRoutes({ db: deps.ops.db }));
  app.route('/', reportsRoutes(deps.ops));
  app.route('/', homeRoutes(deps.ops));
  app.route(
    '/',
    importsRoutes({ ops: deps.ops, logger: deps.logger, ...(deps.importJobs ? { jobs: deps.importJobs } : {}) }),
  );
  app.route('/', simulationRoutes(deps.simulation));
  app.route(
    '/',
    webhooksRoutes({ db: deps.ops.db, allowLocal: deps.webhooks.allowLocal, now: deps.now ?? (() => new Date()) }),
  );

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Backstop API',
      version: deps.version,
      description:
        'Government loan risk-compensation funds (贷款风险补偿资金). Money is a decimal string of yuan with at most two decimals; dates are YYYY-MM-DD; errors are RFC 9457 problem details with an `errors` list naming each field.',
    },
  });
  app.route('/', apiDocsRoutes());
  // The React app (web/dist) at / and every non-/api path; registered last so API routes answer first.
  app.route('/', webAppRoutes());
  return app;
}
