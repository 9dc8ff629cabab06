/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * 退回补正 through the app (issue 17, item 1; R21): the fund's staff send an undecided claim back to
 * the bank naming what is missing; the claim stays open (a repayment still lowers it, R14) and cannot
 * be prepared, decided or paid; the bank cannot resubmit before adding a file to each item named,
 * and then the claim starts again — a fresh preliminary review and SLA — with the return in its
 * history; a claim can go back more than once, from review too, and is then approved as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, manager2: Client, reviewer: Client, bankA: Client, bankB: Client;
let claimId: string;
let filingId: string;

const pdf = (body: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${body}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);

const upload = (client: Client, itemId: string, body = itemId) => {
  const form = new FormData();
  form.set('itemId', itemId);
  form.set('file', new Blob([new Uint8Array(pdf(body))]), `${itemId}.pdf`);
  return client(`/api/claims/${claimId}/materials`, { method: 'POST', body: form });
};
const claim = async (client: Client = manager) => ok(await send(client, 'GET', `/api/claims/${claimId}`));
const step = (client: Client, path: string, body?: unknown) =>
  send(client, 'POST', `/api/claims/${claimId}/${path}`, body);

async function refused(res: Response, status: number, code: string) {
  const body = await ok(res, status);
  expect(body.errors[0].code).toBe(code);
  expect(body.detailZh).toBeTruthy();
  return body;
}

beforeAll(async () => {
  t = await startTestApp({ today: () => day, claimDossier: 'required' });
  ({ manager, manager2, reviewer, bankA, bankB } = await signInCast(t));
  await openEtownForBankA(manager, creditCode(1));
  const filed = await ok(
    await send(bankA, 'POST', '/api/filings', {
      bankRef: 'A-RETURN-1',
      creditCode: creditCode(1),
      programme: 'etown-2023-small-micro',
      loan: {
        kind: 'credit',
        principal: '800000.00',
        disbursedOn: '2025-09-01',
        maturesOn: '2026-08-31',
        mode: 'direct',
      },
    }),
    201,
  );
  filingId = filed.id;
  day = '2026-01-12';
  await ok(
    await send(bankA, 'POST', `/api/filings/${filingId}/classification`, {
      classification: 'doubtful',
      overdueSince: '2025-10-01',
      on: day,
    }),
  );
  claimId = (await ok(await send(bankA, 'POST', '/api/claims', { filingId }), 201)).id;
}, 240_000);
afterAll(async () => t?.close());

