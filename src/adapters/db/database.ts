/**
 * The database: embedded PGlite in a data directory by default, PostgreSQL when DATABASE_URL is
 * set. The same drizzle-kit SQL migrations run on both at open. PGlite runs with full durability
 * (relaxedDurability off): each statement is synced to the data directory before it returns.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Db } from '../../modules/shared/db';
import { dumpPglite } from './backup';
import { DataDirNotDatabaseError, LOCK_FILE, lockDataDir } from './data-dir-lock';
import { PGLITE_EXTENSIONS } from './extensions';

export const MIGRATIONS = resolve(import.meta.dirname, '../../../drizzle');

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages (never a password). */
  location: string;
  close: () => Promise<void>;
  /** The embedded database as a gzipped tar (adapters/db/backup.ts); PostgreSQL is backed up with its own tools. */
  backup?: () => Promise<Uint8Array>;
  /** PostgreSQL only: LISTEN on `channel` (a connection of its own, reconnected when lost); answers the UNLISTEN. */
  listen?: (channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>;
  /** A read-only pool on a standby (DATABASE_READ_URL) for reads that may lag (reports, the simulation's book). */
  readDb?: Db;
  /** PostgreSQL: replaces the pool with a new one (the old one ends its queries within 5 s). See `survivePostgresDriverFault`. */
  renewPool?: () => void;
}

export async function openDatabase({
  url = process.env.DATABASE_URL,
  readUrl = process.env.DATABASE_READ_URL || undefined,
  dataDir = process.env.BACKSTOP_DATA ?? './data',
  memory = false,
}: { url?: string; readUrl?: string; dataDir?: string; memory?: boolean } = {}): Promise<Database> {
  if (url) return openPostgres(url, readUrl);
  return memory ? openPglite(undefined) : openPglite(resolve(dataDir));
}

/**
 * A new data directory is created (PostgreSQL's initdb) in a child process. PGlite's WebAssembly
 * memory grows to ~750 MB while it initialises and never gives it back, so a server that created
 * its directory itself kept that for as long as it ran; the same directory opened afterwards takes
 * ~280 MB (docs/PERFORMANCE.md, "import"). It is made in a sibling directory and moved in with
 * PG_VERSION last, so a directory holding PG_VERSION holds a whole database even after a crash.
 */
async function createDataDir(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  const strangers = readdirSync(dir).filter((f) => f !== LOCK_FILE);
  if (strangers.length) throw new DataDirNotDatabaseError(dir, strangers);
  const staging = mkdtempSync(join(dirname(dir), `.${basename(dir)}.creating-`));
  try {
    await initdbIn(staging);
    for (const entry of readdirSync(staging).filter((e) => e !== 'PG_VERSION'))
      renameSync(join(staging, entry), join(dir, entry));
    renameSync(join(staging, 'PG_VERSION'), join(dir, 'PG_VERSION'));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function initdbIn(dir: string): Promise<void> {
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const script = `const { PGlite } = await import(${JSON.stringify(pglite)}); const db = await PGlite.create({ dataDir: ${JSON.stringify(dir)} }); await db.close();`;
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? done()
        : fail(new Error(`could not create the database in ${dir}: ${stderr.trim() || `exit code ${code}`}`)),
    );
  });
}

