/**
 * Several app processes behind one port (`backstop serve --workers N`, or BACKSTOP_WORKERS=N):
 * node:cluster's primary forks N workers, each a whole server (startServer) on the same port, the
 * primary handing connections round-robin. Everything the processes share lives in PostgreSQL
 * (sessions, sign-in limits, Idempotency-Keys, imports, simulation jobs, the once-a-day jobs), so
 * they are interchangeable. The primary serves nothing and opens no database: it forks the first
 * worker and the others once it is ready (so one migrates and seeds the demo, the others find it
 * done), restarts a worker that dies (after a pause that grows while they keep dying early), and on
 * SIGTERM or SIGINT passes the signal on and exits when they have finished.
 * The embedded database (PGlite) belongs to one process: N > 1 is refused without DATABASE_URL.
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { createLogger } from '../logger';

export const READY_MESSAGE = 'backstop:ready';
/** A worker that dies sooner than this after its start is restarted after a pause (1 s, doubling up to 30 s). */
const EARLY_DEATH_MS = 10_000;
const MAX_PAUSE_MS = 30_000;

export class WorkersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkersError';
  }
}

/** The number of app processes from `--workers` (or BACKSTOP_WORKERS): a whole number from 1, or `auto` (one per core). */
export function workerCount(value: string | undefined, databaseUrl = process.env.DATABASE_URL): number {
  const text = (value ?? '1').trim();
  const n = text === 'auto' ? availableParallelism() : /^[1-9]\d{0,2}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n))
    throw new WorkersError(
      `--workers (BACKSTOP_WORKERS): must be a whole number of processes from 1 or "auto", not "${text}"`,
    );
  if (n > 1 && !databaseUrl)
    throw new WorkersError(
      `--workers ${text}: several processes need PostgreSQL (set DATABASE_URL); the embedded database (PGlite) is one process's`,
    );
  return n;
}

/** Tells the primary this worker serves (its demo, if any, seeded). */
export function reportReady(): void {
  if (cluster.isWorker) process.send?.(READY_MESSAGE);
}

/** The primary: forks `count` workers, keeps them running, stops them on SIGTERM/SIGINT. Resolves when they have all stopped. */
export function runPrimary({ count }: { count: number }): Promise<void> {
  const logger = createLogger();
  let stopping = false;
  let pause = 1_000;
  const started = new Map<Worker, number>();
  const fork = () => {
    const w = cluster.fork();
    started.set(w, Date.now());
    return w;
  };
  const first = fork();
  const forkRest = () => {
    for (let i = 1; i < count && !stopping; i++) fork();
  };
  const onFirstReady = (m: unknown) => {
    if (m !== READY_MESSAGE) return;
    first.off('message', onFirstReady);
    forkRest();
  };
  first.on('message', onFirstReady);
  process.stdout.write(`Backstop 兜底: ${count} app processes (node:cluster), primary ${process.pid}\n`);

  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      const lived = Date.now() - (started.get(worker) ?? Date.now());
      started.delete(worker);
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve();
        return;
      }
      const early = lived < EARLY_DEATH_MS;
      const wait = early ? pause : 0;
      pause = early ? Math.min(MAX_PAUSE_MS, pause * 2) : 1_000;
      logger.error(
        { worker: worker.process.pid, code, signal, restartInMs: wait },
        'an app process stopped; a new one is started',
      );
      const replacement = setTimeout(() => {
        if (stopping) return;
        const w = fork();
        // The first worker died before it was ready: the others start with its replacement.
        if (worker === first && started.size === 1) w.on('message', (m) => m === READY_MESSAGE && forkRest());
      }, wait);
      replacement.unref();
    });
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
      if (workers.length === 0) resolve();
      for (const w of workers) w.process.kill(signal);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
