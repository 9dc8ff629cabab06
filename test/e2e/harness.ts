/**
 * Browser tests' world: Debian's chromium (installed with apt-get when missing, never downloaded
 * by a tool), the web app built if stale, and the real server (`backstop serve`) on a free port
 * on a fresh embedded database — or a fresh PostgreSQL database under BACKSTOP_TEST_DB=postgres.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-output', 'screenshots');
export const DEMO_PASSWORD = 'backstop-demo';

const hasFont = () => spawnSync('sh', ['-c', 'fc-list 2>/dev/null | grep -qi "wqy\\|wenquanyi"']).status === 0;

/** chromium and a CJK font from Debian's archive when missing (apt-get update first). */
export function ensureBrowser(): void {
  const missing = [...(existsSync(CHROMIUM) ? [] : ['chromium']), ...(hasFont() ? [] : ['fonts-wqy-microhei'])];
  if (!missing.length) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args: string[]) =>
    execFileSync(sudo[0] ?? args[0]!, [...sudo.slice(1), ...(sudo.length ? args : args.slice(1))], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

export function buildWeb(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'web', 'build.js')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the web app did not build');
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export interface Server {
  url: string;
  stop: () => Promise<void>;
  log: () => string;
}

/** `node bin/backstop.js serve` on a free port and a fresh database; resolves once it listens. */
export async function startServer(extraEnv: NodeJS.ProcessEnv = {}): Promise<Server> {
  const port = await freePort();
  // A small demo book (the demo logins, banks, a fund, some loans and claims) keeps the start quick.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    BACKSTOP_DEMO_LOANS: '40',
    BACKSTOP_DEMO_ENTERPRISES: '30',
    // The walks written before the dossier (R20) approve claims without materials; the dossier's own
    // browser test uploads and ticks, which the waiver does not touch.
    BACKSTOP_CLAIM_DOSSIER: 'waived',
    ...extraEnv,
  };
  let cleanup = async () => {};
  if (process.env.BACKSTOP_TEST_DB === 'postgres') {
    const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `backstop_e2e_${randomBytes(5).toString('hex')}`;
    const sql = postgres(admin, { max: 1, onnotice: () => {} });
    await sql.unsafe(`create database ${name}`);
    await sql.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    cleanup = async () => {
      const drop = postgres(admin, { max: 1, onnotice: () => {} });
      await drop.unsafe(`drop database if exists ${name} with (force)`);
      await drop.end();
    };
  } else {
    delete env.DATABASE_URL;
    const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    const dir = mkdtempSync(join(base, 'backstop-e2e-'));
    env.BACKSTOP_DATA = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'backstop.js'), 'serve', '--port', String(port)],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the server did not start in 150 s:\n${out.slice(-2000)}`)), 150_000);
    const check = () => {
      if (out.includes('listening on')) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited (${code}):\n${out.slice(-2000)}`));
    });
  });
  // "listening" is printed before the socket is bound and while the demo book is being seeded: wait for an answer.
  const deadline = Date.now() + 150_000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
    if (res?.status === 200) break;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the server did not answer:\n${out.slice(-2000)}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((ok) => child.once('exit', ok));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((ok) => setTimeout(ok, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await cleanup();
    },
  };
}

export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

/** A signed-in browser context for one user (its own cookies). */
export async function signedIn(
  browser: Browser,
  url: string,
  username: string,
  password = DEMO_PASSWORD,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1366, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('whoami').waitFor();
  return { context, page };
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** A JSON API client with a session, for setting the world up quickly (the browser does the rest). */
export async function apiAs(url: string, username: string, password = DEMO_PASSWORD) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: parsed as T };
  };
}

/** Valid GB 32100-2015 credit codes, as the use-case tests make them. */
export { creditCode } from '../operations/fixture';

/** Today in Beijing, as the server's clock sees it. */
export { beijingToday } from '../../src/modules/shared/clock';

/**
 * The built app on a fresh server and a chromium for one test file: started before its tests,
 * stopped after them. `url` and `signIn` are read inside the tests.
 */
export function appInBrowser() {
  const live = {} as { server: Server; browser: Browser };
  beforeAll(async () => {
    ensureBrowser();
    buildWeb();
    [live.server, live.browser] = await Promise.all([startServer(), launchBrowser()]);
  }, 240_000);
  afterAll(async () => {
    await live.browser?.close();
    await live.server?.stop();
  });
  return {
    get url() {
      return live.server.url;
    },
    signIn: (username: string) => signedIn(live.browser, live.server.url, username),
  };
}
