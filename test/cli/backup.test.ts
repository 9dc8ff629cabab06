/**
 * Backups of the embedded database: the server's nightly one (BACKSTOP_BACKUP_DIR, the newest
 * BACKSTOP_BACKUP_KEEP kept) and `backstop backup`, each restored with `backstop restore` into a new
 * directory holding the same ledger and audit chain (the same counts and the same head hash). What
 * cannot be done exits 2 with one line and writes nothing: restoring over a database, a file that is
 * not a backup, a backup of a directory a server holds, PostgreSQL.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { beijingToday } from '../../src/modules/shared/clock';
import { runCli } from './run-cli';
import { outputMatches, SMALL_DEMO, startServer } from './run-server';

const embedded = (dataDir: string) => ({ BACKSTOP_DATA: dataDir, DATABASE_URL: '', BACKSTOP_DEMO: '0' });
/** What `ledger verify` and `restore` print first: the counts of accounts, transfers and audit rows, and the audit chain's head. */
const ledgerHead = (stdout: string) =>
  stdout.split('\n').filter((l) => /^ledger verify: \d+ accounts|^audit head: /.test(l));

describe('backups of the embedded database', () => {
  it('the server writes one nightly and keeps the newest; each backup restores into a new directory with the same ledger and audit chain', async () => {
    const root = mkdtempSync(join(tmpdir(), 'backstop-backup-'));
    const data = join(root, 'data');
    const nightly = join(root, 'nightly');
    mkdirSync(nightly);
    for (const day of ['2020-01-01', '2020-01-02', '2020-01-03'])
      writeFileSync(join(nightly, `backstop-${day}.tar.gz`), 'an old backup');
    writeFileSync(join(nightly, 'notes.txt'), 'not a backup: left alone');

    const server = await startServer(data, {
      ...SMALL_DEMO,
      LOG_LEVEL: 'info',
      BACKSTOP_BACKUP_DIR: nightly,
      BACKSTOP_BACKUP_KEEP: '2',
    });
    await outputMatches(server, /"msg":"backup written"/, 120);
    // While the server holds the directory, a backup from the command line says how to get one.
    const busy = runCli(['backup', join(root, 'busy.tar.gz')], { env: embedded(data) });
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/^backstop: the data directory .* is in use by process \d+; .*BACKSTOP_BACKUP_DIR/);
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).toBe(0);
    const today = `backstop-${beijingToday()}.tar.gz`;
    expect(readdirSync(nightly).sort()).toEqual(['backstop-2020-01-03.tar.gz', today, 'notes.txt'].sort());

    const original = runCli(['ledger', 'verify'], { env: embedded(data) });
    expect(original.code).toBe(0);
    const head = ledgerHead(original.stdout);
    expect(head[0]).toMatch(/^ledger verify: [1-9]\d* accounts, [1-9]\d* transfers, .* [1-9]\d* audit rows$/);
    expect(head[1]).toMatch(/^audit head: seq [1-9]\d* hash [0-9a-f]{64}$/);

    const fromNightly = runCli(['restore', join(nightly, today)], { env: embedded(join(root, 'restored-nightly')) });
    expect(fromNightly.stderr).toBe('');
    expect(fromNightly.code).toBe(0);
    expect(ledgerHead(fromNightly.stdout)).toEqual(head);
    expect(fromNightly.stdout).toContain('ledger verify: all invariants hold');

    const taken = runCli(['backup', join(root, 'by-hand', 'b.tar.gz')], { env: embedded(data) });
    expect(taken.stdout).toMatch(/^backed up .* \(\d+ bytes\)\n$/);
    const restored = runCli(['restore', join(root, 'by-hand', 'b.tar.gz')], { env: embedded(join(root, 'restored')) });
    expect(restored.code).toBe(0);
    expect(ledgerHead(restored.stdout)).toEqual(head);
    // The restored directory is a whole database the server opens: its people are there (no demo seeded again), and they sign in.
    const again = await startServer(join(root, 'restored'), SMALL_DEMO);
    const login = await fetch(`http://127.0.0.1:${again.port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'manager', password: 'backstop-demo' }),
    });
    expect(login.status).toBe(200);
    expect(again.output()).not.toMatch(/demo: seeding/);
    again.child.kill('SIGTERM');
    expect(await again.exited, again.output()).toBe(0);

    // Over a database: refused, the database untouched.
    const over = runCli(['restore', join(root, 'by-hand', 'b.tar.gz')], { env: embedded(data) });
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/^backstop: the data directory .* holds a database already/);
    expect(ledgerHead(runCli(['ledger', 'verify'], { env: embedded(data) }).stdout)).toEqual(head);

    // Not a backup: refused, nothing left where the server would open it.
    const notBackup = join(root, 'loans.csv');
    writeFileSync(notBackup, 'bankRef,principal\nA-1,100.00\n');
    const target = join(root, 'not-restored');
    const bad = runCli(['restore', notBackup], { env: embedded(target) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^backstop: .*loans\.csv is not a backup of Backstop's embedded database/);
    expect(existsSync(join(target, 'PG_VERSION'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('restoring'))).toEqual([]);
    expect(runCli(['restore', join(root, 'nosuch.tar.gz')], { env: embedded(join(root, 'x')) }).stderr).toMatch(
      /^backstop: .*nosuch\.tar\.gz: cannot read the file \(ENOENT\)/,
    );
  }, 600_000);

  it("is for the embedded database: with DATABASE_URL, backup and restore name PostgreSQL's tools; a bad BACKSTOP_BACKUP_KEEP stops the server at start", async () => {
    const root = mkdtempSync(join(tmpdir(), 'backstop-backup-'));
    const pg = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' };
    const backup = runCli(['backup', join(root, 'b.tar.gz')], { env: pg });
    expect(backup.code).toBe(2);
    expect(backup.stderr).toMatch(/^backstop: backup is for the embedded database; .* pg_dump/);
    expect(runCli(['restore', join(root, 'b.tar.gz')], { env: pg }).stderr).toMatch(/pg_restore/);
    expect(existsSync(join(root, 'b.tar.gz'))).toBe(false);

    const keep = runCli(['serve'], {
      env: {
        ...embedded(join(root, 'data')),
        PORT: '0',
        BACKSTOP_BACKUP_DIR: join(root, 'n'),
        BACKSTOP_BACKUP_KEEP: '0',
      },
    });
    expect(keep.code).toBe(2);
    expect(keep.stderr).toMatch(/^backstop: BACKSTOP_BACKUP_KEEP: must be a whole number/);
    const empty = runCli(['backup', join(root, 'b.tar.gz')], { env: embedded(join(root, 'nothing')) });
    expect(empty.stderr).toMatch(/^backstop: there is no database in .*nothing to back up/);
  }, 120_000);
});
