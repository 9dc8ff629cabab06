import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { WEBHOOK_EVENT_PATTERNS } from '../../core/webhooks/webhooks';
import { requireActor, type AppEnv } from '../shared/http-env';
import { idempotencyHeader } from '../shared/idempotency';
import { body, errors, idParam, json } from '../shared/openapi';
import { pageQuery, pageSchema } from '../shared/paging';
import { patchSchema } from '../shared/patch';
import type { Db } from '../shared/db';
import * as uc from './webhooks.usecases';
import { MAX_URL_LENGTH } from './webhooks.url';

const tags = ['webhooks'];
const id = idParam('6f1d2c3b-0000-4000-8000-000000000000');

const urlField = z.string().min(1).max(MAX_URL_LENGTH).openapi({
  example: 'https://api.bank.example/backstop/events',
  description:
    'https:// to a public address; loopback (127.0.0.1, localhost, also over http://) only with BACKSTOP_WEBHOOKS_ALLOW_LOCAL=1',
});
const eventsField = z
  .array(z.enum(WEBHOOK_EVENT_PATTERNS))
  .min(1)
  .max(50)
  .openapi({
    example: ['filing.*', 'claim.approve', 'claim.pay'],
    description: 'event types, `filing.*`, `claim.*` or `*`',
  });
const descriptionField = z.string().max(200).openapi({ example: '核心系统' });

const endpointInput = z
  .strictObject({
    bankId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'the bank (a manager registers for a bank; a bank officer for its own)' }),
    url: urlField,
    events: eventsField,
    active: z.boolean().optional().openapi({ description: 'default true' }),
    description: descriptionField.optional(),
  })
  .openapi('WebhookEndpointInput');
const endpointPatch = patchSchema({
  url: urlField,
  events: eventsField,
  active: z.boolean(),
  description: descriptionField,
}).openapi('WebhookEndpointPatch');

const endpointSchema = z
  .object({
    id: z.string(),
    bankId: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    description: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    secretRotatedAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
  })
  .openapi('WebhookEndpoint');
const withSecret = endpointSchema
  .extend({
    secret: z.string().openapi({
      description: 'signs every delivery (Backstop-Signature); shown in this answer only',
      example: 'whsec_…',
    }),
  })
  .openapi('WebhookEndpointWithSecret');

const deliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
    attempts: z.number().int(),
    replays: z.number().int(),
    lastAttemptAt: z.string().nullable(),
    lastResponseStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
    event: z.unknown().openapi({ description: 'the event as sent: { id, type, createdAt, entity, data }' }),
  })
  .openapi('WebhookDelivery');

const routes = {
  create: createRoute({
    method: 'post',
    path: '/api/webhooks',
    tags,
    summary:
      'Register a bank system’s endpoint for signed events about the bank’s filings and claims (the secret is shown once)',
    request: {
      headers: idempotencyHeader,
      ...body(endpointInput, {
        bankId: 'bank-a',
        url: 'https://api.bank.example/backstop/events',
        events: ['filing.*', 'claim.*'],
        description: '核心系统',
      }),
    },
    responses: {
      201: json(withSecret, 'Registered'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      409: errors[409],
      422: errors[422],
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/api/webhooks',
    tags,
    summary: 'The endpoints (a bank: its own), newest first; never the secret',
    responses: {
      200: json(z.object({ items: z.array(endpointSchema) }), 'The endpoints'),
      401: errors[401],
      403: errors[403],
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/webhooks/{id}',
    tags,
    summary: 'One endpoint (deleted ones too); never the secret',
    request: { params: id },
    responses: { 200: json(endpointSchema, 'The endpoint'), 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/api/webhooks/{id}',
    tags,
    summary: 'Change an endpoint’s URL, events, active flag or description (an inactive endpoint gets nothing)',
    request: { params: id, headers: idempotencyHeader, ...body(endpointPatch, { active: false }) },
    responses: {
      200: json(endpointSchema, 'Changed'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/api/webhooks/{id}',
    tags,
    summary:
      'Delete an endpoint: nothing more is sent, waiting deliveries are cancelled, the log is kept; again: the endpoint as it is',
    request: { params: id },
    responses: { 200: json(endpointSchema, 'Deleted'), 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
  rotate: createRoute({
    method: 'post',
    path: '/api/webhooks/{id}/rotate-secret',
    tags,
    summary: 'A new secret at once (the old one no longer signs); shown in this answer only',
    request: { params: id, headers: idempotencyHeader },
    responses: {
      200: json(withSecret, 'Rotated'),
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
  deliveries: createRoute({
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    tags,
    summary: 'The endpoint’s delivery log, newest first: status, attempts, last answer, next attempt',
    request: {
      params: id,
      query: pageQuery.omit({ order: true }).extend({
        status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).optional(),
      }),
    },
    responses: {
      200: json(pageSchema(deliverySchema), 'The deliveries'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
    },
  }),
  replay: createRoute({
    method: 'post',
    path: '/api/webhooks/deliveries/{id}/replay',
    tags,
    summary: 'Send a delivery again (delivered, failed or cancelled), from the start of the retry schedule',
    request: { params: id, headers: idempotencyHeader },
    responses: {
      200: json(deliverySchema, 'Queued again: sent at the dispatcher’s next run'),
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
};

export function webhooksRoutes({ db, allowLocal, now }: { db: Db; allowLocal: boolean; now: () => Date }) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.create, async (c) =>
      c.json(
        await uc.createEndpoint({
          db,
          actor: requireActor(c, 'webhook:write'),
          input: c.req.valid('json'),
          allowLocal,
        }),
        201,
      ),
    )
    .openapi(routes.list, async (c) =>
      c.json({ items: await uc.listEndpoints({ db, actor: requireActor(c, 'webhook:read') }) }, 200),
    )
    .openapi(routes.get, async (c) =>
      c.json(await uc.getEndpoint({ db, actor: requireActor(c, 'webhook:read'), id: c.req.valid('param').id }), 200),
    )
    .openapi(routes.patch, async (c) =>
      c.json(
        await uc.updateEndpoint({
          db,
          actor: requireActor(c, 'webhook:write'),
          id: c.req.valid('param').id,
          patch: c.req.valid('json'),
          allowLocal,
        }),
        200,
      ),
    )
    .openapi(routes.remove, async (c) =>
      c.json(
        await uc.deleteEndpoint({
          db,
          actor: requireActor(c, 'webhook:write'),
          id: c.req.valid('param').id,
          now: now(),
        }),
        200,
      ),
    )
    .openapi(routes.rotate, async (c) =>
      c.json(
        await uc.rotateSecret({ db, actor: requireActor(c, 'webhook:write'), id: c.req.valid('param').id, now: now() }),
        200,
      ),
    )
    .openapi(routes.deliveries, async (c) => {
      const q = c.req.valid('query');
      return c.json(
        await uc.listDeliveries({
          db,
          actor: requireActor(c, 'webhook:read'),
          endpointId: c.req.valid('param').id,
          status: q.status,
          limit: q.limit,
          cursor: q.cursor,
        }),
        200,
      );
    })
    .openapi(routes.replay, async (c) =>
      c.json(
        await uc.replayDelivery({
          db,
          actor: requireActor(c, 'webhook:write'),
          id: c.req.valid('param').id,
          now: now(),
        }),
        200,
      ),
    );
}
