import { z } from '@hono/zod-openapi';
import { formatYuan } from '../../core/money/money';
import { yuan } from '../../core/policy/zod-fields';
import { businessDate, MAX_TERM_YEARS, withinYears } from '../shared/dates';

/**
 * The most one amount of a fund (capital, top-up, quota) may be: 1,000,000,000,000.00 yuan (一万亿),
 * beyond any fund, and far inside the ledger's 64-bit fen even times the largest liability multiple.
 */
export const MAX_FUND_AMOUNT = 100_000_000_000_000n;

const money = (example: string) =>
  yuan()
    .refine((fen) => fen <= MAX_FUND_AMOUNT, `must be at most ${formatYuan(MAX_FUND_AMOUNT)} yuan`)
    .openapi({ type: 'string', example });

/** A multiple of the fund such as "10" or "2.5", in basis points (R7b). */
const multiple = () =>
  z
    .string()
    .regex(/^(\d{1,3})(?:\.(\d{1,4}))?$/, 'must be a decimal such as "10" or "2.5" (at most four decimals)')
    .transform((text) => {
      const [whole, frac = ''] = text.split('.');
      return Number(whole) * 10_000 + Number(frac.padEnd(4, '0'));
    })
    .refine((bp) => bp > 0, 'must be more than 0');

export const fundInput = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lowercase letters, digits or dashes')
      .openapi({ example: 'etown' }),
    name: z.string().trim().min(1).max(200).openapi({ example: '北京经开区小微企业贷款风险补偿资金' }),
    programmes: z
      .array(z.string().min(1).max(100))
      .max(20)
      .openapi({ example: ['etown-2023-small-micro', 'etown-2025-sci-tech'] }),
    liabilityMultiple: multiple().openapi({
      type: 'string',
      example: '10',
      description: 'committed liability may reach this multiple of the fund (R7b)',
    }),
    capital: money('100000000.00'),
    on: businessDate(),
  })
  .openapi('FundInput');

export const topUpInput = z
  .strictObject({
    amount: money('20000000.00'),
    on: businessDate(),
    note: z.string().trim().max(500).optional(),
  })
  .openapi('TopUpInput');

export const agreementInput = z
  .strictObject({
    fundId: z.string().min(1).max(100).openapi({ example: 'etown' }),
    programmeId: z.string().min(1).max(100).openapi({ example: 'etown-2025-sci-tech' }),
    institutionId: z.string().min(1).max(100).openapi({ example: 'bank-icbc' }),
    signedOn: businessDate(),
    endsOn: businessDate().optional(),
    quota: money('200000000.00').optional(),
  })
  .superRefine((a, ctx) => {
    if (a.endsOn === undefined) return;
    if (a.endsOn < a.signedOn)
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'must not be before signedOn' });
    const long = withinYears('endsOn', a.endsOn, { field: 'signedOn', date: a.signedOn }, MAX_TERM_YEARS);
    if (long) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: long.en, params: { code: long.code } });
  })
  .openapi('AgreementInput');

export const quotaInput = z.strictObject({ quota: money('300000000.00') }).openapi('QuotaInput');

export const fundSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    programmes: z.array(z.string()),
    liabilityMultiple: z.string(),
    capital: z.string(),
    topUps: z.array(z.object({ id: z.string(), amount: z.string(), on: z.string(), note: z.string().nullable() })),
  })
  .openapi('Fund');

export const topUpSchema = z
  .object({
    id: z.string(),
    fundId: z.string(),
    amount: z.string(),
    on: z.string(),
    note: z.string().nullable(),
    replayed: z.boolean().openapi({
      description: 'true when this is the first answer again, for a copy sent with the same Idempotency-Key',
    }),
    queuedClaimsPaid: z.number().int(),
  })
  .openapi('TopUp');

export const agreementSchema = z
  .object({
    id: z.string(),
    fundId: z.string(),
    programmeId: z.string(),
    institutionId: z.string(),
    signedOn: z.string(),
    endsOn: z.string().nullable(),
    quota: z.string().nullable(),
  })
  .openapi('Agreement');
