/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Inputs a careless or hostile client sends — text PostgreSQL cannot keep, cursors and dates that
 * are not what they claim, amounts beyond any fund — answer a 4xx problem naming the field (never a
 * 500), and a refused request writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, send, signInCast, startTestApp, type Client, openEtownForBankA } from './harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, auditor: Client, bankA: Client;

beforeAll(async () => {
  t = await startTestApp({ today: () => '2025-09-03' });
  ({ manager, auditor, bankA } = await signInCast(t));
  await openEtownForBankA(manager, creditCode(1));
}, 120_000);
afterAll(async () => t?.close());

async function problem(res: Response, status = 400) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return JSON.parse(text);
}
const fields = (p: any) => p.errors.map((e: any) => e.field);
const auditCount = async () => (await ok(await send(auditor, 'GET', '/api/audit?limit=500'))).items.length;

describe('text the database cannot keep', () => {
  it('a NUL or a control character in a path id, a query parameter or a body field is a 400 naming it, never a 500', async () => {
    for (const path of [
      '/api/filings/%00',
      '/api/claims/a%00b/recoveries',
      '/api/programmes/%00',
      '/api/ledger/accounts/%00/history',
      '/api/funds/%07',
    ]) {
      expect(fields(await problem(await send(manager, 'GET', path)))).toEqual(['id']);
    }
    expect(fields(await problem(await send(manager, 'GET', '/api/filings?fundId=%00')))).toEqual(['fundId']);
    expect(fields(await problem(await send(manager, 'GET', '/api/reports/position?fundId=a%1Bb')))).toEqual(['fundId']);
    const before = await auditCount();
    const filing = {
      bankRef: 'A-\u0000',
      creditCode: creditCode(1),
      loan: { kind: 'credit', principal: '100000.00', disbursedOn: '2025-09-01', mode: 'direct' },
    };
    expect(fields(await problem(await send(bankA, 'POST', '/api/filings', filing)))).toEqual(['bankRef']);
    expect(
      fields(
        await problem(
          await send(manager, 'POST', '/api/funds/etown/top-ups', {
            amount: '1.00',
            on: '2025-01-05',
            note: 'a\u0007b',
          }),
        ),
      ),
    ).toEqual(['note']);
    expect(
      fields(
        await problem(
          await send(bankA, 'POST', '/api/repayments', {
            items: [{ filingId: 'x\u0000', amount: '1.00', on: '2025-09-02' }],
          }),
        ),
      ),
    ).toEqual(['items[0].filingId']);
    expect(await auditCount()).toBe(before);
    expect((await ok(await send(bankA, 'GET', '/api/filings'))).items).toHaveLength(0);
  });

  it('a lone surrogate is not text: 400 naming the field, nothing written', async () => {
    const before = await auditCount();
    const res = await send(
      manager,
      'POST',
      '/api/funds/etown/top-ups',
      '{"amount":"1.00","on":"2025-01-05","note":"\\ud800"}',
    );
    expect(fields(await problem(res))).toEqual(['note']);
    expect(await auditCount()).toBe(before);
  });

  it('tabs and line breaks in free text are fine; an escaped backslash is not a control character', async () => {
    const res = await send(
      manager,
      'POST',
      '/api/funds/etown/top-ups',
      '{"amount":"1.00","on":"2025-01-05","note":"line one\\nline\\ttwo \\\\u0000"}',
    );
    expect((await ok(res, 201)).note).toBe('line one\nline\ttwo \\u0000');
  });

  it('a control character deep inside 100,000 nested arrays is a 400, not a 500 (the walk keeps its own stack)', async () => {
    const deep = `${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`;
    const res = await send(manager, 'POST', '/api/funds/etown/top-ups', deep);
    expect((await problem(res)).errors[0]).toMatchObject({
      code: 'request.invalid_text',
      en: expect.stringMatching(/control characters/),
    });
  });

  it('a body that is not JSON is 415 naming the Content-Type', async () => {
    const res = await send(manager, 'POST', '/api/funds/etown/top-ups', '{"amount":"1.00","on":"2025-01-05"}', {
      'content-type': 'text/plain',
    });
    expect(fields(await problem(res, 415))).toEqual(['Content-Type']);
  });
});

