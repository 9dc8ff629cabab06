/** The printed documents as PDF downloads: the same scope as reading the filing or claim, each download audited. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireActor, type AppEnv } from '../shared/http-env';
import { errors, idParam } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { problemContent } from '../shared/problem';
import { approvalForm, filingConfirmation, paymentNotice, type DocumentFile } from './documents.usecases';

const tags = ['documents'];
const id = idParam('00000000-0000-0000-0000-000000000000');
const pdf = (description: string) => ({
  description,
  content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
});
const unavailable = {
  description: 'The server has no Chinese font for documents (document.font_missing: install fonts-wqy-microhei)',
  content: problemContent,
};

const routes = {
  filingConfirmation: createRoute({
    method: 'get',
    path: '/api/filings/{id}/documents/filing-confirmation.pdf',
    tags,
    summary:
      '备案确认书: the filing confirmation (A4 PDF): bank, enterprise, the loan’s terms with the principal in figures and uppercase, the liability reserved, the programme and policy version, each rule’s result',
    request: { params: id },
    responses: { 200: pdf('The PDF'), 401: errors[401], 403: errors[403], 404: errors[404], 503: unavailable },
  }),
  approvalForm: createRoute({
    method: 'get',
    path: '/api/claims/{id}/documents/approval-form.pdf',
    tags,
    summary:
      '补偿审批表: the claim approval form (A4 PDF): the loan, the claim’s figures and shares, the review’s reasons, each stage’s decision with name and date, the materials',
    request: { params: id },
    responses: { 200: pdf('The PDF'), 401: errors[401], 403: errors[403], 404: errors[404], 503: unavailable },
  }),
  paymentNotice: createRoute({
    method: 'get',
    path: '/api/claims/{id}/documents/payment-notice.pdf',
    tags,
    summary: '拨付通知: the payment notice of a paid claim (A4 PDF); 409 document.claim_not_paid before it is paid',
    request: { params: id },
    responses: {
      200: pdf('The PDF'),
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: { description: 'The claim is not paid (document.claim_not_paid)', content: problemContent },
      503: unavailable,
    },
  }),
};

/** The PDF as a download (RFC 6266: an ASCII name and the Chinese one), never cached. */
function download(c: Context<AppEnv>, file: DocumentFile) {
  return c.body(new Uint8Array(file.bytes), 200, {
    'content-type': 'application/pdf',
    'content-disposition': `attachment; filename="${file.asciiFilename}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    'cache-control': 'no-store',
    'x-content-sha256': file.sha256,
  });
}

export function documentsRoutes({ db, catalog, today }: OperationsDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.filingConfirmation, async (c) => {
      const actor = requireActor(c, 'filing:read');
      const file = await filingConfirmation({ db, actor, id: c.req.valid('param').id, now: new Date() });
      return download(c, file) as never;
    })
    .openapi(routes.approvalForm, async (c) => {
      const actor = requireActor(c, 'claim:read');
      const file = await approvalForm({
        db,
        catalog: catalog(),
        actor,
        id: c.req.valid('param').id,
        today: today(),
        now: new Date(),
      });
      return download(c, file) as never;
    })
    .openapi(routes.paymentNotice, async (c) => {
      const actor = requireActor(c, 'claim:read');
      const file = await paymentNotice({
        db,
        catalog: catalog(),
        actor,
        id: c.req.valid('param').id,
        today: today(),
        now: new Date(),
      });
      return download(c, file) as never;
    });
}
