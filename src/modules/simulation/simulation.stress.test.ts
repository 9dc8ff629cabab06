/** Stress, reverse stress and top-up through POST /api/simulations: the job's result, and bad input refused naming the field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../test/http/harness';

let t: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const csv = [
  'id,grade,sector,outstanding,ratio',
  ...Array.from(
    { length: 60 },
    (_, i) => `L${i},${i % 2 ? 'A' : 'B'},${i % 3 ? 'software' : 'equipment'},${(i + 1) * 100000},0.4`,
  ),
].join('\n');
const base = {
  portfolio: { source: 'csv', csv },
  pdByGrade: { A: 0.02, B: 0.05 },
  scenarios: 1000,
  seed: 3,
  years: 2,
  fund: { cash: '1500000' },
};

interface Result {
  stress: { id: string; variants: { expectedLoss: string; exhaustion: { probability: number }[] }[] }[];
  reverseStress: { status: string; value?: number; statement: { zh: string; en: string } };
  topUp: { status: string; amount: string; step: string; probability: { after: number; oneStepLess?: number } };
}

let manager2: Awaited<ReturnType<typeof t.signIn>> | undefined;

describe('stress in POST /api/simulations', () => {
  it('runs the stress table, the reverse stress and the top-up in the job', async () => {
    const manager = await t.signIn('stress-manager', 'manager');
    const res = await manager('/api/simulations', {
      method: 'POST',
      body: {
        ...base,
        stress: [{ pdMultiplier: 2 }, { id: 'software shock', sectorShock: { sector: 'software', pdMultiplier: 3 } }],
        reverseStress: { target: 0.2, years: 2 },
        topUp: { target: 0.05, years: 2, step: '50000' },
      },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    let job: { status: string; progress: number; result?: Result };
    for (;;) {
      job = (await (await manager(`/api/simulations/${id}`)).json()) as typeof job;
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(job.status).toBe('done');
    expect(job.progress).toBe(1);
    const r = job.result!;
    expect(r.stress.map((s) => s.id)).toEqual(['baseline', 'PD ×2', 'software shock']);
    const el = r.stress.map((s) => Number(s.variants[0]!.expectedLoss));
    expect(el[1]!).toBeGreaterThan(el[0]!);
    expect(el[2]!).toBeGreaterThan(el[0]!);
    expect(r.stress[1]!.variants[0]!.exhaustion[1]!.probability).toBeGreaterThanOrEqual(
      r.stress[0]!.variants[0]!.exhaustion[1]!.probability,
    );
    expect(['found', 'baseline-exceeds', 'not-reached']).toContain(r.reverseStress.status);
    expect(r.reverseStress.statement.zh).toMatch(/资金在 2 年内耗尽的概率/);
    expect(r.topUp.amount).toMatch(/^\d+\.00$/);
    expect(Number(r.topUp.amount) % 50000).toBe(0);
    if (r.topUp.status === 'found') {
      expect(r.topUp.probability.after).toBeLessThanOrEqual(0.05);
      expect(r.topUp.probability.oneStepLess!).toBeGreaterThan(0.05);
    }
  });

  it.each([
    [{ stress: [{}] }, 'stress[0]', 'request.invalid'],
    [{ stress: [{ pdMultiplier: -1 }] }, 'stress[0].pdMultiplier', 'request.too_small'],
    [{ stress: [{ rho: 0.2 }, { rho: 1 }] }, 'stress[1].rho', 'request.too_big'],
    [
      { stress: [{ sectorShock: { sector: 'mining', pdMultiplier: 2 } }] },
      'stress[0].sectorShock.sector',
      'simulation.invalid_input',
    ],
    [{ stress: [{ pdMultiplier: 2, shock: 3 }] }, 'stress[0]', 'request.unrecognized_keys'],
    [{ reverseStress: { target: 1.5, years: 1 } }, 'reverseStress.target', 'request.too_big'],
    [{ reverseStress: { target: 0.05, years: 1, over: 'vol' } }, 'reverseStress.over', 'request.invalid_value'],
    [{ reverseStress: { target: 0.05, years: 3 } }, 'reverseStress.years', 'simulation.invalid_input'],
    [{ reverseStress: { target: 0.05, years: 1, max: 0.5 } }, 'reverseStress.max', 'simulation.invalid_input'],
    [{ fund: undefined, reverseStress: { target: 0.05, years: 1 } }, 'reverseStress', 'simulation.invalid_input'],
    [{ topUp: { target: 0.05, years: 1, step: '1.234' } }, 'topUp.step', 'request.invalid'],
    [{ topUp: { target: 0.05, years: 1, step: 10000 } }, 'topUp.step', 'request.invalid_type'],
    [{ fund: undefined, topUp: { target: 0.05, years: 1 } }, 'topUp', 'simulation.invalid_input'],
  ])('refuses %j naming %s', async (edit, field, code) => {
    manager2 ??= await t.signIn('stress-manager2', 'manager');
    const res = await manager2('/api/simulations', { method: 'POST', body: { ...base, ...edit } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { field: string; code: string; zh: string; en: string }[] };
    expect(body.errors[0]).toMatchObject({ field, code });
    expect(body.errors[0]!.en.length).toBeGreaterThan(0);
  });
});
