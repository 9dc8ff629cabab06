/**
 * Spreads a Monte Carlo run over worker threads. Scenarios are cut into chunks handed out as
 * workers come free; every scenario draws from its own seeded stream, and the blocks are merged
 * in scenario order, so the result is the same for any number of workers (or none). Workers are
 * started once (loading TypeScript through tsx takes a moment) and kept, unreferenced, for the
 * next run (`warmWorkers` starts them ahead); a worker that fails is dropped. A book's payouts are
 * copied once into shared memory and each worker is sent the book once: later runs of the same
 * book (another seed, more scenarios) send only the spec and the scenario ranges.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  blockBuffers,
  checkMonteCarloSpec,
  mergeBlocks,
  simulateScenarios,
  type MonteCarloSpec,
  type Portfolio,
  type ScenarioBlock,
} from '../../core/risk';
import { simulateBaseline } from '../../core/risk/baseline-monte-carlo';
import { buildReport, type ReportInput, type SimulationReport } from '../../core/risk/report';
import { stressFigures, type StressFigures, type StressFiguresInput } from '../../core/risk/stress';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);
const WORKER = new URL('./simulate.worker.ts', import.meta.url).href;

export interface RunOptions {
  /** Worker threads; 0 runs in this thread (default: one per core). */
  workers?: number;
  /** Called with scenarios done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Scenarios per chunk (default: about 16 chunks per worker). */
  chunk?: number;
  /**
   * 'simulator' (default): the geometric-skip Monte Carlo; 'baseline': the textbook one (one
   * uniform per loan, baseline-monte-carlo.ts) over the same threads and chunks, for the benchmark.
   */
  method?: SimulationMethod;
}

export type SimulationMethod = 'simulator' | 'baseline';

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

const idle: Worker[] = [];
/** Every worker started and not yet exited, idle or busy: what `stopWorkers` ends. */
const live = new Set<Worker>();
/** The book each worker holds now (by key). */
const holds = new WeakMap<Worker, number>();

interface SharedBook {
  key: number;
  portfolio: Portfolio;
}
const shared = new WeakMap<Portfolio, SharedBook>();
/** Payouts already in shared memory: a stressed portfolio (new cells, the same payouts) is not copied again. */
const sharedPayouts = new WeakMap<Float64Array, Float64Array>();
let nextKey = 1;

/**
 * The portfolio as workers get it: payouts and exposures in SharedArrayBuffers (copied once), no ids,
 * and of the labels only each loan's bank (the fund's rules, G4).
 */
function sharedBook(p: Portfolio): SharedBook {
  let s = shared.get(p);
  if (!s) {
    let payouts = sharedPayouts.get(p.payouts);
    if (!payouts) {
      payouts = new Float64Array(new SharedArrayBuffer(p.payouts.byteLength));
      payouts.set(p.payouts);
      sharedPayouts.set(p.payouts, payouts);
    }
    const { labels, ...rest } = p;
    // exposures for the fund's rules (the breaker's ratio, G4)
    const exposure = toShared(p.exposure);
    const bank = labels?.bank;
    s = { key: nextKey++, portfolio: { ...rest, payouts, exposure, ids: [], ...(bank ? { labels: { bank } } : {}) } };
    shared.set(p, s);
  }
  return s;
}

function toShared(a: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function takeWorkers(n: number): Worker[] {
  while (idle.length < n) {
    const w = new Worker(ENTRY, { workerData: { entry: WORKER } });
    w.unref();
    live.add(w);
    w.once('exit', () => live.delete(w));
    idle.push(w);
  }
  return idle.splice(0, n);
}

/**
 * Ends every worker and waits until each has stopped. The server calls it as it closes: a process
 * that exits while a worker is still loading its code (tsx's loader) can be killed by Node itself.
 */
export async function stopWorkers(): Promise<void> {
  idle.length = 0;
  await Promise.all([...live].map((w) => w.terminate()));
}

/** Starts workers up to `n` now and waits until each has loaded its code, so that the first simulation does not wait for them. */
export async function warmWorkers(n = defaultWorkers()): Promise<void> {
  const pool = takeWorkers(n);
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => {
              w.off('error', reject);
              resolve();
            });
            w.once('error', reject);
            w.postMessage({ type: 'ping' });
          }),
      ),
    );
  } finally {
    for (const w of pool) w.removeAllListeners('message').removeAllListeners('error');
    idle.push(...pool);
  }
}

