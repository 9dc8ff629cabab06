/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The one idempotency mechanism (src/modules/shared/idempotency.ts) through the app: a POST sent
 * again with its Idempotency-Key answers the first answer (status, body, `Idempotent-Replayed:
 * true`), a 4xx included; another body under the key is 422 `idempotency.key_reused`; a bad key is
 * 400; keys are a user's own. The middleware alone on a small app: 409 `idempotency.in_flight`
 * while the first runs, `idempotency.outcome_unknown` after a 5xx or a reservation never answered,
 * the 30-day purge. On PostgreSQL (npm run test:pg): 20 identical requests at once do the work once.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../src/adapters/db/testing';
import type { Actor } from '../../src/modules/auth/access';
import type { AppEnv } from '../../src/modules/shared/http-env';
import {
  IN_FLIGHT_MS,
  KEEP_DAYS,
  idempotency,
  purgeIdempotencyKeys,
  requestHashOf,
} from '../../src/modules/shared/idempotency';
import { Problem } from '../../src/modules/shared/problem';
import { IdempotencyTakenOver, markingWrites, runInScopes } from '../../src/modules/shared/idempotency.scope';
import { idempotencyKeys } from '../../src/modules/shared/idempotency.table';
import { sql } from 'drizzle-orm';
import { reportRepayments } from '../../src/modules/servicing/servicing.usecases';
import { creditCode } from '../operations/fixture';
import { ok, send, signInCast, startTestApp, type Client } from './harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, bankA: Client, bankA2: Client, bankB: Client;

const filing = (bankRef: string, principal = '100000.00', n = 1) => ({
  bankRef,
  creditCode: creditCode(n),
  loan: { kind: 'credit', principal, disbursedOn: '2025-09-01', mode: 'direct' },
});
const key = (k: string) => ({ 'Idempotency-Key': k });
const count = async (q: string) => {
  const r = (await t.database.db.execute(q as never)) as unknown as { rows?: { n: number }[] } & { n: number }[];
  return Number((r.rows ?? r)[0]!.n);
};

beforeAll(async () => {
  t = await startTestApp({ today: () => '2025-09-03' });
  ({ manager, bankA, bankB } = await signInCast(t));
  bankA2 = await t.signIn('bank-a-officer-2', 'bank', { bankId: 'bank-a' });
  for (const n of [1, 2]) {
    await ok(
      await send(manager, 'POST', '/api/enterprises', {
        creditCode: creditCode(n),
        name: `企业${n}`,
        size: 'small',
        industry: 'software',
        sciTech: true,
        registeredInZone: true,
      }),
      201,
    );
  }
  await ok(
    await send(manager, 'POST', '/api/funds', {
      id: 'etown',
      name: '亦庄风险补偿资金',
      programmes: ['etown-2025-sci-tech'],
      liabilityMultiple: '10',
      capital: '100000000.00',
      on: '2024-01-02',
    }),
    201,
  );
  for (const bank of ['bank-a', 'bank-b'])
    await ok(
      await send(manager, 'POST', '/api/agreements', {
        fundId: 'etown',
        programmeId: 'etown-2025-sci-tech',
        institutionId: bank,
        signedOn: '2024-01-01',
      }),
      201,
    );
}, 120_000);
afterAll(async () => t?.close());

