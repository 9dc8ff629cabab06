import { describe, expect, it } from 'vitest';
import { asFiledVariant, buildPortfolio, simulateScenarios, type MonteCarloSpec } from '../../core/risk';
import { loansOf } from '../../core/risk/books.fixture';
import { simulateBaseline } from '../../core/risk/baseline-monte-carlo';
import { buildReport } from '../../core/risk/report';
import { stressFigures, stressPortfolio } from '../../core/risk/stress';
import { buildReportOnWorker, runScenarios, stressFiguresOnWorker, warmWorkers } from './simulation-pool';

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

  it('builds the same report on a worker as here, and the worker is used again afterwards', async () => {
    const here = buildReport({ portfolio, spec, block: simulateScenarios(portfolio, spec, 0, spec.scenarios) });
    const block = simulateScenarios(portfolio, spec, 0, spec.scenarios);
    const there = await buildReportOnWorker({ portfolio, spec, block }, { workers: 1 });
    expect(there).toEqual(here);
    expect(block.losses.length, 'the scenarios were moved to the worker, not copied').toBe(0);
    expect(await runScenarios(portfolio, spec, { workers: 1 })).toEqual(
      simulateScenarios(portfolio, spec, 0, spec.scenarios),
    );
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

  it("runs the benchmark's baseline over the same workers with the same numbers as in one thread", async () => {
    const s = { ...spec, scenarios: 600 };
    const direct = simulateBaseline(portfolio, s, 0, s.scenarios);
    expect(await runScenarios(portfolio, s, { workers: 2, chunk: 100, method: 'baseline' })).toEqual(direct);
    expect(await runScenarios(portfolio, s, { workers: 0, method: 'baseline' })).toEqual(direct);
    // and the simulator's own method is still the default on the same warmed workers
    expect(await runScenarios(portfolio, s, { workers: 2, chunk: 100 })).toEqual(
      simulateScenarios(portfolio, s, 0, 600),
    );
  });

  it('runs a stressed book (the same payouts, new PDs) on the workers and summarises it on a worker as here', async () => {
    const stressed = stressPortfolio(portfolio, { pdMultiplier: 2, sectorShock: { sector: 's2', pdMultiplier: 1.5 } });
    const direct = simulateScenarios(stressed, spec, 0, spec.scenarios);
    expect(await runScenarios(portfolio, spec, { workers: 2 })).toEqual(
      simulateScenarios(portfolio, spec, 0, spec.scenarios),
    );
    const block = await runScenarios(stressed, spec, { workers: 2, chunk: 300 });
    expect(block).toEqual(direct);
    const input = { variants: portfolio.variants, fund: { cash: 50_000_000 }, levels: [0.99] };
    const here = stressFigures({ ...input, block: direct });
    expect(await stressFiguresOnWorker({ ...input, block }, { workers: 1 })).toEqual(here);
    expect(block.losses.length, 'the scenarios were moved to the worker').toBe(0);
  });

  it("runs the fund's rules with each bank's breaker (G4) on the workers as in this thread: each loan's bank goes with the book", async () => {
    const banked = buildPortfolio({
      loans: loansOf([
        { grade: 'A', sector: 's1', count: 300, exposureYuan: (i) => 100_000 + i * 1_000 },
        { grade: 'B', sector: 's2', count: 200, exposureYuan: () => 2_000_000 },
      ]).map((l, i) => ({ ...l, bank: `b${i % 3}`, remainingYears: 1 + (i % 3), ageYears: i % 2 })),
      variants: [asFiledVariant('40%')],
      pdByGrade: { A: 0.02, B: 0.05 },
    });
    const s: MonteCarloSpec = {
      ...spec,
      seed: 5,
      fundRules: {
        plan: { cash: 1e15 },
        runOff: true,
        breaker: { claimRatioAboveBp: 300, netCompensationAbove: 500_000_000 },
      },
    };
    const direct = simulateScenarios(banked, s, 0, s.scenarios);
    const held = direct.fund!.held.reduce((a, b) => a + b, 0);
    const paid = direct.fund!.paid.reduce((a, b) => a + b, 0);
    // Some banks' claims are held and some paid, so the result depends on which loan is whose.
    expect(held).toBeGreaterThan(0);
    expect(paid).toBeGreaterThan(0);
    const oneBank = simulateScenarios({ ...banked, labels: {} }, s, 0, s.scenarios);
    expect(oneBank.fund!.held, 'the book as one bank trips differently').not.toEqual(direct.fund!.held);
    expect(await runScenarios(banked, s, { workers: 2, chunk: 400 })).toEqual(direct);
  });
});
