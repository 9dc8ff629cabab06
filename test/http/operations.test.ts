/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The operations API through the app, by role: funds, agreements, filings, servicing, claims
 * (maker–checker, payment queue), recoveries and circuit breakers. Allowed → 2xx; not allowed →
 * 403, or 404 for another bank's records; bad input → 400 naming the field, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, send, signInCast, startTestApp, type Client } from './harness';

let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client,
  manager2: Client,
  reviewer: Client,
  auditor: Client,
  bankA: Client,
  bankB: Client,
  guarantor: Client;
const roles = () => ({ manager, reviewer, auditor, bankA, bankB, guarantor });

beforeAll(async () => {
  t = await startTestApp({ today: () => day });
  ({ manager, manager2, reviewer, auditor, bankA, bankB, guarantor } = await signInCast(t));
  for (const n of [1, 2, 3]) {
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
}, 120_000);
afterAll(async () => t?.close());

describe('funds and agreements', () => {
  it('only a manager sets up a fund; others get 403 and nothing is written', async () => {
    const fund = {
      id: 'etown',
      name: '亦庄风险补偿资金',
      programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
      liabilityMultiple: '10',
      capital: '3000000.00',
      on: '2024-01-02',
    };
    for (const c of [reviewer, auditor, bankA, guarantor])
      expect((await send(c, 'POST', '/api/funds', fund)).status).toBe(403);
    expect((await send(manager, 'GET', '/api/funds/etown')).status).toBe(404);
    const created = await ok(await send(manager, 'POST', '/api/funds', fund), 201);
    expect(created).toMatchObject({ id: 'etown', capital: '3000000.00', liabilityMultiple: '10' });
    expect((await send(manager, 'POST', '/api/funds', fund)).status).toBe(409);
  });

  it('names the field of a bad fund', async () => {
    const res = await send(manager, 'POST', '/api/funds', {
      id: 'x2',
      name: 'x',
      programmes: [],
      liabilityMultiple: 'ten',
      capital: '1.001',
      on: '2024-02-30',
      extra: 1,
    });
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as any).errors.map((e: any) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['liabilityMultiple', 'capital', 'on']));
    expect((await send(manager, 'GET', '/api/funds/x2')).status).toBe(404);
  });

  it('signs agreements (G1); a bank sees only its own; staff read the fund, banks do not', async () => {
    for (const bank of ['bank-a', 'bank-b']) {
      for (const p of ['etown-2023-small-micro', 'etown-2025-sci-tech']) {
        expect(
          (
            await send(bankA, 'POST', '/api/agreements', {
              fundId: 'etown',
              programmeId: p,
              institutionId: bank,
              signedOn: '2024-01-01',
            })
          ).status,
        ).toBe(403);
        await ok(
          await send(manager, 'POST', '/api/agreements', {
            fundId: 'etown',
            programmeId: p,
            institutionId: bank,
            signedOn: '2024-01-01',
          }),
          201,
        );
      }
    }
    const mine = await ok(await send(bankA, 'GET', '/api/agreements'));
    expect(mine.items).toHaveLength(2);
    expect(mine.items.every((a: any) => a.institutionId === 'bank-a')).toBe(true);
    expect((await ok(await send(auditor, 'GET', '/api/agreements'))).items).toHaveLength(4);
    for (const c of [manager, reviewer, auditor]) await ok(await send(c, 'GET', '/api/funds/etown'));
    for (const c of [bankA, guarantor]) expect((await send(c, 'GET', '/api/funds')).status).toBe(403);
  });
});

