/** The t copula and the PD's uncertainty through the simulation use cases: the model-risk table, and the options refused naming the field. */
import { describe, expect, it } from 'vitest';
import { runScenarios } from '../../adapters/workers/simulation-pool';
import type { LoanHistory, RiskLoan } from '../../core/risk';
import type { BookLoader } from './book.repository';
import { prepareSimulation, runSimulation, SimulationInputError } from './simulation.usecases';

const csv = [
  'id,grade,sector,outstanding,ratio',
  ...Array.from({ length: 400 }, (_, i) => `L${i},${i % 2 ? 'A' : 'B'},s${i % 3},${100000 + (i % 5) * 20000},0.4`),
].join('\n');
const request = {
  portfolio: { source: 'csv', csv },
  pdByGrade: { A: 0.02, B: 0.05 },
  correlation: { rho: 0.1 },
  scenarios: 4000,
  seed: 5,
  fund: { cash: '800000' },
};
const run = async (input: unknown, loadBook?: BookLoader) =>
  runSimulation({
    prepared: await prepareSimulation({ input, policies: [], ...(loadBook ? { loadBook } : {}) }),
    runScenarios: (p, s, o) => runScenarios(p, s, { ...o, workers: 0 }),
  });
const refusal = async (input: unknown, loadBook?: BookLoader) => {
  const e = await prepareSimulation({ input, policies: [], ...(loadBook ? { loadBook } : {}) }).catch(
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SimulationInputError);
  return (e as SimulationInputError).errors;
};
const yuan = (s: string) => Number(s);

// a small live book with a short history: 30 loans of grade A over about two years, 1 default
const loans: RiskLoan[] = Array.from({ length: 30 }, (_, i) => ({
  id: `B${i}`,
  grade: 'A',
  sector: 's',
  exposure: 50_000_000n,
  filedTerms: { ratioBp: 4000, rounding: 'half-up', parties: [{ party: 'bank', shareBp: 10_000 }] },
}));
const history: LoanHistory[] = loans.map((_, i) => ({
  from: '2024-06-01',
  grades: [{ on: '2024-06-01', grade: 'A' }],
  ...(i === 0 ? { defaultedOn: '2025-06-01' } : {}),
}));
const loadBook: BookLoader = Object.assign(async () => loans, { history: async () => history });

describe('model risk in the simulation', () => {
  it('puts the Gaussian and the t side by side with the difference, the run itself being the t', async () => {
    const r = await run({ ...request, copula: { kind: 't', nu: 4 } });
    expect(r.model).toEqual({ copula: 't', nu: 4, pdUncertainty: false });
    const rows = r.modelRisk!;
    expect(rows.map((x) => x.id)).toEqual(['gaussian', 't']);
    expect(rows[1]!.variants[0]!.expectedLoss).toBe(r.variants[0]!.expectedLoss.simulated);
    const g = rows[0]!.variants[0]!;
    const t = rows[1]!.variants[0]!;
    const d = rows[1]!.difference[0]!;
    // the difference is the t's figure less the Gaussian's, to the fen
    expect(Math.round(yuan(d.expectedLoss) * 100)).toBe(
      Math.round((yuan(t.expectedLoss) - yuan(g.expectedLoss)) * 100),
    );
    const at999 = t.tail.findIndex((x) => x.level === '0.999');
    expect(yuan(d.tail[at999]!.valueAtRisk)).toBeGreaterThan(0); // ν = 4 fattens the 99.9% tail
    expect(d.exhaustion[0]!.probability).toBeCloseTo(t.exhaustion[0]!.probability - g.exhaustion[0]!.probability, 12);
    expect(rows[0]!.difference[0]!.expectedLoss).toBe('0.00');
    // the Vasicek figures are of the Gaussian: not given for a t run
    expect(Object.keys(r.variants[0]!.tail[0]!.valueAtRisk)).not.toContain('vasicekLargePortfolio');
  });

  it('carries the PD estimate into the losses: EL near the posterior mean, a wider tail, both beside the fixed-PD run', async () => {
    const input = {
      portfolio: { source: 'book' },
      pd: 'history',
      pdUncertainty: true,
      scenarios: 4000,
      seed: 9,
      correlation: { rho: 0.1 },
    };
    const r = await run(input, loadBook);
    expect(r.model.pdUncertainty).toBe(true);
    const [fixed, uncertain] = r.modelRisk!;
    expect([fixed!.id, uncertain!.id]).toEqual(['gaussian', 'gaussian-pd-uncertainty']);
    const el = r.variants[0]!.expectedLoss;
    expect(Math.abs(yuan(el.simulated) - yuan(el.exact))).toBeLessThanOrEqual(4 * yuan(el.standardError));
    const at99 = (f: typeof fixed) => yuan(f!.variants[0]!.tail.find((x) => x.level === '0.99')!.valueAtRisk);
    expect(at99(uncertain)).toBeGreaterThanOrEqual(at99(fixed));
  });

  it('refuses a t copula without ν, a ν out of range, and PD uncertainty without PDs from history, naming the field', async () => {
    expect(await refusal({ ...request, copula: { kind: 't' } })).toMatchObject([
      { field: 'copula.nu', code: 'simulation.invalid_input' },
    ]);
    const [tooBig] = await refusal({ ...request, copula: { kind: 't', nu: 5000 } });
    expect(tooBig!.field).toBe('copula.nu');
    expect(await refusal({ ...request, pdUncertainty: true })).toMatchObject([
      { field: 'pdUncertainty', code: 'simulation.invalid_input' },
    ]);
  });
});
