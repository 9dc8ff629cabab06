/** The web app's pure parts: money shown from strings without floats, and both languages complete. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chartUnit,
  divHalfUp,
  formatDecimal,
  formatRate,
  formatYuan,
  inUnit,
  percentOf,
  rateForChart,
  readableAmount,
  sumYuan,
  toChartNumber,
  toFen,
} from '../../web/src/lib/money';

describe('money in the browser', () => {
  it('formats yuan strings with separators and two decimals, exactly', () => {
    expect(formatYuan('8000000.00')).toBe('8,000,000.00');
    expect(formatYuan('8000000')).toBe('8,000,000.00');
    expect(formatYuan('-1234.5')).toBe('-1,234.50');
    expect(formatYuan('0.1')).toBe('0.10');
    // Beyond a double's exact range: a float would print ...992.00
    expect(formatYuan('90071992547409993.99')).toBe('90,071,992,547,409,993.99');
    expect(formatYuan(null)).toBe('—');
    expect(formatYuan('n/a')).toBe('n/a');
  });
  it('converts to 万/亿 for charts through BigInt fen', () => {
    expect(toFen('1.05')).toBe(105n);
    expect(chartUnit(['99999999.99'])).toBe('wan');
    expect(chartUnit(['100000000.00', '5'])).toBe('yi');
    expect(toChartNumber('15000000.00', 'wan')).toBe(1500);
    expect(toChartNumber('250000000.00', 'yi')).toBe(2.5);
    expect(toChartNumber('123.45', 'wan')).toBe(0.0123);
  });
  it('shows rates as percentages with two decimals, rounded half-up at the end in BigInt', () => {
    expect(formatRate('0.035')).toBe('3.50%');
    expect(formatRate('0.4')).toBe('40.00%');
    expect(formatRate('0.0000')).toBe('0.00%');
    expect(formatRate('1')).toBe('100.00%');
    expect(formatRate('0.012345')).toBe('1.23%');
    expect(formatRate('0.012350')).toBe('1.24%'); // a half goes up
    expect(formatRate('-0.00125')).toBe('-0.13%'); // and away from zero
    expect(formatRate('123.4')).toBe('12,340.00%');
    expect(formatRate('n/a')).toBe('n/a');
    expect(formatRate(null)).toBe('—');
    expect(formatDecimal('18.6951')).toBe('18.70');
    expect(formatDecimal('10')).toBe('10.00');
    expect(rateForChart('0.03')).toBe(3);
  });
  it('rounds half-up (away from zero) in BigInt', () => {
    expect(divHalfUp(5n, 2n)).toBe(3n);
    expect(divHalfUp(-5n, 2n)).toBe(-3n);
    expect(divHalfUp(4n, 3n)).toBe(1n);
    expect(divHalfUp(5n, -2n)).toBe(-3n);
    expect(() => divHalfUp(1n, 0n)).toThrow(RangeError);
  });
  it('reads amounts in 亿元 and 万元 from the yuan strings, two decimals rounded half-up once', () => {
    expect(readableAmount('613369000.00', 'zh-CN')).toEqual({ value: '6.13', unit: 'yi' });
    expect(readableAmount('615000000.00', 'zh-CN')).toEqual({ value: '6.15', unit: 'yi' });
    expect(readableAmount('614999999.99', 'zh-CN')).toEqual({ value: '6.15', unit: 'yi' }); // 6.1499999999 → 6.15
    expect(readableAmount('614499999.99', 'zh-CN')).toEqual({ value: '6.14', unit: 'yi' });
    expect(readableAmount('348200.00', 'zh-CN')).toEqual({ value: '34.82', unit: 'wan' });
    expect(readableAmount('9999.99', 'zh-CN')).toEqual({ value: '9,999.99', unit: null });
    expect(readableAmount('99999999.99', 'zh-CN')).toEqual({ value: '10,000.00', unit: 'wan' });
    // Beyond a double's exact range: still exact digits
    expect(readableAmount('90071992547409993.99', 'zh-CN')).toEqual({ value: '900,719,925.47', unit: 'yi' });
    expect(readableAmount('-25000000.00', 'zh-CN')).toEqual({ value: '-2,500.00', unit: 'wan' });
    expect(readableAmount('613369000.00', 'en')).toEqual({ value: '613.37', unit: 'm' });
    expect(readableAmount('2613369000.00', 'en')).toEqual({ value: '2.61', unit: 'bn' });
    expect(readableAmount('n/a', 'zh-CN')).toBeNull();
    expect(inUnit('1000000.00', 'wan')).toBe('100.00');
    expect(inUnit('0.49', 'wan')).toBe('0.00');
    expect(inUnit('50.00', 'wan')).toBe('0.01'); // 0.005 万 rounds up
  });
  it('sums yuan strings and takes shares in BigInt fen', () => {
    expect(sumYuan(['0.10', '0.20', '90071992547409993.99', null, 'x'])).toBe('90071992547409994.29');
    expect(sumYuan([])).toBe('0.00');
    expect(percentOf('348200.00', '11606666.67')).toBe('3.00%');
    expect(percentOf('1', '3')).toBe('33.33%');
    expect(percentOf('2', '3')).toBe('66.67%');
    expect(percentOf('1', '0')).toBe('—');
  });
});

describe('translations', () => {
  const dir = resolve(import.meta.dirname, '../../web/src');
  const flat = (o: Record<string, unknown>, p = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) =>
      v && typeof v === 'object' ? flat(v as Record<string, unknown>, `${p}${k}.`) : [`${p}${k}`],
    );
  const zh = flat(JSON.parse(readFileSync(join(dir, 'i18n/zh-CN.json'), 'utf8')));
  const en = flat(JSON.parse(readFileSync(join(dir, 'i18n/en.json'), 'utf8')));
  const files = (d: string): string[] =>
    readdirSync(d).flatMap((f) =>
      statSync(join(d, f)).isDirectory()
        ? files(join(d, f))
        : f.endsWith('.tsx') || f.endsWith('.ts')
          ? [join(d, f)]
          : [],
    );

  it('zh-CN and en have the same keys', () => {
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
  });
  it('every literal key the app asks for exists', () => {
    const used = new Set(
      files(dir).flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z]+\.[a-zA-Z0-9.-]+)'/g)].map((m) => m[1]!),
      ),
    );
    expect([...used].filter((k) => !zh.includes(k))).toEqual([]);
  });
});

describe('types', () => {
  it('the web app type-checks (npm run typecheck:web; npm run lint covers src, test and bench)', async () => {
    const { spawnSync } = await import('node:child_process');
    const root = resolve(import.meta.dirname, '../..');
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'web')], {
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
