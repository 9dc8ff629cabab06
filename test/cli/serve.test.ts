/**
 * `backstop serve` as `npm start` runs it: embedded database in a data directory, a lock against a
 * second process, a clean close on SIGTERM, and data kept across restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const BIN = resolve(import.meta.dirname, '../../bin/backstop.js');
const children: ChildProcess[] = [];
afterEach(() => { for (const c of children) c.kill('SIGKILL'); });

const freePort = () => new Promise<number>((ok) => { const s = createServer().listen(0, () => { const { port } = s.address() as { port: number }; s.close(() => ok(port)); }); });

/** A fresh start seeds the demo: a small one here (BACKSTOP_DEMO_LOANS/ENTERPRISES); BACKSTOP_DEMO=0 where the demo is not the point. */
const SMALL_DEMO = { BACKSTOP_DEMO_LOANS: '60', BACKSTOP_DEMO_ENTERPRISES: '40' };
const NO_DEMO = { BACKSTOP_DEMO: '0' };

async function start(dataDir: string, demo: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, BACKSTOP_DATA: dataDir, PORT: String(port), DATABASE_URL: '', LOG_LEVEL: 'warn', ...demo } });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  // How the child ended: its exit code, or the signal that killed it.
  let exitCode: number | string | undefined;
  const exited = new Promise<number | string>((ok) => child.on('exit', (code, signal) => { exitCode = code ?? signal ?? 'unknown'; ok(exitCode); }));
  // A loaded CI machine may take a while to open the embedded database and migrate it: wait up to 3 minutes, or until the child dies.
  for (let i = 0; i < 1800 && !out.includes('listening') && exitCode === undefined; i++) await new Promise((r) => setTimeout(r, 100));
  expect(out).toContain('listening');
  return { child, port, output: () => out, exited };
}

describe('backstop serve', () => {
  it('serves on the embedded database, locks its directory, closes cleanly on SIGTERM and keeps its data', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'backstop-serve-')), 'data');
    const first = await start(dataDir, SMALL_DEMO);
    expect(first.output()).toMatch(/demo logins \(password backstop-demo\): manager/);
    // Requests wait for the seed: the first answer comes after it is done.
    const health = await (await fetch(`http://127.0.0.1:${first.port}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: 'pglite' });
    expect(first.output()).toMatch(/demo: seeded \d+ loans, 40 enterprises in [\d.]+ s/);

    const second = runCli(['serve'], { env: { BACKSTOP_DATA: dataDir, PORT: '0', DATABASE_URL: '' } });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/data directory .* is in use by process \d+/);

    first.child.kill('SIGTERM');
    expect(await first.exited, first.output()).toBe(0);
    expect(existsSync(join(dataDir, 'backstop.lock'))).toBe(false);

    const again = await start(dataDir, SMALL_DEMO);
    expect(again.output()).not.toMatch(/demo logins/);
    await fetch(`http://127.0.0.1:${again.port}/api/health`);
    expect(again.output()).not.toMatch(/demo: /);
    const programmes = await (await fetch(`http://127.0.0.1:${again.port}/api/programmes`)).json() as { items: { versions: { revision: number }[] }[] };
    expect(programmes.items.flatMap((p) => p.versions.map((v) => v.revision))).toEqual([1, 1]);
    again.child.kill('SIGTERM');
    expect(await again.exited, again.output()).toBe(0);
  }, 300_000);

  it('runs the daily jobs (R6\'s sweep of loans overdue past the programme\'s days; the holiday calendar\'s warning) once it is up', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'backstop-serve-')), 'data');
    const server = await start(dataDir, { ...NO_DEMO, LOG_LEVEL: 'info' });
    for (let i = 0; i < 300 && !server.output().includes('daily jobs'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(server.output()).toMatch(/"msg":"daily jobs: (done|loans overdue)/);
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).toBe(0);
  }, 300_000);

  it('takes over a lock left by a process that died', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'backstop-serve-')), 'data');
    const first = await start(dataDir, NO_DEMO);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(existsSync(join(dataDir, 'backstop.lock'))).toBe(true);
    const second = await start(dataDir, NO_DEMO);
    second.child.kill('SIGTERM');
    expect(await second.exited, second.output()).toBe(0);
  }, 300_000);
});
