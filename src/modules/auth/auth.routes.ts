import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { badRequest, problemContent } from '../shared/problem';
import { clientAddress, requireActor, type AppEnv } from '../shared/http-env';
import { ROLES } from './access';
import type { AuthRepository } from './auth.repository';
import { changeOwnPassword, listTokens, notificationsView, revokeToken, setNotifications } from './accounts.usecases';
import { authErrors } from './auth.errors';
import { NOTIFY_PREFERENCES } from './auth.table';
import { emailField, notifyField } from './users.routes';
import { createApiToken, login, logout, MIN_PASSWORD, publicUser, SESSION_TTL_MS } from './auth.usecases';
import type { Db } from '../shared/db';
import { body, errors, idParam, json } from '../shared/openapi';
import type { ScryptParams } from './passwords';

/** Sign-in: the one POST the idempotency middleware leaves alone (it has no user yet to scope a key by). */
export const SIGN_IN_PATH = '/api/auth/login';

export const SESSION_COOKIE = 'backstop_session';
export const CSRF_COOKIE = 'backstop_csrf';

const userSchema = z
  .object({
    id: z.string(),
    username: z.string().openapi({ example: 'bank-icbc' }),
    displayName: z.string(),
    role: z.enum(ROLES),
    bankId: z.string().nullable(),
    guarantorId: z.string().nullable(),
  })
  .openapi('User');

const loginRoute = createRoute({
  method: 'post',
  path: SIGN_IN_PATH,
  tags: ['auth'],
  summary: 'Sign in (sets an HttpOnly session cookie and a readable CSRF cookie)',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
          example: { username: 'manager', password: 'backstop-demo' },
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Signed in',
      content: { 'application/json': { schema: z.object({ user: userSchema, csrfToken: z.string() }) } },
    },
    ...badRequest,
    401: { description: 'Wrong username or password', content: problemContent },
    429: {
      description:
        'Too many failed attempts on this account or from this address; `Retry-After` says how many seconds to wait',
      content: problemContent,
    },
  },
});

const meRoute = createRoute({
  method: 'get',
  path: '/api/auth/me',
  tags: ['auth'],
  summary: 'The signed-in user',
  responses: {
    200: { description: 'The user', content: { 'application/json': { schema: z.object({ user: userSchema }) } } },
    401: { description: 'Not signed in', content: problemContent },
  },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/api/auth/logout',
  tags: ['auth'],
  summary: 'Sign out',
  responses: { 204: { description: 'Signed out' } },
});

const tokenRoute = createRoute({
  method: 'post',
  path: '/api/auth/tokens',
  tags: ['auth'],
  summary: 'Create an API token for a bank system (shown once)',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ name: z.string().min(1).max(100) }),
          example: { name: 'core banking system' },
        },
      },
    },
  },
  responses: {
    201: {
      description: 'The token; send it as `Authorization: Bearer …`',
      content: { 'application/json': { schema: z.object({ id: z.string(), name: z.string(), token: z.string() }) } },
    },
    ...badRequest,
    401: { description: 'Not signed in', content: problemContent },
    403: { description: 'Not allowed', content: problemContent },
  },
});

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    username: z.string().openapi({ description: 'whose token it is' }),
    createdAt: z.string(),
    lastUsedAt: z
      .string()
      .nullable()
      .openapi({ description: 'When it was last used, to the minute (written at most once a minute)' }),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken');

const tokensRoute = createRoute({
  method: 'get',
  path: '/api/auth/tokens',
  tags: ['auth'],
  summary: 'API tokens: your own (a manager: everyone’s), newest first; never the token itself',
  responses: {
    200: {
      description: 'The tokens',
      content: { 'application/json': { schema: z.object({ items: z.array(tokenSchema) }) } },
    },
    401: errors[401],
    403: errors[403],
  },
});

const revokeRoute = createRoute({
  method: 'delete',
  path: '/api/auth/tokens/{id}',
  tags: ['auth'],
  summary: 'Revoke an API token at once (your own; a manager: anyone’s); again: the token as it is',
  request: { params: idParam('0b4f6a38-0000-0000-0000-000000000000') },
  responses: {
    200: { description: 'Revoked', content: { 'application/json': { schema: tokenSchema } } },
    401: errors[401],
    403: errors[403],
    404: errors[404],
  },
});

