/**
 * The database connection killed under the app (a PostgreSQL restart, a failover, an operator's
 * pg_terminate_backend): the next request's session or token lookup is retried (at most twice) on a new
 * connection and answers as usual, not 500; a database that cannot be reached answers 503 with
 * Retry-After, as problem details. PostgreSQL only (npm run test:pg): PGlite has no connections.
 */
import postgres from 'postgres';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database';
import { onPostgres } from '../../src/adapters/db/testing';
import { RETRY_AFTER_S } from '../../src/adapters/http/app';
import { createServices } from '../../src/adapters/http/services';
import { ok, send, startTestApp, TEST_PASSWORD_PARAMS, type Client } from './harness';

describe.runIf(onPostgres)('a lost database connection (PostgreSQL only; npm run test:pg)', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let manager: Client;
  let admin: postgres.Sql;
  let token = '';

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.signIn('manager', 'manager');
    token = (
      (await ok(await send(manager, 'POST', '/api/auth/tokens', { name: 'core banking' }), 201)) as {
        token: string;
      }
    ).token;
    admin = postgres(t.database.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  /**
   * Kills every connection the app holds to its database, as an operator or a failover would, and
   * gives the backends a second to exit while the app's event loop is held (a synchronous wait), so
   * the app has not yet seen its connections close when the next request comes: that request's
   * first statement goes to a dead connection, as when a connection has just been killed.
   */
  const killAppConnections = async () => {
    const killed = await admin`
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`;
    expect(killed.length).toBeGreaterThan(0);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  };

  it('a session lookup on a connection just killed is retried and answers 200, request after request', async () => {
    for (let round = 0; round < 5; round++) {
      // Several connections open in the pool, then all killed between two requests.
      await Promise.all(Array.from({ length: 8 }, () => manager('/api/auth/me')));
      await killAppConnections();
      const res = await manager('/api/auth/me');
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toMatchObject({ user: { username: 'manager' } });
    }
  });

  it('an API token lookup too', async () => {
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 8 }, () => manager('/api/auth/me')));
      await killAppConnections();
      const res = await t.app.request('/api/auth/me', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, await res.clone().text()).toBe(200);
    }
  });

  it('a database that cannot be reached answers 503 with Retry-After, not 500', async () => {
    // A second app process on the same database, whose connections are then gone for good.
    const lost = await openDatabase({ url: t.database.url! });
    const other = await createServices({
      database: lost,
      logger: pino({ level: 'silent' }),
      passwordParams: TEST_PASSWORD_PARAMS,
    });
    await lost.close();
    for (const res of [
      await other.app.request('/api/auth/me', { headers: { authorization: `Bearer ${token}` } }),
      await other.app.request('/api/filings', { headers: { authorization: `Bearer ${token}` } }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe(String(RETRY_AFTER_S));
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({
        status: 503,
        detail: 'The database could not be reached; try again shortly.',
        detailZh: '暂时无法连接数据库，请稍后再试。',
        errors: [{ field: '(database)', code: 'database.unavailable' }],
      });
    }
  });

  it('a write on a node that refuses writes (a standby after a failover: 25006) answers 503, and its key runs when sent again', async () => {
    const db = new URL(t.database.url!).pathname.slice(1);
    const enterprise = {
      creditCode: '91110000600037341L',
      name: '只读期间登记的企业',
      size: 'small',
      industry: 'software',
      sciTech: true,
      registeredInZone: true,
    };
    const headers = { 'Idempotency-Key': 'read-only-key-1' };
    await admin.unsafe(`alter database "${db}" set default_transaction_read_only = on`);
    try {
      await killAppConnections();
      const refused = await send(manager, 'POST', '/api/enterprises', enterprise, headers);
      expect(refused.status, await refused.clone().text()).toBe(503);
      expect(refused.headers.get('retry-after')).toBe(String(RETRY_AFTER_S));
      expect(await refused.json()).toMatchObject({ errors: [{ code: 'database.unavailable' }] });
    } finally {
      await admin.unsafe(`alter database "${db}" set default_transaction_read_only = off`);
    }
    await killAppConnections();
    const again = await send(manager, 'POST', '/api/enterprises', enterprise, headers);
    expect(again.status, await again.clone().text()).toBe(201);
    const replayed = await send(manager, 'POST', '/api/enterprises', enterprise, headers);
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  });
});
