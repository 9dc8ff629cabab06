/**
 * Two banks filing and claiming at once against one fund, on real PostgreSQL (PGlite runs one
 * transaction at a time and cannot show a race): the fund's limit and cash are never overspent,
 * a loan sent many times at once files once (its bank reference) and is repaid once, and the books
 * verify. (One Idempotency-Key sent many times at once: test/http/idempotency.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../src/adapters/db/testing';
import { parseYuan } from '../../src/core/money/money';
import { approveClaim, payApprovedClaim, prepareClaim, submitClaim } from '../../src/modules/claims/claims.usecases';
import { fileLoan } from '../../src/modules/filings/filings.usecases';
import { topUpFund } from '../../src/modules/funds/funds.usecases';
import { verifyLedger } from '../../src/modules/ledger/ledger.verify';
import { reportClassification, reportRepayment } from '../../src/modules/servicing/servicing.usecases';
import { Problem } from '../../src/modules/shared/problem';
import { bob, etownWorld, icbc, ledgerSums, manager, reviewer } from './fixture';

let w: Awaited<ReturnType<typeof etownWorld>>;
const settle = async <T>(ps: Promise<T>[]) =>
  (await Promise.allSettled(ps)).map((r) => {
    if (r.status === 'rejected' && !(r.reason instanceof Problem)) throw r.reason;
    return r;
  });

describe.runIf(onPostgres)('two banks at once against one fund (PostgreSQL)', () => {
  beforeAll(async () => {
    w = await etownWorld({ capital: '1000000.00' });
  }, 120_000);
  afterAll(async () => w?.close());

  it('files exactly what the limit holds, the rest refused by the limit rule', async () => {
    // Limit = 10 × 1,000,000 = 10,000,000; each loan reserves 50% of 1,000,000: twenty fit.
    const enterprises = await Promise.all([1, 2, 3, 4].map((n) => w.enterprise(n)));
    const attempts = Array.from({ length: 48 }, (_, i) =>
      fileLoan({
        db: w.db,
        catalog: w.catalog,
        actor: i % 2 ? icbc : bob,
        today: '2025-09-03',
        input: {
          bankRef: `C-${i}`,
          enterpriseId: enterprises[i % 4]!,
          loan: { kind: 'credit', principal: parseYuan('1000000.00'), disbursedOn: '2025-09-01', mode: 'direct' },
        } as never,
      }),
    );
    const results = await settle(attempts);
    const filed = results.filter((r) => r.status === 'fulfilled');
    expect(filed).toHaveLength(20);
    for (const r of results) {
      if (r.status === 'rejected')
        expect((r.reason as Problem).errors!.map((e) => e.field)).toContain('rule:fund-liability-limit');
    }
    const s = await ledgerSums(w.db, 'etown');
    expect(s.exposure).toBe(s.limit);
    expect(s.capacity).toBe(0n);
    expect((await verifyLedger({ db: w.db })).violations).toEqual([]);
  });

  it('one loan sent eight times at once files once: the others are refused by its bank reference (409)', async () => {
    const e = await w.enterprise(9);
    const input = {
      bankRef: 'IDEM-C',
      enterpriseId: e,
      loan: { kind: 'credit', principal: parseYuan('1.00'), disbursedOn: '2025-09-01', mode: 'direct' },
    } as never;
    // The fund is full: a 1-yuan top-up raises the limit by 10 yuan; the 1-yuan loan needs 0.50.
    await topUpFund({ db: w.db, actor: manager, fundId: 'etown', amount: parseYuan('1.00'), on: '2025-09-03' });
    const results = await settle(
      Array.from({ length: 8 }, () =>
        fileLoan({
          db: w.db,
          catalog: w.catalog,
          actor: icbc,
          today: '2025-09-03',
          input,
        }),
      ),
    );
    const ids = new Set(
      results
        .filter((r) => r.status === 'fulfilled')
        .map((r) => (r as PromiseFulfilledResult<{ filing: { id: string } }>).value.filing.id),
    );
    expect(ids.size).toBe(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .map((r) => ((r as PromiseRejectedResult).reason as Problem).status),
    ).toEqual(Array(7).fill(409));
    const rows = (await w.db.execute(
      `select count(*)::int as n from filings where bank_ref = 'IDEM-C'` as never,
    )) as unknown as { n: number }[];
    expect(Number(rows[0]!.n)).toBe(ids.size);
  });

  it('the whole loan repaid eight times at once repays once; the others are refused', async () => {
    const e = await w.enterprise(10); // the last test's 1-yuan top-up left room for a 1-yuan loan
    const { filing } = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: bob,
      today: '2025-09-03',
      input: {
        bankRef: 'IDEM-R',
        enterpriseId: e,
        loan: { kind: 'credit', principal: parseYuan('1.00'), disbursedOn: '2025-09-01', mode: 'direct' },
      } as never,
    });
    const results = await settle(
      Array.from({ length: 8 }, () =>
        reportRepayment({
          db: w.db,
          actor: bob,
          id: filing.id,
          amount: parseYuan('1.00'),
          on: '2025-10-01',
          today: '2025-10-01',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rows = (await w.db.execute(
      `select outstanding::text as o, (select count(*)::int from filing_events where filing_id = filings.id and kind = 'repayment') as n from filings where bank_ref = 'IDEM-R'` as never,
    )) as unknown as { o: string; n: number }[];
    expect(rows[0]).toEqual({ o: '0', n: 1 });
    expect((await verifyLedger({ db: w.db })).violations).toEqual([]);
  });

  it('claims from both banks paid at once never take more cash than the fund has (R7a)', async () => {
    const loans = (await w.db.execute(
      `select id, bank_id from filings where status = 'active' and bank_ref like 'C-%' order by bank_ref limit 8` as never,
    )) as unknown as { id: string; bank_id: string }[];
    const claims: string[] = [];
    for (const f of loans) {
      const actor = f.bank_id === 'bank-icbc' ? icbc : bob;
      await reportClassification({
        db: w.db,
        catalog: w.catalog,
        actor,
        id: f.id,
        classification: 'loss',
        overdueSince: null,
        on: '2026-01-05',
        today: '2026-01-05',
      });
      claims.push(
        (await submitClaim({ db: w.db, catalog: w.catalog, actor, input: { filingId: f.id }, today: '2026-01-06' }))
          .claim.id,
      );
    }
    await settle(
      claims.map((id) => prepareClaim({ db: w.db, catalog: w.catalog, actor: manager, id, today: '2026-01-06' })),
    );
    const approvals = await settle(
      claims.map((id) =>
        approveClaim({ dossier: 'waived', db: w.db, catalog: w.catalog, actor: reviewer, id, today: '2026-01-07' }),
      ),
    );
    expect(approvals.every((r) => r.status === 'fulfilled')).toBe(true);
    // Cash is 1,000,000 and each claim is 500,000: two are paid, six wait in the queue.
    const paid = await settle(
      claims.map((id) => payApprovedClaim({ db: w.db, actor: manager, id, today: '2026-01-08' })),
    );
    const states = paid.map((r) => (r.status === 'fulfilled' ? (r.value as { state: string }).state : 'refused'));
    expect(states.filter((s) => s === 'paid')).toHaveLength(2);
    expect(states.filter((s) => s === 'queued' || s === 'refused')).toHaveLength(6);
    const s = await ledgerSums(w.db, 'etown');
    expect(s.cash).toBe(parseYuan('1.00'));
    expect(s.cash).toBe(s.capital - s.paid + s.refunded);
    expect((await verifyLedger({ db: w.db })).violations).toEqual([]);
  });
});