let loan1: string;
describe('filings', () => {
  const filing = (bankRef: string, principal: string, n = 1) => ({
    bankRef,
    creditCode: creditCode(n),
    loan: { kind: 'credit', principal, disbursedOn: '2025-09-01', mode: 'direct' },
  });

  it('a bank files with an Idempotency-Key; the replay answers the first result', async () => {
    const first = await ok(
      await send(bankA, 'POST', '/api/filings', filing('A-1', '8000000.00'), { 'idempotency-key': 'bank-a-file-A-1' }),
      201,
    );
    expect(first).toMatchObject({
      bankId: 'bank-a',
      programme: 'etown-2025-sci-tech',
      ratio: '0.5',
      reserved: '4000000.00',
      status: 'active',
    });
    const again = await ok(
      await send(bankA, 'POST', '/api/filings', filing('A-1', '8000000.00'), { 'idempotency-key': 'bank-a-file-A-1' }),
      201, // the first answer's status (was 200 for a replay: one mechanism now, shared/idempotency.ts)
    );
    expect(again.id).toBe(first.id);
    expect(
      (await send(bankA, 'POST', '/api/filings', filing('A-1b', '1.00'), { 'idempotency-key': 'bank-a-file-A-1' }))
        .status,
    ).toBe(422);
    expect((await send(bankA, 'POST', '/api/filings', filing('A-1', '8000000.00'))).status).toBe(409);
    loan1 = first.id;
  });

  it('another bank and a guarantor get 404 for the loan; staff read it; only banks and managers file', async () => {
    for (const c of [bankB, guarantor]) expect((await send(c, 'GET', `/api/filings/${loan1}`)).status).toBe(404);
    for (const c of [manager, reviewer, auditor, bankA])
      expect((await ok(await send(c, 'GET', `/api/filings/${loan1}`))).events[0].kind).toBe('filed');
    expect((await ok(await send(bankB, 'GET', '/api/filings'))).items).toHaveLength(0);
    expect((await ok(await send(bankB, 'GET', '/api/filings?bankId=bank-a'))).items).toHaveLength(0);
    expect((await ok(await send(auditor, 'GET', '/api/filings?bankId=bank-a'))).items).toHaveLength(1);
    for (const c of [reviewer, auditor, guarantor])
      expect((await send(c, 'POST', '/api/filings', filing('X-1', '100.00'))).status).toBe(403);
  });

  it('refuses an ineligible loan with every failing reason, writing nothing', async () => {
    const res = await send(bankB, 'POST', '/api/filings', {
      ...filing('B-big', '12000000.00', 2),
      programme: 'etown-2023-small-micro',
    });
    expect(res.status).toBe(422);
    const refused = ((await res.json()) as any).errors.find((e: any) => e.field === 'rule:size-limit');
    expect(refused.code).toBe('filing.refused_by_rule');
    expect(refused.en).toMatch(/^Principal 12,000,000\.00 yuan/); // English, Chinese beside it
    expect(refused.zh).toMatch(/^贷款本金 12,000,000\.00 元/);
    expect((await ok(await send(bankB, 'GET', '/api/filings'))).items).toHaveLength(0);
  });

  it.each([
    ['1e400 principal', { loan: { principal: '1e400' } }, 'loan.principal'],
    ['0.001 yuan', { loan: { principal: '0.001' } }, 'loan.principal'],
    ['a negative amount', { loan: { principal: '-5.00' } }, 'loan.principal'],
    ['a number, not a string', { loan: { principal: 5 } }, 'loan.principal'],
    ['an impossible date', { loan: { disbursedOn: '2025-02-30' } }, 'loan.disbursedOn'],
    [
      'a bad check character in the credit code',
      { creditCode: `${creditCode(2).slice(0, 17)}${creditCode(2).endsWith('0') ? '1' : '0'}` },
      'creditCode',
    ],
    ['an extra field', { colour: 'red' }, '(body)'],
    ['a missing field', { bankRef: undefined }, 'bankRef'],
  ])('400 for %s, naming the field, nothing written', async (_, patch, field) => {
    const base = filing('B-bad', '100000.00', 2) as any;
    const body = { ...base, ...patch, loan: { ...base.loan, ...((patch as any).loan ?? {}) } };
    const res = await send(bankB, 'POST', '/api/filings', JSON.stringify(body));
    expect(res.status).toBe(400);
    const problem = (await res.json()) as any;
    expect(problem.errors.map((e: any) => e.field).join(' ')).toContain(field === '(body)' ? '' : field);
    expect((await ok(await send(bankB, 'GET', '/api/filings'))).items).toHaveLength(0);
  });

  it('a bad Idempotency-Key is named', async () => {
    const res = await send(bankB, 'POST', '/api/filings', filing('B-2', '100000.00', 2), {
      'idempotency-key': 'short',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].field).toBe('Idempotency-Key');
  });

  it('amends and withdraws with history; another bank cannot', async () => {
    const f = await ok(await send(bankB, 'POST', '/api/filings', filing('B-3', '1000000.00', 2)), 201);
    expect(
      (await send(bankA, 'PATCH', `/api/filings/${f.id}`, { principal: '900000.00', reason: '更正' })).status,
    ).toBe(404);
    expect(
      (await ok(await send(bankB, 'PATCH', `/api/filings/${f.id}`, { principal: '900000.00', reason: '更正' })))
        .reserved,
    ).toBe('450000.00');
    expect((await send(bankB, 'POST', `/api/filings/${f.id}/withdraw`, {})).status).toBe(400);
    expect((await ok(await send(bankB, 'POST', `/api/filings/${f.id}/withdraw`, { reason: '误报' }))).status).toBe(
      'withdrawn',
    );
    const detail = await ok(await send(bankB, 'GET', `/api/filings/${f.id}`));
    expect(detail.events.map((e: any) => e.kind)).toEqual(['filed', 'amended', 'withdrawn']);
  });
});

