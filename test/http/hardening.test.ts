/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Issue 15 (hardening), over HTTP on a fresh database: a PATCH changes only the fields sent and an
 * empty one writes nothing; an amendment into a year the holiday calendar lacks is a 400 like the
 * filing; business dates outside their window are a 400 naming the field and the window; a body
 * that says it is compressed is refused (415). A refused request writes nothing.
 */
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
        message: expect.stringMatching(/holiday calendar has no data for 2022/),
      }),
    ]);
    expect(p.errors[0].messageZh).toBeTruthy();
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
          message:
            'names nothing to change: send at least one of name, size, industry, sciTech, registeredInZone, restrictedProcesses',
          messageZh:
            '没有要修改的内容：请至少提供 name, size, industry, sciTech, registeredInZone, restrictedProcesses 之一',
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
    expect(p.errors[0].message).toBe(
      'names nothing to change: send at least one of principal, kind, disbursedOn, maturesOn',
    );
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
    ]);
    for (const [path, op] of patches) {
      const schema = resolve(op.requestBody.content['application/json'].schema);
      const defaulted = Object.entries<any>(schema.properties).filter(([, p]) => resolve(p).default !== undefined);
      expect(defaulted.map(([name]) => `${path} ${name}`)).toEqual([]);
    }
    const a = (await ok(await send(manager, 'GET', '/api/agreements'))).items[0];
    const f = (await ok(await send(bankA, 'GET', '/api/filings'))).items[0];
    const u = (await ok(await send(manager, 'GET', '/api/users'))).items.find((x: any) => x.username === 'auditor');
    const audits = await auditCount();
    for (const path of [
      `/api/agreements/${a.id}`,
      `/api/enterprises/${enterpriseId}`,
      `/api/filings/${f.id}`,
      `/api/users/${u.id}`,
    ]) {
      const p = await problem(await send(path.startsWith('/api/filings') ? bankA : manager, 'PATCH', path, {}));
      expect(p.errors.length, path).toBeGreaterThan(0);
    }
    expect(await auditCount()).toBe(audits);
  });
});
