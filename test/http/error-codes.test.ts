/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * One refusal per feature over HTTP: each answer is a problem whose field errors carry a stable
 * code (docs/API.md "Error codes") and their text in Chinese and English, with the detail in both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, post, send, signInCast, startTestApp, type Client, openEtownForBankA } from './harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, manager2: Client, bankA: Client, auditor: Client;
let filingId: string;

const loan = { kind: 'credit', principal: '1000000.00', disbursedOn: '2025-09-01', mode: 'direct' };

beforeAll(async () => {
  t = await startTestApp({ today: () => '2025-09-03' });
  ({ manager, manager2, bankA, auditor } = await signInCast(t));
  await openEtownForBankA(manager, creditCode(1));
  filingId = (
    await ok(await send(bankA, 'POST', '/api/filings', { bankRef: 'E-1', creditCode: creditCode(1), loan }), 201)
  ).id;
}, 120_000);
afterAll(async () => t?.close());

/** The answer is a problem with `code` on its first field error, and every text in both languages. */
async function refusal(res: Response, status: number, code: string, field?: string) {
  const body = (await res.json()) as any;
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(body).toMatchObject({ status, detail: expect.any(String), detailZh: expect.any(String) });
  expect(body.errors.length).toBeGreaterThan(0);
  for (const e of body.errors) expect(Object.keys(e).sort()).toEqual(['code', 'en', 'field', 'zh']);
  expect(body.errors[0]).toMatchObject({ code, ...(field ? { field } : {}) });
  expect(body.errors[0].zh).toMatch(/\p{Script=Han}/u);
  expect(body.errors[0].en).toMatch(/[a-z]/);
  return body;
}

describe('every refusal has a stable code and both languages', () => {
  it('validation: a missing field, a wrong type, a value of no allowed kind', async () => {
    await refusal(
      await send(bankA, 'POST', '/api/filings', { creditCode: creditCode(1), loan }),
      400,
      'request.required',
      'bankRef',
    );
    await refusal(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: 'E-2',
        creditCode: creditCode(1),
        loan: { ...loan, mode: 'x' },
      }),
      400,
      'request.invalid_value',
      'loan.mode',
    );
    await refusal(
      await t.app.request('/api/evaluate', post('{"enterprise": ')),
      400,
      'request.malformed_json',
      '(body)',
    );
    await refusal(await t.app.request('/api/no-such-route'), 404, 'request.not_found');
  });

  it('auth: not signed in, a role that may not, a wrong password', async () => {
    await refusal(await t.app.request('/api/filings'), 401, 'auth.unauthenticated', 'Authorization');
    await refusal(
      await send(auditor, 'POST', '/api/funds/etown/top-ups', { amount: '1.00', on: '2025-09-01' }),
      403,
      'auth.forbidden',
    );
    await refusal(
      await t.app.request('/api/auth/login', post({ username: 'manager', password: 'wrong password' })),
      401,
      'auth.invalid_credentials',
      'password',
    );
  });

  it('registry: a credit code registered already, a wrong check character', async () => {
    const enterprise = { name: '企业', size: 'small', industry: 'software', sciTech: true, registeredInZone: true };
    await refusal(
      await send(manager, 'POST', '/api/enterprises', { ...enterprise, creditCode: creditCode(1) }),
      409,
      'registry.credit_code_taken',
      'creditCode',
    );
    await refusal(
      await send(manager, 'POST', '/api/enterprises', { ...enterprise, creditCode: '91350100M000100Y44' }),
      400,
      'registry.invalid_credit_code',
      'creditCode',
    );
  });

  it('funds: a fund id taken, a top-up before the fund started', async () => {
    await refusal(
      await send(manager, 'POST', '/api/funds', {
        id: 'etown',
        name: 'x',
        programmes: [],
        liabilityMultiple: '10',
        capital: '1.00',
        on: '2024-01-02',
      }),
      409,
      'fund.id_taken',
      'id',
    );
    await refusal(
      await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '1.00', on: '2024-01-01' }),
      400,
      'fund.top_up_before_start',
      'on',
    );
  });

  it('filings: filed already, refused by a rule, not found', async () => {
    await refusal(
      await send(bankA, 'POST', '/api/filings', { bankRef: 'E-1', creditCode: creditCode(1), loan }),
      409,
      'filing.filed_already',
      'bankRef',
    );
    const refused = await refusal(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: 'E-3',
        creditCode: creditCode(1),
        programme: 'etown-2023-small-micro',
        loan: { ...loan, principal: '12000000.00' },
      }),
      422,
      'filing.refused_by_rule',
    );
    expect(refused.errors.map((e: any) => e.field)).toContain('rule:size-limit');
    await refusal(await send(bankA, 'GET', '/api/filings/no-such-loan'), 404, 'filing.not_found', 'id');
  });

  it('claims: a claim for a loan that is not non-performing; maker–checker', async () => {
    await refusal(
      await send(bankA, 'POST', '/api/claims', { filingId }),
      422,
      'claim.loan_not_non_performing',
      'filingId',
    );
    await refusal(await send(manager2, 'GET', '/api/claims/no-such-claim'), 404, 'claim.not_found');
  });

  it('imports: not multipart, a job not found; an unknown API token', async () => {
    await refusal(await send(bankA, 'POST', '/api/imports', { file: 'x' }), 415, 'import.not_multipart', 'file');
    await refusal(await send(bankA, 'GET', '/api/imports/no-such-job'), 404, 'import.not_found', 'id');
    await refusal(
      await t.app.request('/api/imports', { headers: { authorization: 'Bearer nope' } }),
      401,
      'auth.invalid_token',
      'Authorization',
    );
  });

  it('calendar: a year that would leave a gap; simulation: a job that does not exist', async () => {
    await refusal(
      await send(manager, 'PUT', '/api/calendar/2030', {
        notice: 'x',
        holidays: [{ name: '元旦', from: '2030-01-01', to: '2030-01-01' }],
        makeUpWorkdays: [],
      }),
      400,
      'calendar.year_gap',
      'year',
    );
    await refusal(await send(manager, 'GET', '/api/simulations/no-such-job'), 404, 'simulation.not_found');
    await refusal(
      await send(manager, 'POST', '/api/simulations', { portfolio: { source: 'book' }, variants: [] }),
      400,
      'request.too_small',
    );
  });

  it('idempotency: a key reused for another request', async () => {
    const key = { 'idempotency-key': 'error-codes-0001' };
    await ok(await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '1.00', on: '2025-09-01' }, key), 201);
    await refusal(
      await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '2.00', on: '2025-09-01' }, key),
      422,
      'idempotency.key_reused',
      'Idempotency-Key',
    );
  });
});

