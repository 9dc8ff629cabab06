import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { CLAIM_STATES } from '../../core/claims/claim-state';
import { requireActor, type AppEnv } from '../shared/http-env';
import { idempotencyHeader } from '../shared/idempotency';
import { body, errors, idParam, json, pathId } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { countedPageSchema, pageQuery } from '../shared/paging';
import { searchField } from '../shared/search';
import { getBreaker, listBreakers } from './breaker.usecases';
import {
  breakerSchema,
  claimDetail,
  claimInput,
  claimSchema,
  dueDiligenceSchema,
  findingInput,
  rejectInput,
  returnInput,
} from './claims.schemas';
import * as findings from './findings.usecases';
import * as uc from './claims.usecases';

const tags = ['claims'];
const id = idParam('00000000-0000-0000-0000-000000000000');
const transition = (path: string, summary: string) =>
  createRoute({
    method: 'post',
    path: `/api/claims/{id}/${path}`,
    tags,
    summary,
    request: { params: id },
    responses: {
      200: json(claimSchema, 'The claim after the step'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      ...(path === 'approve' || path === 'resubmit' ? { 422: errors[422] } : {}),
    },
  });

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/claims',
    tags,
    summary: 'Claims, by submission time, filtered and searched (`q`), with their total (a bank sees its own)',
    request: {
      query: pageQuery.extend({
        state: z.enum(CLAIM_STATES).optional(),
        bankId: z.string().max(100).optional(),
        fundId: z.string().max(100).optional(),
        filingId: z.string().max(100).optional(),
        q: searchField().openapi({
          description:
            'search: the beginning of a claim number (BP-2026-…) or contract number, any part of the borrower’s name, or the beginning of its credit code',
          example: 'BP-2026-000123',
        }),
      }),
    },
    responses: { 200: json(countedPageSchema(claimSchema), 'A page of claims'), 400: errors[400], 401: errors[401] },
  }),
  submit: createRoute({
    method: 'post',
    path: '/api/claims',
    tags,
    summary: 'Claim compensation for a non-performing loan: computed once from the loan’s fixed terms (R3, R10)',
    request: { headers: idempotencyHeader, ...body(claimInput, { filingId: '00000000-0000-0000-0000-000000000000' }) },
    responses: {
      201: json(claimSchema, 'Submitted (or held by the bank’s circuit breaker, G4)'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/claims/{id}',
    tags,
    summary: 'One claim with its history, SLA and queue position',
    request: { params: id },
    responses: { 200: json(claimDetail, 'The claim'), 401: errors[401], 404: errors[404] },
  }),
  prepare: transition('prepare', 'The manager takes the claim up for review (the maker)'),
  approve: transition(
    'approve',
    'A second person approves (maker–checker): the exposure is released and the payable booked',
  ),
  reject: createRoute({
    method: 'post',
    path: '/api/claims/{id}/reject',
    tags,
    summary: 'Reject, with a reason',
    request: { params: id, ...body(rejectInput, { reason: '材料不全 / documents missing' }) },
    responses: {
      200: json(claimSchema, 'The rejected claim'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
  return: createRoute({
    method: 'post',
    path: '/api/claims/{id}/return',
    tags,
    summary: 'Send an undecided claim back to the bank for more material (退回补正, R21), naming what is missing',
    request: {
      params: id,
      ...body(returnInput, {
        items: ['collection-record'],
        note: '催收记录不完整 / the collection record is incomplete',
      }),
    },
    responses: {
      200: json(claimSchema, 'The returned claim'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
  resubmit: transition(
    'resubmit',
    'The bank sends a returned claim again, a file added to each item named (R21): a fresh review and SLA',
  ),
  findings: createRoute({
    method: 'get',
    path: '/api/claims/{id}/findings',
    tags,
    summary:
      'The programme’s due-diligence findings (尽职审查, R22), those recorded on the claim, the cut and the compensation as cut',
    request: { params: id },
    responses: { 200: json(dueDiligenceSchema, 'The findings'), 401: errors[401], 404: errors[404] },
  }),
  recordFinding: createRoute({
    method: 'post',
    path: '/api/claims/{id}/findings',
    tags,
    summary: 'The preparer records a finding under review (R22): the compensation is recomputed with the findings’ cut',
    request: {
      params: id,
      ...body(findingInput, { findingId: 'collection-effort', note: '逾期后未及时催收 / no timely collection' }),
    },
    responses: {
      200: json(claimSchema, 'The claim with its new compensation'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
  withdrawFinding: createRoute({
    method: 'delete',
    path: '/api/claims/{id}/findings/{findingId}',
    tags,
    summary: 'The preparer takes a finding back (R22): the compensation is recomputed without its cut',
    request: {
      params: id.extend({
        findingId: pathId().openapi({ param: { name: 'findingId', in: 'path' }, example: 'collection-effort' }),
      }),
    },
    responses: {
      200: json(claimSchema, 'The claim with its new compensation'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
  withdraw: transition('withdraw', 'The bank withdraws its claim'),
  pay: transition('pay', 'Pay an approved claim, or queue it while the fund lacks cash (R7a)'),
  breakers: createRoute({
    method: 'get',
    path: '/api/breakers',
    tags,
    summary: 'The circuit breaker of every bank (G4, R9) and why',
    responses: {
      200: json(
        z.object({ items: z.array(breakerSchema.extend({ bankName: z.string(), bankNameEn: z.string().nullable() })) }),
        'One per bank (a bank sees its own)',
      ),
      401: errors[401],
    },
  }),
  breaker: createRoute({
    method: 'get',
    path: '/api/breakers/{id}',
    tags,
    summary: 'One bank’s circuit breaker (G4) and why',
    request: { params: idParam('bank-icbc') },
    responses: { 200: json(breakerSchema, 'The breaker'), 401: errors[401], 404: errors[404] },
  }),
};

export function claimsRoutes({ db, catalog, today }: OperationsDeps, dossier: uc.DossierRule = 'required') {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.list, async (c) =>
      c.json(
        await uc.listClaims({ db, actor: requireActor(c, 'claim:read'), query: c.req.valid('query'), today: today() }),
        200,
      ),
    )
    .openapi(routes.submit, async (c) => {
      const out = await uc.submitClaim({
        db,
        catalog: catalog(),
        actor: requireActor(c, 'claim:submit'),
        input: { filingId: c.req.valid('json').filingId },
        today: today(),
      });
      return c.json(out.claim, 201);
    })
    .openapi(routes.get, async (c) =>
      c.json(
        await uc.getClaim({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:read'),
          id: c.req.valid('param').id,
          today: today(),
        }),
        200,
      ),
    )
    .openapi(routes.prepare, async (c) =>
      c.json(
        await uc.prepareClaim({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:prepare'),
          id: c.req.valid('param').id,
          today: today(),
        }),
        200,
      ),
    )
    .openapi(routes.approve, async (c) =>
      c.json(
        await uc.approveClaim({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:approve'),
          id: c.req.valid('param').id,
          today: today(),
          dossier,
        }),
        200,
      ),
    )
    .openapi(routes.reject, async (c) =>
      c.json(
        await uc.rejectClaim({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:approve'),
          id: c.req.valid('param').id,
          reason: c.req.valid('json').reason,
        }),
        200,
      ),
    )
    .openapi(routes.return, async (c) =>
      c.json(
        await uc.returnClaim({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:return'),
          id: c.req.valid('param').id,
          input: c.req.valid('json'),
          today: today(),
        }),
        200,
      ),
    )
    .openapi(routes.resubmit, async (c) =>
      c.json(
        await uc.resubmitClaim({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:submit'),
          id: c.req.valid('param').id,
          today: today(),
        }),
        200,
      ),
    )
    .openapi(routes.findings, async (c) =>
      c.json(
        await findings.listFindings({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:read'),
          id: c.req.valid('param').id,
        }),
        200,
      ),
    )
    .openapi(routes.recordFinding, async (c) =>
      c.json(
        await findings.recordFinding({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:prepare'),
          id: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        200,
      ),
    )
    .openapi(routes.withdrawFinding, async (c) =>
      c.json(
        await findings.withdrawFinding({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:prepare'),
          id: c.req.valid('param').id,
          findingId: c.req.valid('param').findingId,
        }),
        200,
      ),
    )
    .openapi(routes.withdraw, async (c) =>
      c.json(
        await uc.withdrawClaim({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:submit'),
          id: c.req.valid('param').id,
        }),
        200,
      ),
    )
    .openapi(routes.pay, async (c) =>
      c.json(
        await uc.payApprovedClaim({
          db,
          actor: requireActor(c, 'claim:pay'),
          id: c.req.valid('param').id,
          today: today(),
        }),
        200,
      ),
    )
    .openapi(routes.breakers, async (c) =>
      c.json({ items: await listBreakers({ db, catalog: catalog(), actor: requireActor(c, 'claim:read') }) }, 200),
    )
    .openapi(routes.breaker, async (c) =>
      c.json(
        await getBreaker({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'claim:read'),
          bankId: c.req.valid('param').id,
        }),
        200,
      ),
    );
}
