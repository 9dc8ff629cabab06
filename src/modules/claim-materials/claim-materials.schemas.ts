import { z } from '@hono/zod-openapi';
import { CLAIM_STATES } from '../../core/claims/claim-state';
import { bilingualFields } from '../shared/openapi';
import { MATERIAL_KINDS } from './claim-materials.table';

const bilingual = z.object(bilingualFields);

export const materialFileSchema = z
  .object({
    id: z.string(),
    fileName: z.string(),
    kind: z.enum(MATERIAL_KINDS).openapi({ description: 'Judged by the content, not the name' }),
    mime: z.string(),
    bytes: z.number().int(),
    sha256: z.string().openapi({ description: 'SHA-256 of the content, hex' }),
    uploadedBy: z.string(),
    uploadedAt: z.string(),
  })
  .openapi('MaterialFile');

export const dossierSchema = z
  .object({
    claimId: z.string(),
    claimState: z.enum(CLAIM_STATES),
    open: z.boolean().openapi({ description: 'Files may be uploaded and ticked (submitted or under review)' }),
    decided: z.boolean().openapi({
      description:
        'The claim is decided or closed (approved, paid, rejected, withdrawn): the checklist is as it was then',
    }),
    waived: z.boolean().openapi({
      description:
        'This server approves without the dossier (BACKSTOP_CLAIM_DOSSIER=waived): nothing is missing for approval',
    }),
    complete: z.boolean().openapi({ description: 'Every required item is accepted: the claim may be approved (R20)' }),
    missing: z.array(z.string()).openapi({ description: 'The required items not accepted yet' }),
    items: z.array(
      z.object({
        id: z.string(),
        title: bilingual,
        required: z.boolean(),
        note: bilingual.nullable(),
        cites: z.array(z.string()),
        state: z.enum(['missing', 'uploaded', 'accepted', 'rejected']),
        review: z
          .object({
            decision: z.enum(['accepted', 'rejected']),
            note: z.string().nullable(),
            reviewedBy: z.string(),
            reviewedAt: z.string(),
          })
          .nullable(),
        files: z.array(materialFileSchema),
      }),
    ),
  })
  .openapi('Dossier');

export const uploadBody = z.object({
  itemId: z.string().openapi({ description: 'The checklist item the file is for', example: 'loan-contract' }),
  file: z
    .any()
    .openapi({ type: 'string', format: 'binary', description: 'PDF, JPG, PNG, XLSX or DOCX; 20 MB at most' }),
});

export const reviewInput = z
  .strictObject({
    decision: z.enum(['accepted', 'rejected']),
    note: z.string().max(500).optional().openapi({ description: 'Required when rejected: what is wrong' }),
  })
  .openapi('MaterialReview');
