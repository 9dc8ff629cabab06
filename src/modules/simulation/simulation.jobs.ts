/**
 * Asynchronous simulation jobs, kept in the database (simulation_jobs): a job and its result
 * outlive a restart and are seen by every app process. The process that runs a job (its `holder`)
 * writes its progress and a heartbeat every few seconds; a job still "running" whose heartbeat is
 * older than STALE_AFTER_MS lost its process (a restart, a crash, kill -9). Every server looks for
 * such jobs every TAKEOVER_EVERY_MS (`watch`): one process claims each (FOR UPDATE SKIP LOCKED),
 * prepares it again from its stored request and runs it from the start (a run is deterministic by
 * its seed). A process that was only slow, not dead, finds on its next write that it no longer
 * holds the job and stops writing. After MAX_ATTEMPTS starts the job is failed, saying so.
 */
import { randomUUID } from 'node:crypto';
import type { SimulationReport } from '../../core/risk/report';
import type { Db } from '../shared/db';
import { PROCESS_ID } from '../shared/job-runs';
import type { SimulationJob } from './simulation.types';
import { claimLostJob, findJob, insertJob, updateJob, type JobInsert, type JobRow } from './simulation.repository';
import {
  runSimulation,
  SimulationInputError,
  type PreparedSimulation,
  type ReportBuilder,
  type ScenarioRunner,
  type StressSummarizer,
} from './simulation.usecases';

export type { SimulationJob } from './simulation.types';

export const HEARTBEAT_MS = 2_000;
export const STALE_AFTER_MS = 30_000;
export const TAKEOVER_EVERY_MS = 5_000;
/** Starts of one job (the first and the takeovers) before it is failed. */
export const MAX_ATTEMPTS = 3;

export interface SimulationJobs {
  start: (prepared: PreparedSimulation, createdBy: string, request: unknown) => Promise<SimulationJob>;
  get: (id: string) => Promise<SimulationJob | undefined>;
  /** Resolves when a job this process runs has finished (for tests and shutdown). */
  settled: (id: string) => Promise<void>;
  /** Claims the jobs whose process died and runs them here; answers their ids. */
  takeOverLost: () => Promise<string[]>;
  /** Calls takeOverLost now and every `everyMs`; returns a stop function. */
  watch: (everyMs?: number) => () => void;
}

/** The request as jsonb can hold it: jsonb refuses the character U+0000 in keys and strings, so it is stored as U+FFFD. */
function storable(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\0/g, '\uFFFD');
  if (Array.isArray(v)) return v.map(storable);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/\0/g, '\uFFFD'), storable(x)]));
  return v;
}

/** A job whose process died and that no process will take over any more (it was started MAX_ATTEMPTS times). */
function viewOf(row: JobRow, now: Date): SimulationJob {
  const lost =
    row.status === 'running' &&
    row.attempts >= MAX_ATTEMPTS &&
    now.getTime() - row.heartbeatAt.getTime() > STALE_AFTER_MS;
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
  buildReport,
  summarizeStress,
  now = () => new Date(),
  onError,
  prepare,
  holder = PROCESS_ID,
  onTakeOver,
}: {
  db: Db;
  runScenarios: ScenarioRunner;
  buildReport?: ReportBuilder;
  summarizeStress?: StressSummarizer;
  now?: () => Date;
  onError?: (e: unknown) => void;
  /** Prepares a stored request again (a job taken over from a process that died); without it, lost jobs are not taken over. */
  prepare?: (request: unknown) => Promise<PreparedSimulation>;
  /** This process's name in `holder` (tests run several "processes" in one). */
  holder?: string;
  onTakeOver?: (job: { id: string; attempts: number; from: string | null }) => void;
}): SimulationJobs {
  const running = new Map<string, Promise<void>>();
  const update = (id: string, patch: Partial<JobInsert>) =>
    updateJob({ db, id, holder, patch: { ...patch, heartbeatAt: now() } });

  async function run(id: string, prepared: PreparedSimulation) {
    let progress = 0;
    // The last heartbeat is awaited before the final write, so that it cannot land after it.
    let beating: Promise<unknown> = Promise.resolve();
    const beat = setInterval(() => {
      beating = update(id, { progress })
        .then((held) => {
          if (!held) clearInterval(beat); // taken over: the other process writes from now on
        })
        .catch(onError);
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
        ...(buildReport ? { buildReport } : {}),
        ...(summarizeStress ? { summarizeStress } : {}),
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
          holder,
        },
      });
      runHere(row.id, prepared);
      return viewOf(row, at);
    },
    async get(id) {
      const row = await findJob({ db, id });
      return row ? viewOf(row, now()) : undefined;
    },
    settled: async (id) => {
      await running.get(id);
    },
    takeOverLost,
    watch(everyMs = TAKEOVER_EVERY_MS) {
      let busy = false;
      const tick = async () => {
        if (busy) return;
        busy = true;
        try {
          await takeOverLost();
        } catch (e) {
          onError?.(e);
        } finally {
          busy = false;
        }
      };
      void tick();
      const timer = setInterval(() => void tick(), everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };

  function runHere(id: string, prepared: PreparedSimulation) {
    const done = run(id, prepared).finally(() => running.delete(id));
    running.set(id, done);
  }

  async function takeOverLost(): Promise<string[]> {
    if (!prepare) return [];
    const taken: string[] = [];
    for (;;) {
      const at = now();
      const claimed = await claimLostJob({ db, holder, staleBefore: new Date(at.getTime() - STALE_AFTER_MS), now: at });
      if (!claimed) return taken;
      const { job, from } = claimed;
      onTakeOver?.({ id: job.id, attempts: job.attempts, from });
      taken.push(job.id);
      if (job.attempts > MAX_ATTEMPTS) {
        await update(job.id, {
          status: 'failed',
          error: `the simulation was interrupted ${MAX_ATTEMPTS} times (its server stopped); start it again`,
          finishedAt: at,
        });
        continue;
      }
      let prepared: PreparedSimulation;
      try {
        prepared = await prepare(job.request);
      } catch (e) {
        // The request no longer prepares (a programme it named is gone, the book is empty): say why.
        const why = e instanceof SimulationInputError ? e.message : '';
        if (!why) onError?.(e);
        await update(job.id, {
          status: 'failed',
          error: why
            ? `the simulation was interrupted and could not be started again: ${why}`
            : 'the simulation was interrupted and could not be started again; it has been logged',
          finishedAt: now(),
        });
        continue;
      }
      await update(job.id, { progress: 0 });
      runHere(job.id, prepared);
    }
  }
}