describe('Idempotency-Key through the app', () => {
  it('a copy answers the first status and body with Idempotent-Replayed: true, and files once', async () => {
    const first = await send(bankA, 'POST', '/api/filings', filing('K-1'), key('file-K-1-0001'));
    const firstBody = await first.text();
    expect(first.status, firstBody).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await send(bankA, 'POST', '/api/filings', filing('K-1'), key('file-K-1-0001'));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/json/);
    expect(await again.text()).toBe(firstBody);
    // the same body written in another key order is the same request
    const reordered = JSON.stringify({ loan: filing('K-1').loan, creditCode: creditCode(1), bankRef: 'K-1' });
    const third = await send(bankA, 'POST', '/api/filings', reordered, key('file-K-1-0001'));
    expect(third.status).toBe(201);
    expect(await third.text()).toBe(firstBody);
    expect(await count(`select count(*)::int as n from filings where bank_ref = 'K-1'`)).toBe(1);
  });

  it('the same key with another body is 422 idempotency.key_reused on Idempotency-Key, and nothing is done', async () => {
    const res = await send(bankA, 'POST', '/api/filings', filing('K-2'), key('file-K-1-0001'));
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).errors).toEqual([
      expect.objectContaining({ field: 'Idempotency-Key', code: 'idempotency.key_reused' }),
    ]);
    expect(await count(`select count(*)::int as n from filings where bank_ref = 'K-2'`)).toBe(0);
  });

  it('a bad key is 400 naming Idempotency-Key, whatever the route', async () => {
    for (const bad of ['short', 'x'.repeat(201), 'has a space', 'a\ttab-inside']) {
      for (const [path, body] of [
        ['/api/filings', filing('K-BAD')],
        ['/api/funds/etown/top-ups', { amount: '1.00', on: '2025-09-01' }],
      ] as const) {
        const res = await bankA(path, { method: 'POST', body, headers: { 'idempotency-key': bad } });
        expect(res.status).toBe(400);
        expect(((await res.json()) as any).errors[0].field).toBe('Idempotency-Key');
      }
    }
    expect((await send(bankA, 'POST', '/api/filings', filing('K-BAD'), key('x'.repeat(200)))).status).toBe(201);
  });

  it('keys are a user’s own: another user’s same key is a request of its own, never the first user’s answer', async () => {
    const mine = await ok(await send(bankA, 'POST', '/api/filings', filing('K-3'), key('shared-key-0001')), 201);
    // another officer of the same bank, same key, another loan: filed
    const theirs = await ok(await send(bankA2, 'POST', '/api/filings', filing('K-4'), key('shared-key-0001')), 201);
    expect(theirs.id).not.toBe(mine.id);
    // another bank, same key and body: its own request (its own filing)
    const other = await send(bankB, 'POST', '/api/filings', filing('K-3'), key('shared-key-0001'));
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(((await ok(other, 201)) as any).bankId).toBe('bank-b');
    // the same user and key on another path is another key
    expect(
      (
        await send(
          bankA,
          'POST',
          `/api/filings/${mine.id}/repayments`,
          { amount: '1.00', on: '2025-09-03' },
          key('shared-key-0001'),
        )
      ).status,
    ).toBe(200);
  });

  it('requests that arrive together (reserved in one insert, answered in one update) each keep their own key and answer', async () => {
    const asks = [
      ...Array.from({ length: 8 }, (_, i) => [bankA, `TOG-A-${i}`, `together-a-${i}`] as const),
      ...Array.from({ length: 4 }, (_, i) => [bankB, `TOG-B-${i}`, `together-b-${i}`] as const),
      // the same key string of another user: a request of its own
      [bankA2, 'TOG-A2-0', 'together-a-0'] as const,
    ];
    const first = await Promise.all(
      asks.map(([who, ref, k]) => send(who, 'POST', '/api/filings', filing(ref), key(k))),
    );
    const bodies = await Promise.all(first.map(async (r) => ({ status: r.status, body: (await r.json()) as any })));
    expect(bodies.map((b) => b.status)).toEqual(asks.map(() => 201));
    expect(bodies.map((b) => b.body.bankRef)).toEqual(asks.map(([, ref]) => ref));
    // Sent again: each key answers its own filing, replayed.
    const again = await Promise.all(
      asks.map(([who, ref, k]) => send(who, 'POST', '/api/filings', filing(ref), key(k))),
    );
    for (const [i, r] of again.entries()) {
      expect(r.headers.get('idempotent-replayed')).toBe('true');
      expect(((await ok(r, 201)) as any).id).toBe(bodies[i]!.body.id);
    }
    expect(await count(`select count(*)::int as n from filings where bank_ref like 'TOG-%'`)).toBe(asks.length);
  });

  it('a 4xx is the answer: replayed as it was, even after what made it fail has changed', async () => {
    const body = filing('K-5', '100000.00', 7); // enterprise 7 is not registered
    const first = await send(bankA, 'POST', '/api/filings', body, key('file-K-5-0001'));
    const firstText = await first.text();
    expect(first.status).toBe(400);
    await ok(
      await send(manager, 'POST', '/api/enterprises', {
        creditCode: creditCode(7),
        name: '企业7',
        size: 'small',
        industry: 'software',
        sciTech: true,
        registeredInZone: true,
      }),
      201,
    );
    const again = await send(bankA, 'POST', '/api/filings', body, key('file-K-5-0001'));
    expect(again.status).toBe(400);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await again.text()).toBe(firstText);
    // a new key is a new request
    expect((await send(bankA, 'POST', '/api/filings', body, key('file-K-5-0002'))).status).toBe(201);
  });

  it('a top-up sent again tops up once; its body says replayed', async () => {
    const topUp = { amount: '3.00', on: '2025-09-02', note: 'idem' };
    const first = await ok(await send(manager, 'POST', '/api/funds/etown/top-ups', topUp, key('top-up-idem-1')), 201);
    expect(first.replayed).toBe(false);
    const again = await ok(await send(manager, 'POST', '/api/funds/etown/top-ups', topUp, key('top-up-idem-1')), 201);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await count(`select count(*)::int as n from fund_top_ups where note = 'idem'`)).toBe(1);
  });

  it('bulk repayments with a key: at most one chunk of lines (one transaction), refused before anything is done', async () => {
    // Over HTTP the schema's limit (1,000 lines) is the chunk; the rule is the use case's, shown with a chunk of 2.
    const f = await ok(await send(bankA, 'POST', '/api/filings', filing('K-6'), {}), 201);
    const officer = {
      userId: 'u-a',
      username: 'bank-a-officer',
      displayName: 'a',
      role: 'bank',
      bankId: 'bank-a',
    } as Actor;
    const lines = Array.from({ length: 3 }, () => ({ filingId: f.id, amount: 100n, on: '2025-09-03' }));
    const refused = await reportRepayments({
      db: t.database.db,
      actor: officer,
      lines,
      today: '2025-09-03',
      chunk: 2,
      whole: true,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Problem);
    expect((refused as Problem).errors![0]).toMatchObject({
      field: 'items',
      code: 'idempotency.too_many_lines',
      en: 'at most 2 lines with an Idempotency-Key',
    });
    expect((await ok(await send(bankA, 'GET', `/api/filings/${f.id}`))).outstanding).toBe('100000.00');
    const bulk = { items: [{ filingId: f.id, amount: '1.00', on: '2025-09-03' }] };
    const first = await ok(await send(bankA, 'POST', '/api/repayments', bulk, key('bulk-key-00001')));
    expect(await ok(await send(bankA, 'POST', '/api/repayments', bulk, key('bulk-key-00001')))).toEqual(first);
    expect((await ok(await send(bankA, 'GET', `/api/filings/${f.id}`))).outstanding).toBe('99999.00');
  });

  it('sign-in is left alone', async () => {
    const res = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'sign-in-key-1' },
      body: JSON.stringify({ username: 'manager', password: 'wrong password' }),
    });
    expect(res.status).toBe(401);
    expect(await count(`select count(*)::int as n from idempotency_keys where key = 'sign-in-key-1'`)).toBe(0);
  });
});

