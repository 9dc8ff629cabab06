/** The fund's compensation with a due-diligence cut (R22): one rounding at the end (R10), what is cut stays with the bank. */
import { describe, expect, it } from 'vitest';
import { applyRate } from '../money/money';
import { compensate, compensationOnly, type CompensationTerms } from './compensation';

const direct: CompensationTerms = { ratioBp: 3000, rounding: 'half-up', parties: [] };
const shared: CompensationTerms = {
  ratioBp: 2000,
  rounding: 'half-up',
  parties: [
    { party: 'bank', shareBp: 3000 },
    { party: 'guarantor', shareBp: 7000 },
  ],
};

describe('compensation with a cut (R22)', () => {
  it('is ratio × outstanding × (1 − cut), rounded once, not twice', () => {
    // 0.35 × 0.3 × 0.5 = 0.0525 → 0.05; rounding the 30% first (0.11) and then halving (0.055 → 0.06) would differ
    expect(compensationOnly(direct, 35n, 5000)).toBe(5n);
    expect(applyRate(applyRate(35n, 3000), 5000)).toBe(6n);
    expect(compensationOnly(direct, 80_000_001n, 3000)).toBe(16_800_000n);
  });

  it('is the plain compensation with no cut, and 0 when the cut voids it', () => {
    for (const outstanding of [0n, 1n, 35n, 80_000_001n, 123_456_789_012n]) {
      expect(compensationOnly(direct, outstanding, 0)).toBe(applyRate(outstanding, 3000));
      expect(compensationOnly(direct, outstanding, 10_000)).toBe(0n);
    }
  });

  it('cuts the per-loan cap where the cap binds', () => {
    const capped = { ...direct, capPerLoan: 1_000_000n };
    expect(compensationOnly(capped, 100_000_000n, 0)).toBe(1_000_000n);
    expect(compensationOnly(capped, 100_000_000n, 2500)).toBe(750_000n);
  });

  it('gives what is cut to the bank: the parties still add up to the loss', () => {
    const c = compensate(shared, 10_000_000n, 4000);
    expect(c.compensation).toBe(1_200_000n);
    const byParty = Object.fromEntries(c.parties.map((p) => [p.party, p.amount]));
    expect(byParty).toEqual({ fund: 1_200_000n, bank: 1_800_000n, guarantor: 7_000_000n });
    expect(c.parties.reduce((a, p) => a + p.amount, 0n)).toBe(10_000_000n);
  });

  it('refuses a cut that is not whole basis points from 0 to 10,000', () => {
    for (const bad of [-1, 10_001, 0.5]) expect(() => compensationOnly(direct, 100n, bad)).toThrow(RangeError);
  });
});
