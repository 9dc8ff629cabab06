/**
 * The demo on a fresh database, at 2,000 loans and 800 enterprises (the full size, 5,000 and
 * 2,000, is what `npm start` seeds: `npx tsx src/modules/demo/demo.measure.ts`): counts in range,
 * every claim state, a bank near G4 and one past it, and the ledger invariants (`verifyLedger`
 * clean). Not smaller: G4's figures need a bank's book of some 300,000,000 yuan to sit just
 * under 3% with 4,000,000–5,000,000 yuan paid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openTestDatabase } from '../../adapters/db/testing';
import { isCreditCode } from '../../core/registry/credit-code';
import { breakerOf } from '../claims/breaker.usecases';
import { verifyLedger } from '../ledger/ledger.verify';
import { loadPolicyFiles } from '../programmes/policy-files';
import { createProgrammesRepository } from '../programmes/programmes.repository';
import { loadPolicyCatalog, syncPolicyFiles } from '../programmes/programmes.usecases';
import { ledgerSums } from '../../../test/operations/fixture';
import { NEAR_BREAKER_BANK, TRIPPED_BANK } from './demo.data';
import { claimStates, demoNeeded, seedDemo, type DemoSummary } from './demo.seed';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let catalog: Awaited<ReturnType<typeof loadPolicyCatalog>>;
let summary: DemoSummary;
const rows = async (q: ReturnType<typeof sql>) => { const r = await database.db.execute(q); return (Array.isArray(r) ? r : (r as unknown as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[]; };

beforeAll(async () => {
  database = await openTestDatabase();
  const repo = createProgrammesRepository({ db: database.db });
  await syncPolicyFiles({ repo, files: loadPolicyFiles() });
  catalog = await loadPolicyCatalog({ repo });
  expect(await demoNeeded(database.db)).toBe(true);
  summary = await seedDemo({ db: database.db, catalog, asOf: '2026-11-25', loans: 2000, enterprises: 800 });
}, 240_000);
afterAll(async () => database?.close());

describe('the demo', () => {
  it('is seeded once: a fund exists afterwards', async () => {
    expect(await demoNeeded(database.db)).toBe(false);
  });
  it('has 18 banks, the guarantee side, enterprises with valid credit codes, and most planned loans filed', async () => {
    const kinds = await rows(sql`select kind, count(*)::int as n from institutions group by kind`);
    expect(Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]))).toMatchObject({ bank: 18, guarantor: 2, 're-guarantor': 1, 'national-guarantee-fund': 1 });
    const codes = await rows(sql`select credit_code from enterprises`);
    expect(codes.length).toBe(800);
    expect(codes.every((c) => isCreditCode(String(c.credit_code)))).toBe(true);
    // The funds are sized so that no limit binds for the demo's book: every planned loan is filed.
    expect(summary.loansFiled).toBe(2000);
    expect(summary.refused).toEqual({});
  });
  it('has claims in every state', async () => {
    const states = await claimStates(database.db);
    for (const s of ['submitted', 'under-review', 'approved', 'queued', 'paid', 'rejected', 'held']) expect(states[s] ?? 0, s).toBeGreaterThan(0);
  });
  it('has one bank just under G4 and one past it', async () => {
    const near = await breakerOf({ db: database.db, catalog, bankId: NEAR_BREAKER_BANK });
    expect(near.tripped).toBe(false);
    expect(near.claimRatioBp).toBeGreaterThanOrEqual(250);
    expect(near.netCompensation).toBeGreaterThan(4_000_000_00n);
    expect(near.netCompensation).toBeLessThanOrEqual(5_000_000_00n);
    expect((await breakerOf({ db: database.db, catalog, bankId: TRIPPED_BANK })).tripped).toBe(true);
  });
  it('keeps the ledger invariants in every fund', async () => {
    for (const fundId of ['etown', 'etown-sci-tech']) {
      const s = await ledgerSums(database.db, fundId);
      expect(s.capacity + s.quota + s.exposure).toBe(s.limit);
      expect(s.cash).toBe(s.capital - s.paid + s.refunded);
    }
    const sides = await rows(sql`select ledger, sum(debits_posted)::text as d, sum(credits_posted)::text as c from ledger_accounts group by ledger`);
    for (const l of sides) expect(BigInt(String(l.d))).toBe(BigInt(String(l.c)));
  });
  it('passes the ledger verification (balances = replay, limits, audit chain)', async () => {
    const report = await verifyLedger({ db: database.db });
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.transfers).toBeGreaterThan(2000);
  });
});
