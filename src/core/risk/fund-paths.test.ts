import { describe, expect, it } from 'vitest';
import { book, poissonBinomial } from './books.fixture';
import { exhaustionProbabilities, exhaustionYears } from './fund-paths';
import { simulateScenarios, type ScenarioBlock } from './monte-carlo';

const block = (years: number[][]): ScenarioBlock => ({
  from: 0,
  to: years.length,
  variants: 1,
  years: years[0]!.length,
  losses: Float64Array.from(years.flat()),
  weights: new Float64Array(years.length).fill(1),
});

describe('the fund over the years', () => {
  it('follows cash, top-ups and delayed recoveries', () => {
    // cash 130; claims 60 a year; half of each payout comes back two years later
    const b = block([[60, 60, 60, 60, 60, 60]]);
    expect(exhaustionYears(b, 0, { cash: 100 })[0]).toBe(2);
    // year 3: 130 − 60 − 60 + 30 = 40 < 60
    expect(exhaustionYears(b, 0, { cash: 130, recoveryRate: 0.5, recoveryDelayYears: 2 })[0]).toBe(3);
    // a top-up of 40 in year 3: 10 + 40 + 30 − 60 = 20; year 4: 20 + 30 = 50 < 60
    expect(exhaustionYears(b, 0, { cash: 130, topUps: [0, 0, 40], recoveryRate: 0.5, recoveryDelayYears: 2 })[0]).toBe(
      4,
    );
    // 50 in year 3: 30; year 4: 30 + 30 − 60 = 0; year 5: 0 + 30 < 60
    expect(exhaustionYears(b, 0, { cash: 130, topUps: [0, 0, 50], recoveryRate: 0.5, recoveryDelayYears: 2 })[0]).toBe(
      5,
    );
    expect(exhaustionYears(b, 0, { cash: 130, recoveryRate: 0.5, recoveryDelayYears: 1 })[0]).toBe(4);
    expect(exhaustionYears(block([[10, 10]]), 0, { cash: 100 })[0]).toBe(0);
  });

  it('within two years equals the exact convolution for independent defaults', () => {
    const p = book([{ grade: 'A', sector: 's', count: 40, exposureYuan: (i) => 100_000 * (1 + (i % 4)) }], { A: 0.05 });
    const unit = 40_000 * 100;
    const d = poissonBinomial(p, unit);
    const cash = 8 * unit;
    const topUp = 3 * unit;
    // P(L1 > C) + P(L1 ≤ C, L2 > C + T − L1)
    let exact2 = 0;
    let exact1 = 0;
    for (let a = 0; a < d.length; a++) {
      if (a * unit > cash) {
        exact1 += d[a]!;
        continue;
      }
      for (let b = 0; b < d.length; b++) if (b * unit > cash + topUp - a * unit) exact2 += d[a]! * d[b]!;
    }
    const n = 40_000;
    const b = simulateScenarios(p, { factors: { rho: 0 }, seed: 3, scenarios: n, years: 2, shift: 0 }, 0, n);
    const [y1, y2] = exhaustionProbabilities(b, 0, { cash, topUps: [0, topUp] });
    expect(Math.abs(y1!.value - exact1)).toBeLessThanOrEqual(4 * y1!.standardError);
    expect(Math.abs(y2!.value - (exact1 + exact2))).toBeLessThanOrEqual(4 * y2!.standardError);
  });
});
