/**
 * The policy file: one programme version, every rule as data citing POLICY.md ids (F…, G…, R…).
 * A third zone's scheme is a new file, not new code. The JSON Schema for editors is generated
 * from this (`backstop policy schema`).
 */
import { z } from 'zod';
import { FACT_NAMES } from './facts';
import { OPERATOR_NAMES } from './operators';
import { i18n, isoDate } from './zod-fields';

const cites = z
  .array(z.string().regex(/^[FGR]\d+[a-z]?$/, 'must be a POLICY.md id such as "F8" or "R7a"'))
  .min(1, 'must cite at least one POLICY.md id');
const ruleId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a kebab-case id such as "size-limit"');
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string');

export const conditionSchema = z.strictObject({
  fact: z.enum(FACT_NAMES),
  op: z.enum(OPERATOR_NAMES),
  /** Typed by the fact: yuan strings for money, "0.2" for rates, YYYY-MM-DD for dates, lists for in/notIn. */
  value: z.unknown(),
  ref: z.enum(FACT_NAMES).optional(),
});

export const ruleSchema = conditionSchema.extend({
  id: ruleId,
  cites,
  /** The rule is judged only when this holds (e.g. the bank's share only in risk-sharing mode). */
  when: conditionSchema.optional(),
  /** One line describing the rule with placeholders {actual}, {value}, {ref}, {deadline}. */
  message: i18n(),
  /** The source's own words, shown beside the rule. */
  quote: z.string().optional(),
});

export const upliftSchema = z.strictObject({
  id: ruleId,
  cites,
  when: conditionSchema,
  add: decimal,
  message: i18n(),
  quote: z.string().optional(),
});

/** One item of the dossier a claim needs (申请材料): what the bank uploads and the reviewer ticks. */
export const claimMaterialSchema = z.strictObject({
  id: ruleId,
  title: i18n(),
  /** A required item must be uploaded and accepted before the claim is approved; an optional one need not. */
  required: z.boolean(),
  cites: cites.optional(),
  /** What the item must show (the seal, the court's stamp), in both languages. */
  note: i18n().optional(),
});

/** A failure of the bank's duties that cuts or voids the fund's compensation (尽职审查, R22). */
export const dueDiligenceFindingSchema = z.strictObject({
  id: ruleId,
  title: i18n(),
  /** The share of the compensation withheld when the reviewer finds it: "0.3" for 30%, "1" voids it. */
  cut: decimal,
  cites: cites.optional(),
  note: i18n().optional(),
});

/** The working days a bank has to complete a returned claim when its programme does not say (R21). */
export const RETURN_WORKING_DAYS_DEFAULT = 10;

/** The staff roles a claim's stages name (src/modules/auth/access.ts ROLES: the fund's manager and reviewer, the zone's Finance and Audit Bureau). */
export const STAGE_ROLES = ['manager', 'reviewer', 'bureau'] as const;

/** One sign-off a prepared claim needs before it is approved (R23): who gives it, within how many working days. */
export const claimStageSchema = z.strictObject({
  id: ruleId,
  title: i18n(),
  by: z.array(z.enum(STAGE_ROLES)).min(1),
  workingDays: z.number().int().min(1).max(60),
  cites: cites.optional(),
});

export const policyFileSchema = z.strictObject({
  $schema: z.string().optional(),
  programme: ruleId,
  version: z.string().min(1),
  title: i18n(),
  summary: i18n().optional(),
  cites,
  effectiveFrom: isoDate(),
  effectiveTo: isoDate().nullable().default(null),
  eligibility: z.array(ruleSchema).min(1),
  compensation: z.strictObject({
    base: z.strictObject({ ratio: decimal, cites, message: i18n(), quote: z.string().optional() }),
    uplifts: z.array(upliftSchema).default([]),
    maxRatio: decimal.optional(),
    capPerLoan: z.string().nullable().default(null),
    riskSharing: z
      .strictObject({
        cites,
        /** The fund pays the bank's share of the loss, up to this many points of it (R5). */
        fundCoversBankShareUpTo: decimal,
        message: i18n(),
        quote: z.string().optional(),
      })
      .nullable()
      .default(null),
    rounding: z.strictObject({ mode: z.enum(['half-up', 'half-even']), cites }),
  }),
  limits: z.strictObject({
    /** Committed liability may not exceed this multiple of the fund (R7b). */
    liabilityMultiple: z.strictObject({ value: decimal, cites }),
    /** A bank's filed loans to one enterprise may not exceed this (G5). */
    perEnterprisePerBank: z.strictObject({ value: z.string(), cites }).nullable().default(null),
  }),
  circuitBreaker: z.strictObject({
    cites,
    /** Claimed NPL principal ÷ filed principal above this … */
    claimRatioAbove: decimal,
    /** … and net compensation paid above this (yuan) trip the breaker (G4). */
    netCompensationAbove: z.string(),
    quote: z.string().optional(),
  }),
  nonPerforming: z.strictObject({
    cites,
    overdueDaysAbove: z.number().int().positive(),
    classifications: z.array(z.enum(['substandard', 'doubtful', 'loss'])).min(1),
  }),
  /** Recoveries after compensation (R8). Absent: the fund shares what the bank recovers, costs not deducted. */
  recoveries: z
    .strictObject({
      cites,
      /** The bank's costs of recovering (court, enforcement, preservation, lawyers' fees) come off before the fund's share (R19). */
      costsDeducted: z.boolean(),
      quote: z.string().optional(),
    })
    .nullable()
    .default(null),
  /** The dossier a claim needs (申请材料); none listed, none needed. */
  claimMaterials: z.array(claimMaterialSchema).default([]),
  /**
   * The sign-offs a prepared claim needs, in order (R23); the last one approves it. Absent: one, by a
   * manager or reviewer who did not prepare it (maker–checker, R18), within 5 working days. And the
   * working days a bank has to complete a claim sent back to it (R21), 10 when not written.
   */
  claimWorkflow: z
    .strictObject({
      cites: cites.optional(),
      stages: z.array(claimStageSchema).min(1).optional(),
      returnWorkingDays: z
        .number({ error: 'must be a whole number of working days from 1 to 60' })
        .int('must be a whole number of working days from 1 to 60')
        .min(1, 'must be a whole number of working days from 1 to 60')
        .max(60, 'must be a whole number of working days from 1 to 60')
        .default(RETURN_WORKING_DAYS_DEFAULT),
    })
    .nullable()
    .default(null),
  /** The bank's failures a claim's reviewer may find, and by how much each cuts the compensation (R22); none listed, none found. */
  dueDiligence: z.array(dueDiligenceFindingSchema).default([]),
});

export type PolicyFile = z.input<typeof policyFileSchema>;
export type ParsedPolicyFile = z.output<typeof policyFileSchema>;

/**
 * The JSON Schema of a policy file, as editors read it: the shipped files point at
 * policies/policy.schema.json (`$schema`), kept equal to this (`backstop policy schema`).
 */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(policyFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
