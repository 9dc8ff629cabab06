import { describe, expect, it } from 'vitest';
import { runCli, writeCase } from '../cli/run-cli';

const csv = writeCase(
  [
    'id,grade,sector,outstanding,ratio,size,sciTech',
    ...Array.from(
      { length: 120 },
      (_, i) =>
        `L${i},${['A', 'B', 'C'][i % 3]},${i % 2 ? 'software' : 'equipment'},${((i % 40) + 1) * 50000},0.4,small,true`,
    ),
  ].join('\n'),
);
const pd = ['--pd', 'A=0.01,B=0.03,C=0.08'];
const base = ['simulate', '--portfolio', csv, '--scenarios', '2000', '--seed', '9', '--workers', '2', '--no-progress'];

// Each case spawns the CLI (tsx start-up); on a busy 2-core machine that takes seconds, so allow time.
describe('backstop simulate', { timeout: 120_000 }, () => {
  it('prints the what-if of policy variants as JSON, the same for the same seed', () => {
    const args = [
      ...base,
      ...pd,
      '--variant',
      'as-filed',
      '--variant',
      'as-filed:ratio=0.5',
      '--variant',
      'etown-2025-sci-tech',
      '--years',
      '2',
      '--cash',
      '3000000',
      '--top-up',
      '1000000',
    ];
    const a = runCli(args);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const r = JSON.parse(a.stdout) as {
      variants: {
        variant: string;
        expectedLoss: { exact: string };
        tail: { valueAtRisk: { monteCarlo: string } }[];
        exhaustion: { probability: number }[];
      }[];
    };
    expect(r.variants.map((v) => v.variant)).toEqual(['as filed', 'as filed, ratio 50%', 'etown-2025-sci-tech']);
    expect(Number(r.variants[1]!.expectedLoss.exact) / Number(r.variants[0]!.expectedLoss.exact)).toBeCloseTo(1.25, 9);
    r.variants[0]!.tail.forEach((t, i) =>
      expect(Number(r.variants[1]!.tail[i]!.valueAtRisk.monteCarlo)).toBe(1.25 * Number(t.valueAtRisk.monteCarlo)),
    );
    expect(r.variants[0]!.exhaustion[1]!.probability).toBeGreaterThanOrEqual(r.variants[0]!.exhaustion[0]!.probability);
    const b = runCli(args.map((x) => (x === '2' ? '1' : x)).map((x, i, all) => (all[i - 1] === '--years' ? '2' : x)));
    expect(JSON.parse(b.stdout)).toEqual(r); // one worker instead of two, same seed: the same result
  });

  it('prints a table', () => {
    const t = runCli([...base, ...pd, '--variant', 'as-filed', '--variant', 'as-filed:cap=none', '--format', 'table']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^120 loans, 2000 scenarios/);
    expect(t.stdout).toMatch(/VaR 99%\s+\d+\.\d\d\s+\d+\.\d\d/);
    expect(t.stdout).toContain(
      '\nPD A: 1.00% set by the manager\nPD B: 3.00% set by the manager\nPD C: 8.00% set by the manager\n',
    );
  });

  it('exits 2 with one line naming the field on bad input', () => {
    for (const [args, message] of [
      [['--pd', 'A=0.01,B=0.03'], /^backstop: --pd C: is missing: the portfolio has loans of grade C\n$/],
      [[...pd, '--rho', '1.5'], /^backstop: --rho: must be below 1\n$/],
      [
        [...pd, '--variant', 'nowhere'],
        /^backstop: --variant 1: unknown programme nowhere \(known: etown-2023-small-micro, etown-2025-sci-tech\)\n$/,
      ],
      [[...pd, '--scenarios', 'many'], /^backstop: --scenarios: must be a number/],
      [[...pd, '--pd', 'history'], /^backstop: --pd history: a PD from history needs the live book/],
    ] as const) {
      const r = runCli([...base, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
    const missing = runCli(['simulate', '--portfolio', '/nonexistent.csv', '--pd', 'A=0.1']);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'backstop: --portfolio: cannot read /nonexistent.csv (ENOENT)\n',
    ]);
    const badCell = runCli([
      'simulate',
      '--portfolio',
      writeCase('id,grade,sector,outstanding\nL1,A,s,1.234'),
      '--pd',
      'A=0.1',
      '--variant',
      'etown-2025-sci-tech',
    ]);
    expect(badCell.stderr).toMatch(/^backstop: portfolio\.csv line 2, outstanding: has more than two decimals/);
  });

  it('runs stress scenarios, the reverse stress and the top-up', () => {
    const r = runCli([
      ...base,
      ...pd,
      '--years',
      '2',
      '--cash',
      '6000000',
      '--stress',
      'pd=2',
      '--stress',
      'sector=software:3,id=software shock',
      '--reverse-stress',
      'target=0.1,years=2',
      '--solve-top-up',
      'target=0.02,years=2,step=100000',
      '--format',
      'table',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nbaseline\s+\d+\.\d\d/);
    expect(r.stdout).toMatch(/\nPD ×2\s+\d+\.\d\d/);
    expect(r.stdout).toMatch(/\nsoftware shock\s+\d+\.\d\d/);
    expect(r.stdout).toMatch(/资金在 2 年内耗尽的概率/);
    expect(r.stdout).toMatch(/(需要在期初增加资金 [\d,]+ 元（按 100,000 元取整）|无需增加资金)/);
  });

  it('refuses bad stress, reverse-stress and top-up flags naming them', () => {
    for (const [args, message] of [
      [['--stress', 'pd=-1'], /^backstop: --stress 1 pdMultiplier: must be above 0\n$/],
      [['--stress', 'pd=x'], /^backstop: --stress 1 pd: must be a number, got "x"\n$/],
      [
        ['--stress', 'sector=mining:2'],
        /^backstop: --stress 1 sectorShock\.sector: the portfolio has no loans in sector mining/,
      ],
      [['--stress', 'vol=2'], /^backstop: --stress 1: unknown key vol/],
      [['--reverse-stress', 'target=0.05,years=1'], /^backstop: --reverse-stress: needs a fund plan/],
      [
        ['--cash', '100', '--reverse-stress', 'target=0.05,years=3'],
        /^backstop: --reverse-stress years: must be at most the run's years \(1\)\n$/,
      ],
      [['--cash', '100', '--solve-top-up', 'target=0.05,years=1,step=0.001'], /^backstop: --solve-top-up step: /],
    ] as const) {
      const bad = runCli([...base, ...pd, ...args]);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toMatch(message);
      expect(bad.stderr.split('\n')).toHaveLength(2);
    }
  });

  it('puts the Gaussian and the t copula side by side (--copula t --nu 5), and refuses a t without ν or PD uncertainty without history', () => {
    const r = runCli([...base, ...pd, '--copula', 't', '--nu', '5', '--cash', '2000000', '--format', 'table']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nGaussian\s+\d+\.\d\d/);
    expect(r.stdout).toMatch(/\nt \(ν=5\)\s+\d+\.\d\d/);
    expect(r.stdout).toMatch(/\n {2}− Gaussian\s+-?\d+\.\d\d/);
    for (const [args, message] of [
      [['--copula', 't'], /^backstop: --nu: is needed for the t copula\n$/],
      [['--copula', 't', '--nu', '0.5'], /^backstop: --nu: must be at least 1\n$/],
      [['--pd-uncertainty'], /^backstop: --pd-uncertainty: needs PDs from history/],
    ] as const) {
      const bad = runCli([...base, ...pd, ...args]);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
  });
});
