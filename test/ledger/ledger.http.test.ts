/** The ledger routes: verify and the audit chain by role, a fund's accounts, an account's balance history and a filing's transfers, paged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountId, exposureAccount, fundAccounts, reserveFiling, topUp } from '../../src/core/ledger/fund-operations';
import { createLedgerRepository } from '../../src/modules/ledger/ledger.repository';
import { applyOperation, openAccounts } from '../../src/modules/ledger/ledger.usecases';
import { startTestApp } from '../http/harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  t = await startTestApp();
  const ledger = createLedgerRepository({ db: t.database.db });
  await openAccounts({ ledger, accounts: [...fundAccounts('fx'), exposureAccount('fx', 'filing-1')] });
  await applyOperation({
    ledger,
    actor: 'test',
    transfers: topUp({ fundId: 'fx', id: 'top', amount: 1_000_000n, liabilityMultipleBp: 10_000 }),
  });
  for (let i = 0; i < 3; i++) {
    await ledger.apply([
      {
        id: `r${i}`,
        debit: accountId.capacity('fx'),
        credit: accountId.exposure('fx', 'filing-1'),
        amount: 100n,
        code: 'reserve',
        entityKind: 'filing',
        entityId: 'filing-1',
      },
    ]);
  }
  await applyOperation({
    ledger,
    actor: 'test',
    transfers: reserveFiling({
      fundId: 'fx',
      filingId: 'filing-1',
      liability: 250n,
      agreementId: null,
      enterpriseCap: null,
    }),
  });
});
afterAll(async () => {
  await t.close();
});

describe('ledger routes', () => {
  it('verify: the auditor gets a clean report; a bank is refused; signed out is 401', async () => {
    const auditor = await t.signIn('aud', 'auditor');
    const res = await auditor('/api/ledger/verify', { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; violations: unknown[]; counts: { transfers: number } };
    expect(body).toMatchObject({ ok: true, violations: [], counts: { transfers: 6 } });
    const chain = await auditor('/api/audit/verify');
    expect(await chain.json()).toMatchObject({ ok: true, rows: 5 });
    const bank = await t.signIn('bank1', 'bank', { bankId: 'bank-x' });
    expect((await bank('/api/ledger/verify', { method: 'POST' })).status).toBe(403);
    expect((await bank('/api/ledger/accounts?fundId=fx')).status).toBe(403);
    expect((await t.app.request('/api/audit/verify')).status).toBe(401);
  });

  it('lists a fund’s accounts in yuan and a filing’s transfers, paged by cursor', async () => {
    const reviewer = await t.signIn('rev', 'reviewer');
    const accounts = (await (await reviewer('/api/ledger/accounts?fundId=fx')).json()) as {
      items: { id: string; creditsPosted: string; debitsPosted: string }[];
    };
    expect(accounts.items.find((a) => a.id === 'fx:capacity')).toMatchObject({
      creditsPosted: '10000.00',
      debitsPosted: '5.50',
    });
    const first = (await (
      await reviewer('/api/ledger/transfers?entityKind=filing&entityId=filing-1&limit=3')
    ).json()) as { items: { id: string; amount: string }[]; nextCursor: string };
    expect(first.items.map((x) => x.id)).toEqual(['r0', 'r1', 'r2']);
    expect(first.items[0]!.amount).toBe('1.00');
    const second = (await (
      await reviewer(`/api/ledger/transfers?entityKind=filing&entityId=filing-1&limit=3&cursor=${first.nextCursor}`)
    ).json()) as { items: { id: string }[]; nextCursor: string | null };
    expect(second).toMatchObject({ items: [{ id: 'filing-1:reserve' }], nextCursor: null });
    expect((await reviewer('/api/ledger/transfers?entityKind=filing&entityId=filing-1&cursor=nonsense')).status).toBe(
      400,
    );
    expect((await reviewer('/api/ledger/transfers?entityKind=filing')).status).toBe(400);
  });

  it('pages an account’s balance history by version; an account without the history flag says so; an unknown one is 404', async () => {
    const reviewer = await t.signIn('rev2', 'reviewer');
    const first = (await (await reviewer('/api/ledger/accounts/fx:capacity/history?limit=2&order=asc')).json()) as {
      items: { version: string; transferId: string; debitsPosted: string }[];
      nextCursor: string;
    };
    expect(first.items[0]).toMatchObject({ version: '1', debitsPosted: '0.00' });
    expect(first.items[0]!.transferId).toMatch(/^top/); // the top-up raised the limit first
    expect(first.items[1]).toMatchObject({ version: '2', transferId: 'r0', debitsPosted: '1.00' });
    const rest = (await (
      await reviewer(`/api/ledger/accounts/fx:capacity/history?limit=10&order=asc&cursor=${first.nextCursor}`)
    ).json()) as { items: { version: string; debitsPosted: string }[]; nextCursor: string | null };
    expect(rest.items.map((b) => b.version)).toEqual(['3', '4', '5']);
    expect(rest).toMatchObject({ nextCursor: null, items: [{}, {}, { debitsPosted: '5.50' }] });
    const exposure = await reviewer('/api/ledger/accounts/fx:exposure:filing-1/history');
    expect(exposure.status).toBe(400);
    expect(JSON.stringify(await exposure.json())).toContain('history flag');
    expect((await reviewer('/api/ledger/accounts/nowhere/history')).status).toBe(404);
    const huge = Buffer.from(JSON.stringify([null, '99999999999999999999'])).toString('base64url');
    expect((await reviewer(`/api/ledger/accounts/fx:capacity/history?cursor=${huge}`)).status).toBe(400);
    expect((await reviewer(`/api/ledger/transfers?entityKind=filing&entityId=filing-1&cursor=${huge}`)).status).toBe(
      400,
    );
    const bank = await t.signIn('bank2', 'bank', { bankId: 'bank-x' });
    expect((await bank('/api/ledger/accounts/fx:capacity/history')).status).toBe(403);
  });
});