describe('cursors and filters that are not what they claim', () => {
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify([value, 'some-id'])).toString('base64url');

  it('a made-up or foreign cursor is a 400 on cursor, never a 500', async () => {
    for (const path of ['/api/filings', '/api/filings?sort=principal', '/api/claims', '/api/enterprises']) {
      for (const cursor of [
        cursorOf('x'),
        cursorOf({ a: 1 }),
        cursorOf(null),
        'garbage',
        Buffer.from('[1]').toString('base64url'),
      ]) {
        const res = await send(manager, 'GET', `${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}`);
        if (path === '/api/enterprises' && cursor === cursorOf('x')) {
          await ok(res);
          continue;
        } // a name is any text
        expect(fields(await problem(res))).toEqual(['cursor']);
      }
    }
    // a cursor given out for one sort, used with another
    await ok(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: 'A-c1',
        creditCode: creditCode(1),
        loan: { kind: 'credit', principal: '100000.00', disbursedOn: '2025-09-01', mode: 'direct' },
      }),
      201,
    );
    await ok(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: 'A-c2',
        creditCode: creditCode(1),
        loan: { kind: 'credit', principal: '200000.00', disbursedOn: '2025-09-01', mode: 'direct' },
      }),
      201,
    );
    const page = await ok(await send(bankA, 'GET', '/api/filings?sort=principal&limit=1'));
    expect(page.nextCursor).toBeTruthy();
    expect(
      (await ok(await send(bankA, 'GET', `/api/filings?sort=principal&limit=1&cursor=${page.nextCursor}`))).items[0]
        .bankRef,
    ).toBe('A-c2');
    expect(
      fields(await problem(await send(bankA, 'GET', `/api/filings?sort=filedOn&cursor=${page.nextCursor}`))),
    ).toEqual(['cursor']);
  });

  it('an impossible filing date filter is a 400 naming it', async () => {
    expect(
      fields(await problem(await send(manager, 'GET', '/api/filings?filedFrom=2025-02-30&filedTo=2025-13-01'))),
    ).toEqual(['filedFrom', 'filedTo']);
    await ok(await send(manager, 'GET', '/api/filings?filedFrom=2024-02-29'));
  });
});

