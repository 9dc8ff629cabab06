/**
 * Simulation jobs live in the database: a finished job is read back by another process (a new
 * jobs instance on the same database, as after a restart); a job whose process died while it ran
 * is claimed by one other process and run to the end there, and after MAX_ATTEMPTS starts it is
 * answered as failed, saying so.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import { runScenarios } from '../../adapters/workers/simulation-pool';
import { createSimulationJobs, MAX_ATTEMPTS, STALE_AFTER_MS } from './simulation.jobs';
import { updateJob } from './simulation.repository';
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

  it('answers a job whose process stopped and that was started MAX_ATTEMPTS times as failed, and says why', async () => {
    const long = new Date(Date.now() - STALE_AFTER_MS - 1_000);
    await database.db.insert(simulationJobs).values({
      id: 'orphan',
      status: 'running',
      progress: 0.4,
      request: {},
      createdBy: 'manager',
      startedAt: long,
      heartbeatAt: long,
      attempts: MAX_ATTEMPTS,
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
    await database.db.delete(simulationJobs).where(eq(simulationJobs.status, 'running'));
  });

  it('has a job whose process died taken over by one other process, run there from its request, and the old process shut out', async () => {
    const long = new Date(Date.now() - STALE_AFTER_MS - 1_000);
    await database.db.insert(simulationJobs).values({
      id: 'lost',
      status: 'running',
      progress: 0.3,
      request,
      createdBy: 'manager',
      startedAt: long,
      heartbeatAt: long,
      holder: 'dead-process',
    });
    const taken: { id: string; attempts: number; from: string | null }[] = [];
    const processOf = (holder: string) =>
      createSimulationJobs({
        db: database.db,
        runScenarios: (p, s, o) => runScenarios(p, s, { ...o, workers: 0 }),
        prepare: (input) => prepareSimulation({ input, policies: [] }),
        holder,
        onTakeOver: (j) => taken.push(j),
      });
    const [a, b] = [processOf('process-a'), processOf('process-b')];
    // A lost job that looks alive to the view (it will be taken over), not failed.
    expect(await a.get('lost')).toMatchObject({ status: 'running' });
    const [byA, byB] = await Promise.all([a.takeOverLost(), b.takeOverLost()]);
    expect([...byA, ...byB]).toEqual(['lost']);
    expect(taken).toEqual([{ id: 'lost', attempts: 2, from: 'dead-process' }]);
    const winner = byA.length ? a : b;
    await winner.settled('lost');
    const [row] = await database.db.select().from(simulationJobs).where(eq(simulationJobs.id, 'lost'));
    expect(row).toMatchObject({
      status: 'done',
      progress: 1,
      attempts: 2,
      holder: byA.length ? 'process-a' : 'process-b',
    });
    expect(row!.result).toBeTruthy();
    // The process thought dead writes nothing any more.
    expect(await updateJob({ db: database.db, id: 'lost', holder: 'dead-process', patch: { progress: 0.5 } })).toBe(
      false,
    );
    expect(await a.takeOverLost()).toEqual([]);
  });

  it('fails a lost job that can no longer be prepared, naming why', async () => {
    const long = new Date(Date.now() - STALE_AFTER_MS - 1_000);
    await database.db.insert(simulationJobs).values({
      id: 'unpreparable',
      status: 'running',
      request: { ...request, variants: [{ programme: 'no-such-programme' }] },
      createdBy: 'manager',
      startedAt: long,
      heartbeatAt: long,
    });
    const jobs = createSimulationJobs({
      db: database.db,
      runScenarios,
      prepare: (input) => prepareSimulation({ input, policies: [] }),
    });
    expect(await jobs.takeOverLost()).toEqual(['unpreparable']);
    expect(await jobs.get('unpreparable')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/interrupted and could not be started again: variants/),
    });
  });
});
