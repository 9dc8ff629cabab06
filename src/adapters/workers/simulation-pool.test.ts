import { describe, expect, it } from 'vitest';
import { asFiledVariant, buildPortfolio, simulateScenarios, type MonteCarloSpec } from '../../core/risk';
import { loansOf } from '../../core/risk/books.fixture';
import { runScenarios, warmWorkers } from './simulation-pool';

describe('the simulation worker pool', () => {
  const portfolio = buildPortfolio({
    loans: loansOf([
      { grade: 'A', sector: 's1', count: 300, exposureYuan: (i) => 100_000 + i * 1_000 },
      { grade: 'B', sector: 's2', count: 200, exposureYuan: () => 2_000_000 },
    ]),
    variants: [asFiledVariant('40%'), asFiledVariant('50%', { ratioBp: 5000 })],
    pdByGrade: { A: 0.02, B: 0.05 },
  });
  const spec: MonteCarloSpec = {
    factors: { rho: 0.2, sectorCorrelation: 0.5 },
    seed: 42,
    scenarios: 3_000,
    years: 2,
    shift: -1,
  };

  it('gives the same result with 0, 1 and 2 workers and reports progress to the end', async () => {
    await warmWorkers(2);
    const seen: number[] = [];
    const two = await runScenarios(portfolio, spec, { workers: 2, chunk: 250, onProgress: (d) => seen.push(d) });
    const one = await runScenarios(portfolio, spec, { workers: 1, chunk: 700 });
    const none = await runScenarios(portfolio, spec, { workers: 0 });
    const direct = simulateScenarios(portfolio, spec, 0, spec.scenarios);
    expect(two).toEqual(direct);
    expect(one).toEqual(direct);
    expect(none).toEqual(direct);
    expect(seen.at(-1)).toBe(3_000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('keeps a book in the workers between runs and swaps it for another book', async () => {
    const other = buildPortfolio({
      loans: loansOf([{ grade: 'A', sector: 's1', count: 50, exposureYuan: () => 500_000 }]),
      variants: [asFiledVariant('40%')],
      pdByGrade: { A: 0.1 },
    });
    const s2 = { ...spec, seed: 7, years: 1 };
    for (const [p, s] of [
      [portfolio, spec],
      [portfolio, s2],
      [other, s2],
      [portfolio, spec],
      [other, spec],
    ] as const) {
      expect(await runScenarios(p, s, { workers: 2, chunk: 400 })).toEqual(simulateScenarios(p, s, 0, s.scenarios));
    }
  });
});
