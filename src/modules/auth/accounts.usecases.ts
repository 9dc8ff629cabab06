/**
 * People's accounts after they are added: a manager disables one (an officer who left: signed out
 * everywhere, their API tokens stop working) or enables it again, and sets a new password for one
 * who forgot theirs; each person changes their own password; API tokens are listed and revoked.
 * Every change is audited; no password or token is ever in the audit log.
 */
import { createAuditRepository } from '../audit/audit.repository';
import type { Db } from '../shared/db';
import { authErrors } from './auth.errors';
import { ROLES, type Actor } from './access';
import type { AuthRepository, UserRow } from './auth.repository';
import type { NotifyPreference } from './auth.table';
import { throttledTry } from './auth.throttle';
import { MIN_PASSWORD, sha256 } from './auth.usecases';
import { hashPassword, PASSWORD_PARAMS, verifyPassword, type ScryptParams } from './passwords';

export function userView(u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as (typeof ROLES)[number],
    bankId: u.bankId,
    guarantorId: u.guarantorId,
    disabled: u.disabledAt !== null,
    email: u.email,
    notify: u.notify,
  };
}

async function userOrNotFound(repo: AuthRepository, id: string): Promise<UserRow> {
  const user = await repo.findUser(id);
  if (!user) throw authErrors.userNotFound(id);
  return user;
}

/** Disables or enables a user (a manager); a manager cannot disable themselves, so the zone is never left without one by mistake. */
export async function setUserDisabled({
  db,
  repo,
  actor,
  id,
  disabled,
  now,
}: {
  db: Db;
  repo: AuthRepository;
  actor: Actor;
  id: string;
  disabled: boolean;
  now: Date;
}) {
  const user = await userOrNotFound(repo, id);
  if (disabled && user.id === actor.userId) throw authErrors.cannotDisableSelf();
  if ((user.disabledAt !== null) === disabled) return userView(user);
  await repo.updateUser(id, { disabledAt: disabled ? now : null });
  if (disabled) await repo.deleteSessionsOf(id);
  const after = userView((await repo.findUser(id))!);
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: disabled ? 'user.disable' : 'user.enable',
    entityKind: 'user',
    entityId: id,
    before: userView(user),
    after,
  });
  return after;
}

/** A person's mail settings (notifications module): where mail goes, and whether each time, once a day or never. */
export function notificationsView(u: UserRow) {
  return { email: u.email, notify: u.notify };
}

/**
 * Sets where a person's notifications go and how often (`each`, `digest`, `off`): a person their
 * own, a manager anyone's. Audited (the address is no secret: it is in the user's view).
 */
export async function setNotifications({
  db,
  repo,
  actor,
  id,
  email,
  notify,
}: {
  db: Db;
  repo: AuthRepository;
  actor: Actor;
  id: string;
  email?: string | null | undefined;
  notify?: NotifyPreference | undefined;
}) {
  const user = await userOrNotFound(repo, id);
  const patch = {
    ...(email !== undefined ? { email } : {}),
    ...(notify !== undefined ? { notify } : {}),
  };
  if ((patch.email === undefined || patch.email === user.email) && (patch.notify ?? user.notify) === user.notify)
    return user;
  await repo.updateUser(id, patch);
  const after = (await repo.findUser(id))!;
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: 'user.notifications',
    entityKind: 'user',
    entityId: id,
    before: userView(user),
    after: userView(after),
  });
  return after;
}

/** A manager sets a new password for a user who forgot theirs: the user is signed out everywhere. */
export async function setUserPassword({
  db,
  repo,
  actor,
  id,
  password,
  passwordParams = PASSWORD_PARAMS,
}: {
  db: Db;
  repo: AuthRepository;
  actor: Actor;
  id: string;
  password: string;
  passwordParams?: ScryptParams;
}) {
  if (password.length < MIN_PASSWORD) throw authErrors.passwordTooShort('password', MIN_PASSWORD);
  const user = await userOrNotFound(repo, id);
  await repo.updateUser(id, { passwordHash: await hashPassword(password, passwordParams) });
  await repo.deleteSessionsOf(id);
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: 'user.set-password',
    entityKind: 'user',
    entityId: id,
    after: userView(user),
  });
  return userView(user);
}

/**
 * A person changes their own password, giving the current one; their other sessions end. The
 * current password is a throttled try against their account (auth.throttle.ts), never against the
 * address: after 5 wrong ones the account waits, then 429.
 */
export async function changeOwnPassword({
  db,
  repo,
  actor,
  currentPassword,
  newPassword,
  sessionToken,
  now,
  passwordParams = PASSWORD_PARAMS,
}: {
  db: Db;
  repo: AuthRepository;
  actor: Actor;
  currentPassword: string;
  newPassword: string;
  sessionToken: string | undefined;
  now: Date;
  passwordParams?: ScryptParams;
}) {
  const user = await userOrNotFound(repo, actor.userId);
  const right = await throttledTry({
    repo,
    username: user.username,
    address: null,
    now,
    check: () => verifyPassword(currentPassword, user.passwordHash),
  });
  if (!right) throw authErrors.wrongCurrentPassword();
  if (newPassword === currentPassword) throw authErrors.samePassword();
  await repo.updateUser(user.id, { passwordHash: await hashPassword(newPassword, passwordParams) });
  await repo.deleteSessionsOf(user.id, sessionToken ? sha256(sessionToken) : undefined);
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: 'user.change-password',
    entityKind: 'user',
    entityId: user.id,
    after: userView(user),
  });
}

function tokenView(t: Awaited<ReturnType<AuthRepository['listTokens']>>[number]) {
  return {
    id: t.id,
    name: t.name,
    username: t.username,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** Whose tokens the actor manages: a manager every user's, anyone else their own. */
const tokenOwner = (actor: Actor) => (actor.role === 'manager' ? undefined : actor.userId);

export async function listTokens({ repo, actor }: { repo: AuthRepository; actor: Actor }) {
  return (await repo.listTokens(tokenOwner(actor))).map(tokenView);
}

/** Revokes a token at once (a leaked one, a retired system); one not the actor's answers 404. Again: the token as it is. */
export async function revokeToken({
  db,
  repo,
  actor,
  id,
  now,
}: {
  db: Db;
  repo: AuthRepository;
  actor: Actor;
  id: string;
  now: Date;
}) {
  const find = async () => (await repo.listTokens(tokenOwner(actor))).find((t) => t.id === id);
  const token = await find();
  if (!token) throw authErrors.tokenNotFound(id);
  if (token.revokedAt) return tokenView(token);
  await repo.revokeToken(id, now);
  const after = tokenView((await find())!);
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: 'token.revoke',
    entityKind: 'api-token',
    entityId: id,
    before: tokenView(token),
    after,
  });
  return after;
}
