/** A simulation worker: is sent a portfolio and spec, then the scenario ranges to run; kept for the next run. */
import { parentPort } from 'node:worker_threads';
import { simulateScenarios, type MonteCarloSpec, type Portfolio } from '../../core/risk';

let job: { portfolio: Portfolio; spec: MonteCarloSpec } | undefined;

parentPort!.on('message', (m: { type: 'load'; portfolio: Portfolio; spec: MonteCarloSpec } | { type: 'run'; from: number; to: number }) => {
  if (m.type === 'load') { job = { portfolio: m.portfolio, spec: m.spec }; return; }
  try {
    const block = simulateScenarios(job!.portfolio, job!.spec, m.from, m.to);
    parentPort!.postMessage({ ok: true, block }, [block.losses.buffer as ArrayBuffer, block.weights.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ ok: false, message: (e as Error).message });
  }
});
