/**
 * `backstop serve` as `npm start` runs it: embedded database in a data directory, a lock against a
 * second process, a clean close on SIGTERM, and data kept across restarts.
 */
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { NO_DEMO, outputMatches, SMALL_DEMO, startServer as start } from './run-server';

describe('backstop serve', () => {
  it('serves on the embedded database, locks its directory, closes cleanly on SIGTERM and keeps its data', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'backstop-serve-')), 'data');
    const first = await start(dataDir, SMALL_DEMO);
    // Printed just after the listening line, in its own write: waited for, not read at once (a loaded machine).
    await outputMatches(first, /demo logins \(password backstop-demo\): manager/);
    // Requests wait for the seed: the first answer comes after it is done.
    const health = await (await fetch(`http://127.0.0.1:${first.port}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: 'pglite' });
    // (the line is written before requests are let through; its pipe may reach us after the answer)
    await outputMatches(first, /demo: seeded \d+ loans, 40 enterprises in [\d.]+ s/, 5);

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
    const programmes = (await (await fetch(`http://127.0.0.1:${again.port}/api/programmes`)).json()) as {
      items: { versions: { revision: number }[] }[];
    };
    expect(programmes.items.flatMap((p) => p.versions.map((v) => v.revision))).toEqual([1, 1]);
    again.child.kill('SIGTERM');
    expect(await again.exited, again.output()).toBe(0);
  }, 300_000);

  it("runs the daily jobs (R6's sweep of loans overdue past the programme's days; the holiday calendar's warning) once it is up", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'backstop-serve-')), 'data');
    const server = await start(dataDir, { ...NO_DEMO, LOG_LEVEL: 'info' });
    await outputMatches(server, /"msg":"daily jobs: (done|loans overdue)/, 30);
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).toBe(0);
  }, 300_000);

  it('on SIGTERM stops taking connections, answers the request in flight (200), then exits 0', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'backstop-serve-')), 'data');
    const server = await start(dataDir, NO_DEMO);
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/api/ready`)).status).toBe(200);
    const body = JSON.stringify({
      programme: 'etown-2023-small-micro',
      enterprise: { registeredInZone: true, size: 'small', sciTech: false, industry: 'software', qualifications: [] },
      loan: { kind: 'credit', principal: '8000000', disbursedOn: '2024-03-01', filedOn: '2024-03-05', mode: 'direct' },
      default: { outstandingPrincipal: '5000000', classifiedOn: '2025-01-10' },
    });
    // A slow client: the headers and half the body now, the rest after the SIGTERM.
    const socket = connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (d) => (answer += d));
    const ended = once(socket, 'end');
    socket.write(
      `POST /api/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: slow-1\r\n\r\n${body.slice(0, 40)}`,
    );
    // Another request answered after those bytes were sent: the server has read the slow one's headers.
    await new Promise((r) => setTimeout(r, 300));
    expect((await fetch(`${base}/api/health`, { headers: { connection: 'close' } })).status).toBe(200);

    server.child.kill('SIGTERM');
    // It stops listening: a new connection is refused (within 60 s on a loaded machine) …
    let refused = false;
    for (let i = 0; i < 600 && !refused; i++) {
      refused = await new Promise<boolean>((ok) => {
        const probe = connect(server.port, '127.0.0.1');
        probe.on('connect', () => {
          probe.destroy();
          ok(false);
        });
        probe.on('error', () => ok(true));
      });
      if (!refused) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused, server.output()).toBe(true);
    // … and has not exited: the request in flight is answered once its body arrives.
    expect(server.child.exitCode).toBeNull();
    socket.write(body.slice(40));
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/x-request-id: slow-1/i);
    expect(answer).toMatch(/"eligible"/);
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
