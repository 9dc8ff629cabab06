import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireActor, type AppEnv } from '../shared/http-env';
import { idempotencyHeader } from '../shared/idempotency';
import { body, errors, idParam, json } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { countedPageSchema, pageQuery } from '../shared/paging';
import { searchField } from '../shared/search';
import { isoDateField } from '../registry/registry.schemas';
import { FILING_SORTS } from './filings.repository';
import { filingInput, filingPatch, filingProofSchema, filingSchema, withdrawInput } from './filings.schemas';
import { FILING_STATUSES } from './filings.table';
import * as uc from './filings.usecases';

const tags = ['filings'];
const exampleFiling = {
  bankRef: 'ICBC-2025-000123',
  creditCode: '91350100M000100Y43',
  loan: { kind: 'credit', principal: '8000000.00', disbursedOn: '2025-09-01', maturesOn: '2026-08-31', mode: 'direct' },
};
const filingDetail = filingSchema
  .extend({
    events: z.array(
      z.object({ kind: z.string(), on: z.string(), data: z.unknown(), actor: z.string(), at: z.string() }),
    ),
  })
  .openapi('FilingDetail');
const id = idParam('00000000-0000-0000-0000-000000000000');

const listQuery = pageQuery.extend({
  sort: z
    .enum(Object.keys(FILING_SORTS) as [keyof typeof FILING_SORTS, ...(keyof typeof FILING_SORTS)[]])
    .default('filedOn'),
  status: z.enum(FILING_STATUSES).optional(),
  bankId: z.string().max(100).optional(),
  fundId: z.string().max(100).optional(),
  programme: z.string().max(100).optional(),
  enterpriseId: z.string().max(100).optional(),
  kind: z.string().max(50).optional(),
  mode: z.enum(['direct', 'risk-sharing']).optional(),
  filedFrom: isoDateField().optional(),
  filedTo: isoDateField().optional(),
  bankRef: z.string().max(64).optional().openapi({ description: 'the bank’s contract number, or its beginning' }),
  q: searchField(),
  guarantorConfirmed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ description: 'risk-sharing loans their guarantor has (true) or has not yet (false) confirmed' }),
});

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/filings',
    tags,
    summary:
      'Filed loans, paged by cursor, sorted, filtered and searched (`q`), with their total (a bank sees its own)',
    request: { query: listQuery },
    responses: { 200: json(countedPageSchema(filingSchema), 'A page of filings'), 400: errors[400], 401: errors[401] },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/filings',
    tags,
    summary:
      'File a loan (备案): eligibility, fixed terms, liability reserved within every limit — or refused with every failing reason',
    description:
      'Refusals answer 422 with one `errors` entry per failing rule (`field` = `rule:<id>`), including the fund limit (R7b), the bank’s quota (R7c) and the per-enterprise cap (G5).',
    request: { headers: idempotencyHeader, ...body(filingInput, exampleFiling) },
    responses: {
      201: json(filingSchema, 'Filed'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      409: errors[409],
      422: errors[422],
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/filings/{id}',
    tags,
    summary: 'One filing with its history',
    request: { params: id },
    responses: { 200: json(filingDetail, 'The filing'), 401: errors[401], 404: errors[404] },
  }),
  proof: createRoute({
    method: 'get',
    path: '/api/filings/{id}/proof',
    tags,
    summary:
      'How one filing is proved in the hash-chained audit log: a bulk-filed loan’s Merkle path to its chunk’s root, or its own row',
    request: { params: id },
    responses: { 200: json(filingProofSchema, 'The proof'), 401: errors[401], 404: errors[404] },
  }),
  amend: createRoute({
    method: 'patch',
    path: '/api/filings/{id}',
    tags,
    summary: 'Amend a filing (judged again under the version it was filed under, R3)',
    request: {
      params: id,
      ...body(filingPatch, { principal: '7500000.00', reason: '合同金额更正 / contract amount corrected' }),
    },
    responses: {
      200: json(filingSchema, 'Amended'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
    },
  }),
  withdraw: createRoute({
    method: 'post',
    path: '/api/filings/{id}/withdraw',
    tags,
    summary: 'Withdraw a filing: its liability goes back to the fund',
    request: { params: id, ...body(withdrawInput, { reason: '重复备案 / filed twice' }) },
    responses: {
      200: json(filingSchema, 'Withdrawn'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
  confirm: createRoute({
    method: 'post',
    path: '/api/filings/{id}/guarantor-confirmation',
    tags,
    summary: 'The guarantor confirms its part of a risk-sharing loan (F14–F16); again: the loan as it is',
    request: { params: id },
    responses: {
      200: json(filingSchema, 'Confirmed'),
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
};

export function filingsRoutes({ db, catalog, today }: OperationsDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.list, async (c) => {
      const { programme, ...q } = c.req.valid('query');
      return c.json(
        await uc.listFilings({
          db,
          actor: requireActor(c, 'filing:read'),
          query: { ...q, ...(programme ? { programmeId: programme } : {}) },
        }),
        200,
      );
    })
    .openapi(routes.create, async (c) => {
      const actor = requireActor(c, 'filing:write');
      const out = await uc.fileLoan({ db, catalog: catalog(), actor, today: today(), input: c.req.valid('json') });
      return c.json(out.filing, 201);
    })
    .openapi(routes.get, async (c) =>
      c.json(await uc.getFiling({ db, actor: requireActor(c, 'filing:read'), id: c.req.valid('param').id }), 200),
    )
    .openapi(routes.proof, async (c) =>
      c.json(await uc.filingProof({ db, actor: requireActor(c, 'filing:read'), id: c.req.valid('param').id }), 200),
    )
    .openapi(routes.amend, async (c) =>
      c.json(
        await uc.amendFiling({
          db,
          catalog: catalog(),
          actor: requireActor(c, 'filing:write'),
          id: c.req.valid('param').id,
          patch: c.req.valid('json'),
        }),
        200,
      ),
    )
    .openapi(routes.withdraw, async (c) =>
      c.json(
        await uc.withdrawFiling({
          db,
          actor: requireActor(c, 'filing:write'),
          id: c.req.valid('param').id,
          reason: c.req.valid('json').reason,
          today: today(),
        }),
        200,
      ),
    )
    .openapi(routes.confirm, async (c) =>
      c.json(
        await uc.confirmGuarantee({
          db,
          actor: requireActor(c, 'filing:confirm'),
          id: c.req.valid('param').id,
          today: today(),
        }),
        200,
      ),
    );
}
