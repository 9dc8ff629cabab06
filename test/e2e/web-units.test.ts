/** The web app's pure parts: money shown from strings without floats, and both languages complete. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartUnit, formatRate, formatYuan, rateForChart, toChartNumber, toFen } from '../../web/src/lib/money';

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
  it('shows rates as percentages by string arithmetic', () => {
    expect(formatRate('0.035')).toBe('3.5%');
    expect(formatRate('0.4')).toBe('40%');
    expect(formatRate('0.0000')).toBe('0%');
    expect(formatRate('1')).toBe('100%');
    expect(rateForChart('0.03')).toBe(3);
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
