import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { caseSchema, type CompiledPolicy } from '../../core/policy';
import { badRequest } from '../shared/problem';
import { bilingualFields } from '../shared/openapi';
import { evaluateCase } from './evaluate.usecases';
import { Problem } from '../shared/problem';

const exampleCase = {
  programme: 'etown-2023-small-micro',
  enterprise: {
    registeredInZone: true,
    size: 'small',
    sciTech: false,
    industry: 'software',
    qualifications: [{ kind: 'national-high-tech', validFrom: '2022-12-01', validTo: '2025-11-30' }],
  },
  loan: { kind: 'credit', principal: '8000000.00', disbursedOn: '2024-03-01', filedOn: '2024-03-05', mode: 'direct' },
  default: { outstandingPrincipal: '5000000.00', classifiedOn: '2025-01-10' },
};

const reason = z.object({
  rule: z.string(),
  fact: z.string(),
  cites: z.array(z.string()),
  ok: z.boolean(),
  applies: z.boolean().optional(),
  ...bilingualFields,
});
const decisionSchema = z
  .object({
    programme: z.string(),
    policyVersion: z.string(),
    eligible: z.boolean(),
    reasons: z.array(reason),
    ratio: z.string().openapi({ example: '0.4' }),
    compensation: z.string().optional().openapi({ example: '2000000.00' }),
    parties: z.array(z.object({ party: z.string(), share: z.string(), amount: z.string() })).optional(),
    alternatives: z.array(
      z.object({
        programme: z.string(),
        policyVersion: z.string(),
        eligible: z.boolean(),
        ratio: z.string(),
        compensation: z.string().optional(),
      }),
    ),
  })
  .openapi('Decision');

export const evaluateRoute = createRoute({
  method: 'post',
  path: '/api/evaluate',
  tags: ['programmes'],
  summary: 'Judge a case against the policy in force (the public evaluate contract)',
  description:
    'The same contract as `backstop evaluate CASE.json`: one reason per rule citing POLICY.md ids; without `programme`, every programme in force is judged and the most favourable comes first (R2).',
  request: { body: { required: true, content: { 'application/json': { schema: caseSchema, example: exampleCase } } } },
  responses: {
    200: { description: 'The decision', content: { 'application/json': { schema: decisionSchema } } },
    ...badRequest,
  },
});

export function evaluateRoutes({ policies }: { policies: () => readonly CompiledPolicy[] }) {
  return new OpenAPIHono().openapi(evaluateRoute, async (c) => {
    // The validator has checked the shape; evaluateCase re-parses the raw body so bigint money never leaves core.
    const result = evaluateCase({ input: await c.req.json(), policies: policies() });
    if (!result.ok) throw Problem.invalid(result.errors);
    return c.json(result.decision, 200);
  });
}
