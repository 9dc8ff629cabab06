/**
 * The simulation request, shared by `POST /api/simulations` and `backstop simulate`: parsed
 * strictly, so a misspelt field is an error naming it. Money is yuan as decimal strings;
 * probabilities and correlations are plain numbers between 0 and 1.
 */
import { z } from '@hono/zod-openapi';
import { rate, yuan } from '../../core/policy/zod-fields';
import { MAX_NU, MAX_PD_MULTIPLIER, MAX_SCENARIOS, MAX_YEARS, MIN_NU } from '../../core/risk';

const probability = (what: string) =>
  z
    .number({ error: `must be a ${what} between 0 and 1` })
    .min(0, 'must be at least 0')
    .max(1, 'must be at most 1');
const correlationValue = z
  .number({ error: 'must be a correlation at least 0 and below 1' })
  .min(0, 'must be at least 0')
  .lt(1, 'must be below 1');

const multiplier = z
  .number({ error: `must be a multiplier above 0 and at most ${MAX_PD_MULTIPLIER}` })
  .gt(0, 'must be above 0')
  .max(MAX_PD_MULTIPLIER, `must be at most ${MAX_PD_MULTIPLIER}`);
const wholeYears = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_YEARS, `must be at most ${MAX_YEARS}`);

export const stressInput = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(60)
      .optional()
      .openapi({ description: 'Name in the stress table (default: the stress in words)' }),
    pdMultiplier: multiplier.optional().openapi({ description: 'Every PD times this (capped at 1)', example: 2 }),
    rho: correlationValue
      .optional()
      .openapi({ description: "One asset correlation for every sector, replacing the run's", example: 0.3 }),
    sectorShock: z
      .strictObject({
        sector: z.string().min(1).max(100),
        pdMultiplier: multiplier,
      })
      .optional()
      .openapi({ description: "One sector's PDs times a multiplier (on top of pdMultiplier)" }),
  })
  .refine((s) => s.pdMultiplier !== undefined || s.rho !== undefined || s.sectorShock !== undefined, {
    message: 'names no stress: give pdMultiplier, rho or sectorShock',
  });

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
            'CSV text: id,grade,sector,outstanding[,ratio,capPerLoan,mode,bankShare,kind,principal,size,sciTech,industry,registeredInZone,qualifications,bank,remainingYears,ageYears]',
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
  copula: z
    .strictObject({
      kind: z.enum(['gaussian', 't'], { error: 'must be "gaussian" or "t"' }),
      nu: z
        .number({ error: `must be a number from ${MIN_NU} to ${MAX_NU}` })
        .min(MIN_NU, `must be at least ${MIN_NU}`)
        .max(MAX_NU, `must be at most ${MAX_NU}`)
        .optional()
        .openapi({
          description: 'Degrees of freedom of the t copula (needed for "t"); small ν = fat joint tails',
          example: 5,
        }),
    })
    .default({ kind: 'gaussian' })
    .openapi({
      description:
        'The copula of the factor model: "gaussian", or "t" with ν degrees of freedom (one χ²_ν draw per scenario and year shared by all loans). With "t" the result also gets `modelRisk`: the Gaussian and the t side by side with the difference',
    }),
  pdUncertainty: z.boolean({ error: 'must be true or false' }).default(false).openapi({
    description:
      'With pd "history": each scenario draws each history-estimated grade\'s PD from its Jeffreys posterior (Gamma(D + ½, loan-years) for the intensity) before its defaults, so the losses carry the estimate\'s uncertainty; the result also gets `modelRisk` with the fixed-PD figures beside',
  }),
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
  factorPersistence: z
    .number({ error: 'must be a number above -1 and below 1' })
    .gt(-1, 'must be above -1')
    .lt(1, 'must be below 1')
    .default(0)
    .openapi({
      description:
        "φ of the global factor's AR(1) over the years (Z_y = φ·Z_{y−1} + √(1−φ²)·ε_y): a bad year makes the next worse; 0 = independent years. Each year's factor stays standard normal, so one year's figures do not change",
      example: 0.5,
    }),
  fundRules: z
    .strictObject({
      runOff: z.boolean({ error: 'must be true or false' }).default(false).openapi({
        description:
          "Loans mature: a loan is at risk only until its maturity date (the live book's; a CSV's remainingYears column); false = the book renewed each year",
      }),
      newFilings: z
        .union([
          z.literal('history'),
          z.number({ error: 'must be "history" or a share of the book from 0 to 10' }).min(0).max(10),
        ])
        .default(0)
        .openapi({
          description:
            'New filings per year from year 2, alike to the book, as a share of its loans (0.3 = 30% of the book\'s loans a year); "history" = the live book\'s own: loans filed in the last year ÷ active loans',
        }),
      review: z
        .union([
          z.literal('policy'),
          z.strictObject({ months: z.number().min(0, 'must be at least 0').max(120, 'must be at most 120') }),
          z.strictObject({
            workingDays: z.number().int('must be a whole number').min(0, 'must be at least 0').max(2500),
          }),
        ])
        .optional()
        .openapi({
          description:
            'Time from a default to its payment: "policy" = the claim\'s decision SLA (15 working days) plus the programme\'s sign-off stages (R23); or { months } or { workingDays } (250 a year). Absent = paid in the year of the default',
        }),
      breaker: z.boolean({ error: 'must be true or false' }).default(false).openapi({
        description:
          "Each bank's circuit breaker (G4) with the programme's thresholds: a bank's further claims are held while its claimed principal ÷ filed principal and its net compensation both exceed them",
      }),
      pdByYearOfLife: z
        .array(z.number({ error: 'must be a multiplier from 0 to 100' }).min(0).max(100))
        .min(1, 'give at least one multiplier')
        .max(50, 'at most 50 multipliers')
        .optional()
        .openapi({
          description: "PD multipliers by year of a loan's life (1st, 2nd, …; the last holds after); default [1]",
          example: [0.6, 1.3, 1],
        }),
    })
    .optional()
    .openapi({
      description:
        "The fund's own rules inside the multi-year run (needs `fund`): the result gets each variant's `fundPath` (claims, paid, held, queued, P(a claim waits)) year by year; P(exhausted) keeps its meaning: a claim falls due that the cash cannot pay that day",
    }),
  fund: z
    .strictObject({
      cash: yuan(),
      topUps: z.array(yuan()).max(MAX_YEARS).optional(),
      recoveryRate: probability('share').optional(),
      recoveryDelayYears: z.number().int('must be a whole number').min(0).max(MAX_YEARS).optional(),
    })
    .optional(),
  stress: z
    .array(stressInput)
    .min(1, 'name at least one stress scenario')
    .max(8, 'at most 8 stress scenarios')
    .optional()
    .openapi({
      description:
        'Stress scenarios, each a re-run with the same seed: the result gets a stress table (baseline, then each scenario: EL, VaR/ES, P(exhausted))',
    }),
  reverseStress: z
    .strictObject({
      target: z
        .number({ error: 'must be a probability above 0 and below 1' })
        .gt(0, 'must be above 0')
        .lt(1, 'must be below 1'),
      years: wholeYears,
      over: z.enum(['pd', 'correlation'], { error: 'must be "pd" (a PD multiplier) or "correlation"' }).default('pd'),
      max: z
        .number()
        .optional()
        .openapi({ description: 'The largest value tried (default: multiplier 10, correlation 0.95)' }),
      step: z.number().gt(0, 'must be above 0').optional().openapi({
        description: 'Grid step, the tolerance of the answer (default: 0.01 multiplier, 0.005 correlation)',
      }),
    })
    .optional()
    .openapi({
      description:
        'Which PD multiplier (or correlation) makes P(fund exhausted within `years`) reach `target`, for the first variant; needs `fund`. Solved by bisection, each step a re-run with the same seed.',
    }),
  topUp: z
    .strictObject({
      target: probability('probability').refine((t) => t < 1, 'must be below 1'),
      years: wholeYears,
      step: yuan().optional().openapi({
        type: 'string',
        description: 'The top-up is rounded up to a whole number of this (yuan; default 10000)',
        example: '10000',
      }),
    })
    .optional()
    .openapi({
      description:
        "The extra cash at the start that keeps P(fund exhausted within `years`) at most `target`, for the first variant; needs `fund`. Solved exactly on the run's scenarios.",
    }),
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
  stress: [{ pdMultiplier: 2 }, { rho: 0.3 }, { sectorShock: { sector: 'manufacturing', pdMultiplier: 3 } }],
  reverseStress: { target: 0.05, years: 3, over: 'pd' },
  topUp: { target: 0.05, years: 3, step: '1000000' },
};

