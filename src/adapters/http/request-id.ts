/**
 * Every request has an id: the client's X-Request-Id when it is sane (request-context.ts), else a
 * new UUID. It is answered in the X-Request-Id header, written on every log line logged while the
 * request is served, and put in every problem body as `requestId`, so that a user's screenshot of
 * an error finds its log lines.
 *
 * A problem is stamped once, where it is made: `requestId()` (first of all middleware) stamps
 * what the middleware refuse; `stampProblems()`, just inside the idempotency middleware, stamps a
 * route's problem before it is stored, so a replay answers the first answer's body as it was, with
 * the id of the request that made it (its own id is in its X-Request-Id header).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../modules/shared/http-env';
import { requestIdFrom, withRequestId } from '../request-context';

const PROBLEM = /^application\/problem\+json/i;

/** Puts the request's id in the answer's problem body, unless it has one already. */
async function stamp(c: Context<AppEnv>): Promise<void> {
  if (!PROBLEM.test(c.res.headers.get('content-type') ?? '')) return;
  const body = (await c.res.clone().json()) as Record<string, unknown> | null;
  if (!body || typeof body !== 'object' || 'requestId' in body) return;
  const old = c.res;
  const headers = new Headers(old.headers);
  headers.delete('content-length');
  // Unset first: Hono's setter would copy the old headers (a stale length) onto the new answer.
  c.res = undefined;
  c.res = new Response(JSON.stringify({ ...body, requestId: c.get('requestId') }), { status: old.status, headers });
}

export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', id);
    await withRequestId(id, next);
    await stamp(c);
    c.header('x-request-id', id);
  };
}

export function stampProblems(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    await stamp(c);
  };
}
