/**
 * The risk simulation page in Debian's chromium against the real server (its small demo book):
 * a manager runs a small simulation — a bad figure is refused beside its field first — and sees
 * the variants side by side and the loss histogram; a bank user has no such page. Screenshot:
 * test-output/screenshots/simulation.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildWeb, ensureBrowser, launchBrowser, shot, signedIn, startServer, type Server } from './harness';

let server: Server;
let browser: Browser;

beforeAll(async () => {
  ensureBrowser();
  buildWeb();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('risk simulation page', { timeout: 120_000 }, () => {
  it('a manager runs a small simulation and sees the results table and the histogram', async () => {
    const { context, page } = await signedIn(browser, server.url, 'manager');
    try {
      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '风险模拟' }).click();
      await page.getByRole('heading', { name: '风险模拟', level: 1 }).waitFor();
      // The server's refusal is shown beside the field it names (problem details errors[].field).
      await page.getByLabel('情景数').fill('50');
      await page.getByLabel('期初资金余额（元）').fill('250000');
      await page.getByRole('button', { name: '开始模拟' }).click();
      const scenariosError = page.locator('[data-field-error="scenarios"]');
      await scenariosError.waitFor();
      expect(await scenariosError.textContent()).toContain('100');
      // An edited copy: the filed terms with a cap per loan.
      await page.getByRole('button', { name: /添加方案/ }).click();
      const last = (await page.locator('[data-testid^="variant-"]').count()) - 1;
      await page.getByLabel(`方案 ${last + 1} 单笔上限`, { exact: true }).selectOption('amount');
      await page.getByLabel(`方案 ${last + 1} 单笔上限金额（元）`).fill('2000000');
      await page.getByLabel('情景数').fill('2000');
      await page.getByRole('button', { name: '开始模拟' }).click();
      await expect.poll(() => scenariosError.count()).toBe(0);
      await page.locator('[data-testid="sim-status"][data-status="done"]').waitFor({ timeout: 90_000 });
      expect(await page.locator('progress#sim-progress').getAttribute('value')).toBe('1');

      const table = page.getByTestId('sim-measures');
      const heads = (await table.locator('thead th').allTextContents()).slice(1);
      expect(heads.length).toBe(last + 1);
      expect(heads).toContain('备案条款');
      expect(heads).toContain('备案条款（比例50%）');
      expect(heads).toContain('备案条款（上限2,000,000.00元）');
      for (const m of ['el', 'var-0.99', 'es-0.999', 'exhausted-3']) expect(await table.locator(`tr[data-measure="${m}"]`).count(), m).toBe(1);
      const el = (await table.locator('tr[data-measure="el"] td').allTextContents()).map((s) => s.trim());
      for (const v of el) expect(v).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
      // The 50% copy of the filed terms (40%/30% and no binding cap) pays more than the filed terms.
      const n = (s: string) => BigInt(s.replace(/[,.]/g, ''));
      expect(n(el[heads.indexOf('备案条款（比例50%）')]!)).toBeGreaterThan(n(el[heads.indexOf('备案条款')]!));

      // A cash of 250,000 yuan against these losses runs dry in some scenarios within three years.
      const exhausted = await table.locator('tr[data-measure="exhausted-3"] td').allTextContents();
      expect(exhausted.some((s) => /^[1-9]|^0\.\d*[1-9]/.test(s.trim())), exhausted.join(' | ')).toBe(true);

      const histogram = page.getByTestId('chart-histogram');
      await histogram.locator('canvas').waitFor();
      await page.getByTestId('chart-whatif').locator('canvas').waitFor();
      await page.getByTestId('chart-exhaustion').locator('canvas').waitFor();
      // The histogram's table is a click away and holds the exact amounts and probabilities.
      await histogram.getByRole('button', { name: '查看表格' }).click();
      const bins = histogram.locator('tbody tr');
      expect(await bins.count()).toBeGreaterThan(5);
      expect(await bins.first().locator('td').nth(1).textContent()).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
      await histogram.getByRole('button', { name: '查看图表' }).click();
      await histogram.locator('canvas').waitFor();
      await page.waitForTimeout(300);
      await shot(page, 'simulation');
      // 1280 px wide: the navigation with its extra link still fits the top bar.
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(await page.locator('header.topbar').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('a bank user does not see the page and is told it is not allowed by URL', async () => {
    const { context, page } = await signedIn(browser, server.url, 'bank-icbc');
    try {
      expect(await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '风险模拟' }).count()).toBe(0);
      await page.goto('/simulation');
      await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('您无权查看此页面');
      expect(await page.getByRole('button', { name: '开始模拟' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
