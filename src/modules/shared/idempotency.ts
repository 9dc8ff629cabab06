/**
 * The one idempotency mechanism (DESIGN.md "HTTP conventions", API.md "Idempotency"): a Hono
 * middleware mounted once on /api for every POST and PATCH but sign-in (and the bulk upload, whose
 * body streams to disk and is not held to be hashed). A request with an `Idempotency-Key` header
 * (8–200 printable ASCII characters, else 400) is done at most once per signed-in user, method,
 * path and key:
 *
 *  - the first copy reserves the key (an insert that does nothing on conflict, committed before the
 *    request runs; the reservations of requests that arrive together in one insert, their answers in
 *    one update), runs, and stores its answer — status and body, a 4xx as much as a 2xx: it is
 *    the answer;
 *  - a copy with the same body (sha256 of the canonical JSON) gets the stored answer again, with
 *    `Idempotent-Replayed: true` (and a body's own `replayed` field set to true);
 *  - the same key with another body: 422 `idempotency.key_reused`;
 *  - while the first copy runs: 409 `idempotency.in_flight`;
 *  - a first copy that failed with a 5xx (a lost connection, a failover) is run again by the next
 *    copy when none of its work committed (`failed`), and answers 409 `idempotency.outcome_unknown`
 *    when some did or that cannot be known (`unknown`). Each transaction of a keyed request writes
 *    a row in `idempotency_commits` in that same transaction (shared/idempotency.scope.ts,
 *    `markingWrites`), so the database — the new primary after a failover — says which.
 *    A write outside a transaction is not marked, and a 5xx after one is `unknown`. The work may
 *    have committed without its answer being stored (a lost connection loses the COMMIT's answer,
 *    not the COMMIT; a top-up commits before the queue is paid): then look at the state (GET) and
 *    send a new key. When the 5xx's own update cannot reach the database (it is failing over), it
 *    is retried in the background for SETTLE_FOR_MS; meanwhile copies answer
 *    409 `idempotency.in_flight`. A reservation left `running` by a process that died is answered
 *    `in_flight` until IN_FLIGHT_MS have passed, then `outcome_unknown`.
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
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from './db';
import type { AppEnv } from './http-env';
import { idempotencyCommits, idempotencyKeys } from './idempotency.table';
import { IDEMPOTENCY_HEADER, idempotencyErrors } from './idempotency.errors';
import { isMarking, runInScopes, type KeyScope } from './idempotency.scope';
import { createGroupCommit } from './group-commit';
import { rowsOf } from './rows';

export { IDEMPOTENCY_HEADER };
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** How long a reservation without an answer is taken to be running; after it, its outcome is unknown. */
export const IN_FLIGHT_MS = 10 * 60 * 1000;
/** How long a 5xx's update is retried in the background when the database cannot be reached (a failover). */
export const SETTLE_FOR_MS = 2 * 60 * 1000;
const SETTLE_EVERY_MS = 1000;
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
    throw idempotencyErrors.invalidKey();
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

export const keyReused = idempotencyErrors.keyReused;
const { inFlight, outcomeUnknown } = idempotencyErrors;

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

/** Runs `write`; if it fails (the database cannot be reached), again every second for SETTLE_FOR_MS in the background. */
async function settle(write: () => Promise<unknown>): Promise<void> {
  const until = Date.now() + SETTLE_FOR_MS;
  const again = () => {
    write().catch(() => {
      if (Date.now() < until) setTimeout(again, SETTLE_EVERY_MS).unref();
    });
  };
  try {
    await write();
  } catch {
    setTimeout(again, SETTLE_EVERY_MS).unref();
  }
}

interface KeyId {
  principal: string;
  method: string;
  path: string;
  key: string;
}
type Reservation = KeyId & { requestHash: string; createdAt: Date };
type Answer = KeyId & { createdAt: Date; status: number; contentType: string | null; body: string; completedAt: Date };

const sameKey = (a: KeyId, b: KeyId) =>
  a.principal === b.principal && a.method === b.method && a.path === b.path && a.key === b.key;
const keyText = (k: KeyId) => JSON.stringify([k.principal, k.method, k.path, k.key]);

/**
 * The reservations of requests that arrive together, in one insert (shared/group-commit.ts; a group
 * never holds one key twice, so what the insert returns says whose it is): each request's is still
 * committed before it runs, and a key reserved already is left as it is.
 */
async function reserveKeys(db: Db, rows: Reservation[]): Promise<boolean[]> {
  const taken = rowsOf(
    await db.execute(sql`insert into idempotency_keys (principal, method, path, key, request_hash, created_at)
      select r.principal, r.method, r.path, r.key, r.request_hash, r.created_at
      from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ ...r, request_hash: r.requestHash, created_at: r.createdAt })))}::jsonb)
        as r(principal text, method text, path text, key text, request_hash text, created_at timestamptz)
      on conflict do nothing
      returning principal, method, path, key`),
  );
  const mine = new Set(taken.map((t) => keyText(t as unknown as KeyId)));
  return rows.map((r) => mine.has(keyText(r)));
}

