import { z } from '@hono/zod-openapi';
import { isIsoDate } from '../../core/calendar';
import { ENTERPRISE_SIZES, QUALIFICATION_KINDS } from '../../core/policy';
import { creditCodeProblem } from '../../core/registry/credit-code';

export const isoDateField = () =>
  z.string().refine(isIsoDate, 'must be a real date written YYYY-MM-DD').openapi({ example: '2025-09-01' });

export const creditCodeField = () =>
  z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .superRefine((code, ctx) => {
      const problem = creditCodeProblem(code);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .openapi({
      example: '91350100M000100Y43',
      description: '统一社会信用代码 (GB 32100-2015), check character verified',
    });

export const qualificationInput = z
  .strictObject({
    kind: z.enum(QUALIFICATION_KINDS),
    validFrom: isoDateField(),
    validTo: isoDateField(),
    certificateNo: z.string().max(100).optional(),
  })
  .refine((q) => q.validFrom <= q.validTo, { path: ['validTo'], message: 'must not be before validFrom' });

export const enterpriseInput = z
  .strictObject({
    creditCode: creditCodeField(),
    name: z.string().trim().min(1).max(200).openapi({ example: '北京某某科技有限公司' }),
    size: z.enum(ENTERPRISE_SIZES),
    industry: z.string().trim().min(1).max(100).openapi({ example: 'software' }),
    sciTech: z.boolean(),
    registeredInZone: z.boolean(),
    restrictedProcesses: z.boolean().default(false),
    qualifications: z.array(qualificationInput).max(50).default([]),
  })
  .openapi('EnterpriseInput');

/** Many registrations at once (bulk): all or none, errors named by row (`enterprises[2].creditCode`). */
export const BULK_ENTERPRISES_MAX = 1000;
export const bulkEnterpriseInput = z
  .strictObject({
    enterprises: z.array(enterpriseInput).min(1).max(BULK_ENTERPRISES_MAX),
  })
  .openapi('BulkEnterpriseInput');

export const enterprisePatch = enterpriseInput.omit({ creditCode: true, qualifications: true }).partial().strict();

export const qualificationSchema = z.object({
  id: z.number().int(),
  kind: z.enum(QUALIFICATION_KINDS),
  validFrom: z.string(),
  validTo: z.string(),
  certificateNo: z.string().nullable(),
});

export const enterpriseSchema = z
  .object({
    id: z.string(),
    creditCode: z.string(),
    name: z.string(),
    size: z.enum(ENTERPRISE_SIZES),
    industry: z.string(),
    sciTech: z.boolean(),
    registeredInZone: z.boolean(),
    restrictedProcesses: z.boolean(),
    qualifications: z.array(qualificationSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Enterprise');

export const bulkEnterpriseResult = z
  .object({ items: z.array(enterpriseSchema), registered: z.number().int() })
  .openapi('BulkEnterpriseResult');

export const institutionInput = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be a short kebab-case id such as "bank-icbc"'),
    kind: z.enum(['bank', 'guarantor', 're-guarantor', 'national-guarantee-fund']),
    name: z.string().trim().min(1).max(200),
    nameEn: z.string().trim().max(200).optional(),
    registeredInZone: z.boolean().default(true),
  })
  .openapi('InstitutionInput');

export const institutionSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['bank', 'guarantor', 're-guarantor', 'national-guarantee-fund']),
    name: z.string(),
    nameEn: z.string().nullable(),
    registeredInZone: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('Institution');