const passwordRoute = createRoute({
  method: 'post',
  path: '/api/auth/password',
  tags: ['auth'],
  summary: 'Change your own password (your other sessions end)',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            currentPassword: z.string().min(1).max(200),
            newPassword: z.string().min(MIN_PASSWORD, `must be at least ${MIN_PASSWORD} characters`).max(200),
          }),
          example: { currentPassword: '…', newPassword: 'a new long passphrase' },
        },
      },
    },
  },
  responses: {
    204: { description: 'Changed' },
    ...badRequest,
    401: errors[401],
    429: {
      description: 'Too many wrong passwords on this account; `Retry-After` says how many seconds to wait',
      content: problemContent,
    },
  },
});

const notificationsSchema = z
  .object({
    email: z.string().nullable().openapi({ description: 'where notifications go; null: none' }),
    notify: z.enum(NOTIFY_PREFERENCES),
    mailEnabled: z
      .boolean()
      .openapi({ description: 'whether this server sends mail (BACKSTOP_SMTP_URL); when false nothing is sent' }),
  })
  .openapi('NotificationSettings');

const notificationsRoute = createRoute({
  method: 'get',
  path: '/api/auth/notifications',
  tags: ['auth'],
  summary: 'Your notification settings: where mail about what waits on you goes, and how often',
  responses: { 200: json(notificationsSchema, 'The settings'), 401: errors[401] },
});

const setNotificationsRoute = createRoute({
  method: 'put',
  path: '/api/auth/notifications',
  tags: ['auth'],
  summary:
    'Set your notification settings: your address, and a mail each time something waits on you, one a day listing it, or none',
  request: {
    ...body(z.strictObject({ email: emailField, notify: notifyField }), {
      email: 'liu@icbc.example.cn',
      notify: 'digest',
    }),
  },
  responses: { 200: json(notificationsSchema, 'The settings'), 400: errors[400], 401: errors[401] },
});

export function authRoutes({
  repo,
  db,
  secureCookies,
  trustProxy,
  now = () => new Date(),
  passwordParams,
  mailEnabled = false,
}: {
  repo: AuthRepository;
  db: Db;
  /** Whether the server sends mail (BACKSTOP_SMTP_URL and BACKSTOP_MAIL_FROM set). */
  mailEnabled?: boolean;
  secureCookies: boolean;
  trustProxy: boolean;
  /** The clock of the sign-in throttle (tests move it on). */
  now?: () => Date;
  /** scrypt's cost; only test suites pass a cheaper one (passwords.ts). */
  passwordParams?: ScryptParams;
}) {
  const cost = passwordParams ? { passwordParams } : {};
  return new OpenAPIHono<AppEnv>()
    .openapi(loginRoute, async (c) => {
      const { username, password } = c.req.valid('json');
      const { token, csrfToken, actor } = await login({
        repo,
        username,
        password,
        address: clientAddress(c, trustProxy),
        now: now(),
        ...cost,
      });
      const maxAge = Math.floor(SESSION_TTL_MS / 1000);
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        secure: secureCookies,
        maxAge,
      });
      setCookie(c, CSRF_COOKIE, csrfToken, {
        httpOnly: false,
        sameSite: 'Lax',
        path: '/',
        secure: secureCookies,
        maxAge,
      });
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
    .openapi(tokenRoute, async (c) =>
      c.json(
        await createApiToken({ db, repo, actor: requireActor(c, 'token:write'), name: c.req.valid('json').name }),
        201,
      ),
    )
    .openapi(tokensRoute, async (c) =>
      c.json({ items: await listTokens({ repo, actor: requireActor(c, 'token:write') }) }, 200),
    )
    .openapi(revokeRoute, async (c) =>
      c.json(
        await revokeToken({
          db,
          repo,
          actor: requireActor(c, 'token:write'),
          id: c.req.valid('param').id,
          now: new Date(),
        }),
        200,
      ),
    )
    .openapi(notificationsRoute, async (c) => {
      const user = await repo.findUser(requireActor(c).userId);
      if (!user) throw authErrors.userNotFound(requireActor(c).userId);
      return c.json({ ...notificationsView(user), mailEnabled }, 200);
    })
    .openapi(setNotificationsRoute, async (c) => {
      const actor = requireActor(c);
      const { email, notify } = c.req.valid('json');
      const user = await setNotifications({ db, repo, actor, id: actor.userId, email, notify });
      return c.json({ ...notificationsView(user), mailEnabled }, 200);
    })
    .openapi(passwordRoute, async (c) => {
      const { currentPassword, newPassword } = c.req.valid('json');
      await changeOwnPassword({
        db,
        repo,
        actor: requireActor(c),
        currentPassword,
        newPassword,
        sessionToken: getCookie(c, SESSION_COOKIE),
        now: now(),
        ...cost,
      });
      return c.body(null, 204);
    });
}