let claim1: string;
describe('servicing, claims, payment queue, recoveries', () => {
  it('repayments release liability; another bank gets 404; bulk answers each line', async () => {
    day = '2025-12-01';
    expect(
      (await send(bankB, 'POST', `/api/filings/${loan1}/repayments`, { amount: '1.00', on: '2025-10-01' })).status,
    ).toBe(404);
    expect(
      (await send(auditor, 'POST', `/api/filings/${loan1}/repayments`, { amount: '1.00', on: '2025-10-01' })).status,
    ).toBe(403);
    const r = await ok(
      await send(bankA, 'POST', `/api/filings/${loan1}/repayments`, { amount: '1000000.00', on: '2025-10-01' }),
    );
    expect(r).toMatchObject({ outstanding: '7000000.00', reserved: '3500000.00' });
    const bulk = await ok(
      await send(bankA, 'POST', '/api/repayments', {
        items: [
          { filingId: loan1, amount: '1000000.00', on: '2025-12-01' },
          { filingId: loan1, amount: '99000000.00', on: '2025-12-01' },
          { filingId: 'no-such-loan', amount: '1.00', on: '2025-12-01' },
        ],
      }),
    );
    expect(bulk).toMatchObject({ applied: 1, refused: 2 });
    expect(bulk.items[1].errors[0].field).toBe('amount');
    expect(bulk.items[2].status).toBe(404);
    expect(bulk.items[2].errors[0]).toMatchObject({ field: 'filingId', code: 'filing.not_found', zh: '不存在' });
  });

  it('a report or a recovery dated after today is refused naming `on`, and nothing changes', async () => {
    const before = await ok(await send(bankA, 'GET', `/api/filings/${loan1}`));
    for (const [path, body] of [
      [`/api/filings/${loan1}/repayments`, { amount: '1.00', on: '2099-01-01' }],
      [`/api/filings/${loan1}/balance`, { outstanding: '1.00', on: '2025-12-02' }],
      [`/api/filings/${loan1}/classification`, { classification: 'loss', overdueSince: null, on: '2025-12-02' }],
    ] as const) {
      const res = await send(bankA, 'POST', path, body);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as any).errors).toEqual([
        {
          field: 'on',
          code: 'loan.report_in_future',
          en: 'must not be after today (2025-12-01)',
          zh: '不能晚于今天（2025-12-01）',
        },
      ]);
    }
    const bulk = await ok(
      await send(bankA, 'POST', '/api/repayments', { items: [{ filingId: loan1, amount: '1.00', on: '2025-12-02' }] }),
    );
    expect(bulk.items[0]).toMatchObject({ ok: false, status: 400, errors: [{ field: 'on' }] });
    // overdue since before the loan existed would make it non-performing at once (R6)
    const early = await send(bankA, 'POST', `/api/filings/${loan1}/classification`, {
      classification: 'normal',
      overdueSince: '1990-01-01',
      on: '2025-12-01',
    });
    expect(early.status).toBe(400);
    expect(((await early.json()) as any).errors).toEqual([
      {
        field: 'overdueSince',
        code: 'loan.overdue_before_disbursement',
        en: 'must not be before the loan was disbursed',
        zh: '不能早于放款日期',
      },
    ]);
    const after = await ok(await send(bankA, 'GET', `/api/filings/${loan1}`));
    expect(after).toMatchObject({
      outstanding: before.outstanding,
      reserved: before.reserved,
      version: before.version,
      classification: before.classification,
    });
  });

  it('claims need a non-performing loan; maker–checker; paid from cash', async () => {
    day = '2026-01-05';
    const early = await send(bankA, 'POST', '/api/claims', { filingId: loan1 });
    expect(early.status).toBe(422);
    expect(await early.json()).toMatchObject({
      detail:
        'the loan is not non-performing: classify it substandard or worse, or report it overdue more than 90 days (R6, G9)',
      errors: [{ field: 'filingId', code: 'claim.loan_not_non_performing' }],
    });
    day = '2026-04-10';
    await ok(
      await send(bankA, 'POST', `/api/filings/${loan1}/classification`, {
        classification: 'substandard',
        overdueSince: '2026-01-01',
        on: '2026-04-10',
      }),
    );
    day = '2026-04-13';
    for (const c of [manager, reviewer, auditor, guarantor])
      expect((await send(c, 'POST', '/api/claims', { filingId: loan1 })).status).toBe(403);
    expect((await send(bankB, 'POST', '/api/claims', { filingId: loan1 })).status).toBe(404);
    const claim = await ok(
      await send(bankA, 'POST', '/api/claims', { filingId: loan1 }, { 'idempotency-key': 'claim-A-1-0001' }),
      201,
    );
    expect(claim).toMatchObject({
      state: 'submitted',
      compensation: '3000000.00',
      outstanding: '6000000.00',
      overdue: false,
    });
    expect(claim.reasons.map((r: any) => r.zh).slice(0, 2)).toEqual([
      '贷款已列为不良（次级类，逾期自 2026-01-01）',
      '按备案时锁定的比例 50% × 本金余额 6,000,000.00 元 = 3,000,000.00 元',
    ]);
    expect(claim.reasons[1].en).toBe('Ratio fixed at filing 50% × outstanding 6,000,000.00 yuan = 3,000,000.00 yuan');
    expect(claim.dueBy > day).toBe(true);
    claim1 = claim.id;
    expect((await send(bankB, 'GET', `/api/claims/${claim1}`)).status).toBe(404);
    expect((await send(bankA, 'POST', `/api/claims/${claim1}/prepare`)).status).toBe(403);
    expect((await send(reviewer, 'POST', `/api/claims/${claim1}/prepare`)).status).toBe(403);
    expect((await ok(await send(manager, 'POST', `/api/claims/${claim1}/prepare`))).state).toBe('under-review');
    const own = await send(manager, 'POST', `/api/claims/${claim1}/approve`);
    expect(own.status).toBe(403);
    expect(await own.json()).toMatchObject({
      detailZh: '初审人不能批准自己初审的补偿申请（双人复核，R18）',
      errors: [
        {
          field: 'decider',
          code: 'claim.preparer_cannot_decide',
          zh: '初审人不能批准自己初审的补偿申请（双人复核，R18）',
        },
      ],
    });
    expect((await send(bankA, 'POST', `/api/claims/${claim1}/approve`)).status).toBe(403);
    expect((await send(reviewer, 'POST', `/api/claims/${claim1}/reject`, { reason: '' })).status).toBe(400);
    expect((await ok(await send(reviewer, 'POST', `/api/claims/${claim1}/approve`))).state).toBe('approved');
    expect((await send(reviewer, 'POST', `/api/claims/${claim1}/pay`)).status).toBe(403);
    expect((await ok(await send(manager, 'POST', `/api/claims/${claim1}/pay`))).state).toBe('paid');
    const detail = await ok(await send(auditor, 'GET', `/api/claims/${claim1}`));
    expect(detail.events.map((e: any) => e.to)).toEqual(['submitted', 'under-review', 'approved', 'paid']);
  });

  it('a claim waits in the queue while cash is short and a top-up pays it (R7a)', async () => {
    const a2 = {
      bankRef: 'A-2',
      creditCode: creditCode(3),
      loan: { kind: 'credit', principal: '1000000.00', disbursedOn: '2026-04-10', mode: 'direct' },
    };
    // Claim 1 took the fund's 3,000,000.00: its own money is 0, so is its limit, and filings wait (R15).
    const refused = await send(bankA, 'POST', '/api/filings', a2);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as any).errors).toMatchObject([{ field: 'rule:fund-liability-limit' }]);
    await ok(await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '100000.00', on: '2026-04-13' }), 201);
    const f = await ok(await send(bankA, 'POST', '/api/filings', a2), 201);
    day = '2026-04-20';
    await ok(
      await send(bankA, 'POST', `/api/filings/${f.id}/classification`, {
        classification: 'doubtful',
        on: '2026-04-20',
      }),
    );
    const c = await ok(await send(bankA, 'POST', '/api/claims', { filingId: f.id }), 201);
    await ok(await send(manager2, 'POST', `/api/claims/${c.id}/prepare`));
    await ok(await send(manager, 'POST', `/api/claims/${c.id}/approve`));
    const queued = await ok(await send(manager, 'POST', `/api/claims/${c.id}/pay`));
    expect(queued.state).toBe('queued');
    expect((await ok(await send(bankA, 'GET', `/api/claims/${c.id}`))).queuePosition).toBe(1);
    day = '2026-04-22'; // the money arrives two days later (a top-up is not dated after today)
    expect(
      (await send(reviewer, 'POST', '/api/funds/etown/top-ups', { amount: '1000000.00', on: '2026-04-22' })).status,
    ).toBe(403);
    const topUp = await ok(
      await send(
        manager,
        'POST',
        '/api/funds/etown/top-ups',
        { amount: '1000000.00', on: '2026-04-22' },
        { 'idempotency-key': 'top-up-2026-04' },
      ),
      201,
    );
    expect(topUp.queuedClaimsPaid).toBe(1);
    const replay = await ok(
      await send(
        manager,
        'POST',
        '/api/funds/etown/top-ups',
        { amount: '1000000.00', on: '2026-04-22' },
        { 'idempotency-key': 'top-up-2026-04' },
      ),
      201, // the first answer's status (was 200 for a replay)
    );
    expect(replay.replayed).toBe(true);
    expect((await ok(await send(manager, 'GET', '/api/funds/etown'))).capital).toBe('4100000.00');
    expect((await ok(await send(bankA, 'GET', `/api/claims/${c.id}`))).state).toBe('paid');
    const list = await ok(await send(bankB, 'GET', '/api/claims'));
    expect(list.items).toHaveLength(0);
    expect((await ok(await send(auditor, 'GET', '/api/claims?state=paid'))).items).toHaveLength(2);
    expect((await ok(await send(bankA, 'GET', `/api/claims?filingId=${f.id}`))).items.map((x: any) => x.id)).toEqual([
      c.id,
    ]);
    expect((await ok(await send(bankB, 'GET', `/api/claims?filingId=${f.id}`))).items).toHaveLength(0);
  });

  it('recoveries flow back in the fund’s share (R8); never more than the loan’s principal', async () => {
    day = '2026-06-01';
    const future = await send(bankA, 'POST', `/api/claims/${claim1}/recoveries`, { amount: '1.00', on: '2026-06-02' });
    expect(future.status).toBe(400);
    expect(((await future.json()) as any).errors[0].field).toBe('on');
    day = '2026-06-02';
    expect(
      (await send(bankB, 'POST', `/api/claims/${claim1}/recoveries`, { amount: '1000000.00', on: '2026-06-01' }))
        .status,
    ).toBe(404);
    expect(
      (await send(auditor, 'POST', `/api/claims/${claim1}/recoveries`, { amount: '1000000.00', on: '2026-06-01' }))
        .status,
    ).toBe(403);
    const key = { 'idempotency-key': 'recovery-A-1-0001' };
    const r = await ok(
      await send(bankA, 'POST', `/api/claims/${claim1}/recoveries`, { amount: '1000000.00', on: '2026-06-01' }, key),
      201,
    );
    expect(r.refund).toBe('500000.00');
    expect(
      (
        await ok(
          await send(
            bankA,
            'POST',
            `/api/claims/${claim1}/recoveries`,
            { amount: '1000000.00', on: '2026-06-01' },
            key,
          ),
          201, // the first answer's status (was 200 for a replay)
        )
      ).id,
    ).toBe(r.id);
    expect(
      (await send(bankA, 'POST', `/api/claims/${claim1}/recoveries`, { amount: '1000000.00', on: '2026-05-31' }, key))
        .status,
    ).toBe(422);
    const over = await send(bankA, 'POST', `/api/claims/${claim1}/recoveries`, {
      amount: '5000000.01',
      on: '2026-06-02',
    });
    expect(over.status).toBe(400);
    expect(((await over.json()) as any).errors[0].field).toBe('amount');
    expect((await ok(await send(auditor, 'GET', `/api/claims/${claim1}/recoveries`))).items).toHaveLength(1);
    for (const c of [bankB, guarantor])
      expect((await send(c, 'GET', `/api/claims/${claim1}/recoveries`)).status).toBe(404);
  });

  it('circuit breakers: staff see every bank, a bank only its own', async () => {
    const all = await ok(await send(reviewer, 'GET', '/api/breakers'));
    expect(all.items.map((b: any) => b.bankId).sort()).toEqual(['bank-a', 'bank-b']);
    const a = all.items.find((b: any) => b.bankId === 'bank-a');
    expect(a).toMatchObject({
      tripped: false,
      compensationPaid: '3500000.00',
      refunded: '500000.00',
      netCompensation: '3000000.00',
      bankName: '甲银行经开区支行',
      bankNameEn: null,
    });
    expect((await ok(await send(bankA, 'GET', '/api/breakers'))).items.map((b: any) => b.bankId)).toEqual(['bank-a']);
    expect((await send(bankA, 'GET', '/api/breakers/bank-b')).status).toBe(404);
    expect((await ok(await send(bankA, 'GET', '/api/breakers/bank-a'))).why.zh).toMatch(
      /^未熔断：代偿申请比例 \d+(\.\d+)?%（阈值 3%），净补偿 [\d,]+\.\d\d 元（阈值 5,000,000\.00 元）$/,
    );
  });

  it('every change is in the audit log with who, before and after; only staff read it', async () => {
    for (const c of [bankA, guarantor]) expect((await send(c, 'GET', '/api/audit')).status).toBe(403);
    const page = await ok(await send(auditor, 'GET', `/api/audit?entityKind=claim&entityId=${claim1}&limit=2`));
    expect(page.items).toHaveLength(2);
    expect(page.items[0].seq).toBeGreaterThan(page.items[1].seq);
    const next = await ok(
      await send(auditor, 'GET', `/api/audit?entityKind=claim&entityId=${claim1}&limit=50&cursor=${page.nextCursor}`),
    );
    const actions = [...page.items, ...next.items].map((e: any) => e.action).reverse();
    expect(actions).toEqual(['claim.submit', 'claim.prepare', 'claim.approve', 'claim.pay']);
    // Each entry names its record as people know it (issue 18): the claim by its number.
    const number = (await ok(await send(auditor, 'GET', `/api/claims/${claim1}`))).number;
    expect(number).toMatch(/^BP-\d{4}-\d{6}$/);
    for (const e of [...page.items, ...next.items])
      expect(e.entityName).toEqual({ kind: 'claim', id: claim1, zh: number, en: number });
    const registry = await ok(await send(manager, 'GET', '/api/audit?entityKind=institution&entityId=bank-a'));
    expect(registry.items[0]).toMatchObject({
      actor: 'manager',
      action: 'institution.register',
      after: { id: 'bank-a' },
      entityName: { kind: 'bank', id: 'bank-a', zh: '甲银行经开区支行' },
    });
    // A loan by its contract number; a ledger batch by the loan or claim its first transfer is for.
    const filingId = (await ok(await send(auditor, 'GET', `/api/claims/${claim1}`))).filingId;
    const loan = await ok(await send(auditor, 'GET', `/api/audit?entityKind=filing&entityId=${filingId}`));
    const bankRef = (await ok(await send(auditor, 'GET', `/api/filings/${filingId}`))).bankRef;
    expect(loan.items[0].entityName).toEqual({ kind: 'filing', id: filingId, zh: bankRef, en: bankRef });
    const ledger = await ok(await send(auditor, 'GET', '/api/audit?entityKind=ledger&limit=500'));
    expect(ledger.items.filter((e: any) => !e.entityName).map((e: any) => e.entityId)).toEqual([]);
    for (const e of ledger.items)
      if (e.entityName.kind === 'filing') expect(e.entityId.startsWith(e.entityName.id)).toBe(true);
    expect([...new Set(ledger.items.map((e: any) => e.entityName.kind))]).toEqual(
      expect.arrayContaining(['claim', 'filing', 'fund']),
    );
    const enterprise = await ok(await send(reviewer, 'GET', '/api/audit?entityKind=enterprise&limit=500'));
    expect(enterprise.items.filter((e: any) => e.action === 'enterprise.register')).toHaveLength(3);
  });

  it('a manager adds users for registered institutions; the new officer signs in and sees its bank', async () => {
    const officer = {
      username: 'bank-a-2',
      displayName: '甲银行 王',
      role: 'bank',
      password: 'a long passphrase',
      bankId: 'bank-a',
    };
    for (const c of [reviewer, auditor, bankA, guarantor])
      expect((await send(c, 'POST', '/api/users', officer)).status).toBe(403);
    const bad = await send(manager, 'POST', '/api/users', { ...officer, bankId: 'g-1' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].field).toBe('bankId');
    expect(await ok(await send(manager, 'POST', '/api/users', officer), 201)).toMatchObject({
      username: 'bank-a-2',
      bankId: 'bank-a',
    });
    const login = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bank-a-2', password: 'a long passphrase' }),
    });
    expect(login.status).toBe(200);
    expect((await ok(await send(auditor, 'GET', '/api/users'))).items.map((u: any) => u.username)).toContain(
      'bank-a-2',
    );
    expect((await send(bankA, 'GET', '/api/users')).status).toBe(403);
  });

  it('every role is refused what it may not do', async () => {
    const { bankA: a, ...rest } = roles();
    void a;
    for (const [name, c] of Object.entries(rest)) {
      if (name !== 'manager') expect((await send(c, 'POST', '/api/funds/etown/pay-queue')).status, name).toBe(403);
    }
    expect((await send(guarantor, 'POST', `/api/claims/${claim1}/withdraw`)).status).toBe(403);
    // The bulk routes: who may do one may do many (registering: banks and managers; repayments: the same).
    for (const c of [reviewer, auditor, guarantor]) {
      expect(
        (
          await send(c, 'POST', '/api/enterprises/bulk', {
            enterprises: [
              {
                creditCode: creditCode(77),
                name: '企业77',
                size: 'small',
                industry: 'software',
                sciTech: true,
                registeredInZone: true,
              },
            ],
          })
        ).status,
      ).toBe(403);
      expect(
        (await send(c, 'POST', '/api/repayments', { items: [{ filingId: loan1, amount: '1.00', on: '2026-04-20' }] }))
          .status,
      ).toBe(403);
    }
  });
});

