/**
 * The dossier's routes under /api/claims/{id}/materials: the checklist with its state (`claim:read`,
 * scoped: another bank's claim answers 404), a multipart upload (`claim:submit`: the bank), a
 * download (`claim:read`), the reviewer's tick (`claim:prepare`: the manager). Each is audited.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requireActor, type AppEnv } from '../shared/http-env';
import { body, errors, json, pathId } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { claimErrors } from '../claims/claims.errors';
import { cleanText, textProblem } from '../shared/text';
import { materialErrors } from './claim-materials.errors';
import { materialMaxBytes } from './claim-materials.files';
import { dossierSchema, reviewInput, uploadBody } from './claim-materials.schemas';
import type { DossierRule } from '../claims/claims.usecases';
import type { MaterialObjectStore } from './claim-materials.store';
import * as uc from './claim-materials.usecases';

const tags = ['claims'];
/** The upload's path, left out of the app's 1 MB body limit: it has its own (the file's limit and the form's fields). */
export const MATERIALS_UPLOAD_PATH = /^\/api\/claims\/[^/]+\/materials$/;
const claimId = pathId().openapi({
  param: { name: 'id', in: 'path' },
  example: '00000000-0000-0000-0000-000000000000',
});
const fileErrors = {
  413: { description: 'The file is larger than the limit (material.too_large)', content: errors[400].content },
  415: {
    description: 'Not PDF, JPG, PNG, XLSX or DOCX by its content (material.wrong_type, material.executable)',
    content: errors[400].content,
  },
};

const storeDown = {
  description: 'The object store keeping the materials is unavailable (material.store_unavailable): nothing stored',
  content: errors[400].content,
};

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/claims/{id}/materials',
    tags,
    summary: 'The claim’s dossier (申请材料): the programme’s checklist, each item’s files and tick (audited)',
    request: { params: z.object({ id: claimId }) },
    responses: { 200: json(dossierSchema, 'The dossier'), 401: errors[401], 404: errors[404] },
  }),
  upload: createRoute({
    method: 'post',
    path: '/api/claims/{id}/materials',
    tags,
    summary: 'The bank uploads a file for one checklist item while the claim is submitted or under review',
    description:
      'multipart/form-data with `itemId` and `file`. The type is judged by the content (PDF, JPG, PNG, XLSX, DOCX); the SHA-256 is recorded; a refused file stores nothing. A new file takes back the item’s tick.',
    request: {
      params: z.object({ id: claimId }),
      body: { required: true, content: { 'multipart/form-data': { schema: uploadBody } } },
    },
    responses: {
      201: json(dossierSchema, 'Stored: the dossier after it'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      ...fileErrors,
      422: errors[422],
      503: storeDown,
    },
  }),
  download: createRoute({
    method: 'get',
    path: '/api/claims/{id}/materials/{fileId}',
    tags,
    summary: 'Download one file of the dossier, as uploaded (audited)',
    request: {
      params: z.object({
        id: claimId,
        fileId: pathId().openapi({
          param: { name: 'fileId', in: 'path' },
          example: '00000000-0000-0000-0000-000000000001',
        }),
      }),
    },
    responses: {
      200: {
        description: 'The file; its SHA-256 in X-Content-SHA256',
        content: { 'application/octet-stream': { schema: z.string() } },
      },
      401: errors[401],
      404: errors[404],
      500: {
        description:
          'The bytes do not match the recorded SHA-256 (material.content_mismatch), or the object is missing from the object store (material.object_missing): refused, audited',
        content: errors[400].content,
      },
      503: storeDown,
    },
  }),
  review: createRoute({
    method: 'post',
    path: '/api/claims/{id}/materials/items/{itemId}/review',
    tags,
    summary: 'The manager ticks an item: accepted, or rejected with a note',
    request: {
      params: z.object({
        id: claimId,
        itemId: pathId().openapi({ param: { name: 'itemId', in: 'path' }, example: 'loan-contract' }),
      }),
      ...body(reviewInput, { decision: 'rejected', note: '缺少银行公章 / the seal is missing' }),
    },
    responses: {
      200: json(dossierSchema, 'The dossier after the tick'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
    },
  }),
};

/**
 * The upload's body limit: the file's limit and room for the form around it. Mounted by the app
 * before anything reads the body (in place of the 1 MB limit of other requests).
 */
export const materialBodyLimit = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes + 64 * 1024,
    onError: () => {
      throw materialErrors.tooLarge(maxBytes);
    },
  });

export function claimMaterialsRoutes(
  { db, catalog }: OperationsDeps,
  {
    maxBytes = materialMaxBytes(),
    store,
    dossier = 'required',
  }: {
    maxBytes?: number;
    /** Where the bytes go when BACKSTOP_OBJECT_STORE_BUCKET is set; the database otherwise. */
    store?: MaterialObjectStore | undefined;
    /** Whether approval waits for the dossier (R20): shown as `waived` on it. */
    dossier?: DossierRule;
  } = {},
) {
  const waived = dossier === 'waived';
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(routes.list, async (c) =>
    c.json(
      await uc.listMaterials({
        db,
        catalog: catalog(),
        actor: requireActor(c, 'claim:read'),
        claimId: c.req.valid('param').id,
        waived,
      }),
      200,
    ),
  );
  // Documented for OpenAPI, handled as a plain route: the form is read once, under the file's own limit.
  app.openAPIRegistry.registerPath(routes.upload);
  app.post('/api/claims/:id/materials', async (c) => {
    const actor = requireActor(c, 'claim:submit');
    const id = c.req.param('id');
    if (id.length > 100 || textProblem(id)) throw claimErrors.notFound(id.slice(0, 100));
    if (!/^multipart\/form-data\s*;/i.test(c.req.header('content-type') ?? '')) throw materialErrors.notMultipart();
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = await c.req.parseBody();
    } catch {
      throw materialErrors.notMultipart();
    }
    const file = form.file;
    const itemId = typeof form.itemId === 'string' ? cleanText(form.itemId).trim() : '';
    if (!itemId) throw materialErrors.itemRequired();
    if (!(file instanceof File)) throw materialErrors.fileRequired();
    const out = await uc.uploadMaterial({
      db,
      catalog: catalog(),
      actor,
      claimId: id,
      itemId,
      fileName: cleanText(file.name || 'file').slice(0, 255),
      content: new Uint8Array(await file.arrayBuffer()),
      maxBytes,
      store,
      waived,
    });
    return c.json(out, 201);
  });
  app.openapi(routes.download, async (c) => {
    const { id, fileId } = c.req.valid('param');
    const f = await uc.downloadMaterial({ db, actor: requireActor(c, 'claim:read'), claimId: id, fileId, store });
    const ascii = f.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    return c.body(new Uint8Array(f.content), 200, {
      'content-type': f.mime,
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-content-sha256': f.sha256,
    });
  });
  app.openapi(routes.review, async (c) => {
    const { id, itemId } = c.req.valid('param');
    const input = c.req.valid('json');
    return c.json(
      await uc.reviewMaterial({
        db,
        catalog: catalog(),
        actor: requireActor(c, 'claim:prepare'),
        claimId: id,
        itemId,
        decision: input.decision,
        note: input.note,
        waived,
      }),
      200,
    );
  });
  return app;
}