describe('the middleware alone', () => {
  const actor = { userId: 'u-mini', username: 'mini', displayName: 'mini', role: 'manager', bankId: null } as Actor;
  let clock = new Date('2026-01-01T00:00:00Z');
  let release: () => void = () => {};
  let runs = 0;
  const mini = () => {
    const app = new Hono<AppEnv>();
    app.onError((e, c) =>
      e instanceof Problem ? c.json({ errors: e.errors }, e.status) : c.json({ title: 'Internal error' }, 500),
    );
    app.use('*', async (c, next) => {
      c.set('actor', actor);
      await next();
    });
    app.use('*', idempotency({ db: t.database.db, now: () => clock }));
    app.post('/slow', async (c) => {
      runs++;
      await new Promise<void>((r) => (release = r));
      return c.json({ done: true }, 201);
    });
    app.post('/boom', () => {
      runs++;
      throw new Error('after the commit, perhaps');
    });
    return app;
  };
  const post = async (app: Hono<AppEnv>, path: string, k: string) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': k },
      body: '{}',
    });

  it('409 idempotency.in_flight while the first runs; then the first answer', async () => {
    const app = mini();
    runs = 0;
    const first = post(app, '/slow', 'slow-key-0001');
    await new Promise((r) => setTimeout(r, 50));
    const during = await post(app, '/slow', 'slow-key-0001');
    expect(during.status).toBe(409);
    expect(((await during.json()) as any).errors[0]).toMatchObject({
      field: 'Idempotency-Key',
      code: 'idempotency.in_flight',
    });
    release();
    expect((await first).status).toBe(201);
    const after = await post(app, '/slow', 'slow-key-0001');
    expect(after.status).toBe(201);
    expect(after.headers.get('idempotent-replayed')).toBe('true');
    expect(runs).toBe(1);
  });

  it('a 5xx is not released: 409 idempotency.outcome_unknown, never run again', async () => {
    const app = mini();
    runs = 0;
    expect((await post(app, '/boom', 'boom-key-0001')).status).toBe(500);
    const again = await post(app, '/boom', 'boom-key-0001');
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).errors[0].code).toBe('idempotency.outcome_unknown');
    expect(runs).toBe(1);
  });

  it('a reservation never answered (the process died) is in flight, then of unknown outcome', async () => {
    const app = mini();
    const id = { principal: actor.userId, method: 'POST', path: '/slow', key: 'dead-key-0001' };
    await t.database.db.execute(
      `insert into idempotency_keys (principal, method, path, key, request_hash, created_at)
       values ('${id.principal}', 'POST', '/slow', '${id.key}', '${requestHashOf('{}')}', '${clock.toISOString()}')` as never,
    );
    runs = 0;
    expect(((await (await post(app, '/slow', id.key)).json()) as any).errors[0].code).toBe('idempotency.in_flight');
    clock = new Date(clock.getTime() + IN_FLIGHT_MS + 1);
    expect(((await (await post(app, '/slow', id.key)).json()) as any).errors[0].code).toBe(
      'idempotency.outcome_unknown',
    );
    expect(runs).toBe(0);
  });

  it(`keys older than ${KEEP_DAYS} days are purged`, async () => {
    const app = mini();
    clock = new Date('2025-01-01T00:00:00Z');
    const old = post(app, '/slow', 'old-key-00001');
    await new Promise((r) => setTimeout(r, 20));
    release();
    await old;
    const before = await count(`select count(*)::int as n from idempotency_keys`);
    const purged = await purgeIdempotencyKeys({ db: t.database.db, now: new Date('2025-01-31T00:00:01Z') });
    expect(purged).toBe(1);
    expect(await count(`select count(*)::int as n from idempotency_keys`)).toBe(before - 1);
    expect(await count(`select count(*)::int as n from idempotency_keys where key = 'old-key-00001'`)).toBe(0);
  });
});

