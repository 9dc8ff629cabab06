/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The working-day calendar a manager keeps (G6, modules/calendar): a year entered from the State
 * Council's notice judges the filings of that year at once, without a release; every role reads it,
 * only a manager enters it; bad days are refused field by field with nothing written; a correction
 * is audited with what it replaced; another app process on the same database picks it up.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/adapters/http/services';
import { creditCode } from '../operations/fixture';
import { ok, send, signInCast, startTestApp, type Client, openEtownForBankA } from './harness';

let day = '2027-01-06';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, reviewer: Client, auditor: Client, bankA: Client, guarantor: Client;

/** Made-up data for the tests, shaped as a notice writes it: not the State Council's 2027 notice. */
const year2027 = {
  notice: 'test data, not a notice',
  holidays: [
    { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
    { name: '春节', from: '2027-02-06', to: '2027-02-14' },
  ],
  makeUpWorkdays: ['2027-01-30', '2027-02-20'],
};
/** Disbursed Monday 2026-12-28: 12-29 to 12-31, then from 01-04 (01-01 to 01-03 off), the 10th working day is 2027-01-12. */
const loan = { kind: 'credit', principal: '100000.00', disbursedOn: '2026-12-28', mode: 'direct' };

beforeAll(async () => {
  t = await startTestApp({ today: () => day });
  ({ manager, reviewer, auditor, bankA, guarantor } = await signInCast(t));
  await openEtownForBankA(manager, creditCode(1));
}, 120_000);
afterAll(async () => t?.close());

const covered = async (c: Client) => (await ok(await send(c, 'GET', '/api/calendar'))).covered;

describe('the holiday calendar (G6)', () => {
  it('every role reads it: the shipped years', async () => {
    for (const c of [manager, reviewer, auditor, bankA, guarantor]) {
      const cal = await ok(await send(c, 'GET', '/api/calendar'));
      expect(cal).toMatchObject({ covered: '2023–2026', lastDay: '2026-12-31' });
      expect(cal.years.map((y: any) => [y.year, y.source])).toEqual([
        [2023, 'shipped'],
        [2024, 'shipped'],
        [2025, 'shipped'],
        [2026, 'shipped'],
      ]);
    }
    expect((await ok(await send(bankA, 'GET', '/api/calendar/2026'))).makeUpWorkdays).toContain('2026-10-10');
    expect((await send(bankA, 'GET', '/api/calendar/2027')).status).toBe(404);
    expect((await t.app.request('/api/calendar')).status).toBe(401);
  });

  it('only a manager enters a year; the others get 403 and nothing is written', async () => {
    for (const c of [reviewer, auditor, bankA, guarantor])
      expect((await send(c, 'PUT', '/api/calendar/2027', year2027)).status).toBe(403);
    expect(await covered(manager)).toBe('2023–2026');
  });

  it('refuses days that do not read as a notice writes them, naming each field; nothing written', async () => {
    const cases: [string, unknown, string[]][] = [
      [
        '2027',
        { ...year2027, makeUpWorkdays: ['2027-02-03', '2027-02-13'] },
        ['makeUpWorkdays[0]', 'makeUpWorkdays[1]'],
      ],
      ['2027', { ...year2027, holidays: [{ name: '春节', from: '2027-02-14', to: '2027-02-06' }] }, ['holidays[0].to']],
      [
        '2027',
        { ...year2027, holidays: [{ name: '春节', from: '2027-02-30', to: '2027-03-01' }] },
        ['holidays[0].from'],
      ],
      ['2027', { ...year2027, extra: 1 }, ['(body)']],
      ['2027', { notice: '', holidays: [], makeUpWorkdays: [] }, ['notice', 'holidays']],
      [
        '2028',
        { notice: 'test data', holidays: [{ name: '元旦', from: '2028-01-01', to: '2028-01-03' }], makeUpWorkdays: [] },
        ['year'],
      ],
      ['20x7', year2027, ['year']],
    ];
    for (const [year, body, fields] of cases) {
      const res = await send(manager, 'PUT', `/api/calendar/${year}`, body);
      const problem = (await res.json()) as any;
      expect(res.status, JSON.stringify(problem)).toBe(400);
      expect(problem.errors.map((e: any) => e.field)).toEqual(
        expect.arrayContaining(fields.filter((f) => f !== '(body)')),
      );
      // Each with its code and its Chinese (not the English shown again).
      expect(problem.errors.every((e: any) => /^[a-z_]+\.[a-z_]+$/.test(e.code) && /\p{Script=Han}/u.test(e.zh))).toBe(
        true,
      );
    }
    expect(await covered(manager)).toBe('2023–2026');
  });

  it("a filing of a year the calendar lacks is refused; once a manager enters the year it is judged on that year's days at once", async () => {
    const refused = await send(bankA, 'POST', '/api/filings', { bankRef: 'C-1', creditCode: creditCode(1), loan });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      errors: [
        {
          field: 'loan.disbursedOn',
          code: 'policy.calendar_year_missing',
          en: expect.stringMatching(/no data for 2027/),
        },
      ],
    });

    const entered = await ok(await send(manager, 'PUT', '/api/calendar/2027', year2027), 201);
    expect(entered).toMatchObject({
      year: 2027,
      source: 'entered',
      enteredBy: 'manager',
      makeUpWorkdays: year2027.makeUpWorkdays,
    });
    expect(await ok(await send(bankA, 'GET', '/api/calendar'))).toMatchObject({
      covered: '2023–2027',
      lastDay: '2027-12-31',
    });

    const filed = await ok(
      await send(bankA, 'POST', '/api/filings', { bankRef: 'C-1', creditCode: creditCode(1), loan }),
      201,
    );
    const deadline = filed.reasons.find((r: any) => r.rule === 'filing-deadline');
    expect(deadline).toMatchObject({ ok: true });
    expect(deadline.en).toMatch(/\(by 2027-01-12\)$/);
    // The public evaluate contract counts on the same calendar: a day after the 10th working day is late.
    const late = await ok(
      await send(bankA, 'POST', '/api/evaluate', {
        enterprise: { registeredInZone: true, size: 'small', sciTech: true, industry: 'software', qualifications: [] },
        loan: { ...loan, principal: '100000.00', filedOn: '2027-01-13' },
      }),
    );
    expect(late.reasons.find((r: any) => r.rule === 'filing-deadline')).toMatchObject({ ok: false });
    expect(late.eligible).toBe(false);
  });

  it('a correction replaces the year and is audited with what it replaced; a shipped year can be corrected too', async () => {
    const corrected = { ...year2027, notice: 'test data, corrected', makeUpWorkdays: ['2027-01-30'] };
    expect(await ok(await send(manager, 'PUT', '/api/calendar/2027', corrected), 200)).toMatchObject({
      notice: 'test data, corrected',
      makeUpWorkdays: ['2027-01-30'],
    });
    const audit = await ok(await send(auditor, 'GET', '/api/audit?entityKind=holiday-year'));
    const rows = (audit.items as any[]).filter((r) => r.entityId === '2027');
    expect(rows.map((r) => r.action).sort()).toEqual(['holiday-year.correct', 'holiday-year.enter']);
    const correction = rows.find((r) => r.action === 'holiday-year.correct');
    expect(correction.before).toMatchObject({
      notice: 'test data, not a notice',
      makeUpWorkdays: year2027.makeUpWorkdays,
    });
    expect(correction.after).toMatchObject({ notice: 'test data, corrected' });

    const y2026 = await ok(await send(manager, 'GET', '/api/calendar/2026'));
    const again = await ok(
      await send(manager, 'PUT', '/api/calendar/2026', {
        notice: y2026.notice,
        holidays: y2026.holidays,
        makeUpWorkdays: y2026.makeUpWorkdays,
      }),
      200,
    );
    expect(again).toMatchObject({ year: 2026, source: 'entered' });
  });

  it('another app process on the same database judges by the year once it refreshes', async () => {
    day = '2027-01-07';
    const other = await createServices({ database: t.database, logger: pino({ level: 'silent' }), today: () => day });
    expect(other.ops.catalog().calendar.covered).toBe('2023–2027'); // loaded at its start
    await ok(await send(manager, 'PUT', '/api/calendar/2027', { ...year2027, makeUpWorkdays: [] }), 200);
    expect(other.ops.catalog().calendar.isWorkingDay('2027-01-30')).toBe(true); // its own copy, until it refreshes
    await other.refreshCalendar();
    expect(other.ops.catalog().calendar.isWorkingDay('2027-01-30')).toBe(false);
    const unchanged = other.ops.catalog();
    await other.refreshCalendar();
    expect(other.ops.catalog()).toBe(unchanged); // nothing entered since: not reloaded
  });
});
