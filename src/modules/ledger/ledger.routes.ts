/**
 * The ledger over HTTP: verify (ledger:verify), the audit chain (audit:read), a fund's accounts, an
 * account's balance history and a business entity's transfers (ledger:read). Money is a decimal string of yuan (fen / 100).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { formatYuan } from '../../core/money/money';
import type { Db } from '../shared/db';
import { requireActor, type AppEnv } from '../shared/http-env';
import { bilingualFields, errors, json, pathId } from '../shared/openapi';
import { accountNames } from './ledger.names';
import { decodeCursor, pageOf, pageQuery, pageSchema } from '../shared/paging';
import { ledgerErrors } from './ledger.errors';
import { requestErrors } from '../shared/request.errors';
import { listAccounts, listBalances, listTransfers } from './ledger.queries';
import { createLedgerRepository, HISTORY } from './ledger.repository';
import { verifyAudit, verifyLedger } from './ledger.verify';

const tags = ['ledger'];
const yuan = z.string().openapi({ example: '1000000.00' });
const violation = z.object({
  code: z.string().openapi({ example: 'account_totals_differ_from_replay' }),
  message: z.string(),
});
const head = z.object({ seq: z.string(), hash: z.string() }).nullable();

const verifySchema = z
  .object({
    ok: z.boolean(),
    counts: z.object({
      accounts: z.number(),
      transfers: z.number(),
      balances: z.number(),
      loans: z
        .number()
        .openapi({ description: 'Filed loans whose reserved liability was reconciled with their exposure accounts' }),
      auditRows: z.number(),
    }),
    auditHead: head,
    checks: z.array(z.object({ name: z.string(), violations: z.array(violation) })),
    violations: z.array(violation),
  })
  .openapi('LedgerVerifyReport');
const auditVerifySchema = z
  .object({ ok: z.boolean(), rows: z.number(), head, violations: z.array(violation) })
  .openapi('AuditVerifyReport');
const accountName = z.object(bilingualFields).openapi('LedgerAccountName', {
  description: 'The account as people call it: its fund, what it holds, and the record it is for (a bank, a loan …)',
  example: { zh: '亦庄科技金融风险补偿资金 · 现金', en: 'E-Town fund · cash' },
});
const accountSchema = z
  .object({
    id: z.string(),
    name: accountName,
    ledger: z.enum(['liability', 'cny']),
    code: z.string(),
    flags: z.number().int(),
    fundId: z.string().nullable(),
    entityKind: z.string().nullable(),
    entityId: z.string().nullable(),
    debitsPending: yuan,
    debitsPosted: yuan,
    creditsPending: yuan,
    creditsPosted: yuan,
    version: z.string(),
  })
  .openapi('LedgerAccount');
const transferSchema = z
  .object({
    seq: z.string(),
    id: z.string(),
    kind: z.enum(['single', 'pending', 'post', 'void']),
    debit: z.string(),
    debitName: accountName,
    credit: z.string(),
    creditName: accountName,
    amount: yuan,
    ledger: z.string(),
    code: z.string(),
    pendingId: z.string().nullable(),
    entityKind: z.string().nullable(),
    entityId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('LedgerTransfer');
const balanceSchema = z
  .object({
    version: z.string(),
    transferId: z.string(),
    debitsPending: yuan,
    debitsPosted: yuan,
    creditsPending: yuan,
    creditsPosted: yuan,
  })
  .openapi('LedgerBalance');

const routes = {
  verify: createRoute({
    method: 'post',
    path: '/api/ledger/verify',
    tags,
    summary: 'Check every ledger invariant and the audit chain (auditor, manager)',
    responses: {
      200: json(
        verifySchema,
        'The report; ok is false when any invariant is violated, each violation named by its code',
      ),
      401: errors[401],
      403: errors[403],
    },
  }),
  audit: createRoute({
    method: 'get',
    path: '/api/audit/verify',
    tags: ['audit'],
    summary: 'Recompute the audit log’s hash chain',
    responses: { 200: json(auditVerifySchema, 'The chain report'), 401: errors[401], 403: errors[403] },
  }),
  accounts: createRoute({
    method: 'get',
    path: '/api/ledger/accounts',
    tags,
    summary: 'A fund’s ledger accounts with their balances',
    request: {
      query: z.object({ fundId: z.string().min(1).max(100).openapi({ example: 'etown-2023-small-micro-fund' }) }),
    },
    responses: {
      200: json(z.object({ items: z.array(accountSchema) }), 'The accounts'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  }),
  history: createRoute({
    method: 'get',
    path: '/api/ledger/accounts/{id}/history',
    tags,
    summary:
      'An account’s balance after each transfer, by version (only accounts with the history flag keep one: the fund’s own accounts, not per-loan exposures)',
    request: { params: z.object({ id: pathId(300).openapi({ example: 'etown:capacity' }) }), query: pageQuery },
    responses: {
      200: json(pageSchema(balanceSchema), 'A page of balance versions'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
    },
  }),
  transfers: createRoute({
    method: 'get',
    path: '/api/ledger/transfers',
    tags,
    summary: 'The transfers booked for a business entity (a filing, claim, recovery …), paged by cursor in log order',
    request: {
      query: pageQuery.extend({
        entityKind: z.string().min(1).max(50).openapi({ example: 'filing' }),
        entityId: z.string().min(1).max(200),
      }),
    },
    responses: {
      200: json(pageSchema(transferSchema), 'A page of transfers'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
    },
  }),
};

export function ledgerRoutes({ db }: { db: Db }) {
  return new OpenAPIHono<AppEnv>()
    .openapi(routes.verify, async (c) => {
      requireActor(c, 'ledger:verify');
      return c.json(await verifyLedger({ db }), 200);
    })
    .openapi(routes.audit, async (c) => {
      requireActor(c, 'audit:read');
      return c.json(await verifyAudit({ db }), 200);
    })
    .openapi(routes.accounts, async (c) => {
      requireActor(c, 'ledger:read');
      const items = await listAccounts({ db, fundId: c.req.valid('query').fundId });
      const names = await accountNames(
        db,
        items.map((a) => a.id),
      );
      return c.json(
        {
          items: items.map((a) => ({
            ...a,
            name: names.get(a.id) ?? { zh: a.id, en: a.id },
            ledger: a.ledger as 'liability' | 'cny',
            version: a.version.toString(),
            debitsPending: formatYuan(a.debitsPending),
            debitsPosted: formatYuan(a.debitsPosted),
            creditsPending: formatYuan(a.creditsPending),
            creditsPosted: formatYuan(a.creditsPosted),
          })),
        },
        200,
      );
    })
    .openapi(routes.history, async (c) => {
      requireActor(c, 'ledger:read');
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const account = await createLedgerRepository({ db }).account(id);
      if (!account) throw ledgerErrors.accountNotFound(id);
      if (!(account.flags & HISTORY)) throw ledgerErrors.noHistory();
      const cursor = decodeCursor(q.cursor, 'none');
      if (cursor && !/^\d{1,18}$/.test(cursor.id)) throw requestErrors.badCursor('is not a cursor this API gave out');
      const rows = await listBalances({
        db,
        accountId: id,
        limit: q.limit,
        order: q.order,
        ...(cursor ? { afterVersion: BigInt(cursor.id) } : {}),
      });
      const page = pageOf(rows, q.limit, (b) => ({ value: null, id: b.version.toString() }));
      return c.json(
        {
          nextCursor: page.nextCursor,
          items: page.items.map((b) => ({
            version: b.version.toString(),
            transferId: b.transferId,
            debitsPending: formatYuan(b.debitsPending),
            debitsPosted: formatYuan(b.debitsPosted),
            creditsPending: formatYuan(b.creditsPending),
            creditsPosted: formatYuan(b.creditsPosted),
          })),
        },
        200,
      );
    })
    .openapi(routes.transfers, async (c) => {
      requireActor(c, 'ledger:read');
      const q = c.req.valid('query');
      const cursor = decodeCursor(q.cursor, 'none');
      if (cursor && !/^\d{1,18}$/.test(cursor.id)) throw requestErrors.badCursor('is not a cursor this API gave out');
      const rows = await listTransfers({
        db,
        entityKind: q.entityKind,
        entityId: q.entityId,
        limit: q.limit,
        order: q.order,
        ...(cursor ? { afterSeq: BigInt(cursor.id) } : {}),
      });
      const page = pageOf(rows, q.limit, (t) => ({ value: null, id: t.seq.toString() }));
      const names = await accountNames(
        db,
        page.items.flatMap((t) => [t.debit, t.credit]),
      );
      const nameOf = (id: string) => names.get(id) ?? { zh: id, en: id };
      return c.json(
        {
          nextCursor: page.nextCursor,
          items: page.items.map((t) => ({
            ...t,
            debitName: nameOf(t.debit),
            creditName: nameOf(t.credit),
            kind: t.kind as 'single',
            seq: t.seq.toString(),
            amount: formatYuan(t.amount),
          })),
        },
        200,
      );
    });
}
