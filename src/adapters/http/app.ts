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
import { allIssues } from '../../core/policy';
import { evaluateRoutes } from '../../modules/programmes/evaluate.routes';
import { programmesRoutes, type ProgrammesReader } from '../../modules/programmes/programmes.routes';
import { detailZhOf, withChinese } from '../../modules/shared/messages-zh';
import { Problem, type FieldError } from '../../modules/shared/problem';
import { isConnectionError } from '../../modules/shared/connection-errors';
import { idempotency } from '../../modules/shared/idempotency';
import { apiDocsRoutes } from './api-docs';
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
import { recoveriesRoutes } from '../../modules/recoveries/recoveries.routes';
import { auditRoutes } from '../../modules/audit/audit.routes';
import { usersRoutes } from '../../modules/auth/users.routes';
import { ledgerRoutes } from '../../modules/ledger/ledger.routes';
import { reportsRoutes } from '../../modules/reports/reports.routes';
import { importsRoutes, IMPORTS_PATH } from '../../modules/imports/imports.routes';

export interface AppDeps {
  logger: Logger;
  policies: () => readonly CompiledPolicy[];
  programmes: ProgrammesReader;
  health: () => Promise<{ database: string }>;
  version: string;
  authRepo: AuthRepository;
  registryRepo: RegistryRepository;
  secureCookies: boolean;
  /** Behind a reverse proxy: believe its X-Forwarded-For for the client's address (BACKSTOP_TRUST_PROXY=1). */
  trustProxy: boolean;
  /** The fund risk simulator: book loader, in-memory jobs, worker-thread scenario runner. */
  simulation: SimulationDeps;
  /** Database, policy catalog and clock for the operations modules (funds, filings, claims, …). */
  ops: OperationsDeps;
  /** Recompiles the policies against the calendar once a holiday year is entered. */
  reloadCalendar: () => Promise<void>;
  /** The clock of the sign-in throttle; tests move it on. */
  now?: () => Date;
  /** scrypt's cost for new password hashes: production never sets it (passwords.ts, PASSWORD_PARAMS); test suites pass a cheap one. */
  passwordParams?: ScryptParams;
}

export const MAX_BODY_BYTES = 1024 * 1024;
/** What a 503 for a lost database connection asks the client to wait, in seconds. */
export const RETRY_AFTER_S = 5;

function problem(
  status: number,
  title: string,
  detail?: string,
  errors?: FieldError[],
  headers: Record<string, string> = {},
  knownDetailZh?: string,
) {
  const detailZh = knownDetailZh ?? (detail === undefined ? undefined : detailZhOf(detail));
  return new Response(
    JSON.stringify({
      type: 'about:blank',
      title,
      status,
      ...(detail ? { detail } : {}),
      ...(detailZh ? { detailZh } : {}),
      ...(errors ? { errors: errors.map(withChinese) } : {}),
    }),
    {
      status,
      headers: { ...headers, 'content-type': 'application/problem+json; charset=utf-8' },
    },
  );
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
      if (!result.success) throw Problem.invalid(allIssues(result.error));
    },
  });

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
    const res = problem(415, 'Unsupported content encoding', 'Send the body uncompressed: no Content-Encoding.', [
      { field: 'Content-Encoding', message: 'is not supported: send the body uncompressed' },
    ]);
    res.headers.set('accept-encoding', 'identity');
    return res;
  });
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new Problem(413, 'Request body too large', `The body must not exceed ${MAX_BODY_BYTES} bytes.`, [
        { field: 'body', message: `is larger than ${MAX_BODY_BYTES} bytes` },
      ]);
    },
  });
  // Bulk file uploads stream to disk under their own limit (MAX_IMPORT_BYTES); every other body is held to 1 MB.
  app.use('/api/*', (c, next) =>
    c.req.method === 'POST' && c.req.path === IMPORTS_PATH ? next() : limitBody(c, next),
  );

  app.use('/api/*', authMiddleware({ repo: deps.authRepo }));
  app.use('/api/*', textGuard());
  // The one idempotency mechanism: every POST and PATCH with an Idempotency-Key (shared/idempotency.ts).
  app.use(
    '/api/*',
    idempotency({
      db: deps.ops.db,
      skip: (c) => c.req.path === SIGN_IN_PATH || (c.req.method === 'POST' && c.req.path === IMPORTS_PATH),
    }),
  );

  app.onError((err, c) => {
    if (err instanceof Problem)
      return problem(err.status, err.title, err.detail, err.errors, err.headers, err.detailZh);
    if (err instanceof HTTPException && err.status === 415) {
      return problem(415, 'Unsupported media type', 'Send the body as application/json.', [
        { field: 'Content-Type', message: 'must be application/json' },
      ]);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const malformed = /json/i.test(err.message);
      return problem(
        err.status,
        malformed ? 'Invalid request' : err.message,
        malformed ? 'The body is not valid JSON.' : undefined,
        malformed ? [{ field: '(body)', message: 'must be valid JSON' }] : undefined,
      );
    }
    if (clientWentAway(err, (c.env as { incoming?: IncomingMessage } | undefined)?.incoming)) {
      // Not our fault and no one to answer: the client closed the connection (or was timed out) mid-body.
      deps.logger.info({ method: c.req.method, path: c.req.path }, 'the client went away before its request arrived');
      return problem(400, 'Request aborted', 'The request was cut off before its body arrived.');
    }
    if (isConnectionError(err)) {
      deps.logger.warn({ err, method: c.req.method, path: c.req.path }, 'database connection lost (503)');
      return problem(503, 'Service unavailable', 'The database could not be reached; try again shortly.', undefined, {
        'retry-after': String(RETRY_AFTER_S),
      });
    }
    deps.logger.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error');
    return problem(500, 'Internal error', 'Something went wrong on our side; it has been logged.');
  });
  app.notFound((c) => problem(404, 'Not found', `No route for ${c.req.method} ${c.req.path}.`));

  app.get('/api/health', async (c) => c.json({ status: 'ok', version: deps.version, ...(await deps.health()) }));
  app.route('/', evaluateRoutes({ policies: deps.policies }));
  app.route('/', programmesRoutes({ programmes: deps.programmes }));
  app.route(
    '/',
    authRoutes({
      repo: deps.authRepo,
      db: deps.ops.db,
      secureCookies: deps.secureCookies,
      trustProxy: deps.trustProxy,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.passwordParams ? { passwordParams: deps.passwordParams } : {}),
    }),
  );
  app.route('/', registryRoutes({ repo: deps.registryRepo }));
  app.route('/', calendarRoutes({ db: deps.ops.db, reloadCalendar: deps.reloadCalendar }));
  app.route('/', fundsRoutes(deps.ops));
  app.route('/', filingsRoutes(deps.ops));
  app.route('/', servicingRoutes(deps.ops));
  app.route('/', claimsRoutes(deps.ops));
  app.route('/', recoveriesRoutes(deps.ops));
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
  app.route('/', importsRoutes({ ops: deps.ops, logger: deps.logger }));
  app.route('/', simulationRoutes(deps.simulation));

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
