/* eslint-disable @typescript-eslint/no-explicit-any */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startTestApp } from './harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const goodCase = {
  enterprise: { registeredInZone: true, size: 'small', sciTech: false, industry: 'software', qualifications: [] },
  loan: { kind: 'credit', principal: '8000000', disbursedOn: '2024-03-01', filedOn: '2024-03-05', mode: 'direct' },
  default: { outstandingPrincipal: '5000000', classifiedOn: '2025-01-10' },
};

describe('health, OpenAPI and docs', () => {
  it('answers health with the database kind', async () => {
    const res = await t.app.request('/api/health');
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toMatchObject({ status: 'ok', database: t.database.kind });
  });
  it('publishes an OpenAPI 3.1 document with examples', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/evaluate',
        '/api/programmes',
        '/api/programmes/{id}',
        '/api/auth/login',
        '/api/enterprises',
      ]),
    );
    expect(doc.paths['/api/evaluate'].post.requestBody.content['application/json'].example.loan.principal).toBe(
      '8000000.00',
    );
  });
  it('serves a readable API page without a CDN', async () => {
    const page = await (await t.app.request('/api/docs')).text();
    expect(page).toContain('/api/docs/swagger-ui-bundle.js');
    expect((await t.app.request('/api/docs/swagger-ui-bundle.js')).status).toBe(200);
  });
});

describe('programmes (stored from policies/ by content hash)', () => {
  it('lists both programmes with their versions', async () => {
    const body = (await (await t.app.request('/api/programmes')).json()) as any;
    expect(body.items.map((p: { id: string }) => p.id)).toEqual(['etown-2023-small-micro', 'etown-2025-sci-tech']);
    expect(body.items[0].versions[0]).toMatchObject({ version: '2023-12', revision: 1, effectiveFrom: '2023-12-01' });
  });
  it('shows one programme with its policy file', async () => {
    const body = (await (await t.app.request('/api/programmes/etown-2025-sci-tech')).json()) as any;
    expect(body.policies[0].document.compensation.base.ratio).toBe('0.5');
  });
  it('answers 404 as a problem for an unknown programme', async () => {
    const res = await t.app.request('/api/programmes/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
  it('stores nothing twice when the same files are synced again', async () => {
    const { syncPolicyFiles } = await import('../../src/modules/programmes/programmes.usecases');
    const { loadPolicyFiles } = await import('../../src/modules/programmes/policy-files');
    const again = await syncPolicyFiles({ repo: t.services.repos.programmes, files: loadPolicyFiles() });
    expect(again.every((v) => !v.added && v.revision === 1)).toBe(true);
  });
  it('never lets a stored version be edited (R3)', async () => {
    const { sql } = await import('drizzle-orm');
    const cause = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
      );
    expect(await cause(t.database.db.execute(sql`update policy_versions set effective_from = '2020-01-01'`))).toMatch(
      /policy_versions rows are immutable \(UPDATE\)/,
    );
    expect(await cause(t.database.db.execute(sql`delete from policy_versions`))).toMatch(/immutable \(DELETE\)/);
  });
});

describe('POST /api/evaluate', () => {
  it('judges a case like the CLI does (worked example 1)', async () => {
    const res = await t.app.request('/api/evaluate', post({ ...goodCase, programme: 'etown-2023-small-micro' }));
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toMatchObject({ eligible: true, ratio: '0.3', compensation: '1500000.00' });
  });

  const bad: [string, unknown, string][] = [
    ['three decimals', { ...goodCase, loan: { ...goodCase.loan, principal: '0.001' } }, 'loan.principal'],
    ['1e400', { ...goodCase, loan: { ...goodCase.loan, principal: '1e400' } }, 'loan.principal'],
    ['a negative amount', { ...goodCase, loan: { ...goodCase.loan, principal: '-1.00' } }, 'loan.principal'],
    ['a wrong type', { ...goodCase, enterprise: { ...goodCase.enterprise, sciTech: 'yes' } }, 'enterprise.sciTech'],
    ['an extra field', { ...goodCase, extra: 1 }, '(body)'],
    ['a missing field', { ...goodCase, loan: { ...goodCase.loan, kind: undefined } }, 'loan.kind'],
    ['an impossible date', { ...goodCase, loan: { ...goodCase.loan, disbursedOn: '2024-13-01' } }, 'loan.disbursedOn'],
    ['an unknown programme', { ...goodCase, programme: 'nowhere' }, 'programme'],
  ];
  it.each(bad)('answers 400 naming the field for %s', async (_name, body, field) => {
    const res = await t.app.request('/api/evaluate', post(body));
    expect(res.status).toBe(400);
    const problem = (await res.json()) as any;
    expect(problem).toMatchObject({ status: 400, title: 'Invalid request' });
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
  it('gives each field message in English and, beside it, in Chinese, with its code', async () => {
    const res = await t.app.request(
      '/api/evaluate',
      post({
        ...goodCase,
        loan: { ...goodCase.loan, principal: '0.001' },
        enterprise: { ...goodCase.enterprise, sciTech: 'yes' },
      }),
    );
    const { errors } = (await res.json()) as any;
    expect(errors).toEqual(
      expect.arrayContaining([
        {
          field: 'loan.principal',
          code: 'request.invalid',
          en: 'has more than two decimals (the smallest unit is 0.01 yuan)',
          zh: '金额最多两位小数（最小单位 0.01 元）',
        },
        {
          field: 'enterprise.sciTech',
          code: 'request.invalid_type',
          en: 'must be true or false',
          zh: '须为 true 或 false',
        },
      ]),
    );
  });
  it('answers 400 for broken JSON and 413 for a 50 MB body, never 500', async () => {
    expect((await t.app.request('/api/evaluate', post('{"enterprise": '))).status).toBe(400);
    const huge = await t.app.request('/api/evaluate', post(`{"x":"${'a'.repeat(50 * 1024 * 1024)}"}`));
    expect(huge.status).toBe(413);
    const problem = (await huge.json()) as any;
    expect(problem.title).toMatch(/too large/);
    // It names what is too large (found by the fuzz test: a 413 without a field).
    expect(problem.errors).toEqual([
      { field: 'body', code: 'request.body_too_large', en: 'is larger than 1048576 bytes', zh: '超过 1048576 字节' },
    ]);
  });
  it('answers 404 as a problem for an unknown route', async () => {
    expect((await t.app.request('/api/nothing-here')).status).toBe(404);
  });
});
