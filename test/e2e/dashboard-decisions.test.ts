/**
 * The dashboard read for decisions, and the forms and tables around it, in Debian's chromium
 * against the real server: amounts in 亿元/万元 with the exact yuan on hover; a fund whose cash
 * cannot pay its approved claims shows a red warning; the liability limit explained; the bank bars
 * follow the fund picker; the principal typed is echoed in 万元 and 大写; dates are YYYY-MM-DD; the
 * reports table fits its box with a totals row summed from the rows. Screenshots go to
 * test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatYuan } from '../../web/src/lib/money';
import {
  apiAs,
  beijingToday,
  buildWeb,
  creditCode,
  ensureBrowser,
  launchBrowser,
  shot,
  signedIn,
  startServer,
  type Server,
} from './harness';
import { A } from './world';

let server: Server;
let browser: Browser;
const SHORT = 'e2e-short';
const CAPITAL = '523456.78';

beforeAll(async () => {
  ensureBrowser();
  buildWeb();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  try {
    const today = beijingToday();
    const m = await apiAs(server.url, 'manager');
    const ok = async (p: Promise<{ status: number; body: unknown }>, what: string) => {
      const r = await p;
      if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as { id: string };
    };
    // A small fund of its own: one bank, one loan gone bad, its claim approved for more than the fund's cash.
    await ok(
      m('POST', '/api/funds', {
        id: SHORT,
        name: '测试小额补偿资金',
        programmes: [A],
        liabilityMultiple: '10',
        capital: CAPITAL,
        on: today,
      }),
      'fund',
    );
    await ok(
      m('POST', '/api/agreements', { fundId: SHORT, programmeId: A, institutionId: 'bank-bob', signedOn: today }),
      'agreement',
    );
    const ent = await ok(
      m('POST', '/api/enterprises', {
        creditCode: creditCode(301),
        name: '北京决策测试科技有限公司',
        size: 'small',
        industry: 'software',
        sciTech: true,
        registeredInZone: true,
        qualifications: [],
      }),
      'enterprise',
    );
    const bank = await apiAs(server.url, 'bank-bob');
    const filing = await ok(
      bank(
        'POST',
        '/api/filings',
        {
          bankRef: 'BOB-DECIDE-0001',
          programme: A,
          fundId: SHORT,
          enterpriseId: ent.id,
          loan: { kind: 'credit', principal: '2000000.00', disbursedOn: today, mode: 'direct' },
        },
        { 'idempotency-key': 'e2e-decide-1' },
      ),
      'filing',
    );
    await ok(
      bank('POST', `/api/filings/${filing.id}/classification`, {
        classification: 'substandard',
        overdueSince: today,
        on: today,
      }),
      'classification',
    );
    const claim = await ok(bank('POST', '/api/claims', { filingId: filing.id }), 'claim');
    await ok(m('POST', `/api/claims/${claim.id}/prepare`), 'prepare');
    await ok((await apiAs(server.url, 'manager2'))('POST', `/api/claims/${claim.id}/approve`), 'approve');
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server log ---\n${server.log().slice(-3000)}`, { cause: e });
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

type Position = { capital: string; cash: string; payableToBanks: string; committedLiability: string };
const positionOf = async (fundId: string) =>
  (await (await apiAs(server.url, 'manager'))<{ items: Position[] }>('GET', `/api/reports/position?fundId=${fundId}`))
    .body.items[0]!;

describe('the dashboard for decisions', { timeout: 120_000 }, () => {
  it('shows 亿元/万元 with the exact yuan on hover, a red warning for a short fund, the limit explained, bank bars by fund', async () => {
    const demo = await positionOf('etown');
    const short = await positionOf(SHORT);
    expect(BigInt(short.payableToBanks.replace('.', ''))).toBeGreaterThan(BigInt(short.cash.replace('.', '')));

    const { context, page } = await signedIn(browser, server.url, 'manager');
    await page.goto('/dashboard?fund=etown');
    const capital = page.getByTestId('kpi-capital').locator('.money');
    await expect.poll(() => capital.getAttribute('title'), { timeout: 15_000 }).toBe(`${formatYuan(demo.capital)} 元`);
    expect(await capital.textContent()).toMatch(/^\d[\d,]*\.\d{2} (亿元|万元)$/);
    expect(await page.getByTestId('limit-note').textContent()).toMatch(/R7b、R15.*已承诺补偿责任.*贷款放大倍数/);

    // The demo fund's banks, largest claim ratio first; then the picker narrows them to the one bank of the small fund.
    const banks = page.getByTestId('chart-banks');
    await banks.getByRole('button', { name: '查看表格' }).click();
    const rows = banks.locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(1);
    await banks.getByRole('button', { name: '查看图表' }).click();
    await banks.locator('canvas, svg').first().waitFor();
    await page.waitForTimeout(800); // the chart's animation
    await shot(page, 'dashboard-decisions');

    await page.locator('#fund-pick').selectOption(SHORT);
    await expect.poll(() => capital.textContent(), { timeout: 15_000 }).toBe('52.35 万元'); // 52.345678 rounds up
    expect(await capital.getAttribute('title')).toBe('523,456.78 元');
    const cashShort = page.locator('[data-warning="cash-short"]');
    await cashShort.waitFor();
    expect(await cashShort.getAttribute('data-severity')).toBe('red');
    expect(await cashShort.textContent()).toContain('不足以支付已批准待付的代偿');
    expect(await page.locator('[data-warning="cash-short"] .money').nth(1).getAttribute('title')).toBe(
      `${formatYuan(short.payableToBanks)} 元`,
    );
    await banks.getByRole('button', { name: '查看表格' }).click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    expect(await rows.first().textContent()).toContain('北京银行');
    // No risk-sharing loans in this fund: one line says so, no empty card.
    await page.getByTestId('no-sharing').waitFor();
    expect(await page.getByTestId('chart-sharing').count()).toBe(0);
    await banks.getByRole('button', { name: '查看图表' }).click();
    await page.waitForTimeout(800);
    await shot(page, 'dashboard-short-fund');

    // The header names the role once (the demo manager's name carries it already).
    expect(await page.getByTestId('whoami').textContent()).toBe('张经理（托管机构）');
    await context.close();
  });

  it('echoes the principal in 万元 and 大写, and takes dates as YYYY-MM-DD', async () => {
    const { context, page } = await signedIn(browser, server.url, 'bank-bob');
    // A name without the role in brackets keeps it after the dot, once.
    expect(await page.getByTestId('whoami').textContent()).toBe('北京银行经开区支行 陈 · 银行');
    await page.goto('/filings/new');
    const principal = page.getByLabel('贷款本金（元）');
    await principal.fill('1000000.00');
    await expect.poll(() => page.getByTestId('amount-wan').textContent()).toBe('100.00 万元');
    expect(await page.getByTestId('amount-words').textContent()).toBe('壹佰万元整');
    await principal.fill('10000000.00'); // one zero too many shows at once
    await expect.poll(() => page.getByTestId('amount-wan').textContent()).toBe('1,000.00 万元');
    expect(await page.getByTestId('amount-words').textContent()).toBe('壹仟万元整');
    const disbursed = page.getByLabel('放款日');
    expect(await disbursed.getAttribute('type')).toBe('text');
    expect(await disbursed.getAttribute('placeholder')).toBe('YYYY-MM-DD');
    expect(await disbursed.inputValue()).toBe(beijingToday());
    await shot(page, 'filing-form-echo');
    await context.close();
  });

  it('the reports table fits its box, keeps its first column, and adds its rows up', async () => {
    const { context, page } = await signedIn(browser, server.url, 'manager');
    await page.goto('/reports');
    await page.locator('#r-fund').selectOption('etown');
    const table = page.getByTestId('report-table');
    await table.locator('tbody tr').first().waitFor();
    const report = (
      await (
        await apiAs(server.url, 'manager')
      )<{ items: { outstanding: string; loans: number }[] }>('GET', '/api/reports/banks?fundId=etown')
    ).body.items;
    expect(report.length).toBeGreaterThan(1);
    const fen = report.reduce((s, r) => s + BigInt(r.outstanding.replace('.', '')), 0n);
    const total = table.getByTestId('report-totals-row');
    await expect
      .poll(() => total.locator('[data-col="outstanding"]').textContent())
      .toBe(formatYuan(`${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`));
    expect(await total.locator('[data-col="loans"]').textContent()).toBe(
      String(report.reduce((s, r) => s + r.loans, 0)),
    );
    expect(await total.locator('td').first().textContent()).toBe('合计');
    expect(await total.locator('[data-col="claimRatioThreshold"]').textContent()).toBe(''); // thresholds are not added
    // The page does not scroll sideways: the table scrolls inside its box, its first column stays.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    expect(
      await page.evaluate(
        'getComputedStyle(document.querySelector(\'[data-testid="report-table"] tbody td\')).position',
      ),
    ).toBe('sticky');
    // Percentages carry two decimals.
    const ratios = await table.locator('tbody td').allTextContents();
    expect(ratios.filter((c) => /%$/.test(c) && !/\.\d{2}%$/.test(c))).toEqual([]);
    await shot(page, 'reports-totals');
    await context.close();
  });
});