describe('refusals name banks, programmes, funds and institutions by their names (issue 18)', () => {
  const titleOf = async (programme: string) =>
    ((await ok(await send(bankA, 'GET', '/api/programmes'), 200)) as any).items.find((p: any) => p.id === programme)
      .title;

  it('G1: a bank with no agreement is named, and the programme asked for by its title, in both languages', async () => {
    await ok(
      await send(manager, 'POST', '/api/institutions', {
        id: 'bank-c',
        kind: 'bank',
        name: '丙银行经开区支行',
        nameEn: 'Bank C, E-Town sub-branch',
      }),
      201,
    );
    const bankC = await t.signIn('bank-c-officer', 'bank', { bankId: 'bank-c' });
    const body = await refusal(
      await send(bankC, 'POST', '/api/filings', {
        bankRef: 'C-1',
        creditCode: creditCode(1),
        programme: 'etown-2025-sci-tech',
        loan,
      }),
      422,
      'filing.refused_by_rule',
      'rule:cooperation-agreement',
    );
    const title = await titleOf('etown-2025-sci-tech');
    expect(body.errors[0].zh).toBe(`丙银行经开区支行没有在 2025-09-03 有效的“${title.zh}”合作协议`);
    expect(body.errors[0].en).toBe(
      `Bank C, E-Town sub-branch has no cooperation agreement for “${title.en}” in force on 2025-09-03`,
    );
    for (const text of [body.errors[0].zh, body.errors[0].en]) {
      expect(text).not.toContain('bank-c');
      expect(text).not.toContain('etown-2025-sci-tech');
    }
  });

  it('an agreement under a programme the fund does not run: the fund and the programme by name, ids in parentheses', async () => {
    await ok(
      await send(manager, 'POST', '/api/funds', {
        id: 'etown-small',
        name: '亦庄小微补偿资金',
        programmes: ['etown-2023-small-micro'],
        liabilityMultiple: '10',
        capital: '1000000.00',
        on: '2024-01-02',
      }),
      201,
    );
    const body = await refusal(
      await send(manager, 'POST', '/api/agreements', {
        fundId: 'etown-small',
        programmeId: 'etown-2025-sci-tech',
        institutionId: 'bank-a',
        signedOn: '2024-01-01',
      }),
      400,
      'agreement.programme_not_run',
      'programmeId',
    );
    const title = await titleOf('etown-2025-sci-tech');
    expect(body.errors[0].zh).toBe(
      `补偿资金“亦庄小微补偿资金”（etown-small）不执行政策项目“${title.zh}”（etown-2025-sci-tech）`,
    );
    expect(body.errors[0].en).toBe(
      `fund “亦庄小微补偿资金” (etown-small) does not run programme “${title.en}” (etown-2025-sci-tech)`,
    );
  });

  it('an id taken: the fund or institution that has it, by name', async () => {
    const fund = await refusal(
      await send(manager, 'POST', '/api/funds', {
        id: 'etown',
        name: 'x',
        programmes: [],
        liabilityMultiple: '10',
        capital: '1.00',
        on: '2024-01-02',
      }),
      409,
      'fund.id_taken',
      'id',
    );
    expect(fund.detailZh).toBe('补偿资金“亦庄风险补偿资金”（etown）已存在。');
    expect(fund.detail).toBe('Fund “亦庄风险补偿资金” (etown) exists already.');
    const bank = await refusal(
      await send(manager, 'POST', '/api/institutions', { id: 'bank-c', kind: 'bank', name: 'x' }),
      409,
      'registry.institution_taken',
      'id',
    );
    expect(bank.detailZh).toBe('机构“丙银行经开区支行”（bank-c）已存在。');
    expect(bank.detail).toBe('Institution “Bank C, E-Town sub-branch” (bank-c) exists already.');
  });
});
