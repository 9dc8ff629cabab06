import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { badRequest, problemContent } from '../shared/problem';
import { clientAddress, requireActor, type AppEnv } from '../shared/http-env';
import { ROLES } from './access';
import type { AuthRepository } from './auth.repository';
import { createApiToken, login, logout, publicUser, SESSION_TTL_MS } from './auth.usecases';

export const SESSION_COOKIE = 'backstop_session';
export const CSRF_COOKIE = 'backstop_csrf';

const userSchema = z.object({
  id: z.string(), username: z.string().openapi({ example: 'bank-icbc' }), displayName: z.string(),
  role: z.enum(ROLES), bankId: z.string().nullable(), guarantorId: z.string().nullable(),
}).openapi('User');

const loginRoute = createRoute({
  method: 'post', path: '/api/auth/login', tags: ['auth'], summary: 'Sign in (sets an HttpOnly session cookie and a readable CSRF cookie)',
  request: { body: { required: true, content: { 'application/json': { schema: z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }), example: { username: 'manager', password: 'backstop-demo' } } } } },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: z.object({ user: userSchema, csrfToken: z.string() }) } } },
    ...badRequest,
    401: { description: 'Wrong username or password', content: problemContent },
    429: { description: 'Too many failed attempts', content: problemContent },
  },
});

const meRoute = createRoute({
  method: 'get', path: '/api/auth/me', tags: ['auth'], summary: 'The signed-in user',
  responses: { 200: { description: 'The user', content: { 'application/json': { schema: z.object({ user: userSchema }) } } }, 401: { description: 'Not signed in', content: problemContent } },
});

const logoutRoute = createRoute({
  method: 'post', path: '/api/auth/logout', tags: ['auth'], summary: 'Sign out',
  responses: { 204: { description: 'Signed out' } },
});

const tokenRoute = createRoute({
  method: 'post', path: '/api/auth/tokens', tags: ['auth'], summary: 'Create an API token for a bank system (shown once)',
  request: { body: { required: true, content: { 'application/json': { schema: z.strictObject({ name: z.string().min(1).max(100) }), example: { name: 'core banking system' } } } } },
  responses: {
    201: { description: 'The token; send it as `Authorization: Bearer …`', content: { 'application/json': { schema: z.object({ id: z.string(), name: z.string(), token: z.string() }) } } },
    ...badRequest, 401: { description: 'Not signed in', content: problemContent }, 403: { description: 'Not allowed', content: problemContent },
  },
});

export function authRoutes({ repo, secureCookies }: { repo: AuthRepository; secureCookies: boolean }) {
  return new OpenAPIHono<AppEnv>()
    .openapi(loginRoute, async (c) => {
      const { username, password } = c.req.valid('json');
      const { token, csrfToken, actor } = await login({ repo, username, password, address: clientAddress(c), now: new Date() });
      const maxAge = Math.floor(SESSION_TTL_MS / 1000);
      setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', secure: secureCookies, maxAge });
      setCookie(c, CSRF_COOKIE, csrfToken, { httpOnly: false, sameSite: 'Lax', path: '/', secure: secureCookies, maxAge });
      return c.json({ user: publicUser(actor), csrfToken }, 200);
    })
    .openapi(meRoute, (c) => c.json({ user: publicUser(requireActor(c)) }, 200))
    .openapi(logoutRoute, async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) await logout({ repo, token });
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      deleteCookie(c, CSRF_COOKIE, { path: '/' });
      return c.body(null, 204);
    })
    .openapi(tokenRoute, async (c) => c.json(await createApiToken({ repo, actor: requireActor(c, 'token:write'), name: c.req.valid('json').name }), 201));
}
