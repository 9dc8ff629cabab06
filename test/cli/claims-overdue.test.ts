/**
 * `backstop claims overdue` (issue 17; R21, R23): a claim prepared on 2026-01-12 waits at its default
 * stage until 2026-01-19 (5 working days); on 2026-01-26 the command lists it overdue, `--escalate`
 * records its escalation once (a second run records nothing), and `--json` says the same for a program.
 * A bad `--as-of`, or `--escalate` on a day still to come, exits 2 naming `--as-of`. Runs on the
 * embedded database in a data directory, or with BACKSTOP_TEST_DB=postgres on a PostgreSQL database
 * the CLI reaches by DATABASE_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database';
import { onPostgres, openTestDatabase } from '../../src/adapters/db/testing';
import { addDays } from '../../src/core/calendar';
import { beijingToday } from '../../src/modules/shared/clock';
import { claimABadLoan, ok, openEtownForBankA, send, signInCast, startTestApp } from '../http/harness';
import { creditCode } from '../operations/fixture';
import { runCli } from './run-cli';

const dataDir = mkdtempSync(join(tmpdir(), 'backstop-claims-cli-'));
let env: Record<string, string>;
let t: Awaited<ReturnType<typeof startTestApp>> | undefined;
let claim: { id: string; number: string };

beforeAll(async () => {
  const database = onPostgres ? await openTestDatabase() : await openDatabase({ url: '', dataDir });
  env = onPostgres
    ? { DATABASE_URL: (database as { url?: string }).url!, BACKSTOP_DEMO: '0' }
    : { BACKSTOP_DATA: dataDir, DATABASE_URL: '', BACKSTOP_DEMO: '0' };
  let day = '2025-09-03';
  t = await startTestApp({ database, today: () => day });
  const { manager, bankA } = await signInCast(t);
  await openEtownForBankA(manager, creditCode(1));
  const c = await claimABadLoan({
    bankA,
    creditCode: creditCode(1),
    bankRef: 'A-CLI-1',
    principal: '500000.00',
    setToday: (d) => (day = d),
  });
  claim = { id: c.id, number: c.number };
  const prepared = await ok(await send(manager, 'POST', `/api/claims/${c.id}/prepare`));
  expect(prepared.stageDueBy).toBe('2026-01-19');
  // The embedded database is one process's: the CLI opens it once the app has let it go.
  if (!onPostgres) {
    await t.close();
    t = undefined;
  }
}, 240_000);
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('backstop claims overdue', () => {
  it('lists nothing on the stage’s last day, and the claim from the day after', () => {
    const onTime = runCli(['claims', 'overdue', '--as-of', '2026-01-19'], { env });
    expect(onTime.stderr).toBe('');
    expect(onTime.stdout).toBe('0 claim(s) overdue on 2026-01-19\n');
    const late = runCli(['claims', 'overdue', '--as-of', '2026-01-20'], { env });
    expect(late.stdout).toBe(
      `1 claim(s) overdue on 2026-01-20\n${claim.number}  bank-a  under-review  stage approval  due by 2026-01-19  escalates on 2026-01-20\n`,
    );
  }, 300_000);

  it('--escalate records the escalation once; a second run records nothing', () => {
    const first = runCli(['claims', 'overdue', '--as-of', '2026-01-26', '--escalate'], { env });
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(
      `1 escalation(s) recorded on 2026-01-26\n1 claim(s) overdue on 2026-01-26\n${claim.number}  bank-a  under-review  stage approval  due by 2026-01-19  escalated\n`,
    );
    const again = runCli(['claims', 'overdue', '--as-of', '2026-01-26', '--escalate', '--json'], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      asOf: '2026-01-26',
      escalated: 0,
      claims: [
        {
          id: claim.id,
          number: claim.number,
          bankId: 'bank-a',
          state: 'under-review',
          kind: 'stage',
          stage: 'approval',
          dueBy: '2026-01-19',
          escalatesOn: '2026-01-20',
          escalated: true,
        },
      ],
    });
  }, 300_000);

  it('refuses a day that is not a real date, or --escalate on a day to come, naming --as-of', () => {
    for (const args of [
      ['--as-of', '2026-02-30'],
      ['--as-of', 'monday'],
      ['--as-of', addDays(beijingToday(), 2), '--escalate'],
    ]) {
      const r = runCli(['claims', 'overdue', ...args], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(
        /^backstop: --as-of: (must be a real date|with --escalate, must not be after today)/,
      );
    }
    // Three processes; each exits before opening the database.
  }, 300_000);
});
