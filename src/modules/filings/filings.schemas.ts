import { z } from '@hono/zod-openapi';
import { bilingualFields } from '../shared/openapi';
import { LOAN_MODES } from '../../core/policy';
import { rate, yuan } from '../../core/policy/zod-fields';
import { creditCodeField } from '../registry/registry.schemas';
import { businessDate, maturityProblem } from '../shared/dates';
import { requireChange } from '../shared/patch';

const PARTY_ROLES = ['guarantor', 're-guarantor', 'national-guarantee-fund'] as const;

export const partyInput = z.strictObject({
  party: z.enum(PARTY_ROLES),
  institutionId: z.string().min(1).max(100).optional(),
  share: rate().openapi({ type: 'string', example: '0.4' }),
});

export const loanInput = z.strictObject({
  kind: z.string().trim().min(1).max(50).openapi({ example: 'credit' }),
  principal: yuan().openapi({ type: 'string', example: '8000000.00' }),
  disbursedOn: businessDate(),
  maturesOn: businessDate().optional(),
  mode: z.enum(LOAN_MODES).default('direct'),
  bankShare: rate().optional().openapi({ type: 'string', example: '0.2' }),
  /** Risk-sharing: the guarantee side's parties (F14, G7); their shares and the bank's add up to 1. */
  parties: z.array(partyInput).max(5).optional(),
});

export const filingInput = z
  .strictObject({
    bankRef: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .openapi({ example: 'ICBC-2025-000123', description: 'the bank’s own loan contract number' }),
    bankId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'required when a manager files for a bank; a bank files for itself' }),
    fundId: z.string().min(1).max(100).optional(),
    programme: z.string().min(1).max(100).optional(),
    enterpriseId: z.string().min(1).max(100).optional(),
    creditCode: creditCodeField().optional(),
    loan: loanInput,
  })
  .superRefine((f, ctx) => {
    if (!f.enterpriseId && !f.creditCode)
      ctx.addIssue({ code: 'custom', path: ['enterpriseId'], message: 'give enterpriseId or creditCode' });
    const l = f.loan;
    if (l.principal <= 0n)
      ctx.addIssue({ code: 'custom', path: ['loan', 'principal'], message: 'must be more than 0' });
    if (l.maturesOn && l.maturesOn <= l.disbursedOn)
      ctx.addIssue({ code: 'custom', path: ['loan', 'maturesOn'], message: 'must be after loan.disbursedOn' });
    const long = l.maturesOn && maturityProblem('loan.maturesOn', l.maturesOn, 'loan.disbursedOn', l.disbursedOn);
    if (long)
      ctx.addIssue({ code: 'custom', path: ['loan', 'maturesOn'], message: long.en, params: { code: long.code } });
    if (l.mode === 'risk-sharing' && l.bankShare === undefined)
      ctx.addIssue({ code: 'custom', path: ['loan', 'bankShare'], message: 'is required in risk-sharing mode' });
    if (l.mode === 'direct' && (l.bankShare !== undefined || l.parties))
      ctx.addIssue({
        code: 'custom',
        path: ['loan', l.parties ? 'parties' : 'bankShare'],
        message: 'is only for risk-sharing mode',
      });
    if (l.parties && l.bankShare !== undefined) {
      const sum = l.parties.reduce((s, p) => s + p.share, l.bankShare);
      if (sum !== 10_000)
        ctx.addIssue({
          code: 'custom',
          path: ['loan', 'parties'],
          message: 'the parties’ shares and loan.bankShare must add up to 1',
        });
    }
  })
  .openapi('FilingInput');

export const filingPatch = z
  .strictObject({
    principal: yuan().optional().openapi({ type: 'string', example: '7500000.00' }),
    kind: z.string().trim().min(1).max(50).optional(),
    disbursedOn: businessDate().optional(),
    maturesOn: businessDate().optional(),
    reason: z.string().trim().min(2).max(500).openapi({ example: '合同金额更正 / contract amount corrected' }),
  })
  .superRefine(requireChange(['principal', 'kind', 'disbursedOn', 'maturesOn']))
  .openapi('FilingAmendment');

export const withdrawInput = z.strictObject({ reason: z.string().trim().min(2).max(500) });

const reasonSchema = z
  .object({
    rule: z.string(),
    fact: z.string(),
    cites: z.array(z.string()),
    ok: z.boolean(),
    ...bilingualFields,
  })
  .passthrough();

export const filingSchema = z
  .object({
    id: z.string(),
    bankRef: z.string(),
    fundId: z.string(),
    programme: z.string(),
    policyVersion: z.string(),
    bankId: z.string(),
    enterpriseId: z.string(),
    enterpriseName: z.string().optional(),
    kind: z.string(),
    principal: z.string().openapi({ example: '8000000.00' }),
    outstanding: z.string(),
    disbursedOn: z.string(),
    maturesOn: z.string().nullable(),
    filedOn: z.string(),
    mode: z.enum(LOAN_MODES),
    ratio: z.string().openapi({ example: '0.3' }),
    parties: z.array(
      z.object({ party: z.string(), institutionId: z.string().nullable().optional(), share: z.string() }),
    ),
    guarantorId: z.string().nullable().openapi({ description: 'the guarantee institution of a risk-sharing loan' }),
    guarantorConfirmation: z
      .object({ on: z.string(), by: z.string() })
      .nullable()
      .openapi({ description: 'when and by whom the guarantor confirmed its part; null until it has' }),
    reserved: z.string(),
    status: z.string(),
    classification: z.string(),
    overdueSince: z.string().nullable(),
    nonPerformingOn: z.string().nullable(),
    reasons: z.array(reasonSchema),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number(),
  })
  .openapi('Filing');

const proofAudit = z.object({ seq: z.string(), hash: z.string() });
/** GET /api/filings/{id}/proof (issue 20): how one filing is proved in the audit log. */
export const filingProofSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('chunk').openapi({ description: 'filed in bulk: a leaf of its chunk’s Merkle root' }),
      facts: z
        .record(z.string(), z.unknown())
        .openapi({ description: 'the loan’s facts fixed at filing (amended terms as they were before)' }),
      leaf: z.string().openapi({ description: 'the leaf: `facts` as canonical JSON (keys sorted), hashed as UTF-8' }),
      leafHash: z.string().openapi({ description: 'SHA-256(0x00 ‖ leaf), hex' }),
      index: z.number().int(),
      count: z.number().int(),
      path: z
        .array(z.object({ side: z.enum(['left', 'right']), hash: z.string() }))
        .openapi({ description: 'sibling hashes from the leaf up; a node is SHA-256(0x01 ‖ left ‖ right) (RFC 6962)' }),
      merkleRoot: z.string().openapi({ description: 'the root the chunk’s audit row records' }),
      verified: z.boolean().openapi({ description: 'whether the chunk’s filings as they stand give that root' }),
      audit: proofAudit.extend({ import: z.string(), firstLine: z.number().int(), lastLine: z.number().int() }),
    }),
    z.object({
      kind: z.literal('row').openapi({ description: 'filed on its own: its own `filing.create` audit row' }),
      audit: proofAudit.nullable(),
    }),
  ])
  .openapi('FilingProof');