/** The answers of requests that finished together, in one update; each only onto its own attempt's row. */
async function storeAnswers(db: Db, answers: Answer[]): Promise<void[]> {
  await db.execute(sql`update idempotency_keys k
    set state = 'done', status = a.status, content_type = a.content_type, body = a.body, completed_at = a.completed_at
    from jsonb_to_recordset(${JSON.stringify(answers.map((a) => ({ ...a, content_type: a.contentType, created_at: a.createdAt, completed_at: a.completedAt })))}::jsonb)
      as a(principal text, method text, path text, key text, created_at timestamptz, status int, content_type text, body text, completed_at timestamptz)
    where k.principal = a.principal and k.method = a.method and k.path = a.path and k.key = a.key and k.created_at = a.created_at`);
  return answers.map(() => undefined);
}

export function idempotency({
  db,
  skip = () => false,
  now = () => new Date(),
}: {
  /** The app's database; when it is `markingWrites`' (the server's), a 5xx with nothing committed is run again. */
  db: Db;
  /** Requests the middleware leaves alone (sign-in, the bulk upload). */
  skip?: (c: Context<AppEnv>) => boolean;
  now?: () => Date;
}): MiddlewareHandler<AppEnv> {
  const marked = isMarking(db);
  const reserve = createGroupCommit<Reservation, boolean>({
    name: 'idempotency-keys',
    run: (rows) => reserveKeys(db, rows),
    maxSize: 500,
    joins: (r, group) => !group.some((g) => sameKey(g, r)),
  });
  const storeAnswer = createGroupCommit<Answer, void>({
    name: 'idempotency-answers',
    run: (answers) => storeAnswers(db, answers),
    maxSize: 500,
    joins: (a, group) => !group.some((g) => sameKey(g, a)),
  });
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
    const token = now();
    /** This attempt's row: the reservation made at `token` (a later attempt's has another). */
    const mine = and(where, eq(idempotencyKeys.createdAt, token));
    let reserved: boolean;
    try {
      reserved = await reserve({ ...id, requestHash, createdAt: token });
    } catch (e) {
      // The reservation may have committed without its answer: nothing ran under it, so it failed.
      if (marked)
        void settle(() =>
          db
            .update(idempotencyKeys)
            .set({ state: 'failed' })
            .where(and(mine, eq(idempotencyKeys.state, 'running'))),
        );
      throw e;
    }
    if (!reserved) {
      const [prior] = await db.select().from(idempotencyKeys).where(where);
      // Never released, so it is there (unless the daily purge took it just now: then it is gone, and old).
      if (!prior) throw outcomeUnknown();
      if (prior.requestHash !== requestHash) throw keyReused();
      if (prior.state === 'done') return replay(prior);
      if (prior.state === 'failed' && marked) {
        // Nothing of the first attempt committed: this one takes the key over and runs.
        const taken = await db
          .update(idempotencyKeys)
          .set({ state: 'running', createdAt: token, status: null, completedAt: null })
          .where(and(where, eq(idempotencyKeys.state, 'failed'), eq(idempotencyKeys.createdAt, prior.createdAt)))
          .returning({ key: idempotencyKeys.key });
        if (taken.length === 0) throw inFlight();
      } else if (prior.state === 'running' && now().getTime() - prior.createdAt.getTime() < IN_FLIGHT_MS)
        throw inFlight();
      else throw outcomeUnknown();
    }
    const scope: KeyScope = { ...id, token, untracked: false, closed: false };
    await runInScopes([scope], next);
    scope.closed = true;
    const res = c.res;
    if (res.status >= 500) {
      // Nothing committed (no idempotency_commits row for this attempt, no untracked write): `failed`,
      // the next copy runs. Else `unknown`. If the database cannot be reached now, retried in the
      // background; the row stays `running` meanwhile (in flight, then unknown after IN_FLIGHT_MS).
      const committed = sql`exists (select 1 from idempotency_commits m where m.principal = ${id.principal}
        and m.method = ${id.method} and m.path = ${id.path} and m.key = ${id.key}
        and m.attempt = ${token.toISOString()}::timestamptz)`;
      const state =
        marked && !scope.untracked ? sql`case when ${committed} then 'unknown' else 'failed' end` : 'unknown';
      await settle(() => db.update(idempotencyKeys).set({ state, status: res.status, completedAt: now() }).where(mine));
      return;
    }
    const answer: Answer = {
      ...id,
      createdAt: token,
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: await res.clone().text(),
      completedAt: now(),
    };
    // The work is done and this is its answer; if the database cannot be reached now, the answer is
    // stored in the background (copies are in flight meanwhile), and past SETTLE_FOR_MS the key stays
    // `running`, then `unknown`: never run again.
    await settle(() => storeAnswer(answer));
  };
}

/** Deletes keys older than KEEP_DAYS (the daily jobs); answers how many. */
export async function purgeIdempotencyKeys({ db, now = new Date() }: { db: Db; now?: Date }): Promise<number> {
  const before = new Date(now.getTime() - KEEP_DAYS * 24 * 60 * 60 * 1000);
  const gone = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, before))
    .returning({ key: idempotencyKeys.key });
  await db.delete(idempotencyCommits).where(lt(idempotencyCommits.createdAt, before));
  return gone.length;
}
