/**
 * `ledger verify` on a fund run through its named operations: clean, then each kind of tampering
 * done directly in SQL (triggers disabled, as a superuser could) is caught and named; undone, the
 * ledger verifies clean again — so each failure is the tampering's.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import {
  accountId,
  carveQuota,
  exposureAccount,
  fundAccounts,
  payClaim,
  payableAccount,
  quotaAccount,
  reserveFiling,
  releaseFiling,
  settleClaim,
  topUp,
} from '../../core/ledger/fund-operations';
import { rowsOf } from '../shared/rows';
import { createLedgerRepository, type LedgerRepository } from './ledger.repository';
import { applyOperation, openAccounts } from './ledger.usecases';
import { verifyAudit, verifyLedger } from './ledger.verify';

let database: Database;
let ledger: LedgerRepository;
const F = 'fund-a';

beforeAll(async () => {
  database = await openTestDatabase();
  ledger = createLedgerRepository({ db: database.db });
  await openAccounts({
    ledger,
    accounts: [
      ...fundAccounts(F),
      payableAccount(F, 'bank-1'),
      quotaAccount(F, 'agr-1'),
      exposureAccount(F, 'f1'),
      exposureAccount(F, 'f2'),
    ],
  });
  const run = (transfers: Parameters<typeof applyOperation>[0]['transfers']) =>
    applyOperation({ ledger, transfers, actor: 'test' });
  await run(topUp({ fundId: F, id: 'top-1', amount: 100_000_00n, liabilityMultipleBp: 20_000 }));
  await run(carveQuota({ fundId: F, agreementId: 'agr-1', id: 'quota-1', amount: 50_000_00n }));
  await run(
    reserveFiling({ fundId: F, filingId: 'f1', liability: 30_000_00n, agreementId: 'agr-1', enterpriseCap: null }),
  );
  await run(
    reserveFiling({ fundId: F, filingId: 'f2', liability: 40_000_00n, agreementId: null, enterpriseCap: null }),
  );
  await run(
    releaseFiling({
      fundId: F,
      filingId: 'f1',
      agreementId: 'agr-1',
      id: 'repay-1',
      liability: 10_000_00n,
      enterpriseCap: null,
      code: 'repayment',
    }),
  );
  await run(
    settleClaim({
      fundId: F,
      filingId: 'f2',
      agreementId: null,
      claimId: 'c1',
      bankId: 'bank-1',
      exposure: 40_000_00n,
      compensation: 12_000_00n,
      enterpriseCap: null,
    }),
  );
  await run(payClaim({ fundId: F, claimId: 'c1', bankId: 'bank-1', amount: 12_000_00n }));
  // two-phase on the fund's capacity: one posted in part, one voided
  expect(
    await ledger.apply([
      {
        id: 'p1',
        kind: 'pending',
        debit: accountId.capacity(F),
        credit: accountId.exposure(F, 'f1'),
        amount: 5_000n,
        code: 'reserve',
      },
      {
        id: 'p2',
        kind: 'pending',
        debit: accountId.capacity(F),
        credit: accountId.exposure(F, 'f1'),
        amount: 7_000n,
        code: 'reserve',
      },
    ]),
  ).toEqual(['ok', 'ok']);
  expect(
    await ledger.apply([
      { id: 'p1-post', kind: 'post', pendingId: 'p1', amount: 3_000n },
      { id: 'p2-void', kind: 'void', pendingId: 'p2' },
    ]),
  ).toEqual(['ok', 'ok']);
  expect(
    await ledger.apply([
      {
        id: 'p3',
        kind: 'pending',
        debit: accountId.capacity(F),
        credit: accountId.exposure(F, 'f2'),
        amount: 1n,
        code: 'reserve',
      },
    ]),
  ).toEqual(['ok']);
});
afterAll(async () => {
  await database.close();
});

/** The violations' codes; read two rows at a time too (every page boundary crossed), the report is the same. */
const codes = async () => {
  const report = await verifyLedger({ db: database.db });
  expect(await verifyLedger({ db: database.db, pageSize: 2 })).toEqual(report);
  return [...new Set(report.violations.map((v) => v.code))].sort();
};

/** Runs `change` with the table's immutability trigger disabled, as a superuser could. */
async function tamper(table: string, trigger: string, change: string) {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`alter table ${table} disable trigger ${trigger}`));
    await tx.execute(sql.raw(change));
    await tx.execute(sql.raw(`alter table ${table} enable trigger ${trigger}`));
  });
}

