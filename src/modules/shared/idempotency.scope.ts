/**
 * What lets a request under an `Idempotency-Key` that failed with a 5xx be run again when it is
 * sent again (shared/idempotency.ts): every transaction a keyed request runs writes a row in
 * `idempotency_commits` in that same transaction, so after a lost connection or a failover the
 * database says whether any of the request's work committed — the row is on the new primary
 * together with the work, or neither is.
 *
 * `markingWrites(db)` wraps the app's database (adapters/http/services.ts): `db.transaction` runs
 * the mark first, for the keys of the requests in scope (AsyncLocalStorage); a group commit carries
 * the scopes of all its units (shared/group-commit.ts) and marks them all in its one transaction.
 * The mark is also a fence: it names the attempt (the reservation's `created_at`) and share-locks
 * the reservation, so the transaction of an attempt whose key was taken over by a later one fails
 * instead of committing, and a takeover waits for a transaction still running.
 * A write outside a transaction (`db.insert` … at the top level, a `db.execute` that is not a plain
 * `select`) cannot be marked: the scope records it, and a 5xx after it leaves the key `unknown`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import type { Db } from './db';

export interface KeyScope {
  principal: string;
  method: string;
  path: string;
  key: string;
  /** The attempt: the reservation's created_at. */
  token: Date;
  /** A write ran outside a transaction: its commit is not marked. */
  untracked: boolean;
  /** The request has answered; later work in its async context (a background job) marks nothing. */
  closed: boolean;
}

const scopes = new AsyncLocalStorage<readonly KeyScope[]>();

/** The scopes of the running request(s), to carry into work that runs elsewhere (a group commit). */
export function currentScopes(): readonly KeyScope[] {
  return scopes.getStore() ?? [];
}

export function runInScopes<T>(list: readonly KeyScope[], work: () => T): T {
  return scopes.run(list, work);
}

/** The attempt was taken over by a later one (its reservation's created_at changed): this work must not commit. */
export class IdempotencyTakenOver extends Error {
  constructor() {
    super('the Idempotency-Key was taken over by a later attempt');
    this.name = 'IdempotencyTakenOver';
  }
}

const MARKING = Symbol('backstop.markingWrites');

export function isMarking(db: Db): boolean {
  return (db as unknown as Record<symbol, unknown>)[MARKING] === true;
}

/**
 * The mark, in the caller's transaction: the fence first — each open scope's reservation, still
 * its attempt's (created_at), share-locked until this transaction ends, so a takeover waits for
 * it and then sees its mark — then one `idempotency_commits` row per scope. Share locks and plain
 * inserts: two transactions of one request (one inside the other's wait, as a group commit can
 * be) never wait on each other.
 */
async function mark(tx: Db, open: readonly KeyScope[]): Promise<void> {
  const ids = sql.join(
    open.map((s) => sql`(${s.principal}, ${s.method}, ${s.path}, ${s.key}, ${s.token.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const fenced = (await tx.execute(
    sql`select key from idempotency_keys where (principal, method, path, key, created_at) in (values ${ids}) for share`,
  )) as unknown as { rows?: unknown[] } & unknown[];
  if ((fenced.rows ?? fenced).length !== open.length) throw new IdempotencyTakenOver();
  await tx.execute(sql`insert into idempotency_commits (principal, method, path, key, attempt) values ${ids}`);
}

const UNTRACKED = new Set<PropertyKey>(['insert', 'update', 'delete', 'execute']);

/** The text of a statement given to `execute` (a drizzle SQL's literal parts, or a string). */
function textOf(statement: unknown): string {
  if (typeof statement === 'string') return statement;
  const chunks = (statement as { queryChunks?: unknown[] } | null)?.queryChunks;
  if (!Array.isArray(chunks)) return '';
  return chunks
    .map((c) => {
      const v = (c as { value?: unknown } | null)?.value;
      return Array.isArray(v) ? v.join('') : '';
    })
    .join(' ');
}

/** A plain read: a `select` that calls none of the database's writing functions (ledger_apply). */
function isRead(statement: unknown): boolean {
  const text = textOf(statement);
  return /^\s*select\b/i.test(text) && !/\b(insert|update|delete|ledger_apply|nextval|setval)\b/i.test(text);
}

/** The database with each transaction marking the keys in scope (see above). */
export function markingWrites<T extends Db>(db: T): T {
  if (isMarking(db)) return db;
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === MARKING) return true;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'transaction') {
        return (work: (tx: Db) => Promise<unknown>, config?: unknown) => {
          const open = currentScopes().filter((s) => !s.closed);
          if (!open.length) return (value as (...a: unknown[]) => unknown).call(target, work, config);
          return (value as (...a: unknown[]) => unknown).call(
            target,
            async (tx: Db) => {
              await mark(tx, open);
              return work(tx);
            },
            config,
          );
        };
      }
      if (UNTRACKED.has(prop)) {
        return (...args: unknown[]) => {
          if (!(prop === 'execute' && isRead(args[0])))
            for (const s of currentScopes()) if (!s.closed) s.untracked = true;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
