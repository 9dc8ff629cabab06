/** How the app opens its database: PostgreSQL with JIT off (docs/PERFORMANCE.md, "Reports over a million loans"); PGlite creating a new data directory in a child process. */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../modules/shared/rows';
import { locationOf, openDatabase, sessionAttrs, type Database } from './database';
import { onPostgres, openTestDatabase } from './testing';

const jitOf = async (d: Database) =>
  String(rowsOf(await d.db.execute(sql`select current_setting('jit') as jit`))[0]!.jit);

describe.runIf(onPostgres)('PostgreSQL connections (PostgreSQL only; npm run test:pg)', () => {
  let d: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    d = await openTestDatabase();
  });
  afterAll(async () => d?.close());

  it('have jit off, on every connection of the pool', async () => {
    // several at once, so that the pool opens more than one connection
    const seen = await Promise.all(
      Array.from({ length: 4 }, () =>
        d.db.execute(sql`select current_setting('jit') as jit, pg_backend_pid() as pid, pg_sleep(0.05)`),
      ),
    );
    const rows = seen.flatMap((r) => rowsOf(r));
    expect(new Set(rows.map((r) => r.pid)).size).toBeGreaterThan(1);
    expect(rows.every((r) => r.jit === 'off')).toBe(true);
  });

  it('keep jit off inside transactions (the writes) as well', async () => {
    const jit = await d.db.transaction(async (tx) =>
      String(rowsOf(await tx.execute(sql`select current_setting('jit') as jit`))[0]!.jit),
    );
    expect(jit).toBe('off');
  });

  it('take jit=on from DATABASE_URL when an operator asks for it there', async () => {
    const u = new URL(d.url!);
    u.searchParams.set('jit', 'on');
    const other = await openDatabase({ url: u.toString() });
    try {
      expect(await jitOf(other)).toBe('on');
    } finally {
      await other.close();
    }
  });
});

describe.runIf(!onPostgres)('the embedded database', () => {
  it('creates a new data directory without keeping initdb’s memory: a process that opens one stays far below the ~870 MB it reached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backstop-fresh-'));
    try {
      // In a process of its own, so that the resident memory measured is the opening's alone.
      const script = `const { openDatabase } = await import(${JSON.stringify(new URL('./database.ts', import.meta.url).href)});
        const d = await openDatabase({ dataDir: ${JSON.stringify(join(dir, 'data'))}, url: '' });
        const { rows } = await d.db.execute('select count(*)::int as n from filings');
        await d.close();
        process.stdout.write(JSON.stringify({ rss: process.memoryUsage().rss, filings: rows[0].n }));`;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      });
      const { rss, filings } = JSON.parse(out) as { rss: number; filings: number };
      expect(filings).toBe(0); // created and migrated
      expect(existsSync(join(dir, 'data', 'PG_VERSION'))).toBe(true);
      expect(readdirSync(dir)).toEqual(['data']); // the staging directory it was made in is gone
      expect(rss / 2 ** 20).toBeLessThan(600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // a process that creates and migrates a database: room for a loaded 2-core machine
  }, 180_000);

  it('refuses a directory that holds files but no database (an interrupted first start) with a message, adding nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backstop-strange-'));
    try {
      mkdirSync(join(dir, 'base'));
      writeFileSync(join(dir, 'notes.txt'), 'not a database');
      await expect(openDatabase({ dataDir: dir, url: '' })).rejects.toThrow(
        /holds files but no database \(base, notes\.txt\)/,
      );
      expect(readdirSync(dir).sort()).toEqual(['base', 'notes.txt']); // and its lock released
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`.${basename(dir)}.creating-`))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens as before (PGlite has no JIT to turn off; nothing is sent to it)', async () => {
    const d = await openDatabase({ memory: true, url: '' });
    try {
      expect(d.kind).toBe('pglite');
      expect(rowsOf(await d.db.execute(sql`select 1 as one`))[0]!.one).toBe(1);
    } finally {
      await d.close();
    }
  });
});

describe('locationOf (messages name where the data lives, never a password)', () => {
  it('names every host of a multi-host URL (a pg_auto_failover formation)', () => {
    expect(
      locationOf('postgres://backstop:secret@db1:5433,db2/backstop?target_session_attrs=read-write&sslmode=disable'),
    ).toBe('db1:5433,db2:5432/backstop');
    expect(locationOf('postgres://postgres@127.0.0.1/postgres')).toBe('127.0.0.1:5432/postgres');
  });
});

describe('target_session_attrs=read-write (a formation’s URL) is asked of postgres.js as primary', () => {
  it('so that a hot standby, which reports default_transaction_read_only off, is passed over', () => {
    expect(
      sessionAttrs('postgres://u@db1:5432,db2:5432/backstop?target_session_attrs=read-write&sslmode=disable'),
    ).toEqual({ target_session_attrs: 'primary' });
    expect(sessionAttrs('postgres://u@db1,db2/backstop?sslmode=disable&target_session_attrs=read-write')).toEqual({
      target_session_attrs: 'primary',
    });
    // Anything else as written: prefer-standby (DATABASE_READ_URL), primary, none.
    expect(sessionAttrs('postgres://u@db1,db2/backstop?target_session_attrs=prefer-standby')).toEqual({});
    expect(sessionAttrs('postgres://u@db1/backstop')).toEqual({});
  });
});

describe('postgres.js as installed (npm install runs scripts/patch-postgres.js)', () => {
  it('has its write scheduler repaired in both copies: a closed connection resets it and a write without a socket fails its queries', () => {
    const root = join(dirname(createRequire(import.meta.url).resolve('postgres')), '../..'); // cjs/src/index.js
    for (const rel of ['src/connection.js', 'cjs/src/connection.js']) {
      const text = readFileSync(join(root, rel), 'utf8');
      expect(text, rel).toContain('backstop: write scheduler repaired');
      // the two teardowns (terminate, closed) each set the timer and the buffer back
      expect(text.match(/clearImmediate\(nextWriteTimer\)\n +nextWriteTimer = chunk = null/g)?.length, rel).toBe(2);
    }
  });
});
