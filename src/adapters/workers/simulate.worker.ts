/**
 * A simulation worker: is sent a book once ('load': the portfolio, its payouts in shared memory,
 * under a key), then runs scenario ranges of it ('run': key, spec, from, to); it keeps the last
 * book for the next run, so a book is sent to each worker once, not once per run. 'ping' is
 * answered once the worker's code has loaded (the pool's warm-up).
 */
import { parentPort } from 'node:worker_threads';
import { simulateScenarios, type MonteCarloSpec, type Portfolio } from '../../core/risk';

let loaded: { key: number; portfolio: Portfolio } | undefined;

type Message =
  | { type: 'ping' }
  | { type: 'load'; key: number; portfolio: Portfolio }
  | { type: 'run'; key: number; spec: MonteCarloSpec; from: number; to: number };

parentPort!.on('message', (m: Message) => {
  if (m.type === 'ping') {
    parentPort!.postMessage({ type: 'ready' });
    return;
  }
  if (m.type === 'load') {
    loaded = { key: m.key, portfolio: m.portfolio };
    return;
  }
  try {
    if (loaded?.key !== m.key) throw new Error(`simulation worker: book ${m.key} was not loaded`);
    const block = simulateScenarios(loaded.portfolio, m.spec, m.from, m.to);
    parentPort!.postMessage({ ok: true, block }, [
      block.losses.buffer as ArrayBuffer,
      block.weights.buffer as ArrayBuffer,
    ]);
  } catch (e) {
    parentPort!.postMessage({ ok: false, message: (e as Error).message });
  }
});
