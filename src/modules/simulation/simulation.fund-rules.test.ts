/** The fund's rules (issue 19 item 6) through POST /api/simulations: the job's result, and bad input refused naming the field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../test/http/harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const csv = [
  'id,grade,sector,outstanding,ratio,bank,remainingYears,ageYears',
  ...Array.from(
    { length: 60 },
    (_, i) =>
      `L${i},${i % 2 ? 'A' : 'B'},${i % 3 ? 'software' : 'equipment'},${(i + 1) * 100000},0.4,bank-${i % 3},${(i % 4) * 0.75},${i % 5}`,
  ),
].join('\n');
const base = {
  portfolio: { source: 'csv', csv },
  pdByGrade: { A: 0.03, B: 0.08 },
  scenarios: 1000,
  seed: 3,
  years: 3,
  fund: { cash: '3000000', topUps: ['0', '1000000'] },
};

interface FundPathRow {
  year: number;
  claims: string;
  paid: string;
  held: string;
  queued: string;
  queueProbability: number;
  claimWaits: number;
}
interface Result {
  model: { factorPersistence?: number };
  fundRules?: {
    runOff: boolean;
    reviewYears: number;
    breaker: { claimRatioAbove: string; netCompensationAbove: string } | null;
    pdByYearOfLife: number[];
    factorPersistence: number;
  };
  variants: { exhaustion: { probability: number }[]; fundPath?: FundPathRow[] }[];
  notes: string[];
}

async function resultOf(manager: Awaited<ReturnType<typeof t.signIn>>, body: unknown): Promise<Result> {
  const res = await manager('/api/simulations', { method: 'POST', body });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const job = (await (await manager(`/api/simulations/${id}`)).json()) as { status: string; result?: Result };
    if (job.status !== 'running') {
      expect(job.status).toBe('done');
      return job.result!;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the fund's rules in POST /api/simulations", () => {
  it("runs them in the job with the programme's G4 thresholds and claim SLA; at their defaults P(exhausted) is the plain run's", async () => {
    const manager = await t.signIn('rules-manager', 'manager');
    const plain = await resultOf(manager, base);
    const defaults = await resultOf(manager, { ...base, fundRules: {} });
    expect(defaults.variants[0]!.exhaustion).toEqual(plain.variants[0]!.exhaustion);
    expect(plain.variants[0]!.fundPath).toBeUndefined();
    expect(defaults.variants[0]!.fundPath).toHaveLength(3);

    const ruled = await resultOf(manager, {
      ...base,
      factorPersistence: 0.5,
      fundRules: { runOff: true, review: 'policy', breaker: true, pdByYearOfLife: [1.5, 1], newFilings: 0.2 },
    });
    expect(ruled.model.factorPersistence).toBe(0.5);
    expect(ruled.fundRules).toMatchObject({
      runOff: true,
      // both E-Town programmes: one sign-off in 5 working days inside the 15 of the decision SLA
      reviewYears: 15 / 250,
      breaker: { claimRatioAbove: '0.03', netCompensationAbove: '5000000.00' },
      pdByYearOfLife: [1.5, 1],
      factorPersistence: 0.5,
    });
    const path = ruled.variants[0]!.fundPath!;
    expect(path.map((y) => y.year)).toEqual([1, 2, 3]);
    for (const y of path) {
      expect(Number(y.paid)).toBeGreaterThanOrEqual(0);
      expect(y.claimWaits).toBeGreaterThanOrEqual(0);
      expect(y.claimWaits).toBeLessThanOrEqual(1);
    }
    // cash is short: claims wait
    expect(path.some((y) => y.claimWaits > 0 && Number(y.queued) > 0)).toBe(true);
    expect(ruled.notes.some((n) => n.includes('P(exhausted within N years)'))).toBe(true);
  });

  it('refuses bad rules naming the field', async () => {
    const manager = await t.signIn('rules-manager2', 'manager');
    const fieldOf = async (body: unknown) => {
      const res = await manager('/api/simulations', { method: 'POST', body });
      expect(res.status).toBe(400);
      return ((await res.json()) as { errors: { field: string }[] }).errors[0]!.field;
    };
    const { fund: _fund, ...noFund } = base;
    expect(await fieldOf({ ...noFund, fundRules: { breaker: true } })).toBe('fundRules');
    expect(
      await fieldOf({
        ...base,
        portfolio: { source: 'csv', csv: 'id,grade,sector,outstanding,ratio\nL1,A,s,100000,0.4' },
        fundRules: { runOff: true },
      }),
    ).toBe('fundRules.runOff');
    expect(await fieldOf({ ...base, fundRules: { newFilings: 'history' } })).toBe('fundRules.newFilings');
    expect(await fieldOf({ ...base, fundRules: { pdByYearOfLife: [1, -1] } })).toBe('fundRules.pdByYearOfLife[1]');
    expect(await fieldOf({ ...base, fundRules: { review: { months: -2 } } })).toMatch(/^fundRules\.review/);
    expect(await fieldOf({ ...base, fundRules: {}, topUp: { target: 0.05, years: 2 } })).toBe('topUp');
    expect(await fieldOf({ ...base, factorPersistence: 1 })).toBe('factorPersistence');
    expect(
      await fieldOf({
        ...base,
        portfolio: { source: 'csv', csv: 'id,grade,sector,outstanding,ratio,remainingYears\nL1,A,s,100000,0.4,soon' },
      }),
    ).toBe('portfolio.csv line 2, remainingYears');
  });
});
