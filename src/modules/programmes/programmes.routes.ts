import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { pathId } from '../shared/openapi';
import { badRequest, notFoundResponse } from '../shared/problem';
import { programmeErrors } from './programmes.errors';
import type { getProgramme, listProgrammes } from './programmes.usecases';

export interface ProgrammesReader {
  list: () => ReturnType<typeof listProgrammes>;
  get: (id: string) => ReturnType<typeof getProgramme>;
}

const versionSchema = z.object({
  version: z.string().openapi({ example: '2023-12' }),
  revision: z.number().int(),
  contentHash: z.string(),
  effectiveFrom: z.string().openapi({ example: '2023-12-01' }),
  effectiveTo: z.string().nullable(),
  loadedAt: z.string(),
});
const programmeSchema = z
  .object({
    id: z.string().openapi({ example: 'etown-2023-small-micro' }),
    title: z.object({ zh: z.string(), en: z.string() }),
    versions: z.array(versionSchema),
  })
  .openapi('Programme');

const listRoute = createRoute({
  method: 'get',
  path: '/api/programmes',
  tags: ['programmes'],
  summary: 'Every programme with its policy versions',
  responses: {
    200: {
      description: 'The programmes',
      content: { 'application/json': { schema: z.object({ items: z.array(programmeSchema) }) } },
    },
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/programmes/{id}',
  tags: ['programmes'],
  summary: 'One programme with the policy file of each version',
  request: {
    params: z.object({ id: pathId().openapi({ param: { name: 'id', in: 'path' }, example: 'etown-2025-sci-tech' }) }),
  },
  responses: {
    200: {
      description: 'The programme',
      content: {
        'application/json': {
          schema: programmeSchema.extend({
            policies: z.array(z.object({ version: z.string(), revision: z.number().int(), document: z.unknown() })),
          }),
        },
      },
    },
    ...badRequest,
    ...notFoundResponse,
  },
});

export function programmesRoutes({ programmes }: { programmes: ProgrammesReader }) {
  return new OpenAPIHono()
    .openapi(listRoute, async (c) => c.json({ items: await programmes.list() }, 200))
    .openapi(getRoute, async (c) => {
      const p = await programmes.get(c.req.valid('param').id);
      if (!p) throw programmeErrors.notFound(c.req.valid('param').id);
      return c.json(p, 200);
    });
}