describe('ledger verify', () => {
  it('passes on a fund run through its operations, two-phase included', async () => {
    const report = await verifyLedger({ db: database.db });
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.transfers).toBeGreaterThan(10);
    expect(report.checks.map((c) => c.violations.length)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await verifyLedger({ db: database.db, pageSize: 2 })).toEqual(report);
    expect((await verifyAudit({ db: database.db })).ok).toBe(true);
  });

  it('catches a transfer amount changed in SQL, and names it', async () => {
    await tamper(
      'ledger_transfers',
      'ledger_transfers_immutable',
      `update ledger_transfers set amount = amount + 1 where id = 'f2:reserve'`,
    );
    expect(await codes()).toEqual([
      'account_totals_differ_from_replay',
      'history_differs_from_replay',
      'transfer_differs_from_audit',
    ]);
    await tamper(
      'ledger_transfers',
      'ledger_transfers_immutable',
      `update ledger_transfers set amount = amount - 1 where id = 'f2:reserve'`,
    );
    expect(await codes()).toEqual([]);
  });

  it('catches a transfer whose account does not exist, or whose pending is no pending (the table keeps no foreign keys, drizzle/0011)', async () => {
    const columns = 'id, kind, debit_account_id, credit_account_id, amount, ledger, code, pending_id';
    await database.db.execute(
      sql.raw(
        `insert into ledger_transfers (${columns}) values ('ghost-1', 'single', '${F}:capacity', 'nowhere', 1, 'liability', 'reserve', null)`,
      ),
    );
    expect(
      (await verifyLedger({ db: database.db })).violations
        .filter((v) => v.code === 'transfer_invalid')
        .map((v) => v.message),
    ).toEqual([expect.stringMatching(/ghost-1 .*an account does not exist/)]);
    await tamper('ledger_transfers', 'ledger_transfers_immutable', `delete from ledger_transfers where id = 'ghost-1'`);
    await database.db.execute(
      sql.raw(
        `insert into ledger_transfers (${columns}) values ('ghost-2', 'post', '${F}:capacity', '${F}:exposure:f1', 1, 'liability', 'reserve', 'no-such-pending')`,
      ),
    );
    expect(
      (await verifyLedger({ db: database.db })).violations
        .filter((v) => v.code === 'transfer_invalid')
        .map((v) => v.message),
    ).toEqual([expect.stringMatching(/ghost-2 .*resolves no-such-pending, which is not an earlier pending transfer/)]);
    await tamper('ledger_transfers', 'ledger_transfers_immutable', `delete from ledger_transfers where id = 'ghost-2'`);
    expect(await codes()).toEqual([]);
  });

  it('catches an audit row edited in SQL (hash mismatch) and one re-hashed to match (chain broken)', async () => {
    await tamper('audit_log', 'audit_log_immutable', `update audit_log set actor = 'nobody' where seq = 2`);
    expect(await codes()).toEqual(['audit_hash_mismatch']);
    await tamper(
      'audit_log',
      'audit_log_immutable',
      `update audit_log set hash = audit_row_hash(seq, at, actor, action, entity_kind, entity_id, before, after, prev_hash) where seq = 2`,
    );
    expect(await codes()).toEqual(['audit_chain_broken']);
    const audit = await verifyAudit({ db: database.db });
    expect(audit.ok).toBe(false);
    expect(audit.violations[0]!.message).toMatch(/row 3 names previous hash/);
    await tamper('audit_log', 'audit_log_immutable', `update audit_log set actor = 'test' where seq = 2`);
    await tamper(
      'audit_log',
      'audit_log_immutable',
      `update audit_log set hash = audit_row_hash(seq, at, actor, action, entity_kind, entity_id, before, after, prev_hash) where seq = 2`,
    );
    expect(await codes()).toEqual([]);
  });

  it('catches a transfer redirected with the totals and history "fixed" to match: the audit log disagrees', async () => {
    // move p3's credit to another account and rewrite everything derived from it consistently
    await database.db.execute(
      sql.raw(`insert into ledger_accounts (id, ledger, code, fund_id) values ('thief', 'liability', 'other', null)`),
    );
    await tamper(
      'ledger_transfers',
      'ledger_transfers_immutable',
      `update ledger_transfers set credit_account_id = 'thief' where id = 'p3'`,
    );
    await database.db.execute(
      sql.raw(
        `update ledger_accounts set credits_pending = credits_pending - 1, version = version - 1 where id = '${F}:exposure:f2'`,
      ),
    );
    await database.db.execute(
      sql.raw(`update ledger_accounts set credits_pending = 1, version = 1 where id = 'thief'`),
    );
    // (a loan's exposure account keeps no balance history — no history flag — so there is none to rewrite)
    expect(await codes()).toEqual(['fund_identity_broken', 'transfer_differs_from_audit']);
  });

  it('catches a deleted audit row', async () => {
    await tamper('audit_log', 'audit_log_immutable', `delete from audit_log where seq = 4`);
    expect(await codes()).toEqual(
      expect.arrayContaining(['audit_chain_broken', 'audit_seq_gap', 'transfer_not_audited']),
    );
  });

  it('catches a balance history row changed, moved to another transfer, or written for an account that keeps none', async () => {
    const history = async () =>
      (await verifyLedger({ db: database.db, pageSize: 2 })).violations.filter((v) => v.code.startsWith('history'));
    const [cash2] = rowsOf(
      await database.db.execute(
        sql.raw(`select transfer_id from ledger_balances where account_id = '${F}:cash' and version = 2`),
      ),
    );
    expect(cash2).toBeDefined();
    expect(await history()).toEqual([]);

    await tamper(
      'ledger_balances',
      'ledger_balances_immutable',
      `update ledger_balances set debits_posted = debits_posted + 1 where account_id = '${F}:cash' and version = 2`,
    );
    expect(await history()).toEqual([
      { code: 'history_differs_from_replay', message: expect.stringContaining(`${F}:cash version 2`) },
    ]);
    await tamper(
      'ledger_balances',
      'ledger_balances_immutable',
      `update ledger_balances set debits_posted = debits_posted - 1 where account_id = '${F}:cash' and version = 2`,
    );

    await tamper(
      'ledger_balances',
      'ledger_balances_immutable',
      `update ledger_balances set transfer_id = 'no-such-transfer' where account_id = '${F}:cash' and version = 2`,
    );
    expect((await history()).map((v) => v.message)).toEqual([
      expect.stringMatching(/fund-a:cash: balance history has nothing where version 2 \(.+\) belongs/),
      expect.stringMatching(
        /fund-a:cash version 2: history names no-such-transfer, which is not a transfer of this account/,
      ),
    ]);
    await tamper(
      'ledger_balances',
      'ledger_balances_immutable',
      `update ledger_balances set transfer_id = '${cash2!.transfer_id}' where account_id = '${F}:cash' and version = 2`,
    );

    await tamper(
      'ledger_balances',
      'ledger_balances_immutable',
      `insert into ledger_balances (account_id, version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
       select account_id, 98, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted
       from ledger_balances where account_id = '${F}:cash' and version = 2`,
    );
    expect((await history()).map((v) => v.message)).toEqual([
      expect.stringMatching(/fund-a:cash: balance history has two versions for .+ \(one is version 98\)/),
    ]);
    await tamper('ledger_balances', 'ledger_balances_immutable', `delete from ledger_balances where version = 98`);

    await tamper(
      'ledger_balances',
      'ledger_balances_immutable',
      `insert into ledger_balances (account_id, version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
       values ('${F}:exposure:f2', 99, 'f2:reserve', 0, 0, 0, 0)`,
    );
    expect((await history()).map((v) => v.message)).toEqual([
      expect.stringMatching(/fund-a:exposure:f2 keeps no balance history/),
    ]);
    await tamper(
      'ledger_balances',
      'ledger_balances_immutable',
      `delete from ledger_balances where account_id = '${F}:exposure:f2'`,
    );
    expect(await history()).toEqual([]);
  });

  it('catches account totals and a balance version changed in SQL', async () => {
    await database.db.execute(
      sql.raw(`update ledger_accounts set debits_posted = debits_posted + 1 where id = '${F}:capacity'`),
    );
    const report = await verifyLedger({ db: database.db });
    expect(report.violations.map((v) => v.code)).toEqual(
      expect.arrayContaining(['ledger_unbalanced', 'account_totals_differ_from_replay', 'fund_identity_broken']),
    );
    expect(report.violations.find((v) => v.code === 'account_totals_differ_from_replay')!.message).toContain(
      `${F}:capacity`,
    );
    await tamper(
      'ledger_balances',
      'ledger_balances_immutable',
      `delete from ledger_balances where account_id = '${F}:cash' and version = 1`,
    );
    expect((await verifyLedger({ db: database.db })).violations.map((v) => v.code)).toContain('history_gap');
  });
});
