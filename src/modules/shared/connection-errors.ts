/**
 * Errors that say the database connection, not the statement, failed: a connection the server
 * killed (pg_terminate_backend, a restart, a failover), one the network dropped, or a pool that is
 * closed or cannot connect. Drizzle wraps the driver's error, so causes are looked through.
 */

/** postgres.js's own codes and Node's socket errors. */
const CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** PostgreSQL's SQLSTATEs: class 08 (connection exception) and the server shutting down or starting. */
const SQLSTATE = /^(08\d{3}|57P0[123])$/;

export function isConnectionError(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CODES.has(code) || SQLSTATE.test(code))) return true;
  }
  return false;
}

/**
 * SQLSTATEs that mean "this database cannot do it now", seen around a failover: a write on a node
 * that is (now) a standby (25006 read_only_sql_transaction), a statement on a standby cancelled
 * by the replay of the primary's changes (40001, "conflict with recovery"; also a serialization
 * failure that outlived its retries), a deadlock victim (40P01: rolled back, nothing of it
 * committed), too many connections while the pools reconnect (53300).
 */
const UNAVAILABLE = new Set(['25006', '40001', '40P01', '53300']);

/**
 * Whether the request met the database being unavailable rather than a fault of its own: the
 * connection (above), or a state of the server that passes. The app answers 503 with
 * `Retry-After` (`database.unavailable`); nothing of the failed transaction was committed, or the
 * idempotency key says whether it was (shared/idempotency.ts).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (isConnectionError(err)) return true;
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'IdempotencyTakenOver') return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE.has(code)) return true;
  }
  return false;
}

/**
 * How a read is retried on a connection error: connections are killed together (a restart, a
 * failover, pg_terminate_backend on all of them), and a retry can be handed another connection of
 * the pool that is dead but not yet seen to be (observed on PostgreSQL 15 with postgres.js: the
 * retry failed with 57P01 about one time in three). So: up to two retries, a short pause before
 * each, then the error stands (the app answers 503).
 */
export const READ_RETRIES = 2;
export const RETRY_PAUSE_MS = 50;

/**
 * Runs a read, and again if it failed on a connection error (the pool opens a new connection for
 * it). Only for statements that change nothing: a write that failed so may have committed.
 */
export async function retryRead<T>(read: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await read();
    } catch (err) {
      if (retry >= READ_RETRIES || !isConnectionError(err)) throw err;
      await new Promise((resume) => setTimeout(resume, RETRY_PAUSE_MS));
    }
  }
}
