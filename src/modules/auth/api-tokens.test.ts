/**
 * API tokens looked up a group at a time, each request still answered by its own token (a revoked
 * one stops at once); a token's "last used" written on its first use and then at most once a
 * minute, not on every request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import { createAuthRepository } from './auth.repository';
import { actorFromApiToken, createApiToken, createUser, TOKEN_LAST_USED_GRAIN_MS } from './auth.usecases';

const db = await openTestDatabase();
const repo = createAuthRepository({ db: db.db });
let token = '';

beforeAll(async () => {
  const userId = await createUser({
    repo,
    user: {
      username: 'core-banking',
      displayName: 'core banking',
      role: 'manager',
      password: 'a long passphrase here',
    },
    passwordParams: { N: 1024, r: 8, p: 1 },
  });
  const actor = {
    userId,
    username: 'core-banking',
    displayName: 'core banking',
    role: 'manager' as const,
    bankId: null,
    guarantorId: null,
    via: 'session' as const,
  };
  token = (await createApiToken({ db: db.db, repo, actor, name: 'nightly' })).token;
});
afterAll(() => db.close());

const lastUsed = async () => (await repo.listTokens(undefined))[0]!.lastUsedAt?.toISOString() ?? null;

describe('actorFromApiToken', () => {
  it('writes the first use, keeps it for a minute of further use, and writes again after', async () => {
    expect(await lastUsed()).toBeNull();
    const t0 = new Date('2026-12-07T08:00:00.000Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect((await actorFromApiToken({ repo, token, now: t0 }))?.username).toBe('core-banking');
    expect(await lastUsed()).toBe(t0.toISOString());
    await actorFromApiToken({ repo, token, now: at(TOKEN_LAST_USED_GRAIN_MS - 1) });
    expect(await lastUsed()).toBe(t0.toISOString());
    await actorFromApiToken({ repo, token, now: at(TOKEN_LAST_USED_GRAIN_MS) });
    expect(await lastUsed()).toBe(at(TOKEN_LAST_USED_GRAIN_MS).toISOString());
  });

  it('answers nothing for an unknown token and writes nothing', async () => {
    const before = await lastUsed();
    expect(
      await actorFromApiToken({ repo, token: 'bst_not-a-token', now: new Date('2027-01-01T00:00:00Z') }),
    ).toBeUndefined();
    expect(await lastUsed()).toBe(before);
  });

  it('answers requests that arrive together each by its own token, a revoked one with nothing', async () => {
    const other = await createUser({
      repo,
      user: { username: 'other-system', displayName: 'other', role: 'auditor', password: 'a long passphrase here' },
      passwordParams: { N: 1024, r: 8, p: 1 },
    });
    const otherActor = {
      userId: other,
      username: 'other-system',
      displayName: 'other',
      role: 'auditor' as const,
      bankId: null,
      guarantorId: null,
      via: 'session' as const,
    };
    const second = (await createApiToken({ db: db.db, repo, actor: otherActor, name: 'second' })).token;
    const revoked = await createApiToken({ db: db.db, repo, actor: otherActor, name: 'revoked' });
    await repo.revokeToken(revoked.id, new Date());
    const now = new Date();
    const who = await Promise.all(
      [token, second, revoked.token, 'bst_unknown', token].map(
        async (t) => (await actorFromApiToken({ repo, token: t, now }))?.username ?? null,
      ),
    );
    expect(who).toEqual(['core-banking', 'other-system', null, null, 'core-banking']);
  });
});