async function openPglite(dir: string | undefined): Promise<Database> {
  const unlock = dir ? lockDataDir(dir) : () => {};
  try {
    if (dir) await createDataDir(dir);
    const client = await PGlite.create({
      ...(dir ? { dataDir: dir } : {}),
      relaxedDurability: false,
      extensions: PGLITE_EXTENSIONS,
    });
    const db = drizzlePglite(client);
    await migratePglite(db, { migrationsFolder: MIGRATIONS });
    return {
      db: db,
      kind: 'pglite',
      location: dir ?? 'memory',
      backup: () => dumpPglite(client),
      close: async () => {
        await client.close();
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

/**
 * PostgreSQL's JIT is off for the app's connections, sent as a startup parameter so every pooled
 * connection has it from the start: measured over a million loans (docs/PERFORMANCE.md, "Reports
 * over a million loans"), it compiled for 20–140 ms on each report statement past jit_above_cost
 * and saved nothing. A `jit` parameter in DATABASE_URL (`?jit=on`) still overrides it.
 */
const STARTUP = { jit: 'off' };

/** The advisory lock key the migrations run under (any fixed number: "backstop" in ASCII, 0x6261636b73746f70). */
const MIGRATION_LOCK = '7089056601607532400';

/**
 * Where a PostgreSQL URL points, for messages: `host:port/db`, every host of a multi-host URL
 * (`postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write`, which `new URL` refuses).
 */
export function locationOf(url: string): string {
  const m = /^[a-z]+:\/\/(?:[^@/]*@)?([^/?]*)(\/[^?]*)?/i.exec(url);
  if (!m) return 'postgres';
  const hosts = m[1]!
    .split(',')
    .map((h) => (/:\d+$/.test(h) ? h : `${h || 'localhost'}:5432`))
    .join(',');
  return `${hosts}${m[2] ?? ''}`;
}

/**
 * `target_session_attrs=read-write` as libpq means it: postgres.js (3.4.10) takes a host for
 * read-write when its `default_transaction_read_only` is off, but PostgreSQL 14+ reports that
 * parameter off on a hot standby too (only `in_hot_standby` is on), so it kept connections on a
 * standby: after a failover, once the old primary was back as a secondary (first in the URL), new
 * connections landed on it and every write failed with 25006 (`npm run test:ha`, `ledger verify`
 * after the kill). Asked as `primary`, postgres.js checks `in_hot_standby` (or asks the server on
 * an older one). The same for the PGTARGETSESSIONATTRS environment variable.
 */
export function sessionAttrs(url: string): { target_session_attrs?: 'primary' } {
  const asked = /[?&]target_session_attrs=([^&]*)/.exec(url)?.[1] ?? process.env.PGTARGETSESSIONATTRS;
  return asked === 'read-write' ? { target_session_attrs: 'primary' } : {};
}

/**
 * PostgreSQL: a pool of DATABASE_POOL connections. A multi-host URL with
 * `target_session_attrs=read-write` (a pg_auto_failover formation, docs/OPERATIONS.md "High
 * availability") connects to whichever host takes writes; a connection that dies with its host is
 * dropped by postgres.js and the next one finds the new primary. A read URL opens a second, small
 * pool (DATABASE_READ_POOL, 4) without migrations.
 */
async function openPostgres(url: string, readUrl?: string): Promise<Database> {
  const open = () =>
    postgres(url, {
      max: Number(process.env.DATABASE_POOL ?? 10),
      onnotice: () => {},
      connection: STARTUP,
      ...sessionAttrs(url),
    });
  let current = open();
  // drizzle holds this one client; it forwards to the pool in use, which renewPool replaces.
  const client = new Proxy(current, {
    get: (_, prop) => preparedGet(current, prop),
  });
  const reader = readUrl
    ? preparing(
        postgres(readUrl, {
          max: Number(process.env.DATABASE_READ_POOL ?? 4),
          onnotice: () => {},
          connection: STARTUP,
        }),
      )
    : undefined;
  const ended: Promise<void>[] = [];
  try {
    const db = drizzlePostgres(client);
    // Several app processes may start at once on one database: one migrates, the others wait for it.
    const lock = await client.reserve();
    try {
      await lock`select pg_advisory_lock(${MIGRATION_LOCK}::bigint)`;
      await migratePostgres(db, { migrationsFolder: MIGRATIONS });
    } finally {
      await lock`select pg_advisory_unlock(${MIGRATION_LOCK}::bigint)`.catch(() => {});
      lock.release();
    }
    return {
      db: db,
      kind: 'postgres',
      location: locationOf(url),
      ...(reader ? { readDb: drizzlePostgres(reader) } : {}),
      listen: async (channel, onNotify) => (await client.listen(channel, onNotify)).unlisten,
      renewPool: () => {
        const old = current;
        current = open();
        // The types drizzle set on the first pool (its dates and JSON as text), on the new one too.
        Object.assign(current.options.parsers, old.options.parsers);
        Object.assign(current.options.serializers, old.options.serializers);
        ended.push(old.end({ timeout: 5 }).catch(() => undefined));
      },
      close: async () => {
        await Promise.all([current.end({ timeout: 5 }), reader?.end({ timeout: 5 }), ...ended]);
      },
    };
  } catch (e) {
    await Promise.all([current.end({ timeout: 1 }), reader?.end({ timeout: 1 })]);
    throw e;
  }
}

/**
 * Every statement with parameters prepared once per connection and named, not parsed again on each
 * run: drizzle asks postgres.js for unnamed statements (`unsafe(…, { prepare: false })`) unless a
 * query is given a name, so PostgreSQL parsed and planned each of them every time — a sixth of its
 * time on statements in the online filing bench (docs/PERFORMANCE.md). The app's statements have
 * fixed texts (lists go as one JSON parameter, shared/json-texts.ts), so each connection holds a
 * few dozen, dropped with it. Transactions' and savepoints' own clients are wrapped alike.
 */
function preparing(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, { get: (target, prop) => preparedGet(target, prop) });
}

/**
 * A statement that matches a pattern (the search box's LIKE and ILIKE) is planned on each run, as
 * before: a prefix's index range is found from the pattern's value, which a generic plan cannot
 * see (the list's searches' median went from 11 to 17–21 ms at 200,000 loans when prepared).
 */
const PATTERN = /\b(i?like)\b/i;

function preparedGet(target: postgres.Sql, prop: string | symbol): unknown {
  const value = Reflect.get(target, prop) as unknown;
  if (typeof value !== 'function') return value;
  const fn = value as (...a: unknown[]) => unknown;
  if (prop === 'unsafe')
    return (query: string, args?: unknown, options?: Record<string, unknown>) =>
      Array.isArray(args) && args.length > 0 && !PATTERN.test(query)
        ? fn.call(target, query, args, { ...options, prepare: true })
        : fn.call(target, query, args, options);
  if (prop === 'begin' || prop === 'savepoint')
    return (...a: unknown[]) => {
      const at = a.findIndex((x) => typeof x === 'function');
      if (at >= 0) {
        const body = a[at] as (inner: postgres.Sql) => unknown;
        a[at] = (inner: postgres.Sql) => body(preparing(inner));
      }
      return fn.apply(target, a);
    };
  return fn.bind(target);
}

/**
 * A safety net kept behind the driver's repair (scripts/patch-postgres.js, run at install, makes a
 * write without a socket fail its queries instead). Unrepaired,
 * postgres.js 3.4.9–3.4.10 can throw from a timer when a connection closes while a small write is queued
 * (`Cannot read properties of null (reading 'write')` in connection.js `nextWrite`; upstream
 * porsager/postgres#1154, #1208): an uncaught exception that would end the process, and it
 * happens when the primary dies under load (test/ha/failover.test.ts). The server catches exactly
 * that one, logs it, and renews the pool, since the faulty connection can no longer send; any
 * other uncaught exception still ends the process as before. Remove when the driver is fixed.
 */
export function survivePostgresDriverFault(database: Database, warn: (err: Error) => void): void {
  if (!database.renewPool) return;
  const renew = database.renewPool;
  process.on('uncaughtException', (err) => {
    const fault =
      err instanceof TypeError &&
      /reading 'write'/.test(err.message) &&
      /nextWrite/.test(err.stack ?? '') &&
      /postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? '');
    if (!fault) {
      console.error(err);
      process.exit(1);
    }
    warn(err);
    renew();
  });
}

/** Close cleanly on SIGINT/SIGTERM: finish, release the data directory, exit. */
export function closeOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (e) => {
        console.error(`backstop: error while closing on ${signal}: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
