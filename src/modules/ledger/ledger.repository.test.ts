import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import {
  createLedgerRepository,
  CREDITS_MUST_NOT_EXCEED_DEBITS,
  DEBITS_MUST_NOT_EXCEED_CREDITS,
  type LedgerRepository,
} from './ledger.repository';

let database: Database;
let ledger: LedgerRepository;
beforeAll(async () => {
  database = await openTestDatabase();
  ledger = createLedgerRepository({ db: database.db });
  await ledger.createAccounts([
    { id: 'limit', ledger: 'liability', code: 'limit' },
    { id: 'capacity', ledger: 'liability', code: 'capacity', flags: DEBITS_MUST_NOT_EXCEED_CREDITS },
    { id: 'exposure-1', ledger: 'liability', code: 'exposure' },
    { id: 'exposure-2', ledger: 'liability', code: 'exposure' },
    { id: 'cash', ledger: 'cny', code: 'cash', flags: CREDITS_MUST_NOT_EXCEED_DEBITS },
  ]);
});
afterAll(async () => {
  await database.close();
});

describe('ledger_apply', () => {
  it('sets a limit and reserves within it, refusing the fen beyond', async () => {
    expect(
      await ledger.apply([{ id: 'set-limit', debit: 'limit', credit: 'capacity', amount: 1000n, code: 'set-limit' }]),
    ).toEqual(['ok']);
    expect(
      await ledger.apply([
        { id: 'r1', debit: 'capacity', credit: 'exposure-1', amount: 600n, code: 'reserve' },
        { id: 'r2', debit: 'capacity', credit: 'exposure-2', amount: 401n, code: 'reserve' },
        { id: 'r3', debit: 'capacity', credit: 'exposure-2', amount: 400n, code: 'reserve' },
      ]),
    ).toEqual(['ok', 'exceeds_credits', 'ok']);
    expect(await ledger.account('capacity')).toMatchObject({ debitsPosted: 1000n, creditsPosted: 1000n, version: 3n });
  });

  it('is idempotent by id: same content → exists, other content → error, a failed id stays failed', async () => {
    expect(
      await ledger.apply([{ id: 'r1', debit: 'capacity', credit: 'exposure-1', amount: 600n, code: 'reserve' }]),
    ).toEqual(['exists']);
    expect(
      await ledger.apply([{ id: 'r1', debit: 'capacity', credit: 'exposure-1', amount: 601n, code: 'reserve' }]),
    ).toEqual(['exists_with_different_amount']);
    await ledger.apply([{ id: 'release', debit: 'exposure-2', credit: 'capacity', amount: 400n, code: 'release' }]);
    expect(
      await ledger.apply([{ id: 'r2', debit: 'capacity', credit: 'exposure-2', amount: 401n, code: 'reserve' }]),
    ).toEqual(['id_already_failed']);
  });

  it('linked transfers succeed or fail together', async () => {
    expect(
      await ledger.apply([
        { id: 'l1', debit: 'capacity', credit: 'exposure-2', amount: 100n, code: 'reserve', linked: true },
        { id: 'l2', debit: 'capacity', credit: 'exposure-2', amount: 10_000n, code: 'reserve' },
      ]),
    ).toEqual(['linked_event_failed', 'exceeds_credits']);
    expect((await ledger.account('exposure-2'))!.creditsPosted).toBe(400n);
    expect(
      await ledger.apply([
        { id: 'l3', debit: 'capacity', credit: 'exposure-2', amount: 1n, code: 'reserve', linked: true },
      ]),
    ).toEqual(['linked_event_chain_open']);
  });

  it('two-phase: a pending reserves, a post settles part and releases the rest, once', async () => {
    expect(
      await ledger.apply([
        { id: 'p1', kind: 'pending', debit: 'capacity', credit: 'exposure-2', amount: 300n, code: 'reserve' },
      ]),
    ).toEqual(['ok']);
    expect(await ledger.account('capacity')).toMatchObject({
      debitsPending: 300n,
      debitsPosted: 1000n,
      creditsPosted: 1400n,
    });
    expect(await ledger.apply([{ id: 'p1-post', kind: 'post', pendingId: 'p1', amount: 200n }])).toEqual(['ok']);
    expect(await ledger.account('capacity')).toMatchObject({ debitsPending: 0n, debitsPosted: 1200n });
    expect(await ledger.apply([{ id: 'p1-void', kind: 'void', pendingId: 'p1' }])).toEqual([
      'pending_transfer_already_resolved',
    ]);
    expect(
      await ledger.apply([
        { id: 'p2', kind: 'pending', debit: 'capacity', credit: 'exposure-2', amount: 200n, code: 'reserve' },
        { id: 'p2-void', kind: 'void', pendingId: 'p2' },
      ]),
    ).toEqual(['ok', 'ok']);
    expect(
      await ledger.apply([
        { id: 'p3', kind: 'pending', debit: 'capacity', credit: 'exposure-2', amount: 201n, code: 'reserve' },
      ]),
    ).toEqual(['exceeds_credits']);
  });

  it('cash never goes negative', async () => {
    await ledger.createAccounts([
      { id: 'capital', ledger: 'cny', code: 'capital' },
      { id: 'payable', ledger: 'cny', code: 'payable' },
    ]);
    expect(
      await ledger.apply([{ id: 'topup', debit: 'cash', credit: 'capital', amount: 500n, code: 'top-up' }]),
    ).toEqual(['ok']);
    expect(
      await ledger.apply([{ id: 'pay-too-much', debit: 'payable', credit: 'cash', amount: 501n, code: 'pay' }]),
    ).toEqual(['exceeds_debits']);
    expect(await ledger.apply([{ id: 'pay', debit: 'payable', credit: 'cash', amount: 500n, code: 'pay' }])).toEqual([
      'ok',
    ]);
  });

  it('refuses transfers across ledgers and to unknown accounts', async () => {
    expect(
      await ledger.apply([
        { id: 'x1', debit: 'cash', credit: 'capacity', amount: 1n, code: 'x' },
        { id: 'x2', debit: 'nowhere', credit: 'capacity', amount: 1n, code: 'x' },
        { id: 'x3', debit: 'capacity', credit: 'capacity', amount: 1n, code: 'x' },
      ]),
    ).toEqual(['accounts_must_have_the_same_ledger', 'debit_account_not_found', 'accounts_must_be_different']);
  });
});
