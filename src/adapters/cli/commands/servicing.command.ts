import { Command } from 'commander';
import { createProgrammesRepository } from '../../../modules/programmes/programmes.repository';
import { loadPolicyCatalog } from '../../../modules/programmes/programmes.usecases';
import { sweepNonPerforming } from '../../../modules/servicing/servicing.usecases';
import { isIsoDate } from '../../../core/calendar';
import { beijingToday } from '../../../modules/shared/clock';
import { openDatabase } from '../../db/database';
import { fail } from '../cli-errors';
import { loadWorkingCalendar } from '../../../modules/calendar/calendar.usecases';

export function servicingCommand(): Command {
  const servicing = new Command('servicing').description('loan servicing');
  servicing
    .command('sweep')
    .description('mark loans overdue past their programme’s days non-performing (R6; the server does this daily)')
    .option('--on <date>', 'the day to judge on (YYYY-MM-DD; default today in Beijing)')
    .action(async (opts: { on?: string }) => {
      const now = beijingToday();
      const today = opts.on ?? now;
      if (!isIsoDate(today)) fail('--on: must be a real date written YYYY-MM-DD');
      // A loan is marked for what has happened: judging on a day still to come would mark loans not yet overdue.
      if (today > now) fail(`--on: must not be after today (${now})`);
      const database = await openDatabase();
      try {
        const catalog = await loadPolicyCatalog({
          repo: createProgrammesRepository({ db: database.db }),
          calendar: await loadWorkingCalendar({ db: database.db }),
        });
        const marked = await sweepNonPerforming({ db: database.db, catalog, today });
        process.stdout.write(`${marked} loan(s) marked non-performing on ${today}\n`);
      } finally {
        await database.close();
      }
    });
  return servicing;
}
