/**
 * A simulation worker: is sent a book once ('load': the portfolio, its payouts in shared memory,
 * under a key), then runs scenario ranges of it ('run': key, spec, from, to, and the method: the simulator or the benchmark's baseline); it keeps the last
 * book for the next run, so a book is sent to each worker once, not once per run. 'report' builds
 * a run's report from its merged scenarios (seconds of sorting and replaying at a million
 * scenarios, kept off the thread that answers requests); 'stress' the stress table's figures of a
 * stressed run. 'ping' is answered once the worker's code
 * has loaded (the pool's warm-up).
 */
import { parentPort } from 'node:worker_threads';
import { blockBuffers, simulateScenarios, type MonteCarloSpec, type Portfolio } from '../../core/risk';
import { simulateBaseline } from '../../core/risk/baseline-monte-carlo';
import { buildReport, type ReportInput } from '../../core/risk/report';
import { stressFigures, type StressFiguresInput } from '../../core/risk/stress';

let loaded: { key: number; portfolio: Portfolio } | undefined;

type Message =
  | { type: 'ping' }
  | { type: 'load'; key: number; portfolio: Portfolio }
  | { type: 'report'; input: ReportInput }
  | { type: 'stress'; input: StressFiguresInput }
  | { type: 'run'; key: number; spec: MonteCarloSpec; from: number; to: number; method?: 'simulator' | 'baseline' };

parentPort!.on('message', (m: Message) => {
  if (m.type === 'ping') {
    parentPort!.postMessage({ type: 'ready' });
    return;
  }
  if (m.type === 'load') {
    loaded = { key: m.key, portfolio: m.portfolio };
    return;
  }
  if (m.type === 'report' || m.type === 'stress') {
    try {
      parentPort!.postMessage({
        ok: true,
        result: m.type === 'report' ? buildReport(m.input) : stressFigures(m.input),
      });
    } catch (e) {
      parentPort!.postMessage({ ok: false, message: (e as Error).message });
    }
    return;
  }
  try {
    if (loaded?.key !== m.key) throw new Error(`simulation worker: book ${m.key} was not loaded`);
    const run = m.method === 'baseline' ? simulateBaseline : simulateScenarios;
    const block = run(loaded.portfolio, m.spec, m.from, m.to);
    parentPort!.postMessage({ ok: true, block }, blockBuffers(block) as ArrayBuffer[]);
  } catch (e) {
    parentPort!.postMessage({ ok: false, message: (e as Error).message });
  }
});
