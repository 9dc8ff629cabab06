import { describe, expect, it } from 'vitest';
import { normalCdf, normalInv } from './normal';
import { regularizedBeta, studentTCdf, studentTInv } from './student-t';

describe("Student's t distribution", () => {
  it('gives the quantiles of the printed tables (six decimals, so within 1e-6)', () => {
    const table: [number, number, number][] = [
      [0.975, 5, 2.570582],
      [0.95, 10, 1.812461],
      [0.01, 3, -4.540703],
      [0.995, 1, 63.656741],
      [0.9, 30, 1.310415],
      [0.999, 20, 3.551808],
    ];
    for (const [p, nu, x] of table) expect(Math.abs(studentTInv(p, nu) - x)).toBeLessThan(1e-6);
  });

  it('matches the closed forms for ν = 1 (Cauchy) and ν = 2 to 1e-12 relative', () => {
    for (const p of [1e-9, 1e-4, 0.01, 0.2, 0.45, 0.6, 0.9, 0.999]) {
      const cauchy = p < 0.5 ? -1 / Math.tan(Math.PI * p) : 1 / Math.tan(Math.PI * (1 - p));
      expect(Math.abs(studentTInv(p, 1) - cauchy)).toBeLessThanOrEqual(1e-12 * Math.abs(cauchy));
      const two = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
      expect(Math.abs(studentTInv(p, 2) - two)).toBeLessThanOrEqual(1e-12 * Math.abs(two));
    }
  });

  it('inverts its CDF across probabilities and degrees of freedom', () => {
    for (const nu of [1, 2.5, 4, 7, 30, 200])
      for (const p of [1e-10, 1e-6, 0.001, 0.03, 0.3, 0.5, 0.7, 0.99]) {
        const x = studentTInv(p, nu);
        expect(Math.abs(studentTCdf(x, nu) - p)).toBeLessThanOrEqual(1e-12 * Math.min(p, 1 - p));
      }
  });

  it('tends to the normal as ν grows, at the rate of the first Cornish–Fisher term (z³ + z)/(4ν)', () => {
    for (const p of [0.001, 0.01, 0.2]) {
      const z = normalInv(p);
      for (const nu of [10, 100, 1000]) {
        const gap = Math.abs(studentTInv(p, nu) - z);
        const first = Math.abs(z ** 3 + z) / (4 * nu);
        // the next terms are O(1/ν²): within 30% of the first term from ν = 10 on
        expect(gap).toBeGreaterThan(0.7 * first);
        expect(gap).toBeLessThan(1.3 * first);
      }
    }
    expect(Math.abs(studentTCdf(-2, 1000) - normalCdf(-2))).toBeLessThan(1e-3);
  });

  it('computes the regularized incomplete beta of the closed cases', () => {
    for (const x of [0.01, 0.3, 0.77, 0.999]) {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 14);
      expect(regularizedBeta(x, 3.5, 1)).toBeCloseTo(x ** 3.5, 14);
      expect(regularizedBeta(x, 1, 2.5)).toBeCloseTo(1 - (1 - x) ** 2.5, 14);
    }
  });

  it('refuses ν that is not a positive finite number', () => {
    expect(() => studentTInv(0.5, 0)).toThrow(RangeError);
    expect(() => studentTInv(0.5, Infinity)).toThrow(RangeError);
  });
});
