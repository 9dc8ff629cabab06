/* eslint-disable @typescript-eslint/no-explicit-any */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE } from '../../src/modules/auth/auth.throttle';
import { PASSWORD, post, startTestApp } from './harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
type Client = Awaited<ReturnType<typeof t.signIn>>;
let manager: Client, reviewer: Client, auditor: Client, bankA: Client, bankB: Client, guarantor: Client;

beforeAll(async () => {
  t = await startTestApp();
  manager = await t.signIn('manager', 'manager');
  reviewer = await t.signIn('reviewer', 'reviewer');
  auditor = await t.signIn('auditor', 'auditor');
  bankA = await t.signIn('bank-a', 'bank', { bankId: 'bank-a' });
  bankB = await t.signIn('bank-b', 'bank', { bankId: 'bank-b' });
  guarantor = await t.signIn('guarantor', 'guarantor', { guarantorId: 'g-1' });
});
afterAll(async () => {
  await t.close();
});

const enterprise = {
  creditCode: '91350100M000100Y43',
  name: '北京亦庄智造科技有限公司',
  size: 'small',
  industry: 'ic-design',
  sciTech: true,
  registeredInZone: true,
  qualifications: [{ kind: 'national-high-tech', validFrom: '2024-01-01', validTo: '2026-12-31' }],
};

describe('sign-in, sessions, CSRF and tokens', () => {
  it('answers who is signed in', async () => {
    const res = await bankA('/api/auth/me');
    expect((await res.json()) as any).toMatchObject({ user: { username: 'bank-a', role: 'bank', bankId: 'bank-a' } });
    expect((await t.app.request('/api/auth/me')).status).toBe(401);
  });
  it('sets an HttpOnly SameSite session cookie', async () => {
    const res = await t.app.request('/api/auth/login', post({ username: 'manager', password: PASSWORD }));
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith('backstop_session='))).toMatch(/HttpOnly/);
    expect(cookies.find((c) => c.startsWith('backstop_session='))).toMatch(/SameSite=Lax/);
  });
  it('refuses a change without the CSRF header', async () => {
    const res = await manager('/api/institutions', {
      method: 'POST',
      body: { id: 'bank-x', kind: 'bank', name: 'X' },
      headers: { 'x-csrf-token': 'wrong' },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).title).toMatch(/CSRF/);
  });
  it('rate-limits failed sign-ins with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (
          await t.app.request(
            '/api/auth/login',
            post({ username: 'reviewer', password: 'wrong password' }, { 'x-forwarded-for': '10.9.9.9' }),
          )
        ).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
  it('counts failures per address too: behind a proxy by its X-Forwarded-For; without one (the default) X-Forwarded-For is not believed, so a new one on every try escapes nothing', async () => {
    const guess = (app: typeof t.app, username: string, address: string) =>
      app.request('/api/auth/login', post({ username, password: 'wrong password' }, { 'x-forwarded-for': address }));
    // Behind a proxy: ten failures from one address, spread over usernames, close that address.
    const closing = [...Array<number>(THROTTLE.address.failures).fill(401), 429];
    const spread: number[] = [];
    for (let i = 0; i < closing.length; i++) spread.push((await guess(t.app, `someone-${i}`, '10.7.7.7')).status);
    expect(spread).toEqual(closing);
    expect((await guess(t.app, 'someone-else', '10.7.7.8')).status).toBe(401);
    // Straight to the app: a new X-Forwarded-For on every try is the same caller.
    const direct = await startTestApp({ trustProxy: false });
    try {
      const rotated: number[] = [];
      for (let i = 0; i < closing.length; i++)
        rotated.push((await guess(direct.app, `someone-${i}`, `10.8.8.${i}`)).status);
      expect(rotated).toEqual(closing);
    } finally {
      await direct.close();
    }
  });
  it('a wrong password names no user and says nothing more', async () => {
    const res = await t.app.request('/api/auth/login', post({ username: 'nobody', password: 'x' }));
    expect(res.status).toBe(401);
    expect(JSON.stringify((await res.json()) as any)).not.toMatch(/nobody/);
  });
  it('issues API tokens to bank systems; they need no CSRF and act for their bank', async () => {
    const { token } = (await (
      await bankA('/api/auth/tokens', { method: 'POST', body: { name: 'core banking' } })
    ).json()) as any;
    expect(token).toMatch(/^bst_/);
    const me = await t.app.request('/api/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect((await me.json()) as any).toMatchObject({ user: { bankId: 'bank-a' } });
    expect((await t.app.request('/api/auth/me', { headers: { authorization: 'Bearer bst_unknown' } })).status).toBe(
      401,
    );
    expect((await auditor('/api/auth/tokens', { method: 'POST', body: { name: 'x' } })).status).toBe(403);
  });
  it('signs out', async () => {
    const c = await t.signIn('leaver', 'auditor');
    expect((await c('/api/auth/logout', { method: 'POST' })).status).toBe(204);
    expect((await c('/api/auth/me')).status).toBe(401);
  });
});

