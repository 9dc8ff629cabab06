import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, expect } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/backstop.js');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

/** A fresh start seeds the demo: a small one here (BACKSTOP_DEMO_LOANS/ENTERPRISES); BACKSTOP_DEMO=0 where the demo is not the point. */
export const SMALL_DEMO = { BACKSTOP_DEMO_LOANS: '60', BACKSTOP_DEMO_ENTERPRISES: '40' };
export const NO_DEMO = { BACKSTOP_DEMO: '0' };

/** `backstop serve` as `npm start` runs it, on the embedded database in `dataDir`, once it listens; killed after each test. */
export async function startServer(dataDir: string, env: Record<string, string>, args: string[] = []) {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: { ...process.env, BACKSTOP_DATA: dataDir, PORT: String(port), DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  // How the child ended: its exit code, or the signal that killed it.
  let exitCode: number | string | undefined;
  const exited = new Promise<number | string>((ok) =>
    child.on('exit', (code, signal) => {
      exitCode = code ?? signal ?? 'unknown';
      ok(exitCode);
    }),
  );
  // A loaded CI machine may take a while to open the embedded database and migrate it: wait up to 3 minutes, or until the child dies.
  for (let i = 0; i < 1800 && !out.includes('listening') && exitCode === undefined; i++)
    await new Promise((r) => setTimeout(r, 100));
  expect(out).toContain('listening');
  return { child, port, output: () => out, exited };
}

/** Waits up to `seconds` for the server's output to match. */
export async function outputMatches(server: { output: () => string }, re: RegExp, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 10 && !re.test(server.output()); i++) await new Promise((r) => setTimeout(r, 100));
  expect(server.output()).toMatch(re);
}
