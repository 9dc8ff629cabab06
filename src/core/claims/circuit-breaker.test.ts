import { describe, expect, it } from 'vitest';
import { breakerProximity, circuitBreaker } from './circuit-breaker';

const yuan = (n: number) => BigInt(n) * 100n;
const G4 = { claimRatioAboveBp: 300, netCompensationAbove: yuan(5_000_000) };
const figures = (filed: number, claimed: number, paid: number, refunded = 0) => ({
  filedPrincipal: yuan(filed),
  claimedNplPrincipal: yuan(claimed),
  compensationPaid: yuan(paid),
  refunded: yuan(refunded),
});

describe('how close a bank is to its breaker (G4)', () => {
  it('is ok below 80% of both thresholds', () => {
    expect(breakerProximity(figures(100_000_000, 2_000_000, 3_000_000), G4)).toEqual({
      level: 'ok',
      claimRatioPercent: 66,
      netCompensationPercent: 60,
    });
  });

  it('is near from exactly 80% of either threshold, not a fen below', () => {
    // 2.4% of filed principal is 80% of 3%
    expect(breakerProximity(figures(100_000_000, 2_400_000, 0), G4).level).toBe('near');
    const below = { ...figures(100_000_000, 2_400_000, 0), claimedNplPrincipal: yuan(2_400_000) - 1n };
    expect(breakerProximity(below, G4)).toMatchObject({ level: 'ok', claimRatioPercent: 79 });
    expect(breakerProximity(figures(100_000_000, 0, 4_000_000), G4)).toMatchObject({
      level: 'near',
      netCompensationPercent: 80,
    });
    expect(breakerProximity(figures(100_000_000, 0, 4_100_000, 200_000), G4).level).toBe('ok');
  });

  it('is near, not tripped, when only one threshold is exceeded', () => {
    const one = figures(100_000_000, 5_000_000, 1_000_000);
    expect(circuitBreaker(one, G4).tripped).toBe(false);
    expect(breakerProximity(one, G4)).toMatchObject({ level: 'near', claimRatioPercent: 166 });
  });

  it('is tripped when both are exceeded, as the breaker itself says', () => {
    const both = figures(100_000_000, 5_000_000, 6_000_000);
    expect(circuitBreaker(both, G4).tripped).toBe(true);
    expect(breakerProximity(both, G4).level).toBe('tripped');
  });

  it('shows claims with nothing filed as far past the threshold, and nothing as 0%', () => {
    expect(breakerProximity(figures(0, 1, 0), G4).claimRatioPercent).toBe(999);
    expect(breakerProximity(figures(0, 0, 0), G4)).toEqual({
      level: 'ok',
      claimRatioPercent: 0,
      netCompensationPercent: 0,
    });
  });
});
