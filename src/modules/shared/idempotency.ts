/**
 * The one idempotency mechanism (DESIGN.md "HTTP conventions", API.md "Idempotency"): a Hono
 * middleware mounted once on /api for every POST and PATCH but sign-in (and the bulk upload, whose
 * body streams to disk and is not held to be hashed). A request with an `Idempotency-Key` header
 * (8–200 printable ASCII characters, else 400) is done at most once per signed-in user, method,
 * path and key:
 *
 *  - the first copy reserves the key (an insert that does nothing on conflict, committed before the
 *    request runs), runs, and stores its answer — status and body, a 4xx as much as a 2xx: it is
 *    the answer;
 *  - a copy with the same body (sha256 of the canonical JSON) gets the stored answer again, with
 *    `Idempotent-Replayed: true` (and a body's own `replayed` field set to true);
 *  - the same key with another body: 422 `idempotency.key_reused`;
 *  - while the first copy runs: 409 `idempotency.in_flight`;
 *  - a first copy that failed with a 5xx, or never stored its answer (the process died, the database
 *    went away after the work), leaves the key `unknown`: 409 `idempotency.outcome_unknown`. The key
 *    is not released, because the middleware cannot know whether the work committed (a top-up
 *    commits before the queue is paid; a lost connection may lose a COMMIT's answer, not the
 *    COMMIT): look at the state (GET) and send a new key. A reservation left `running` by a process
 *    that died is answered `in_flight` until IN_FLIGHT_MS have passed, then `outcome_unknown`.
 *
 * The key's row is not in the request's own transactions (filings go through group commit, a
 * request may run several), so the reservation is what stops a second run: it is committed before
 * the work starts and never released, and a crash between the work's commit and the stored answer
 * leaves `running`/`unknown`, never a key that runs again. The per-entity unique constraints stay
 * (a filing's bank reference, the ledger's transfer ids): they refuse a duplicate sent under another key.
 */
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from '@hono/zod-openapi';
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from './db';
import type { AppEnv } from './http-env';
import { idempotencyKeys } from './idempotency.table';
import { Problem } from './problem';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** How long a reservation without an answer is taken to be running; after it, its outcome is unknown. */
export const IN_FLIGHT_MS = 10 * 60 * 1000;
/** How long keys are kept (the daily jobs delete older ones). */
export const KEEP_DAYS = 30;

/** The header in a route's OpenAPI request (the middleware does the work). */
export const idempotencyHeader = z.object({
  'idempotency-key': z.string().optional().openapi({
    description:
      'Idempotency-Key: a key of your choosing (8–200 printable ASCII characters), per user, method and path; the same key with the same body answers the first answer again (with Idempotent-Replayed: true); with another body 422',
    example: 'ICBC-2025-000123-file',
  }),
});

/** The request's key, if it sent one; a malformed key is a 400 naming the header. */
export function idempotencyKeyOf(c: Context): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (key.length < 8 || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
    throw Problem.invalid([{ field: IDEMPOTENCY_HEADER, message: 'must be 8 to 200 printable ASCII characters' }]);
  }
  return key;
}

/** JSON with object keys sorted, so that the same body written in another key order is the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 of the canonical body: parsed JSON with its keys sorted, or the bytes as sent when it is not JSON. */
export function requestHashOf(text: string): string {
  let canonical: string;
  try {
    canonical = text.trim() === '' ? '' : `json:${canonicalJson(JSON.parse(text))}`;
  } catch {
    canonical = `raw:${text}`;
  }
  return createHash('sha256').update(canonical).digest('hex');
}

const keyProblem = (status: 409 | 422, title: string, detail: string, code: string, message: string) =>
  new Problem(status, title, detail, [{ field: IDEMPOTENCY_HEADER, code, message }]);

export const keyReused = () =>
  keyProblem(
    422,
    'Idempotency-Key reused',
    'This Idempotency-Key was used for a different request.',
    'idempotency.key_reused',
    'was used for a different request',
  );
const inFlight = () =>
  keyProblem(
    409,
    'Request in progress',
    'A request with this Idempotency-Key is still running; send it again shortly for its answer.',
    'idempotency.in_flight',
    'a request with this key is still running',
  );
const outcomeUnknown = () =>
  keyProblem(
    409,
    'Outcome unknown',
    'The first request with this Idempotency-Key failed on our side and may or may not have taken effect; look before sending it again with a new key.',
    'idempotency.outcome_unknown',
    'the first request with this key failed and may or may not have taken effect',
  );

/** The first answer again, marked as a replay. */
function replay(row: typeof idempotencyKeys.$inferSelect): Response {
  let body = row.body ?? '';
  if (row.contentType?.includes('json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'replayed' in parsed)
        body = JSON.stringify({ ...parsed, replayed: true });
    } catch {
      /* stored as sent */
    }
  }
  const headers: Record<string, string> = { [REPLAYED_HEADER]: 'true' };
  if (row.contentType) headers['content-type'] = row.contentType;
  return new Response(body, { status: row.status ?? 200, headers });
}

export function idempotency({
  db,
  skip = () => false,
  now = () => new Date(),
}: {
  db: Db;
  /** Requests the middleware leaves alone (sign-in, the bulk upload). */
  skip?: (c: Context<AppEnv>) => boolean;
  now?: () => Date;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if ((c.req.method !== 'POST' && c.req.method !== 'PATCH') || skip(c)) return next();
    const key = idempotencyKeyOf(c);
    const actor = c.get('actor');
    // Without a key there is nothing to do; without a user the route answers 401 and does nothing.
    if (key === undefined || !actor) return next();
    const requestHash = requestHashOf(await c.req.text());
    const id = { principal: actor.userId, method: c.req.method, path: c.req.path, key };
    const where = and(
      eq(idempotencyKeys.principal, id.principal),
      eq(idempotencyKeys.method, id.method),
      eq(idempotencyKeys.path, id.path),
      eq(idempotencyKeys.key, id.key),
    );
    const reserved = await db
      .insert(idempotencyKeys)
      .values({ ...id, requestHash, createdAt: now() })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (reserved.length === 0) {
      const [prior] = await db.select().from(idempotencyKeys).where(where);
      // Never released, so it is there (unless the daily purge took it just now: then it is gone, and old).
      if (!prior) throw outcomeUnknown();
      if (prior.requestHash !== requestHash) throw keyReused();
      if (prior.state === 'done') return replay(prior);
      if (prior.state === 'running' && now().getTime() - prior.createdAt.getTime() < IN_FLIGHT_MS) throw inFlight();
      throw outcomeUnknown();
    }
    await next();
    const res = c.res;
    if (res.status >= 500) {
      // The row stays `running` if this fails too: `unknown` after IN_FLIGHT_MS all the same.
      await db
        .update(idempotencyKeys)
        .set({ state: 'unknown', status: res.status, completedAt: now() })
        .where(where)
        .catch(() => undefined);
      return;
    }
    const body = await res.clone().text();
    try {
      await db
        .update(idempotencyKeys)
        .set({
          state: 'done',
          status: res.status,
          contentType: res.headers.get('content-type'),
          body,
          completedAt: now(),
        })
        .where(where);
    } catch {
      // The work is done and this is its answer; the key stays `running`, then `unknown`: never run again.
    }
  };
}

/** Deletes keys older than KEEP_DAYS (the daily jobs); answers how many. */
export async function purgeIdempotencyKeys({ db, now = new Date() }: { db: Db; now?: Date }): Promise<number> {
  const before = new Date(now.getTime() - KEEP_DAYS * 24 * 60 * 60 * 1000);
  const gone = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, before))
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}
