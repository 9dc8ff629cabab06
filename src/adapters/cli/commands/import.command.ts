/**
 * `backstop import filings FILE --bank ID`: a bank's file of loans filed in bulk, on the database
 * `serve` uses (BACKSTOP_DATA, or DATABASE_URL). A progress bar on stderr, the summary on stdout;
 * Ctrl-C stops between chunks and running the same command again resumes. Bad input (no such file,
 * unreadable file, unknown bank) exits 2 naming the problem.
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { userInfo } from 'node:os';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Actor } from '../../../modules/auth/access';
import { hashFile } from '../../../modules/imports/imports.file';
import { errorReportLines } from '../../../modules/imports/imports.report';
import { openImport, runImport } from '../../../modules/imports/imports.usecases';
import { loadPolicyFiles } from '../../../modules/programmes/policy-files';
import { createProgrammesRepository } from '../../../modules/programmes/programmes.repository';
import { loadPolicyCatalog, syncPolicyFiles } from '../../../modules/programmes/programmes.usecases';
import { Problem } from '../../../modules/shared/problem';
import { beijingToday } from '../../../modules/shared/clock';
import { openDatabase } from '../../db/database';
import { fail } from '../cli-errors';
import { loadWorkingCalendar } from '../../../modules/calendar/calendar.usecases';

interface Options {
  bank: string;
  as?: string;
  errors?: string;
  chunk: string;
}

async function importFilings(file: string, opts: Options) {
  if (!existsSync(file) || !statSync(file).isFile()) fail(`${file}: no such file`);
  const chunkRows = Number(opts.chunk);
  if (!Number.isInteger(chunkRows) || chunkRows < 1 || chunkRows > 5000)
    fail(`--chunk: must be a whole number of rows from 1 to 5000, got ${opts.chunk}`);
  const username = opts.as ?? `cli:${userInfo().username}`;
  const actor: Actor = {
    userId: username,
    username,
    displayName: username,
    role: 'manager',
    bankId: null,
    guarantorId: null,
    via: 'token',
  };
  const database = await openDatabase();
  const stop = new AbortController();
  const onSignal = () => {
    process.stderr.write('\nstopping after the chunk in progress; run the same command again to resume\n');
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const programmes = createProgrammesRepository({ db: database.db });
    await syncPolicyFiles({ repo: programmes, files: loadPolicyFiles() });
    const catalog = await loadPolicyCatalog({
      repo: programmes,
      calendar: await loadWorkingCalendar({ db: database.db }),
    });
    const { hash, bytes } = await hashFile(file);
    let opened;
    try {
      opened = await openImport({
        db: database.db,
        actor,
        bankId: opts.bank,
        fileName: file.split(/[\\/]/).at(-1)!,
        path: file,
        fileHash: hash,
        bytes,
      });
    } catch (e) {
      if (e instanceof Problem)
        fail(
          e.errors
            .map((x) => `${x.field === 'bankId' ? '--bank' : x.field === 'file' ? file : x.field}: ${x.en}`)
            .join('; '),
        );
      throw e;
    }
    const { job, inspection } = opened;
    if (!opened.created)
      process.stderr.write(
        job.status === 'done'
          ? 'this file was imported before for this bank; nothing is filed twice\n'
          : `resuming after line ${job.lastLine}\n`,
      );
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format:
          '{bar} {percentage}% | line {value}/{total} | filed {filed} · duplicates {duplicates} · rejected {rejected}',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    if (job.status !== 'done')
      bar.start(inspection.lastLine, job.lastLine, {
        filed: job.filed,
        duplicates: job.duplicates,
        rejected: job.rejected,
      });
    const done = await runImport({
      db: database.db,
      catalog,
      actor,
      today: beijingToday(),
      job,
      path: file,
      inspection,
      chunkRows,
      signal: stop.signal,
      onProgress: (p) => bar.update(p.lastLine, { filed: p.filed, duplicates: p.duplicates, rejected: p.rejected }),
    });
    bar.stop();
    const errorsFile = opts.errors ?? `${file}.errors.csv`;
    if (done.rejected + done.duplicates > 0) {
      const out = createWriteStream(errorsFile);
      for await (const line of errorReportLines({ db: database.db, jobId: done.id }))
        if (!out.write(line)) await once(out, 'drain');
      out.end();
      await once(out, 'finish');
    }
    process.stdout.write(
      `${done.status === 'done' ? 'imported' : `stopped at line ${done.lastLine} (run again to resume)`}: ${inspection.rows} rows in ${file} for ${done.bankId} — filed ${done.filed}, duplicates ${done.duplicates}, rejected ${done.rejected}${done.rejected + done.duplicates > 0 ? `; error report ${errorsFile}` : ''} (job ${done.id})\n`,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await database.close();
  }
}

export function importCommand(): Command {
  const cmd = new Command('import').description('bulk files');
  cmd
    .command('filings')
    .description(
      'file the loans of a bank file (CSV in UTF-8 or GBK, or XLSX; columns: src/modules/imports/README.md); the same file again files nothing twice and resumes an unfinished import',
    )
    .argument('<FILE>', 'the bank file')
    .requiredOption('--bank <id>', 'the bank whose loans these are')
    .option('--as <user>', 'who is recorded as filing (default cli:<os user>)')
    .option('--errors <path>', 'where to write the error report (default FILE.errors.csv)')
    .option('--chunk <rows>', 'rows per transaction', '500')
    .action(importFilings);
  return cmd;
}
