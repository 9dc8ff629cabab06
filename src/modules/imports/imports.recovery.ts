/**
 * After a crash mid-import. The process running a job (its `holder`) writes its heartbeat every
 * HEARTBEAT_MS; a job still "running" whose heartbeat is older than STALE_AFTER_MS lost its process.
 * Its file is kept in the database while it runs (import_files), so every live server takes such a
 * job over (imports.jobs.ts `watch`: one process claims it, FOR UPDATE SKIP LOCKED) and resumes it
 * after its last committed line, filing nothing twice. A job whose file was not kept (its process
 * died before the file was stored, or a CLI import: the file is on that machine) cannot be taken
 * over: it is answered as `interrupted` (jobView) and marked so at start (recoverImports); the bank
 * uploads the same file again and the import resumes after the last committed line (imports are
 * resumable by content: same bank, same file, same job).
 *
 * The upload directories a crash left in $TMPDIR are removed at start: those this process does not
 * hold and that nobody touched for STALE_AFTER_MS (a running process touches its own every
 * UPLOAD_BEAT_MS, so several processes on one machine leave each other's alone).
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../shared/db';
import { PROCESS_ID } from '../shared/job-runs';
import { createImportsRepository, type ImportJobRow } from './imports.repository';
import { holdsUpload, UPLOAD_PREFIX } from './imports.upload';

export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 60_000;

/** A job whose process is gone: still "running" with an old heartbeat. */
export const lostJob = (j: Pick<ImportJobRow, 'status' | 'heartbeatAt'>, now = Date.now()) =>
  j.status === 'running' && now - j.heartbeatAt.getTime() > STALE_AFTER_MS;

/**
 * Writes the job's heartbeat every HEARTBEAT_MS while `holder` holds it, until the returned function
 * is called; stops by itself once another process has taken the job over (this one was thought dead).
 */
export function heartbeat(db: Db, jobId: string, holder = PROCESS_ID, onError?: (e: unknown) => void): () => void {
  const repo = createImportsRepository({ db });
  const timer = setInterval(
    () =>
      void repo
        .beat(jobId, holder)
        .then((held) => {
          if (!held) clearInterval(timer);
        })
        .catch((e: unknown) => onError?.(e)),
    HEARTBEAT_MS,
  );
  timer.unref();
  return () => clearInterval(timer);
}

/** Removes the upload directories in `dir` ($TMPDIR) that no process holds any more; answers their paths. */
export async function removeOrphanedUploads({
  dir = tmpdir(),
  now = Date.now(),
}: { dir?: string; now?: number } = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, name);
    if (!name.startsWith(UPLOAD_PREFIX) || holdsUpload(path)) continue;
    try {
      const self = await stat(path);
      if (!self.isDirectory()) continue;
      // The newest sign of use: the directory (touched while held) or a file being written in it.
      let newest = self.mtimeMs;
      for (const entry of await readdir(path)) newest = Math.max(newest, (await stat(join(path, entry))).mtimeMs);
      if (now - newest <= STALE_AFTER_MS) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Gone meanwhile (its process discarded it): nothing to do.
    }
  }
  return removed;
}

/**
 * At start: jobs left "running" by a process that is gone and whose file is not kept (no process
 * can take them over) are marked interrupted — every one when
 * this process alone uses the database (`exclusive`: the embedded database, locked), otherwise those
 * whose heartbeat is stale — and orphaned upload files are removed.
 */
export async function recoverImports({
  db,
  exclusive,
  uploadDir,
  now = new Date(),
}: {
  db: Db;
  exclusive: boolean;
  uploadDir?: string;
  now?: Date;
}): Promise<{ interrupted: ImportJobRow[]; removed: string[] }> {
  const interrupted = await createImportsRepository({ db }).interruptLost(
    exclusive ? { all: true } : { staleBefore: new Date(now.getTime() - STALE_AFTER_MS) },
  );
  const removed = await removeOrphanedUploads({ ...(uploadDir ? { dir: uploadDir } : {}), now: now.getTime() });
  return { interrupted, removed };
}
