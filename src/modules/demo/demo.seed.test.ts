/**
 * The demo on a fresh database, at 2,000 loans and 800 enterprises (the full size, 5,000 and
 * 2,000, is what `npm start` seeds: `npx tsx src/adapters/cli/demo-measure.ts`): counts in range,
 * every claim state, a bank near G4 and one past it, repayments (instalments and maturities,
 * reported in bulk) that released liability, and the ledger invariants (`verifyLedger` clean). Not smaller: G4's figures need a bank's book of some 300,000,000 yuan to sit just
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
import { planLoans, repaymentsOf } from './demo.plan';
import type { DemoEnterprise } from './demo.enterprises';
import { seededRandom } from './prng';
import { rowsOf } from '../shared/rows';
import { loadWorkingCalendar } from '../calendar/calendar.usecases';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let catalog: Awaited<ReturnType<typeof loadPolicyCatalog>>;
let summary: DemoSummary;
const rows = async (q: ReturnType<typeof sql>) => rowsOf(await database.db.execute(q));

beforeAll(async () => {
  database = await openTestDatabase();
  const repo = createProgrammesRepository({ db: database.db });
  await syncPolicyFiles({ repo, files: loadPolicyFiles() });
  catalog = await loadPolicyCatalog({ repo, calendar: await loadWorkingCalendar({ db: database.db }) });
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
    expect(Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]))).toMatchObject({
      bank: 18,
      guarantor: 2,
      're-guarantor': 1,
      'national-guarantee-fund': 1,
    });
    const codes = await rows(sql`select credit_code from enterprises`);
    expect(codes.length).toBe(800);
    expect(codes.every((c) => isCreditCode(String(c.credit_code)))).toBe(true);
    // The funds are sized so that no limit binds for the demo's book: every planned loan is filed.
    expect(summary.loansFiled).toBe(2000);
    expect(summary.refused).toEqual({});
  });
  it('has the guarantors’ confirmations of their risk-sharing loans, each within ten days of filing, the last fortnight’s still waiting', async () => {
    const [c] = await rows(sql`select
        count(*) filter (where guarantor_confirmed_on is not null)::int as confirmed,
        count(*) filter (where guarantor_confirmed_on is null and filed_on >= '2026-11-11')::int as waiting,
        count(*) filter (where guarantor_confirmed_on is null and filed_on < '2026-11-01')::int as overlooked,
        count(*) filter (where guarantor_confirmed_on not between filed_on + 1 and filed_on + 10)::int as late,
        count(*) filter (where guarantor_confirmed_by not in ('guarantor', 'guarantor-zgc-officer'))::int as strangers,
        (select count(*)::int from filing_events where kind = 'guarantor-confirmed') as events
      from filings where guarantor_id is not null`);
    expect(c!.confirmed).toBeGreaterThan(100);
    expect(c!.waiting).toBeGreaterThan(0);
    expect([c!.overlooked, c!.late, c!.strangers]).toEqual([0, 0, 0]);
    expect(c!.events).toBe(c!.confirmed);
  });
  it('has claims in every state', async () => {
    const states = await claimStates(database.db);
    for (const s of ['submitted', 'under-review', 'approved', 'queued', 'paid', 'rejected', 'held'])
      expect(states[s] ?? 0, s).toBeGreaterThan(0);
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
      expect(s.capacity + s.exposure + s.quota - s.shortfall).toBe(s.limit);
      expect(s.cash).toBe(s.capital - s.paid + s.refunded);
    }
    const sides = await rows(
      sql`select ledger, sum(debits_posted)::text as d, sum(credits_posted)::text as c from ledger_accounts group by ledger`,
    );
    for (const l of sides) expect(BigInt(String(l.d))).toBe(BigInt(String(l.c)));
  });
  it('has repayments reported in bulk: instalments, part-repaid loans, loans repaid and closed', async () => {
    const [r] = await rows(sql`select
        (select count(*) from filing_events where kind = 'repayment')::int as events,
        (select count(*) from audit_log where action = 'filing.repayment')::int as audited,
        (select count(*) from filings where status = 'repaid')::int as repaid,
        (select count(*) from filings where status = 'repaid' and (outstanding <> 0 or reserved <> 0))::int as repaid_not_zero,
        (select count(*) from filings where status = 'active' and outstanding < principal)::int as part_repaid,
        (select count(*) from (select filing_id from filing_events where kind = 'repayment' group by filing_id having count(*) >= 3) x)::int as by_instalments`);
    expect(Number(r!.events)).toBe(summary.repayments);
    expect(summary.repayments).toBeGreaterThan(1000);
    expect(Number(r!.audited)).toBe(Number(r!.events));
    expect(Number(r!.repaid)).toBeGreaterThan(100);
    expect(Number(r!.repaid_not_zero)).toBe(0);
    expect(Number(r!.part_repaid)).toBeGreaterThan(100);
    expect(Number(r!.by_instalments)).toBeGreaterThan(20);
    // No repayment after the demo's day, before the loan was disbursed, or after the loan ran overdue.
    const [bad] = await rows(sql`select count(*)::int as n from filing_events e join filings f on f.id = e.filing_id
      where e.kind = 'repayment' and (e.on > '2026-11-25' or e.on < f.disbursed_on or (f.overdue_since is not null and e.on >= f.overdue_since))`);
    expect(Number(bad!.n)).toBe(0);
  });
  it('shows the liability the repayments released: the funds commit less than they reserved at filing', async () => {
    for (const fundId of ['etown', 'etown-sci-tech']) {
      const [f] =
        await rows(sql`select coalesce(sum(reserved) filter (where status in ('active', 'non-performing')), 0)::text as live,
          (select coalesce(sum(t.amount), 0) from ledger_transfers t where t.code = 'repayment' and t.debit_account_id like ${`${fundId}:exposure:%`})::text as released
        from filings where fund_id = ${fundId}`);
      const s = await ledgerSums(database.db, fundId);
      expect(BigInt(String(f!.released)), fundId).toBeGreaterThan(0n);
      // The fund's committed liability is the live loans' reservations: repaid loans hold none.
      expect(s.exposure, fundId).toBe(BigInt(String(f!.live)));
    }
  });
  it('plans the same book for the same seed, and never repays more than the principal', () => {
    const enterprises: DemoEnterprise[] = Array.from({ length: 300 }, (_, i) => ({
      id: `e${i}`,
      size: i % 3 ? 'small' : 'micro',
      industry: 'software',
      sciTech: i % 2 === 0,
      registeredInZone: true,
      restrictedProcesses: false,
    }));
    const plan = () =>
      planLoans({
        rnd: seededRandom(7),
        enterprises,
        count: 800,
        start: '2024-11-25',
        asOf: '2026-11-25',
        calendar: catalog.calendar,
      });
    const a = plan();
    expect(plan()).toEqual(a);
    for (const p of a) {
      const paid = p.repayments.reduce((s, r) => s + r.amount, 0n);
      expect(paid <= p.principal).toBe(true);
      expect(p.repayments.every((r) => r.amount > 0n && r.on > p.disbursedOn && r.on <= '2026-11-25')).toBe(true);
      if (p.maturesOn <= '2026-11-25' && !p.default && !p.late) expect(paid, p.bankRef).toBe(p.principal);
      // A loan that goes bad or runs late still owes something when it does.
      if (p.default || p.late) expect(paid < p.principal, p.bankRef).toBe(true);
    }
    expect(new Set(a.map((p) => p.repaymentStyle))).toEqual(new Set(['bullet', 'quarterly', 'half-yearly', 'balloon']));
    expect(
      repaymentsOf({
        principal: 1_200_000_00n,
        disbursedOn: '2025-01-10',
        maturesOn: '2026-01-10',
        months: 12,
        style: 'quarterly',
        prepayment: null,
        before: '2026-12-01',
      }),
    ).toEqual([
      { on: '2025-04-10', amount: 300_000_00n },
      { on: '2025-07-10', amount: 300_000_00n },
      { on: '2025-10-10', amount: 300_000_00n },
      { on: '2026-01-10', amount: 300_000_00n },
    ]);
    expect(
      repaymentsOf({
        principal: 1_000_000_00n,
        disbursedOn: '2025-01-10',
        maturesOn: '2027-01-10',
        months: 24,
        style: 'balloon',
        prepayment: null,
        before: '2026-01-01',
      }),
    ).toEqual([{ on: '2025-07-10', amount: 100_000_00n }]);
    expect(
      repaymentsOf({
        principal: 500_000_00n,
        disbursedOn: '2025-01-31',
        maturesOn: '2025-07-31',
        months: 6,
        style: 'bullet',
        prepayment: { on: '2025-04-30', amount: 200_000_00n },
        before: '2026-01-01',
      }),
    ).toEqual([
      { on: '2025-04-30', amount: 200_000_00n },
      { on: '2025-07-31', amount: 300_000_00n },
    ]);
  });
  it('passes the ledger verification (balances = replay, limits, audit chain)', async () => {
    const report = await verifyLedger({ db: database.db });
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.transfers).toBeGreaterThan(2000);
  });
});
