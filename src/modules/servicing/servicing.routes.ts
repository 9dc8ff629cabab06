import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { filingSchema } from '../filings/filings.schemas';
import { requireActor, type AppEnv } from '../shared/http-env';
import { idempotencyHeader, idempotencyKeyOf } from '../shared/idempotency';
import { body, errors, idParam, json } from '../shared/openapi';
import { fieldErrorSchema } from '../shared/problem';
import type { OperationsDeps } from '../shared/operations-deps';
import {
  balanceInput,
  bulkRepaymentInput,
  classificationInput,
  repaymentInput,
  writeOffDecisionInput,
  writeOffInput,
  writeOffSchema,
} from './servicing.schemas';
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
        errors: z.array(fieldErrorSchema).optional(),
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
  writeOff: createRoute({
    method: 'post',
    path: '/api/filings/{id}/write-off',
    tags,
    summary:
      'Ask that what is left of a compensated loan be written off (核销), with the day and basis of the bank’s write-off: a second person of the fund’s staff approves it (R18) before it stops counting against the bank’s cap for the enterprise (R16, G5)',
    request: {
      params: id,
      headers: idempotencyHeader,
      ...body(writeOffInput, { on: '2026-11-30', reason: '核销审批 2026-17' }),
    },
    responses: {
      201: json(writeOffSchema, 'Asked for; it waits for a decision'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
  writeOffs: createRoute({
    method: 'get',
    path: '/api/filings/{id}/write-offs',
    tags,
    summary: 'The loan’s write-offs: asked for, approved and rejected, oldest first',
    request: { params: id },
    responses: {
      200: json(z.object({ items: z.array(writeOffSchema) }), 'The write-offs'),
      401: errors[401],
      404: errors[404],
    },
  }),
  decideWriteOff: createRoute({
    method: 'post',
    path: '/api/filings/{id}/write-off/{decision}',
    tags,
    summary:
      'Approve or reject the write-off that waits (R18: not by the person who asked). Approved, the loan is written off: G5 no longer counts it (R16); recoveries go on (R8)',
    request: {
      params: z.object({
        id: z.string().openapi({ example: '00000000-0000-0000-0000-000000000000' }),
        decision: z.enum(['approve', 'reject']),
      }),
      headers: idempotencyHeader,
      ...body(writeOffDecisionInput, { note: '核销材料齐全' }),
    },
    responses: {
      200: json(z.object({ writeOff: writeOffSchema, filing: filingSchema }), 'Decided'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
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
    .openapi(routes.writeOff, async (c) => {
      const { on, reason } = c.req.valid('json');
      return c.json(
        await uc.requestWriteOff({
          db,
          actor: requireActor(c, 'servicing:write'),
          id: c.req.valid('param').id,
          on,
          reason,
          today: today(),
        }),
        201,
      );
    })
    .openapi(routes.writeOffs, async (c) =>
      c.json(
        { items: await uc.listWriteOffs({ db, actor: requireActor(c, 'filing:read'), id: c.req.valid('param').id }) },
        200,
      ),
    )
    .openapi(routes.decideWriteOff, async (c) => {
      const { id, decision } = c.req.valid('param');
      return c.json(
        await uc.decideWriteOffRequest({
          db,
          actor: requireActor(c, 'writeoff:decide'),
          id,
          decision,
          note: c.req.valid('json').note,
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
