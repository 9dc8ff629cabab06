import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { payQueue } from '../claims/claims.usecases';
import { notAfterToday } from '../shared/dates';
import { requireActor, type AppEnv } from '../shared/http-env';
import { idempotencyHeader } from '../shared/idempotency';
import { body, errors, idParam, json } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import {
  agreementInput,
  agreementSchema,
  fundInput,
  fundSchema,
  quotaInput,
  topUpInput,
  topUpSchema,
} from './funds.schemas';
import * as uc from './funds.usecases';

const tags = ['funds'];

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/funds',
    tags,
    summary: 'The funds',
    responses: { 200: json(z.object({ items: z.array(fundSchema) }), 'The funds'), 401: errors[401], 403: errors[403] },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/funds/{id}',
    tags,
    summary: 'One fund with its top-ups',
    request: { params: idParam('etown') },
    responses: { 200: json(fundSchema, 'The fund'), 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/funds',
    tags,
    summary: 'Set up a fund (F3) with its capital and liability multiple (R7b)',
    request: body(fundInput, {
      id: 'etown',
      name: '北京经开区贷款风险补偿资金',
      programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
      liabilityMultiple: '10',
      capital: '100000000.00',
      on: '2023-12-01',
    }),
    responses: {
      201: json(fundSchema, 'Created'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      409: errors[409],
    },
  }),
  topUp: createRoute({
    method: 'post',
    path: '/api/funds/{id}/top-ups',
    tags,
    summary: 'Top the fund up: cash and the liability limit rise; queued claims are paid (R7a)',
    request: {
      params: idParam('etown'),
      headers: idempotencyHeader,
      ...body(topUpInput, { amount: '20000000.00', on: '2026-01-05', note: '2026 年度追加' }),
    },
    responses: {
      201: json(topUpSchema, 'Topped up'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
  payQueue: createRoute({
    method: 'post',
    path: '/api/funds/{id}/pay-queue',
    tags,
    summary: 'Pay queued claims, first approved first, while cash lasts (R7a)',
    request: { params: idParam('etown') },
    responses: {
      200: json(z.object({ paid: z.number().int() }), 'How many were paid'),
      401: errors[401],
      403: errors[403],
      404: errors[404],
    },
  }),
  listAgreements: createRoute({
    method: 'get',
    path: '/api/agreements',
    tags,
    summary: 'Cooperation agreements (G1) with quotas (R7c); a bank sees its own',
    request: { query: z.object({ fundId: z.string().max(100).optional() }) },
    responses: { 200: json(z.object({ items: z.array(agreementSchema) }), 'The agreements'), 401: errors[401] },
  }),
  sign: createRoute({
    method: 'post',
    path: '/api/agreements',
    tags,
    summary: 'Sign a cooperation agreement (G1), optionally with a quota carved from the fund’s capacity (R7c)',
    request: body(agreementInput, {
      fundId: 'etown',
      programmeId: 'etown-2025-sci-tech',
      institutionId: 'bank-icbc',
      signedOn: '2025-07-10',
      quota: '200000000.00',
    }),
    responses: {
      201: json(agreementSchema, 'Signed'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      409: errors[409],
      422: errors[422],
    },
  }),
  raiseQuota: createRoute({
    method: 'patch',
    path: '/api/agreements/{id}',
    tags,
    summary: 'Raise a bank’s quota',
    request: {
      params: idParam('00000000-0000-0000-0000-000000000000'),
      ...body(quotaInput, { quota: '300000000.00' }),
    },
    responses: {
      200: json(agreementSchema, 'Raised'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      422: errors[422],
    },
  }),
};

export function fundsRoutes({ db, today }: OperationsDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.list, async (c) => {
      requireActor(c, 'fund:read');
      return c.json({ items: await uc.listFunds({ db }) }, 200);
    })
    .openapi(routes.get, async (c) => {
      requireActor(c, 'fund:read');
      return c.json(await uc.fundView(db, c.req.valid('param').id), 200);
    })
    .openapi(routes.create, async (c) => {
      const actor = requireActor(c, 'fund:write');
      const input = c.req.valid('json');
      notAfterToday(today(), { on: input.on });
      return c.json(
        await uc.createFund({ db, actor, input: { ...input, liabilityMultipleBp: input.liabilityMultiple } }),
        201,
      );
    })
    .openapi(routes.topUp, async (c) => {
      const actor = requireActor(c, 'fund:write');
      const fundId = c.req.valid('param').id;
      const input = c.req.valid('json');
      notAfterToday(today(), { on: input.on });
      const topUp = await uc.topUpFund({
        db,
        actor,
        fundId,
        amount: input.amount,
        on: input.on,
        note: input.note,
      });
      const queuedClaimsPaid = await payQueue({ db, actor, fundId, today: today() });
      return c.json({ ...topUp, note: topUp.note ?? null, queuedClaimsPaid }, 201);
    })
    .openapi(routes.payQueue, async (c) => {
      const actor = requireActor(c, 'claim:pay');
      const fundId = c.req.valid('param').id;
      await uc.fundView(db, fundId);
      return c.json({ paid: await payQueue({ db, actor, fundId, today: today() }) }, 200);
    })
    .openapi(routes.listAgreements, async (c) =>
      c.json(
        {
          items: await uc.listAgreements({
            db,
            actor: requireActor(c, 'registry:read'),
            fundId: c.req.valid('query').fundId,
          }),
        },
        200,
      ),
    )
    .openapi(routes.sign, async (c) => {
      const actor = requireActor(c, 'fund:write');
      const input = c.req.valid('json');
      notAfterToday(today(), { signedOn: input.signedOn });
      return c.json(await uc.signAgreement({ db, actor, input }), 201);
    })
    .openapi(routes.raiseQuota, async (c) =>
      c.json(
        await uc.raiseQuota({
          db,
          actor: requireActor(c, 'fund:write'),
          id: c.req.valid('param').id,
          quota: c.req.valid('json').quota,
        }),
        200,
      ),
    );
}
