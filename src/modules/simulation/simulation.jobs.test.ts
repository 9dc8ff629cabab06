/**
 * Simulation jobs live in the database: a finished job is read back by another process (a new
 * jobs instance on the same database, as after a restart), and a job whose process died while it
 * ran is answered as failed, saying so.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import { runScenarios } from '../../adapters/workers/simulation-pool';
import { createSimulationJobs, STALE_AFTER_MS } from './simulation.jobs';
import { simulationJobs } from './simulation.table';
import { prepareSimulation } from './simulation.usecases';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const csv = [
  'id,grade,sector,outstanding,ratio',
  ...Array.from({ length: 40 }, (_, i) => `L${i},${i % 2 ? 'A' : 'B'},s${i % 3},${(i + 1) * 100000},0.4`),
].join('\n');
const request = { portfolio: { source: 'csv', csv }, pdByGrade: { A: 0.02, B: 0.05 }, scenarios: 500, seed: 11 };

describe('simulation jobs in the database', () => {
  it('keeps a finished job with its request and result for a process started later', async () => {
    const first = createSimulationJobs({
      db: database.db,
      runScenarios: (p, s, o) => runScenarios(p, s, { ...o, workers: 0 }),
    });
    const job = await first.start(await prepareSimulation({ input: request, policies: [] }), 'manager', request);
    expect(job).toMatchObject({ status: 'running', progress: 0, createdBy: 'manager' });
    await first.settled(job.id);
    const later = createSimulationJobs({ db: database.db, runScenarios });
    const read = await later.get(job.id);
    expect(read).toMatchObject({ id: job.id, status: 'done', progress: 1 });
    expect(read!.result!.variants[0]!.expectedLoss).toBeDefined();
    const [row] = await database.db.select().from(simulationJobs);
    expect(row!.request).toEqual(request);
    expect(await later.get('no-such-job')).toBeUndefined();
  });

  it('stores a request with U+0000 in a key or a string (which jsonb refuses) as U+FFFD', async () => {
    const jobs = createSimulationJobs({
      db: database.db,
      runScenarios: (p, s, o) => runScenarios(p, s, { ...o, workers: 0 }),
    });
    const odd = { ...request, note: 'a\u0000b', pdByGrade: { A: 0.02, B: 0.05 }, extra: { 'k\u0000': 1 } };
    const job = await jobs.start(await prepareSimulation({ input: request, policies: [] }), 'manager', odd);
    await jobs.settled(job.id);
    const [row] = await database.db.select().from(simulationJobs).where(eq(simulationJobs.id, job.id));
    expect(row!.request).toMatchObject({ note: 'a\uFFFDb', extra: { 'k\uFFFD': 1 } });
  });

  it('answers a job whose process stopped while it ran as failed, and says why', async () => {
    const long = new Date(Date.now() - STALE_AFTER_MS - 1_000);
    await database.db.insert(simulationJobs).values({
      id: 'orphan',
      status: 'running',
      progress: 0.4,
      request: {},
      createdBy: 'manager',
      startedAt: long,
      heartbeatAt: long,
    });
    const jobs = createSimulationJobs({ db: database.db, runScenarios });
    expect(await jobs.get('orphan')).toMatchObject({
      status: 'failed',
      progress: 0.4,
      error: expect.stringMatching(/interrupted/),
    });
    await database.db
      .insert(simulationJobs)
      .values({ id: 'alive', status: 'running', progress: 0.1, request: {}, createdBy: 'manager' });
    expect(await jobs.get('alive')).toMatchObject({ status: 'running' });
  });
});