describe('a filing in late December, before next year’s holiday notice is in the calendar (G6)', () => {
  it('is judged from the working days gone by; its deadline is shown as provisional', async () => {
    const before = day;
    day = '2026-12-30';
    try {
      const loan = { kind: 'credit', principal: '100000.00', disbursedOn: '2026-12-28', mode: 'direct' };
      // Enterprise 3's loan A-2 was compensated and not recovered: no new loan for it in the fund (R17).
      const bad = await send(bankB, 'POST', '/api/filings', { bankRef: 'B-dec', creditCode: creditCode(3), loan });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as any).errors).toEqual([
        expect.objectContaining({
          field: 'rule:no-bad-loan',
          code: 'filing.refused_by_rule',
          zh: '在本资金中有不良或已代偿未收回的贷款：是（须为否，R17）',
        }),
      ]);
      const filed = await ok(
        await send(bankB, 'POST', '/api/filings', { bankRef: 'B-dec', creditCode: creditCode(2), loan }),
        201,
      );
      const deadline = filed.reasons.find((r: any) => r.rule === 'filing-deadline');
      expect(deadline).toMatchObject({ ok: true, cites: expect.arrayContaining(['G6']) });
      expect(deadline.en).toMatch(/by 2027-01-12, provisional: weekends only, no 2027 holiday notice yet/);
      // From the first day of the year the calendar does not hold, a filing cannot be judged: a 400 naming the date.
      day = '2027-01-04';
      const res = await send(bankB, 'POST', '/api/filings', { bankRef: 'B-jan', creditCode: creditCode(2), loan });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        errors: [
          {
            field: 'loan.disbursedOn',
            code: 'policy.calendar_year_missing',
            en: expect.stringMatching(/no data for 2027/),
          },
        ],
      });
      expect((await ok(await send(bankB, 'GET', '/api/filings'))).items.map((f: any) => f.bankRef)).not.toContain(
        'B-jan',
      );
    } finally {
      day = before;
    }
  });
});
