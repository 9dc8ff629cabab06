import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYuan } from '../../core/money/money';
import { simulateScenarios } from '../../core/risk';
import { fileLoan } from '../filings/filings.usecases';
import { etownWorld, icbc } from '../../../test/operations/fixture';
import { createBookLoader } from './book.repository';
import { prepareSimulation, runSimulation, SimulationInputError } from './simulation.usecases';

let w: Awaited<ReturnType<typeof etownWorld>>;
beforeAll(async () => {
  w = await etownWorld({ capital: '100000000.00' });
  const e1 = await w.enterprise(1);
  const e2 = await w.enterprise(2, { qualifications: [{ kind: 'national-high-tech', validFrom: '2024-01-01', validTo: '2026-12-31' }] });
  const loan = (principal: string) => ({ kind: 'credit', principal: parseYuan(principal), disbursedOn: '2025-09-01', mode: 'direct' as const });
  await fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today: '2025-09-03', input: { bankRef: 'S-1', enterpriseId: e1, programme: 'etown-2023-small-micro', loan: loan('8000000.00') } as never });
  await fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today: '2025-09-03', input: { bankRef: 'S-2', enterpriseId: e2, programme: 'etown-2023-small-micro', loan: loan('5000000.00') } as never });
  await fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today: '2025-09-03', input: { bankRef: 'S-3', enterpriseId: e1, programme: 'etown-2025-sci-tech', loan: loan('20000000.00') } as never });
});
afterAll(async () => w?.close());

describe('the live book as a portfolio', () => {
  it('carries each filing\'s own terms and re-judges it under another programme', async () => {
    const loadBook = createBookLoader({ db: w.db });
    const loans = await loadBook({});
    expect(loans.map((l) => l.exposure).sort((a, b) => (a < b ? -1 : 1))).toEqual([500_000_000n, 800_000_000n, 2_000_000_000n]);
    expect(loans.every((l) => l.grade === 'normal' && l.sector === 'software')).toBe(true);
    const policies = w.catalog.current;
    const prepared = await prepareSimulation({
      input: { portfolio: { source: 'book' }, pdByGrade: { normal: 1 }, variants: [{}, { programme: 'etown-2025-sci-tech' }, { id: 'half', ratio: '0.5' }], scenarios: 100, correlation: { rho: 0 } },
      policies, loadBook,
    });
    // every loan defaults (PD 1): each scenario pays exactly the sum of the policy engine's compensations
    const report = await runSimulation({ prepared, runScenarios: async (p, s) => simulateScenarios(p, s, 0, s.scenarios) });
    expect(report.variants.map((v) => [v.variant, v.tail[0]!.valueAtRisk.monteCarlo])).toEqual([
      ['as filed', '14400000.00'], // 8M × 30% + 5M × 40% (national high-tech) + 20M × 50%
      ['etown-2025-sci-tech', '16500000.00'],
      ['half', '16500000.00'],
    ]);
    const bad = await prepareSimulation({ input: { portfolio: { source: 'book' }, pdByGrade: { normal: 0.01 }, variants: [{ programme: 'nowhere' }] }, policies, loadBook }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SimulationInputError);
    expect((bad as SimulationInputError).errors[0]!.field).toBe('variants[0].programme');
    const noPd = await prepareSimulation({ input: { portfolio: { source: 'book' }, pdByGrade: { other: 0.01 } }, policies, loadBook }).catch((e: unknown) => e);
    expect((noPd as SimulationInputError).errors[0]!.field).toBe('pdByGrade.normal');
  });
});
