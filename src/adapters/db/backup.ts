/**
 * Backups of the embedded database: a gzipped tar of its data directory, taken by the process that
 * has it open (the server nightly, or `backstop backup` while no server runs), and restored into a
 * new directory with `backstop restore`. PostgreSQL is backed up with its own tools (pg_dump,
 * pg_basebackup); docs/OPERATIONS.md says how.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DataDirNotDatabaseError, LOCK_FILE, lockDataDir } from './data-dir-lock';
import { PGLITE_EXTENSIONS } from './extensions';

/** A backup that cannot be taken or restored as asked: one line for the operator. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/**
 * The data directory as a gzipped tar, consistent: taken inside a transaction (PGlite runs one at a
 * time, so none is half done in it) right after a checkpoint. Other requests wait while it is taken.
 */
export async function dumpPglite(client: PGlite): Promise<Uint8Array> {
  return client.transaction(async (tx) => {
    await tx.exec('checkpoint');
    const tar = await client.dumpDataDir('gzip');
    return new Uint8Array(await tar.arrayBuffer());
  });
}

/** Writes the backup whole or not at all: to a temporary name beside the file, then renamed. */
export function writeBackupFile(file: string, bytes: Uint8Array): void {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  try {
    writeFileSync(partial, bytes);
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { force: true }); // a disk that filled up is not kept full by the part written
    throw new BackupError(
      `${path}: cannot write the backup (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

const NIGHTLY = /^backstop-(\d{4}-\d{2}-\d{2})\.tar\.gz$/;

/** The server's nightly backup: `backstop-YYYY-MM-DD.tar.gz` in `dir`, keeping the newest `keep`. Returns the file written. */
export async function nightlyBackup({
  dump,
  dir,
  today,
  keep,
}: {
  dump: () => Promise<Uint8Array>;
  dir: string;
  today: string;
  keep: number;
}): Promise<string> {
  const file = join(resolve(dir), `backstop-${today}.tar.gz`);
  writeBackupFile(file, await dump());
  const nightly = readdirSync(dirname(file))
    .filter((f) => NIGHTLY.test(f))
    .sort();
  for (const old of nightly.filter((f) => f !== basename(file)).slice(0, Math.max(0, nightly.length - keep)))
    rmSync(join(dirname(file), old), { force: true });
  return file;
}

/**
 * Restores a backup into `dataDir`, which must not hold a database. It is unpacked and started in a
 * sibling directory and moved in with PG_VERSION last (as a new directory is made), so an
 * interrupted restore never leaves a half database where the server would open it.
 */
export async function restoreDataDir({ file, dataDir }: { file: string; dataDir: string }): Promise<void> {
  const dir = resolve(dataDir);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new BackupError(`${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (existsSync(join(dir, 'PG_VERSION')))
    throw new BackupError(
      `the data directory ${dir} holds a database already: restore into a new directory (set BACKSTOP_DATA), then swap it in`,
    );
  const unlock = lockDataDir(dir);
  try {
    const strangers = readdirSync(dir).filter((f) => f !== LOCK_FILE);
    if (strangers.length) throw new DataDirNotDatabaseError(dir, strangers);
    const staging = mkdtempSync(join(dirname(dir), `.${basename(dir)}.restoring-`));
    try {
      await unpack(file, bytes, staging);
      rmSync(join(staging, LOCK_FILE), { force: true }); // the lock of the process that took the backup
      for (const entry of readdirSync(staging).filter((e) => e !== 'PG_VERSION'))
        renameSync(join(staging, entry), join(dir, entry));
      renameSync(join(staging, 'PG_VERSION'), join(dir, 'PG_VERSION'));
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    unlock();
  }
}

/** Unpacks the tar and starts PostgreSQL on it once (recovery runs, as after a crash), or says the file is not a backup. */
async function unpack(file: string, bytes: Buffer, staging: string): Promise<void> {
  let client: PGlite | undefined;
  try {
    client = await PGlite.create({
      dataDir: staging,
      loadDataDir: new Blob([new Uint8Array(bytes)]),
      extensions: PGLITE_EXTENSIONS,
    });
    const { rows } = await client.query<{ ledger: string | null }>(
      `select to_regclass('public.ledger_accounts')::text as ledger`,
    );
    if (!rows[0]?.ledger) throw new Error('it holds no Backstop tables');
  } catch (e) {
    throw new BackupError(
      `${file} is not a backup of Backstop's embedded database (${(e as Error).message || 'it could not be opened'})`,
    );
  } finally {
    await client?.close().catch(() => {});
  }
  if (!existsSync(join(staging, 'PG_VERSION')))
    throw new BackupError(`${file} is not a backup of Backstop's embedded database (no PG_VERSION in it)`);
}
