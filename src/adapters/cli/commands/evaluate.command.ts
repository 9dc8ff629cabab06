import { Command } from 'commander';
import { shippedCalendar } from '../../../core/calendar';
import { calendarOf } from '../../../modules/calendar/calendar.usecases';
import { evaluateCase } from '../../../modules/programmes/evaluate.usecases';
import { readHolidayYearFile } from './calendar.command';
import { loadPolicyFiles } from '../../../modules/programmes/policy-files';
import { fail, readJsonFile } from '../cli-errors';

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description(
      'judge a case (enterprise, loan, optional default) against the policy in force; prints one JSON object',
    )
    .argument('<CASE.json>', 'the case file, or - for standard input')
    .option(
      '--programme <id>',
      'judge under this programme only (default: every programme in force, the most favourable first)',
    )
    .option(
      '--holiday-year <FILE.json>',
      'a holiday year the zone entered after this release (GET /api/calendar/YYYY); repeat for several',
      (f: string, all: string[]) => [...all, f],
      [] as string[],
    )
    .action((file: string, opts: { programme?: string; holidayYear: string[] }) => {
      const input = readJsonFile(file);
      const calendar = opts.holidayYear.length
        ? calendarOf(opts.holidayYear.map(readHolidayYearFile))
        : shippedCalendar;
      const result = evaluateCase({
        input,
        policies: loadPolicyFiles(undefined, calendar).map((f) => f.policy),
        ...(opts.programme ? { programme: opts.programme } : {}),
      });
      if (!result.ok) fail(result.errors.map((e) => `${e.field}: ${e.en}`).join('; '));
      process.stdout.write(`${JSON.stringify(result.decision, null, 2)}\n`);
    });
}
