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

describe('POST /api/simulations and GET /api/simulations/{id}', () => {
  it('runs a job in the background and returns the what-if result', async () => {
    const manager = await t.signIn('sim-manager', 'manager');
    const res = await manager('/api/simulations', {
      method: 'POST',
      body: {
        portfolio: { source: 'csv', csv },
        pdByGrade: { A: 0.02, B: 0.05 },
        variants: [{}, { ratio: '0.5' }],
        scenarios: 2000,
        seed: 3,
        years: 2,
        fund: { cash: '500000' },
      },
    });
    expect(res.status).toBe(202);
    const { id, status } = (await res.json()) as { id: string; status: string };
    expect(status).toBe('running');
    await t.services.app.request('/api/health'); // the job runs on worker threads meanwhile
    let job: {
      status: string;
      progress: number;
      result?: { whatIf: { measure: string; values: string[] }[]; variants: { exhaustion: unknown[] }[] };
    };
    for (;;) {
      job = (await (await manager(`/api/simulations/${id}`)).json()) as typeof job;
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(job.status).toBe('done');
    expect(job.progress).toBe(1);
    const el = job.result!.whatIf.find((r) => r.measure === 'expected loss (exact)')!.values.map(Number);
    expect(el[1]! / el[0]!).toBeCloseTo(1.25, 9);
    expect(job.result!.variants[0]!.exhaustion).toHaveLength(2);
  });

  it('names the field of a bad request, refuses other roles and answers 404 for an unknown job', async () => {
    const reviewer = await t.signIn('sim-reviewer', 'reviewer');
    const bad = await reviewer('/api/simulations', {
      method: 'POST',
      body: { portfolio: { source: 'csv', csv }, pdByGrade: { A: 0.02 } },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('pdByGrade.B');
    const badCell = await reviewer('/api/simulations', {
      method: 'POST',
      body: {
        portfolio: { source: 'csv', csv: 'id,grade,sector,outstanding\nL1,A,s,12.345' },
        pdByGrade: { A: 0.02 },
        variants: [{ programme: 'etown-2025-sci-tech' }],
      },
    });
    expect(((await badCell.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe(
      'portfolio.csv line 2, outstanding',
    );
    const badRho = await reviewer('/api/simulations', {
      method: 'POST',
      body: { portfolio: { source: 'book' }, pdByGrade: {}, correlation: { rho: 1.5 } },
    });
    expect(((await badRho.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('correlation.rho');
    const bank = await t.signIn('sim-bank', 'bank', { bankId: 'bank-x' });
    expect(
      (await bank('/api/simulations', { method: 'POST', body: { portfolio: { source: 'book' }, pdByGrade: {} } }))
        .status,
    ).toBe(403);
    expect((await reviewer('/api/simulations/nope')).status).toBe(404);
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/simulations', '/api/simulations/{id}', '/api/simulations/book']),
    );
  });

  it("lists the live book's grades and sectors with their history; a PD from history needs the live book", async () => {
    const manager = await t.signIn('sim-manager3', 'manager');
    const res = await manager('/api/simulations/book');
    expect(res.status).toBe(200);
    const book = (await res.json()) as {
      asOf: string;
      loans: number;
      grades: unknown[];
      sectors: unknown[];
      minLoanYears: number;
    };
    expect(book).toMatchObject({
      loans: expect.any(Number) as unknown,
      grades: expect.any(Array) as unknown,
      sectors: expect.any(Array) as unknown,
      minLoanYears: 1,
    });
    expect(book.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const bank = await t.signIn('sim-bank3', 'bank', { bankId: 'bank-x' });
    expect((await bank('/api/simulations/book')).status).toBe(403);
    const csvHistory = await manager('/api/simulations', {
      method: 'POST',
      body: { portfolio: { source: 'csv', csv }, pd: 'history', pdByGrade: { A: 0.02, B: 0.05 } },
    });
    expect(csvHistory.status).toBe(400);
    expect(((await csvHistory.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('pd');
    const badMode = await manager('/api/simulations', {
      method: 'POST',
      body: { portfolio: { source: 'csv', csv }, pd: 'guess', pdByGrade: { A: 0.02, B: 0.05 } },
    });
    expect(((await badMode.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('pd');
  });
});
