import { Command } from 'commander';
import { isIsoDate } from '../../../core/calendar';
import { loadWorkingCalendar } from '../../../modules/calendar/calendar.usecases';
import {
  escalateOverdueClaims,
  listOverdueClaims,
  type OverdueClaimLine,
} from '../../../modules/claims/overdue.usecases';
import { createProgrammesRepository } from '../../../modules/programmes/programmes.repository';
import { loadPolicyCatalog } from '../../../modules/programmes/programmes.usecases';
import { beijingToday } from '../../../modules/shared/clock';
import { openDatabase } from '../../db/database';
import { fail } from '../cli-errors';

function line(c: OverdueClaimLine): string {
  const what = c.kind === 'stage' ? `stage ${c.stage}` : 'return';
  const when = c.escalated ? 'escalated' : `escalates on ${c.escalatesOn}`;
  return `${c.number}  ${c.bankId}  ${c.state}  ${what}  due by ${c.dueBy}  ${when}`;
}

export function claimsCommand(): Command {
  const claims = new Command('claims').description('claims');
  claims
    .command('overdue')
    .description(
      'list the claims overdue on a day — a review stage past its SLA (R23), a return past the bank’s deadline (R21) — and with --escalate record their escalation as the daily jobs do (once per wait: running it again records nothing)',
    )
    .option('--as-of <date>', 'the day to judge on (YYYY-MM-DD; default today in Beijing)')
    .option(
      '--escalate',
      'record the escalation of each claim due for it (a claim event and an audit entry that is mailed)',
    )
    .option('--json', 'print JSON: { asOf, escalated, claims: [...] }')
    .action(async (opts: { asOf?: string; escalate?: boolean; json?: boolean }) => {
      const now = beijingToday();
      const asOf = opts.asOf ?? now;
      if (!isIsoDate(asOf)) fail('--as-of: must be a real date written YYYY-MM-DD');
      // An escalation is of what has happened: one on a day still to come would tell people too early.
      if (opts.escalate && asOf > now) fail(`--as-of: with --escalate, must not be after today (${now})`);
      const database = await openDatabase();
      try {
        const catalog = await loadPolicyCatalog({
          repo: createProgrammesRepository({ db: database.db }),
          calendar: await loadWorkingCalendar({ db: database.db }),
        });
        const escalated = opts.escalate ? await escalateOverdueClaims({ db: database.db, catalog, today: asOf }) : null;
        const list = await listOverdueClaims({ db: database.db, catalog, today: asOf });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ asOf, escalated, claims: list }, null, 2)}\n`);
          return;
        }
        if (escalated !== null) process.stdout.write(`${escalated} escalation(s) recorded on ${asOf}\n`);
        process.stdout.write(`${list.length} claim(s) overdue on ${asOf}\n`);
        for (const c of list) process.stdout.write(`${line(c)}\n`);
      } finally {
        await database.close();
      }
    });
  return claims;
}