/** The result of a finished simulation (src/core/risk/report.ts SimulationReport): money in yuan strings. */
const money = (description?: string) => z.string().openapi(description ? { description, example: '1234567.89' } : {});
const byMethod = z.record(z.string(), z.string()).openapi({
  description:
    'One figure per method: monteCarlo, vasicekLargePortfolio, vasicekFinite (books ≤ 500 loans), creditRiskPlus',
});
const tailRow = z
  .object({
    level: z.string().openapi({ example: '0.99' }),
    valueAtRisk: byMethod,
    expectedShortfall: byMethod,
    errorBound: z.record(z.string(), z.object({ valueAtRisk: money(), expectedShortfall: money() })).openapi({
      description:
        "How far a lattice method's figure may be from its model's exact figure (yuan): vasicekFinite when payouts were split between lattice points (0.00 = exact)",
    }),
    monteCarloInterval: z
      .object({
        valueAtRisk: z.array(money()).openapi({ description: '95% interval [lower, upper]: order statistics' }),
        expectedShortfall: z.array(money()).openapi({ description: '95% interval [lower, upper]: batch means' }),
        tailScenarios: z.number().openapi({ description: 'Scenarios beyond VaR the figures rest on' }),
      })
      .openapi({ description: 'Confidence of the Monte Carlo VaR and ES' }),
  })
  .openapi('SimulationTailRow');
