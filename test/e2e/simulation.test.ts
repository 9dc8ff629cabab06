/**
 * The risk simulation page in Debian's chromium against the real server (its small demo book):
 * a manager runs a small simulation — a bad figure is refused beside its field first — and sees
 * the variants side by side and the loss histogram; with the PD "estimated from history" the form
 * lists the book's grades with each one's estimate and the result says which PD each grade used;
 * a bank user has no such page. Screenshots: test-output/screenshots/simulation.png and
 * simulation-history.png.
 */
import { describe, expect, it } from 'vitest';
import { appInBrowser, shot } from './harness';

const app = appInBrowser();

describe('risk simulation page', { timeout: 120_000 }, () => {
  it('a manager runs a small simulation and sees the results table and the histogram', async () => {
    const { context, page } = await app.signIn('manager');
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
      for (const m of ['el', 'var-0.99', 'es-0.999', 'exhausted-3'])
        expect(await table.locator(`tr[data-measure="${m}"]`).count(), m).toBe(1);
      const el = (await table.locator('tr[data-measure="el"] td').allTextContents()).map((s) => s.trim());
      for (const v of el) expect(v).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
      // The 50% copy of the filed terms (40%/30% and no binding cap) pays more than the filed terms.
      const n = (s: string) => BigInt(s.replace(/[,.]/g, ''));
      expect(n(el[heads.indexOf('备案条款（比例50%）')]!)).toBeGreaterThan(n(el[heads.indexOf('备案条款')]!));

      // A cash of 250,000 yuan against these losses runs dry in some scenarios within three years.
      const exhausted = await table.locator('tr[data-measure="exhausted-3"] td').allTextContents();
      expect(
        exhausted.some((s) => /^[1-9]|^0\.\d*[1-9]/.test(s.trim())),
        exhausted.join(' | '),
      ).toBe(true);

      // The largest loans of the live book by their loan numbers, each a link to its loan.
      const topLoan = page.getByTestId('sim-contributions').locator('a[href^="/filings/"]').first();
      await topLoan.waitFor();
      expect((await topLoan.textContent())!.trim()).not.toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);

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
    const { context, page } = await app.signIn('bank-icbc');
    try {
      expect(
        await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '风险模拟' }).count(),
      ).toBe(0);
      await page.goto('/simulation');
      await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('您无权查看此页面');
      expect(await page.getByRole('button', { name: '开始模拟' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("shows each grade's estimate, runs with it and reports the PD used per grade", async () => {
    const { context, page } = await app.signIn('manager');
    try {
      await page.goto('/simulation');
      await page.getByRole('heading', { name: '风险模拟', level: 1 }).waitFor();
      await expect
        .poll(() => page.getByTestId('sim-book').textContent())
        .toMatch(/在贷 [\d,]+ 笔，余额 [\d,]+\.\d\d 元，\d+ 个行业/);
      await page.getByLabel('情景数').fill('2000');
      await page.getByLabel('期初资金余额（元）').fill('250000');

      // set by the manager: the result says so
      await page.getByRole('button', { name: '开始模拟' }).click();
      await page.locator('[data-testid="sim-status"][data-status="done"]').waitFor({ timeout: 90_000 });
      await page.getByTestId('sim-pd').locator('tbody tr[data-grade="normal"][data-source="manager"]').waitFor();
      expect(await page.getByTestId('sim-pd').locator('tbody tr[data-grade="normal"] td').first().textContent()).toBe(
        '1.50%',
      );

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

  it('runs a stress scenario, the reverse stress and the top-up, and shows the table and the answers in words', async () => {
    const { context, page } = await app.signIn('manager');
    try {
      await page.goto('/simulation');
      await page.getByRole('heading', { name: '风险模拟', level: 1 }).waitFor();
      await page.getByLabel('情景数').fill('2000');
      await page.getByLabel('期初资金余额（元）').fill('2500000');
      await page.getByLabel('违约率倍数').first().fill('2');
      await page.getByLabel('反向压力测试：什么情况下资金耗尽概率达到目标').check();
      await page.getByLabel('求使耗尽概率不超过目标的补充资金').check();
      await page.getByRole('button', { name: '开始模拟' }).click();
      await page.locator('[data-testid="sim-status"][data-status="done"]').waitFor({ timeout: 110_000 });
      const section = page.getByTestId('sim-stress');
      await section.waitFor();
      const rows = section.locator('tbody tr');
      expect(await rows.count()).toBe(2);
      expect((await rows.nth(0).locator('th').textContent())?.trim()).toBe('基准（现状）');
      expect((await rows.nth(1).locator('th').textContent())?.trim()).toBe('PD ×2');
      const el = (await rows.locator('td:first-of-type').allTextContents()).map((s) => BigInt(s.replace(/[,.]/g, '')));
      expect(el[1]!).toBeGreaterThan(el[0]!);
      const reverse = (await page.getByTestId('sim-reverse-stress').locator('strong').textContent()) ?? '';
      expect(reverse).toMatch(/资金在 3 年内耗尽的概率/);
      const topUp = (await page.getByTestId('sim-top-up').locator('strong').textContent()) ?? '';
      expect(topUp).toMatch(/资金在 3 年内耗尽的概率/);
      await shot(page, 'simulation-stress');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Stress and reverse stress' }).waitFor();
      expect(await page.getByTestId('sim-reverse-stress').locator('strong').textContent()).toMatch(
        /exhausted within 3 years/,
      );
    } finally {
      await context.close();
    }
  });

  it('runs the t copula beside the Gaussian and shows the model-risk table with the difference', async () => {
    const { context, page } = await app.signIn('manager');
    try {
      await page.goto('/simulation');
      await page.getByRole('heading', { name: '风险模拟', level: 1 }).waitFor();
      await page.getByLabel('情景数').fill('2000');
      await page.getByLabel('期初资金余额（元）').fill('250000');
      await page.getByLabel('相依结构（copula）').selectOption('t');
      await page.getByLabel('自由度 ν').fill('0');
      await page.getByRole('button', { name: '开始模拟' }).click();
      await page.locator('[data-field-error="copula.nu"]').waitFor();
      await page.getByLabel('自由度 ν').fill('5');
      await page.getByRole('button', { name: '开始模拟' }).click();
      await page.locator('[data-testid="sim-status"][data-status="done"]').waitFor({ timeout: 110_000 });
      const section = page.getByTestId('sim-model-risk');
      await section.waitFor();
      expect(await section.locator('tbody tr[data-model]').count()).toBe(2);
      expect((await section.locator('tr[data-model="gaussian"] th').textContent())?.trim()).toBe('高斯 copula');
      expect((await section.locator('tr[data-model="t"] th').textContent())?.trim()).toBe('t copula（ν = 5）');
      const difference = (await section.locator('tr[data-difference="t"] td').allTextContents()).map((s) => s.trim());
      expect(difference[0]).toMatch(/^[+-][\d,]+\.\d\d$/);
      await shot(page, 'simulation-model-risk');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Model risk' }).waitFor();
      expect((await section.locator('tr[data-model="t"] th').textContent())?.trim()).toBe('t copula (ν = 5)');
    } finally {
      await context.close();
    }
  });
  it("runs the fund's own rules over three years and shows the fund's path year by year", async () => {
    const { context, page } = await app.signIn('manager');
    try {
      await page.goto('/simulation');
      await page.getByRole('heading', { name: '风险模拟', level: 1 }).waitFor();
      await page.getByLabel('情景数').fill('2000');
      await page.getByLabel('模拟年数').fill('3');
      await page.getByLabel('期初资金余额（元）').fill('250000');
      await page.getByTestId('sim-rules').check();
      const rulesForm = page.getByTestId('sim-rules-form');
      await rulesForm.getByLabel('贷款到期退出').check();
      await rulesForm.getByLabel('各合作银行熔断机制（G4）').check();
      await rulesForm.getByLabel('违约到支付的时间').selectOption('policy');
      await page.getByRole('button', { name: '开始模拟' }).click();
      await page.locator('[data-testid="sim-status"][data-status="done"]').waitFor({ timeout: 110_000 });
      const section = page.getByTestId('sim-fund-path');
      await section.waitFor();
      // The rules as applied, in words: run-off on, the breaker with the programme's thresholds (G4).
      const rules = (await section.locator('p.hint').first().textContent()) ?? '';
      expect(rules).toContain('到期退出：是');
      expect(rules).toMatch(/熔断：代偿率超过 [\d.]+% 且净代偿额超过 [\d,]+(\.\d\d)? 元/);
      // One row per variant and year, each year's figures in yuan.
      const rows = section.getByTestId('sim-fund-path-table').last().locator('tbody tr');
      const n = await rows.count();
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n % 3).toBe(0);
      const first = (await rows.first().locator('td').allTextContents()).map((x) => x.trim());
      expect(first.some((x) => /^[\d,]+\.\d\d$/.test(x))).toBe(true);
      await shot(page, 'simulation-fund-rules');
    } finally {
      await context.close();
    }
  });
});