describe('a 5xx on the server database (markingWrites: each transaction marks the key)', () => {
  const actor = { userId: 'u-mark', username: 'mark', displayName: 'mark', role: 'manager', bankId: null } as Actor;
  let clock = new Date('2026-02-01T00:00:00Z');
  let fail = true;
  let runs = 0;
  const lost = () => Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
  const app = new Hono<AppEnv>();
  beforeAll(() => {
    const marking = markingWrites(t.database.db);
    app.onError((e, c) =>
      e instanceof Problem ? c.json({ errors: e.errors }, e.status) : c.json({ title: 'Unavailable' }, 503),
    );
    app.use('*', async (c, next) => {
      c.set('actor', actor);
      await next();
    });
    app.use('*', idempotency({ db: marking, now: () => clock }));
    // Fails before any transaction: nothing committed.
    app.post('/before', async (c) => {
      runs++;
      await marking.select().from(idempotencyKeys).limit(1);
      if (fail) throw lost();
      return c.json({ done: true }, 201);
    });
    // A transaction commits, then the connection is lost: the outcome is not the middleware's to guess.
    app.post('/after', async () => {
      runs++;
      await marking.transaction(async (tx) => {
        await tx.select().from(idempotencyKeys).limit(1);
      });
      throw lost();
    });
    // A write outside a transaction cannot be marked.
    app.post('/untracked', async () => {
      runs++;
      await marking.execute(sql`update idempotency_keys set status = status where false`);
      throw lost();
    });
  });
  const post = async (path: string, k: string) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': k },
      body: '{}',
    });
  const codeOf = async (res: Response) => ((await res.json()) as any).errors[0].code;

  it('nothing committed: the key is `failed` and the next copy runs it', async () => {
    runs = 0;
    fail = true;
    expect((await post('/before', 'before-key-01')).status).toBe(503);
    expect(
      await count(`select count(*)::int as n from idempotency_keys where key = 'before-key-01' and state = 'failed'`),
    ).toBe(1);
    fail = false;
    clock = new Date(clock.getTime() + 5000);
    const again = await post('/before', 'before-key-01');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    const third = await post('/before', 'before-key-01');
    expect(third.status).toBe(201);
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(runs).toBe(2);
  });

  it('a transaction committed: 409 idempotency.outcome_unknown, never run again', async () => {
    runs = 0;
    expect((await post('/after', 'after-key-001')).status).toBe(503);
    expect(await count(`select count(*)::int as n from idempotency_commits where key = 'after-key-001'`)).toBe(1);
    expect(
      await count(`select count(*)::int as n from idempotency_keys where key = 'after-key-001' and state = 'unknown'`),
    ).toBe(1);
    const again = await post('/after', 'after-key-001');
    expect(again.status).toBe(409);
    expect(await codeOf(again)).toBe('idempotency.outcome_unknown');
    expect(runs).toBe(1);
  });

  it('a write outside a transaction: 409 idempotency.outcome_unknown', async () => {
    runs = 0;
    expect((await post('/untracked', 'untracked-key')).status).toBe(503);
    expect(await codeOf(await post('/untracked', 'untracked-key'))).toBe('idempotency.outcome_unknown');
    expect(runs).toBe(1);
  });

  it('the transaction of an attempt whose key was taken over does not commit', async () => {
    const id = { principal: actor.userId, method: 'POST', path: '/x', key: 'fence-key-001' };
    await t.database.db.execute(
      sql`insert into idempotency_keys (principal, method, path, key, request_hash, created_at)
          values (${id.principal}, 'POST', '/x', ${id.key}, 'h', ${clock.toISOString()}::timestamptz)`,
    );
    const stale = { ...id, token: new Date(clock.getTime() - 1000), untracked: false, closed: false };
    const tried = await runInScopes([stale], () =>
      markingWrites(t.database.db).transaction(async (tx) => tx.select().from(idempotencyKeys).limit(1)),
    ).catch((e: unknown) => e);
    expect(tried).toBeInstanceOf(IdempotencyTakenOver);
  });
});

