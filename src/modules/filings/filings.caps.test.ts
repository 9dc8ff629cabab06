/**
 * G5's cap when a policy version changes it: the cap account is raised or lowered to the new cap
 * (capOpening), never answered `exists_with_different_amount` — which would refuse every later
 * loan to that enterprise for good. A lowering below what is in use refuses the loan as G5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import {
  capOpening,
  enterpriseCapAccounts,
  exposureAccount,
  fundAccounts,
  reserveFiling,
  topUp,
} from '../../core/ledger/fund-operations';
import { createLedgerRepository, type LedgerRepository } from '../ledger/ledger.repository';
import { applyOperation, openAccounts } from '../ledger/ledger.usecases';
import { verifyLedger } from '../ledger/ledger.verify';
import { createFilingsRepository } from './filings.repository';

const F = 'capfund';
const KEY = 'prog:bank-1:ent-1';
const CAP = `${F}:enterprise-cap:${KEY}`;

describe('capOpening', () => {
  it('opens, leaves alone, raises and lowers, each move named by its number', () => {
    expect(capOpening({ fundId: F, key: KEY, cap: 100n })).toMatchObject({
      id: `${CAP}:open`,
      credit: CAP,
      amount: 100n,
    });
    expect(capOpening({ fundId: F, key: KEY, cap: 100n, opened: 100n, moves: 1 })).toBeNull();
    expect(capOpening({ fundId: F, key: KEY, cap: 300n, opened: 100n, moves: 1 })).toMatchObject({
      id: `${CAP}:move:1`,
      credit: CAP,
      amount: 200n,
    });
    expect(capOpening({ fundId: F, key: KEY, cap: 60n, opened: 100n, moves: 2 })).toMatchObject({
      id: `${CAP}:move:2`,
      debit: CAP,
      amount: 40n,
    });
    // lowered to nothing and opened again: a move of its own, not the first opening
    expect(capOpening({ fundId: F, key: KEY, cap: 100n, opened: 0n, moves: 2 })).toMatchObject({
      id: `${CAP}:move:2`,
      credit: CAP,
      amount: 100n,
    });
  });
});

describe('a policy version that changes G5’s cap', () => {
  let database: Database;
  let ledger: LedgerRepository;
  const state = async () =>
    (await createFilingsRepository({ db: database.db }).capsOpened([KEY])).get(CAP) ?? { opened: 0n, moves: 0 };
  const opened = async () => (await state()).opened;
  /**
   * A loan planned on the cap account as it stands (the filing's own read), under a version whose
   * cap is `cap`, in a transaction rolled back when the ledger refuses — as filing and import do, so
   * a refused move leaves no failed id behind.
   */
  const file = async (filingId: string, cap: bigint, principal: bigint): Promise<string[]> => {
    const transfers = reserveFiling({
      fundId: F,
      filingId,
      liability: principal / 2n,
      agreementId: null,
      enterpriseCap: { key: KEY, cap, principal, ...(await state()) },
    });
    let answer: string[] = [];
    try {
      await database.db.transaction(async (tx) => {
        answer = await createLedgerRepository({ db: tx as never }).apply(
          transfers.map((t) => ({ ...t, kind: 'single' as const })),
        );
        if (answer.some((r) => r !== 'ok' && r !== 'exists')) throw new Error('refused');
      });
    } catch (e) {
      if ((e as Error).message !== 'refused') throw e;
    }
    return answer;
  };

  beforeAll(async () => {
    database = await openTestDatabase();
    ledger = createLedgerRepository({ db: database.db });
    await openAccounts({
      ledger,
      accounts: [
        ...fundAccounts(F),
        ...enterpriseCapAccounts(F, KEY),
        ...['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'].map((f) => exposureAccount(F, f)),
      ],
    });
    await applyOperation({
      ledger,
      actor: 'test',
      transfers: topUp({ fundId: F, id: 'top', amount: 1_000_000n, liabilityMultipleBp: 100_000 }),
    });
  });
  afterAll(async () => {
    await database.close();
  });

  it('opens the cap with the first loan, raises it for a version with a higher cap, and lowering below use refuses as G5', async () => {
    expect(await file('f1', 1_000n, 800n)).toEqual(['ok', 'ok', 'ok']);
    expect(await opened()).toBe(1_000n);
    // version 2 raises the cap to 3,000: a 1,500 loan fits (800 + 1,500 ≤ 3,000)
    expect(await file('f2', 3_000n, 1_500n)).toEqual(['ok', 'ok', 'ok']);
    expect(await opened()).toBe(3_000n);
    // version 3 lowers it to 2,000: 2,300 is in use already, so the lowering (and the loan) is refused
    const refused = await file('f3', 2_000n, 2n);
    expect(refused[0]).toBe('exceeds_credits');
    expect(refused.slice(1)).toEqual(['linked_event_failed', 'linked_event_failed']);
    expect(await opened()).toBe(3_000n);
    // under version 2 again (same cap), nothing to open: the loan is its principal and reserve only
    expect(await file('f4', 3_000n, 200n)).toEqual(['ok', 'ok']);
    expect((await ledger.account(CAP))!).toMatchObject({ creditsPosted: 3_000n, debitsPosted: 2_500n });
    expect((await verifyLedger({ db: database.db })).violations).toEqual([]);
  });

  it('follows a cap that goes back and forth between versions: every move moves it', async () => {
    // 2,500 in use; v1 (cap 1,000) cannot lower below it, v4 (cap 4,000) raises, v2 (3,000) lowers, v4 raises again
    expect((await file('f5', 1_000n, 2n))[0]).toBe('exceeds_credits');
    expect(await file('f6', 4_000n, 100n)).toEqual(['ok', 'ok', 'ok']);
    expect(await opened()).toBe(4_000n);
    expect(await file('f7', 3_000n, 100n)).toEqual(['ok', 'ok', 'ok']);
    expect(await opened()).toBe(3_000n);
    expect(await file('f8', 4_000n, 1_000n)).toEqual(['ok', 'ok', 'ok']);
    expect(await opened()).toBe(4_000n);
    expect((await ledger.account(CAP))!).toMatchObject({
      creditsPosted: 4_000n + 1_000n,
      debitsPosted: 2_500n + 1_200n + 1_000n,
    });
    expect((await verifyLedger({ db: database.db })).violations).toEqual([]);
  });
});
