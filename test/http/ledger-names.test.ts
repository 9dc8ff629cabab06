/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Ledger accounts by name (issue 18): GET /api/ledger/accounts and /api/ledger/transfers give each
 * account id its name in both languages — the fund's name, what the account holds, and the record
 * it is for (the agreement's bank and programme, the loan's contract number) — beside the id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, auditor: Client;
let filingId: string;
const FUND = '亦庄风险补偿资金';

beforeAll(async () => {
  t = await startTestApp({ today: () => '2025-09-03' });
  let bankA: Client;
  ({ manager, auditor, bankA } = await signInCast(t));
  await openEtownForBankA(manager, creditCode(1));
  filingId = (
    await ok(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: 'HT-2025-001',
        creditCode: creditCode(1),
        loan: { kind: 'credit', principal: '1000000.00', disbursedOn: '2025-09-01', mode: 'direct' },
      }),
      201,
    )
  ).id;
}, 120_000);
afterAll(async () => t?.close());

describe('ledger accounts by name', () => {
  it('a fund’s accounts: the fund’s name and what each holds, the id kept', async () => {
    const { items } = await ok(await send(auditor, 'GET', '/api/ledger/accounts?fundId=etown'), 200);
    const byId = new Map(items.map((a: any) => [a.id, a]));
    expect((byId.get('etown:cash') as any).name).toEqual({ zh: `${FUND} · 现金`, en: `${FUND} · cash` });
    expect((byId.get('etown:capacity') as any).name).toEqual({
      zh: `${FUND} · 可用责任额度`,
      en: `${FUND} · free capacity`,
    });
    for (const a of items) {
      expect(a.name.zh, a.id).not.toContain('etown');
      expect(a.name.en, a.id).not.toContain(':');
    }
    const exposure = items.find((a: any) => a.code === 'exposure');
    expect(exposure.name).toEqual({
      zh: `${FUND} · 贷款代偿责任 · HT-2025-001`,
      en: `${FUND} · loan exposure · HT-2025-001`,
    });
  });

  it('a loan’s transfers: each side named, the loan by its contract number', async () => {
    const { items } = await ok(
      await send(manager, 'GET', `/api/ledger/transfers?entityKind=filing&entityId=${filingId}`),
      200,
    );
    expect(items.length).toBeGreaterThan(0);
    const reserve = items.find((x: any) => x.credit.includes(':exposure:'));
    expect(reserve.creditName.zh).toBe(`${FUND} · 贷款代偿责任 · HT-2025-001`);
    // bank-a's agreements have no quota (harness openEtownForBankA): the loan is reserved out of the fund's free capacity.
    expect(reserve.debitName).toEqual({ zh: `${FUND} · 可用责任额度`, en: `${FUND} · free capacity` });
    for (const x of items) {
      expect(x.debit).toMatch(/^etown:/);
      expect(x.debitName.zh).not.toContain('etown:');
      expect(x.creditName.zh).not.toContain('etown:');
    }
  });
});
