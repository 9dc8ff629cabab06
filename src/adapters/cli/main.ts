import { Command, CommanderError } from 'commander';
import { PolicyFileError } from '../../core/policy';
import { UsageError } from './cli-errors';
import { backupCommand, restoreCommand } from './commands/backup.command';
import { calendarCommand } from './commands/calendar.command';
import { claimsCommand } from './commands/claims.command';
import { evaluateCommand } from './commands/evaluate.command';
import { importCommand } from './commands/import.command';
import { simulateCommand } from './commands/simulate.command';
import { ledgerCommand } from './commands/ledger.command';
import { policyCommand } from './commands/policy.command';
import { serveCommand } from './commands/serve.command';
import { servicingCommand } from './commands/servicing.command';
import { usersCommand } from './commands/users.command';
import { Problem } from '../../modules/shared/problem';
import { BackupError } from '../db/backup';
import { DataDirLockedError, DataDirNotDatabaseError } from '../db/data-dir-lock';

// Each command lives in its own file under ./commands and is registered here, in one list.
const program = new Command('backstop')
  .description('Backstop (兜底) — government loan risk-compensation funds')
  .showHelpAfterError()
  .exitOverride()
  .addCommand(evaluateCommand())
  .addCommand(importCommand())
  .addCommand(simulateCommand())
  .addCommand(policyCommand())
  .addCommand(serveCommand())
  .addCommand(ledgerCommand())
  .addCommand(usersCommand())
  .addCommand(calendarCommand())
  .addCommand(servicingCommand())
  .addCommand(claimsCommand())
  .addCommand(backupCommand())
  .addCommand(restoreCommand());

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (
    e instanceof UsageError ||
    e instanceof PolicyFileError ||
    e instanceof DataDirLockedError ||
    e instanceof DataDirNotDatabaseError ||
    e instanceof BackupError
  ) {
    process.stderr.write(`backstop: ${e.message}\n`);
    process.exit(2);
  }
  if (e instanceof Problem) {
    const fields = e.errors.map((f) => `${f.field}: ${f.en}`).join('; ');
    process.stderr.write(`backstop: ${fields || e.detail.en}\n`);
    process.exit(2);
  }
  process.stderr.write(`backstop: internal error: ${(e as Error).message}\n`);
  process.exit(1);
}
