import { z } from '@hono/zod-openapi';
import { ENTERPRISE_SIZES, QUALIFICATION_KINDS } from '../../core/policy';
import { creditCodeProblem } from '../../core/registry/credit-code';
import { businessDate, MAX_QUALIFICATION_YEARS, withinYears } from '../shared/dates';
import { patchSchema } from '../shared/patch';

export { isoDateField } from '../shared/dates';

export const creditCodeField = () =>
  z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .superRefine((code, ctx) => {
      const problem = creditCodeProblem(code);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'registry.invalid_credit_code' } });
    })
    .openapi({
      example: '91350100M000100Y43',
      description: '统一社会信用代码 (GB 32100-2015), check character verified',
    });

export const qualificationInput = z
  .strictObject({
    kind: z.enum(QUALIFICATION_KINDS),
    validFrom: businessDate(),
    validTo: businessDate(),
    certificateNo: z.string().max(100).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.validTo < q.validFrom)
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must not be before validFrom' });
    const long = withinYears('validTo', q.validTo, { field: 'validFrom', date: q.validFrom }, MAX_QUALIFICATION_YEARS);
    if (long) ctx.addIssue({ code: 'custom', path: ['validTo'], message: long.en, params: { code: long.code } });
  });

/** The fields of a registration a manager may correct later (PATCH): no defaults here (shared/patch.ts). */
const enterpriseFacts = {
  name: z.string().trim().min(1).max(200).openapi({ example: '北京某某科技有限公司' }),
  size: z.enum(ENTERPRISE_SIZES),
  industry: z.string().trim().min(1).max(100).openapi({ example: 'software' }),
  sciTech: z.boolean(),
  registeredInZone: z.boolean(),
  restrictedProcesses: z.boolean(),
};

export const enterpriseInput = z
  .strictObject({
    creditCode: creditCodeField(),
    ...enterpriseFacts,
    restrictedProcesses: enterpriseFacts.restrictedProcesses.default(false),
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

/** Only the fields sent change; `{}` is a 400 (nothing to change). */
export const enterprisePatch = patchSchema(enterpriseFacts).openapi('EnterprisePatch');

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
