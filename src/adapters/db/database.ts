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

export const MIGRATIONS = resolve(import.meta.dirname, '../../../drizzle');

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages (never a password). */
  location: string;
  close: () => Promise<void>;
  /** The embedded database as a gzipped tar (adapters/db/backup.ts); PostgreSQL is backed up with its own tools. */
  backup?: () => Promise<Uint8Array>;
}

export async function openDatabase({
  url = process.env.DATABASE_URL,
  dataDir = process.env.BACKSTOP_DATA ?? './data',
  memory = false,
}: { url?: string; dataDir?: string; memory?: boolean } = {}): Promise<Database> {
  if (url) return openPostgres(url);
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
    const client = await PGlite.create({ ...(dir ? { dataDir: dir } : {}), relaxedDurability: false });
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

async function openPostgres(url: string): Promise<Database> {
  const client = postgres(url, {
    max: Number(process.env.DATABASE_POOL ?? 10),
    onnotice: () => {},
    connection: STARTUP,
  });
  try {
    const db = drizzlePostgres(client);
    await migratePostgres(db, { migrationsFolder: MIGRATIONS });
    const u = new URL(url);
    return {
      db: db,
      kind: 'postgres',
      location: `${u.hostname}:${u.port || 5432}${u.pathname}`,
      close: () => client.end({ timeout: 5 }),
    };
  } catch (e) {
    await client.end({ timeout: 1 });
    throw e;
  }
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