const contributionRow = z.object({
  key: z.string(),
  expectedShortfall: money(),
  valueAtRisk: money(),
  share: z.number().openapi({ description: 'Share of ES, 0..1' }),
});
const variantReport = z
  .object({
    variant: z.string(),
    expectedLoss: z.object({ exact: money(), simulated: money(), standardError: money() }),
    tail: z.array(tailRow),
    exhaustion: z.array(
      z.object({
        withinYears: z.number(),
        probability: z.number(),
        standardError: z.number(),
        interval: z.array(z.number()).openapi({ description: '95% interval [lower, upper]: batch means' }),
      }),
    ),
    finiteGrid: z
      .object({
        step: money('Lattice step, yuan'),
        points: z.number(),
        loansSplit: z.number().openapi({
          description: 'Loans whose payout was split between its two neighbouring lattice points (expected loss kept)',
        }),
      })
      .optional()
      .openapi({ description: "The finite one-factor engine's lattice (books ≤ 500 loans, one factor)" }),
    histogram: z.array(z.object({ from: money(), to: money(), probability: z.number() })),
    fundPath: z
      .array(
        z.object({
          year: z.number(),
          claims: money("Expected claims arising from the year's defaults, yuan"),
          paid: money('Expected paid in the year, yuan'),
          held: money("Expected held by the banks' breakers (G4), yuan"),
          queued: money("Expected waiting for cash at the year's end (R7a), yuan"),
          queueProbability: z.number().openapi({ description: "P(claims wait at the year's end)" }),
          claimWaits: z
            .number()
            .openapi({ description: 'P(a claim falling due in the year waits): claims that waited ÷ claims due' }),
        }),
      )
      .optional()
      .openapi({ description: "With fundRules: the fund's path year by year" }),
    contributions: z
      .object({
        level: z.string(),
        valueAtRisk: money(),
        expectedShortfall: money(),
        tailScenarios: z.number().openapi({ description: 'Scenarios beyond VaR replayed for the ES contributions' }),
        neighbourhood: z.number().openapi({ description: 'Scenarios nearest VaR replayed for the VaR contributions' }),
        by: z.array(
          z.object({
            dimension: z.enum(['bank', 'programme', 'sector', 'grade']),
            rows: z.array(contributionRow),
          }),
        ),
        topLoans: z.array(
          contributionRow.extend({
            payout: money('Payout on default, yuan'),
            loanNumber: z.string().optional().openapi({ description: "The live book's loans: the bank's loan number" }),
            enterpriseName: z.string().optional().openapi({ description: "The live book's loans: the borrower" }),
          }),
        ),
      })
      .openapi({
        description:
          'Euler contributions to the Monte Carlo ES (the tail scenarios) and VaR (the scenarios nearest it, scaled to add up) of year 1, at 99%: they add up to the total',
      }),
  })
  .openapi('SimulationVariantReport');
const estimate = z.object({ value: z.number(), standardError: z.number() });
const bilingual = z.object({ zh: z.string(), en: z.string() });
const stressRow = z
  .object({
    id: z.string().openapi({ description: '"baseline" for the run itself' }),
    stress: z
      .object({
        pdMultiplier: z.number().optional(),
        rho: z.number().optional(),
        sectorShock: z.object({ sector: z.string(), pdMultiplier: z.number() }).optional(),
      })
      .optional(),
    variants: z.array(
      z.object({
        variant: z.string(),
        expectedLoss: money('Simulated, yuan'),
        tail: z.array(z.object({ level: z.string(), valueAtRisk: money(), expectedShortfall: money() })),
        exhaustion: z.array(z.object({ withinYears: z.number(), probability: z.number(), standardError: z.number() })),
      }),
    ),
  })
  .openapi('SimulationStressRow');
