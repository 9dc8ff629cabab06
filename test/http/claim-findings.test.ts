/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * 尽职审查 through the app (issue 17, item 3; R22): the manager who prepared a claim records the
 * bank's failures its programme lists; their cuts add up (100% voids it) and the compensation is
 * recomputed at once — ratio × outstanding × (1 − cut), one rounding — and again when the balance
 * moves (R14); the checker approves the claim as cut, the ledger books the cut amount and what is
 * cut stays with the bank; nobody but the preparer records findings, and only under review.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ensureDocumentTools } from './documents-tools';
import { ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, manager2: Client, reviewer: Client, bankA: Client, bankB: Client;
let claimId: string;
let filingId: string;

const claim = async (client: Client = manager) => ok(await send(client, 'GET', `/api/claims/${claimId}`));
const find = (client: Client, findingId: string, note = '查明的情况') =>
  send(client, 'POST', `/api/claims/${claimId}/findings`, { findingId, note });

async function refused(res: Response, status: number, code: string, field?: string) {
  const body = await ok(res, status);
  expect(body.errors[0].code).toBe(code);
  if (field) expect(body.errors[0].field).toBe(field);
  expect(body.detailZh).toBeTruthy();
  return body;
}

beforeAll(async () => {
  t = await startTestApp({ today: () => day });
  ({ manager, manager2, reviewer, bankA, bankB } = await signInCast(t));
  await openEtownForBankA(manager, creditCode(1));
  filingId = (
    await ok(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: 'A-FINDINGS-1',
        creditCode: creditCode(1),
        programme: 'etown-2023-small-micro',
        loan: {
          kind: 'credit',
          principal: '800000.01',
          disbursedOn: '2025-09-01',
          maturesOn: '2026-08-31',
          mode: 'direct',
        },
      }),
      201,
    )
  ).id;
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

describe('due-diligence findings (R22)', () => {
  it('lists the programme’s findings with their cuts, none recorded', async () => {
    const d = await ok(await send(bankA, 'GET', `/api/claims/${claimId}/findings`));
    expect(d.items.map((i: any) => [i.id, i.cutBp])).toEqual([
      ['pre-loan-investigation', 10_000],
      ['staff-misconduct', 10_000],
      ['loan-purpose-monitoring', 5_000],
      ['collection-effort', 3_000],
      ['late-npl-report', 1_000],
    ]);
    expect(d.items.every((i: any) => i.found === null)).toBe(true);
    // 30% of 800,000.01 = 240,000.003 → 240,000.00
    expect(d).toMatchObject({ cutBp: 0, compensation: '240000.00' });
    await ok(await send(bankB, 'GET', `/api/claims/${claimId}/findings`), 404);
  });

  it('are recorded only under review, only by the preparer, only from the list — nothing changes otherwise', async () => {
    await refused(await find(manager, 'collection-effort'), 409, 'claim.findings_closed', 'state');
    await ok(await send(manager, 'POST', `/api/claims/${claimId}/prepare`));
    const before = await claim();
    await refused(await find(manager2, 'collection-effort'), 403, 'claim.findings_not_preparer', 'decider');
    await refused(await find(reviewer, 'collection-effort'), 403, 'auth.forbidden');
    await refused(await find(bankA, 'collection-effort'), 403, 'auth.forbidden');
    await refused(await find(manager, 'astrology'), 400, 'claim.finding_unknown', 'findingId');
    const noNote = await ok(await find(manager, 'collection-effort', ''), 400);
    expect(noNote.errors[0].field).toBe('note');
    await refused(
      await send(manager, 'DELETE', `/api/claims/${claimId}/findings/collection-effort`),
      409,
      'claim.finding_not_recorded',
      'findingId',
    );
    expect(await claim()).toEqual(before);
  });

  it('cut the compensation at once, one rounding: 30% × (1 − 30%) of 800,000.01 = 168,000.00', async () => {
    const c = await ok(await find(manager, 'collection-effort', '逾期后90天内无催收记录'));
    // 800,000.01 × 0.3 × 0.7 = 168,000.0021 → 168,000.00; the bank bears the rest of the loss
    expect(c).toMatchObject({ cutBp: 3_000, compensation: '168000.00', outstanding: '800000.01' });
    expect(c.findings).toMatchObject([
      { id: 'collection-effort', cutBp: 3_000, note: '逾期后90天内无催收记录', by: 'manager' },
    ]);
    expect(c.parties).toEqual([{ party: 'fund', shareBp: 3_000, amount: '168000.00' }]);
  });

  it('add up, recorded again replaces the note, and follow the balance (R14)', async () => {
    await ok(await find(manager, 'late-npl-report', '不良信息迟报两个月'));
    let c = await ok(await find(manager, 'collection-effort', '补充：无保全措施'));
    expect(c.findings.map((f: any) => [f.id, f.note])).toEqual([
      ['late-npl-report', '不良信息迟报两个月'],
      ['collection-effort', '补充：无保全措施'],
    ]);
    // 40% cut: 800,000.01 × 0.3 × 0.6 = 144,000.0018 → 144,000.00
    expect(c).toMatchObject({ cutBp: 4_000, compensation: '144000.00' });
    await ok(await send(bankA, 'POST', `/api/filings/${filingId}/repayments`, { amount: '100000.01', on: day }));
    c = await claim();
    // 700,000.00 × 0.3 × 0.6 = 126,000.00
    expect(c).toMatchObject({ outstanding: '700000.00', cutBp: 4_000, compensation: '126000.00' });
  });

  it('a void finding takes the compensation to 0; taken back, it is restored', async () => {
    let c = await ok(await find(manager, 'staff-misconduct', '客户经理伪造财务报表'));
    expect(c).toMatchObject({ cutBp: 10_000, compensation: '0.00' });
    c = await ok(await send(manager, 'DELETE', `/api/claims/${claimId}/findings/staff-misconduct`));
    expect(c).toMatchObject({ cutBp: 4_000, compensation: '126000.00' });
    const events = (await claim()).events.filter((e: any) => e.event.startsWith('finding')).map((e: any) => e.event);
    expect(events).toEqual(['finding', 'finding', 'finding', 'finding', 'finding-withdrawn']);
  });

  it('the checker approves the claim as cut: the ledger books the cut amount', async () => {
    const approved = await ok(await send(manager2, 'POST', `/api/claims/${claimId}/approve`));
    expect(approved).toMatchObject({ state: 'approved', compensation: '126000.00', cutBp: 4_000 });
    const transfers = await ok(
      await send(manager, 'GET', `/api/ledger/transfers?entityKind=claim&entityId=${claimId}`),
    );
    const booked = (transfers.items as any[]).filter((x) => x.code === 'claim-approved');
    expect(booked.map((x) => x.amount)).toEqual(['126000.00']);
    await refused(await find(manager, 'late-npl-report'), 409, 'claim.findings_closed');
    const verify = await ok(await send(manager, 'POST', '/api/ledger/verify'));
    expect(verify.ok).toBe(true);
  });

  it('are printed on the approval form (补偿审批表): each with its cut, the total cut, the compensation as cut', async () => {
    ensureDocumentTools({ poppler: true });
    const res = await send(bankA, 'GET', `/api/claims/${claimId}/documents/approval-form.pdf`);
    expect(res.status).toBe(200);
    const pdf = Buffer.from(await res.arrayBuffer());
    // The text in drawing order, without whitespace (a table cell may wrap anywhere).
    const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', '-', '-'], { input: pdf })
      .toString('utf8')
      .replace(/\s+/g, '');
    const from = text.indexOf('尽职审查未尽职情形扣减比例认定事实');
    expect(from, text).toBeGreaterThan(-1);
    const section = text.slice(from, text.indexOf('审批流程', from));
    // The findings recorded, in the programme's order, each with its cut and the preparer's note (who found it).
    expect(section).toContain('逾期后未及时催收或未采取保全措施30%补充：无保全措施（manager）');
    expect(section).toContain('未按规定及时报送逾期或不良信息10%不良信息迟报两个月（manager）');
    // The finding taken back is not there.
    expect(section).not.toContain('银行工作人员违法违规发放贷款');
    // 30% + 10%; 700,000.00 × 0.3 × (1 − 40%) = 126,000.00
    expect(section).toContain(
      '各项扣减合计40%，扣减后补偿金额126,000.00元（人民币壹拾贰万陆仟元整），扣减部分由合作银行承担（R22）。',
    );
    // And in the figures above: the compensation as cut and the cut.
    expect(text).toContain('补偿金额126,000.00元（人民币壹拾贰万陆仟元整）');
    expect(text).toContain('尽职审查扣减40%（R22）');
  });
});