function chunksOf(total: number, size: number): { from: number; to: number }[] {
  const out = [];
  for (let from = 0; from < total; from += size) out.push({ from, to: Math.min(total, from + size) });
  return out;
}

export async function runScenarios(
  portfolio: Portfolio,
  spec: MonteCarloSpec,
  { workers = defaultWorkers(), onProgress, chunk, method = 'simulator' }: RunOptions = {},
): Promise<ScenarioBlock> {
  checkMonteCarloSpec(spec);
  const total = spec.scenarios;
  const size = chunk ?? Math.max(1, Math.ceil(total / (Math.max(workers, 1) * 16)));
  const tasks = chunksOf(total, size);
  const blocks: ScenarioBlock[] = [];
  let done = 0;
  if (workers <= 0) {
    for (const t of tasks) {
      blocks.push((method === 'baseline' ? simulateBaseline : simulateScenarios)(portfolio, spec, t.from, t.to));
      done += t.to - t.from;
      onProgress?.(done, total);
      await new Promise((r) => setImmediate(r));
    }
    return mergeBlocks(blocks);
  }
  const pool = takeWorkers(Math.min(workers, tasks.length));
  const book = sharedBook(portfolio);
  const failed = new Set<Worker>();
  let next = 0;
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const fail = (e: Error) => {
              failed.add(w);
              reject(e);
            };
            const give = () => {
              const t = tasks[next++];
              if (t) w.postMessage({ type: 'run', key: book.key, spec, method, ...t });
              else resolve();
            };
            w.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
            w.on('message', (m: { ok: true; block: ScenarioBlock } | { ok: false; message: string }) => {
              if (!m.ok) {
                fail(new Error(m.message));
                return;
              }
              blocks.push(m.block);
              done += m.block.to - m.block.from;
              onProgress?.(done, total);
              give();
            });
            w.on('error', fail);
            w.on('exit', (code) => fail(new Error(`simulation worker stopped with code ${code}`)));
            if (holds.get(w) !== book.key) {
              w.postMessage({ type: 'load', key: book.key, portfolio: book.portfolio });
              holds.set(w, book.key);
            }
            give();
          }),
      ),
    );
  } finally {
    // after a failure the others may still be running a chunk of this run: none is reused
    for (const w of pool) {
      w.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
      if (failed.size > 0) void w.terminate();
      else idle.push(w);
    }
  }
  return mergeBlocks(blocks);
}

/** Runs one pure job on a worker thread, moving the given buffers there (the caller must not read them afterwards). */
async function onWorker<T>(message: unknown, moved: readonly ArrayBufferLike[]): Promise<T> {
  const [w] = takeWorkers(1);
  let failed = false;
  try {
    return await new Promise<T>((resolve, reject) => {
      const fail = (e: Error) => {
        failed = true;
        reject(e);
      };
      w!.on('message', (m: { ok: true; result: T } | { ok: false; message: string }) =>
        m.ok ? resolve(m.result) : fail(new Error(m.message)),
      );
      w!.on('error', fail);
      w!.on('exit', (code) => fail(new Error(`simulation worker stopped with code ${code}`)));
      w!.postMessage(
        message,
        [...new Set(moved)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer),
      );
    });
  } finally {
    w!.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
    if (failed) void w!.terminate();
    else idle.push(w!);
  }
}

/**
 * Builds a run's report on a worker thread (`workers` 0: here). The block's arrays are moved to the
 * worker, not copied: the caller must not read them afterwards.
 */
export async function buildReportOnWorker(
  input: ReportInput,
  { workers = defaultWorkers() }: { workers?: number } = {},
): Promise<SimulationReport> {
  if (workers <= 0) return buildReport(input);
  return onWorker<SimulationReport>({ type: 'report', input }, blockBuffers(input.block));
}

/** The stress table's figures of a stressed run, on a worker thread (`workers` 0: here); the block is moved there. */
export async function stressFiguresOnWorker(
  input: StressFiguresInput,
  { workers = defaultWorkers() }: { workers?: number } = {},
): Promise<StressFigures[]> {
  if (workers <= 0) return stressFigures(input);
  return onWorker<StressFigures[]>({ type: 'stress', input }, blockBuffers(input.block));
}
