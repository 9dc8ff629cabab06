/**
 * Password hashing at OWASP's scrypt minimum (N = 2^17, r = 8, p = 1): a hash made with the old
 * parameters (N = 2^14) still signs in and is then stored with the new ones, on a real database;
 * a rehash never undoes a password changed meanwhile; a stored value that is not a sane hash is
 * a wrong password, never an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import { createAuthRepository } from './auth.repository';
import { createUser, login } from './auth.usecases';
import { hashPassword, LEGACY_PARAMS, needsRehash, PASSWORD_PARAMS, verifyPassword } from './passwords';

describe('scrypt parameters', () => {
  it('hashes at N = 2^17, r = 8, p = 1 and says so in the hash', async () => {
    expect(PASSWORD_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
    const hash = await hashPassword('a long passphrase');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('a long passphrase', hash)).toBe(true);
    expect(await verifyPassword('a long passphrasE', hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it('still verifies a hash made with the old parameters, and marks it for a rehash', async () => {
    const old = await hashPassword('a long passphrase', LEGACY_PARAMS);
    expect(old).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('a long passphrase', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('takes a stored value that is not a sane scrypt hash as a wrong password, without asking for gigabytes', async () => {
    for (const stored of [
      '',
      'bcrypt$2b$12$abc',
      'scrypt$16384$8$1$AAAA',
      'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `scrypt$${2 ** 24}$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
      'scrypt$16384$0$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA',
    ]) {
      expect(await verifyPassword('anything', stored), stored).toBe(false);
      expect(needsRehash(stored), stored).toBe(true);
    }
  });
});

describe('rehash at the next sign-in', () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: ReturnType<typeof createAuthRepository>;
  beforeAll(async () => {
    database = await openTestDatabase();
    repo = createAuthRepository({ db: database.db });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('an old-parameter hash signs in and is then stored with the new parameters', async () => {
    const id = await createUser({
      repo,
      user: { username: 'old-timer', displayName: 'x', role: 'auditor', password: 'a long passphrase' },
      passwordParams: LEGACY_PARAMS,
    });
    expect((await repo.findUser(id))!.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    await login({ repo, username: 'old-timer', password: 'a long passphrase', address: 'a', now: new Date() });
    const rehashed = (await repo.findUser(id))!.passwordHash;
    expect(rehashed).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('a long passphrase', rehashed)).toBe(true);
    // Signed in again: nothing to do, the hash stays as it is.
    await login({ repo, username: 'old-timer', password: 'a long passphrase', address: 'a', now: new Date() });
    expect((await repo.findUser(id))!.passwordHash).toBe(rehashed);
  });

  it('a wrong password rehashes nothing', async () => {
    const id = await createUser({
      repo,
      user: { username: 'old-timer-2', displayName: 'x', role: 'auditor', password: 'a long passphrase' },
      passwordParams: LEGACY_PARAMS,
    });
    const before = (await repo.findUser(id))!.passwordHash;
    await expect(
      login({ repo, username: 'old-timer-2', password: 'not the one', address: 'b', now: new Date() }),
    ).rejects.toMatchObject({ status: 401 });
    expect((await repo.findUser(id))!.passwordHash).toBe(before);
  });

  it('the rehash replaces the hash it verified only: a password changed meanwhile stays', async () => {
    const id = await createUser({
      repo,
      user: { username: 'changer', displayName: 'x', role: 'auditor', password: 'a long passphrase' },
      passwordParams: LEGACY_PARAMS,
    });
    const verified = (await repo.findUser(id))!.passwordHash;
    const changed = await hashPassword('the new passphrase', LEGACY_PARAMS);
    await repo.updateUser(id, { passwordHash: changed });
    await repo.replacePasswordHash(id, verified, await hashPassword('a long passphrase'));
    expect((await repo.findUser(id))!.passwordHash).toBe(changed);
  });
});
