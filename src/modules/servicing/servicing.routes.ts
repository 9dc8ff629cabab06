import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { filingSchema } from '../filings/filings.schemas';
import { requireActor, type AppEnv } from '../shared/http-env';
import { idempotencyHeader, idempotencyKeyOf } from '../shared/idempotency';
import { body, errors, idParam, json } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { balanceInput, bulkRepaymentInput, classificationInput, repaymentInput } from './servicing.schemas';
import * as uc from './servicing.usecases';

const tags = ['servicing'];
const id = idParam('00000000-0000-0000-0000-000000000000');
const bulkResult = z
  .object({
    items: z.array(
      z.object({
        filingId: z.string(),
        ok: z.boolean(),
        outstanding: z.string().optional(),
        reserved: z.string().optional(),
        status: z.number().int().optional(),
        errors: z
          .array(z.object({ field: z.string(), message: z.string(), messageZh: z.string().optional() }))
          .optional(),
      }),
    ),
    applied: z.number().int(),
    refused: z.number().int(),
  })
  .openapi('BulkRepaymentResult');

const routes = {
  repayment: createRoute({
    method: 'post',
    path: '/api/filings/{id}/repayments',
    tags,
    summary: 'Report a repayment: the loan’s liability falls with its outstanding principal (R7b)',
    request: {
      params: id,
      headers: idempotencyHeader,
      ...body(repaymentInput, { amount: '1000000.00', on: '2025-12-20' }),
    },
    responses: {
      200: json(
        filingSchema,
        'The loan after the repayment (the same Idempotency-Key again: the first answer, nothing repaid twice)',
      ),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
  balance: createRoute({
    method: 'post',
    path: '/api/filings/{id}/balance',
    tags,
    summary: 'Report the outstanding principal',
    request: { params: id, ...body(balanceInput, { outstanding: '6000000.00', on: '2025-12-31' }) },
    responses: {
      200: json(filingSchema, 'The loan after the report'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
  classification: createRoute({
    method: 'post',
    path: '/api/filings/{id}/classification',
    tags,
    summary:
      'Report the loan’s classification and overdue date; substandard or worse, or overdue more than 90 days, is non-performing (R6, G9)',
    request: {
      params: id,
      ...body(classificationInput, { classification: 'substandard', overdueSince: '2026-01-05', on: '2026-04-10' }),
    },
    responses: {
      200: json(filingSchema, 'The loan after the report'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
  bulk: createRoute({
    method: 'post',
    path: '/api/repayments',
    tags,
    summary:
      'Report up to 1,000 repayments at once, set-based (one transaction, one ledger batch); each line is answered on its own, as if the lines were sent one after another',
    request: {
      headers: idempotencyHeader,
      ...body(bulkRepaymentInput, {
        items: [{ filingId: '00000000-0000-0000-0000-000000000000', amount: '100000.00', on: '2025-12-20' }],
      }),
    },
    responses: {
      200: json(
        bulkResult,
        'One answer per line (the same Idempotency-Key again: the first answers, nothing repaid twice)',
      ),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      409: errors[409],
      422: errors[422],
    },
  }),
};

export function servicingRoutes({ db, catalog, today }: OperationsDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.repayment, async (c) => {
      const { amount, on } = c.req.valid('json');
      return c.json(
        await uc.reportRepayment({
          db,
          actor: requireActor(c, 'servicing:write'),
          id: c.req.valid('param').id,
          amount,
          on,
          today: today(),
        }),
        200,
      );
    })
    .openapi(routes.balance, async (c) => {
      const { outstanding, on } = c.req.valid('json');
      return c.json(
        await uc.reportBalance({
          db,
          actor: requireActor(c, 'servicing:write'),
          id: c.req.valid('param').id,
          outstanding,
          on,
          today: today(),
        }),
        200,
      );
    })
    .openapi(routes.classification, async (c) => {
      const { classification, overdueSince, on } = c.req.valid('json');
      return c.json(
        await uc.reportClassification({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'servicing:write'),
          id: c.req.valid('param').id,
          classification,
          overdueSince,
          on,
          today: today(),
        }),
        200,
      );
    })
    .openapi(routes.bulk, async (c) => {
      const actor = requireActor(c, 'servicing:write');
      return c.json(
        await uc.reportRepayments({
          db,
          actor,
          lines: c.req.valid('json').items,
          today: today(),
          whole: idempotencyKeyOf(c) !== undefined,
        }),
        200,
      );
    });
}
