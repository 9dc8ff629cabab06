/**
 * Asynchronous simulation jobs. Jobs are kept in memory in this process: they are lost on a
 * restart and not shared between app processes (a simulation is cheap to run again); only the
 * newest MAX_JOBS are kept.
 */
import { randomUUID } from 'node:crypto';
import type { SimulationJob } from './simulation.types';
import { runSimulation, type PreparedSimulation, type ScenarioRunner } from './simulation.usecases';

export type { SimulationJob } from './simulation.types';

export const MAX_JOBS = 50;

export interface SimulationJobs {
  start: (prepared: PreparedSimulation, createdBy: string) => SimulationJob;
  get: (id: string) => SimulationJob | undefined;
  /** Resolves when the job has finished (for tests and shutdown). */
  settled: (id: string) => Promise<void>;
}

export function createSimulationJobs({ runScenarios, now = () => new Date(), onError }: { runScenarios: ScenarioRunner; now?: () => Date; onError?: (e: unknown) => void }): SimulationJobs {
  const jobs = new Map<string, { job: SimulationJob; done: Promise<void> }>();
  return {
    start(prepared, createdBy) {
      const job: SimulationJob = { id: randomUUID(), status: 'running', progress: 0, createdBy, startedAt: now().toISOString() };
      const done = runSimulation({ prepared, runScenarios, onProgress: (d, t) => { job.progress = d / t; } })
        .then((result) => { job.result = result; job.status = 'done'; job.progress = 1; })
        .catch((e: unknown) => { job.status = 'failed'; job.error = 'the simulation failed; it has been logged'; onError?.(e); })
        .finally(() => { job.finishedAt = now().toISOString(); });
      jobs.set(job.id, { job, done });
      while (jobs.size > MAX_JOBS) jobs.delete(jobs.keys().next().value!);
      return job;
    },
    get: (id) => jobs.get(id)?.job,
    settled: async (id) => { await jobs.get(id)?.done; },
  };
}
