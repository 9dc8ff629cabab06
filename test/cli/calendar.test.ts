/**
 * `backstop calendar list|enter` on the embedded database, and `backstop evaluate --holiday-year`:
 * a year entered from the notice (here made-up test data, not the State Council's 2027 notice) lets
 * a filing of that year be judged; bad files exit 2 naming the field, writing nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, writeCase } from './run-cli';

const dataDir = mkdtempSync(join(tmpdir(), 'backstop-calendar-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { BACKSTOP_DATA: dataDir, DATABASE_URL: '', BACKSTOP_DEMO: '0' };

const year2027 = {
  year: 2027,
  notice: 'test data, not a notice',
  holidays: [
    { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
    { name: '春节', from: '2027-02-06', to: '2027-02-14' },
  ],
  makeUpWorkdays: ['2027-01-30', '2027-02-20'],
};
const january2027 = {
  programme: 'etown-2023-small-micro',
  enterprise: { registeredInZone: true, size: 'small', sciTech: false, industry: 'software', qualifications: [] },
  loan: { kind: 'credit', principal: '1000000.00', disbursedOn: '2026-12-28', filedOn: '2027-01-12', mode: 'direct' },
};

describe('backstop calendar', () => {
  it('enters the next year from a file, lists it, and refuses a bad file naming the field', () => {
    const bad = runCli(['calendar', 'enter', writeCase({ ...year2027, makeUpWorkdays: ['2027-02-03'] })], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^backstop: makeUpWorkdays\[0\]: 2027-02-03 is a weekday/);
    const gap = runCli(
      [
        'calendar',
        'enter',
        writeCase({
          year: 2028,
          notice: 'x',
          holidays: [{ name: '元旦', from: '2028-01-01', to: '2028-01-03' }],
          makeUpWorkdays: [],
        }),
      ],
      { env },
    );
    expect(gap.code).toBe(2);
    expect(gap.stderr).toMatch(/^backstop: year: must be 2027, the year after the calendar's last \(2023–2026\)/);
    const shape = runCli(['calendar', 'enter', writeCase({ ...year2027, year: '2027' })], { env });
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/year: /);

    const entered = runCli(['calendar', 'enter', writeCase(year2027), '--as', 'zhang'], { env });
    expect(entered.stderr).toBe('');
    expect(entered.stdout).toBe('entered 2027: the calendar covers 2023–2027\n');
    const list = runCli(['calendar', 'list'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^2026 {2}shipped/m);
    expect(list.stdout).toMatch(/^2027 {2}entered by zhang at /m);
    expect(list.stdout).toMatch(/covered 2023–2027; filings after 2027-12-31 cannot be judged/);
  }, 240_000);

  it('evaluate judges a filing of a year the release lacks with --holiday-year, and refuses without it', () => {
    const without = runCli(['evaluate', writeCase(january2027)]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/loan\.filedOn: the holiday calendar has no data for 2027/);
    // The year as GET /api/calendar/2027 answers it, with its source.
    const withYear = runCli([
      'evaluate',
      writeCase(january2027),
      '--holiday-year',
      writeCase({ ...year2027, source: 'entered', enteredBy: 'zhang', enteredAt: '2026-12-05T01:00:00.000Z' }),
    ]);
    expect(withYear.stderr).toBe('');
    const decision = JSON.parse(withYear.stdout) as {
      eligible: boolean;
      reasons: { rule: string; ok: boolean; en: string }[];
    };
    expect(decision.eligible).toBe(true);
    expect(decision.reasons.find((r) => r.rule === 'filing-deadline')).toMatchObject({
      ok: true,
      en: expect.stringMatching(/\(by 2027-01-12\)$/),
    });
    const late = runCli([
      'evaluate',
      writeCase({ ...january2027, loan: { ...january2027.loan, filedOn: '2027-01-13' } }),
      '--holiday-year',
      writeCase(year2027),
    ]);
    expect(JSON.parse(late.stdout)).toMatchObject({ eligible: false });
  }, 240_000);
});
