import { Command } from 'commander';
import { formatVerifyReport, verifyLedger } from '../../../modules/ledger/ledger.verify';
import { openDatabase } from '../../db/database';

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), 2);

export function ledgerCommand(): Command {
  const ledger = new Command('ledger').description('the fund ledger');
  ledger
    .command('verify')
    .description(
      'check every ledger invariant and the audit chain (database as for serve: DATABASE_URL, else BACKSTOP_DATA); exit 1 naming each violation',
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { json?: boolean }) => {
      const database = await openDatabase();
      try {
        const report = await verifyLedger({ db: database.db });
        process.stdout.write(`${opts.json ? json(report) : formatVerifyReport(report)}\n`);
        if (!report.ok) process.exitCode = 1;
      } finally {
        await database.close();
      }
    });
  return ledger;
}
