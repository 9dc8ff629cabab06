import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalInv } from './normal';
import { Rng } from './random';

describe('the standard normal', () => {
  it('matches published values', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-3.090232306167813)).toBeCloseTo(0.001, 14);
    expect(normalInv(0.999)).toBeCloseTo(3.090232306167813, 12);
    expect(normalInv(0.01)).toBeCloseTo(-2.326347874040841, 12);
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 6);
  });

  it('Φ⁻¹ inverts Φ', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(Math.abs(normalCdf(normalInv(p)) - p)).toBeLessThan(1e-14 + 1e-12 * p);
      }),
    );
  });
});

describe('seeded streams', () => {
  it('repeat for the same seed and stream and differ otherwise', () => {
    const draw = (seed: number, stream: number) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.uniform()
        )(new Rng(seed, stream)),
      );
    expect(draw(7, 3)).toEqual(draw(7, 3));
    expect(draw(7, 3)).not.toEqual(draw(7, 4));
    expect(draw(8, 3)).not.toEqual(draw(7, 3));
  });

  it('are uniform and normal in the mean and variance', () => {
    const r = new Rng(1, 0);
    const n = 200_000;
    let s = 0,
      s2 = 0,
      g = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
      g += r.gamma(2.5);
    }
    expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(g / n - 2.5)).toBeLessThan(4 * Math.sqrt(2.5 / n));
  });
});

describe('exponential draws (ziggurat)', () => {
  it('have the Exp(1) distribution: mean, variance and tail', () => {
    const r = new Rng(3, 9);
    const n = 200_000;
    let s = 0,
      s2 = 0,
      tail = 0;
    for (let i = 0; i < n; i++) {
      const x = r.exponential();
      s += x;
      s2 += x * x;
      if (x > 3) tail++;
    }
    expect(Math.abs(s / n - 1)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 2)).toBeLessThan(4 * Math.sqrt(20 / n));
    const pt = Math.exp(-3);
    expect(Math.abs(tail / n - pt)).toBeLessThan(4 * Math.sqrt(pt / n));
  });
});
