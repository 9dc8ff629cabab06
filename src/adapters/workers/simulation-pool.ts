/**
 * Spreads a Monte Carlo run over worker threads. Scenarios are cut into chunks handed out as
 * workers come free; every scenario draws from its own seeded stream, and the blocks are merged
 * in scenario order, so the result is the same for any number of workers (or none). Workers are
 * started once (loading TypeScript through tsx takes a moment) and kept, unreferenced, for the
 * next run; a worker that fails is dropped.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkMonteCarloSpec, mergeBlocks, simulateScenarios, type MonteCarloSpec, type Portfolio, type ScenarioBlock } from '../../core/risk';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);
const WORKER = new URL('./simulate.worker.ts', import.meta.url).href;

export interface RunOptions {
  /** Worker threads; 0 runs in this thread (default: one per core). */
  workers?: number;
  /** Called with scenarios done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Scenarios per chunk (default: about 16 chunks per worker). */
  chunk?: number;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

const idle: Worker[] = [];

function takeWorkers(n: number): Worker[] {
  while (idle.length < n) {
    const w = new Worker(ENTRY, { workerData: { entry: WORKER } });
    w.unref();
    idle.push(w);
  }
  return idle.splice(0, n);
}

function chunksOf(total: number, size: number): { from: number; to: number }[] {
  const out = [];
  for (let from = 0; from < total; from += size) out.push({ from, to: Math.min(total, from + size) });
  return out;
}

export async function runScenarios(portfolio: Portfolio, spec: MonteCarloSpec, { workers = defaultWorkers(), onProgress, chunk }: RunOptions = {}): Promise<ScenarioBlock> {
  checkMonteCarloSpec(spec);
  const total = spec.scenarios;
  const size = chunk ?? Math.max(1, Math.ceil(total / (Math.max(workers, 1) * 16)));
  const tasks = chunksOf(total, size);
  const blocks: ScenarioBlock[] = [];
  let done = 0;
  if (workers <= 0) {
    for (const t of tasks) {
      blocks.push(simulateScenarios(portfolio, spec, t.from, t.to));
      done += t.to - t.from;
      onProgress?.(done, total);
      await new Promise((r) => setImmediate(r));
    }
    return mergeBlocks(blocks);
  }
  const pool = takeWorkers(Math.min(workers, tasks.length));
  const failed = new Set<Worker>();
  let next = 0;
  try {
    await Promise.all(pool.map((w) => new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => { failed.add(w); reject(e); };
      const give = () => {
        const t = tasks[next++];
        if (t) w.postMessage({ type: 'run', ...t });
        else resolve();
      };
      w.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
      w.on('message', (m: { ok: true; block: ScenarioBlock } | { ok: false; message: string }) => {
        if (!m.ok) { fail(new Error(m.message)); return; }
        blocks.push(m.block);
        done += m.block.to - m.block.from;
        onProgress?.(done, total);
        give();
      });
      w.on('error', fail);
      w.on('exit', (code) => fail(new Error(`simulation worker stopped with code ${code}`)));
      w.postMessage({ type: 'load', portfolio: { ...portfolio, ids: [] }, spec });
      give();
    })));
  } finally {
    for (const w of pool) {
      w.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
      if (failed.has(w)) void w.terminate();
      else idle.push(w);
    }
  }
  return mergeBlocks(blocks);
}
