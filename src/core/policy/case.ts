/**
 * The public case contract of `backstop evaluate` and `POST /api/evaluate` (DESIGN.md): parsed
 * strictly, so a misspelt field is an error naming it rather than a silently ignored input.
 */
import { z } from 'zod';
import { ENTERPRISE_SIZES, LOAN_MODES, QUALIFICATION_KINDS, type LoanCase } from './facts';
import { isoDate, rate, yuan } from './zod-fields';

const qualification = z
  .strictObject({
    kind: z.enum(QUALIFICATION_KINDS, { error: `must be one of ${QUALIFICATION_KINDS.join(', ')}` }),
    validFrom: isoDate(),
    validTo: isoDate(),
  })
  .refine((q) => q.validFrom <= q.validTo, { message: 'must not be before validFrom', path: ['validTo'] });

export const caseSchema = z
  .strictObject({
    programme: z.string().min(1).optional(),
    enterprise: z.strictObject({
      registeredInZone: z.boolean({ error: 'must be true or false' }),
      size: z.enum(ENTERPRISE_SIZES, { error: `must be one of ${ENTERPRISE_SIZES.join(', ')}` }),
      sciTech: z.boolean({ error: 'must be true or false' }),
      industry: z.string({ error: 'must be a string such as "software"' }).min(1, 'must not be empty'),
      restrictedProcesses: z.boolean({ error: 'must be true or false' }).default(false),
      hasBadLoan: z.boolean({ error: 'must be true or false' }).default(false),
      qualifications: z.array(qualification).default([]),
    }),
    loan: z.strictObject({
      kind: z.string({ error: 'must be a loan kind such as "credit"' }).min(1, 'must not be empty'),
      principal: yuan(),
      disbursedOn: isoDate(),
      filedOn: isoDate(),
      mode: z.enum(LOAN_MODES, { error: `must be one of ${LOAN_MODES.join(', ')}` }),
      bankShare: rate().optional(),
    }),
    default: z
      .strictObject({
        outstandingPrincipal: yuan(),
        classifiedOn: isoDate(),
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    if (c.loan.principal <= 0n)
      ctx.addIssue({ code: 'custom', path: ['loan', 'principal'], message: 'must be more than 0' });
    if (c.loan.mode === 'risk-sharing' && c.loan.bankShare === undefined)
      ctx.addIssue({ code: 'custom', path: ['loan', 'bankShare'], message: 'is required in risk-sharing mode' });
    if (c.loan.mode === 'direct' && c.loan.bankShare !== undefined)
      ctx.addIssue({ code: 'custom', path: ['loan', 'bankShare'], message: 'is only for risk-sharing mode' });
    if (c.default) {
      if (c.default.outstandingPrincipal > c.loan.principal)
        ctx.addIssue({
          code: 'custom',
          path: ['default', 'outstandingPrincipal'],
          message: 'must not exceed loan.principal',
        });
      if (c.default.classifiedOn < c.loan.disbursedOn)
        ctx.addIssue({
          code: 'custom',
          path: ['default', 'classifiedOn'],
          message: 'must not be before loan.disbursedOn',
        });
    }
  });

export type CaseInput = z.input<typeof caseSchema>;

export function toLoanCase(parsed: z.output<typeof caseSchema>): LoanCase {
  const { bankShare, ...loan } = parsed.loan;
  return {
    ...(parsed.programme ? { programme: parsed.programme } : {}),
    enterprise: parsed.enterprise,
    loan: bankShare === undefined ? loan : { ...loan, bankShareBp: bankShare },
    ...(parsed.default ? { default: parsed.default } : {}),
  };
}
