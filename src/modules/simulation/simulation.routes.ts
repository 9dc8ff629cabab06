import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { CompiledPolicy } from '../../core/policy';
import { requireActor, type AppEnv } from '../shared/http-env';
import { body, errors, idParam, json } from '../shared/openapi';
import { Problem } from '../shared/problem';
import type { BookLoader } from './book.repository';
import type { SimulationJobs } from './simulation.jobs';
import { simulationExample, simulationInput } from './simulation.schemas';
import { prepareSimulation, SimulationInputError } from './simulation.usecases';

const tags = ['simulation'];

const jobSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  progress: z.number().openapi({ description: 'Share of scenarios done, 0..1' }),
  createdBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  result: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Per variant: EL, VaR and ES (Monte Carlo, Vasicek, CreditRisk+), P(exhausted within N years), the histogram; the what-if table. Money in yuan strings.' }),
}).openapi('SimulationJob');

const routes = {
  start: createRoute({ method: 'post', path: '/api/simulations', tags, summary: 'Start a fund risk simulation (runs in the background)',
    request: body(simulationInput, simulationExample),
    responses: { 202: json(jobSchema, 'Started: poll GET /api/simulations/{id}'), 400: errors[400], 401: errors[401], 403: errors[403] } }),
  get: createRoute({ method: 'get', path: '/api/simulations/{id}', tags, summary: 'A simulation job: status, progress and, when done, the result',
    request: { params: idParam('3f1c2a7e-0000-4000-8000-000000000000') },
    responses: { 200: json(jobSchema, 'The job'), 401: errors[401], 403: errors[403], 404: errors[404] } }),
};

export interface SimulationDeps {
  policies: () => readonly CompiledPolicy[];
  loadBook: BookLoader;
  jobs: SimulationJobs;
}

export function simulationRoutes({ policies, loadBook, jobs }: SimulationDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.start, async (c) => {
      const actor = requireActor(c, 'simulation:run');
      try {
        const prepared = await prepareSimulation({ input: await c.req.json(), policies: policies(), loadBook });
        return c.json(jobs.start(prepared, actor.username) as z.infer<typeof jobSchema>, 202);
      } catch (e) {
        if (e instanceof SimulationInputError) throw Problem.invalid(e.errors);
        throw e;
      }
    })
    .openapi(routes.get, async (c) => {
      requireActor(c, 'simulation:run');
      const job = jobs.get(c.req.valid('param').id);
      if (!job) throw Problem.notFound('The simulation');
      return c.json(job as unknown as z.infer<typeof jobSchema>, 200);
    });
}