describe('institutions: every role', () => {
  it('only a manager registers one', async () => {
    expect(
      (await manager('/api/institutions', { method: 'POST', body: { id: 'bank-a', kind: 'bank', name: '甲银行' } }))
        .status,
    ).toBe(201);
    expect(
      (await manager('/api/institutions', { method: 'POST', body: { id: 'bank-b', kind: 'bank', name: '乙银行' } }))
        .status,
    ).toBe(201);
    for (const c of [reviewer, auditor, bankA, guarantor])
      expect(
        (await c('/api/institutions', { method: 'POST', body: { id: 'bank-z', kind: 'bank', name: 'Z' } })).status,
      ).toBe(403);
    expect((await t.app.request('/api/institutions', post({ id: 'bank-z', kind: 'bank', name: 'Z' }))).status).toBe(
      401,
    );
  });
  it('a bank sees itself only; another bank answers 404', async () => {
    const list = (await (await bankA('/api/institutions')).json()) as any;
    expect(list.items.map((i: { id: string }) => i.id)).toEqual(['bank-a']);
    expect((await bankA('/api/institutions/bank-b')).status).toBe(404);
    expect((await manager('/api/institutions/bank-b')).status).toBe(200);
    expect((await auditor('/api/institutions')).status).toBe(200);
  });
  it('refuses a duplicate with 409 and a bad id with 400 naming it', async () => {
    expect(
      (await manager('/api/institutions', { method: 'POST', body: { id: 'bank-a', kind: 'bank', name: '甲' } })).status,
    ).toBe(409);
    const bad = await manager('/api/institutions', {
      method: 'POST',
      body: { id: 'Bank A!', kind: 'bank', name: '甲' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].field).toBe('id');
  });
});

describe('enterprises: every role, bank scoping', () => {
  let id: string;
  it('a bank officer registers an enterprise; the credit code is checked', async () => {
    const bad = await bankA('/api/enterprises', {
      method: 'POST',
      body: { ...enterprise, creditCode: '91350100M000100Y44' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors).toEqual([
      {
        field: 'creditCode',
        code: 'registry.invalid_credit_code',
        en: 'has a wrong check character',
        zh: '校验码错误（GB 32100-2015）',
      },
    ]);
    const res = await bankA('/api/enterprises', {
      method: 'POST',
      body: { ...enterprise, creditCode: '91350100m000100y43' },
    });
    expect(res.status).toBe(201);
    const e = (await res.json()) as any;
    expect(e).toMatchObject({
      creditCode: '91350100M000100Y43',
      qualifications: [{ kind: 'national-high-tech', validTo: '2026-12-31' }],
    });
    id = e.id;
    expect((await bankB('/api/enterprises', { method: 'POST', body: enterprise })).status).toBe(409);
  });
  it('another bank cannot reach it: 404, not 403, and it is not in its list', async () => {
    expect((await bankB(`/api/enterprises/${id}`)).status).toBe(404);
    expect(((await (await bankB('/api/enterprises')).json()) as any).items).toEqual([]);
    expect((await bankA(`/api/enterprises/${id}`)).status).toBe(200);
    for (const c of [manager, reviewer, auditor]) expect((await c(`/api/enterprises/${id}`)).status).toBe(200);
  });
  it('only a manager corrects a registration; qualifications are added with validity', async () => {
    expect((await bankA(`/api/enterprises/${id}`, { method: 'PATCH', body: { size: 'medium' } })).status).toBe(403);
    const res = await manager(`/api/enterprises/${id}`, { method: 'PATCH', body: { size: 'medium' } });
    expect((await res.json()) as any).toMatchObject({ size: 'medium' });
    const q = await bankA(`/api/enterprises/${id}/qualifications`, {
      method: 'POST',
      body: { kind: 'little-giant', validFrom: '2025-07-01', validTo: '2025-06-30' },
    });
    expect(q.status).toBe(400);
    expect(((await q.json()) as any).errors[0].field).toBe('validTo');
  });
  it('pages by cursor', async () => {
    const { creditCodeCheckCharacter } = await import('../../src/core/registry/credit-code');
    for (const [i, base] of ['91110108MA0000001', '91110108MA0000002', '91110108MA0000003'].entries()) {
      await manager('/api/enterprises', {
        method: 'POST',
        body: { ...enterprise, creditCode: base + creditCodeCheckCharacter(base), name: `企业${i}` },
      });
    }
    const first = (await (await manager('/api/enterprises?limit=2')).json()) as any;
    expect(first.items).toHaveLength(2);
    const second = (await (await manager(`/api/enterprises?limit=2&cursor=${first.nextCursor}`)).json()) as any;
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((e: { id: string }) => e.id)).size).toBe(4);
    // one at a time, both ways, with two enterprises of the same name: the same rows in the same order as one page
    await manager('/api/enterprises', {
      method: 'POST',
      body: {
        ...enterprise,
        creditCode: '91110108MA0000004' + creditCodeCheckCharacter('91110108MA0000004'),
        name: '企业1',
      },
    });
    for (const order of ['asc', 'desc']) {
      const all = ((await (await manager(`/api/enterprises?limit=100&order=${order}`)).json()) as any).items.map(
        (e: { id: string }) => e.id,
      );
      const walked: string[] = [];
      let cursor = '';
      do {
        const page = (await (await manager(`/api/enterprises?limit=1&order=${order}${cursor}`)).json()) as any;
        walked.push(...page.items.map((e: { id: string }) => e.id));
        cursor = page.nextCursor ? `&cursor=${page.nextCursor}` : '';
      } while (cursor);
      expect(walked).toEqual(all);
      expect(all).toHaveLength(5);
    }
    expect((await manager('/api/enterprises?cursor=garbage')).status).toBe(400);
    expect((await manager('/api/enterprises?limit=100000')).status).toBe(400);
  });
});
