import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import { limitReason } from '../filings/filings.errors';
import { createLedgerRepository, DEBITS_MUST_NOT_EXCEED_CREDITS, type LedgerRepository } from './ledger.repository';
import { post, postChains } from './ledger.usecases';

let database: Database;
let ledger: LedgerRepository;
const t = (id: string, debit: string, credit: string, amount: bigint, linked = false) => ({
  id,
  debit,
  credit,
  amount,
  code: 'test',
  linked,
});
beforeAll(async () => {
  database = await openTestDatabase();
  ledger = createLedgerRepository({ db: database.db });
  await ledger.createAccounts([
    { id: 'f:limit', ledger: 'liability', code: 'limit' },
    // ids that say nothing of their kind: the refusal's rule comes from the account's code
    { id: 'acct-1', ledger: 'liability', code: 'capacity', flags: DEBITS_MUST_NOT_EXCEED_CREDITS },
    { id: 'acct-2', ledger: 'liability', code: 'quota', flags: DEBITS_MUST_NOT_EXCEED_CREDITS },
    { id: 'f:exposure:a', ledger: 'liability', code: 'exposure', flags: DEBITS_MUST_NOT_EXCEED_CREDITS },
  ]);
  await ledger.apply([
    { ...t('set', 'f:limit', 'acct-1', 100n), kind: 'single' },
    { ...t('carve', 'acct-1', 'acct-2', 40n), kind: 'single' },
  ]);
});
afterAll(async () => database?.close());

describe('the ledger port', () => {
  it('answers per chain: null, or the refusal naming the account and its kind', async () => {
    const out = await postChains({
      ledger,
      actor: 'test',
      chains: [
        [t('a1', 'acct-1', 'f:exposure:a', 10n, true), t('a2', 'acct-2', 'f:exposure:a', 10n)],
        [t('b1', 'acct-1', 'f:exposure:a', 1n, true), t('b2', 'acct-2', 'f:exposure:a', 31n)],
        [t('c1', 'acct-1', 'f:exposure:a', 51n)],
      ],
    });
    expect(out[0]).toBeNull();
    expect(out[1]).toMatchObject({ account: 'acct-2', accountKind: 'quota', result: 'exceeds_credits' });
    expect(out[2]).toMatchObject({ account: 'acct-1', accountKind: 'capacity' });
    expect([limitReason(out[1]!).rule, limitReason(out[2]!).rule]).toEqual(['bank-quota', 'fund-liability-limit']);
    // the refused chains moved nothing: 10 + 10 reserved
    expect((await ledger.account('f:exposure:a'))!.creditsPosted).toBe(20n);
  });

  it('a refusal of an account no rule belongs to is a fault, not a user’s refusal', async () => {
    const refusal = await post({ ledger, actor: 'test', transfers: [t('d1', 'f:exposure:a', 'acct-1', 1_000n)] });
    expect(refusal).toMatchObject({ accountKind: 'exposure' });
    expect(() => limitReason(refusal!)).toThrow(/ledger refused/);
  });
});
