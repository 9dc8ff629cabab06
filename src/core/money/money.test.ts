import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyRate,
  divideRounded,
  formatPercent,
  formatRate,
  formatYuan,
  formatYuanGrouped,
  parseRate,
  parseYuan,
  splitByWeights,
} from './money';

describe('parseYuan / formatYuan (R10)', () => {
  it.each([
    ['0', 0n],
    ['0.01', 1n],
    ['8000000', 800000000n],
    ['8000000.5', 800000050n],
    ['1500000.00', 150000000n],
  ])('parses %s', (text, fen) => expect(parseYuan(text)).toBe(fen));

  it.each(['', ' 1', '1.001', '1e3', 'NaN', '-1', '+1', '1.', '.5', '1,000', 'Infinity', '0x10', '１'])(
    'rejects %j',
    (text) => {
      expect(() => parseYuan(text)).toThrow();
    },
  );

  it('names the decimals problem', () => expect(() => parseYuan('0.001')).toThrow(/two decimals/));
  it('accepts a sign only when allowed', () => expect(parseYuan('-1.50', { allowNegative: true })).toBe(-150n));

  it('round-trips every fen amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), (fen) => {
        expect(parseYuan(formatYuan(fen), { allowNegative: true })).toBe(fen);
      }),
    );
  });

  it('groups thousands for people', () => {
    expect(formatYuanGrouped(123456789012n)).toBe('1,234,567,890.12');
    expect(formatYuanGrouped(5n)).toBe('0.05');
  });
});

describe('rates in basis points', () => {
  it.each([
    ['0.2', 2000],
    ['0.05', 500],
    ['1', 10000],
    ['0.3333', 3333],
    ['0', 0],
  ])('parses %s', (t, bp) => expect(parseRate(t)).toBe(bp));
  it.each(['1.1', '0.00001', '-0.2', '20%', '', '.2'])('rejects %j', (t) => expect(() => parseRate(t)).toThrow());
  it('formats shortest', () => {
    expect([2424, 300, 5, 10_000, 0, 1234].map(formatPercent)).toEqual([
      '24.24%',
      '3%',
      '0.05%',
      '100%',
      '0%',
      '12.34%',
    ]);
    expect(formatRate(5000)).toBe('0.5');
    expect(formatRate(2500)).toBe('0.25');
    expect(formatRate(10000)).toBe('1');
    expect(formatRate(0)).toBe('0');
    expect(formatRate(1)).toBe('0.0001');
  });
  it('round-trips', () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), (bp) => {
        expect(parseRate(formatRate(bp))).toBe(bp);
      }),
    ));
});

describe('one rounding', () => {
  it('rounds half-up and half-even', () => {
    expect(divideRounded(5n, 10n)).toBe(1n);
    expect(divideRounded(15n, 10n, 'half-even')).toBe(2n);
    expect(divideRounded(25n, 10n, 'half-even')).toBe(2n);
    expect(divideRounded(25n, 10n, 'half-up')).toBe(3n);
    expect(divideRounded(-25n, 10n, 'half-up')).toBe(-3n);
    expect(divideRounded(24n, 10n)).toBe(2n);
  });

  it('applyRate is within half a fen of the exact product', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 10000 }),
        fc.constantFrom('half-up' as const, 'half-even' as const),
        (fen, bp, r) => {
          const got = applyRate(fen, bp, r);
          const exactTimes10k = fen * BigInt(bp);
          const diff = got * 10000n - exactTimes10k;
          expect(diff <= 5000n && diff >= -5000n).toBe(true);
        },
      ),
    );
  });

  it('worked example 1: 30% of 5,000,000.00 is 1,500,000.00', () => {
    expect(formatYuan(applyRate(parseYuan('5000000'), 3000))).toBe('1500000.00');
  });
});

describe('splitByWeights (largest remainder)', () => {
  it('always adds up and each part is within one fen of its share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 14n }),
        fc
          .array(fc.bigInt({ min: 0n, max: 10000n }), { minLength: 1, maxLength: 6 })
          .filter((w) => w.some((x) => x > 0n)),
        (amount, weights) => {
          const parts = splitByWeights(amount, weights);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(amount);
          const total = weights.reduce((a, b) => a + b, 0n);
          parts.forEach((p, i) => {
            const exactTimesTotal = amount * weights[i]!;
            expect(p * total >= exactTimesTotal - total && p * total <= exactTimesTotal + total).toBe(true);
          });
        },
      ),
    );
  });
  it('splits 1 fen three ways deterministically', () => expect(splitByWeights(1n, [1n, 1n, 1n])).toEqual([1n, 0n, 0n]));
  it('rejects all-zero weights', () => expect(() => splitByWeights(1n, [0n])).toThrow());
});
