import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createAuditRepository } from '../audit/audit.repository';
import type { Db } from '../shared/db';
import { createGroupCommit } from '../shared/group-commit';
import { authErrors } from './auth.errors';
import type { Actor, Role } from './access';
import type { AuthRepository, UserRow } from './auth.repository';
import { throttledTry } from './auth.throttle';
import { decoyHash, hashPassword, needsRehash, PASSWORD_PARAMS, verifyPassword, type ScryptParams } from './passwords';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const MIN_PASSWORD = 10;

/** How session and API tokens are stored: only their SHA-256. */
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function toActor(u: UserRow, via: Actor['via']): Actor {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as Role,
    bankId: u.bankId,
    guarantorId: u.guarantorId,
    via,
  };
}

export function publicUser(a: Actor) {
  return {
    id: a.userId,
    username: a.username,
    displayName: a.displayName,
    role: a.role,
    bankId: a.bankId,
    guarantorId: a.guarantorId,
  };
}

export async function createUser({
  repo,
  user,
  passwordParams = PASSWORD_PARAMS,
}: {
  repo: AuthRepository;
  /** scrypt's cost; only test suites pass a cheaper one (passwords.ts). */
  passwordParams?: ScryptParams;
  user: {
    username: string;
    displayName: string;
    role: Role;
    password: string;
    bankId?: string | null;
    guarantorId?: string | null;
  };
}) {
  if (user.role === 'bank' && !user.bankId) throw authErrors.institutionRequired('bankId');
  if (user.role === 'guarantor' && !user.guarantorId) throw authErrors.institutionRequired('guarantorId');
  if (user.password.length < MIN_PASSWORD) throw authErrors.passwordTooShort('password', MIN_PASSWORD);
  if (await repo.findUserByUsername(user.username)) throw authErrors.usernameTaken(user.username);
  const id = randomUUID();
  await repo.insertUser({
    id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    bankId: user.bankId ?? null,
    guarantorId: user.guarantorId ?? null,
    passwordHash: await hashPassword(user.password, passwordParams),
  });
  return id;
}

/**
 * Signs a person in: a throttled try (auth.throttle.ts) of the password, 401 when it is wrong (the
 * same for an unknown or disabled user, in the same time), 429 when the account or address must
 * wait. A hash made with older parameters is replaced with one made with `passwordParams`.
 */
export async function login({
  repo,
  username,
  password,
  address,
  now,
  passwordParams = PASSWORD_PARAMS,
}: {
  repo: AuthRepository;
  username: string;
  password: string;
  address: string;
  now: Date;
  passwordParams?: ScryptParams;
}) {
  let user: UserRow | undefined;
  const ok = await throttledTry({
    repo,
    username,
    address,
    now,
    check: async () => {
      user = await repo.findUserByUsername(username);
      const right = await verifyPassword(password, user?.passwordHash ?? decoyHash(passwordParams));
      return right && user !== undefined && user.disabledAt === null;
    },
  });
  if (!ok || !user) {
    throw authErrors.invalidCredentials();
  }
  if (needsRehash(user.passwordHash, passwordParams))
    await repo.replacePasswordHash(user.id, user.passwordHash, await hashPassword(password, passwordParams));
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await repo.insertSession({
    tokenHash: sha256(token),
    userId: user.id,
    csrfToken,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  });
  return { token, csrfToken, actor: toActor(user, 'session') };
}

export async function logout({ repo, token }: { repo: AuthRepository; token: string }) {
  await repo.deleteSession(sha256(token));
}

export async function actorFromSession({ repo, token, now }: { repo: AuthRepository; token: string; now: Date }) {
  const row = await repo.findSession(sha256(token), now);
  return row ? { actor: toActor(row.user, 'session'), csrfToken: row.session.csrfToken } : undefined;
}

export async function createApiToken({
  db,
  repo,
  actor,
  name,
}: {
  db: Db;
  repo: AuthRepository;
  actor: Actor;
  name: string;
}) {
  const token = `bst_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await repo.insertToken({ id, tokenHash: sha256(token), userId: actor.userId, name });
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: 'token.create',
    entityKind: 'api-token',
    entityId: id,
    after: { id, name, username: actor.username },
  });
  return { id, name, token };
}

/**
 * How stale a token's "last used" may be. Written on every request it was a write and a commit of
 * its own per API call (a bank system filing loans one by one); a minute is what a person reading
 * the token list can tell apart.
 */
export const TOKEN_LAST_USED_GRAIN_MS = 60_000;

type TokenRow = Awaited<ReturnType<AuthRepository['findTokens']>>[number];

const tokenReaders = new WeakMap<AuthRepository, (hash: string) => Promise<TokenRow | undefined>>();

/**
 * The API tokens of requests that arrive together, looked up in one statement (shared/group-commit.ts):
 * a bank system filing loans one by one sends many requests at once. Read on every request all the
 * same, so a revoked token stops at once.
 */
function tokenReaderFor(repo: AuthRepository) {
  let read = tokenReaders.get(repo);
  if (!read) {
    read = createGroupCommit<string, TokenRow | undefined>({
      name: 'api-tokens',
      run: async (hashes) => {
        const found = new Map((await repo.findTokens([...new Set(hashes)])).map((r) => [r.token.tokenHash, r]));
        return hashes.map((h) => found.get(h));
      },
      maxSize: 500,
    });
    tokenReaders.set(repo, read);
  }
  return read;
}

export async function actorFromApiToken({ repo, token, now }: { repo: AuthRepository; token: string; now: Date }) {
  const row = await tokenReaderFor(repo)(sha256(token));
  if (!row) return undefined;
  const last = row.token.lastUsedAt;
  if (!last || now.getTime() - last.getTime() >= TOKEN_LAST_USED_GRAIN_MS) await repo.touchToken(row.token.id, now);
  return toActor(row.user, 'token');
}
