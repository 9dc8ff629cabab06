/**
 * People and API tokens in Debian's chromium against the real server: a manager adds a bank
 * officer on the users page (用户管理) — a short password is refused beside its input first —
 * disables them after confirming (they cannot sign in), enables them, and sets a new password they
 * sign in with; an auditor reads the list, a reviewer has no such page; a bank officer creates an
 * API token on 我的账户, sees it once, calls the API with it and revokes it (then refused); a person
 * changes their own password — a wrong current password is refused beside its field, a mismatched
 * repeat before anything is sent. Screenshots: test-output/screenshots/accounts-*.png.
 *
 * Sign-in failures are counted per address too (5 in 15 minutes answer 429 for everyone from it):
 * this file makes at most two at a time.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiAs, appInBrowser, shot, signedIn } from './harness';

const app = appInBrowser();

const PHONE = { width: 390, height: 844 };

/** POST /api/auth/login's status for a username and password. */
const loginStatus = async (username: string, password: string) =>
  (
    await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
  ).status;

const noSideways = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'); // a string: the test's types have no DOM

describe('users and accounts', { timeout: 120_000 }, () => {
  it('a manager adds a bank officer (a short password refused beside its input), disables them after confirming, enables them and sets a new password they sign in with', async () => {
    const { context, page } = await app.signIn('manager');
    try {
      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户管理' }).click();
      await page.getByRole('heading', { name: '用户管理', level: 1 }).waitFor();
      expect(page.url()).toMatch(/\/users$/);
      const table = page.getByTestId('users');
      const row = (username: string) => table.locator(`tr[data-username="${username}"]`);
      await row('bank-icbc').waitFor();
      // Institutions by name once their list is in (their ids until then).
      await expect
        .poll(() => row('bank-icbc').locator('td').allTextContents())
        .toEqual(expect.arrayContaining(['bank-icbc', '银行', '中国工商银行北京经济技术开发区支行', '启用']));
      await expect.poll(() => row('guarantor').locator('td').nth(3).textContent()).toBe('北京首创融资担保有限公司');
      // A manager cannot disable themselves: the button is there but off.
      expect(await row('manager').getByRole('button', { name: '停用' }).isDisabled()).toBe(true);
      expect(await row('manager').textContent()).toContain('（本人）');

      // Empty fields are named first; the role decides which institution is asked for.
      await page.getByRole('button', { name: '添加用户' }).click();
      const form = page.getByTestId('user-form');
      await form.getByRole('button', { name: '添加', exact: true }).click();
      expect(await form.locator('[data-field-error="username"]').textContent()).toBe('必填');
      expect(await form.locator('[data-field-error="role"]').textContent()).toBe('必填');
      expect(await form.getByLabel('所属银行').count()).toBe(0);
      await form.getByLabel('用户名').fill('icbc-wang');
      await form.getByLabel('姓名').fill('工行经开区支行 王');
      await form.getByLabel('角色').selectOption('guarantor');
      expect(await form.getByLabel('所属担保机构').count()).toBe(1);
      await form.getByLabel('角色').selectOption('bank');
      expect(await form.getByLabel('所属担保机构').count()).toBe(0);
      await form.getByLabel('所属银行').selectOption({ label: '中国工商银行北京经济技术开发区支行' });
      await form.getByLabel('初始密码').fill('short');
      await form.getByRole('button', { name: '添加', exact: true }).click();

      // The server's refusal stands beside the password, in Chinese; nothing was added.
      const pwError = form.locator('[data-field-error="password"]');
      await pwError.waitFor();
      expect(await pwError.textContent()).toBe('至少 10 个字符');
      const pwInput = form.getByLabel('初始密码');
      expect(await pwInput.getAttribute('aria-invalid')).toBe('true');
      expect(await pwInput.getAttribute('aria-describedby')).toBe(await pwError.getAttribute('id'));
      expect(await form.locator('[data-field-error]').count()).toBe(1);
      const manager = await apiAs(app.url, 'manager');
      const users = async () =>
        (await manager<{ items: { username: string; disabled: boolean }[] }>('GET', '/api/users')).body.items;
      expect((await users()).map((u) => u.username)).not.toContain('icbc-wang');
      await shot(page, 'accounts-user-form-error');

      await pwInput.fill('wang-first-password');
      await form.getByRole('button', { name: '添加', exact: true }).click();
      await page.getByTestId('users-notice').filter({ hasText: '已添加用户 icbc-wang。' }).waitFor();
      expect(await form.count()).toBe(0);
      expect(await row('icbc-wang').locator('td').allTextContents()).toEqual(
        expect.arrayContaining([
          'icbc-wang',
          '工行经开区支行 王',
          '银行',
          '中国工商银行北京经济技术开发区支行',
          '启用',
        ]),
      );
      expect(await loginStatus('icbc-wang', 'wang-first-password')).toBe(200);
      const officer = await apiAs(app.url, 'icbc-wang', 'wang-first-password');
      expect((await officer<{ user: { bankId: string } }>('GET', '/api/auth/me')).body.user.bankId).toBe('bank-icbc');

      // Disabling is asked first; cancelled, nothing changes.
      await row('icbc-wang').getByRole('button', { name: '停用' }).click();
      const confirm = row('icbc-wang').getByRole('group', { name: '确认停用 icbc-wang' });
      expect(await confirm.textContent()).toContain('停用 icbc-wang？其登录将立即退出，API 令牌随即失效。');
      await shot(page, 'accounts-disable-confirm');
      await confirm.getByRole('button', { name: '取消' }).click();
      expect(await confirm.count()).toBe(0);
      expect(await row('icbc-wang').getByTestId('user-state').textContent()).toBe('启用');
      expect((await users()).find((u) => u.username === 'icbc-wang')?.disabled).toBe(false);

      await row('icbc-wang').getByRole('button', { name: '停用' }).click();
      await confirm.getByRole('button', { name: '确认停用' }).click();
      await page.getByTestId('users-notice').filter({ hasText: '已停用 icbc-wang' }).waitFor();
      expect(await row('icbc-wang').getByTestId('user-state').textContent()).toBe('停用');
      expect(await row('icbc-wang').getAttribute('data-disabled')).toBe('true');
      // Signed out at once, and cannot sign in.
      expect((await officer('GET', '/api/auth/me')).status).toBe(401);
      expect(await loginStatus('icbc-wang', 'wang-first-password')).toBe(401);
      await shot(page, 'accounts-users');

      await row('icbc-wang').getByRole('button', { name: '启用' }).click();
      await page.getByTestId('users-notice').filter({ hasText: '已启用 icbc-wang' }).waitFor();
      expect(await row('icbc-wang').getByTestId('user-state').textContent()).toBe('启用');
      expect(await loginStatus('icbc-wang', 'wang-first-password')).toBe(200);

      // A new password for one who forgot theirs: a short one is refused beside the input.
      await row('icbc-wang').getByRole('button', { name: '设置新密码' }).click();
      const reset = page.getByTestId('password-reset');
      await reset.getByLabel('icbc-wang 的新密码').fill('too-short');
      await reset.getByRole('button', { name: '保存新密码' }).click();
      const resetError = reset.locator('[data-field-error="password"]');
      await resetError.waitFor();
      expect(await resetError.textContent()).toBe('至少 10 个字符');
      expect(await reset.getByLabel('icbc-wang 的新密码').getAttribute('aria-invalid')).toBe('true');
      await shot(page, 'accounts-password-reset-error');
      await reset.getByLabel('icbc-wang 的新密码').fill('wang-second-password');
      await reset.getByRole('button', { name: '保存新密码' }).click();
      await page.getByTestId('users-notice').filter({ hasText: '已为 icbc-wang 设置新密码' }).waitFor();
      expect(await reset.count()).toBe(0);
      expect(await loginStatus('icbc-wang', 'wang-first-password')).toBe(401);

      // The officer signs in with it in the browser.
      const theirs = await signedIn(context.browser()!, app.url, 'icbc-wang', 'wang-second-password');
      expect(await theirs.page.getByTestId('whoami').textContent()).toBe('工行经开区支行 王 · 银行');
      expect(
        await theirs.page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户管理' }).count(),
      ).toBe(0);
      await theirs.context.close();

      // English, and a phone.
      await page.getByTestId('lang-switch').click();
      await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      expect(await row('icbc-wang').getByTestId('user-state').textContent()).toBe('Enabled');
      await expect
        .poll(() => row('icbc-wang').locator('td').nth(3).textContent())
        .toBe('ICBC Beijing E-Town Sub-branch');
      expect(await page.getByTestId('users-notice').textContent()).toBe(
        'New password set for icbc-wang; they are signed out everywhere.',
      );
      await shot(page, 'accounts-users-en');
      await page.getByTestId('lang-switch').click();
      await page.setViewportSize(PHONE);
      await page.getByRole('heading', { name: '用户管理', level: 1 }).waitFor();
      expect(await noSideways(page)).toBe(true);
      await shot(page, 'accounts-users-phone');
    } finally {
      await context.close();
    }
  });

  it('an auditor reads the users read-only; a reviewer has no users page', async () => {
    const auditor = await app.signIn('auditor');
    try {
      await auditor.page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户管理' }).click();
      const table = auditor.page.getByTestId('users');
      await table.locator('tr[data-username="bank-bob"]').waitFor();
      expect(await auditor.page.getByRole('button', { name: '添加用户' }).count()).toBe(0);
      expect(await table.getByRole('button').count()).toBe(0);
      expect(await table.locator('th').allTextContents()).toEqual(['用户名', '姓名', '角色', '所属机构', '状态']);
      expect(await auditor.page.getByText('（只读）').count()).toBe(1);
    } finally {
      await auditor.context.close();
    }
    const reviewer = await app.signIn('reviewer');
    try {
      expect(
        await reviewer.page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户管理' }).count(),
      ).toBe(0);
      await reviewer.page.goto('/users');
      await reviewer.page.getByText('您无权查看此页面。').waitFor();
    } finally {
      await reviewer.context.close();
    }
  });

  it('a bank officer creates an API token on my account, sees it once, calls the API with it and revokes it', async () => {
    const { context, page } = await app.signIn('bank-icbc');
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.getByTestId('whoami').click();
      await page.getByRole('heading', { name: '我的账户', level: 1 }).waitFor();
      expect(page.url()).toMatch(/\/account$/);
      await expect
        .poll(() => page.getByTestId('account-props').textContent())
        .toContain('中国工商银行北京经济技术开发区支行');
      const tokens = page.getByTestId('api-tokens');
      await tokens.getByRole('button', { name: '创建令牌' }).click();
      expect(await tokens.locator('[data-field-error="name"]').textContent()).toBe('必填');
      await tokens.getByLabel('令牌名称').fill('核心业务系统');
      await tokens.getByRole('button', { name: '创建令牌' }).click();

      const once = page.getByTestId('token-once');
      await once.waitFor();
      expect(await once.textContent()).toContain('令牌只显示这一次');
      const secret = await once.getByTestId('token-secret').inputValue();
      expect(secret.length).toBeGreaterThan(20);
      await once.getByRole('button', { name: '复制' }).click();
      await once.getByText('已复制到剪贴板。').waitFor();
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
      const row = tokens.locator('tr[data-token="核心业务系统"]');
      await row.waitFor();
      expect(await row.getByTestId('token-state').textContent()).toBe('有效');
      expect(await row.textContent()).toContain('未使用');
      await shot(page, 'accounts-token-once');

      // The token works as a bearer token.
      const me = async () => fetch(`${app.url}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
      const used = await me();
      expect(used.status).toBe(200);
      expect(((await used.json()) as { user: { username: string } }).user.username).toBe('bank-icbc');

      // Shown once: closed (or on the next visit) it is nowhere on the page.
      await once.getByRole('button', { name: '我已保存，关闭' }).click();
      expect(await once.count()).toBe(0);
      await page.reload();
      await row.waitFor();
      expect(await page.content()).not.toContain(secret);
      expect(await row.textContent()).not.toContain('未使用'); // last used just now

      // A manager sees it, and whose it is.
      const mgr = await app.signIn('manager');
      try {
        await mgr.page.getByTestId('whoami').click();
        const theirRow = mgr.page.getByTestId('tokens').locator('tr[data-token="核心业务系统"]');
        await theirRow.waitFor();
        expect(await theirRow.locator('td').nth(1).textContent()).toBe('bank-icbc');
      } finally {
        await mgr.context.close();
      }

      // Revoked after a confirmation: the API refuses it at once.
      await row.getByRole('button', { name: '吊销' }).click();
      const confirm = row.getByRole('group', { name: '确认吊销 核心业务系统' });
      expect(await confirm.textContent()).toContain('使用该令牌的系统将立即无法调用接口');
      await shot(page, 'accounts-token-revoke-confirm');
      await confirm.getByRole('button', { name: '确认吊销' }).click();
      await page.getByTestId('tokens-notice').filter({ hasText: '已吊销令牌「核心业务系统」。' }).waitFor();
      expect(await row.getByTestId('token-state').textContent()).toMatch(/^已吊销（\d{4}-\d\d-\d\d \d\d:\d\d）$/);
      expect(await row.getByRole('button', { name: '吊销' }).count()).toBe(0);
      expect((await me()).status).toBe(401);
      await shot(page, 'accounts-tokens');
    } finally {
      await context.close();
    }
  });

  it('a person changes their own password: a wrong current one is refused beside its field, a mismatched repeat before sending', async () => {
    const manager = await apiAs(app.url, 'manager');
    const added = await manager('POST', '/api/users', {
      username: 'reviewer-sun',
      displayName: '复核 孙',
      role: 'reviewer',
      password: 'sun-first-password',
    });
    expect(added.status).toBe(201);
    // The file's chromium, which appInBrowser keeps to itself, from a context it opened.
    const probe = await app.signIn('auditor');
    const browser = probe.context.browser()!;
    await probe.context.close();
    const { context, page } = await signedIn(browser, app.url, 'reviewer-sun', 'sun-first-password');
    try {
      const sent: string[] = [];
      page.on('request', (r) => {
        if (r.url().endsWith('/api/auth/password')) sent.push(r.method());
      });
      await page.getByTestId('whoami').click();
      await page.getByRole('heading', { name: '我的账户', level: 1 }).waitFor();
      expect(await page.getByTestId('api-tokens').count()).toBe(0); // tokens are for banks and managers
      const form = page.getByTestId('password-form');

      await form.getByLabel('当前密码').fill('not-my-password');
      await form.getByLabel('新密码', { exact: true }).fill('sun-second-password');
      await form.getByLabel('再次输入新密码').fill('sun-second-password');
      await form.getByRole('button', { name: '修改密码' }).click();
      const currentError = form.locator('[data-field-error="currentPassword"]');
      await currentError.waitFor();
      expect(await currentError.textContent()).toBe('不是当前密码');
      expect(await form.getByLabel('当前密码').getAttribute('aria-invalid')).toBe('true');
      expect(await form.locator('[data-field-error]').count()).toBe(1);
      expect(sent).toEqual(['POST']);
      await shot(page, 'accounts-password-wrong-current');

      // A mismatched repeat is refused here: nothing is sent.
      await form.getByLabel('当前密码').fill('sun-first-password');
      await form.getByLabel('再次输入新密码').fill('sun-second-passwort');
      await form.getByRole('button', { name: '修改密码' }).click();
      expect(await form.locator('[data-field-error="repeat"]').textContent()).toBe('两次输入的新密码不一致');
      expect(await form.getByLabel('再次输入新密码').getAttribute('aria-invalid')).toBe('true');
      await page.waitForTimeout(300);
      expect(sent).toEqual(['POST']);

      // In English too.
      await page.getByTestId('lang-switch').click();
      await expect
        .poll(() => form.locator('[data-field-error="repeat"]').textContent())
        .toBe('The two new passwords differ');
      await shot(page, 'accounts-password-mismatch-en');
      await page.getByTestId('lang-switch').click();

      await form.getByLabel('再次输入新密码').fill('sun-second-password');
      await form.getByRole('button', { name: '修改密码' }).click();
      await page.getByTestId('password-changed').waitFor();
      expect(await page.getByTestId('password-changed').textContent()).toBe('密码已修改。您在其他设备上的登录已退出。');
      expect(sent).toEqual(['POST', 'POST']);
      expect(await form.getByLabel('当前密码').inputValue()).toBe('');
      // Still signed in here; the new password signs in, the old one does not.
      await page.reload();
      await page.getByRole('heading', { name: '我的账户', level: 1 }).waitFor();
      expect(await loginStatus('reviewer-sun', 'sun-second-password')).toBe(200);
      expect(await loginStatus('reviewer-sun', 'sun-first-password')).toBe(401);
      await page.setViewportSize(PHONE);
      expect(await noSideways(page)).toBe(true);
      await shot(page, 'accounts-account-phone');
    } finally {
      await context.close();
    }
  });

  it('a person sets where notification mails go on my account (a bad address refused beside its field); a manager sets them for a user', async () => {
    const { context, page } = await app.signIn('reviewer');
    try {
      await page.getByTestId('whoami').click();
      await page.getByRole('heading', { name: '我的账户', level: 1 }).waitFor();
      const form = page.getByTestId('notifications-form');
      await form.getByRole('heading', { name: '邮件提醒' }).waitFor();
      // This server has no SMTP server: the card says nothing is sent yet.
      await form.getByTestId('mail-disabled').waitFor();
      await form.getByLabel('电子邮箱').fill('not an address');
      await form.getByRole('button', { name: '保存', exact: true }).click();
      const error = form.locator('[data-field-error="email"]');
      await error.waitFor();
      expect(await error.textContent()).toBe('须为电子邮箱地址');
      await form.getByLabel('电子邮箱').fill('reviewer@etown.example.cn');
      await form.getByLabel('提醒方式').selectOption('digest');
      await form.getByRole('button', { name: '保存', exact: true }).click();
      await page.getByTestId('notifications-saved').waitFor();
      await shot(page, 'accounts-notifications');
      await page.reload();
      const again = page.getByTestId('notifications-form');
      await expect.poll(() => again.getByLabel('电子邮箱').inputValue()).toBe('reviewer@etown.example.cn');
      expect(await again.getByLabel('提醒方式').inputValue()).toBe('digest');
    } finally {
      await context.close();
    }
    const signedInManager = await app.signIn('manager');
    try {
      const p = signedInManager.page;
      await p.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '用户管理' }).click();
      const row = p.getByTestId('users').locator('tr[data-username="bank-icbc"]');
      await row.getByRole('button', { name: '邮件提醒设置' }).click();
      const mailForm = p.getByTestId('mail-settings');
      await mailForm.getByLabel('电子邮箱').fill('icbc-officer@icbc.example.cn');
      await mailForm.getByLabel('提醒方式').selectOption('each');
      await mailForm.getByRole('button', { name: '保存', exact: true }).click();
      await expect.poll(() => p.getByTestId('users-notice').textContent()).toBe('已保存 bank-icbc 的邮件提醒设置。');
      const manager = await apiAs(app.url, 'manager');
      const users = (
        await manager<{ items: { username: string; email: string | null; notify: string }[] }>('GET', '/api/users')
      ).body.items;
      expect(users.find((u) => u.username === 'bank-icbc')).toMatchObject({
        email: 'icbc-officer@icbc.example.cn',
        notify: 'each',
      });
    } finally {
      await signedInManager.context.close();
    }
  });
});
