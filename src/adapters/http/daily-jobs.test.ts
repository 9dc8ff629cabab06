import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { calendarWarning, onceADay, runDailyJobs, scheduleDailyJobs, webhookRetentionDays } from './daily-jobs';
import { createWebhooksRepository } from '../../modules/webhooks/webhooks.repository';
import { webhookDeliveries } from '../../modules/webhooks/webhooks.table';
import { jobRuns } from '../../modules/shared/job-runs.table';
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

  it("runs each day's jobs and backup exactly once across three app instances sharing the database, day after day", async () => {
    const w = await etownWorld();
    const stops: (() => void)[] = [];
    try {
      let day = '2026-03-02';
      const ops = { db: w.db, catalog: () => w.catalog, today: () => day };
      const logged: string[] = [];
      const backups: string[] = [];
      for (const holder of ['process-a', 'process-b', 'process-c']) {
        const sink = new Writable({
          write(chunk: Buffer, _enc, done) {
            logged.push(`${holder} ${(JSON.parse(chunk.toString()) as { msg: string }).msg}`);
            done();
          },
        });
        stops.push(
          scheduleDailyJobs({
            ops,
            logger: pino({ level: 'info' }, sink),
            refreshCalendar: async () => {},
            backup: async (today) => {
              backups.push(`${holder} ${today}`);
            },
            holder,
            checkEveryMs: 20,
          }),
        );
      }
      const finished = async (d: string) => {
        for (let i = 0; i < 500; i++) {
          const rows = await w.db
            .select()
            .from(jobRuns)
            .where(sql`${jobRuns.day} = ${d} and ${jobRuns.finishedAt} is not null`);
          const skipped = logged.filter((l) => l.endsWith('another process has them today')).length;
          if (rows.length === 2 && skipped >= 2 * days.length) return;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const days = ['2026-03-02'];
      await finished(day);
      day = '2026-03-03';
      days.push(day);
      await finished(day);
      // Another tick of each on the same day runs nothing more.
      await new Promise((r) => setTimeout(r, 200));
      const runs = logged.filter((l) => /daily jobs: (done|loans overdue)/.test(l));
      expect(runs).toHaveLength(2);
      expect(logged.filter((l) => l.endsWith('another process has them today'))).toHaveLength(4);
      expect(backups.map((b) => b.slice(-10)).sort()).toEqual(['2026-03-02', '2026-03-03']);
      expect(await w.db.select({ job: jobRuns.job, day: jobRuns.day }).from(jobRuns)).toHaveLength(4);
    } finally {
      for (const stop of stops) stop();
      await w.close();
    }
  });

  it('takes over a day whose claim was left unfinished past its lease, and never a finished one', async () => {
    const w = await etownWorld();
    try {
      const ops = { db: w.db, catalog: () => w.catalog, today: () => '2026-03-02' };
      let ran = 0;
      const run = async () => {
        ran++;
      };
      await w.db.insert(jobRuns).values([
        { job: 'daily', day: '2026-03-01', holder: 'died', startedAt: new Date(Date.now() - 31 * 60_000) },
        { job: 'daily', day: '2026-03-02', holder: 'died-just-now' },
        {
          job: 'backup',
          day: '2026-03-01',
          holder: 'done',
          startedAt: new Date(Date.now() - 31 * 60_000),
          finishedAt: new Date(),
        },
      ]);
      expect(await onceADay({ ops, job: 'daily', day: '2026-03-02', holder: 'me', run })).toBe(false);
      expect(await onceADay({ ops, job: 'backup', day: '2026-03-01', holder: 'me', run })).toBe(false);
      expect(ran).toBe(0);
      expect(await onceADay({ ops, job: 'daily', day: '2026-03-01', holder: 'me', run })).toBe(true);
      expect(ran).toBe(1);
      const [row] = await w.db
        .select()
        .from(jobRuns)
        .where(sql`${jobRuns.day} = '2026-03-01' and ${jobRuns.job} = 'daily'`);
      expect(row).toMatchObject({ holder: 'me', finishedAt: expect.any(Date) });
    } finally {
      await w.close();
    }
  });

  it('purges webhook deliveries done with past the retention (BACKSTOP_WEBHOOK_RETENTION_DAYS), never pending ones', async () => {
    expect(webhookRetentionDays(undefined)).toBe(90);
    expect(webhookRetentionDays('30')).toBe(30);
    for (const bad of ['0', '-1', '7.5', 'ninety', '99999'])
      expect(() => webhookRetentionDays(bad)).toThrow(/BACKSTOP_WEBHOOK_RETENTION_DAYS/);
    const w = await etownWorld();
    try {
      const now = new Date('2026-06-01T04:00:00Z');
      const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
      const repo = createWebhooksRepository({ db: w.db });
      const ep = await repo.insertEndpoint({
        id: 'ep-1',
        bankId: 'bank-icbc',
        url: 'https://bank.example.cn/hook',
        events: ['*'],
        secret: 'whsec_test',
        createdBy: 'icbc',
      });
      const delivery = (
        id: string,
        status: 'pending' | 'delivered' | 'failed' | 'cancelled',
        created: number,
        last?: number,
      ) => ({
        id,
        endpointId: ep.id,
        bankId: 'bank-icbc',
        eventId: `evt_${id}`,
        eventType: 'filing.create',
        auditSeq: 1n,
        payload: '{}',
        status,
        createdAt: daysAgo(created),
        ...(last === undefined ? {} : { lastAttemptAt: daysAgo(last) }),
        nextAttemptAt: status === 'pending' ? daysAgo(0) : null,
      });
      await repo.insertDeliveries([
        delivery('old-delivered', 'delivered', 120, 120),
        delivery('old-failed', 'failed', 100, 95),
        delivery('old-cancelled', 'cancelled', 200),
        delivery('old-pending', 'pending', 300, 200),
        delivery('young-delivered', 'delivered', 30, 30),
        // Created long ago, replayed and delivered last week: its last attempt counts.
        delivery('replayed', 'delivered', 150, 7),
        delivery('just-inside', 'failed', 89, 89),
      ]);
      const ops = { db: w.db, catalog: () => w.catalog, today: () => '2026-06-01' };
      const logger = pino({ level: 'silent' });
      await runDailyJobs({ ops, logger, settings: { now: () => now } });
      const left = async () =>
        (await w.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries)).map((d) => d.id).sort();
      expect(await left()).toEqual(['just-inside', 'old-pending', 'replayed', 'young-delivered']);
      await runDailyJobs({ ops, logger, settings: { now: () => now, webhookRetentionDays: 30 } });
      // Exactly 30 days old is not older than 30 days.
      expect(await left()).toEqual(['old-pending', 'replayed', 'young-delivered']);
    } finally {
      await w.close();
    }
  });
});
