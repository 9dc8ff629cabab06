/**
 * Accounts after they are added: a manager disables an officer who left (signed out at once, their
 * API tokens refused) and enables them again, and sets a new password for one who forgot theirs;
 * a person changes their own password (the current one checked and rate-limited, other sessions
 * ended); API tokens listed (never the token) and revoked. Every change audited, no secret in the
 * audit log; other roles 403, other people's tokens 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, PASSWORD, post, send, startTestApp, type Client } from './harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, auditor: Client, bankA: Client, bankB: Client;
interface User {
  id: string;
  username: string;
  disabled: boolean;
}
interface Token {
  id: string;
  name: string;
  username: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

beforeAll(async () => {
  t = await startTestApp();
  manager = await t.signIn('manager', 'manager');
  auditor = await t.signIn('auditor', 'auditor');
  await ok(await send(manager, 'POST', '/api/institutions', { id: 'bank-a', kind: 'bank', name: '甲银行' }), 201);
  bankA = await t.signIn('bank-a-liu', 'bank', { bankId: 'bank-a' });
  bankB = await t.signIn('bank-a-wang', 'bank', { bankId: 'bank-a' });
});
afterAll(async () => {
  await t?.close();
});

/** A client for an existing user, signed in now (the harness's signIn adds the user first). */
async function clientOf(username: string, password = PASSWORD): Promise<Client> {
  const res = await t.app.request('/api/auth/login', post({ username, password }));
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return (path, init = {}) =>
    t.app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
}
const userId = async (username: string) =>
  ((await ok(await manager('/api/users'))) as { items: User[] }).items.find((u) => u.username === username)!.id;
const signIn = (username: string, password = PASSWORD) =>
  t.app.request('/api/auth/login', post({ username, password }));
const bearer = (token: string) => t.app.request('/api/auth/me', { headers: { authorization: `Bearer ${token}` } });
const auditOf = async (id: string) =>
  (
    (await ok(await auditor(`/api/audit?entityId=${id}`))) as {
      items: { action: string; before: unknown; after: unknown }[];
    }
  ).items;

