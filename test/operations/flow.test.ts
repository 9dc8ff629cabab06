/** The life of a loan through the use cases: filing, servicing, default, claim, maker–checker, payment queue, top-up, recovery. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYuan } from '../../src/core/money/money';
import {
  approveClaim,
  getClaim,
  listClaims,
  payApprovedClaim,
  prepareClaim,
  rejectClaim,
  submitClaim,
} from '../../src/modules/claims/claims.usecases';
import { amendFiling, fileLoan, withdrawFiling } from '../../src/modules/filings/filings.usecases';
import { topUpFund } from '../../src/modules/funds/funds.usecases';
import { reportRecovery } from '../../src/modules/recoveries/recoveries.usecases';
import { reportClassification, reportRepayment } from '../../src/modules/servicing/servicing.usecases';
import { Problem } from '../../src/modules/shared/problem';
import { bob, etownWorld, icbc, ledgerSums, manager, manager2, reviewer } from './fixture';

let w: Awaited<ReturnType<typeof etownWorld>>;
beforeAll(async () => {
  w = await etownWorld({ capital: '3000000.00' });
});
afterAll(async () => w?.close());

const loan = (principal: string, extra: object = {}) => ({
  kind: 'credit',
  principal: parseYuan(principal),
  disbursedOn: '2025-09-01',
  mode: 'direct' as const,
  ...extra,
});
const today = '2025-09-03';

async function problemOf(p: Promise<unknown>): Promise<Problem> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Problem) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

describe('a loan from filing to recovery', () => {
  it('files, reserves ratio × principal, and keeps capacity + exposure = limit', async () => {
    const e = await w.enterprise(1);
    const { filing } = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today,
      input: { bankRef: 'L-1', enterpriseId: e, loan: loan('8000000.00') } as never,
    });
    // Programme B is the more favourable (50%, R2): 8,000,000 × 0.5
    expect(filing.programme).toBe('etown-2025-sci-tech');
    expect(filing.reserved).toBe('4000000.00');
    const s = await ledgerSums(w.db, 'etown');
    expect(s.limit).toBe(parseYuan('30000000.00'));
    expect(s.capacity + s.exposure + s.quota - s.shortfall).toBe(s.limit);
    expect(s.exposure).toBe(parseYuan('4000000.00'));
  });

  it('refuses an ineligible loan with every failing reason and writes nothing', async () => {
    const e = await w.enterprise(2, { sciTech: false, size: 'small' });
    const before = await ledgerSums(w.db, 'etown');
    const p = await problemOf(
      fileLoan({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        today,
        input: {
          bankRef: 'L-2',
          enterpriseId: e,
          programme: 'etown-2023-small-micro',
          loan: loan('12000000.00'),
        } as never,
      }),
    );
    expect(p.status).toBe(422);
    expect(p.errors!.map((x) => x.field)).toContain('rule:size-limit');
    expect(await ledgerSums(w.db, 'etown')).toEqual(before);
  });

  it('refuses past the fund’s liability limit (R7b) naming the rule', async () => {
    const e = await w.enterprise(3);
    // 30,000,000 limit − 4,000,000 reserved leaves 26,000,000; a 30M loan at 50% needs 15M: fine; a second needs 15M more: refused.
    await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: bob,
      today,
      input: { bankRef: 'B-1', enterpriseId: e, loan: loan('30000000.00') } as never,
    });
    const e2 = await w.enterprise(4);
    const p = await problemOf(
      fileLoan({
        db: w.db,
        catalog: w.catalog,
        actor: bob,
        today,
        input: { bankRef: 'B-2', enterpriseId: e2, loan: loan('30000000.00') } as never,
      }),
    );
    expect(p.status).toBe(422);
    expect(p.errors!.map((x) => x.field)).toContain('rule:fund-liability-limit');
  });

  it('G5: a bank’s loans to one enterprise may not exceed 30,000,000 in total', async () => {
    const e = await w.enterprise(5);
    await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today,
      input: { bankRef: 'G5-1', enterpriseId: e, loan: loan('2000000.00') } as never,
    });
    const p = await problemOf(
      fileLoan({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        today,
        input: { bankRef: 'G5-2', enterpriseId: e, loan: loan('29000000.00') } as never,
      }),
    );
    expect(p.errors!.map((x) => x.field)).toContain('rule:per-enterprise-cap');
  });

  it("files a loan once: the same bank reference again is 409 (an Idempotency-Key is the HTTP middleware's: test/http/idempotency.test.ts)", async () => {
    const e = await w.enterprise(6);
    const input = { bankRef: 'IDEM-1', enterpriseId: e, loan: loan('100000.00') } as never;
    await fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today, input });
    const dup = await problemOf(fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today, input }));
    expect(dup.status).toBe(409);
  });

  it('amends, withdraws, repays: liability follows the outstanding principal', async () => {
    const e = await w.enterprise(7);
    const { filing } = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today,
      input: { bankRef: 'AM-1', enterpriseId: e, loan: loan('1000000.00') } as never,
    });
    const amended = await amendFiling({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: filing.id,
      patch: { principal: parseYuan('900000.00'), reason: '更正' },
    });
    expect(amended.reserved).toBe('450000.00');
    const repaid = await reportRepayment({
      db: w.db,
      actor: icbc,
      id: filing.id,
      amount: parseYuan('300000.01'),
      on: '2025-10-01',
      today: '2025-10-01',
    });
    expect(repaid.outstanding).toBe('599999.99');
    expect(repaid.reserved).toBe('300000.00'); // 299,999.995 rounds half-up once (R10)
    const other = await problemOf(
      reportRepayment({ db: w.db, actor: bob, id: filing.id, amount: 1n, on: '2025-10-01', today: '2025-10-01' }),
    );
    expect(other.status).toBe(404);
    const withdrawn = await withdrawFiling({ db: w.db, actor: icbc, id: filing.id, reason: '误报', today });
    expect(withdrawn.reserved).toBe('0.00');
    const s = await ledgerSums(w.db, 'etown');
    expect(s.capacity + s.exposure + s.quota - s.shortfall).toBe(s.limit);
  });

  it('claim: maker–checker, payment queue while cash is short, top-up pays it, recovery refunds', async () => {
    const e = await w.enterprise(8);
    const { filing } = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today,
      input: { bankRef: 'NPL-1', enterpriseId: e, loan: loan('8000000.00') } as never,
    });
    const e2 = await w.enterprise(9);
    const { filing: f2 } = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today,
      input: { bankRef: 'NPL-2', enterpriseId: e2, loan: loan('1000000.00') } as never,
    });
    await reportRepayment({
      db: w.db,
      actor: icbc,
      id: filing.id,
      amount: parseYuan('2000000.00'),
      on: '2025-12-01',
      today: '2025-12-01',
    });
    const early = await problemOf(
      submitClaim({ db: w.db, catalog: w.catalog, actor: icbc, input: { filingId: filing.id }, today: '2026-01-05' }),
    );
    expect(early.status).toBe(422);
    await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: filing.id,
      classification: 'substandard',
      overdueSince: '2026-01-01',
      on: '2026-04-10',
      today: '2026-04-10',
    });
    const { claim } = await submitClaim({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      input: { filingId: filing.id },
      today: '2026-04-13',
    });
    expect(claim.compensation).toBe('3000000.00'); // 50% × 6,000,000
    expect(claim.state).toBe('submitted');
    await prepareClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claim.id, today: '2026-04-13' });
    const self = await problemOf(
      approveClaim({
        dossier: 'waived',
        db: w.db,
        catalog: w.catalog,
        actor: manager,
        id: claim.id,
        today: '2026-04-14',
      }),
    );
    expect(self.status).toBe(403);
    const approved = await approveClaim({
      dossier: 'waived',
      db: w.db,
      catalog: w.catalog,
      actor: reviewer,
      id: claim.id,
      today: '2026-04-14',
    });
    expect(approved.state).toBe('approved');
    // Cash is 3,000,000: exactly enough.
    const paid = await payApprovedClaim({ db: w.db, actor: manager, id: claim.id, today: '2026-04-15' });
    expect(paid.state).toBe('paid');

    // A second NPL (filed before the payout: R15 lowers the limit with the fund's money): cash is now 0,
    // so its claim queues and a top-up pays it.
    await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: f2.id,
      classification: 'doubtful',
      overdueSince: null,
      on: '2026-04-20',
      today: '2026-04-20',
    });
    const { claim: c2 } = await submitClaim({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      input: { filingId: f2.id },
      today: '2026-04-20',
    });
    await prepareClaim({ db: w.db, catalog: w.catalog, actor: manager2, id: c2.id, today: '2026-04-20' });
    await approveClaim({
      dossier: 'waived',
      db: w.db,
      catalog: w.catalog,
      actor: manager,
      id: c2.id,
      today: '2026-04-21',
    });
    const queued = await payApprovedClaim({ db: w.db, actor: manager, id: c2.id, today: '2026-04-21' });
    expect(queued.state).toBe('queued');
    // Its place in the queue, the same in the list as on the claim itself.
    const listed = await listClaims({
      db: w.db,
      actor: icbc,
      today: '2026-04-21',
      query: { state: 'queued', limit: 50, order: 'asc' },
    });
    expect(listed.items.map((c) => [c.id, c.queuePosition])).toEqual([[c2.id, 1]]);
    expect(
      (await getClaim({ db: w.db, catalog: w.catalog, actor: icbc, id: c2.id, today: '2026-04-21' })).queuePosition,
    ).toBe(1);
    await topUpFund({ db: w.db, actor: manager, fundId: 'etown', amount: parseYuan('1000000.00'), on: '2026-04-22' });
    const { payQueue } = await import('../../src/modules/claims/claims.usecases');
    expect(await payQueue({ db: w.db, actor: manager, fundId: 'etown', today: '2026-04-22' })).toBe(1);

    const { recovery } = await reportRecovery({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      claimId: claim.id,
      amount: parseYuan('1000000.00'),
      on: '2026-06-01',
      today: '2026-06-01',
    });
    expect(recovery.refund).toBe('500000.00'); // R8: the fund paid 3,000,000 of 6,000,000
    const over = await problemOf(
      reportRecovery({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        claimId: claim.id,
        amount: parseYuan('5000000.01'),
        on: '2026-06-02',
        today: '2026-06-02',
      }),
    );
    expect(over.errors![0]!.field).toBe('amount');

    const s = await ledgerSums(w.db, 'etown');
    expect(s.cash).toBe(s.capital - s.paid + s.refunded);
    expect(s.cash).toBe(parseYuan('4000000.00') - parseYuan('3500000.00') + parseYuan('500000.00'));
    expect(s.capacity + s.exposure + s.quota - s.shortfall).toBe(s.limit);
  });

  it('rejection needs a reason and frees the loan for a new claim', async () => {
    // The fund paid out more than it held above: R15 left no room under the limit until it is topped up.
    await topUpFund({ db: w.db, actor: manager, fundId: 'etown', amount: parseYuan('10000000.00'), on: '2026-04-30' });
    const e = await w.enterprise(10);
    const { filing } = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today,
      input: { bankRef: 'REJ-1', enterpriseId: e, loan: loan('100000.00') } as never,
    });
    await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: filing.id,
      classification: 'loss',
      overdueSince: null,
      on: '2026-05-01',
      today: '2026-05-01',
    });
    const { claim } = await submitClaim({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      input: { filingId: filing.id },
      today: '2026-05-06',
    });
    const rejected = await rejectClaim({
      db: w.db,
      catalog: w.catalog,
      actor: reviewer,
      id: claim.id,
      reason: '材料不全 / documents missing',
    });
    expect(rejected.state).toBe('rejected');
    const again = await submitClaim({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      input: { filingId: filing.id },
      today: '2026-05-07',
    });
    expect(again.claim.state).toBe('submitted');
  });
});
