/**
 * G5's cap when a policy version changes it: the cap account is raised or lowered to the new cap
 * (capOpening), never answered `exists_with_different_amount` — which would refuse every later
 * loan to that enterprise for good. A lowering below what is in use refuses the loan as G5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import { capOpening, enterpriseCapAccounts, exposureAccount, fundAccounts, reserveFiling, topUp } from '../../core/ledger/fund-operations';
import { createLedgerRepository, type LedgerRepository } from '../ledger/ledger.repository';
import { applyOperation, openAccounts } from '../ledger/ledger.usecases';
import { verifyLedger } from '../ledger/ledger.verify';
import { createFilingsRepository } from './filings.repository';

const F = 'capfund';
const KEY = 'prog:bank-1:ent-1';
const CAP = `${F}:enterprise-cap:${KEY}`;

describe('capOpening', () => {
  it('opens, leaves alone, raises and lowers, each idempotent by its id', () => {
    expect(capOpening({ fundId: F, key: KEY, cap: 100n })).toMatchObject({ id: `${CAP}:open`, credit: CAP, amount: 100n });
    expect(capOpening({ fundId: F, key: KEY, cap: 100n, opened: 100n, version: 2 })).toBeNull();
    expect(capOpening({ fundId: F, key: KEY, cap: 300n, opened: 100n, version: 2 })).toMatchObject({ id: `${CAP}:to:2`, credit: CAP, amount: 200n });
    expect(capOpening({ fundId: F, key: KEY, cap: 60n, opened: 100n, version: 3 })).toMatchObject({ id: `${CAP}:to:3`, debit: CAP, amount: 40n });
  });
});

describe('a policy version that changes G5’s cap', () => {
  let database: Database;
  let ledger: LedgerRepository;
  const opened = async () => (await createFilingsRepository({ db: database.db }).capsOpened([KEY])).get(CAP) ?? 0n;
  const file = (filingId: string, cap: bigint, principal: bigint, version: number, already: bigint) =>
    ledger.apply(reserveFiling({ fundId: F, filingId, liability: principal / 2n, agreementId: null, enterpriseCap: { key: KEY, cap, principal, opened: already, version } }).map((t) => ({ ...t, kind: 'single' as const })));

  beforeAll(async () => {
    database = await openTestDatabase();
    ledger = createLedgerRepository({ db: database.db });
    await openAccounts({ ledger, accounts: [...fundAccounts(F), ...enterpriseCapAccounts(F, KEY), ...['f1', 'f2', 'f3', 'f4'].map((f) => exposureAccount(F, f))] });
    await applyOperation({ ledger, actor: 'test', transfers: topUp({ fundId: F, id: 'top', amount: 1_000_000n, liabilityMultipleBp: 100_000 }) });
  });
  afterAll(async () => { await database.close(); });

  it('opens the cap with the first loan, raises it for a version with a higher cap, and lowering below use refuses as G5', async () => {
    expect(await file('f1', 1_000n, 800n, 1, await opened())).toEqual(['ok', 'ok', 'ok']);
    expect(await opened()).toBe(1_000n);
    // version 2 raises the cap to 3,000: a 1,500 loan fits (800 + 1,500 ≤ 3,000)
    expect(await file('f2', 3_000n, 1_500n, 2, await opened())).toEqual(['ok', 'ok', 'ok']);
    expect(await opened()).toBe(3_000n);
    // version 3 lowers it to 2,000: 2,300 is in use already, so the lowering (and the loan) is refused
    const refused = await file('f3', 2_000n, 2n, 3, await opened());
    expect(refused[0]).toBe('exceeds_credits');
    expect(refused.slice(1)).toEqual(['linked_event_failed', 'linked_event_failed']);
    expect(await opened()).toBe(3_000n);
    // under version 2 again (same cap), nothing to open: the loan is its principal and reserve only
    expect(await file('f4', 3_000n, 700n, 2, await opened())).toEqual(['ok', 'ok']);
    expect((await ledger.account(CAP))!).toMatchObject({ creditsPosted: 3_000n, debitsPosted: 3_000n });
    expect((await verifyLedger({ db: database.db })).violations).toEqual([]);
  });
});
