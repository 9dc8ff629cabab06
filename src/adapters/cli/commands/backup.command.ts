import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { formatVerifyReport, verifyLedger } from '../../../modules/ledger/ledger.verify';
import { restoreDataDir, writeBackupFile } from '../../db/backup';
import { DataDirLockedError } from '../../db/data-dir-lock';
import { openDatabase } from '../../db/database';
import { fail } from '../cli-errors';

const dataDirOf = () => resolve(process.env.BACKSTOP_DATA ?? './data');

function embeddedOnly(what: string, tool: string): void {
  if (process.env.DATABASE_URL)
    fail(
      `${what} is for the embedded database; with DATABASE_URL set, use PostgreSQL's own ${tool} (docs/OPERATIONS.md, "Backups")`,
    );
}

export function backupCommand(): Command {
  return new Command('backup')
    .description(
      'write a backup of the embedded database (BACKSTOP_DATA) to FILE, a .tar.gz (a running server writes one nightly with BACKSTOP_BACKUP_DIR)',
    )
    .argument('<file>', 'the backup to write')
    .action(async (file: string) => {
      embeddedOnly('backup', 'pg_dump');
      const dir = dataDirOf();
      if (!existsSync(join(dir, 'PG_VERSION'))) fail(`there is no database in ${dir} to back up (set BACKSTOP_DATA)`);
      const database = await openDatabase({ url: '', dataDir: dir }).catch((e: unknown) => {
        if (e instanceof DataDirLockedError)
          fail(`${e.message}; a running server backs itself up nightly when BACKSTOP_BACKUP_DIR is set`);
        throw e;
      });
      try {
        const bytes = await database.backup!();
        writeBackupFile(file, bytes);
        process.stdout.write(`backed up ${dir} to ${resolve(file)} (${bytes.byteLength} bytes)\n`);
      } finally {
        await database.close();
      }
    });
}

export function restoreCommand(): Command {
  return new Command('restore')
    .description(
      'restore a backup into BACKSTOP_DATA, which must not hold a database yet, then check the ledger and the audit chain (exit 1 on a violation)',
    )
    .argument('<file>', 'a backup written by `backstop backup` or the nightly backup')
    .action(async (file: string) => {
      embeddedOnly('restore', 'pg_restore');
      const dir = dataDirOf();
      await restoreDataDir({ file, dataDir: dir });
      // Opened as the server opens it: migrations bring an older backup up to this version.
      const database = await openDatabase({ url: '', dataDir: dir });
      try {
        const report = await verifyLedger({ db: database.db });
        process.stdout.write(`restored ${resolve(file)} into ${dir}\n${formatVerifyReport(report)}\n`);
        if (!report.ok) process.exitCode = 1;
      } finally {
        await database.close();
      }
    });
}
