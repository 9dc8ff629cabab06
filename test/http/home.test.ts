/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * GET /api/home (issue 18): what waits on each role, most urgent first, with its counts, scoped.
 * A small world built through the API: fund `tiny` (100,000.00 of cash, bank-a's quota in it) whose
 * approved claim it cannot pay, fund `sci` that pays, claims of bank-a and bank-b at every stage —
 * one prepared by `manager` (who then must not see it as a decision to take, R18), one returned to
 * bank-a (R21), two write-offs (one asked by `manager`) — and risk-sharing loans guaranteed by g-1.
 * Every list is checked against the database; each role sees only what is its own to do.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/modules/shared/rows';
import { creditCode } from '../operations/fixture';
import { ok, send, signInCast, startTestApp, type Client } from './harness';

let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, manager2: Client, reviewer: Client, auditor: Client;
let bankA: Client, bankB: Client, guarantor: Client;
const claims: Record<string, any> = {};
const filings: Record<string, string> = {};
const rows = async (q: ReturnType<typeof sql>) => rowsOf(await t.database.db.execute(q));
const home = async (client: Client) => ok(await client('/api/home'));
const fen = (yuan: string) => BigInt(yuan.replace('.', ''));

let enterprise = 0;
async function file(client: Client, ref: string, programme: string, loan: Record<string, unknown>) {
  enterprise++;
  await ok(
    await send(manager, 'POST', '/api/enterprises', {
      creditCode: creditCode(enterprise),
      name: `企业${enterprise}`,
      size: 'small',
      industry: 'software',
      sciTech: true,
      registeredInZone: true,
    }),
    201,
  );
  const f = await ok(
    await send(client, 'POST', '/api/filings', {
      bankRef: ref,
      creditCode: creditCode(enterprise),
      programme,
      loan: { disbursedOn: '2025-09-01', maturesOn: '2026-08-31', ...loan },
    }),
    201,
  );
  filings[ref] = f.id;
  return f.id as string;
}
const small = (client: Client, ref: string, principal: string) =>
  file(client, ref, 'etown-2023-small-micro', { kind: 'credit', principal, mode: 'direct' });
const sciTech = (client: Client, ref: string, principal: string) =>
  file(client, ref, 'etown-2025-sci-tech', { kind: 'ip-pledge', principal, mode: 'direct' });

/** The loan turns bad and its bank claims, on `on`. */
async function claim(client: Client, ref: string, on: string) {
  day = on;
  await ok(
    await send(client, 'POST', `/api/filings/${filings[ref]}/classification`, {
      classification: 'doubtful',
      overdueSince: '2025-10-01',
      on,
    }),
  );
  claims[ref] = await ok(await send(client, 'POST', '/api/claims', { filingId: filings[ref] }), 201);
  return claims[ref].id as string;
}
const step = async (client: Client, ref: string, path: string, body?: unknown) =>
  ok(await send(client, 'POST', `/api/claims/${claims[ref].id}/${path}`, body));

beforeAll(async () => {
  t = await startTestApp({ today: () => day });
  ({ manager, manager2, reviewer, auditor, bankA, bankB, guarantor } = await signInCast(t));
  await ok(await send(manager, 'POST', '/api/institutions', { id: 'bank-c', kind: 'bank', name: '丙银行' }), 201);
  for (const [id, programme, capital] of [
    ['tiny', 'etown-2023-small-micro', '100000.00'],
    ['sci', 'etown-2025-sci-tech', '50000000.00'],
  ] as const) {
    await ok(
      await send(manager, 'POST', '/api/funds', {
        id,
        name: `${id} 资金`,
        programmes: [programme],
        liabilityMultiple: '10',
        capital,
        on: '2024-01-02',
      }),
      201,
    );
    for (const bank of ['bank-a', 'bank-b', 'bank-c'])
      await ok(
        await send(manager, 'POST', '/api/agreements', {
          fundId: id,
          programmeId: programme,
          institutionId: bank,
          signedOn: '2024-01-01',
          ...(id === 'tiny' && bank === 'bank-a' ? { quota: '600000.00' } : {}),
        }),
        201,
      );
  }
  // bank-a's loans in `tiny` (within its quota), bank-b's in `sci`; risk-sharing loans guaranteed by g-1.
  await small(bankA, 'A-PAY', '400000.00');
  for (const ref of ['A-MINE', 'A-LATE', 'A-NEW', 'A-BACK']) await small(bankA, ref, '100000.00');
  await small(bankB, 'B-LATE', '100000.00');
  for (const ref of ['B-PAID', 'B-PAID2']) await sciTech(bankB, ref, '1000000.00');
  for (const [client, ref, principal] of [
    [bankA, 'A-RS1', '2000000.00'],
    [bankB, 'B-RS1', '3000000.00'],
    [bankA, 'A-RS2', '1000000.00'],
  ] as const)
    await file(client, ref, 'etown-2025-sci-tech', {
      kind: 'ip-pledge',
      principal,
      mode: 'risk-sharing',
      bankShare: '0.2',
      parties: [{ party: 'guarantor', institutionId: 'g-1', share: '0.8' }],
    });
  await ok(await send(guarantor, 'POST', `/api/filings/${filings['A-RS2']}/guarantor-confirmation`));

  // Paid claims, and their loans' write-offs: one asked by the bank, one by `manager`.
  for (const ref of ['B-PAID', 'B-PAID2']) {
    await claim(bankB, ref, '2026-01-05');
    await step(manager, ref, 'prepare');
    await step(reviewer, ref, 'approve');
    expect((await step(manager, ref, 'pay')).state).toBe('paid');
  }
  day = '2026-01-20';
  await ok(
    await send(bankB, 'POST', `/api/filings/${filings['B-PAID']}/write-off`, { on: day, reason: '核销审批 2026-1' }),
    201,
  );
  await ok(
    await send(manager, 'POST', `/api/filings/${filings['B-PAID2']}/write-off`, { on: day, reason: '核销审批 2026-2' }),
    201,
  );

  // `tiny` approves more than its cash: the claim waits to be paid.
  await claim(bankA, 'A-PAY', '2026-01-05');
  await step(manager2, 'A-PAY', 'prepare');
  await step(manager, 'A-PAY', 'approve');
  // Submitted and not prepared: two past their SLA by the test's day, one not; one prepared by `manager`.
  await claim(bankA, 'A-LATE', '2026-01-06');
  await claim(bankB, 'B-LATE', '2026-01-07');
  await claim(bankA, 'A-MINE', '2026-01-08');
  await step(manager, 'A-MINE', 'prepare');
  await claim(bankA, 'A-BACK', '2026-01-09');
  day = '2026-02-09';
  await step(reviewer, 'A-BACK', 'return', { items: [], note: '请补充催收记录' });
  await claim(bankA, 'A-NEW', '2026-02-09');
  day = '2026-02-10';
}, 240_000);
afterAll(async () => t?.close());

const numbers = (list: { items: { number: string }[] }) => list.items.map((c) => c.number);
const num = (ref: string) => claims[ref].number as string;

describe('GET /api/home', () => {
  it('asks who is signed in', async () => {
    expect((await t.app.request('/api/home')).status).toBe(401);
  });

  it('gives a manager the claims to prepare by SLA, overdue first, with their counts', async () => {
    const h = await home(manager);
    expect(h.role).toBe('manager');
    expect(h.today).toBe('2026-02-10');
    expect(numbers(h.toPrepare)).toEqual([num('A-LATE'), num('B-LATE'), num('A-NEW')]);
    expect(h.toPrepare.items.map((c: any) => c.late)).toEqual([true, true, false]);
    const [db] = await rows(
      sql`select count(*)::int as n, count(*) filter (where due_by < '2026-02-10')::int as late from claims where state = 'submitted'`,
    );
    expect(h.toPrepare).toMatchObject({ count: db!.n, late: db!.late });
    expect(h.toPrepare.count).toBe(3);
    for (const c of h.toPrepare.items) expect(c.due).toBe(c.dueBy);
    const dues = h.toPrepare.items.map((c: any) => c.due);
    expect(dues).toEqual([...dues].sort());
    expect(h.toPrepare.items[0]).toMatchObject({
      bankRef: 'A-LATE',
      enterpriseName: expect.any(String),
      state: 'submitted',
    });
  });

  it('does not give the preparer its own under-review claim to decide (R18); the other checkers have it', async () => {
    const mine = await home(manager);
    expect(numbers(mine.toDecide)).toEqual([]);
    expect(mine.counts.toDecide).toBe(0);
    for (const checker of [manager2, reviewer]) {
      const h = await home(checker);
      expect(numbers(h.toDecide)).toEqual([num('A-MINE')]);
      expect(h.toDecide.items[0]).toMatchObject({ state: 'under-review', preparedBy: 'manager', late: true });
      expect(h.counts.toDecide).toBe(1);
    }
  });

  it('gives a manager the claims to pay in the queue’s order, and the fund that lacks the cash first', async () => {
    const h = await home(manager);
    expect(numbers(h.toPay)).toEqual([num('A-PAY')]);
    expect(h.toPay.items[0]).toMatchObject({ state: 'approved', due: null, late: false });
    expect(h.funds.map((f: any) => f.fundId)).toEqual(['tiny', 'sci']);
    const tiny = h.funds[0];
    const [cash] = await rows(
      sql`select (debits_posted - credits_posted)::text as cash from ledger_accounts where fund_id = 'tiny' and code = 'cash'`,
    );
    expect(tiny).toMatchObject({ cash: '100000.00', claims: 1, short: true });
    expect(fen(tiny.needed)).toBe(fen(claims['A-PAY'].compensation));
    expect(fen(tiny.shortfall)).toBe(fen(tiny.needed) - BigInt(cash!.cash as string));
    expect(h.funds[1]).toMatchObject({ fundId: 'sci', needed: '0.00', shortfall: '0.00', short: false, claims: 0 });
    expect(h.counts.fundsShort).toBe(1);
    // A reviewer watches the funds too, but does not pay.
    const r = await home(reviewer);
    expect(r.toPay.count).toBe(0);
    expect(r.toPrepare.count).toBe(0);
    expect(r.funds).toEqual(h.funds);
  });

  it('gives the staff the write-offs waiting, never one they asked for themselves (R18)', async () => {
    const m = await home(manager);
    expect(m.writeOffs.items.map((w: any) => w.filingId)).toEqual([filings['B-PAID']]);
    expect(m.writeOffs.items[0]).toMatchObject({
      state: 'requested',
      requestedBy: 'bank-b-officer',
      bankRef: 'B-PAID',
    });
    const r = await home(reviewer);
    expect(r.writeOffs.items.map((w: any) => w.filingId)).toEqual([filings['B-PAID'], filings['B-PAID2']]);
    expect(r.counts.writeOffs).toBe(2);
  });

  it('lists the banks near or past their breaker, with levels that agree with the breaker’s own figures', async () => {
    const h = await home(manager);
    const all = (await ok(await manager('/api/breakers'))).items;
    for (const b of all) {
      const ratio = fen(b.claimedNplPrincipal) * 10_000n;
      const ratioAt = fen(b.filedPrincipal) * BigInt(Math.round(Number(b.thresholds.claimRatioAbove) * 10_000));
      const net = fen(b.netCompensation);
      const near =
        (ratio > 0n && ratio * 100n >= ratioAt * 80n) ||
        (net > 0n && net * 100n >= fen(b.thresholds.netCompensationAbove) * 80n);
      const level = b.tripped ? 'tripped' : near ? 'near' : 'ok';
      const shown = h.breakers.find((x: any) => x.bankId === b.bankId);
      if (level === 'ok') expect(shown, b.bankId).toBeUndefined();
      else expect(shown, b.bankId).toMatchObject({ level, tripped: b.tripped, claimRatio: b.claimRatio });
    }
    // Both banks with claims are far past the claim ratio (a few loans, most of them bad), well under the 5,000,000.
    // The closest first (neither tripped): by the larger share of a threshold.
    expect(h.breakers.map((b: any) => [b.bankId, b.level]).sort()).toEqual([
      ['bank-a', 'near'],
      ['bank-b', 'near'],
    ]);
    const closest = h.breakers.map((b: any) => Math.max(b.claimRatioPercent, b.netCompensationPercent));
    expect(closest).toEqual([...closest].sort((x, y) => y - x));
    expect(closest[0]).toBeGreaterThanOrEqual(80);
    expect(h.counts).toMatchObject({ breakersNear: 2, breakersTripped: 0 });
  });

  it('sums what a manager must act on for the badge', async () => {
    const { counts } = await home(manager);
    expect(counts).toMatchObject({ toPrepare: 3, toDecide: 0, toPay: 1, writeOffs: 1, late: 2 });
    expect(counts.todo).toBe(5);
    expect((await home(reviewer)).counts).toMatchObject({ todo: 3, toDecide: 1, writeOffs: 2, late: 1 });
  });

  it('gives a bank its returned claims with their deadline, its claims in flight, quota and breaker — its own only', async () => {
    const a = await home(bankA);
    expect(numbers(a.returned)).toEqual([num('A-BACK')]);
    const back = a.returned.items[0];
    expect(back.state).toBe('returned');
    expect(back.due).toBe(back.returnRequest.dueBy);
    expect(back.due).not.toBe(back.dueBy);
    expect(back.late).toBe(false);
    expect(a.counts).toMatchObject({ todo: 1, returned: 1, late: 0, toPrepare: 0, toDecide: 0, writeOffs: 0 });
    expect(new Set(numbers(a.inFlight))).toEqual(new Set(['A-PAY', 'A-LATE', 'A-MINE', 'A-NEW'].map(num)));
    expect(a.inFlight.items.map((c: any) => c.dueBy)).toEqual(a.inFlight.items.map((c: any) => c.dueBy).sort());
    expect(a.inFlight.count).toBe(4);
    expect(a.funds).toEqual([]);
    expect(a.breakers).toEqual([]);
    expect(a.bank).toMatchObject({ bankId: 'bank-a', breaker: { bankId: 'bank-a', level: 'near', tripped: false } });
    const [quota] = a.bank.quotas;
    expect(a.bank.quotas).toHaveLength(1);
    const [held] = await rows(
      sql`select coalesce(sum(reserved), 0)::text as held from filings where agreement_id = ${quota.agreementId}`,
    );
    expect(quota).toMatchObject({ fundId: 'tiny', quota: '600000.00' });
    // The fund by name, though a bank may not read the funds (issue 18).
    const [tiny] = await rows(sql`select name from funds where id = 'tiny'`);
    expect(quota.fundName).toBe(tiny!.name);
    expect(fen(quota.used)).toBe(BigInt(held!.held as string));
    expect(fen(quota.used) + fen(quota.unused)).toBe(fen('600000.00'));
    const [book] = await rows(
      sql`select count(*)::int as n from filings where bank_id = 'bank-a' and status <> 'withdrawn'`,
    );
    expect(a.bank.loans).toBe(book!.n);

    const b = await home(bankB);
    expect(b.returned.count).toBe(0);
    expect(numbers(b.inFlight)).toEqual([num('B-LATE')]);
    expect(b.inFlight.items.every((c: any) => c.bankId === 'bank-b')).toBe(true);
    expect(b.bank).toMatchObject({ bankId: 'bank-b', quotas: [] });
    expect(b.counts.todo).toBe(0);
  });

  it('gives a guarantor the loans it has yet to confirm, with its share, and nothing else', async () => {
    const g = await home(guarantor);
    // Filed the same day: oldest first, then in the loans' order.
    const items = [...g.toConfirm.items].sort((x: any, y: any) => x.bankRef.localeCompare(y.bankRef));
    expect(items.map((f: any) => f.bankRef)).toEqual(['A-RS1', 'B-RS1']);
    expect(items[0]).toMatchObject({
      filingId: filings['A-RS1'],
      bankId: 'bank-a',
      principal: '2000000.00',
      share: '0.8',
      shareOfPrincipal: '1600000.00',
    });
    expect(items[1]).toMatchObject({ bankId: 'bank-b', share: '0.8', shareOfPrincipal: '2400000.00' });
    expect(g.counts).toMatchObject({ todo: 2, toConfirm: 2, inFlight: 0, returned: 0 });
    expect(g.funds).toEqual([]);
    expect(g.breakers).toEqual([]);
    expect(g.bank).toBeNull();
    // Confirmed, it leaves the list.
    await ok(await send(guarantor, 'POST', `/api/filings/${filings['A-RS1']}/guarantor-confirmation`));
    expect((await home(guarantor)).toConfirm.items.map((f: any) => f.bankRef)).toEqual(['B-RS1']);
  });

  it('gives an auditor the funds and the breakers to watch, and nothing to act on', async () => {
    const h = await home(auditor);
    expect(h.counts.todo).toBe(0);
    expect(h.toDecide.items).toEqual([]);
    expect(h.writeOffs.items).toEqual([]);
    expect(h.funds.map((f: any) => f.fundId)).toEqual(['tiny', 'sci']);
    expect(h.breakers).toEqual((await home(manager)).breakers);
    expect(h.breakers).toHaveLength(2);
  });

  it('follows the work: once prepared, a claim leaves the preparer’s list and reaches the other checkers', async () => {
    await step(manager, 'A-LATE', 'prepare');
    const m = await home(manager);
    expect(numbers(m.toPrepare)).toEqual([num('B-LATE'), num('A-NEW')]);
    expect(numbers(m.toDecide)).toEqual([]);
    expect(numbers((await home(reviewer)).toDecide)).toEqual([num('A-LATE'), num('A-MINE')]);
  });
});
