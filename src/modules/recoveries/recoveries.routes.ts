import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { yuan } from '../../core/policy/zod-fields';
import { getClaim } from '../claims/claims.usecases';
import { isoDateField } from '../registry/registry.schemas';
import { requireActor, type AppEnv } from '../shared/http-env';
import { idempotencyHeader } from '../shared/idempotency';
import { body, errors, idParam, json } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { RECOVERY_STAGES } from './recoveries.table';
import * as uc from './recoveries.usecases';

const tags = ['recoveries'];
const id = idParam('00000000-0000-0000-0000-000000000000');
const recoveryInput = z
  .strictObject({
    amount: yuan().openapi({
      type: 'string',
      example: '1000000.00',
      description: 'what the bank recovered, its costs included',
    }),
    costs: yuan().optional().openapi({
      type: 'string',
      example: '20000.00',
      description:
        'the bank’s costs of this recovery (court, enforcement, lawyers): deducted before the fund’s share where the programme says so (R19); default 0',
    }),
    on: isoDateField(),
  })
  .openapi('RecoveryInput');
const progressInput = z
  .strictObject({
    stage: z.enum(RECOVERY_STAGES).openapi({ description: 'how far the pursuit has gone (追偿进展)' }),
    on: isoDateField(),
    note: z.string().trim().min(2).max(2000),
  })
  .openapi('RecoveryProgressInput');
const progressSchema = z
  .object({
    id: z.string(),
    claimId: z.string(),
    stage: z.enum(RECOVERY_STAGES),
    on: z.string(),
    note: z.string(),
    reportedBy: z.string(),
    at: z.string(),
  })
  .openapi('RecoveryProgress');
const recoverySchema = z
  .object({
    id: z.string(),
    claimId: z.string(),
    filingId: z.string(),
    bankId: z.string(),
    recovered: z.string(),
    costs: z.string(),
    refund: z.string(),
    recoveredOn: z.string(),
    reportedBy: z.string(),
    at: z.string(),
  })
  .openapi('Recovery');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/claims/{id}/recoveries',
    tags,
    summary: 'What the bank recovered after compensation and what flowed back to the fund (R8)',
    request: { params: id },
    responses: {
      200: json(z.object({ items: z.array(recoverySchema) }), 'The recoveries'),
      401: errors[401],
      404: errors[404],
    },
  }),
  report: createRoute({
    method: 'post',
    path: '/api/claims/{id}/recoveries',
    tags,
    summary: 'Report money recovered after compensation: the fund’s share flows back to cash (R8)',
    request: {
      params: id,
      headers: idempotencyHeader,
      ...body(recoveryInput, { amount: '1000000.00', costs: '20000.00', on: '2026-06-01' }),
    },
    responses: {
      201: json(recoverySchema, 'Reported'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
  progress: createRoute({
    method: 'get',
    path: '/api/claims/{id}/recovery-progress',
    tags,
    summary: 'The bank’s reports of how its recovery of a compensated loan goes (追偿进展)',
    request: { params: id },
    responses: {
      200: json(z.object({ items: z.array(progressSchema) }), 'The progress reports, oldest first'),
      401: errors[401],
      404: errors[404],
    },
  }),
  reportProgress: createRoute({
    method: 'post',
    path: '/api/claims/{id}/recovery-progress',
    tags,
    summary:
      'Report progress in recovering a compensated loan: a stage (litigation, enforcement, …), its date and a note',
    request: {
      params: id,
      headers: idempotencyHeader,
      ...body(progressInput, {
        stage: 'litigation',
        on: '2026-06-01',
        note: '已向北京市大兴区人民法院起诉，案件已受理',
      }),
    },
    responses: {
      201: json(progressSchema, 'Reported'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
};

export function recoveriesRoutes({ db, catalog, today }: OperationsDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.list, async (c) => {
      const actor = requireActor(c, 'claim:read');
      const claimId = c.req.valid('param').id;
      await getClaim({ db, catalog: catalog(), actor, id: claimId, today: today() }); // 404 unless the actor may see the claim
      return c.json({ items: await uc.listRecoveries({ db, actor, claimId }) }, 200);
    })
    .openapi(routes.report, async (c) => {
      const { amount, costs, on } = c.req.valid('json');
      const out = await uc.reportRecovery({
        db,
        catalog: catalog(),
        actor: requireActor(c, 'recovery:write'),
        claimId: c.req.valid('param').id,
        amount,
        ...(costs !== undefined ? { costs } : {}),
        on,
        today: today(),
      });
      return c.json(out.recovery, 201);
    })
    .openapi(routes.progress, async (c) => {
      const actor = requireActor(c, 'claim:read');
      return c.json({ items: await uc.listProgress({ db, actor, claimId: c.req.valid('param').id }) }, 200);
    })
    .openapi(routes.reportProgress, async (c) => {
      const input = c.req.valid('json');
      const progress = await uc.reportProgress({
        db,
        actor: requireActor(c, 'recovery:write'),
        claimId: c.req.valid('param').id,
        ...input,
        today: today(),
      });
      return c.json(progress, 201);
    });
}
