import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireActor, type AppEnv } from '../shared/http-env';
import { body, errors, idParam, json } from '../shared/openapi';
import { countedPageSchema, pageQuery } from '../shared/paging';
import { searchField } from '../shared/search';
import { registryErrors } from './registry.errors';
import type { RegistryRepository } from './registry.repository';
import {
  bulkEnterpriseInput,
  bulkEnterpriseResult,
  enterpriseInput,
  enterprisePatch,
  enterpriseSchema,
  institutionInput,
  institutionSchema,
  qualificationInput,
} from './registry.schemas';
import * as uc from './registry.usecases';

const tags = ['registry'];
const exampleEnterprise = {
  creditCode: '91350100M000100Y43',
  name: '北京亦庄智造科技有限公司',
  size: 'small',
  industry: 'ic-design',
  sciTech: true,
  registeredInZone: true,
  qualifications: [{ kind: 'national-high-tech', validFrom: '2024-01-01', validTo: '2026-12-31' }],
};

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/enterprises',
    tags,
    summary: 'Enterprises, paged by cursor, sorted by name, searched (`q`), with their total',
    request: {
      query: pageQuery.extend({
        q: searchField().openapi({
          description: 'search: any part of the name (Chinese or English), or the beginning of the credit code',
          example: '亦庄',
        }),
        size: z.enum(['micro', 'small', 'medium', 'large']).optional(),
        sciTech: z.enum(['true', 'false']).optional(),
      }),
    },
    responses: {
      200: json(countedPageSchema(enterpriseSchema), 'A page of enterprises'),
      400: errors[400],
      401: errors[401],
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/enterprises',
    tags,
    summary: 'Register an enterprise (credit code checked per GB 32100-2015)',
    request: body(enterpriseInput, exampleEnterprise),
    responses: {
      201: json(enterpriseSchema, 'Registered'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      409: errors[409],
    },
  }),
  bulkCreate: createRoute({
    method: 'post',
    path: '/api/enterprises/bulk',
    tags,
    summary:
      'Register up to 1,000 enterprises at once: all or none, each row checked as a single registration is; errors name the row (enterprises[2].creditCode)',
    request: body(bulkEnterpriseInput, {
      enterprises: [
        exampleEnterprise,
        {
          creditCode: '91110302MA01ABCD12',
          name: '北京亦庄数智物流有限公司',
          size: 'micro',
          industry: 'logistics',
          sciTech: false,
          registeredInZone: true,
          qualifications: [],
        },
      ],
    }),
    responses: {
      201: json(bulkEnterpriseResult, 'All registered, in the order sent'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      409: errors[409],
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/enterprises/{id}',
    tags,
    summary: 'One enterprise with its qualifications',
    request: { params: idParam('00000000-0000-0000-0000-000000000000') },
    responses: { 200: json(enterpriseSchema, 'The enterprise'), 401: errors[401], 404: errors[404] },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/api/enterprises/{id}',
    tags,
    summary: 'Correct an enterprise’s registration',
    request: { params: idParam(), ...body(enterprisePatch, { size: 'medium' }) },
    responses: {
      200: json(enterpriseSchema, 'Updated'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
    },
  }),
  addQualification: createRoute({
    method: 'post',
    path: '/api/enterprises/{id}/qualifications',
    tags,
    summary: 'Add a qualification with its validity (F7, R4)',
    request: {
      params: idParam(),
      ...body(qualificationInput, { kind: 'little-giant', validFrom: '2025-07-01', validTo: '2028-06-30' }),
    },
    responses: {
      201: json(enterpriseSchema, 'Added'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
    },
  }),
  listInstitutions: createRoute({
    method: 'get',
    path: '/api/institutions',
    tags,
    summary: 'Banks and guarantee institutions (a bank sees itself)',
    request: {
      query: z.object({ kind: z.enum(['bank', 'guarantor', 're-guarantor', 'national-guarantee-fund']).optional() }),
    },
    responses: { 200: json(z.object({ items: z.array(institutionSchema) }), 'The institutions'), 401: errors[401] },
  }),
  createInstitution: createRoute({
    method: 'post',
    path: '/api/institutions',
    tags,
    summary: 'Register a bank or guarantee institution (G1)',
    request: body(institutionInput, {
      id: 'bank-icbc',
      kind: 'bank',
      name: '中国工商银行北京经济技术开发区支行',
      nameEn: 'ICBC E-Town sub-branch',
    }),
    responses: {
      201: json(institutionSchema, 'Registered'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      409: errors[409],
    },
  }),
  getInstitution: createRoute({
    method: 'get',
    path: '/api/institutions/{id}',
    tags,
    summary: 'One institution',
    request: { params: idParam() },
    responses: { 200: json(institutionSchema, 'The institution'), 401: errors[401], 404: errors[404] },
  }),
};

export function registryRoutes({ repo }: { repo: RegistryRepository }) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.list, async (c) => {
      const { sciTech, ...q } = c.req.valid('query');
      return c.json(
        await uc.listEnterprises({
          repo,
          actor: requireActor(c, 'registry:read'),
          query: { ...q, ...(sciTech ? { sciTech: sciTech === 'true' } : {}) },
        }),
        200,
      );
    })
    .openapi(routes.create, async (c) =>
      c.json(
        await uc.registerEnterprise({ repo, actor: requireActor(c, 'filing:write'), input: c.req.valid('json') }),
        201,
      ),
    )
    .openapi(routes.bulkCreate, async (c) =>
      c.json(
        await uc.registerEnterprises({ repo, actor: requireActor(c, 'filing:write'), input: c.req.valid('json') }),
        201,
      ),
    )
    .openapi(routes.get, async (c) => {
      const e = await uc.getEnterprise({ repo, actor: requireActor(c, 'registry:read'), id: c.req.valid('param').id });
      if (!e) throw registryErrors.enterpriseNotFound();
      return c.json(e, 200);
    })
    .openapi(routes.patch, async (c) =>
      c.json(
        (
          await uc.updateEnterprise({
            repo,
            actor: requireActor(c, 'registry:write'),
            id: c.req.valid('param').id,
            patch: c.req.valid('json'),
          })
        ).after,
        200,
      ),
    )
    .openapi(routes.addQualification, async (c) =>
      c.json(
        (
          await uc.addQualification({
            repo,
            actor: requireActor(c, 'filing:write'),
            id: c.req.valid('param').id,
            input: c.req.valid('json'),
          })
        ).after,
        201,
      ),
    )
    .openapi(routes.listInstitutions, async (c) =>
      c.json(
        {
          items: await uc.listInstitutions({ repo, actor: requireActor(c, 'registry:read'), ...c.req.valid('query') }),
        },
        200,
      ),
    )
    .openapi(routes.createInstitution, async (c) => {
      return c.json(
        await uc.registerInstitution({ repo, actor: requireActor(c, 'registry:write'), input: c.req.valid('json') }),
        201,
      );
    })
    .openapi(routes.getInstitution, async (c) => {
      const i = await uc.getInstitution({ repo, actor: requireActor(c, 'registry:read'), id: c.req.valid('param').id });
      if (!i) throw registryErrors.institutionNotFound();
      return c.json(i, 200);
    });
}