describe('funds: amounts beyond any fund, a zero top-up, a programme twice, a reused key', () => {
  it('a capital, top-up or quota beyond 1,000,000,000,000.00 yuan is a 400 naming it (was a 500: bigint out of range), nothing written', async () => {
    const fund = {
      id: 'huge',
      name: 'x',
      programmes: ['etown-2023-small-micro'],
      liabilityMultiple: '10',
      on: '2024-01-02',
    };
    for (const capital of ['99999999999999999.99', '9'.repeat(40), '1000000000000.01']) {
      expect(fields(await problem(await send(manager, 'POST', '/api/funds', { ...fund, capital })))).toEqual([
        'capital',
      ]);
    }
    expect(
      fields(
        await problem(
          await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '99999999999999999.99', on: '2025-01-05' }),
        ),
      ),
    ).toEqual(['amount']);
    const signed = await ok(
      await send(manager, 'POST', '/api/agreements', {
        fundId: 'etown',
        programmeId: 'etown-2023-small-micro',
        institutionId: 'bank-b',
        signedOn: '2024-01-01',
        quota: '1000.00',
      }),
      201,
    );
    const afterSigning = await auditCount();
    expect(
      fields(await problem(await send(manager, 'PATCH', `/api/agreements/${signed.id}`, { quota: '9'.repeat(30) }))),
    ).toEqual(['quota']);
    expect(await auditCount()).toBe(afterSigning);
    expect((await send(manager, 'GET', '/api/funds/huge')).status).toBe(404);
    expect((await ok(await send(manager, 'GET', '/api/funds/etown'))).capital).toBe('3000001.00');
    await ok(
      await send(manager, 'POST', '/api/funds', {
        ...fund,
        id: 'big',
        capital: '1000000000000.00',
        liabilityMultiple: '999.9999',
      }),
      201,
    );
  });

  it('a top-up of 0 is a 400 on amount (was a 500 from the ledger), nothing written', async () => {
    const before = await auditCount();
    expect(
      fields(
        await problem(await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '0.00', on: '2025-01-05' })),
      ),
    ).toEqual(['amount']);
    expect(await auditCount()).toBe(before);
  });

  it('a top-up dated before the fund’s start (its first top-up) is a 400 on `on` with code fund.top_up_before_start, nothing written', async () => {
    const before = await auditCount();
    const p = await problem(
      await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '5.00', on: '2024-01-01' }),
    );
    expect(p.errors).toEqual([
      expect.objectContaining({
        field: 'on',
        code: 'fund.top_up_before_start',
        zh: '不能早于补偿资金的起始日（2024-01-02）',
      }),
    ]);
    expect(await auditCount()).toBe(before);
    // On the start day itself it is fine.
    await ok(await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '5.00', on: '2024-01-02' }), 201);
  });

  it('a programme listed twice is a 400 naming the second (was a 500), no fund written', async () => {
    const res = await send(manager, 'POST', '/api/funds', {
      id: 'twice',
      name: 'x',
      programmes: ['etown-2023-small-micro', 'etown-2023-small-micro'],
      liabilityMultiple: '10',
      capital: '1.00',
      on: '2024-01-02',
    });
    expect(fields(await problem(res))).toEqual(['programmes[1]']);
    expect((await send(manager, 'GET', '/api/funds/twice')).status).toBe(404);
  });

  it('a top-up’s Idempotency-Key with another date or note is 422; the same request again is the first answer (201, its status)', async () => {
    const key = { 'idempotency-key': 'top-up-robust-1' };
    const first = await ok(
      await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '2.00', on: '2025-02-01', note: 'a' }, key),
      201,
    );
    const again = await ok(
      await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '2.00', on: '2025-02-01', note: 'a' }, key),
      201,
    );
    expect(again).toMatchObject({ id: first.id, replayed: true });
    expect(
      fields(
        await problem(
          await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '2.00', on: '2025-03-01', note: 'a' }, key),
          422,
        ),
      ),
    ).toEqual(['Idempotency-Key']);
    expect(
      fields(
        await problem(
          await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '2.00', on: '2025-02-01', note: 'b' }, key),
          422,
        ),
      ),
    ).toEqual(['Idempotency-Key']);
  });
});

describe('search words', () => {
  it('% and _ in an enterprise search are the characters, not wildcards', async () => {
    expect((await ok(await send(manager, 'GET', '/api/enterprises?q=%25'))).items).toHaveLength(0);
    expect((await ok(await send(manager, 'GET', '/api/enterprises?q=_'))).items).toHaveLength(0);
    expect(
      (await ok(await send(manager, 'GET', `/api/enterprises?q=${encodeURIComponent('企业')}`))).items,
    ).toHaveLength(1);
  });
});

describe('agreements', () => {
  it('an agreement that ends before it is signed is a 400 on endsOn, nothing written', async () => {
    const res = await send(manager, 'POST', '/api/agreements', {
      fundId: 'etown',
      programmeId: 'etown-2025-sci-tech',
      institutionId: 'g-1',
      signedOn: '2025-07-10',
      endsOn: '2025-01-01',
    });
    expect(fields(await problem(res))).toEqual(['endsOn']);
    expect(
      (await ok(await send(manager, 'GET', '/api/agreements'))).items.some((a: any) => a.institutionId === 'g-1'),
    ).toBe(false);
  });
});

