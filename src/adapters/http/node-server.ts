/**
 * The Node HTTP server around the app, with timeouts so that a slow or silent client cannot hold a
 * connection for long (Node's own defaults: 60 s for headers, 300 s for a whole request):
 *
 * - **headers** (BACKSTOP_HEADERS_TIMEOUT_S, 15 s): the request line and headers must arrive within
 *   it; Node answers 408 and closes.
 * - **request** (BACKSTOP_REQUEST_TIMEOUT_S, 60 s): every request but a bulk upload must have
 *   arrived whole within it (its body is at most 1 MB: 17 KB/s is enough); the app answers 408
 *   (problem details) and closes. Measured from when the request reaches the app.
 * - **upload** (BACKSTOP_UPLOAD_TIMEOUT_S, 1800 s): a bulk upload (POST /api/imports, up to
 *   200 MB) must have arrived within it: 30 minutes take 200 MB at 115 KB/s (under 1 Mbit/s). Node
 *   enforces it for every request, answering 408 and closing, so it is also the ceiling of the
 *   request timeout.
 * - **keep-alive** (BACKSTOP_KEEP_ALIVE_TIMEOUT_S, 5 s): an idle connection between requests is
 *   closed. A reverse proxy's upstream keep-alive must be shorter than it.
 *
 * Times are in seconds (fractions allowed); a bad value stops the start with one line naming it.
 */
import type { IncomingMessage, Server } from 'node:http';
import { serve, type HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import { IMPORTS_PATH } from '../../modules/imports/imports.routes';
import { UsageError } from '../cli/cli-errors';
import { requestIdFrom } from '../request-context';
import { problemBody } from '../../modules/shared/problem';
import { requestErrors } from '../../modules/shared/request.errors';

export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
  uploadMs: number;
  keepAliveMs: number;
}

const SETTINGS = {
  headersMs: ['BACKSTOP_HEADERS_TIMEOUT_S', 15],
  requestMs: ['BACKSTOP_REQUEST_TIMEOUT_S', 60],
  uploadMs: ['BACKSTOP_UPLOAD_TIMEOUT_S', 1800],
  keepAliveMs: ['BACKSTOP_KEEP_ALIVE_TIMEOUT_S', 5],
} as const;

/** The timeouts from the environment, with the defaults above. */
export function httpTimeouts(env: NodeJS.ProcessEnv = process.env): HttpTimeouts {
  const out = {} as HttpTimeouts;
  for (const [key, [name, seconds]] of Object.entries(SETTINGS) as [keyof HttpTimeouts, readonly [string, number]][]) {
    const text = env[name];
    if (text === undefined || text === '') {
      out[key] = seconds * 1000;
      continue;
    }
    const value = /^\d{1,6}(\.\d{1,3})?$/.test(text) ? Number(text) : NaN;
    if (!(value > 0)) throw new UsageError(`${name}: must be a number of seconds above 0, not "${text}"`);
    out[key] = Math.round(value * 1000);
  }
  if (out.headersMs > out.requestMs)
    throw new UsageError('BACKSTOP_HEADERS_TIMEOUT_S: must not be longer than BACKSTOP_REQUEST_TIMEOUT_S');
  if (out.requestMs > out.uploadMs)
    throw new UsageError('BACKSTOP_REQUEST_TIMEOUT_S: must not be longer than BACKSTOP_UPLOAD_TIMEOUT_S');
  return out;
}

const isUpload = (req: Request) => req.method === 'POST' && new URL(req.url).pathname === IMPORTS_PATH;

function requestTimeout(ms: number, requestId: string): Response {
  const seconds = ms / 1000;
  return new Response(JSON.stringify({ ...problemBody(requestErrors.timeout(seconds)), requestId }), {
    status: 408,
    headers: {
      'content-type': 'application/problem+json; charset=utf-8',
      connection: 'close',
      'x-request-id': requestId,
    },
  });
}

/**
 * The answer, or a 408 once `ms` have passed while the request's body is still arriving. The app
 * goes on with the request; its body read fails when the connection closes (logged as an abort).
 */
function withBodyDeadline(
  answer: Promise<Response>,
  incoming: IncomingMessage,
  ms: number,
  logger: Logger,
  path: string,
): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Response>((resolve) => {
    timer = setTimeout(() => {
      if (incoming.complete) return;
      logger.info({ path, timeoutMs: ms }, 'request timed out while its body was arriving (408)');
      // The client's id if sane, else a new one: this answer does not come from the app.
      resolve(requestTimeout(ms, requestIdFrom(incoming.headers['x-request-id']?.toString())));
    }, ms);
  });
  return Promise.race([answer, deadline]).finally(() => clearTimeout(timer));
}

export function serveHttp(
  {
    fetch,
    port,
    hostname,
    timeouts,
    logger,
  }: {
    fetch: (req: Request, env: HttpBindings) => Response | Promise<Response>;
    port: number;
    hostname?: string;
    timeouts: HttpTimeouts;
    logger: Logger;
  },
  onListening?: (port: number) => void,
) {
  const server = serve(
    {
      fetch: (req: Request, bindings) => {
        const env = bindings as HttpBindings; // an HTTP/1.1 server
        const answer = Promise.resolve(fetch(req, env));
        if (env.incoming.complete || isUpload(req)) return answer;
        return withBodyDeadline(answer, env.incoming, timeouts.requestMs, logger, new URL(req.url).pathname);
      },
      port,
      ...(hostname ? { hostname } : {}),
      serverOptions: {
        headersTimeout: timeouts.headersMs,
        // Node's own limit on a whole request: the longest one, an upload's; the app holds others to requestMs.
        requestTimeout: timeouts.uploadMs,
        keepAliveTimeout: timeouts.keepAliveMs,
        // How often Node looks for requests past their time (its default, 30 s, would let them run that much over).
        connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(timeouts.headersMs / 3))),
      },
    },
    (info) => onListening?.(info.port),
  ) as Server;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  return server;
}
