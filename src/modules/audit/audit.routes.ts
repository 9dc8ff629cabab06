import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireActor, type AppEnv } from '../shared/http-env';
import { errors, json } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { searchField } from '../shared/search';
import { actorNames, entityNames, nameKey } from './audit.names';
import { createAuditRepository } from './audit.repository';

const entrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string().openapi({ description: 'the username of who did it' }),
    actorName: z
      .object({
        displayName: z.string(),
        role: z.string().openapi({ example: 'manager' }),
      })
      .nullable()
      .openapi({ description: 'who did it, by their display name and role; null for a username no longer a user’s' }),
    action: z.string().openapi({ example: 'claim.approve' }),
    entityKind: z.string(),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
    entityName: z
      .object({
        kind: z
          .string()
          .openapi({ description: 'the kind of record to link to (`bank`, `guarantor`… for an institution)' }),
        id: z.string().openapi({ description: 'its id (a recovery names its claim)' }),
        zh: z.string(),
        en: z.string(),
      })
      .nullable()
      .openapi({
        description:
          'The record as people know it (a claim by its number, a loan by its contract number, a name), where known',
        example: { kind: 'claim', id: '0b6c…', zh: 'BP-2026-000123', en: 'BP-2026-000123' },
      }),
  })
  .openapi('AuditEntry');

const list = createRoute({
  method: 'get',
  path: '/api/audit',
  tags: ['audit'],
  summary: 'The audit log, newest first: who changed what, when, before and after (staff only)',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.coerce
        .number()
        .int()
        .positive()
        .optional()
        .openapi({ description: 'the `nextCursor` of the previous page (a sequence number)' }),
      entityKind: z.string().max(50).optional().openapi({
        description: 'the kind of record (`claim`, `filing`, `enterprise`, `institution`, `fund`, `user` …)',
      }),
      entityId: z.string().max(100).optional().openapi({ description: 'the record’s id, exactly' }),
      entity: searchField().openapi({
        description:
          'the record by name or readable number: its id, the beginning of a claim number (BP-2026-000123, a recovery by its claim’s) or a contract number or credit code, or a part of the name of an enterprise, institution, fund, agreement’s institution or programme, or person',
        example: 'BP-2026-',
      }),
      actor: searchField().openapi({
        description: 'who did it: a username, or a part of a display name',
        example: '张',
      }),
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(entrySchema), nextCursor: z.number().int().nullable() }), 'A page of the log'),
    400: errors[400],
    401: errors[401],
    403: errors[403],
  },
});

export function auditRoutes({ db }: OperationsDeps) {
  return new OpenAPIHono<AppEnv>().openapi(list, async (c) => {
    requireActor(c, 'audit:read');
    const { limit, cursor, entityKind, entityId, entity, actor } = c.req.valid('query');
    const rows = await createAuditRepository({ db }).list({
      limit,
      ...(cursor ? { beforeSeq: cursor } : {}),
      ...(entityKind ? { entityKind } : {}),
      ...(entityId ? { entityId } : {}),
      ...(entity ? { entity } : {}),
      ...(actor ? { actor } : {}),
    });
    const page = rows.slice(0, limit);
    const names = await entityNames(db, page);
    const people = await actorNames(
      db,
      page.map((r) => r.actor),
    );
    const items = page.map((r) => ({
      ...r,
      actorName: people.get(r.actor) ?? null,
      entityName: names.get(nameKey(r.entityKind, r.entityId)) ?? null,
    }));
    return c.json({ items, nextCursor: rows.length > limit ? items.at(-1)!.seq : null }, 200);
  });
}
