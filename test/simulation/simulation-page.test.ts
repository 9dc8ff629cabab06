/**
 * The risk simulation page's PD per grade from the book's history, in Debian's chromium against
 * the real server (its small demo book): the form lists the book's grades with the estimate each
 * one's history gives, and the result says which PD each grade used (as the issue asks: set by the
 * manager or estimated from history). Screenshot: test-output/screenshots/simulation-history.png.
 * The page's other scenarios are in test/e2e/simulation.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildWeb, ensureBrowser, launchBrowser, shot, signedIn, startServer, type Server } from '../e2e/harness';

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

describe('risk simulation page: PD from the book\'s history', { timeout: 120_000 }, () => {
  it('shows each grade\'s estimate, runs with it and reports the PD used per grade', async () => {
    const { context, page } = await signedIn(browser, server.url, 'manager');
    try {
      await page.goto('/simulation');
      await page.getByRole('heading', { name: '风险模拟', level: 1 }).waitFor();
      await expect.poll(() => page.getByTestId('sim-book').textContent()).toMatch(/在贷 [\d,]+ 笔，余额 [\d,]+\.\d\d 元，\d+ 个行业/);
      await page.getByLabel('情景数').fill('2000');
      await page.getByLabel('期初资金余额（元）').fill('250000');

      // set by the manager: the result says so
      await page.getByRole('button', { name: '开始模拟' }).click();
      await page.locator('[data-testid="sim-status"][data-status="done"]').waitFor({ timeout: 90_000 });
      await page.getByTestId('sim-pd').locator('tbody tr[data-grade="normal"][data-source="manager"]').waitFor();
      expect(await page.getByTestId('sim-pd').locator('tbody tr[data-grade="normal"] td').first().textContent()).toBe('1.50%');

      // estimated from history: the grade's field becomes the fallback and shows the estimate
      await page.getByLabel('违约概率来源').selectOption('history');
      await page.getByLabel('正常类备用一年违约概率（%）').waitFor();
      expect(await page.getByText(/^历史估计：\d+\.\d\d%（95% 区间 /).count()).toBeGreaterThan(0);
      await page.getByRole('button', { name: '开始模拟' }).click();
      const normal = page.getByTestId('sim-pd').locator('tbody tr[data-grade="normal"][data-source="history"]');
      await normal.waitFor({ timeout: 90_000 });
      await page.locator('[data-testid="sim-status"][data-status="done"]').waitFor({ timeout: 90_000 });
      const cells = (await normal.locator('td').allTextContents()).map((s) => s.trim());
      expect(cells[0]).toMatch(/^\d+\.\d\d%$/);
      expect(cells[0]).not.toBe('1.50%');
      expect(cells[1]).toBe('按历史估计');
      expect(Number(cells[2]!.replace(/,/g, ''))).toBeGreaterThan(0); // loans behind it
      expect(cells[5]).toMatch(/% – .*%$/); // its 95% interval
      await shot(page, 'simulation-history');

      // in English too
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Default probability used per grade' }).waitFor();
      expect(await page.getByLabel('Default probabilities').inputValue()).toBe('history');
    } finally {
      await context.close();
    }
  });
});
