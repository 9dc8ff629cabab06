/**
 * Import jobs run by the app's processes, in the shape of the simulation jobs
 * (simulation.jobs.ts). The process that runs a job (its `holder`) keeps the uploaded file in the
 * database (import_files) while it files the rows, and writes a heartbeat every HEARTBEAT_MS
 * (imports.recovery.ts). A job still "running" whose heartbeat is older than STALE_AFTER_MS lost
 * its process (a crash, kill -9): every server looks for such jobs every TAKEOVER_EVERY_MS
 * (`watch`); one process claims each (FOR UPDATE SKIP LOCKED), writes the kept file to its own
 * temporary directory and resumes the job after its last committed line, as the one who started
 * it. Chunks commit under the job's lock and only by its holder (imports.usecases fileChunk), so
 * no row is filed twice and a limit is reserved once per filing. A process that was only slow,
 * not dead, finds at its next chunk that it no longer holds the job and stops. After MAX_ATTEMPTS
 * starts the job is failed, saying so; the bank can upload the same file again to resume it.
 */
import type { Actor } from '../auth/access';
import type { Db } from '../shared/db';
import { PROCESS_ID } from '../shared/job-runs';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { importFailures } from './imports.errors';
import { inspectFile, type FileInspection } from './imports.file';
import { heartbeat, STALE_AFTER_MS } from './imports.recovery';
import { createImportsRepository, type ImportJobRow } from './imports.repository';
import { uploadFile } from './imports.upload';
import { ImportTakenOver, runImport, type RunHooks } from './imports.usecases';

export const TAKEOVER_EVERY_MS = 5_000;
/** Starts of one job (the first and the takeovers) before it is failed. */
export const MAX_ATTEMPTS = 3;

export interface ImportJobs {
  /** This process's name in import_jobs.holder. */
  holder: string;
  /** Whether this process runs the job now (a second upload of the same file does not start a second run). */
  runs: (id: string) => boolean;
  /**
   * Runs a job this process has claimed (imports.usecases claimImport) on the file at `path`: keeps
   * the file in the database for a takeover, files its rows, then calls `discard` (the local file).
   */
  start: (run: {
    job: ImportJobRow;
    actor: Actor;
    path: string;
    inspection: FileInspection;
    discard: () => Promise<void>;
  }) => void;
  /** Resolves when a job this process runs has finished (for tests and shutdown). */
  settled: (id: string) => Promise<void>;
  /** Claims the jobs whose process died and resumes them here; answers their ids. */
  takeOverLost: () => Promise<string[]>;
  /** Calls takeOverLost now and every `everyMs`; returns a stop function. */
  watch: (everyMs?: number) => () => void;
  /**
   * Stops this process's runs between chunks (shutdown) and resolves once they have stopped: their
   * jobs stay "running" without a heartbeat, so that another process (or this server started
   * again) takes them over.
   */
  stop: () => Promise<void>;
}

export function createImportJobs({
  db,
  catalog,
  today,
  holder = PROCESS_ID,
  chunkRows,
  hooks,
  onError,
  onTakeOver,
}: {
  db: Db;
  catalog: () => PolicyCatalog;
  today: () => string;
  /** This process's name in `holder` (tests run several "processes" in one). */
  holder?: string;
  /** Rows per chunk (tests); runImport's default otherwise. */
  chunkRows?: number;
  /** Tests: called in each chunk's transaction (runImport). */
  hooks?: RunHooks;
  onError?: (e: unknown, job: { id: string }) => void;
  onTakeOver?: (job: { id: string; attempts: number; from: string | null; lastLine: number }) => void;
}): ImportJobs {
  const repo = createImportsRepository({ db });
  const running = new Map<string, Promise<void>>();
  const stopping = new AbortController();

  async function run({
    job,
    actor,
    path,
    inspection,
  }: {
    job: ImportJobRow;
    actor: Actor;
    path: string;
    inspection: FileInspection;
  }): Promise<void> {
    // The file is kept while the rows are filed: a process that dies before it is kept whole leaves
    // a job no other process can take over (the bank uploads it again).
    const kept = repo.keepFile(job.id, path, actor).then(
      () => true,
      (e: unknown) => {
        onError?.(e, job);
        return false;
      },
    );
    try {
      const ended = await runImport({
        db,
        catalog: catalog(),
        actor,
        today: today(),
        job,
        path,
        inspection,
        holder,
        signal: stopping.signal,
        ...(chunkRows ? { chunkRows } : {}),
        ...(hooks ? { hooks } : {}),
      });
      await kept;
      if (ended.status === 'done') await repo.dropFile(job.id);
    } catch (e) {
      await kept;
      // Taken over by another process (this one was thought dead): that one finishes it.
      if (!(e instanceof ImportTakenOver)) onError?.(e, job);
    }
  }

  function runHere(job: ImportJobRow, go: () => Promise<void>, discard: () => Promise<void>) {
    const done = go()
      .catch((e: unknown) => onError?.(e, job))
      .finally(() => {
        running.delete(job.id);
        return discard().catch(() => {});
      });
    running.set(job.id, done);
  }

  async function takeOverLost(): Promise<string[]> {
    const taken: string[] = [];
    for (;;) {
      if (stopping.signal.aborted) return taken;
      const claimed = await repo.claimLost({ holder, staleBefore: new Date(Date.now() - STALE_AFTER_MS) });
      if (!claimed) return taken;
      const { job, from } = claimed;
      onTakeOver?.({ id: job.id, attempts: job.attempts, from, lastLine: job.lastLine });
      taken.push(job.id);
      if (job.attempts > MAX_ATTEMPTS) {
        await repo.setStatus(job.id, 'failed', holder, importFailures.interruptedTooOften(MAX_ATTEMPTS, job.lastLine));
        await repo.dropFile(job.id);
        continue;
      }
      if (job.fileParts === null || !job.actor) {
        await repo.setStatus(job.id, 'interrupted', holder, importFailures.fileNotKept(job.lastLine));
        continue;
      }
      // Beats while the kept file is written here and looked over, before the run beats by itself.
      const stopBeating = heartbeat(db, job.id, holder);
      const local = await uploadFile();
      let inspection: FileInspection;
      try {
        if (!(await repo.readFile(job.id, local.path))) {
          await repo.setStatus(job.id, 'interrupted', holder, importFailures.fileNotKept(job.lastLine));
          await local.discard();
          continue;
        }
        inspection = await inspectFile(local.path);
      } catch (e) {
        onError?.(e, job);
        await repo.setStatus(job.id, 'failed', holder, importFailures.notResumed(job.lastLine)).catch(() => {});
        await local.discard();
        continue;
      } finally {
        stopBeating();
      }
      const actor = job.actor;
      runHere(job, () => run({ job, actor, path: local.path, inspection }), local.discard);
    }
  }

  return {
    holder,
    runs: (id) => running.has(id),
    start({ job, actor, path, inspection, discard }) {
      if (stopping.signal.aborted) {
        void discard();
        return;
      }
      runHere(job, () => run({ job, actor, path, inspection }), discard);
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
          onError?.(e, { id: '' });
        } finally {
          busy = false;
        }
      };
      void tick();
      const timer = setInterval(() => void tick(), everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
    async stop() {
      stopping.abort();
      await Promise.allSettled([...running.values()]);
    },
  };
}
