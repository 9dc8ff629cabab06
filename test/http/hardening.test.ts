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
  await ok(await send(manager, 'POST', '/api/enterprises', enterprise), 201);
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
