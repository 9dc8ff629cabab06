/**
 * The simulation request, shared by `POST /api/simulations` and `backstop simulate`: parsed
 * strictly, so a misspelt field is an error naming it. Money is yuan as decimal strings;
 * probabilities and correlations are plain numbers between 0 and 1.
 */
import { z } from '@hono/zod-openapi';
import { rate, yuan } from '../../core/policy/zod-fields';
import { MAX_SCENARIOS, MAX_YEARS } from '../../core/risk';

const probability = (what: string) =>
  z
    .number({ error: `must be a ${what} between 0 and 1` })
    .min(0, 'must be at least 0')
    .max(1, 'must be at most 1');
const correlationValue = z
  .number({ error: 'must be a correlation at least 0 and below 1' })
  .min(0, 'must be at least 0')
  .lt(1, 'must be below 1');

export const variantInput = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(60)
    .optional()
    .openapi({ description: 'Name in the results (default: programme id or "as-filed", with the edits)' }),
  programme: z.string().min(1).max(100).optional().openapi({
    description: 'Re-judge every loan under this shipped programme; absent = the terms as filed',
    example: 'etown-2025-sci-tech',
  }),
  ratio: rate()
    .optional()
    .openapi({ type: 'string', description: "The fund's ratio for direct loans", example: '0.5' }),
  capPerLoan: yuan()
    .nullable()
    .optional()
    .openapi({ type: 'string', description: 'Cap per loan in yuan; null = no cap', example: '30000000' }),
});

export const simulationInput = z.strictObject({
  portfolio: z.discriminatedUnion(
    'source',
    [
      z.strictObject({
        source: z.literal('csv'),
        csv: z.string().min(1, 'must not be empty').openapi({
          description:
            'CSV text: id,grade,sector,outstanding[,ratio,capPerLoan,mode,bankShare,kind,principal,size,sciTech,industry,registeredInZone,qualifications]',
        }),
      }),
      z.strictObject({
        source: z.literal('book'),
        fundId: z.string().min(1).optional().openapi({ description: "Only this fund's active filings" }),
      }),
    ],
    { error: 'must be { "source": "csv", "csv": … } or { "source": "book" }' },
  ),
  pd: z
    .enum(['manager', 'history'], {
      error: 'must be "manager" (the PDs of pdByGrade) or "history" (estimated from the live book\'s history)',
    })
    .default('manager')
    .openapi({
      description:
        'Where the PD per grade comes from: "manager" = pdByGrade; "history" = estimated from the live book\'s history (defaults ÷ loan-years at risk per grade, Jeffreys prior), pdByGrade only for grades with less than one loan-year of history',
    }),
  pdByGrade: z
    .record(z.string().min(1), probability('default probability'))
    .default({})
    .openapi({
      description:
        'One-year default probability per grade (the live book grades loans by their classification: normal, special-mention); with pd "history", the fallback for grades without history',
      example: { normal: 0.015, 'special-mention': 0.12 },
    }),
  variants: z.array(variantInput).min(1, 'name at least one variant').max(8, 'at most 8 variants').optional(),
  correlation: z
    .strictObject({
      rho: correlationValue,
      rhoBySector: z.record(z.string(), correlationValue).optional(),
      sectorCorrelation: probability('correlation').optional(),
    })
    .default({ rho: 0.15 }),
  creditRiskPlus: z
    .strictObject({ sectorVariance: z.number().min(0, 'must be at least 0').max(100, 'must be at most 100') })
    .default({ sectorVariance: 1 }),
  scenarios: z
    .number()
    .int('must be a whole number')
    .min(100, 'must be at least 100')
    .max(MAX_SCENARIOS, `must be at most ${MAX_SCENARIOS}`)
    .default(10_000),
  seed: z
    .number()
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(2 ** 32, 'must be at most 2^32')
    .default(1),
  years: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_YEARS, `must be at most ${MAX_YEARS}`)
    .default(1),
  importanceShift: z.number().min(-4, 'must be at least -4').max(0, 'must be at most 0').default(0).openapi({
    description: 'Mean of the global factor under importance sampling (0 = plain; -1…-3 sharpens the tail)',
  }),
  fund: z
    .strictObject({
      cash: yuan(),
      topUps: z.array(yuan()).max(MAX_YEARS).optional(),
      recoveryRate: probability('share').optional(),
      recoveryDelayYears: z.number().int('must be a whole number').min(0).max(MAX_YEARS).optional(),
    })
    .optional(),
});

export type SimulationInput = z.input<typeof simulationInput>;
export type ParsedSimulationInput = z.output<typeof simulationInput>;

export const simulationExample: SimulationInput = {
  portfolio: { source: 'book' },
  pdByGrade: { normal: 0.015, 'special-mention': 0.12 },
  variants: [{ id: 'as filed' }, { id: 'ratio 50%', ratio: '0.5' }, { programme: 'etown-2025-sci-tech' }],
  correlation: { rho: 0.15 },
  scenarios: 20_000,
  seed: 7,
  years: 3,
  fund: { cash: '100000000', topUps: ['0', '20000000'], recoveryRate: 0.2, recoveryDelayYears: 1 },
};
