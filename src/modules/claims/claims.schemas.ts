import { z } from '@hono/zod-openapi';
import { bilingualFields } from '../shared/openapi';
import { CLAIM_STATES } from '../../core/claims/claim-state';

export const claimInput = z
  .strictObject({
    filingId: z.string().min(1).max(100).openapi({ example: '00000000-0000-0000-0000-000000000000' }),
  })
  .openapi('ClaimInput');

export const rejectInput = z
  .strictObject({
    reason: z
      .string()
      .trim()
      .min(2, 'must say why (at least 2 characters)')
      .max(1000)
      .openapi({ example: '贷款未按期分类 / classification not reported in time' }),
  })
  .openapi('ClaimRejection');

export const returnInput = z
  .strictObject({
    items: z
      .array(z.string().min(1).max(100))
      .max(50)
      .default([])
      .openapi({
        description: 'the checklist items (claimMaterials ids) to add or replace',
        example: ['collection-record'],
      }),
    note: z
      .string()
      .trim()
      .min(2, 'must say what is missing (at least 2 characters)')
      .max(2000)
      .openapi({ example: '催收记录缺少2026年第三季度的部分 / the collection record lacks Q3 2026' }),
  })
  .openapi('ClaimReturn');

export const findingInput = z
  .strictObject({
    findingId: z.string().min(1).max(100).openapi({ example: 'collection-effort' }),
    note: z
      .string()
      .trim()
      .min(2, 'must say what was found (at least 2 characters)')
      .max(2000)
      .openapi({ example: '逾期后90天内无催收记录 / no collection for 90 days after the loan fell overdue' }),
  })
  .openapi('ClaimFindingInput');

export const dueDiligenceSchema = z
  .object({
    claimId: z.string(),
    items: z.array(
      z.object({
        id: z.string(),
        title: z.object(bilingualFields),
        cutBp: z.number().int(),
        cites: z.array(z.string()),
        found: z.object({ note: z.string(), by: z.string(), at: z.string() }).nullable(),
      }),
    ),
    cutBp: z.number().int(),
    compensation: z.string(),
  })
  .openapi('ClaimDueDiligence');

const returnRequestSchema = z
  .object({
    items: z.array(z.string()),
    note: z.string(),
    by: z.string(),
    at: z.string(),
    dueBy: z.string().openapi({ description: 'the bank completes it by this working day (10 working days, R21)' }),
  })
  .openapi('ClaimReturnRequest');

const i18nText = z.object(bilingualFields);

export const claimSchema = z
  .object({
    id: z.string(),
    number: z.string().openapi({
      example: 'BP-2026-000123',
      description: 'the readable claim number: year of submission and sequence',
    }),
    filingId: z.string(),
    bankRef: z.string().optional(),
    enterpriseName: z.string().optional().openapi({ description: 'the borrower (the loan’s enterprise)' }),
    fundId: z.string(),
    bankId: z.string(),
    state: z.enum(CLAIM_STATES),
    outstanding: z.string().openapi({ example: '6000000.00' }),
    compensation: z.string().openapi({ example: '3000000.00' }),
    parties: z.array(z.object({ party: z.string(), shareBp: z.number().int(), amount: z.string() })),
    reasons: z.array(
      z.object({
        rule: z.string(),
        cites: z.array(z.string()),
        ok: z.boolean(),
        ...bilingualFields,
      }),
    ),
    submittedBy: z.string(),
    submittedAt: z.string(),
    submittedOn: z.string(),
    dueBy: z.string().openapi({ description: 'the manager decides by this date (15 working days, the SLA)' }),
    overdue: z.boolean(),
    preparedBy: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    rejectionReason: z.string().nullable(),
    heldReason: i18nText.nullable(),
    stage: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'under review: the index in `stages` of the stage waiting for its sign-off (R23)' }),
    stageDueBy: z
      .string()
      .nullable()
      .openapi({ description: 'the waiting stage’s SLA date (its working days from when it was entered)' }),
    stageOverdue: z.boolean(),
    signOffs: z
      .array(z.object({ stage: z.string(), by: z.string(), role: z.string(), at: z.string() }))
      .openapi({ description: 'the stages signed in this review, in order (R23)' }),
    findings: z
      .array(z.object({ id: z.string(), cutBp: z.number().int(), note: z.string(), by: z.string(), at: z.string() }))
      .openapi({
        description: 'the reviewer’s due-diligence findings (尽职审查, R22), each with its cut in basis points',
      }),
    cutBp: z.number().int().openapi({
      description: 'the findings’ cuts added, at most 10,000 (void): the compensation is reduced by it (R22)',
    }),
    returnRequest: returnRequestSchema.nullable().openapi({
      description: 'the last time the claim went back to the bank for more (退回补正, R21); kept after resubmission',
    }),
    approvedSeq: z.number().int().nullable(),
    queuePosition: z.number().int().nullable(),
    paidAt: z.string().nullable(),
    paidBy: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('Claim');

export const claimDetail = claimSchema
  .extend({
    stages: z
      .array(z.object({ id: z.string(), title: i18nText, by: z.array(z.string()), workingDays: z.number().int() }))
      .openapi({
        description:
          'the sign-offs the claim’s programme asks for after preparation, in order; the last approves (R23)',
      }),
    events: z.array(
      z.object({
        event: z.string(),
        from: z.string().nullable(),
        to: z.string(),
        actor: z.string(),
        note: z.string().nullable(),
        at: z.string(),
      }),
    ),
  })
  .openapi('ClaimDetail');

export const breakerSchema = z
  .object({
    bankId: z.string(),
    tripped: z.boolean(),
    ratioExceeded: z.boolean(),
    netExceeded: z.boolean(),
    claimRatio: z.string(),
    netCompensation: z.string(),
    filedPrincipal: z.string(),
    claimedNplPrincipal: z.string(),
    compensationPaid: z.string(),
    refunded: z.string(),
    thresholds: z.object({ claimRatioAbove: z.string(), netCompensationAbove: z.string() }),
    why: i18nText,
    cites: z.array(z.string()),
  })
  .openapi('CircuitBreaker');
