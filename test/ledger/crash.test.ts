/**
 * kill -9 in the middle of batches, on PGlite (a data directory) and on PostgreSQL: a writer
 * process is killed twice while writing; after restart every acknowledged batch is there, no batch
 * is half applied, and `backstop ledger verify` (the CLI, as an operator runs it) passes — then
 * fails, naming the violation, once a transfer is tampered with.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/db/database';
import { openTestDatabase, onPostgres } from '../../src/adapters/db/testing';
import { runCli } from '../cli/run-cli';
import { rowsOf } from '../../src/modules/shared/rows';

const WRITER = resolve(import.meta.dirname, 'crash-writer.ts');

describe('kill -9 while writing ledger batches', () => {
  let env: Record<string, string>;
  let open: () => Promise<Database>;
  let cleanup = async () => {};
  beforeAll(async () => {
    if (onPostgres) {
      const test = await openTestDatabase();
      env = { DATABASE_URL: test.url!, BACKSTOP_DATA: '' };
      open = () => openDatabase({ url: test.url! });
      cleanup = test.close;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'backstop-crash-'));
      env = { DATABASE_URL: '', BACKSTOP_DATA: join(dir, 'data') };
      open = () => openDatabase({ url: '', dataDir: join(dir, 'data') });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await cleanup();
  });

  /** Starts the writer, lets it acknowledge `acks` batches, then SIGKILLs it mid-stream; returns the acknowledged batch numbers. */
  function writeAndKill(run: string, acks: number): Promise<number[]> {
    return new Promise((ok, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', WRITER, run], { env: { ...process.env, ...env } });
      const acked: number[] = [];
      let buffer = '';
      let errors = '';
      child.stderr.on('data', (d) => {
        errors += d;
      });
      child.stdout.on('data', (d) => {
        buffer += d;
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const l of lines) if (l.startsWith('ack ')) acked.push(Number(l.slice(4)));
        if (acked.length >= acks && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? ok(acked) : fail(new Error(`writer exited ${code}: ${errors}`)),
      );
    });
  }

  it('keeps every acknowledged batch, applies none by half, and verifies clean after restart', async () => {
    const first = await writeAndKill('r1', 25);
    // a second crash after recovery on PostgreSQL; on PGlite one (each PGlite start costs seconds)
    const second = onPostgres ? await writeAndKill('r2', 40) : [];

    const database = await open();
    try {
      const rows = rowsOf(
        await database.db
          .execute(sql`select split_part(id, ':', 1) || ':' || split_part(id, ':', 2) as batch, count(*)::int as n
        from ledger_transfers where id like 'r_:%' group by 1`),
      );
      const sizes = new Map(rows.map((r) => [String(r.batch), Number(r.n)]));
      for (const [batch, n] of sizes) expect(n, `batch ${batch} half applied`).toBe(10);
      for (const k of first) expect(sizes.get(`r1:${k}`), `acknowledged batch r1:${k} lost`).toBe(10);
      for (const k of second) expect(sizes.get(`r2:${k}`), `acknowledged batch r2:${k} lost`).toBe(10);
      // nothing beyond the acknowledged batches but the one(s) in flight when killed
      expect(sizes.size).toBeLessThanOrEqual(first.length + second.length + 2);
    } finally {
      await database.close();
    }

    const ok = runCli(['ledger', 'verify'], { env });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('ledger verify: all invariants hold');
    expect(ok.code).toBe(0);

    const database2 = await open();
    try {
      await database2.db.transaction(async (tx) => {
        await tx.execute(sql.raw('alter table ledger_transfers disable trigger ledger_transfers_immutable'));
        await tx.execute(sql.raw(`update ledger_transfers set amount = 2 where id = 'r1:0:0'`));
        await tx.execute(sql.raw('alter table ledger_transfers enable trigger ledger_transfers_immutable'));
      });
    } finally {
      await database2.close();
    }
    const bad = runCli(['ledger', 'verify'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/transfer_differs_from_audit: transfer r1:0:0 differs from audit row/);
    expect(bad.stdout).toMatch(/account_totals_differ_from_replay: account crash:capacity/);
  }, 180_000);
});
