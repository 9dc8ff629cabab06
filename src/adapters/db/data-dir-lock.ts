/**
 * One process per PGlite data directory: a lock file holding the owner's pid. A lock left by a
 * process that is gone (kill -9, power loss) is taken over; a live owner is a clear error.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the data directory ${dir} is in use by process ${pid}; stop it first or set BACKSTOP_DATA to another directory`,
    );
    this.name = 'DataDirLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A data directory that holds files but no database: an interrupted first start, or the wrong directory. */
export class DataDirNotDatabaseError extends Error {
  constructor(
    readonly dir: string,
    files: string[],
  ) {
    super(
      `the data directory ${dir} holds files but no database (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}): a first start that was interrupted, or another directory; empty it, or set BACKSTOP_DATA to another directory`,
    );
    this.name = 'DataDirNotDatabaseError';
  }
}

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'backstop.lock';

export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner))
        throw new DataDirLockedError(dir, owner);
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new DataDirLockedError(dir, -1);
}