describe('sending a claim back (R21)', () => {
  it('is refused with a clear error naming the field, and nothing changes', async () => {
    const before = await claim();
    await refused(await step(bankA, 'return', { items: [], note: '缺少材料' }), 403, 'auth.forbidden');
    const unknown = await refused(
      await step(manager, 'return', { items: ['collection-record', 'horoscope'], note: '缺少材料' }),
      400,
      'claim.return_item_unknown',
    );
    expect(unknown.errors.map((e: any) => e.field)).toEqual(['items[1]']);
    const noNote = await ok(await step(manager, 'return', { items: ['collection-record'], note: ' ' }), 400);
    expect(noNote.errors[0].field).toBe('note');
    expect(await claim()).toEqual(before);
  });

  it('goes back to the bank naming the items, with the bank’s working-day deadline', async () => {
    const c = await ok(
      await step(manager, 'return', {
        items: ['collection-record', 'loan-receipt', 'collection-record'],
        note: '催收记录缺少2025年第四季度 / the collection record lacks Q4 2025',
      }),
    );
    expect(c.state).toBe('returned');
    expect(c.returnRequest).toMatchObject({
      items: ['collection-record', 'loan-receipt'],
      note: '催收记录缺少2025年第四季度 / the collection record lacks Q4 2025',
      by: 'manager',
      // 10 working days from Monday 12 January 2026
      dueBy: '2026-01-26',
    });
    expect(c.preparedBy).toBeNull();
    // The bank sees it on its own claim; another bank does not see the claim at all.
    expect((await claim(bankA)).returnRequest.items).toEqual(['collection-record', 'loan-receipt']);
    await ok(await send(bankB, 'GET', `/api/claims/${claimId}`), 404);
  });

  it('stays open: a repayment lowers the claim (R14), and nobody prepares, decides or pays it meanwhile', async () => {
    await ok(await send(bankA, 'POST', `/api/filings/${filingId}/repayments`, { amount: '100000.00', on: day }));
    const c = await claim();
    expect(c).toMatchObject({ state: 'returned', outstanding: '700000.00' });
    expect(c.compensation).toBe((70_000_000n * BigInt(c.parties[0].shareBp)) / 10_000n / 100n + '.00');
    await refused(await step(manager, 'prepare'), 409, 'claim.wrong_state');
    await refused(await step(manager2, 'approve'), 409, 'claim.wrong_state');
    await refused(await step(manager, 'pay'), 409, 'claim.not_payable');
    await refused(await step(manager, 'return', { items: [], note: '再次退回' }), 409, 'claim.wrong_state');
  });

  it('cannot be resubmitted before a file is added to each item named; another bank cannot resubmit it', async () => {
    const before = await claim();
    await ok(await step(bankB, 'resubmit'), 404);
    const incomplete = await refused(await step(bankA, 'resubmit'), 422, 'claim.return_not_completed');
    expect(incomplete.errors.map((e: any) => e.field)).toEqual([
      'materials.collection-record',
      'materials.loan-receipt',
    ]);
    await ok(await upload(bankA, 'collection-record', 'Q4 2025'), 201);
    const still = await refused(await step(bankA, 'resubmit'), 422, 'claim.return_not_completed');
    expect(still.errors.map((e: any) => e.field)).toEqual(['materials.loan-receipt']);
    expect((await claim()).state).toBe(before.state);
  });

  it('is resubmitted once completed: a fresh review and SLA, the return kept in its history', async () => {
    day = '2026-01-14';
    await ok(await upload(bankA, 'loan-receipt', '借据'), 201);
    const c = await ok(await step(bankA, 'resubmit'));
    expect(c).toMatchObject({ state: 'submitted', preparedBy: null, dueBy: '2026-02-04' });
    expect(c.returnRequest.items).toEqual(['collection-record', 'loan-receipt']);
    const events = (await claim()).events.map((e: any) => [e.event, e.from, e.to, e.actor]);
    expect(events).toEqual([
      ['submit', null, 'submitted', 'bank-a-officer'],
      ['return', 'submitted', 'returned', 'manager'],
      ['recompute', 'returned', 'returned', 'bank-a-officer'],
      ['resubmit', 'returned', 'submitted', 'bank-a-officer'],
    ]);
    expect((await claim()).events[1].note).toContain('[collection-record, loan-receipt] 催收记录缺少2025年第四季度');
    await refused(await step(bankA, 'resubmit'), 409, 'claim.wrong_state');
  });

  it('can go back again from review, by the checker, and is then approved as usual', async () => {
    await ok(await step(manager, 'prepare'));
    const back = await ok(await step(reviewer, 'return', { items: ['application-form'], note: '申请表未加盖公章' }));
    expect(back).toMatchObject({ state: 'returned', preparedBy: null, returnRequest: { by: 'reviewer' } });
    await ok(await upload(bankA, 'application-form', '盖章的申请表'), 201);
    await ok(await step(bankA, 'resubmit'));
    for (const item of [
      'application-form',
      'loan-contract',
      'loan-receipt',
      'classification-record',
      'collection-record',
      'business-licence',
      'financial-statements',
    ]) {
      if (!['application-form', 'loan-receipt', 'collection-record'].includes(item))
        await ok(await upload(bankA, item), 201);
      await ok(
        await send(manager, 'POST', `/api/claims/${claimId}/materials/items/${item}/review`, { decision: 'accepted' }),
      );
    }
    await ok(await step(manager, 'prepare'));
    const approved = await ok(await step(manager2, 'approve'));
    expect(approved).toMatchObject({ state: 'approved', outstanding: '700000.00', decidedBy: 'manager2' });
    const returns = (await claim()).events.filter((e: any) => e.event === 'return').map((e: any) => e.actor);
    expect(returns).toEqual(['manager', 'reviewer']);
  });
});
