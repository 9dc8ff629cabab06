import { z } from '@hono/zod-openapi';
import { LOAN_CLASSES } from '../../core/claims/non-performing';
import { yuan } from '../../core/policy/zod-fields';
import { isoDateField } from '../registry/registry.schemas';

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
