/**
 * Bulk filing over HTTP: upload a bank file (streamed to a temporary file, up to MAX_IMPORT_BYTES;
 * the app's 1 MB body limit does not apply to this route), follow the job, download its error report.
 * A bank sees its own jobs only (another bank's answers 404).
 */
import { Readable } from 'node:stream';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { requireActor, type AppEnv } from '../shared/http-env';
import { errors, idParam, json } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import { pageQuery, pageSchema } from '../shared/paging';
import { errorReportLines } from './imports.report';
import { claimImport, getImport, jobView, listImports, openImport } from './imports.usecases';
import { receiveUpload } from './imports.upload';
import { createImportJobs, type ImportJobs } from './imports.jobs';

export const IMPORTS_PATH = '/api/imports';
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

const tags = ['filings'];
const jobSchema = z
  .object({
    id: z.string(),
    bankId: z.string(),
    fileName: z.string(),
    status: z.enum(['running', 'done', 'failed', 'interrupted']).openapi({
      description:
        'running: another server takes it over and resumes it if its server stops; interrupted: its server stopped mid-file and no server can resume it (its file was not kept), or failed: interrupted too often (see error); upload the same file again and it resumes after lastLine, filing nothing twice',
    }),
    bytes: z.number(),
    lastLine: z
      .number()
      .openapi({ description: 'the last line of the file whose outcome is committed (the header is line 1)' }),
    filed: z.number(),
    duplicates: z.number(),
    rejected: z.number(),
    progress: z.number().nullable().openapi({
      description:
        'share of the file done, 0…1 (null when the length of the file is not known: a job opened before it was kept)',
    }),
    createdBy: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z
      .object({ zh: z.string(), en: z.string() })
      .nullable()
      .openapi({ description: 'why the job stopped without being done (interrupted too often, its file not kept)' }),
    errorReport: z.string().openapi({ example: '/api/imports/0b4f…/errors' }),
  })
  .openapi('ImportJob');

const uploadBody = z.object({
  file: z.any().openapi({
    type: 'string',
    format: 'binary',
    description: 'CSV (UTF-8 or GBK) or XLSX; columns per src/modules/imports/README.md',
  }),
  bankId: z.string().optional().openapi({ description: 'the bank a manager imports for; a bank imports for itself' }),
});

const routes = {
  create: createRoute({
    method: 'post',
    path: IMPORTS_PATH,
    tags,
    summary: 'Import a file of loans to file (备案批量导入): CSV or XLSX, up to 200 MB',
    description:
      'Returns the job at once (201; 200 when the same bank imported the same file before, which files nothing twice and resumes an unfinished job) and files in the background. Follow it at GET /api/imports/{id}.',
    request: { body: { required: true, content: { 'multipart/form-data': { schema: uploadBody } } } },
    responses: {
      200: json(jobSchema, 'The same file imported before: its job'),
      201: json(jobSchema, 'Started'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      413: { description: 'File too large', content: errors[400].content },
      415: { description: 'Not multipart/form-data', content: errors[400].content },
    },
  }),
  list: createRoute({
    method: 'get',
    path: IMPORTS_PATH,
    tags,
    summary: 'Import jobs, newest first, paged by cursor (a bank sees its own)',
    request: { query: pageQuery.pick({ limit: true, cursor: true }) },
    responses: {
      200: json(pageSchema(jobSchema), 'A page of jobs'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  }),
  get: createRoute({
    method: 'get',
    path: `${IMPORTS_PATH}/{id}`,
    tags,
    summary: 'An import job: status, counts, progress',
    request: { params: idParam('0b4f6a38-0000-0000-0000-000000000000') },
    responses: { 200: json(jobSchema, 'The job'), 401: errors[401], 404: errors[404] },
  }),
  errors: createRoute({
    method: 'get',
    path: `${IMPORTS_PATH}/{id}/errors`,
    tags,
    summary: 'The error report: one line per bad cell with the row’s original values (CSV, UTF-8 with BOM)',
    request: { params: idParam('0b4f6a38-0000-0000-0000-000000000000') },
    responses: {
      200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
      401: errors[401],
      404: errors[404],
    },
  }),
};

export function importsRoutes({
  ops,
  logger,
  maxBytes = MAX_IMPORT_BYTES,
  jobs = createImportJobs({
    db: ops.db,
    catalog: ops.catalog,
    today: ops.today,
    onError: (err, job) => logger?.error({ err, importId: job.id }, 'import failed'),
  }),
}: {
  ops: OperationsDeps;
  logger?: Logger;
  maxBytes?: number;
  /** The jobs this process runs and takes over (services.ts); its own otherwise. */
  jobs?: ImportJobs;
}) {
  const app = new OpenAPIHono<AppEnv>();

  // Documented for OpenAPI but handled as a plain route: a validator would read the whole multipart body into memory.
  app.openAPIRegistry.registerPath(routes.create);
  app.post(IMPORTS_PATH, async (c) => {
    const actor = requireActor(c, 'filing:write');
    const upload = await receiveUpload(c.req.raw.body, c.req.header('content-type'), maxBytes);
    let keepFile = false;
    try {
      const bankId = upload.fields.bankId?.trim() || undefined;
      const { job, created, inspection } = await openImport({
        db: ops.db,
        actor,
        bankId,
        fileName: upload.fileName,
        path: upload.path,
        fileHash: upload.hash,
        bytes: upload.bytes,
        holder: jobs.holder,
      });
      // Run here unless this process or another (a fresh heartbeat) is running it already.
      const claimed = jobs.runs(job.id)
        ? undefined
        : await claimImport({ db: ops.db, job, created, holder: jobs.holder });
      if (claimed) {
        keepFile = true;
        jobs.start({ job: claimed, actor, path: upload.path, inspection, discard: upload.discard });
      }
      return c.json(jobView(claimed ?? job), created ? 201 : 200);
    } finally {
      if (!keepFile) await upload.discard();
    }
  });

  app.openapi(routes.list, async (c) => {
    const actor = requireActor(c, 'filing:read');
    const page = await listImports({ db: ops.db, actor, ...c.req.valid('query') });
    return c.json({ items: page.items.map(jobView), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const actor = requireActor(c, 'filing:read');
    return c.json(jobView(await getImport({ db: ops.db, actor, id: c.req.valid('param').id })), 200);
  });

  app.openapi(routes.errors, async (c) => {
    const actor = requireActor(c, 'filing:read');
    const job = await getImport({ db: ops.db, actor, id: c.req.valid('param').id });
    const lines = Readable.from(
      (async function* () {
        for await (const line of errorReportLines({ db: ops.db, jobId: job.id })) yield Buffer.from(line, 'utf8');
      })(),
    );
    return new Response(Readable.toWeb(lines) as ReadableStream, {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="import-${job.id}-errors.csv"`,
      },
    }) as never;
  });

  return app;
}
