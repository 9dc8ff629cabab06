/**
 * The Node server's timeouts (src/adapters/http/node-server.ts), over raw sockets on a real port
 * with short timeouts set as the environment would: headers that never finish and a body that
 * trickles are answered 408 and closed; a bulk upload is held to its own, longer limit, not the
 * request's; an idle keep-alive connection is closed; a client that hangs up mid-body is an info
 * line in the log, not an error. Times are only upper bounds on waiting, never on speed.
 */
import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../src/adapters/db/testing';
import { httpTimeouts, serveHttp } from '../../src/adapters/http/node-server';
import { createServices } from '../../src/adapters/http/services';
import { createLogger } from '../../src/adapters/logger';
import { createUser } from '../../src/modules/auth/auth.usecases';
import { PASSWORD, post, TEST_PASSWORD_PARAMS } from './harness';

const logLines: { level: number; msg: string }[] = [];
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let server: Server;
let port = 0;
let bankCookie = '';
let bankCsrf = '';

const TIMEOUTS = httpTimeouts({
  BACKSTOP_HEADERS_TIMEOUT_S: '1',
  BACKSTOP_REQUEST_TIMEOUT_S: '1',
  BACKSTOP_UPLOAD_TIMEOUT_S: '30',
  BACKSTOP_KEEP_ALIVE_TIMEOUT_S: '0.5',
});

beforeAll(async () => {
  database = await openTestDatabase();
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
  });
  const services = await createServices({ database, logger, passwordParams: TEST_PASSWORD_PARAMS });
  await createUser({
    repo: services.repos.auth,
    user: { username: 'bank-officer', displayName: 'x', role: 'bank', bankId: 'bank-a', password: PASSWORD },
    passwordParams: TEST_PASSWORD_PARAMS,
  });
  const res = await services.app.request('/api/auth/login', post({ username: 'bank-officer', password: PASSWORD }));
  bankCookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  bankCsrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  await new Promise<void>((listening) => {
    server = serveHttp(
      { fetch: (req, env) => services.app.fetch(req, env), port: 0, hostname: '127.0.0.1', timeouts: TIMEOUTS, logger },
      (p) => {
        port = p;
        listening();
      },
    );
  });
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  await database?.close();
});

/** A raw connection: what the server sent, and whether it has closed. */
function open() {
  const socket: Socket = connect(port, '127.0.0.1');
  const state = { received: '', closed: false, socket };
  socket.on('data', (d) => (state.received += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((done) =>
    socket.on('close', () => {
      state.closed = true;
      done();
    }),
  );
  return Object.assign(state, { closed });
}

/** Writes `text` a character every `ms` until the connection closes or `stop()`; a bounded loop. */
function trickle(c: ReturnType<typeof open>, text: string, ms: number) {
  let i = 0;
  const timer = setInterval(() => {
    if (c.closed || i >= text.length) return clearInterval(timer);
    c.socket.write(text[i++]!);
  }, ms);
  return () => clearInterval(timer);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('timeouts', { timeout: 60_000 }, () => {
  it('headers that never finish: 408 from Node, and the connection closed', async () => {
    const c = open();
    c.socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    const stop = trickle(c, 'X-Slow: ' + 'a'.repeat(500), 100);
    await c.closed;
    stop();
    expect(c.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a body that trickles: 408 as problem details, and the connection closed; no error logged', async () => {
    const c = open();
    const body = JSON.stringify({ username: 'bank-officer', password: 'x'.repeat(300) });
    c.socket.write(
      `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nX-Request-Id: trickle-1\r\n\r\n`,
    );
    const stop = trickle(c, body, 100);
    await c.closed;
    stop();
    expect(c.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(c.received).toMatch(/connection: close/i);
    const json = JSON.parse(c.received.slice(c.received.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(json).toMatchObject({ status: 408, title: 'Request timeout', requestId: 'trickle-1' });
    expect(c.received).toMatch(/x-request-id: trickle-1/i);
    await expect.poll(() => logLines.some((l) => /went away|timed out/.test(l.msg)), { timeout: 10_000 }).toBe(true);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('a bulk upload is not held to the request timeout: it arrives over longer and is answered', async () => {
    const c = open();
    const body = '--b\r\nContent-Disposition: form-data; name="bankId"\r\n\r\nbank-a\r\n--b--\r\n'; // no file: a 400 once it is all in
    c.socket.write(
      `POST /api/imports HTTP/1.1\r\nHost: x\r\nCookie: ${bankCookie}\r\nX-CSRF-Token: ${bankCsrf}\r\n` +
        `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    // Half the body now, the rest after well over the request timeout (1 s).
    const half = Math.floor(body.length / 2);
    c.socket.write(body.slice(0, half));
    await sleep(2_500);
    expect(c.received).toBe('');
    c.socket.write(body.slice(half));
    await expect.poll(() => c.received, { timeout: 20_000 }).toMatch(/^HTTP\/1\.1 400 /);
    expect(c.received).toContain('file');
    c.socket.destroy();
  });

  it('an idle keep-alive connection is closed', async () => {
    const c = open();
    c.socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await expect.poll(() => c.received, { timeout: 10_000 }).toMatch(/^HTTP\/1\.1 200 /);
    await c.closed;
    expect(c.closed).toBe(true);
  });

  it('a client that hangs up mid-body is an info line, not an error', async () => {
    const before = logLines.length;
    const c = open();
    c.socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user',
    );
    await sleep(200);
    c.socket.destroy();
    await expect
      .poll(() => logLines.slice(before).some((l) => l.msg === 'the client went away before its request arrived'), {
        timeout: 10_000,
      })
      .toBe(true);
    expect(logLines.slice(before).filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe('httpTimeouts', () => {
  it('defaults: headers 15 s, request 60 s, upload 30 minutes, keep-alive 5 s', () => {
    expect(httpTimeouts({})).toEqual({ headersMs: 15_000, requestMs: 60_000, uploadMs: 1_800_000, keepAliveMs: 5_000 });
  });
  it('refuses a bad value with one line naming it', () => {
    expect(() => httpTimeouts({ BACKSTOP_REQUEST_TIMEOUT_S: 'soon' })).toThrow(
      'BACKSTOP_REQUEST_TIMEOUT_S: must be a number of seconds above 0, not "soon"',
    );
    expect(() => httpTimeouts({ BACKSTOP_HEADERS_TIMEOUT_S: '0' })).toThrow(/BACKSTOP_HEADERS_TIMEOUT_S/);
    expect(() => httpTimeouts({ BACKSTOP_HEADERS_TIMEOUT_S: '90' })).toThrow(
      'BACKSTOP_HEADERS_TIMEOUT_S: must not be longer than BACKSTOP_REQUEST_TIMEOUT_S',
    );
    expect(() => httpTimeouts({ BACKSTOP_UPLOAD_TIMEOUT_S: '30' })).toThrow(/BACKSTOP_REQUEST_TIMEOUT_S/);
  });
});
