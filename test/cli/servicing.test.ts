/**
 * `backstop servicing sweep` (R6) on the embedded database: the day it judges on must be a real
 * date not after today (a day still to come would mark loans that are not yet overdue), named
 * `--on` when it is not; an empty book sweeps nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { beijingToday } from '../../src/modules/shared/clock';
import { addDays } from '../../src/core/calendar';
import { runCli } from './run-cli';

const dataDir = mkdtempSync(join(tmpdir(), 'backstop-servicing-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { BACKSTOP_DATA: dataDir, DATABASE_URL: '', BACKSTOP_DEMO: '0' };

describe('backstop servicing sweep', () => {
  it('refuses a day that is not a real date, or is after today, naming --on; sweeps today and a past day', () => {
    for (const on of ['2026-02-30', '2026-13-01', 'tomorrow', addDays(beijingToday(), 2)]) {
      const r = runCli(['servicing', 'sweep', '--on', on], { env });
      expect(r.code, on).toBe(2);
      expect(r.stderr, on).toMatch(/^backstop: --on: must (be a real date|not be after today)/);
    }
    const today = runCli(['servicing', 'sweep'], { env });
    expect(today.stderr).toBe('');
    expect(today.stdout).toMatch(/^0 loan\(s\) marked non-performing on \d{4}-\d{2}-\d{2}\n$/);
    const past = runCli(['servicing', 'sweep', '--on', '2026-06-30'], { env });
    expect(past.stdout).toBe('0 loan(s) marked non-performing on 2026-06-30\n');
    // Six processes, each opening the embedded database: room for a loaded 2-core machine.
  }, 180_000);
});