describe('filings whose parts disagree', () => {
  const loan = {
    kind: 'credit',
    principal: '100000.00',
    disbursedOn: '2025-09-01',
    maturesOn: '2026-08-31',
    mode: 'direct',
  };

  it('an enterpriseId and a creditCode of two different enterprises is a 400 on creditCode (was filed for the enterpriseId)', async () => {
    await ok(
      await send(manager, 'POST', '/api/enterprises', {
        creditCode: creditCode(2),
        name: '企业2',
        size: 'small',
        industry: 'software',
        sciTech: true,
        registeredInZone: true,
      }),
      201,
    );
    const one = (await ok(await send(manager, 'GET', `/api/enterprises?q=${creditCode(1)}`))).items[0];
    const res = await send(bankA, 'POST', '/api/filings', {
      bankRef: 'A-mix',
      enterpriseId: one.id,
      creditCode: creditCode(2),
      loan,
    });
    expect(fields(await problem(res))).toEqual(['creditCode']);
    expect((await ok(await send(bankA, 'GET', '/api/filings?bankRef=A-mix'))).items).toHaveLength(0);
    await ok(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: 'A-mix',
        enterpriseId: one.id,
        creditCode: creditCode(1).toLowerCase(),
        loan,
      }),
      201,
    );
  });

  it('a disbursement more than a year after the filing date is a 400 naming the field (it was a complaint about the holiday calendar of 2099), filed or amended, nothing written', async () => {
    const before = await auditCount();
    for (const disbursedOn of ['2099-01-01', '2026-09-05']) {
      const res = await send(bankA, 'POST', '/api/filings', {
        bankRef: `A-far-${disbursedOn}`,
        creditCode: creditCode(1),
        loan: { ...loan, disbursedOn, maturesOn: `${Number(disbursedOn.slice(0, 4)) + 1}-01-01` },
      });
      expect(await problem(res)).toMatchObject({
        errors: [
          {
            field: 'loan.disbursedOn',
            code: 'filing.disbursed_too_late',
            en: 'must not be more than a year after the filing date (2025-09-03)',
            zh: '不能晚于备案日（2025-09-03）一年以上',
          },
        ],
      });
    }
    expect(await auditCount()).toBe(before);
    // A year ahead is still a filing before disbursement (G6): judged as usual.
    const ahead = await send(bankA, 'POST', '/api/filings', {
      bankRef: 'A-ahead',
      creditCode: creditCode(1),
      loan: { ...loan, disbursedOn: '2026-09-04', maturesOn: '2027-09-04' },
    });
    expect(ahead.status).toBe(201);
    const f = await ok(
      await send(bankA, 'POST', '/api/filings', { bankRef: 'A-far-amend', creditCode: creditCode(1), loan }),
      201,
    );
    expect(
      fields(
        await problem(
          await send(bankA, 'PATCH', `/api/filings/${f.id}`, {
            disbursedOn: '2099-01-01',
            maturesOn: '2100-01-01',
            reason: '更正',
          }),
        ),
      ),
    ).toEqual(['disbursedOn']);
  });

  it('an amendment that puts maturity on or before disbursement is a 400 naming the field it changed, nothing changed', async () => {
    const f = await ok(
      await send(bankA, 'POST', '/api/filings', { bankRef: 'A-amend', creditCode: creditCode(1), loan }),
      201,
    );
    const before = await auditCount();
    expect(
      fields(
        await problem(await send(bankA, 'PATCH', `/api/filings/${f.id}`, { maturesOn: '2025-08-01', reason: '更正' })),
      ),
    ).toEqual(['maturesOn']);
    expect(
      fields(
        await problem(
          await send(bankA, 'PATCH', `/api/filings/${f.id}`, { disbursedOn: '2026-09-01', reason: '更正' }),
        ),
      ),
    ).toEqual(['disbursedOn']);
    expect(await auditCount()).toBe(before);
    expect(await ok(await send(bankA, 'GET', `/api/filings/${f.id}`))).toMatchObject({
      disbursedOn: '2025-09-01',
      maturesOn: '2026-08-31',
      version: f.version,
    });
  });
});
