import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { createAuditRepository } from '../audit/audit.repository';
import { createRegistryRepository } from '../registry/registry.repository';
import { authErrors } from './auth.errors';
import type { Db } from '../shared/db';
import { requireActor, type AppEnv } from '../shared/http-env';
import { body, errors, idParam, json } from '../shared/openapi';
import { setNotifications, setUserDisabled, setUserPassword, userView } from './accounts.usecases';
import { NOTIFY_PREFERENCES } from './auth.table';
import { patchSchema } from '../shared/patch';
import { ROLES } from './access';
import type { AuthRepository } from './auth.repository';
import { createUser, MIN_PASSWORD } from './auth.usecases';
import type { ScryptParams } from './passwords';

const password = z.string().min(MIN_PASSWORD, `must be at least ${MIN_PASSWORD} characters`).max(200);

export const userInput = z
  .strictObject({
    username: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'must be 2–63 lowercase letters, digits, dots, dashes or underscores')
      .openapi({ example: 'icbc-liu' }),
    displayName: z.string().trim().min(1).max(100).openapi({ example: '工行经开区支行 刘' }),
    role: z.enum(ROLES),
    password,
    bankId: z.string().min(1).max(100).optional().openapi({ description: 'required for a bank officer' }),
    guarantorId: z.string().min(1).max(100).optional().openapi({ description: 'required for a guarantor officer' }),
  })
  .openapi('UserInput');

/** Where a person's notifications go: an address, or null for none (notifications module). */
export const emailField = z
  .email('must be an email address')
  .max(254)
  .nullable()
  .openapi({ example: 'liu@icbc.example.cn', description: 'where notifications go; null: none' });
/** How often: a mail each time something waits on them, one a day listing what waits, or none. */
export const notifyField = z
  .enum(NOTIFY_PREFERENCES)
  .openapi({ description: '`each`: a mail each time something waits on them; `digest`: one a day; `off`' });

const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    bankId: z.string().nullable(),
    guarantorId: z.string().nullable(),
    disabled: z.boolean(),
    email: z.string().nullable(),
    notify: z.enum(NOTIFY_PREFERENCES),
  })
  .openapi('UserAccount');
const userId = idParam('6f1c2a9e-0000-0000-0000-000000000000');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/users',
    tags: ['auth'],
    summary: 'The users and their roles (managers and auditors)',
    responses: { 200: json(z.object({ items: z.array(userSchema) }), 'The users'), 401: errors[401], 403: errors[403] },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/users',
    tags: ['auth'],
    summary: 'Add a user with a role (a bank officer acts for one bank only)',
    request: body(userInput, {
      username: 'icbc-liu',
      displayName: '工行经开区支行 刘',
      role: 'bank',
      password: 'a long passphrase',
      bankId: 'bank-icbc',
    }),
    responses: {
      201: json(userSchema, 'Added'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      409: errors[409],
    },
  }),
  update: createRoute({
    method: 'patch',
    path: '/api/users/{id}',
    tags: ['auth'],
    summary:
      'Disable a user (signed out everywhere, their API tokens stop working) or enable them again; set where their notifications go',
    request: {
      params: userId,
      ...body(patchSchema({ disabled: z.boolean(), email: emailField, notify: notifyField }), { disabled: true }),
    },
    responses: {
      200: json(userSchema, 'The user'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
  setPassword: createRoute({
    method: 'put',
    path: '/api/users/{id}/password',
    tags: ['auth'],
    summary: 'Set a new password for a user who forgot theirs (they are signed out everywhere)',
    request: { params: userId, ...body(z.strictObject({ password }), { password: 'a new long passphrase' }) },
    responses: {
      200: json(userSchema, 'The user'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
    },
  }),
};

/** A bank officer's bank and a guarantor officer's institution must be registered (and of that kind). */
export async function checkInstitutions(
  db: Db,
  u: { role: string; bankId?: string | undefined; guarantorId?: string | undefined },
): Promise<void> {
  const registry = createRegistryRepository({ db });
  if (u.bankId !== undefined && (u.role !== 'bank' || (await registry.findInstitution(u.bankId))?.kind !== 'bank')) {
    throw u.role !== 'bank'
      ? authErrors.institutionNotForRole('bankId')
      : authErrors.institutionUnknown('bankId', u.bankId);
  }
  if (
    u.guarantorId !== undefined &&
    (u.role !== 'guarantor' || (await registry.findInstitution(u.guarantorId))?.kind !== 'guarantor')
  ) {
    throw u.role !== 'guarantor'
      ? authErrors.institutionNotForRole('guarantorId')
      : authErrors.institutionUnknown('guarantorId', u.guarantorId);
  }
}

export function usersRoutes({
  repo,
  db,
  passwordParams,
}: {
  repo: AuthRepository;
  db: Db;
  /** scrypt's cost; only test suites pass a cheaper one (passwords.ts). */
  passwordParams?: ScryptParams;
}) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.list, async (c) => {
      requireActor(c, 'user:read');
      return c.json({ items: (await repo.listUsers()).map(userView) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const actor = requireActor(c, 'user:write');
      const input = c.req.valid('json');
      await checkInstitutions(db, input);
      const id = await createUser({ repo, user: input, ...(passwordParams ? { passwordParams } : {}) });
      const user = {
        id,
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        bankId: input.bankId ?? null,
        guarantorId: input.guarantorId ?? null,
        disabled: false,
        email: null,
        notify: 'each' as const,
      };
      await createAuditRepository({ db }).record({
        actor: actor.username,
        action: 'user.create',
        entityKind: 'user',
        entityId: id,
        after: user,
      });
      return c.json(user, 201);
    })
    .openapi(routes.update, async (c) => {
      const actor = requireActor(c, 'user:write');
      const { id } = c.req.valid('param');
      const { disabled, email, notify } = c.req.valid('json');
      let user =
        email !== undefined || notify !== undefined
          ? userView(await setNotifications({ db, repo, actor, id, email, notify }))
          : undefined;
      if (disabled !== undefined) user = await setUserDisabled({ db, repo, actor, id, disabled, now: new Date() });
      return c.json(user!, 200);
    })
    .openapi(routes.setPassword, async (c) =>
      c.json(
        await setUserPassword({
          db,
          repo,
          actor: requireActor(c, 'user:write'),
          id: c.req.valid('param').id,
          password: c.req.valid('json').password,
          ...(passwordParams ? { passwordParams } : {}),
        }),
        200,
      ),
    );
}
