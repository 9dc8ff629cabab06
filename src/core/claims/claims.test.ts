import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  deciderProblem,
  CLAIM_STATES,
  canTransition,
  nextClaimState,
  releaseEvent,
  TERMINAL,
  type ClaimEvent,
} from './claim-state';
import { circuitBreaker } from './circuit-breaker';
import { recoveryRefund } from './recovery';
import { nonPerforming } from './non-performing';

const yuan = (n: number) => BigInt(n) * 100n;
const G4 = { claimRatioAboveBp: 300, netCompensationAbove: yuan(5_000_000) };

describe('claim states (DESIGN.md)', () => {
  it('walks the happy path and the cash queue', () => {
    expect(nextClaimState('submitted', 'prepare')).toBe('under-review');
    expect(nextClaimState('under-review', 'approve')).toBe('approved');
    expect(nextClaimState('approved', 'queue')).toBe('queued');
    expect(nextClaimState('queued', 'pay')).toBe('paid');
  });
  it('refuses to pay a claim nobody approved, or approve a rejected one', () => {
    expect(() => nextClaimState('under-review', 'pay')).toThrow(/cannot pay a claim that is under-review/);
    expect(() => nextClaimState('rejected', 'approve')).toThrow();
  });
  it('terminal states accept no event', () => {
    const events: ClaimEvent[] = [
      'prepare',
      'hold',
      'release',
      'release-unprepared',
      'approve',
      'reject',
      'queue',
      'pay',
      'withdraw',
    ];
    for (const s of TERMINAL) for (const e of events) expect(canTransition(s, e)).toBe(false);
    expect(
      CLAIM_STATES.filter((s) => !TERMINAL.includes(s)).every((s) => events.some((e) => canTransition(s, e))),
    ).toBe(true);
  });
  it('a held claim is released to where it was: review if prepared, else submitted, so it can still be prepared', () => {
    expect(nextClaimState('held', releaseEvent({ preparedBy: 'li' }))).toBe('under-review');
    const back = nextClaimState('held', releaseEvent({ preparedBy: null }));
    expect(back).toBe('submitted');
    expect(nextClaimState(back, 'prepare')).toBe('under-review');
  });
  it('maker–checker: the preparer can neither approve nor reject (R18)', () => {
    expect(deciderProblem({ preparedBy: 'li', decider: 'li', decision: 'approve' })?.code).toBe(
      'claim.preparer_cannot_decide',
    );
    expect(deciderProblem({ preparedBy: 'li', decider: 'li', decision: 'reject' })?.en).toMatch(/cannot reject/);
    expect(deciderProblem({ preparedBy: 'li', decider: 'wang', decision: 'approve' })).toBeNull();
    expect(deciderProblem({ preparedBy: 'li', decider: 'wang', decision: 'reject' })).toBeNull();
    expect(deciderProblem({ preparedBy: null, decider: 'wang', decision: 'approve' })?.code).toBe('claim.not_prepared');
    // An unprepared claim may be turned down by one person: a rejection moves no money.
    expect(deciderProblem({ preparedBy: null, decider: 'wang', decision: 'reject' })).toBeNull();
  });
});

describe('circuit breaker (G4)', () => {
  const filed = yuan(100_000_000);
  it('trips only when both the ratio exceeds 3% and net compensation exceeds 5,000,000', () => {
    expect(
      circuitBreaker(
        {
          filedPrincipal: filed,
          claimedNplPrincipal: yuan(3_000_001),
          compensationPaid: yuan(5_000_001),
          refunded: 0n,
        },
        G4,
      ).tripped,
    ).toBe(true);
    expect(
      circuitBreaker(
        {
          filedPrincipal: filed,
          claimedNplPrincipal: yuan(3_000_000),
          compensationPaid: yuan(9_000_000),
          refunded: 0n,
        },
        G4,
      ).tripped,
    ).toBe(false);
    expect(
      circuitBreaker(
        {
          filedPrincipal: filed,
          claimedNplPrincipal: yuan(9_000_000),
          compensationPaid: yuan(5_000_000),
          refunded: 0n,
        },
        G4,
      ).tripped,
    ).toBe(false);
  });
  it('is exact at one fen: 3% of filed principal is not above 3%', () => {
    const at = circuitBreaker(
      { filedPrincipal: 10_000n, claimedNplPrincipal: 300n, compensationPaid: yuan(6_000_000), refunded: 0n },
      G4,
    );
    const above = circuitBreaker(
      { filedPrincipal: 10_000n, claimedNplPrincipal: 301n, compensationPaid: yuan(6_000_000), refunded: 0n },
      G4,
    );
    expect([at.tripped, above.tripped]).toEqual([false, true]);
  });
  it('lifts when refunds bring net compensation back to 5,000,000', () => {
    const f = { filedPrincipal: filed, claimedNplPrincipal: yuan(4_000_000), compensationPaid: yuan(5_500_000) };
    expect(circuitBreaker({ ...f, refunded: yuan(400_000) }, G4).tripped).toBe(true);
    expect(circuitBreaker({ ...f, refunded: yuan(500_000) }, G4)).toMatchObject({
      tripped: false,
      netCompensation: yuan(5_000_000),
      claimRatioBp: 400,
    });
  });
});

describe('recoveries (R8)', () => {
  it('returns the fund its paid share of what is recovered', () => {
    // 30% of 5,000,000 was paid; the bank recovers 1,000,000 → the fund gets 300,000.
    expect(
      recoveryRefund({
        recovered: yuan(1_000_000),
        compensationPaid: yuan(1_500_000),
        compensatedPrincipal: yuan(5_000_000),
        refundedSoFar: 0n,
        rounding: 'half-up',
      }),
    ).toBe(yuan(300_000));
  });
  it('never refunds more in all than the fund paid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 10n }), { maxLength: 10 }),
        fc.bigInt({ min: 1n, max: 10n ** 10n }),
        fc.integer({ min: 0, max: 10000 }),
        (recoveries, principal, bp) => {
          const paid = (principal * BigInt(bp)) / 10000n;
          let refunded = 0n;
          for (const r of recoveries) {
            const refund = recoveryRefund({
              recovered: r,
              compensationPaid: paid,
              compensatedPrincipal: principal,
              refundedSoFar: refunded,
              rounding: 'half-up',
            });
            expect(refund >= 0n).toBe(true);
            refunded += refund;
          }
          expect(refunded <= paid).toBe(true);
        },
      ),
    );
  });
});

describe('non-performing (R6, G9)', () => {
  const rule = { overdueDaysAbove: 90, classifications: ['substandard', 'doubtful', 'loss'] };
  it('90 days overdue is still performing; 91 is not', () => {
    expect(
      nonPerforming({ classification: 'normal', overdueSince: '2025-01-01', on: '2025-04-01', rule }),
    ).toMatchObject({ nonPerforming: false, daysOverdue: 90 });
    expect(
      nonPerforming({ classification: 'normal', overdueSince: '2025-01-01', on: '2025-04-02', rule }),
    ).toMatchObject({ nonPerforming: true, because: 'overdue' });
  });
  it('the bank’s own classification counts first', () => {
    expect(nonPerforming({ classification: 'substandard', overdueSince: null, on: '2025-04-02', rule })).toMatchObject({
      nonPerforming: true,
      because: 'classification',
    });
    expect(
      nonPerforming({ classification: 'special-mention', overdueSince: null, on: '2025-04-02', rule }).nonPerforming,
    ).toBe(false);
  });
});
