/**
 * Who is calling: a session cookie (people) or a bearer token (bank systems). Cookie sessions must
 * echo the CSRF token in `X-CSRF-Token` on every request that changes something.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AuthRepository } from '../../modules/auth/auth.repository';
import { SESSION_COOKIE } from '../../modules/auth/auth.routes';
import { actorFromApiToken, actorFromSession } from '../../modules/auth/auth.usecases';
import type { AppEnv } from '../../modules/shared/http-env';
import { authErrors } from '../../modules/auth/auth.errors';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authMiddleware({ repo }: { repo: AuthRepository }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('actor', null);
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (bearer) {
      const actor = await actorFromApiToken({ repo, token: bearer, now: new Date() });
      if (!actor) throw authErrors.invalidToken();
      c.set('actor', actor);
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const found = await actorFromSession({ repo, token, now: new Date() });
      if (found) {
        if (!SAFE.has(c.req.method) && c.req.header('x-csrf-token') !== found.csrfToken) {
          throw authErrors.csrfFailed();
        }
        c.set('actor', found.actor);
      }
    }
    return next();
  };
}
