/**
 * Asynchronous simulation jobs, kept in the database (simulation_jobs): a job and its result
 * outlive a restart and are seen by every app process. The process that runs a job writes its
 * progress and a heartbeat every few seconds; a job still "running" whose heartbeat is older than
 * STALE_AFTER_MS lost its process (a restart, a crash) and is answered as failed, saying so.
 */
import { randomUUID } from 'node:crypto';
import type { SimulationReport } from '../../core/risk/report';
import type { Db } from '../shared/db';
import type { SimulationJob } from './simulation.types';
import { findJob, insertJob, updateJob, type JobInsert, type JobRow } from './simulation.repository';
import { runSimulation, type PreparedSimulation, type ScenarioRunner } from './simulation.usecases';

export type { SimulationJob } from './simulation.types';

export const HEARTBEAT_MS = 2_000;
export const STALE_AFTER_MS = 30_000;

export interface SimulationJobs {
  start: (prepared: PreparedSimulation, createdBy: string, request: unknown) => Promise<SimulationJob>;
  get: (id: string) => Promise<SimulationJob | undefined>;
  /** Resolves when a job this process runs has finished (for tests and shutdown). */
  settled: (id: string) => Promise<void>;
}

/** The request as jsonb can hold it: jsonb refuses the character U+0000 in keys and strings, so it is stored as U+FFFD. */
function storable(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\0/g, '\uFFFD');
  if (Array.isArray(v)) return v.map(storable);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/\0/g, '\uFFFD'), storable(x)]));
  return v;
}

function viewOf(row: JobRow, now: Date): SimulationJob {
  const lost = row.status === 'running' && now.getTime() - row.heartbeatAt.getTime() > STALE_AFTER_MS;
  return {
    id: row.id,
    status: lost ? 'failed' : row.status,
    progress: row.progress,
    createdBy: row.createdBy,
    startedAt: row.startedAt.toISOString(),
    ...(row.finishedAt ? { finishedAt: row.finishedAt.toISOString() } : {}),
    ...(row.result ? { result: row.result as SimulationReport } : {}),
    ...(lost
      ? { error: 'the simulation was interrupted (its server stopped); start it again' }
      : row.error
        ? { error: row.error }
        : {}),
  };
}

export function createSimulationJobs({
  db,
  runScenarios,
  now = () => new Date(),
  onError,
}: {
  db: Db;
  runScenarios: ScenarioRunner;
  now?: () => Date;
  onError?: (e: unknown) => void;
}): SimulationJobs {
  const running = new Map<string, Promise<void>>();
  const update = (id: string, patch: Partial<JobInsert>) =>
    updateJob({ db, id, patch: { ...patch, heartbeatAt: now() } });

  async function run(id: string, prepared: PreparedSimulation) {
    let progress = 0;
    // The last heartbeat is awaited before the final write, so that it cannot land after it.
    let beating: Promise<unknown> = Promise.resolve();
    const beat = setInterval(() => {
      beating = update(id, { progress }).catch(onError);
    }, HEARTBEAT_MS);
    beat.unref();
    const stop = async () => {
      clearInterval(beat);
      await beating;
    };
    try {
      const result = await runSimulation({
        prepared,
        runScenarios,
        onProgress: (d, t) => {
          progress = d / t;
        },
      });
      await stop();
      await update(id, { status: 'done', progress: 1, result, finishedAt: now() });
    } catch (e) {
      await stop();
      onError?.(e);
      await update(id, {
        status: 'failed',
        progress,
        error: 'the simulation failed; it has been logged',
        finishedAt: now(),
      }).catch(onError);
    }
  }

  return {
    async start(prepared, createdBy, request) {
      const at = now();
      const row = await insertJob({
        db,
        job: {
          id: randomUUID(),
          status: 'running',
          progress: 0,
          request: storable(request ?? {}),
          createdBy,
          startedAt: at,
          heartbeatAt: at,
        },
      });
      const done = run(row.id, prepared).finally(() => running.delete(row.id));
      running.set(row.id, done);
      return viewOf(row, at);
    },
    async get(id) {
      const row = await findJob({ db, id });
      return row ? viewOf(row, now()) : undefined;
    },
    settled: async (id) => {
      await running.get(id);
    },
  };
}
