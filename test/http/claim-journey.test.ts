/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * One claim from submission to write-off as a zone's procedure runs it (issue 17, "Done when"), with
 * the dossier required (R20) and a programme that asks for the reviewer's 复核 and the Finance and
 * Audit Bureau's 审批 (R23): the bank submits with its materials; the manager prepares and sends it
 * back for the collection record (R21); the bank completes and resubmits; the manager prepares again,
 * ticks every item and records a due-diligence finding (R22); the reviewer signs the review, the bureau
 * approves; the manager pays; the bank recovers with costs (R8, R19) and writes the rest off, approved
 * by a second person (R16, R18). Every figure is checked against the policy's arithmetic, the ledger
 * against its invariants, and the approval form against what happened.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

const SMALL_MICRO = 'etown-2023-small-micro/2023-12.json';
const ITEMS = [
  'application-form',
  'loan-contract',
  'loan-receipt',
  'classification-record',
  'collection-record',
  'business-licence',
  'financial-statements',
];
let dir: string;
let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, manager2: Client, reviewer: Client, bankA: Client, bureau: Client;
let filingId: string;
let claimId: string;

const pdf = (body: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${body}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`);
const upload = (itemId: string, body = itemId) => {
  const form = new FormData();
  form.set('itemId', itemId);
  form.set('file', new Blob([new Uint8Array(pdf(body))]), `${itemId}.pdf`);
  return bankA(`/api/claims/${claimId}/materials`, { method: 'POST', body: form });
};
const claim = async () => ok(await send(manager, 'GET', `/api/claims/${claimId}`));
const step = (client: Client, path: string, body?: unknown) =>
  send(client, 'POST', `/api/claims/${claimId}/${path}`, body);
const fen = (yuan: string) => BigInt(yuan.replace('.', ''));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backstop-journey-'));
  cpSync(join(import.meta.dirname, '../../policies'), dir, { recursive: true });
  const policy = JSON.parse(readFileSync(join(dir, SMALL_MICRO), 'utf8'));
  policy.claimWorkflow = {
    stages: [
      { id: 'review', title: { zh: '复核', en: 'Review' }, by: ['reviewer'], workingDays: 5 },
      { id: 'bureau-approval', title: { zh: '财政审计局审批', en: 'Bureau approval' }, by: ['bureau'], workingDays: 5 },
    ],
  };
  writeFileSync(join(dir, SMALL_MICRO), JSON.stringify(policy, null, 2));
  t = await startTestApp({ today: () => day, policiesDir: dir, claimDossier: 'required' });
  ({ manager, manager2, reviewer, bankA } = await signInCast(t));
  bureau = await t.signIn('bureau-qian', 'bureau');
  await openEtownForBankA(manager, creditCode(1));
  filingId = (
    await ok(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: 'A-JOURNEY-1',
        creditCode: creditCode(1),
        programme: 'etown-2023-small-micro',
        loan: {
          kind: 'credit',
          principal: '2000000.00',
          disbursedOn: '2025-09-01',
          maturesOn: '2026-08-31',
          mode: 'direct',
        },
      }),
      201,
    )
  ).id;
}, 240_000);
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a claim from submission to write-off', () => {
  it('the bank submits with its dossier; the manager sends it back for the collection record', async () => {
    day = '2026-01-12';
    await ok(
      await send(bankA, 'POST', `/api/filings/${filingId}/classification`, {
        classification: 'doubtful',
        overdueSince: '2025-10-01',
        on: day,
      }),
    );
    claimId = (await ok(await send(bankA, 'POST', '/api/claims', { filingId }), 201)).id;
    for (const item of ITEMS.filter((i) => i !== 'collection-record')) await ok(await upload(item), 201);
    await ok(await step(manager, 'prepare'));
    await ok(await step(manager, 'return', { items: ['collection-record'], note: '缺少催收记录' }));
    expect((await claim()).state).toBe('returned');
  });

  it('the bank completes and resubmits; the manager prepares, ticks every item and records a finding', async () => {
    day = '2026-01-14';
    await ok(await upload('collection-record', '催收记录'), 201);
    await ok(await step(bankA, 'resubmit'));
    await ok(await step(manager, 'prepare'));
    for (const item of ITEMS)
      await ok(
        await send(manager, 'POST', `/api/claims/${claimId}/materials/items/${item}/review`, { decision: 'accepted' }),
      );
    const cut = await ok(await step(manager, 'findings', { findingId: 'late-npl-report', note: '不良信息迟报一个月' }));
    // Programme A, 30%: 2,000,000.00 × 0.3 × (1 − 0.1) = 540,000.00
    expect(cut).toMatchObject({ compensation: '540000.00', cutBp: 1000 });
  });

  it('the reviewer signs the review, the bureau approves: the ledger books the cut compensation', async () => {
    await ok(await step(manager2, 'approve'), 403); // not a role of the review stage
    const signed = await ok(await step(reviewer, 'approve'));
    expect(signed).toMatchObject({ state: 'under-review', stage: 1 });
    const approved = await ok(await step(bureau, 'approve'));
    expect(approved).toMatchObject({ state: 'approved', compensation: '540000.00' });
    const transfers = await ok(
      await send(manager, 'GET', `/api/ledger/transfers?entityKind=claim&entityId=${claimId}`),
    );
    expect(transfers.items.filter((x: any) => x.code === 'claim-approved').map((x: any) => x.amount)).toEqual([
      '540000.00',
    ]);
  });

  it('the manager pays; the bank recovers with costs and the fund gets its share', async () => {
    day = '2026-01-20';
    expect((await ok(await step(manager, 'pay'))).state).toBe('paid');
    day = '2026-03-02';
    const r = await ok(
      await send(bankA, 'POST', `/api/claims/${claimId}/recoveries`, {
        amount: '300000.00',
        costs: '20000.00',
        on: day,
      }),
      201,
    );
    // the fund paid 540,000.00 on 2,000,000.00 (27%): 27% of 280,000.00 = 75,600.00
    const refund = Object.values(r).find((v) => v === '75600.00');
    expect(refund, JSON.stringify(r)).toBe('75600.00');
  });

  it('the bank writes the rest off; a second person approves; the ledger and the audit chain verify', async () => {
    day = '2026-04-01';
    await ok(
      await send(bankA, 'POST', `/api/filings/${filingId}/write-off`, { on: day, reason: '核销审批 2026-07' }),
      201,
    );
    const approved = await ok(
      await send(manager, 'POST', `/api/filings/${filingId}/write-off/approve`, { note: '同意' }),
    );
    expect(JSON.stringify(approved)).toContain('written-off');
    expect((await ok(await send(manager, 'POST', '/api/ledger/verify'))).ok).toBe(true);
    const history = (await claim()).events.map((e: any) => e.event);
    expect(history).toEqual(
      expect.arrayContaining(['submit', 'prepare', 'return', 'resubmit', 'finding', 'sign-off', 'approve', 'pay']),
    );
    expect(fen((await claim()).compensation)).toBe(54_000_000n);
  });
});
