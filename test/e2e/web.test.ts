/**
 * The web app in Debian's chromium against the real server: sign-in per role, filing end to end,
 * a refused filing's reasons, bulk upload with a bad row, the claim flow with maker–checker and
 * the dashboard moving, and bank scoping by URL. Screenshots go to test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  apiAs,
  buildWeb,
  creditCode,
  ensureBrowser,
  launchBrowser,
  shot,
  signedIn,
  startServer,
  type Server,
} from './harness';
import { A, B, makeNonPerforming, seedLoans, seedWorld } from './world';

let server: Server;
let browser: Browser;
let world: Awaited<ReturnType<typeof seedWorld>>;
let loans: Awaited<ReturnType<typeof seedLoans>>;

beforeAll(async () => {
  ensureBrowser();
  buildWeb();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  try {
    world = await seedWorld(server.url);
    loans = await seedLoans(server.url, world.enterprises, world.today);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server log ---\n${server.log().slice(-3000)}`, { cause: e });
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('web app', { timeout: 90_000 }, () => {
  it('serves the app at / and sends non-/api paths to it, while unknown /api paths stay problem details', async () => {
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="root">');
    expect((await fetch(`${server.url}/filings/whatever`)).headers.get('content-type')).toContain('text/html');
    const api = await fetch(`${server.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });

  const ROLES: [string, string, string[], string[]][] = [
    ['manager', '托管机构', ['资金看板', '审计日志'], []],
    ['manager2', '托管机构', ['资金看板'], []],
    ['reviewer', '复核人', ['资金看板', '代偿申请'], []],
    ['auditor', '审计', ['审计日志', '资金看板'], []],
    ['bank-icbc', '银行', ['贷款备案', '代偿申请'], ['资金看板', '审计日志']],
    ['bank-bob', '银行', ['贷款备案'], ['资金看板']],
    ['guarantor', '担保机构', ['贷款备案', '担保机构'], ['资金看板', '审计日志']],
  ];
  it.each(ROLES)('signs in as %s and sees the navigation of the role', async (username, roleLabel, present, absent) => {
    const { context, page } = await signedIn(browser, server.url, username);
    await expect.poll(() => page.getByTestId('whoami').textContent()).toContain(roleLabel);
    const nav = page.getByRole('navigation', { name: '主导航' });
    for (const p of present) expect(await nav.getByRole('link', { name: p }).count(), `${username} sees ${p}`).toBe(1);
    for (const a of absent)
      expect(await nav.getByRole('link', { name: a }).count(), `${username} does not see ${a}`).toBe(0);
    await context.close();
  });

  it('switches to English in one click and back', async () => {
    const { context, page } = await signedIn(browser, server.url, 'reviewer');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('link', { name: 'Filings' }).waitFor();
    // The longer English top bar wraps rather than pushing the language switch and sign-out off the page.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true); // a string: the test's types have no DOM
    await page.getByTestId('lang-switch').click();
    await page.getByRole('link', { name: '贷款备案' }).waitFor();
    await context.close();
  });

  it('files a loan end to end: live eligibility as the officer types, then the loan page', async () => {
    const { context, page } = await signedIn(browser, server.url, 'bank-icbc');
    await page.goto('/filings/new');
    await page.getByLabel('银行合同编号').fill('ICBC-E2E-0001');
    await page.getByLabel('政策').selectOption(A);
    await page.getByLabel('借款企业').fill(creditCode(101)); // the officer types the credit code
    await page.getByTestId('enterprise-found').waitFor();
    await page.getByLabel('贷款本金（元）').fill('8000000');
    await page.getByLabel('放款日').fill(world.today);
    const verdict = page.getByTestId('eligibility');
    await expect.poll(() => verdict.getAttribute('data-eligible'), { timeout: 10_000 }).toBe('true');
    expect(await page.getByTestId('ratio').textContent()).toBe('40.00%');
    // The verdict names the programme by its title, its id on hover (issue 18).
    expect(await verdict.textContent()).toMatch(/^符合 北京经济技术开发区小微企业贷款风险补偿资金管理办法（/);
    expect(await verdict.getAttribute('title')).toBe(A);
    await shot(page, 'filing-form-live');
    await page.getByRole('button', { name: '提交备案' }).click();
    await page.getByText('备案成功。').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('ICBC-E2E-0001');
    expect(await page.getByTestId('outstanding').textContent()).toContain('8,000,000.00');
    expect(await page.getByTestId('timeline').locator('li').count()).toBeGreaterThan(0);
    // Filed on its own: proved by its own audit row.
    await page.getByTestId('filing-proof').locator('[data-proof="row"]').waitFor();
    expect(await page.getByTestId('filing-proof').textContent()).toMatch(/单笔备案：审计日志第 \d+ 行/);
    await shot(page, 'loan-page');
    await context.close();
  });

  it('a list shows what was just done, without a reload (issue 18)', async () => {
    const { context, page } = await signedIn(browser, server.url, 'bank-icbc');
    await page.goto('/filings');
    const total = page.getByTestId('list-total');
    await expect.poll(() => total.textContent(), { timeout: 30_000 }).toMatch(/^共 [\d,]+ 条$/);
    const before = Number((await total.textContent())!.replace(/\D/g, ''));
    const listReadAt = await page.evaluate(() => Date.now());
    await page.getByRole('link', { name: '新增备案' }).click();
    await page.getByLabel('银行合同编号').fill('ICBC-E2E-FRESH');
    await page.getByLabel('政策').selectOption(B); // a borrower the bank already lends to, as seedLoans files it
    await page.getByLabel('借款企业').fill(creditCode(103));
    await page.getByTestId('enterprise-found').waitFor();
    await page.getByLabel('贷款本金（元）').fill('1000000');
    await page.getByLabel('放款日').fill(world.today);
    await expect
      .poll(() => page.getByTestId('eligibility').getAttribute('data-eligible'), { timeout: 10_000 })
      .toBe('true');
    await page.getByRole('button', { name: '提交备案' }).click();
    await page.getByText('备案成功。').waitFor();
    // Back to the moment the list was read: by the clock the page it had is still fresh (its staleTime
    // not passed), so only the re-reading after a change can show the new loan, however slow this run.
    await page.clock.setFixedTime(listReadAt);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '贷款备案' }).click();
    await expect.poll(() => total.textContent(), { timeout: 15_000 }).toBe(`共 ${before + 1} 条`);
    // The table (one page: fewer than 50 loans) holds it.
    await expect
      .poll(() => page.getByTestId('filings-table').getByRole('link', { name: 'ICBC-E2E-FRESH' }).count())
      .toBe(1);
    await context.close();
  });

  it('shows every failing reason of a refused filing, beside the form', async () => {
    const { context, page } = await signedIn(browser, server.url, 'bank-icbc');
    await page.goto('/filings/new');
    await page.getByLabel('银行合同编号').fill('ICBC-E2E-BIG');
    await page.getByLabel('政策').selectOption(A);
    await page.getByLabel('借款企业').fill(world.enterprises.medium!);
    await page.getByTestId('enterprise-found').waitFor();
    await page.getByLabel('贷款本金（元）').fill('12000000');
    await expect
      .poll(() => page.getByTestId('eligibility').getAttribute('data-eligible'), { timeout: 10_000 })
      .toBe('false');
    // Live: the failing rules are listed (medium enterprise under A, and above A's 10,000,000 limit).
    const failing = page.getByTestId('live-eval').locator('li[data-ok="false"]');
    expect(await failing.count()).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: '提交备案' }).click();
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor();
    expect(await refusal.locator('li').count()).toBeGreaterThanOrEqual(2);
    await shot(page, 'filing-refused');
    await context.close();
  });

  it('puts an input error beside its field', async () => {
    const { context, page } = await signedIn(browser, server.url, 'bank-icbc');
    await page.goto('/filings/new');
    await page.getByLabel('贷款本金（元）').fill('12.345');
    const err = page.locator('[data-field-error="principal"]');
    await err.waitFor();
    expect(await page.getByLabel('贷款本金（元）').getAttribute('aria-invalid')).toBe('true');
    await context.close();
  });

  it('lists filings server-side paged, sorted and filtered', async () => {
    const { context, page } = await signedIn(browser, server.url, 'manager');
    await page.goto('/filings?sort=principal&order=desc');
    const rows = page.getByTestId('filings-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    // Sorted by principal, largest first, by the server: the page's amounts never increase.
    const amounts = (await rows.locator('td:nth-child(6)').allTextContents()).map((a) =>
      BigInt(a.replace(/[,.]/g, '')),
    );
    expect(amounts.every((a, i) => i === 0 || a <= amounts[i - 1]!)).toBe(true);
    await page.getByLabel('业务模式').selectOption('risk-sharing');
    await expect
      .poll(async () => (await rows.locator('td:nth-child(10)').allTextContents()).every((m) => m === '银担分险'))
      .toBe(true);
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    await page.getByLabel('业务模式').selectOption('');
    await shot(page, 'filings-table');
    await context.close();
  });

  it('a bank cannot reach another bank’s loan by URL', async () => {
    const { context, page } = await signedIn(browser, server.url, 'bank-bob');
    await page.goto(`/filings/${loans['bank-icbc']![0]}`);
    await page.getByRole('alert').filter({ hasText: '未找到' }).waitFor();
    expect(await page.getByTestId('loan-props').count()).toBe(0);
    const own = await signedIn(browser, server.url, 'bank-icbc');
    await own.page.goto(`/filings/${loans['bank-icbc']![0]}`);
    await own.page.getByTestId('loan-props').waitFor();
    await own.context.close();
    await context.close();
  });

  it('a guarantor finds its loans awaiting confirmation, confirms one, and sees it on the loan and in its timeline', async () => {
    const { context, page } = await signedIn(browser, server.url, 'guarantor');
    await page.goto('/filings?guarantorConfirmed=false');
    const risky = loans['bank-icbc']![3]!; // ICBC-2025-0004: risk-sharing, guaranteed by guarantor-bjcg
    await page.getByRole('link', { name: 'ICBC-2025-0004' }).click();
    await page.waitForURL(`**/filings/${risky}`);
    await expect.poll(() => page.getByTestId('guarantor-confirmation').textContent()).toContain('待担保机构确认');
    await shot(page, 'loan-guarantor-confirm');
    await page.getByTestId('guarantor-confirm').getByRole('button', { name: '确认担保' }).click();
    await expect
      .poll(() => page.getByTestId('guarantor-confirmation').textContent())
      .toMatch(/已确认（\d{4}-\d{2}-\d{2}，guarantor）/);
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('担保机构确认');
    expect(await page.getByTestId('guarantor-confirm').count()).toBe(0);
    // A bank officer sees the confirmation and has no button to confirm.
    const bank = await signedIn(browser, server.url, 'bank-icbc');
    await bank.page.goto(`/filings/${risky}`);
    await expect.poll(() => bank.page.getByTestId('guarantor-confirmation').textContent()).toContain('已确认');
    expect(await bank.page.getByTestId('guarantor-confirm').count()).toBe(0);
    await bank.context.close();
    await context.close();
  });

  it('a bank files a claim, a manager prepares it, the same manager cannot approve, a second manager approves, it is paid, the dashboard moves', async () => {
    const filingId = loans['bank-icbc']![1]!; // 2,000,000 under programme B, 50%
    await makeNonPerforming(server.url, 'bank-icbc', filingId, world.today);

    const fundId = (await (await apiAs(server.url, 'manager'))<{ fundId: string }>('GET', `/api/filings/${filingId}`))
      .body.fundId;
    const mgr = await signedIn(browser, server.url, 'manager');
    await mgr.page.goto(`/dashboard?fund=${fundId}`);
    const cash = mgr.page.getByTestId('kpi-cash').locator('.value');
    await expect.poll(() => cash.textContent(), { timeout: 15_000 }).toMatch(/\d/);
    const cashBefore = await cash.textContent();

    const bank = await signedIn(browser, server.url, 'bank-icbc');
    await bank.page.goto(`/filings/${filingId}`);
    await bank.page.getByRole('button', { name: '提交代偿申请' }).click();
    await bank.page.getByTestId('compensation').waitFor();
    expect(await bank.page.getByTestId('compensation').textContent()).toContain('1,000,000.00');
    const claimUrl = bank.page.url();
    await shot(bank.page, 'claim-submitted');

    await mgr.page.goto(claimUrl);
    await mgr.page.getByRole('button', { name: '初审通过，提交复核' }).click();
    await mgr.page.getByTestId('maker-checker').waitFor();
    expect(await mgr.page.getByRole('button', { name: '批准' }).isDisabled()).toBe(true);
    // The server refuses too, not only the button.
    const claimId = claimUrl.split('/').pop()!;
    expect(
      (await (await apiAs(server.url, 'manager'))('POST', `/api/claims/${claimId}/approve`)).status,
    ).toBeGreaterThanOrEqual(400);

    const mgr2 = await signedIn(browser, server.url, 'manager2');
    await mgr2.page.goto('/claims?tab=review');
    await mgr2.page.locator(`tr[data-claim="${claimId}"] a`).first().click();
    await mgr2.page.getByRole('button', { name: '批准' }).click();
    await mgr2.page.getByText('已批准').first().waitFor();
    await mgr2.context.close();

    await mgr.page.reload();
    await mgr.page.getByRole('button', { name: '支付' }).click();
    await mgr.page.getByTestId('claim-props').getByText('已支付').or(mgr.page.locator('.badge.paid')).first().waitFor();
    await shot(mgr.page, 'claim-paid');
    await mgr.page.getByTestId('next-by').waitFor(); // nothing left to do: the card says the claim is closed
    // The loan's timeline shows the claim's submission once (the loan's event, linked to the claim).
    await mgr.page.goto(`/filings/${filingId}`);
    await expect
      .poll(() => mgr.page.getByTestId('timeline').getByRole('link', { name: '提交代偿申请' }).count())
      .toBe(1);

    await mgr.page.goto(`/dashboard?fund=${fundId}`);
    await expect.poll(() => cash.textContent(), { timeout: 15_000 }).not.toBe(cashBefore);
    await mgr.page.waitForTimeout(800); // let the lazy charts draw
    await shot(mgr.page, 'dashboard');
    await mgr.page.goto('/claims?tab=paid');
    await mgr.page.locator(`tr[data-claim="${claimId}"]`).waitFor();
    await shot(mgr.page, 'claims-queue');
    await bank.context.close();
    await mgr.context.close();
  });

  it('uploads a bulk file with one bad row and shows the row-error report', async (ctx) => {
    const b = await apiAs(server.url, 'bank-bob');
    const probe = await b('GET', '/api/imports/00000000-0000-0000-0000-000000000000');
    if (probe.status === 404 && JSON.stringify(probe.body).includes('No route')) ctx.skip(); // the imports API has not landed yet
    const { context, page } = await signedIn(browser, server.url, 'bank-bob');
    await page.goto('/filings/upload');
    const csv = [
      'bankRef,creditCode,programme,kind,principal,disbursedOn,mode',
      `BOB-UP-1,${creditCode(101)},${A},credit,1000000.00,${world.today},direct`,
      `BOB-UP-2,${creditCode(101)},${A},credit,not-money,${world.today},direct`,
    ].join('\n');
    await page.getByLabel('文件').setInputFiles({ name: 'loans.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: '开始导入' }).click();
    // The table shows when the job is done; its rows come with the error report's own request.
    await page.getByTestId('row-errors').locator('tr[data-row]').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('row-errors').locator('tr[data-row]').count()).toBeGreaterThanOrEqual(1);
    await shot(page, 'upload');
    // The good row is filed: its page proves it by its leaf under the chunk's Merkle root, checked.
    const id = (await b<{ items: { id: string }[] }>('GET', '/api/filings?q=BOB-UP-1')).body.items[0]!.id;
    await page.goto(`/filings/${id}`);
    const chunk = page.getByTestId('filing-proof').locator('[data-proof="chunk"]');
    await chunk.waitFor();
    expect(await chunk.getAttribute('data-verified')).toBe('true');
    expect(await chunk.textContent()).toContain('已核对');
    await context.close();
  });

  it('renders the main pages in Chinese for the screenshots', async () => {
    const { context, page } = await signedIn(browser, server.url, 'auditor');
    await page.goto('/programmes/etown-2025-sci-tech');
    await page.getByTestId('policy-version').first().waitFor();
    await page.getByLabel('左侧版本').selectOption(`${A}@2023-12`);
    await page.getByLabel('右侧版本').selectOption('etown-2025-sci-tech@2025-07');
    await page.getByTestId('diff').waitFor();
    await shot(page, 'programme-diff');
    await page.goto('/banks/bank-icbc');
    await page.getByTestId('breaker').waitFor();
    await shot(page, 'bank');
    await page.goto('/audit');
    await page.getByTestId('verify-chain').click();
    await page.waitForTimeout(1000);
    await shot(page, 'audit');
    await page.goto('/reports');
    await page.getByTestId('report-table').locator('tbody tr').first().waitFor();
    // Column headings are words, not the API's camelCase field names.
    expect(
      (await page.getByTestId('report-table').locator('th').allTextContents()).filter((h) => /[a-z][A-Z]/.test(h)),
    ).toEqual([]);
    await shot(page, 'reports');
    await context.close();
    const login = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await login.goto(`${server.url}/login`);
    await login.getByLabel('用户名').waitFor();
    await shot(login, 'login');
    await login.close();
  });
});
