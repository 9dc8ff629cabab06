/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The audit log by names (issue 18): GET /api/audit names who did each thing (display name and
 * role, beside the username) and finds records by what people call them (`entity`: a claim number,
 * a contract number, an enterprise's, institution's, fund's or person's name) and people by name
 * (`actor`), with `entityKind` to narrow the kind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
let day = '2025-09-03';
let auditor: Client;
let filingId: string;
let claim: { id: string; number: string };

const log = async (query: string) => (await ok(await send(auditor, 'GET', `/api/audit?limit=500&${query}`), 200)).items;

beforeAll(async () => {
  t = await startTestApp({ today: () => day });
  const cast = await signInCast(t);
  auditor = cast.auditor;
  const zhang = await t.signIn('zhang.wei', 'manager', { displayName: '张伟' });
  await openEtownForBankA(zhang, creditCode(1));
  filingId = (
    await ok(
      await send(cast.bankA, 'POST', '/api/filings', {
        bankRef: 'AUD-2025-0001',
        creditCode: creditCode(1),
        programme: 'etown-2023-small-micro',
        loan: { kind: 'credit', principal: '1000000.00', disbursedOn: '2025-09-01', mode: 'direct' },
      }),
      201,
    )
  ).id;
  day = '2026-01-12';
  await ok(
    await send(cast.bankA, 'POST', `/api/filings/${filingId}/classification`, {
      classification: 'doubtful',
      overdueSince: '2025-10-01',
      on: day,
    }),
  );
  claim = await ok(await send(cast.bankA, 'POST', '/api/claims', { filingId }), 201);
}, 180_000);
afterAll(async () => t?.close());

describe('GET /api/audit by names', () => {
  it('names who did it: display name and role beside the username', async () => {
    const rows = await log('');
    const byZhang = rows.filter((r: any) => r.actor === 'zhang.wei');
    expect(byZhang.length).toBeGreaterThan(0);
    for (const r of byZhang) expect(r.actorName).toEqual({ displayName: '张伟', role: 'manager' });
    const byBank = rows.find((r: any) => r.actor === 'bank-a-officer');
    expect(byBank.actorName).toEqual({ displayName: 'bank-a-officer', role: 'bank' });
  });

  it('actor: a part of a display name or a username finds that person’s rows only', async () => {
    for (const q of ['张', '张伟', 'zhang.wei']) {
      const rows = await log(`actor=${encodeURIComponent(q)}`);
      expect(rows.length, q).toBeGreaterThan(0);
      expect(new Set(rows.map((r: any) => r.actor)), q).toEqual(new Set(['zhang.wei']));
    }
    expect(await log(`actor=${encodeURIComponent('无此人')}`)).toEqual([]);
  });

  it('entity: a claim by the beginning of its number, a loan by its contract number', async () => {
    expect(claim.number).toMatch(/^BP-\d{4}-\d{6}$/);
    const byNumber = await log(`entity=${encodeURIComponent(claim.number)}`);
    expect(byNumber.length).toBeGreaterThan(0);
    for (const r of byNumber) {
      expect(r.entityKind).toBe('claim');
      expect(r.entityId).toBe(claim.id);
      expect(r.entityName.zh).toBe(claim.number);
    }
    expect((await log(`entity=${encodeURIComponent(claim.number.slice(0, 8))}`)).map((r: any) => r.entityId)).toContain(
      claim.id,
    );
    const loan = await log('entity=AUD-2025');
    expect(loan.map((r: any) => r.action)).toEqual(expect.arrayContaining(['filing.create', 'filing.classification']));
    for (const r of loan) expect(r.entityId).toBe(filingId);
  });

  it('entity: an enterprise, a bank, a fund and a person by a part of the name; entityKind narrows it', async () => {
    const enterprise = await log(`entity=${encodeURIComponent('企业1')}`);
    expect(enterprise.map((r: any) => r.entityKind)).toContain('enterprise');
    for (const r of enterprise) expect(r.entityName.zh).toContain('企业1');
    const bank = await log(`entity=${encodeURIComponent('甲银行')}`);
    expect(bank.map((r: any) => r.entityKind)).toEqual(expect.arrayContaining(['institution', 'agreement']));
    for (const r of bank) expect(r.entityName.zh).toContain('甲银行');
    const agreementsOnly = await log(`entity=${encodeURIComponent('甲银行')}&entityKind=agreement`);
    expect(agreementsOnly.length).toBe(2);
    for (const r of agreementsOnly) expect(r.entityKind).toBe('agreement');
    const fund = await log(`entity=${encodeURIComponent('亦庄风险')}&entityKind=fund`);
    expect(fund.map((r: any) => r.action)).toContain('fund.create');
    for (const r of fund) expect(r.entityName.zh).toBe('亦庄风险补偿资金');
    // An id as written still finds its record; a name of nothing finds nothing.
    expect((await log(`entity=${claim.id}`)).every((r: any) => r.entityId === claim.id)).toBe(true);
    expect(await log(`entity=${encodeURIComponent('没有这个名字')}`)).toEqual([]);
    // LIKE's wildcards are text: '%' finds no more than a name with '%' in it.
    expect(await log(`entity=${encodeURIComponent('%')}`)).toEqual([]);
  });

  it('a bad kind of query names the field', async () => {
    const res = await send(auditor, 'GET', `/api/audit?entity=${'x'.repeat(101)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].field).toBe('entity');
  });
});
