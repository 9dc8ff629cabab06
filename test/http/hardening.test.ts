/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Issue 15 (hardening), over HTTP on a fresh database: a PATCH changes only the fields sent and an
 * empty one writes nothing; an amendment into a year the holiday calendar lacks is a 400 like the
 * filing; business dates outside their window are a 400 naming the field and the window; a body
 * that says it is compressed is refused (415). A refused request writes nothing.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, send, signInCast, startTestApp, type Client } from './harness';

const TODAY = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, auditor: Client, bankA: Client;
let enterpriseId: string;

const enterprise = {
  creditCode: creditCode(1),
  name: '企业1',
  size: 'small',
  industry: 'software',
  sciTech: true,
  registeredInZone: true,
};
const loan = { kind: 'credit', principal: '100000.00', disbursedOn: '2025-09-01', maturesOn: '2026-08-31' };

beforeAll(async () => {
  t = await startTestApp({ today: () => TODAY });
  ({ manager, auditor, bankA } = await signInCast(t));
  enterpriseId = (await ok(await send(manager, 'POST', '/api/enterprises', enterprise), 201)).id;
  await ok(
    await send(manager, 'POST', '/api/funds', {
      id: 'etown',
      name: '亦庄',
      programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
      liabilityMultiple: '10',
      capital: '3000000.00',
      on: '2024-01-02',
    }),
    201,
  );
  for (const p of ['etown-2023-small-micro', 'etown-2025-sci-tech'])
    await ok(
      await send(manager, 'POST', '/api/agreements', {
        fundId: 'etown',
        programmeId: p,
        institutionId: 'bank-a',
        signedOn: '2024-01-01',
      }),
      201,
    );
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

describe('amending a filing', () => {
  it('a disbursement moved into a year the holiday calendar lacks is a 400 naming disbursedOn (was a 500), as on filing; nothing changed', async () => {
    const filed = await send(bankA, 'POST', '/api/filings', {
      bankRef: 'A-2022',
      creditCode: creditCode(1),
      loan: { ...loan, disbursedOn: '2022-06-01' },
    });
    expect(fields(await problem(filed))).toEqual(['loan.disbursedOn']);

    const f = await ok(
      await send(bankA, 'POST', '/api/filings', { bankRef: 'A-amend-2022', creditCode: creditCode(1), loan }),
      201,
    );
    const before = await auditCount();
    const p = await problem(
      await send(bankA, 'PATCH', `/api/filings/${f.id}`, { disbursedOn: '2022-06-01', reason: '放款日更正' }),
    );
    expect(p.errors).toEqual([
      expect.objectContaining({
        field: 'disbursedOn',
        code: 'policy.calendar_year_missing',
        en: expect.stringMatching(/holiday calendar has no data for 2022/),
      }),
    ]);
    expect(p.errors[0].zh).toMatch(/节假日日历尚无 2022 年的数据/);
    expect(await auditCount()).toBe(before);
    expect(await ok(await send(bankA, 'GET', `/api/filings/${f.id}`))).toMatchObject({
      disbursedOn: '2025-09-01',
      version: f.version,
    });
  });
});

describe('PATCH changes only what is sent; a change of nothing writes nothing', () => {
  it('PATCH /api/enterprises/{id} keeps restrictedProcesses (a default once reset it to false on every PATCH, {} included)', async () => {
    const restricted = await ok(
      await send(manager, 'POST', '/api/enterprises', {
        ...enterprise,
        creditCode: creditCode(2),
        name: '企业2',
        restrictedProcesses: true,
      }),
      201,
    );
    expect(restricted.restrictedProcesses).toBe(true);
    const before = await auditCount();
    const resized = await ok(await send(manager, 'PATCH', `/api/enterprises/${restricted.id}`, { size: 'medium' }));
    expect(resized).toMatchObject({ size: 'medium', restrictedProcesses: true, sciTech: true, registeredInZone: true });
    expect(await auditCount()).toBe(before + 1);
    // Still ineligible: the restricted firm's loan is refused with its reason.
    const filed = await send(bankA, 'POST', '/api/filings', {
      bankRef: 'A-restricted',
      creditCode: creditCode(2),
      loan,
    });
    expect(filed.status).toBe(422);
    expect(await ok(await send(manager, 'GET', `/api/enterprises/${restricted.id}`))).toMatchObject({
      restrictedProcesses: true,
    });
  });

  it('an empty PATCH (no body, or {}) is a 400 naming what may be sent, and writes nothing', async () => {
    const before = await ok(await send(manager, 'GET', `/api/enterprises/${enterpriseId}`));
    const audits = await auditCount();
    for (const body of [undefined, {}]) {
      const p = await problem(await send(manager, 'PATCH', `/api/enterprises/${enterpriseId}`, body));
      expect(p.errors).toEqual([
        {
          field: '(body)',
          code: 'request.nothing_to_change',
          en: 'names nothing to change: send at least one of name, size, industry, sciTech, registeredInZone, restrictedProcesses',
          zh: '没有要修改的内容：请至少提供 name, size, industry, sciTech, registeredInZone, restrictedProcesses 之一',
        },
      ]);
    }
    expect(await auditCount()).toBe(audits);
    expect(await ok(await send(manager, 'GET', `/api/enterprises/${enterpriseId}`))).toEqual(before);
  });

  it('a PATCH to the values held answers the entity unchanged and writes nothing (a retried PATCH is harmless)', async () => {
    const before = await ok(await send(manager, 'GET', `/api/enterprises/${enterpriseId}`));
    const audits = await auditCount();
    const same = await ok(
      await send(manager, 'PATCH', `/api/enterprises/${enterpriseId}`, { size: before.size, name: before.name }),
    );
    expect(same).toEqual(before); // updatedAt too
    expect(await auditCount()).toBe(audits);
  });

  it('an amendment of a filing that names only a reason is a 400; one to the terms it has writes nothing', async () => {
    const f = await ok(
      await send(bankA, 'POST', '/api/filings', { bankRef: 'A-same', creditCode: creditCode(1), loan }),
      201,
    );
    const audits = await auditCount();
    const p = await problem(await send(bankA, 'PATCH', `/api/filings/${f.id}`, { reason: '无变更' }));
    expect(fields(p)).toEqual(['(body)']);
    expect(p.errors[0]).toMatchObject({
      code: 'request.nothing_to_change',
      en: 'names nothing to change: send at least one of principal, kind, disbursedOn, maturesOn',
    });
    const same = await ok(
      await send(bankA, 'PATCH', `/api/filings/${f.id}`, {
        principal: '100000', // the same amount written another way
        disbursedOn: loan.disbursedOn,
        reason: '重复提交',
      }),
    );
    expect(same).toMatchObject({ version: f.version, principal: '100000.00', updatedAt: f.updatedAt });
    expect(await auditCount()).toBe(audits);
    const detail = await ok(await send(bankA, 'GET', `/api/filings/${f.id}`));
    expect(detail.events.filter((e: any) => e.kind === 'amended')).toEqual([]);
  });

  it('raising a quota to the quota it has answers the agreement unchanged and writes nothing', async () => {
    const a = await ok(
      await send(manager, 'POST', '/api/agreements', {
        fundId: 'etown',
        programmeId: 'etown-2023-small-micro',
        institutionId: 'bank-b',
        signedOn: '2024-01-01',
        quota: '1000.00',
      }),
      201,
    );
    const audits = await auditCount();
    expect(await ok(await send(manager, 'PATCH', `/api/agreements/${a.id}`, { quota: '1000' }))).toEqual(a);
    expect(await auditCount()).toBe(audits);
    expect(fields(await problem(await send(manager, 'PATCH', `/api/agreements/${a.id}`, { quota: '999.00' })))).toEqual(
      ['quota'],
    );
  });

  it('no PATCH body in the OpenAPI document has a default (it would be written on every PATCH), and {} is a 400 on each', async () => {
    const doc = await ok(await t.app.request('/api/openapi.json'));
    const resolve = (s: any): any => (s?.$ref ? resolve(doc.components.schemas[s.$ref.split('/').pop()]) : s);
    const patches = Object.entries<any>(doc.paths).flatMap(([path, ops]) => (ops.patch ? [[path, ops.patch]] : []));
    expect(patches.map(([path]) => path).sort()).toEqual([
      '/api/agreements/{id}',
      '/api/enterprises/{id}',
      '/api/filings/{id}',
      '/api/users/{id}',
      '/api/webhooks/{id}',
    ]);
    for (const [path, op] of patches) {
      const schema = resolve(op.requestBody.content['application/json'].schema);
      const defaulted = Object.entries<any>(schema.properties).filter(([, p]) => resolve(p).default !== undefined);
      expect(defaulted.map(([name]) => `${path} ${name}`)).toEqual([]);
    }
    const a = (await ok(await send(manager, 'GET', '/api/agreements'))).items[0];
    const f = (await ok(await send(bankA, 'GET', '/api/filings'))).items[0];
    const u = (await ok(await send(manager, 'GET', '/api/users'))).items.find((x: any) => x.username === 'auditor');
    const hook = await ok(
      await send(bankA, 'POST', '/api/webhooks', { url: 'https://api.bank-a.example/backstop', events: ['*'] }),
      201,
    );
    const audits = await auditCount();
    for (const path of [
      `/api/agreements/${a.id}`,
      `/api/enterprises/${enterpriseId}`,
      `/api/filings/${f.id}`,
      `/api/users/${u.id}`,
      `/api/webhooks/${hook.id}`,
    ]) {
      const p = await problem(await send(/^\/api\/(filings|webhooks)/.test(path) ? bankA : manager, 'PATCH', path, {}));
      expect(p.errors.length, path).toBeGreaterThan(0);
    }
    expect(await auditCount()).toBe(audits);
  });
});

describe('business dates have a window, named in the error', () => {
  const window = 'must be from 2000-01-01 to 2100-12-31';
  const tomorrow = 'must not be after today (2025-09-03)';
  const errorsOf = async (res: Response) => (await problem(res)).errors.map((e: any) => [e.field, e.en]);

  it('a top-up dated 9999-12-31, 1900-01-01 or tomorrow is a 400 naming on; the fund’s cash and limit are unchanged', async () => {
    const fund = await ok(await send(manager, 'GET', '/api/funds/etown'));
    const audits = await auditCount();
    for (const [on, message] of [
      ['9999-12-31', window],
      ['1900-01-01', window],
      ['1999-12-31', window],
      ['2025-09-04', tomorrow],
    ]) {
      const res = await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '1000000.00', on });
      const p = await problem(res);
      expect(p.errors, on).toEqual([expect.objectContaining({ field: 'on', en: message })]);
      expect(p.errors[0].code).toBe(message === window ? 'request.invalid' : 'request.date_in_future');
      expect(p.errors[0].zh).toMatch(/\p{Script=Han}/u);
    }
    expect(await ok(await send(manager, 'GET', '/api/funds/etown'))).toEqual(fund);
    expect(await auditCount()).toBe(audits);
    // 2000-01-01 is inside the window but before this fund started (2024-01-02): a top-up cannot
    // come before the fund's start. Its start day and today are inside.
    const early = await problem(
      await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '1.00', on: '2000-01-01' }),
    );
    expect(early.errors).toEqual([expect.objectContaining({ field: 'on', code: 'fund.top_up_before_start' })]);
    await ok(await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '1.00', on: '2024-01-02' }), 201);
    await ok(await send(manager, 'POST', '/api/funds/etown/top-ups', { amount: '1.00', on: TODAY }), 201);
  });

  it('a fund starting 9999-12-31 or tomorrow, an agreement signed tomorrow or ending past 50 years: 400 naming the field, nothing written', async () => {
    const fund = {
      id: 'far',
      name: 'x',
      programmes: ['etown-2023-small-micro'],
      liabilityMultiple: '10',
      capital: '1.00',
    };
    expect(await errorsOf(await send(manager, 'POST', '/api/funds', { ...fund, on: '9999-12-31' }))).toEqual([
      ['on', window],
    ]);
    expect(await errorsOf(await send(manager, 'POST', '/api/funds', { ...fund, on: '2025-09-04' }))).toEqual([
      ['on', tomorrow],
    ]);
    expect((await send(manager, 'GET', '/api/funds/far')).status).toBe(404);
    const agreement = { fundId: 'etown', programmeId: 'etown-2025-sci-tech', institutionId: 'bank-b' };
    const audits = await auditCount();
    expect(
      await errorsOf(await send(manager, 'POST', '/api/agreements', { ...agreement, signedOn: '2025-09-04' })),
    ).toEqual([['signedOn', tomorrow]]);
    expect(
      await errorsOf(
        await send(manager, 'POST', '/api/agreements', { ...agreement, signedOn: '2025-01-01', endsOn: '9999-12-31' }),
      ),
    ).toEqual([['endsOn', window]]);
    expect(
      await errorsOf(
        await send(manager, 'POST', '/api/agreements', { ...agreement, signedOn: '2025-01-01', endsOn: '2075-01-02' }),
      ),
    ).toEqual([['endsOn', 'must be within 50 years of signedOn (2025-01-01): by 2075-01-01']]);
    expect(await auditCount()).toBe(audits);
  });

  it('a loan maturing 9999-12-31 or more than 50 years after disbursement, or disbursed in 1900, is a 400 naming the field, filed or amended', async () => {
    const file = (bankRef: string, l: object) =>
      send(bankA, 'POST', '/api/filings', { bankRef, creditCode: creditCode(1), loan: { ...loan, ...l } });
    const audits = await auditCount();
    expect(await errorsOf(await file('A-m1', { maturesOn: '9999-12-31' }))).toEqual([['loan.maturesOn', window]]);
    const p = await problem(await file('A-m2', { maturesOn: '2075-09-02' }));
    expect(p.errors).toEqual([
      {
        field: 'loan.maturesOn',
        code: 'request.date_too_late',
        en: 'must be within 50 years of loan.disbursedOn (2025-09-01): by 2075-09-01',
        zh: '须在 loan.disbursedOn（2025-09-01）之后 50 年之内，即不晚于 2075-09-01',
      },
    ]);
    expect(await errorsOf(await file('A-m3', { disbursedOn: '1900-01-01' }))).toEqual([['loan.disbursedOn', window]]);
    expect(await auditCount()).toBe(audits);
    const f = await ok(await file('A-m4', { maturesOn: '2075-09-01' }), 201); // the last day allowed

    const amend = (patch: object) => send(bankA, 'PATCH', `/api/filings/${f.id}`, { ...patch, reason: '更正' });
    const after = await auditCount();
    expect(await errorsOf(await amend({ maturesOn: '9999-12-31' }))).toEqual([['maturesOn', window]]);
    expect(await errorsOf(await amend({ disbursedOn: '1900-01-01' }))).toEqual([['disbursedOn', window]]);
    expect(await errorsOf(await amend({ maturesOn: '2080-01-01' }))).toEqual([
      ['maturesOn', 'must be within 50 years of disbursedOn (2025-09-01): by 2075-09-01'],
    ]);
    expect(await auditCount()).toBe(after);
    expect(await ok(await send(bankA, 'GET', `/api/filings/${f.id}`))).toMatchObject({
      maturesOn: '2075-09-01',
      version: f.version,
    });
  });

  it('a qualification valid from 1900, to 9999-12-31 or for more than 10 years is a 400 naming the field', async () => {
    const add = (q: object) =>
      send(manager, 'POST', `/api/enterprises/${enterpriseId}/qualifications`, { kind: 'little-giant', ...q });
    const audits = await auditCount();
    expect(await errorsOf(await add({ validFrom: '1900-01-01', validTo: '2026-12-31' }))).toEqual([
      ['validFrom', window],
    ]);
    expect(await errorsOf(await add({ validFrom: '2025-01-01', validTo: '9999-12-31' }))).toEqual([
      ['validTo', window],
    ]);
    expect(await errorsOf(await add({ validFrom: '2025-01-01', validTo: '2035-01-02' }))).toEqual([
      ['validTo', 'must be within 10 years of validFrom (2025-01-01): by 2035-01-01'],
    ]);
    expect(
      await errorsOf(
        await send(manager, 'POST', '/api/enterprises', {
          ...enterprise,
          creditCode: creditCode(3),
          qualifications: [{ kind: 'little-giant', validFrom: '2025-01-01', validTo: '9999-12-31' }],
        }),
      ),
    ).toEqual([['qualifications[0].validTo', window]]);
    expect(await auditCount()).toBe(audits);
    await ok(await add({ validFrom: '2025-01-01', validTo: '2035-01-01' }), 201);
  });
});

