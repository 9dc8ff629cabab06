import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireActor, type AppEnv } from '../shared/http-env';
import { errors, json } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { entityNames } from './audit.names';
import { createAuditRepository } from './audit.repository';

const entrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
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
      entityKind: z.string().max(50).optional(),
      entityId: z.string().max(100).optional(),
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
    const { limit, cursor, entityKind, entityId } = c.req.valid('query');
    const rows = await createAuditRepository({ db }).list({
      limit,
      ...(cursor ? { beforeSeq: cursor } : {}),
      ...(entityKind ? { entityKind } : {}),
      ...(entityId ? { entityId } : {}),
    });
    const page = rows.slice(0, limit);
    const names = await entityNames(db, page);
    const items = page.map((r) => ({ ...r, entityName: names.get(`${r.entityKind}\u0000${r.entityId}`) ?? null }));
    return c.json({ items, nextCursor: rows.length > limit ? items.at(-1)!.seq : null }, 200);
  });
}
