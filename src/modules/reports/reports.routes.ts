/** Report endpoints: JSON by default, `?format=csv|xlsx` to download the same figures. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireActor, type AppEnv } from '../shared/http-env';
import { errors, json } from '../shared/openapi';
import type { OperationsDeps } from '../shared/operations-deps';
import type { Db } from '../shared/db';
import { CONTENT_TYPES, EXPORT_FORMATS, tableOf, toCsv, toXlsx, type ReportTable } from './reports.export';
import {
  atClaimRow,
  bankRow,
  breakdownRow,
  breakdownRowDoc,
  columnsOf,
  monthlyRow,
  partyRow,
  positionRow,
  riskSharingBook,
  riskSharingReport,
} from './reports.schemas';
import {
  bankRatios,
  BREAKDOWNS,
  breakdown,
  fundPosition,
  monthly,
  replicationLag,
  riskSharing,
} from './reports.usecases';
import { requestLang, withNames } from './reports.names';

const tags = ['reports'];
const format = z
  .enum(EXPORT_FORMATS)
  .default('json')
  .openapi({ description: 'json, or csv (UTF-8 with BOM) / xlsx to download' });
const lang = z.enum(['zh', 'en']).optional().openapi({
  description:
    'The language of the name columns a download adds beside the codes (and of their headers); else Accept-Language, else zh',
});
const fundId = z.string().min(1).max(100).optional().openapi({ example: 'etown' });
const files = {
  'text/csv': { schema: z.string() },
  [CONTENT_TYPES.xlsx]: { schema: z.string().openapi({ format: 'binary' }) },
};
/** Beside every report read from a standby (DATABASE_READ_URL): how far behind the primary it is. */
const lag = {
  replicationLagSeconds: z.number().nullable().optional().openapi({
    description:
      'Read from a standby (DATABASE_READ_URL): seconds it is behind the primary (0 when caught up); null or absent when read from the primary',
    example: 0.4,
  }),
};
const ok = (schema: z.ZodTypeAny, description: string) => ({
  description,
  content: { ...json(schema, description).content, ...files },
});
const responses = (schema: z.ZodTypeAny, description: string) => ({
  200: ok(schema, description),
  400: errors[400],
  401: errors[401],
  404: errors[404],
});

const routes = {
  position: createRoute({
    method: 'get',
    path: '/api/reports/position',
    tags,
    summary:
      'The fund’s position from its ledger: capital, cash, committed liability, capacity left, limit, leverage, payouts, refunds',
    request: { query: z.object({ fundId, format, lang }) },
    responses: responses(z.object({ items: z.array(positionRow), ...lag }), 'One row per fund'),
  }),
  banks: createRoute({
    method: 'get',
    path: '/api/reports/banks',
    tags,
    summary: 'Per bank: NPL ratio, claim ratio and net compensation against G4’s thresholds, and the breaker’s state',
    description:
      'With `fundId`: the banks that filed under that fund, their loans, outstanding and NPL (and NPL ratio) in that fund; the claim ratio, compensation and breaker stay the bank’s own over all its filings (G4 judges a bank, not a fund).',
    request: { query: z.object({ fundId, format, lang }) },
    responses: responses(z.object({ items: z.array(bankRow), ...lag }), 'One row per bank (a bank sees its own)'),
  }),
  breakdown: createRoute({
    method: 'get',
    path: '/api/reports/breakdown',
    tags,
    summary: 'The book by bank, programme, loan kind or filing month',
    request: { query: z.object({ by: z.enum(BREAKDOWNS).openapi({ example: 'bank' }), fundId, format, lang }) },
    responses: responses(
      z.object({ by: z.enum(BREAKDOWNS), items: z.array(breakdownRowDoc), ...lag }),
      'One row per group',
    ),
  }),
  monthly: createRoute({
    method: 'get',
    path: '/api/reports/monthly',
    tags,
    summary: 'Filings, payouts and recoveries by month (dashboard charts)',
    request: { query: z.object({ fundId, format, lang }) },
    responses: responses(z.object({ items: z.array(monthlyRow), ...lag }), 'One row per month'),
  }),
  riskSharing: createRoute({
    method: 'get',
    path: '/api/reports/risk-sharing',
    tags,
    summary: 'The risk-sharing split of the book: each party’s share (F14–F16, G7) and amounts at claim time',
    request: { query: z.object({ fundId, format, lang }) },
    responses: responses(riskSharingReport.extend(lag), 'The split'),
  }),
};

