/** A simulation worker: holds the portfolio and runs the scenario ranges it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { simulateScenarios, type MonteCarloSpec, type Portfolio } from '../../core/risk';

const { portfolio, spec } = workerData as { portfolio: Portfolio; spec: MonteCarloSpec };

parentPort!.on('message', (task: { from: number; to: number } | 'stop') => {
  if (task === 'stop') { process.exit(0); }
  try {
    const block = simulateScenarios(portfolio, spec, task.from, task.to);
    parentPort!.postMessage({ ok: true, block }, [block.losses.buffer as ArrayBuffer, block.weights.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ ok: false, message: (e as Error).message });
  }
});
