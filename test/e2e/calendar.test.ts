/**
 * The holiday calendar page (节假日日历, G6) in Debian's chromium against the real server: a
 * manager opens it from the programmes page, sees the shipped years 2023–2026, enters 2027 — a
 * make-up working day on a weekday is refused beside its input, in Chinese and then in English —
 * fixes it and sees 2027 listed as entered, then corrects it; a bank officer sees the page
 * read-only. Screenshots: test-output/screenshots/calendar-*.png (zh and en, desktop and phone).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiAs, appInBrowser, shot } from './harness';

const app = appInBrowser();

/** The years' cards top to bottom, as `year:source`. */
const yearsShown = async (page: Page) =>
  page
    .locator('[data-testid="cal-years"] > section')
    .evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-testid')!.slice(9)}:${e.getAttribute('data-source')}`),
    );

const PHONE = { width: 390, height: 844 };

describe('holiday calendar page', { timeout: 120_000 }, () => {
  it('a manager opens it from the programmes page and enters 2027: a weekday make-up day is refused beside its input, then it is listed as entered', async () => {
    const { context, page } = await app.signIn('manager');
    try {
      // Not in the top bar: reached from the programmes page.
      const nav = page.getByRole('navigation', { name: '主导航' });
      expect(await nav.getByRole('link', { name: /节假日/ }).count()).toBe(0);
      await nav.getByRole('link', { name: '政策' }).click();
      await page.getByRole('link', { name: '节假日日历（备案期限按工作日计算，G6）' }).click();
      await page.getByRole('heading', { name: '节假日日历', level: 1 }).waitFor();
      expect(page.url()).toMatch(/\/calendar$/);
      expect(await page.getByTestId('cal-covered').textContent()).toBe('2023–2026');
      expect(await page.getByTestId('cal-last-day').textContent()).toBe('2026-12-31');
      const beyond = page.getByTestId('cal-beyond');
      expect(await beyond.textContent()).toContain('2026-12-31 之后的备案无法计算备案期限');
      expect(await beyond.textContent()).toContain('请及时在此录入'); // phrased for a manager
      expect(await yearsShown(page)).toEqual(['2026:shipped', '2025:shipped', '2024:shipped', '2023:shipped']);
      const y2026 = page.getByTestId('cal-year-2026');
      expect(await y2026.getByTestId('cal-source').textContent()).toBe('内置');
      expect(
        await y2026.getByTestId('cal-holidays').locator('tbody tr').filter({ hasText: '国庆节' }).textContent(),
      ).toContain('2026-10-01');
      expect(await y2026.getByTestId('cal-makeup').textContent()).toContain('2026-10-10');
      await shot(page, 'calendar');

      await page.getByRole('button', { name: '录入 2027 年节假日安排' }).click();
      const form = page.getByTestId('cal-form');
      await form.waitFor();
      // Required fields are named here, before anything is sent.
      await form.getByRole('button', { name: '保存' }).click();
      expect(await form.locator('[data-field-error="notice"]').textContent()).toBe('必填');
      expect(await form.locator('[data-field-error="holidays[0].name"]').textContent()).toBe('必填');
      expect(await page.getByLabel('通知名称及文号').getAttribute('aria-invalid')).toBe('true');

      // MADE-UP test data shaped as a notice writes it — not the State Council's 2027 notice.
      await page.getByLabel('通知名称及文号').fill('测试数据（非国务院办公厅2027年通知）');
      await page.getByLabel('第 1 个假期名称').fill('元旦');
      await page.getByLabel('第 1 个假期起').fill('2027-01-01');
      await page.getByLabel('第 1 个假期止').fill('2027-01-03');
      await form.getByRole('button', { name: '添加假期' }).click();
      await page.getByLabel('第 2 个假期名称').fill('春节');
      await page.getByLabel('第 2 个假期起').fill('2027-02-06');
      await page.getByLabel('第 2 个假期止').fill('2027-02-14');
      await form.getByRole('button', { name: '添加调休上班日' }).click();
      await page.getByLabel('第 1 个调休上班日', { exact: true }).fill('2027-02-03'); // a Wednesday: wrong on purpose
      await form.getByRole('button', { name: '添加调休上班日' }).click();
      await page.getByLabel('第 2 个调休上班日', { exact: true }).fill('2027-01-30');
      expect(await form.locator('[data-field-error]').count()).toBe(0);
      await form.getByRole('button', { name: '保存' }).click();

      // The server's refusal stands beside the input it names, in Chinese.
      const dayError = form.locator('[data-field-error="makeUpWorkdays[0]"]');
      await dayError.waitFor();
      expect(await dayError.textContent()).toBe('2027-02-03 是工作日：调休上班日须为周六或周日');
      const dayInput = page.getByLabel('第 1 个调休上班日', { exact: true });
      expect(await dayInput.getAttribute('aria-invalid')).toBe('true');
      expect(await dayInput.getAttribute('aria-describedby')).toBe(await dayError.getAttribute('id'));
      expect(
        await dayInput.locator('xpath=ancestor::td[1]').locator('[data-field-error="makeUpWorkdays[0]"]').count(),
      ).toBe(1); // the same cell
      expect(await form.locator('[data-field-error]').count()).toBe(1);
      expect(await form.getByText('未保存：请按标出的提示修改后再保存。').count()).toBe(1);
      expect((await (await apiAs(app.url, 'manager'))<{ covered: string }>('GET', '/api/calendar')).body.covered).toBe(
        '2023–2026',
      ); // nothing written
      await shot(page, 'calendar-form-error');

      // The same error in English after one click, and the phone layout.
      await page.getByTestId('lang-switch').click();
      await expect
        .poll(() => dayError.textContent())
        .toBe('2027-02-03 is a weekday: a make-up working day is a Saturday or Sunday that is worked');
      await shot(page, 'calendar-form-error-en');
      await page.getByTestId('lang-switch').click();
      await expect.poll(() => dayError.textContent()).toContain('是工作日');
      await page.setViewportSize(PHONE);
      await shot(page, 'calendar-form-error-phone');
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true); // a string: the test's types have no DOM
      await page.setViewportSize({ width: 1366, height: 900 });

      // Fixed: a Saturday worked. 2027 is listed first, entered by the manager.
      await dayInput.fill('2027-02-20');
      await form.getByRole('button', { name: '保存' }).click();
      await page.getByTestId('cal-saved').filter({ hasText: '已录入 2027 年节假日安排，即时生效。' }).waitFor();
      expect(await form.count()).toBe(0);
      expect(await page.getByTestId('cal-covered').textContent()).toBe('2023–2027');
      expect(await page.getByTestId('cal-last-day').textContent()).toBe('2027-12-31');
      expect(await beyond.textContent()).toContain('2028');
      expect(await yearsShown(page)).toEqual([
        '2027:entered',
        '2026:shipped',
        '2025:shipped',
        '2024:shipped',
        '2023:shipped',
      ]);
      const y2027 = page.getByTestId('cal-year-2027');
      expect(await y2027.getByTestId('cal-source').textContent()).toBe('已录入');
      expect(await y2027.textContent()).toMatch(/由 manager 于 \d{4}-\d\d-\d\d \d\d:\d\d 录入/);
      expect(await y2027.getByTestId('cal-notice').textContent()).toBe('测试数据（非国务院办公厅2027年通知）');
      expect(await y2027.getByTestId('cal-holidays').locator('tbody tr').allTextContents()).toEqual([
        '元旦2027-01-01（周五）2027-01-03（周日）3',
        '春节2027-02-06（周六）2027-02-14（周日）9',
      ]);
      expect(await y2027.getByTestId('cal-makeup').locator('tbody tr').allTextContents()).toEqual([
        '2027-01-30周六',
        '2027-02-20周六',
      ]); // in date order
      await page.getByRole('button', { name: '录入 2028 年节假日安排' }).waitFor();
      await shot(page, 'calendar-entered');

      // A correction opens pre-filled in the year's card and is saved over it.
      await y2027.getByRole('button', { name: '更正 2027 年' }).click();
      await form.waitFor();
      expect(await form.getByRole('heading').first().textContent()).toBe('更正 2027 年节假日安排');
      expect(await page.getByLabel('通知名称及文号').inputValue()).toBe('测试数据（非国务院办公厅2027年通知）');
      expect(await page.getByLabel('第 2 个假期止').inputValue()).toBe('2027-02-14');
      expect(await page.getByLabel('第 2 个调休上班日', { exact: true }).inputValue()).toBe('2027-01-30');
      await shot(page, 'calendar-correct');
      await form.getByRole('button', { name: '删除第 1 个调休上班日' }).click();
      await form.getByRole('button', { name: '保存' }).click();
      await y2027.getByTestId('cal-saved').filter({ hasText: '已更正 2027 年节假日安排' }).waitFor();
      expect(await y2027.getByTestId('cal-makeup').locator('tbody tr').allTextContents()).toEqual(['2027-01-30周六']);
    } finally {
      await context.close();
    }
  });

  it('a bank officer sees it read-only, told that the fund manager enters the next year', async () => {
    const { context, page } = await app.signIn('bank-icbc');
    try {
      await page.goto('/programmes');
      await page.getByTestId('calendar-link').click();
      await page.getByRole('heading', { name: '节假日日历', level: 1 }).waitFor();
      // 2027 when the manager's test above has entered it; the page names the year after the last.
      const last = Number((await page.getByTestId('cal-last-day').textContent())!.slice(0, 4));
      await page.getByTestId(`cal-year-${last}`).waitFor();
      expect(await page.getByTestId('cal-beyond').textContent()).toContain(
        `${last + 1} 年节假日安排由托管机构在国务院办公厅发布通知后录入`,
      );
      expect(await page.getByRole('button', { name: /录入|更正/ }).count()).toBe(0);
      expect(await page.getByTestId('cal-form').count()).toBe(0);
      expect(await page.locator('main input').count()).toBe(0);
      await shot(page, 'calendar-bank');
      await page.getByTestId('lang-switch').click();
      await page.getByRole('heading', { name: 'Holiday calendar', level: 1 }).waitFor();
      expect(await page.getByTestId('cal-beyond').textContent()).toContain(`The fund manager enters ${last + 1}`);
      expect(await page.getByTestId('cal-year-2023').getByTestId('cal-source').textContent()).toBe('Shipped');
      await shot(page, 'calendar-bank-en');
      await page.setViewportSize(PHONE);
      await shot(page, 'calendar-bank-phone');
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true); // a string: the test's types have no DOM
      // The server refuses a bank's change too, not only the page.
      const bank = await apiAs(app.url, 'bank-icbc');
      expect(
        (
          await bank('PUT', `/api/calendar/${last + 1}`, {
            notice: 'x',
            holidays: [{ name: '元旦', from: `${last + 1}-01-01`, to: `${last + 1}-01-03` }],
            makeUpWorkdays: [],
          })
        ).status,
      ).toBe(403);
    } finally {
      await context.close();
    }
  });
});
