import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createAuditRepository } from '../audit/audit.repository';
import type { Db } from '../programmes/programmes.repository';
import { Problem } from '../shared/problem';
import type { Actor, Role } from './access';
import type { AuthRepository, UserRow } from './auth.repository';
import { DECOY_HASH, hashPassword, verifyPassword } from './passwords';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Sign-in attempts allowed per username or address in the window before it answers 429. */
export const LOGIN_LIMIT = { failures: 5, windowMs: 15 * 60 * 1000 };
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
}: {
  repo: AuthRepository;
  user: {
    username: string;
    displayName: string;
    role: Role;
    password: string;
    bankId?: string | null;
    guarantorId?: string | null;
  };
}) {
  if (user.role === 'bank' && !user.bankId)
    throw Problem.invalid([{ field: 'bankId', message: 'is required for a bank officer' }]);
  if (user.role === 'guarantor' && !user.guarantorId)
    throw Problem.invalid([{ field: 'guarantorId', message: 'is required for a guarantor officer' }]);
  if (user.password.length < MIN_PASSWORD)
    throw Problem.invalid([{ field: 'password', message: `must be at least ${MIN_PASSWORD} characters` }]);
  if (await repo.findUserByUsername(user.username))
    throw new Problem(409, 'Conflict', `The username ${user.username} is taken.`, [
      { field: 'username', message: 'is taken' },
    ]);
  const id = randomUUID();
  await repo.insertUser({
    id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    bankId: user.bankId ?? null,
    guarantorId: user.guarantorId ?? null,
    passwordHash: await hashPassword(user.password),
  });
  return id;
}

export async function login({
  repo,
  username,
  password,
  address,
  now,
}: {
  repo: AuthRepository;
  username: string;
  password: string;
  address: string;
  now: Date;
}) {
  const since = new Date(now.getTime() - LOGIN_LIMIT.windowMs);
  if ((await repo.countLoginFailures(username, address, since)) >= LOGIN_LIMIT.failures) {
    throw new Problem(429, 'Too many sign-in attempts', 'Too many failed sign-ins; try again in 15 minutes.');
  }
  const user = await repo.findUserByUsername(username);
  const ok = await verifyPassword(password, user?.passwordHash ?? DECOY_HASH);
  if (!user || !ok || user.disabledAt) {
    await repo.recordLoginFailure(username, address);
    throw new Problem(401, 'Sign-in failed', 'The username or password is wrong.', [
      { field: 'password', message: 'the username or password is wrong' },
    ]);
  }
  await repo.clearLoginFailures(username);
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

export async function actorFromApiToken({ repo, token, now }: { repo: AuthRepository; token: string; now: Date }) {
  const row = await repo.findToken(sha256(token));
  if (!row) return undefined;
  await repo.touchToken(row.token.id, now);
  return toActor(row.user, 'token');
}
