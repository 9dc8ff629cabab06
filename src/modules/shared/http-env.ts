/** What every route can read from the request context, set by the HTTP adapter's auth middleware. */
import type { Context } from 'hono';
import { can, type Action, type Actor } from '../auth/access';
import { authErrors } from '../auth/auth.errors';

export interface AppEnv {
  Variables: { actor: Actor | null; requestId: string };
}

/** The signed-in actor allowed to do `action`, or a 401 / 403 problem. */
export function requireActor(c: Context<AppEnv>, action?: Action): Actor {
  const actor = c.get('actor');
  if (!actor) throw authErrors.unauthenticated();
  if (action && !can(actor, action)) throw authErrors.forbidden(actor.role, action);
  return actor;
}

/**
 * The client's address, for the sign-in limit. X-Forwarded-For is believed only behind a reverse
 * proxy that sets it (`trustProxy`, BACKSTOP_TRUST_PROXY=1): sent straight to the app, anyone
 * could write a new address into it on every try and escape the per-address limit.
 */
export const clientAddress = (c: Context, trustProxy: boolean) =>
  (trustProxy ? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() : undefined) ??
  c.env?.incoming?.socket?.remoteAddress ??
  'local';