const reverseStressResult = z
  .object({
    over: z.enum(['pd', 'correlation']),
    target: z.number(),
    years: z.number(),
    variant: z.string(),
    status: z.enum(['found', 'baseline-exceeds', 'not-reached']),
    baseline: z.number().openapi({ description: "The parameter today: multiplier 1, or the run's correlation" }),
    max: z.number(),
    step: z.number().openapi({ description: 'Grid step: the tolerance of the answer' }),
    value: z
      .number()
      .optional()
      .openapi({ description: 'The smallest grid value whose simulated P reaches the target' }),
    bracket: z.array(z.number()).optional().openapi({ description: '[last grid value below the target, the answer]' }),
    probability: z.object({
      baseline: estimate,
      value: estimate.optional(),
      bracketLow: estimate.optional(),
      max: estimate.optional(),
    }),
    evaluations: z.array(z.object({ value: z.number(), probability: z.number() })),
    statement: bilingual,
  })
  .openapi('SimulationReverseStress');
const topUpResult = z
  .object({
    target: z.number(),
    years: z.number(),
    variant: z.string(),
    status: z.enum(['found', 'none-needed']),
    amount: money('Extra cash at the start, yuan, a whole number of steps'),
    step: money('The rounding step, yuan'),
    probability: z.object({ before: z.number(), after: z.number(), oneStepLess: z.number().optional() }),
    statement: bilingual,
  })
  .openapi('SimulationTopUp');
const modelRiskRow = z
  .object({
    id: z.enum(['gaussian', 't', 'gaussian-pd-uncertainty', 't-pd-uncertainty']),
    copula: z.enum(['gaussian', 't']),
    nu: z.number().optional(),
    pdUncertainty: z.boolean(),
    variants: stressRow.shape.variants,
    difference: stressRow.shape.variants.openapi({
      description:
        "This row's figures less the Gaussian fixed-PD row's (yuan, signed; P(exhausted) as a difference with the two runs' standard errors combined)",
    }),
  })
  .openapi('SimulationModelRiskRow');
export const simulationResult = z
  .object({
    loans: z.number(),
    scenarios: z.number(),
    years: z.number(),
    seed: z.number(),
    importanceShift: z.number(),
    model: z
      .object({
        copula: z.enum(['gaussian', 't']),
        nu: z.number().optional(),
        pdUncertainty: z.boolean(),
        factorPersistence: z.number().optional(),
      })
      .optional()
      .openapi({
        description:
          'The model of the figures: the copula and whether the PDs carried their uncertainty (absent in results stored before it was reported: the Gaussian with fixed PDs)',
      }),
    modelRisk: z.array(modelRiskRow).optional().openapi({
      description:
        'Model risk (with a t copula or pdUncertainty): the same book and seed under the Gaussian copula with fixed PDs first, then the t, the PD uncertainty and both as asked; each with its difference from the first',
    }),
    portfolio: z.array(
      z.object({
        grade: z.string(),
        pd: z.number(),
        sector: z.string(),
        band: z.string(),
        loans: z.number(),
        exposure: money(),
        payout: z.record(z.string(), z.string()),
      }),
    ),
    pd: z.array(
      z.object({
        grade: z.string(),
        pd: z.number(),
        source: z.enum(['history', 'manager']),
        managerPd: z.number().optional(),
        history: z
          .object({
            loans: z.number(),
            defaults: z.number(),
            loanYears: z.number(),
            interval: z.array(z.number()).optional(),
          })
          .optional(),
        note: z.string().optional(),
      }),
    ),
    variants: z.array(variantReport),
    whatIf: z.array(z.object({ measure: z.string(), values: z.array(z.string()) })),
    notes: z.array(z.string()),
    warnings: z.array(
      z
        .object({
          code: z.enum(['few-tail-scenarios']),
          variant: z.string(),
          level: z.string(),
          tailScenarios: z.number(),
          scenariosNeeded: z.number(),
        })
        .openapi({ description: 'few-tail-scenarios: fewer than 10 scenarios beyond the VaR level' }),
    ),
    stress: z
      .array(stressRow)
      .optional()
      .openapi({ description: 'The stress table: the baseline, then each stress scenario' }),
    reverseStress: reverseStressResult.optional(),
    topUp: topUpResult.optional(),
    fundRules: z
      .object({
        runOff: z.boolean(),
        newFilingsPerYear: z.number(),
        reviewYears: z.number(),
        breaker: z.object({ claimRatioAbove: z.string(), netCompensationAbove: money() }).nullable(),
        pdByYearOfLife: z.array(z.number()),
        factorPersistence: z.number(),
      })
      .optional()
      .openapi({ description: "The fund's rules the run followed, as applied" }),
  })
  .openapi('SimulationResult');
