import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { calendarWarning, runDailyJobs } from './daily-jobs';
import { shippedCalendar, SHIPPED_HOLIDAY_YEARS, workingCalendar } from '../../core/calendar';
import { parseYuan } from '../../core/money/money';
import { fileLoan } from '../../modules/filings/filings.usecases';
import { reportClassification } from '../../modules/servicing/servicing.usecases';
import { etownWorld, icbc } from '../../../test/operations/fixture';

describe('daily jobs', () => {
  it('warns 45 days before the holiday calendar runs out, not before', () => {
    expect(calendarWarning('2026-11-15', shippedCalendar)).toBeUndefined();
    expect(calendarWarning('2026-11-17', shippedCalendar)).toMatch(/ends on 2026-12-31: a manager enters 2027/);
    const with2027 = workingCalendar([
      ...SHIPPED_HOLIDAY_YEARS,
      { year: 2027, notice: 'test data', holidays: [], makeUpWorkdays: [] },
    ]);
    expect(calendarWarning('2026-12-20', with2027)).toBeUndefined();
  });

  it('marks a loan overdue more than 90 days non-performing without a new report (R6)', async () => {
    const w = await etownWorld();
    try {
      const { filing } = await fileLoan({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        today: '2025-09-03',
        input: {
          bankRef: 'SW-1',
          enterpriseId: await w.enterprise(1),
          loan: { kind: 'credit', principal: parseYuan('100000.00'), disbursedOn: '2025-09-01', mode: 'direct' },
        } as never,
      });
      await reportClassification({
        db: w.db,
        catalog: w.catalog,
        actor: icbc,
        id: filing.id,
        classification: 'special-mention',
        overdueSince: '2026-01-01',
        on: '2026-02-01',
        today: '2026-02-01',
      });
      const status = async () =>
        (
          (await w.db.execute(`select status from filings where id = '${filing.id}'` as never)) as unknown as {
            rows?: { status: string }[];
          }
        ).rows?.[0]?.status ??
        (
          (await w.db.execute(`select status from filings where id = '${filing.id}'` as never)) as unknown as {
            status: string;
          }[]
        )[0]!.status;
      const ops = { db: w.db, catalog: () => w.catalog, today: () => '2026-04-01' };
      await runDailyJobs({ ops, logger: pino({ level: 'silent' }) });
      expect(await status()).toBe('active'); // 90 days overdue, not more
      await runDailyJobs({ ops: { ...ops, today: () => '2026-04-02' }, logger: pino({ level: 'silent' }) });
      expect(await status()).toBe('non-performing');
    } finally {
      await w.close();
    }
  });
});