describe.runIf(onPostgres)('20 copies at once (PostgreSQL only; npm run test:pg)', () => {
  const atOnce = (n: number, f: () => Response | Promise<Response>) =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const res = await f();
        return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: await res.text() };
      }),
    );
  const sameOrInFlight = (answers: { status: number; body: string }[], status: number) => {
    const done = answers.filter((a) => a.status !== 409);
    expect(done.length).toBeGreaterThanOrEqual(1);
    for (const a of done) expect(a.status).toBe(status);
    expect(new Set(done.map((a) => a.body.replace('"replayed":true', '"replayed":false'))).size).toBe(1);
    for (const a of answers.filter((x) => x.status === 409))
      expect(JSON.parse(a.body).errors[0].code).toBe('idempotency.in_flight');
  };

  it('one filing', async () => {
    const answers = await atOnce(20, () =>
      send(bankA, 'POST', '/api/filings', filing('RACE-1'), key('race-file-0001')),
    );
    sameOrInFlight(answers, 201);
    expect(await count(`select count(*)::int as n from filings where bank_ref = 'RACE-1'`)).toBe(1);
  });

  it('one top-up', async () => {
    const topUp = { amount: '5.00', on: '2025-09-02', note: 'race' };
    const answers = await atOnce(20, () =>
      send(manager, 'POST', '/api/funds/etown/top-ups', topUp, key('race-top-up-1')),
    );
    sameOrInFlight(answers, 201);
    expect(await count(`select count(*)::int as n from fund_top_ups where note = 'race'`)).toBe(1);
  });
});