/** The figures as JSON, or as a download named after the report and the day, with names beside the codes. */
async function answer(
  c: Context<AppEnv>,
  db: Db,
  fmt: (typeof EXPORT_FORMATS)[number],
  name: string,
  body: unknown,
  tables: () => ReportTable[],
  today: string,
) {
  if (fmt === 'json') return c.json(body as never, 200);
  const file = `backstop-${name}-${today}.${fmt}`;
  const language = requestLang(c.req.query('lang'), c.req.header('accept-language'));
  const named = await Promise.all(tables().map((t) => withNames(db, t, language)));
  const bytes = fmt === 'csv' ? toCsv(named[0]!) : await toXlsx(named);
  return c.body(new Uint8Array(bytes), 200, {
    'content-type': CONTENT_TYPES[fmt],
    'content-disposition': `attachment; filename="${file}"`,
  });
}

export function reportsRoutes(ops: OperationsDeps) {
  // Reports may lag: read from the standby when there is one, and say by how much.
  const db = ops.readDb ?? ops.db;
  const lagOf = async () => (ops.readDb ? { replicationLagSeconds: await replicationLag({ db: ops.readDb }) } : {});
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.position, async (c) => {
      requireActor(c, 'report:read');
      const q = c.req.valid('query');
      const items = await fundPosition({ db, fundId: q.fundId });
      return answer(
        c,
        db,
        q.format,
        'position',
        { items, ...(await lagOf()) },
        () => [tableOf('position', columnsOf(positionRow), items)],
        ops.today(),
      ) as never;
    })
    .openapi(routes.banks, async (c) => {
      const actor = requireActor(c, 'report:read');
      const q = c.req.valid('query');
      const items = await bankRatios({ db, catalog: ops.catalog(), actor, fundId: q.fundId });
      return answer(
        c,
        db,
        q.format,
        'banks',
        { items, ...(await lagOf()) },
        () => [tableOf('banks', columnsOf(bankRow), items)],
        ops.today(),
      ) as never;
    })
    .openapi(routes.breakdown, async (c) => {
      const actor = requireActor(c, 'report:read');
      const q = c.req.valid('query');
      const items = await breakdown({ db, actor, by: q.by, fundId: q.fundId });
      return answer(
        c,
        db,
        q.format,
        `by-${q.by}`,
        { by: q.by, items, ...(await lagOf()) },
        () => [tableOf(`by ${q.by}`, columnsOf(breakdownRow(q.by)), items)],
        ops.today(),
      ) as never;
    })
    .openapi(routes.monthly, async (c) => {
      const actor = requireActor(c, 'report:read');
      const q = c.req.valid('query');
      const items = await monthly({ db, actor, fundId: q.fundId });
      return answer(
        c,
        db,
        q.format,
        'monthly',
        { items, ...(await lagOf()) },
        () => [tableOf('monthly', columnsOf(monthlyRow), items)],
        ops.today(),
      ) as never;
    })
    .openapi(routes.riskSharing, async (c) => {
      const actor = requireActor(c, 'report:read');
      const q = c.req.valid('query');
      const split = await riskSharing({ db, actor, fundId: q.fundId });
      const { parties, atClaim, ...book } = split;
      return answer(
        c,
        db,
        q.format,
        'risk-sharing',
        { ...split, ...(await lagOf()) },
        () => [
          tableOf('parties', columnsOf(partyRow), parties),
          tableOf('at claim', columnsOf(atClaimRow), atClaim),
          tableOf('book', columnsOf(riskSharingBook), [book]),
        ],
        ops.today(),
      ) as never;
    });
}
