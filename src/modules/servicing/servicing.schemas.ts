import { z } from '@hono/zod-openapi';
import { LOAN_CLASSES } from '../../core/claims/non-performing';
import { yuan } from '../../core/policy/zod-fields';
import { isoDateField } from '../registry/registry.schemas';
import { WRITE_OFF_STATES } from './servicing.table';

export const repaymentInput = z
  .strictObject({
    amount: yuan().openapi({ type: 'string', example: '1000000.00' }),
    on: isoDateField(),
  })
  .openapi('RepaymentInput');

export const balanceInput = z
  .strictObject({
    outstanding: yuan().openapi({ type: 'string', example: '6000000.00' }),
    on: isoDateField(),
  })
  .openapi('BalanceInput');

export const classificationInput = z
  .strictObject({
    classification: z.enum(LOAN_CLASSES).openapi({ description: 'the five-category classification (R6, G9)' }),
    overdueSince: isoDateField()
      .nullable()
      .default(null)
      .openapi({ description: 'the first day principal or interest was overdue, if it is' }),
    on: isoDateField(),
  })
  .openapi('ClassificationInput');

/** Repayments in bulk: each line is applied on its own and answered on its own. */
export const bulkRepaymentInput = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          filingId: z.string().min(1).max(100),
          amount: yuan().openapi({ type: 'string', example: '100000.00' }),
          on: isoDateField(),
        }),
      )
      .min(1)
      .max(1000),
  })
  .openapi('BulkRepaymentInput');

/** The bank's write-off (核销) of a compensated loan (R16). */
export const writeOffInput = z
  .strictObject({
    on: isoDateField(),
    reason: z
      .string()
      .trim()
      .min(2)
      .max(500)
      .openapi({ description: 'why the bank wrote it off, e.g. its write-off approval number (核销审批文号)' }),
  })
  .openapi('WriteOffInput');

export const writeOffDecisionInput = z
  .strictObject({
    note: z.string().trim().max(500).optional().openapi({ description: 'the decider’s note (a rejection says why)' }),
  })
  .openapi('WriteOffDecisionInput');

export const writeOffSchema = z
  .object({
    id: z.string(),
    filingId: z.string(),
    bankId: z.string(),
    state: z.enum(WRITE_OFF_STATES),
    on: z.string(),
    reason: z.string(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
  })
  .openapi('WriteOff');
