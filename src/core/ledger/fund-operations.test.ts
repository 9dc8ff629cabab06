import { describe, expect, it } from 'vitest';
import {
  admitUnderShortfall,
  coverShortfall,
  lowerLimit,
  payClaim,
  payClaimIds,
  refundRecovery,
  refundRecoveryIds,
  topUp,
  topUpIds,
} from './fund-operations';

describe('R15: the limit falls with payouts, and filings wait while it stands below what is committed', () => {
  it('a payout lowers the limit from capacity first; what capacity lacks is the shortfall', () => {
    const t = lowerLimit({ fundId: 'f', id: 'c1', paid: 1_000n, liabilityMultipleBp: 100_000, capacity: 4_000n });
    expect(t.map((x) => [x.debit, x.amount])).toEqual([
      ['f:capacity', 4_000n],
      ['f:limit-shortfall', 6_000n],
    ]);
  });

  it('capacity freed later covers the shortfall, never past it', () => {
    expect(coverShortfall({ fundId: 'f', id: 'x', shortfall: 6_000n, capacity: 2_500n })[0]!.amount).toBe(2_500n);
    expect(coverShortfall({ fundId: 'f', id: 'x', shortfall: 6_000n, capacity: 9_000n })[0]!.amount).toBe(6_000n);
    expect(coverShortfall({ fundId: 'f', id: 'x', shortfall: 0n, capacity: 9_000n })).toEqual([]);
  });

  it('with no shortfall every ask passes (the ledger’s accounts are the rule then)', () => {
    expect(
      admitUnderShortfall({ capacity: 0n, shortfall: 0n, quotaFree: 0n, asks: [{ amount: 10n, fromQuota: false }] }),
    ).toEqual([true]);
  });

  it('a loan from capacity needs capacity net of the shortfall', () => {
    const asks = [
      { amount: 300n, fromQuota: false },
      { amount: 300n, fromQuota: false },
    ];
    expect(admitUnderShortfall({ capacity: 1_000n, shortfall: 500n, quotaFree: 10_000n, asks })).toEqual([true, false]);
  });

  it('a loan from a quota needs the fund’s room: limit − committed = capacity − shortfall + quotas unused', () => {
    const asks = [
      { amount: 600n, fromQuota: true },
      { amount: 500n, fromQuota: true },
      { amount: 1n, fromQuota: false },
    ];
    // room = 0 − 2,000 + 3,000 = 1,000: the first fits, the second not, and capacity has nothing net
    expect(admitUnderShortfall({ capacity: 0n, shortfall: 2_000n, quotaFree: 3_000n, asks })).toEqual([
      true,
      false,
      false,
    ]);
    // the shortfall larger than every quota's room: nothing is filed however small
    expect(
      admitUnderShortfall({
        capacity: 0n,
        shortfall: 5_000n,
        quotaFree: 3_000n,
        asks: [{ amount: 1n, fromQuota: true }],
      }),
    ).toEqual([false]);
  });
});

describe('the transfer ids an operation that moves the limit may post (taken with the fund’s limits, before its batch)', () => {
  // Capacity and shortfall from none to more than the amount: every shape of the batch.
  const cases = [0n, 1n, 50_000n, 10n ** 12n];
  it('a claim payment posts only ids payClaimIds names', () => {
    for (const capacity of cases) {
      const ids = payClaim({
        fundId: 'f',
        claimId: 'c1',
        bankId: 'b',
        amount: 100_000n,
        limit: { liabilityMultipleBp: 50_000, capacity },
      }).map((t) => t.id);
      expect(ids.length).toBeGreaterThan(1);
      expect(ids.filter((id) => !payClaimIds('c1').includes(id))).toEqual([]);
    }
  });
  it('a top-up and a recovery’s refund post only ids topUpIds and refundRecoveryIds name', () => {
    for (const shortfall of cases) {
      const up = topUp({ fundId: 'f', id: 't1', amount: 100_000n, liabilityMultipleBp: 50_000, shortfall });
      expect(up.map((t) => t.id).filter((id) => !topUpIds('t1').includes(id))).toEqual([]);
      const refund = refundRecovery({
        fundId: 'f',
        recoveryId: 'r1',
        amount: 100_000n,
        limit: { liabilityMultipleBp: 50_000, shortfall },
      });
      expect(refund.map((t) => t.id).filter((id) => !refundRecoveryIds('r1').includes(id))).toEqual([]);
    }
  });
});
