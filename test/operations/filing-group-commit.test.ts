/**
 * Filings that arrive together are written together (src/modules/filings/filings.writer.ts): fewer
 * transactions and ledger batches than filings, and still each request its own answer — the ones
 * the limit refuses, a loan number sent twice in one group, a bad request — on PGlite and PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYuan } from '../../src/core/money/money';
import { fileLoan } from '../../src/modules/filings/filings.usecases';
import { verifyLedger } from '../../src/modules/ledger/ledger.verify';
import { Problem } from '../../src/modules/shared/problem';
import { rowsOf } from '../../src/modules/shared/rows';
import { etownWorld, icbc, ledgerSums } from './fixture';

let w: Awaited<ReturnType<typeof etownWorld>>;
beforeAll(async () => {
  w = await etownWorld({ capital: '1000000.00' });
}, 120_000);
afterAll(async () => w?.close());

const ledgerBatches = async () =>
  Number(rowsOf(await w.db.execute(sql`select count(*)::int as n from audit_log where action = 'ledger.batch'`))[0]!.n);
const loan = (bankRef: string, enterpriseId: string, principal = '1000000.00') =>
  ({
    bankRef,
    enterpriseId,
    loan: { kind: 'credit', principal: parseYuan(principal), disbursedOn: '2025-09-01', mode: 'direct' },
  }) as never;

describe('filings through group commit', () => {
  it('writes concurrent filings in fewer batches, each answered on its own: filed, refused by the limit, filed already', async () => {
    // Limit 10,000,000; each loan reserves 500,000: twenty fit of the 24 distinct loans; G-0 is sent twice.
    const enterprises = await Promise.all([1, 2, 3, 4].map((n) => w.enterprise(n)));
    const before = await ledgerBatches();
    const requests = [
      ...Array.from({ length: 24 }, (_, i) => loan(`G-${i}`, enterprises[i % 4]!)),
      loan('G-0', enterprises[0]!),
    ];
    const results = await Promise.allSettled(
      requests.map((input) => fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today: '2025-09-03', input })),
    );
    const reasons = results.map((r) =>
      r.status === 'fulfilled'
        ? 'filed'
        : r.reason instanceof Problem
          ? `${r.reason.status} ${r.reason.errors?.map((e) => e.field).join(',')}`
          : String(r.reason),
    );
    expect(reasons.filter((r) => r === 'filed')).toHaveLength(20);
    expect(reasons.filter((r) => r === '422 rule:fund-liability-limit')).toHaveLength(4);
    expect(reasons.filter((r) => r === '409 bankRef')).toHaveLength(1);
    // At most one batch per filing that was written; grouping makes it far fewer.
    expect((await ledgerBatches()) - before).toBeLessThan(20);
    const s = await ledgerSums(w.db, 'etown');
    expect(s.exposure).toBe(s.limit);
    expect((await verifyLedger({ db: w.db })).violations).toEqual([]);
  });

  it('a bad request in a group is that request’s error only', async () => {
    const e = await w.enterprise(5);
    const results = await Promise.allSettled([
      fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today: '2025-09-03', input: loan('B-1', e, '0.50') }),
      fileLoan({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        today: '2025-09-03',
        input: loan('B-2', 'no-such-enterprise', '0.50'),
      }),
    ]);
    expect(results[1]).toMatchObject({ status: 'rejected' });
    expect(((results[1] as PromiseRejectedResult).reason as Problem).errors?.[0]?.field).toBe('enterpriseId');
    // The fund is full (the first test filled it): B-1 is refused by the limit, for itself.
    expect(((results[0] as PromiseRejectedResult).reason as Problem).errors?.map((x) => x.field)).toContain(
      'rule:fund-liability-limit',
    );
  });
});
