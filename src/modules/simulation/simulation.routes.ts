import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { CompiledPolicy } from '../../core/policy';
import { gradeHistories, jeffreysPd, MIN_LOAN_YEARS } from '../../core/risk';
import { beijingToday } from '../shared/clock';
import { requireActor, type AppEnv } from '../shared/http-env';
import { body, errors, idParam, json } from '../shared/openapi';
import { simulationErrors } from './simulation.errors';
import type { BookLoader } from './book.repository';
import type { SimulationJobs } from './simulation.jobs';
import type { SimulationBook } from './simulation.types';
import { simulationExample, simulationInput, simulationResult } from './simulation.schemas';
import { prepareSimulation, SimulationInputError } from './simulation.usecases';

const tags = ['simulation'];

const jobSchema = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    progress: z.number().openapi({ description: 'Share of scenarios done, 0..1' }),
    createdBy: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    error: z.string().optional(),
    result: simulationResult.optional().openapi({
      description:
        'Per variant: EL, VaR and ES (Monte Carlo with 95% intervals, Vasicek, CreditRisk+), P(exhausted within N years), the histogram; the what-if table; warnings. Money in yuan strings.',
    }),
  })
  .openapi('SimulationJob');

const bookSchema = z
  .object({
    asOf: z.string().openapi({ description: 'The day the history is counted to' }),
    loans: z.number(),
    exposure: z.string().openapi({ description: 'Outstanding principal of the active loans, yuan' }),
    grades: z
      .array(
        z.object({
          grade: z.string(),
          loans: z.number(),
          exposure: z.string(),
          history: z.object({
            loans: z.number(),
            defaults: z.number(),
            loanYears: z.number(),
            pd: z.number().optional().openapi({
              description:
                'The PD a simulation with pd "history" uses (absent: too little history, the manager\'s PD is used)',
            }),
            interval: z.array(z.number()).optional().openapi({ description: 'Jeffreys 95% interval of the PD' }),
          }),
        }),
      )
      .openapi({ description: 'The grades the active loans hold (what a PD is set for), with the history of each' }),
    sectors: z.array(z.object({ sector: z.string(), loans: z.number(), exposure: z.string() })),
    minLoanYears: z
      .number()
      .openapi({ description: "Less history than this many loan-years: the grade uses the manager's PD" }),
  })
  .openapi('SimulationBook');

const routes = {
  book: createRoute({
    method: 'get',
    path: '/api/simulations/book',
    tags,
    summary: "The live book's grades and sectors, and the PD per grade its history gives",
    request: {
      query: z.object({ fundId: z.string().min(1).optional().openapi({ description: "Only this fund's filings" }) }),
    },
    responses: { 200: json(bookSchema, 'Grades, sectors, history'), 401: errors[401], 403: errors[403] },
  }),
  start: createRoute({
    method: 'post',
    path: '/api/simulations',
    tags,
    summary: 'Start a fund risk simulation (runs in the background)',
    request: body(simulationInput, simulationExample),
    responses: {
      202: json(jobSchema, 'Started: poll GET /api/simulations/{id}'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/simulations/{id}',
    tags,
    summary: 'A simulation job: status, progress and, when done, the result',
    request: { params: idParam('3f1c2a7e-0000-4000-8000-000000000000') },
    responses: { 200: json(jobSchema, 'The job'), 401: errors[401], 403: errors[403], 404: errors[404] },
  }),
};

export interface SimulationDeps {
  policies: () => readonly CompiledPolicy[];
  loadBook: BookLoader;
  jobs: SimulationJobs;
  /** Today in the zone (default: Beijing's calendar day), the end of the history. */
  today?: () => string;
}

export function simulationRoutes({ policies, loadBook, jobs, today = () => beijingToday() }: SimulationDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.book, async (c) => {
      requireActor(c, 'simulation:run');
      const { fundId } = c.req.valid('query');
      const filter = fundId ? { fundId } : {};
      if (!loadBook.summary || !loadBook.history) throw simulationErrors.bookUnavailable();
      const asOf = today();
      const [summary, histories] = await Promise.all([
        loadBook.summary(filter),
        loadBook.history(filter).then((h) => gradeHistories(h, asOf)),
      ]);
      const byGrade = new Map(histories.map((h) => [h.grade, h]));
      const book: SimulationBook = {
        asOf,
        loans: summary.loans,
        exposure: summary.exposure,
        sectors: summary.sectors,
        minLoanYears: MIN_LOAN_YEARS,
        grades: summary.grades.map((g) => {
          const h = byGrade.get(g.grade) ?? { loans: 0, defaults: 0, loanYears: 0 };
          const est = h.loanYears >= MIN_LOAN_YEARS ? jeffreysPd(h.defaults, h.loanYears) : undefined;
          return {
            ...g,
            history: {
              loans: h.loans,
              defaults: h.defaults,
              loanYears: h.loanYears,
              ...(est ? { pd: est.pd, interval: est.interval } : {}),
            },
          };
        }),
      };
      return c.json(book, 200);
    })
    .openapi(routes.start, async (c) => {
      const actor = requireActor(c, 'simulation:run');
      try {
        const input: unknown = await c.req.json();
        const prepared = await prepareSimulation({ input, policies: policies(), loadBook, today });
        return c.json((await jobs.start(prepared, actor.username, input)) as z.infer<typeof jobSchema>, 202);
      } catch (e) {
        if (e instanceof SimulationInputError) throw simulationErrors.inputInvalid(e.errors);
        throw e;
      }
    })
    .openapi(routes.get, async (c) => {
      requireActor(c, 'simulation:run');
      const job = await jobs.get(c.req.valid('param').id);
      if (!job) throw simulationErrors.notFound();
      return c.json(job as unknown as z.infer<typeof jobSchema>, 200);
    });
}