describe('a manager disables and enables a user', () => {
  it('signs them out at once and refuses their API tokens; enabled again, they sign in and the tokens work', async () => {
    const { token } = (await ok(await send(bankA, 'POST', '/api/auth/tokens', { name: 'core banking' }), 201)) as {
      token: string;
    };
    expect((await bearer(token)).status).toBe(200);
    const id = await userId('bank-a-liu');

    const off = (await ok(await send(manager, 'PATCH', `/api/users/${id}`, { disabled: true }))) as User;
    expect(off).toMatchObject({ username: 'bank-a-liu', disabled: true });
    expect((await bankA('/api/auth/me')).status).toBe(401);
    expect((await bearer(token)).status).toBe(401);
    expect((await signIn('bank-a-liu')).status).toBe(401);
    expect(((await ok(await send(manager, 'PATCH', `/api/users/${id}`, { disabled: true }))) as User).disabled).toBe(
      true,
    ); // again: the same

    expect(((await ok(await send(manager, 'PATCH', `/api/users/${id}`, { disabled: false }))) as User).disabled).toBe(
      false,
    );
    expect((await signIn('bank-a-liu')).status).toBe(200);
    expect((await bearer(token)).status).toBe(200);
    expect(
      (await auditOf(id))
        .map((a) => a.action)
        .filter((a) => a.startsWith('user.'))
        .sort(),
    ).toEqual(['user.disable', 'user.enable']);
  });

  it('refuses a manager disabling themselves, other roles, an unknown user and a bad body, naming the field', async () => {
    const self = await send(manager, 'PATCH', `/api/users/${await userId('manager')}`, { disabled: true });
    expect(self.status).toBe(409);
    expect(await self.json()).toMatchObject({
      errors: [{ field: 'disabled', code: 'auth.cannot_disable_self', zh: '不能停用自己的账号' }],
    });
    const other = await userId('bank-a-wang');
    for (const c of [auditor, await clientOf('bank-a-liu')])
      expect((await send(c, 'PATCH', `/api/users/${other}`, { disabled: true })).status).toBe(403);
    expect((await send(manager, 'PATCH', '/api/users/nobody', { disabled: true })).status).toBe(404);
    const bad = await send(manager, 'PATCH', `/api/users/${other}`, { disabled: 'yes' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('disabled');
    expect((await bankB('/api/auth/me')).status).toBe(200); // nothing happened to them
  });
});

describe('passwords', () => {
  it('a manager sets a new one for a user who forgot theirs: the old one stops working, the user is signed out', async () => {
    const id = await userId('bank-a-wang');
    const short = await send(manager, 'PUT', `/api/users/${id}/password`, { password: 'short' });
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({ errors: [{ field: 'password' }] });
    await ok(await send(manager, 'PUT', `/api/users/${id}/password`, { password: 'a brand new passphrase' }));
    expect((await bankB('/api/auth/me')).status).toBe(401);
    expect((await signIn('bank-a-wang')).status).toBe(401);
    expect((await signIn('bank-a-wang', 'a brand new passphrase')).status).toBe(200);
    const audit = JSON.stringify(await auditOf(id));
    expect(audit).toContain('user.set-password');
    expect(audit).not.toContain('brand new');
    expect(
      (await send(auditor, 'PUT', `/api/users/${id}/password`, { password: 'a brand new passphrase' })).status,
    ).toBe(403);
  });

  it('a person changes their own: the current one is checked (wrong ones count towards the sign-in limit), other sessions end, this one stays', async () => {
    await t.signIn('reviewer-zhao', 'reviewer');
    const first = await signIn('reviewer-zhao');
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await first.json()) as { csrfToken: string };
    const other = await t.signIn('reviewer-zhao-2', 'reviewer'); // someone else: untouched
    const second = await signIn('reviewer-zhao');
    const secondCookie = second.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    // Wrong current passwords count against this account only (test/http/sign-in-throttle.test.ts).
    const change = (body: unknown) =>
      t.app.request('/api/auth/password', {
        method: 'POST',
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          'content-type': 'application/json',
          'x-forwarded-for': '10.0.0.9',
        },
        body: JSON.stringify(body),
      });

    const wrong = await change({ currentPassword: 'not it at all', newPassword: 'another long passphrase' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({
      errors: [{ field: 'currentPassword', code: 'auth.wrong_current_password', zh: '不是当前密码' }],
    });
    expect((await change({ currentPassword: PASSWORD, newPassword: PASSWORD })).status).toBe(400);
    expect((await change({ currentPassword: PASSWORD, newPassword: 'short' })).status).toBe(400);
    expect((await change({ currentPassword: PASSWORD, newPassword: 'another long passphrase' })).status).toBe(204);

    expect((await t.app.request('/api/auth/me', { headers: { cookie } })).status).toBe(200);
    expect((await t.app.request('/api/auth/me', { headers: { cookie: secondCookie } })).status).toBe(401);
    expect((await other('/api/auth/me')).status).toBe(200);
    expect((await signIn('reviewer-zhao')).status).toBe(401);
    expect((await signIn('reviewer-zhao', 'another long passphrase')).status).toBe(200);

    // Guessing the current password is limited like signing in: after 5 failures the account waits (429).
    for (let i = 0; i < 5; i++)
      expect((await change({ currentPassword: `guess ${i}`, newPassword: 'yet another passphrase' })).status).toBe(400);
    expect(
      (await change({ currentPassword: 'another long passphrase', newPassword: 'yet another passphrase' })).status,
    ).toBe(429);
  });
});

describe('API tokens', () => {
  it('are listed without the token, revoked at once by their owner or a manager; another officer’s answer 404', async () => {
    bankA = await clientOf('bank-a-liu');
    bankB = await clientOf('bank-a-wang', 'a brand new passphrase');
    const created = (await ok(await send(bankB, 'POST', '/api/auth/tokens', { name: 'nightly batch' }), 201)) as {
      id: string;
      token: string;
    };
    await bearer(created.token);
    const mine = (await ok(await bankB('/api/auth/tokens'))) as { items: Token[] };
    expect(mine.items.map((x) => x.name)).toEqual(['nightly batch']);
    expect(mine.items[0]!.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(mine)).not.toContain(created.token);
    const all = (await ok(await manager('/api/auth/tokens'))) as { items: Token[] };
    expect(all.items.map((x) => x.username).sort()).toEqual(['bank-a-liu', 'bank-a-wang']);
    expect((await send(auditor, 'GET', '/api/auth/tokens')).status).toBe(403);

    // Another officer of the same bank cannot see or revoke it.
    const liu = await t.app.request('/api/auth/login', post({ username: 'bank-a-liu', password: PASSWORD }));
    const liuCookie = liu.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await liu.json()) as { csrfToken: string };
    const liuRevoke = await t.app.request(`/api/auth/tokens/${created.id}`, {
      method: 'DELETE',
      headers: { cookie: liuCookie, 'x-csrf-token': csrfToken },
    });
    expect(liuRevoke.status).toBe(404);
    expect((await bearer(created.token)).status).toBe(200);

    const revoked = (await ok(await send(bankB, 'DELETE', `/api/auth/tokens/${created.id}`))) as Token;
    expect(revoked.revokedAt).not.toBeNull();
    expect((await bearer(created.token)).status).toBe(401);
    expect(((await ok(await send(bankB, 'DELETE', `/api/auth/tokens/${created.id}`))) as Token).revokedAt).toBe(
      revoked.revokedAt,
    );
    const audit = JSON.stringify(await auditOf(created.id));
    expect(audit).toContain('token.create');
    expect(audit).toContain('token.revoke');
    expect(audit).not.toContain(created.token);

    const other = (await ok(await send(bankA, 'POST', '/api/auth/tokens', { name: 'old system' }), 201)) as {
      id: string;
      token: string;
    };
    await ok(await send(manager, 'DELETE', `/api/auth/tokens/${other.id}`));
    expect((await bearer(other.token)).status).toBe(401);
  });
});