describe('compressed bodies', () => {
  it('a body marked Content-Encoding: gzip is a 415 naming Content-Encoding, sent plain (it was read as plain) or really gzipped; nothing written', async () => {
    const body = JSON.stringify({ amount: '5.00', on: TODAY, note: 'gzip' });
    const fund = await ok(await send(manager, 'GET', '/api/funds/etown'));
    const audits = await auditCount();
    for (const [coding, sent] of [
      ['gzip', body],
      ['gzip', gzipSync(body)],
      ['deflate', body],
      ['br', body],
    ] as const) {
      const res = await manager('/api/funds/etown/top-ups', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': coding },
        body: sent as any,
      });
      const p = await problem(res, 415);
      expect(res.headers.get('accept-encoding')).toBe('identity');
      expect(p).toMatchObject({
        title: 'Unsupported content encoding',
        detailZh: '请发送未压缩的请求体（不带 Content-Encoding）。',
        errors: [
          {
            field: 'Content-Encoding',
            code: 'request.unsupported_encoding',
            en: 'is not supported: send the body uncompressed',
            zh: '不支持：请发送未压缩的请求体',
          },
        ],
      });
    }
    expect(await ok(await send(manager, 'GET', '/api/funds/etown'))).toEqual(fund);
    expect(await auditCount()).toBe(audits);
    // identity is no encoding at all
    await ok(await send(manager, 'POST', '/api/funds/etown/top-ups', body, { 'content-encoding': 'identity' }), 201);
  });
});
