/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Webhooks for bank systems, end to end: two banks register endpoints on a real HTTP receiver
 * (node:http on 127.0.0.1, allowed by BACKSTOP_WEBHOOKS_ALLOW_LOCAL=1) that checks every signature
 * the way docs/API.md tells a bank to, and fails on purpose; filings and claims change through the
 * API; the dispatcher runs on a test clock moved past the retry schedule. A bank gets its own events
 * only, and cannot see or replay another's endpoints or deliveries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchWebhooks, queueEvents } from '../../src/modules/webhooks/webhooks.dispatcher';
import { createWebhooksRepository } from '../../src/modules/webhooks/webhooks.repository';
import { creditCode } from '../operations/fixture';
import { ok, send, signInCast, startTestApp, type Client } from './harness';

// ---- the receiver: a bank's system, verifying as docs/API.md says ---------------------------------

/** docs/API.md's verification, as a bank would write it: t within 5 minutes, a v1 equal in constant time. */
function verify(header: string | undefined, rawBody: string, secret: string, nowS: number): boolean {
  if (!header) return false;
  const fields = header.split(',').map((kv) => kv.split('='));
  const t = Number(fields.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return fields.some(
    ([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '') && timingSafeEqual(Buffer.from(v!, 'hex'), expected),
  );
}

interface Received {
  path: string;
  eventId: string;
  signature: string | undefined;
  body: string;
  event: any;
  answered: number;
  /** The receiver's clock (the test's) when it arrived. */
  atS: number;
}
const received: Received[] = [];
/** Per path: how many requests of each event id fail with a 500 before one is answered 200. */
const failFirst: Record<string, number> = { '/a': 2, '/b': 0, '/fail': Infinity };
let server: Server;
let base: string;

function startReceiver(): Promise<void> {
  const seen = new Map<string, number>();
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const path = req.url!;
      const eventId = String(req.headers['backstop-event-id']);
      const n = (seen.get(`${path} ${eventId}`) ?? 0) + 1;
      seen.set(`${path} ${eventId}`, n);
      const answered = n <= (failFirst[path] ?? 0) ? 500 : 200;
      received.push({
        path,
        eventId,
        signature: req.headers['backstop-signature'] as string | undefined,
        body,
        event: JSON.parse(body),
        answered,
        atS: nowS(),
      });
      res.writeHead(answered).end(answered === 200 ? 'ok' : 'not today');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}

// ---- the world -------------------------------------------------------------------------------------

const TODAY = '2025-09-03';
/** The dispatcher's clock: starts at the real time and only moves on (a replay is due at the real time, not after it). */
let clock = new Date();
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
const nowS = () => Math.floor(clock.getTime() / 1000);
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, manager2: Client, auditor: Client, bankA: Client, bankB: Client, guarantor: Client;
const dispatch = () => dispatchWebhooks({ db: t.database.db, now: () => clock, allowLocal: true, timeoutMs: 5_000 });

beforeAll(async () => {
  await startReceiver();
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const before = process.env.BACKSTOP_WEBHOOKS_ALLOW_LOCAL;
  process.env.BACKSTOP_WEBHOOKS_ALLOW_LOCAL = '1';
  try {
    t = await startTestApp({ today: () => TODAY });
  } finally {
    if (before === undefined) delete process.env.BACKSTOP_WEBHOOKS_ALLOW_LOCAL;
    else process.env.BACKSTOP_WEBHOOKS_ALLOW_LOCAL = before;
  }
  ({ manager, manager2, auditor, bankA, bankB, guarantor } = await signInCast(t));
  await ok(
    await send(manager, 'POST', '/api/funds', {
      id: 'etown',
      name: '亦庄风险补偿资金',
      programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
      liabilityMultiple: '10',
      capital: '3000000.00',
      on: '2024-01-02',
    }),
    201,
  );
  for (const bank of ['bank-a', 'bank-b'])
    for (const programmeId of ['etown-2023-small-micro', 'etown-2025-sci-tech'])
      await ok(
        await send(manager, 'POST', '/api/agreements', {
          fundId: 'etown',
          programmeId,
          institutionId: bank,
          signedOn: '2024-01-01',
        }),
        201,
      );
  for (const n of [1, 2, 3, 4, 5, 6])
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
  // Whatever the setting up wrote to the audit log is before any endpoint: nothing is sent for it.
  expect((await dispatch()).queued).toBe(0);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const filing = (bankRef: string, n: number) => ({
  bankRef,
  creditCode: creditCode(n),
  loan: { kind: 'credit', principal: '800000.00', disbursedOn: '2025-09-01', mode: 'direct' },
});

let a1: { id: string; secret: string };
let aFail: { id: string; secret: string };
let b1: { id: string; secret: string; bankId?: string };
let loanA: string;
let loanB: string;
const secretOf = (path: string) => (path === '/a' ? a1.secret : path === '/b' ? b1.secret : aFail.secret);

describe('registering endpoints', () => {
  it('refuses what is not a public https:// URL (SSRF), naming url with a code; writes nothing', async () => {
    for (const url of [
      'http://api.bank.example/hooks', // not https
      'https://10.0.0.5/hooks',
      'https://192.168.1.20/hooks',
      'https://169.254.169.254/latest/meta-data', // cloud metadata
      'https://[fd00::1]/hooks',
      'https://[::ffff:a00:5]/hooks', // 10.0.0.5, IPv4-mapped
      'https://user:pw@api.bank.example/hooks',
      'https://intranet/hooks',
    ]) {
      const res = await send(bankA, 'POST', '/api/webhooks', { url, events: ['*'] });
      const body = await ok(res, 400);
      expect(body.errors, url).toEqual([expect.objectContaining({ field: 'url', code: 'webhook.url_not_allowed' })]);
    }
    const bad = await ok(await send(bankA, 'POST', '/api/webhooks', { url: 'not a url', events: ['nonsense'] }), 400);
    expect(bad.errors.map((e: any) => e.field)).toEqual(['events[0]']);
    expect((await ok(await send(bankA, 'GET', '/api/webhooks'))).items).toEqual([]);
  });

  it('a bank registers for itself, a manager for any bank; the secret is shown once', async () => {
    const a = await ok(
      await send(bankA, 'POST', '/api/webhooks', {
        url: `${base}/a`,
        events: ['filing.*', 'claim.*'],
        description: '核心系统',
      }),
      201,
    );
    expect(a).toMatchObject({
      bankId: 'bank-a',
      active: true,
      events: ['filing.*', 'claim.*'],
      createdBy: 'bank-a-officer',
    });
    expect(a.secret).toMatch(/^whsec_/);
    a1 = a;
    aFail = await ok(
      await send(bankA, 'POST', '/api/webhooks', { url: `${base}/fail`, events: ['filing.create'] }),
      201,
    );
    // A bank cannot register for another; a manager must name the bank.
    const other = await ok(
      await send(bankA, 'POST', '/api/webhooks', { bankId: 'bank-b', url: `${base}/b`, events: ['*'] }),
      400,
    );
    expect(other.errors[0].field).toBe('bankId');
    expect(
      (await ok(await send(manager, 'POST', '/api/webhooks', { url: `${base}/b`, events: ['*'] }), 400)).errors[0]
        .field,
    ).toBe('bankId');
    b1 = await ok(
      await send(manager, 'POST', '/api/webhooks', { bankId: 'bank-b', url: `${base}/b`, events: ['*'] }),
      201,
    );
    expect(b1.bankId).toBe('bank-b');

    const listed = await ok(await send(bankA, 'GET', '/api/webhooks'));
    expect(listed.items.map((e: any) => e.id).sort()).toEqual([a1.id, aFail.id].sort());
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    expect(JSON.stringify(await ok(await send(bankA, 'GET', `/api/webhooks/${a1.id}`)))).not.toContain('whsec_');
    expect((await ok(await send(auditor, 'GET', '/api/webhooks'))).items).toHaveLength(3);
    expect((await send(guarantor, 'GET', '/api/webhooks')).status).toBe(403);
    expect((await send(auditor, 'POST', '/api/webhooks', { url: `${base}/b`, events: ['*'] })).status).toBe(403);
  });
});

describe('deliveries', () => {
  it('sends each bank its own events, signed; retries with backoff until the receiver answers', async () => {
    loanA = (await ok(await send(bankA, 'POST', '/api/filings', filing('A-1', 1)), 201)).id;
    loanB = (await ok(await send(bankB, 'POST', '/api/filings', filing('B-1', 2)), 201)).id;
    await ok(await send(bankA, 'POST', `/api/filings/${loanA}/repayments`, { amount: '1000.00', on: TODAY }));
    await ok(
      await send(bankA, 'POST', `/api/filings/${loanA}/classification`, { classification: 'doubtful', on: TODAY }),
    );
    const claim = (await ok(await send(bankA, 'POST', '/api/claims', { filingId: loanA }), 201)).id;
    await ok(await send(manager, 'POST', `/api/claims/${claim}/prepare`));
    await ok(await send(manager2, 'POST', `/api/claims/${claim}/approve`));

    const first = await dispatch();
    // bank-a: 6 events to /a (filing.create, repayment, classification, claim.submit, prepare, approve) and
    // its filing.create to /fail; bank-b: its filing.create to /b.
    expect(first).toMatchObject({ queued: 8, attempted: 8, delivered: 1, retrying: 7, failed: 0 });
    const toA = received.filter((r) => r.path === '/a');
    expect(toA.map((r) => r.event.type).sort()).toEqual([
      'claim.approve',
      'claim.prepare',
      'claim.submit',
      'filing.classification',
      'filing.create',
      'filing.repayment',
    ]);
    expect(received.filter((r) => r.path === '/b').map((r) => [r.event.type, r.event.entity.id])).toEqual([
      ['filing.create', loanB],
    ]);
    // The event: { id, type, createdAt, entity, data: the after-view }, its id in a header too.
    const approve = toA.find((r) => r.event.type === 'claim.approve')!;
    expect(approve.event).toMatchObject({
      id: approve.eventId,
      entity: { kind: 'claim', id: claim },
      data: { id: claim, state: 'approved', bankId: 'bank-a', filingId: loanA },
    });
    expect(approve.event.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(new Date(approve.event.createdAt).toISOString()).toBe(approve.event.createdAt);
    expect(toA.find((r) => r.event.type === 'filing.repayment')!.event.data).toMatchObject({
      id: loanA,
      bankId: 'bank-a',
    });

    // No later than 1 minute: not yet due. At 1 minute: the second attempt (fails), 5 minutes on: the third (answered).
    advance(59_000);
    expect((await dispatch()).attempted).toBe(0);
    advance(1_000);
    expect(await dispatch()).toMatchObject({ attempted: 7, delivered: 0, retrying: 7 });
    advance(5 * 60_000);
    expect(await dispatch()).toMatchObject({ attempted: 7, delivered: 6, retrying: 1 });
    for (const type of toA.map((r) => r.event.type))
      expect(
        received.filter((r) => r.path === '/a' && r.event.type === type).map((r) => r.answered),
        type,
      ).toEqual([500, 500, 200]);

    const log = await ok(await send(bankA, 'GET', `/api/webhooks/${a1.id}/deliveries`));
    expect(log.items).toHaveLength(6);
    for (const d of log.items)
      expect(d).toMatchObject({
        status: 'delivered',
        attempts: 3,
        lastResponseStatus: 200,
        nextAttemptAt: null,
        lastError: null,
      });
  });

  it('every request carries a valid signature; a tampered body, another secret or an old timestamp fails', () => {
    expect(received.length).toBeGreaterThan(10);
    for (const r of received) expect(verify(r.signature, r.body, secretOf(r.path), r.atS), r.body).toBe(true);
    const r = received.find((x) => x.path === '/a')!;
    expect(verify(r.signature, r.body, a1.secret, r.atS)).toBe(true);
    expect(verify(r.signature, r.body.replace('"bank-a"', '"bank-b"'), a1.secret, r.atS)).toBe(false);
    expect(verify(r.signature, `${r.body} `, a1.secret, r.atS)).toBe(false);
    expect(verify(r.signature, r.body, b1.secret, r.atS)).toBe(false);
    expect(verify(r.signature, r.body, a1.secret, r.atS + 301)).toBe(false);
  });

  it('a delivery the receiver always refuses ends failed after the schedule; a replay sends it again', async () => {
    let d = (await ok(await send(bankA, 'GET', `/api/webhooks/${aFail.id}/deliveries`))).items[0];
    expect(d).toMatchObject({ status: 'pending', attempts: 3, lastResponseStatus: 500, eventType: 'filing.create' });
    expect(d.nextAttemptAt).toBe(new Date(clock.getTime() + 30 * 60_000).toISOString());
    // A replay of a pending delivery is refused: it is on its way.
    const pending = await ok(await send(bankA, 'POST', `/api/webhooks/deliveries/${d.id}/replay`), 409);
    expect(pending.errors[0].code).toBe('webhook.delivery_pending');
    for (const wait of [30 * 60_000, 2 * 3_600_000, 6 * 3_600_000]) {
      advance(wait);
      expect((await dispatch()).attempted).toBe(1);
    }
    d = (await ok(await send(bankA, 'GET', `/api/webhooks/${aFail.id}/deliveries?status=failed`))).items[0];
    expect(d).toMatchObject({ status: 'failed', attempts: 6, lastResponseStatus: 500, nextAttemptAt: null });
    expect(d.lastError).toBe('answered 500');
    advance(24 * 3_600_000);
    expect((await dispatch()).attempted).toBe(0);
    expect(received.filter((r) => r.path === '/fail')).toHaveLength(6);

    failFirst['/fail'] = 0;
    const replayed = await ok(await send(bankA, 'POST', `/api/webhooks/deliveries/${d.id}/replay`));
    expect(replayed).toMatchObject({ status: 'pending', attempts: 0, replays: 1 });
    expect(await dispatch()).toMatchObject({ attempted: 1, delivered: 1 });
    const sent = received.filter((r) => r.path === '/fail');
    expect(sent).toHaveLength(7);
    expect(sent[6]!.body).toBe(sent[0]!.body);
    expect(verify(sent[6]!.signature, sent[6]!.body, aFail.secret, nowS())).toBe(true);
    expect((await ok(await send(bankA, 'GET', `/api/webhooks/${aFail.id}/deliveries`))).items[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      replays: 1,
    });
  });

  it('another bank cannot list, read, change, delete or replay a bank’s endpoints and deliveries (404)', async () => {
    const delivery = (await ok(await send(bankA, 'GET', `/api/webhooks/${a1.id}/deliveries`))).items[0].id;
    expect((await ok(await send(bankB, 'GET', '/api/webhooks'))).items.map((e: any) => e.id)).toEqual([b1.id]);
    for (const [method, path, body] of [
      ['GET', `/api/webhooks/${a1.id}`],
      ['GET', `/api/webhooks/${a1.id}/deliveries`],
      ['PATCH', `/api/webhooks/${a1.id}`, { active: false }],
      ['POST', `/api/webhooks/${a1.id}/rotate-secret`],
      ['DELETE', `/api/webhooks/${a1.id}`],
      ['POST', `/api/webhooks/deliveries/${delivery}/replay`],
    ] as const)
      expect((await send(bankB, method, path, body)).status, `${method} ${path}`).toBe(404);
    // Staff see it; the manager may replay it.
    await ok(await send(auditor, 'GET', `/api/webhooks/${a1.id}/deliveries`));
    expect((await send(auditor, 'POST', `/api/webhooks/deliveries/${delivery}/replay`)).status).toBe(403);
    await ok(await send(manager, 'POST', `/api/webhooks/deliveries/${delivery}/replay`));
    expect(await dispatch()).toMatchObject({ attempted: 1, delivered: 1 });
  });

  it('two dispatchers at once send each delivery once', async () => {
    const before = received.length;
    loanA = (await ok(await send(bankA, 'POST', '/api/filings', filing('A-2', 3)), 201)).id;
    await ok(await send(bankB, 'POST', '/api/filings', filing('B-2', 4)), 201);
    const [x, y] = await Promise.all([dispatch(), dispatch()]);
    expect(x.queued + y.queued).toBe(3); // A-2 to /a and /fail, B-2 to /b
    const sent = received.slice(before);
    expect(sent.map((r) => r.path).sort()).toEqual(['/a', '/b', '/fail']);
    advance(60_000);
    expect((await dispatch()).attempted).toBe(1); // /a fails the first two of every event
    advance(5 * 60_000);
    expect(await dispatch()).toMatchObject({ attempted: 1, delivered: 1 });
  });

  it('a rotated secret signs at once; an inactive endpoint gets nothing; a deleted one keeps its log', async () => {
    const rotated = await ok(await send(bankA, 'POST', `/api/webhooks/${a1.id}/rotate-secret`));
    expect(rotated.secret).not.toBe(a1.secret);
    expect(rotated.secretRotatedAt).not.toBeNull();
    const old = a1.secret;
    a1 = { id: a1.id, secret: rotated.secret };
    failFirst['/a'] = 0;
    await ok(await send(bankA, 'POST', `/api/filings/${loanA}/repayments`, { amount: '1000.00', on: TODAY }));
    const before = received.length;
    expect(await dispatch()).toMatchObject({ queued: 1, delivered: 1 });
    const r = received[before]!;
    expect(verify(r.signature, r.body, rotated.secret, nowS())).toBe(true);
    expect(verify(r.signature, r.body, old, nowS())).toBe(false);

    // Inactive: nothing queued for what happens meanwhile; active again: sent from then on.
    expect((await ok(await send(bankA, 'PATCH', `/api/webhooks/${a1.id}`, { active: false }))).active).toBe(false);
    await ok(await send(bankA, 'POST', `/api/filings/${loanA}/repayments`, { amount: '1000.00', on: TODAY }));
    expect((await dispatch()).queued).toBe(0);
    const patched = await ok(
      await send(bankA, 'PATCH', `/api/webhooks/${a1.id}`, { active: true, events: ['claim.*'] }),
    );
    expect(patched).toMatchObject({ active: true, events: ['claim.*'] });
    await ok(await send(bankA, 'POST', `/api/filings/${loanA}/repayments`, { amount: '1000.00', on: TODAY }));
    expect((await dispatch()).queued).toBe(0); // a repayment is no claim.* event
    expect((await send(bankA, 'PATCH', `/api/webhooks/${a1.id}`, {})).status).toBe(400);
    expect(
      (await ok(await send(bankA, 'PATCH', `/api/webhooks/${a1.id}`, { url: 'https://10.1.2.3/x' }), 400)).errors[0],
    ).toMatchObject({
      field: 'url',
      code: 'webhook.url_not_allowed',
    });

    const deleted = await ok(await send(bankA, 'DELETE', `/api/webhooks/${aFail.id}`));
    expect(deleted.deletedAt).not.toBeNull();
    expect((await ok(await send(bankA, 'DELETE', `/api/webhooks/${aFail.id}`))).deletedAt).toBe(deleted.deletedAt);
    expect((await ok(await send(bankA, 'GET', '/api/webhooks'))).items.map((e: any) => e.id)).toEqual([a1.id]);
    await ok(await send(bankA, 'POST', '/api/filings', filing('A-3', 5)), 201);
    expect((await dispatch()).queued).toBe(0);
    const kept = (await ok(await send(bankA, 'GET', `/api/webhooks/${aFail.id}/deliveries`))).items;
    expect(kept.length).toBeGreaterThan(0);
    const replay = await ok(await send(bankA, 'POST', `/api/webhooks/deliveries/${kept[0].id}/replay`), 409);
    expect(replay.errors[0].code).toBe('webhook.endpoint_deleted');
  });

  it('the audit log records the endpoints’ changes, never a secret', async () => {
    const audit = await ok(await send(auditor, 'GET', '/api/audit?entityKind=webhook&limit=50'));
    const actions = audit.items.map((e: any) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['webhook.create', 'webhook.update', 'webhook.rotate-secret', 'webhook.delete']),
    );
    expect(JSON.stringify(audit)).not.toContain('whsec_');
  });

  it('a recovery with costs and a progress report reach the bank as recovery.report and recovery.progress; the other bank gets neither', async () => {
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
    const loan = (await ok(await send(bankB, 'POST', '/api/filings', filing('B-4', 7)), 201)).id;
    await ok(
      await send(bankB, 'POST', `/api/filings/${loan}/classification`, { classification: 'doubtful', on: TODAY }),
    );
    const claim = (await ok(await send(bankB, 'POST', '/api/claims', { filingId: loan }), 201)).id;
    await ok(await send(manager, 'POST', `/api/claims/${claim}/prepare`));
    await ok(await send(manager2, 'POST', `/api/claims/${claim}/approve`));
    expect((await ok(await send(manager, 'POST', `/api/claims/${claim}/pay`))).state).toBe('paid');
    const recovery = await ok(
      await send(bankB, 'POST', `/api/claims/${claim}/recoveries`, {
        amount: '100000.00',
        costs: '5000.00',
        on: TODAY,
      }),
      201,
    );
    await ok(
      await send(bankB, 'POST', `/api/claims/${claim}/recovery-progress`, {
        stage: 'enforcement',
        on: TODAY,
        note: '申请强制执行',
      }),
      201,
    );
    const before = received.length;
    await dispatch();
    // the order of deliveries to one endpoint is not promised: sorted by type
    const got = received
      .slice(before)
      .filter((r) => r.event.type.startsWith('recovery.'))
      .sort((a, b) => (a.event.type < b.event.type ? 1 : -1));
    expect(got.map((r) => [r.path, r.event.type, r.event.entity])).toEqual([
      ['/b', 'recovery.report', { kind: 'recovery', id: recovery.id }],
      ['/b', 'recovery.progress', { kind: 'claim', id: claim }],
    ]);
    expect(got[0]!.event.data).toMatchObject({ claimId: claim, recovered: '100000.00', costs: '5000.00' });
    expect(got[1]!.event.data).toMatchObject({ claimId: claim, stage: 'enforcement', note: '申请强制执行' });
    // bank-a's endpoints never see bank-b's recoveries.
    expect(received.some((r) => r.path !== '/b' && r.event.type.startsWith('recovery.'))).toBe(false);
  });

  it('a delivery held by a process that died is sent once its lease has run out', async () => {
    await ok(await send(bankB, 'POST', '/api/filings', filing('B-3', 6)), 201);
    expect(await queueEvents({ db: t.database.db, now: () => clock })).toBe(1);
    // Another process takes it up for its attempt and dies before sending.
    const taken = await createWebhooksRepository({ db: t.database.db }).takeDue({
      now: clock,
      leaseUntil: new Date(clock.getTime() + 70_000),
      token: 'a process that died',
      limit: 10,
    });
    expect(taken.map((d) => d.eventId)).toHaveLength(1);
    const before = received.length;
    expect((await dispatch()).attempted).toBe(0);
    advance(70_000);
    expect(await dispatch()).toMatchObject({ attempted: 1, delivered: 1 });
    expect(received.slice(before).map((r) => [r.path, r.eventId])).toEqual([['/b', taken[0]!.eventId]]);
  });
});
