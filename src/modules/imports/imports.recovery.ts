/**
 * After a crash mid-import. The process running a job writes its heartbeat every HEARTBEAT_MS; a
 * job still "running" whose heartbeat is older than STALE_AFTER_MS lost its process and is answered
 * as `interrupted` (jobView), and is marked so at start (recoverImports). It is not resumed by
 * itself: the uploaded file lived in $TMPDIR (gone after a reboot or a temp cleaner), and the
 * rest of the file would be filed on the day of the restart by whoever started it. The bank
 * uploads the same file again and the import resumes after the last committed line (imports are
 * resumable by content: same bank, same file, same job), filing nothing twice.
 *
 * The upload directories a crash left in $TMPDIR are removed at start: those this process does not
 * hold and that nobody touched for STALE_AFTER_MS (a running process touches its own every
 * UPLOAD_BEAT_MS, so several processes on one machine leave each other's alone).
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../shared/db';
import { createImportsRepository, type ImportJobRow } from './imports.repository';
import { holdsUpload, UPLOAD_PREFIX } from './imports.upload';

export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 60_000;

/** A job whose process is gone: still "running" with an old heartbeat. */
export const lostJob = (j: Pick<ImportJobRow, 'status' | 'heartbeatAt'>, now = Date.now()) =>
  j.status === 'running' && now - j.heartbeatAt.getTime() > STALE_AFTER_MS;

/** Writes the job's heartbeat every HEARTBEAT_MS until the returned function is called. */
export function heartbeat(db: Db, jobId: string, onError?: (e: unknown) => void): () => void {
  const repo = createImportsRepository({ db });
  const timer = setInterval(() => void repo.beat(jobId).catch((e: unknown) => onError?.(e)), HEARTBEAT_MS);
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
 * At start: jobs left "running" by a process that is gone are marked interrupted — every one when
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
