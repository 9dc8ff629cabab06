import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { requireActor, type AppEnv } from '../shared/http-env';
import { errors, json } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { homeSchema } from './home.schemas';
import { getHome } from './home.usecases';

const routes = {
  home: createRoute({
    method: 'get',
    path: '/api/home',
    tags: ['home'],
    summary:
      'What waits on the signed-in person (待办), most urgent first, with counts: claims to prepare, decide (not one’s own, R18) or pay, write-offs to decide, funds short of cash, banks near or past the breaker; a bank its returned and in-flight claims, quotas and breaker; a guarantor its loans to confirm',
    responses: { 200: json(homeSchema, 'The lists and their counts (scoped: a bank sees its own)'), 401: errors[401] },
  }),
};

export function homeRoutes({ db, catalog, today }: OperationsDeps) {
  return new OpenAPIHono<AppEnv>().openapi(routes.home, async (c) =>
    c.json(await getHome({ db, catalog: catalog(), actor: requireActor(c), today: today() }), 200),
  );
}
