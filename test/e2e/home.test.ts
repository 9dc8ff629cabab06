/**
 * The home page (待办, issue 18) in Debian's chromium against the real server: a manager lands on
 * it after signing in, sees its counts in the header and on the page — the same as GET /api/home —
 * overdue rows first, not the claim it prepared itself among the decisions (R18), and follows a
 * row to the claim; a bank sees the claim returned to it (R21) and its breaker's level in amber or
 * red, another bank does not see it; a role opening a page not its own gets the 403 page and finds
 * its way home; an unknown path gets the 404 page. Screenshots go to test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiAs, buildWeb, ensureBrowser, launchBrowser, shot, signedIn, startServer, type Server } from './harness';
import { makeNonPerforming, seedLoans, seedWorld } from './world';

let server: Server;
let browser: Browser;
const claims: Record<'waiting' | 'mine' | 'returned', { id: string; number: string }> = {} as never;

interface Home {
  counts: Record<string, number>;
  toPrepare: { items: { id: string; late: boolean }[] };
  bank: { breaker: { level: string } } | null;
}
const homeOf = async (username: string) => (await (await apiAs(server.url, username))<Home>('GET', '/api/home')).body;

beforeAll(async () => {
  ensureBrowser();
  buildWeb();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  try {
    const world = await seedWorld(server.url);
    const loans = await seedLoans(server.url, world.enterprises, world.today);
    const claim = async (bank: string, filingId: string) => {
      await makeNonPerforming(server.url, bank, filingId, world.today);
      const c = await (
        await apiAs(server.url, bank)
      )<{ id: string; number: string }>('POST', '/api/claims', {
        filingId,
      });
      if (c.status !== 201) throw new Error(`claim: ${c.status} ${JSON.stringify(c.body)}`);
      return c.body;
    };
    const step = async (who: string, id: string, what: string, body?: unknown) => {
      const res = await (await apiAs(server.url, who))('POST', `/api/claims/${id}/${what}`, body);
      if (res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    claims.waiting = await claim('bank-bob', loans['bank-bob']![1]!);
    claims.mine = await claim('bank-bob', loans['bank-bob']![2]!);
    await step('manager', claims.mine.id, 'prepare');
    claims.returned = await claim('bank-icbc', loans['bank-icbc']![1]!);
    await step('reviewer', claims.returned.id, 'return', { items: [], note: '请补充2025年第四季度催收记录' });
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server log ---\n${server.log().slice(-3000)}`, { cause: e });
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the home page (待办)', { timeout: 120_000 }, () => {
  it('a manager lands on it: the counts of GET /api/home, overdue first, not its own claim to decide; a row leads to the claim', async () => {
    const { context, page } = await signedIn(browser, server.url, 'manager');
    await page.getByTestId('home-counts').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const api = await homeOf('manager');
    expect(api.counts.toPrepare).toBeGreaterThan(0);
    expect(await page.getByTestId('todo-count').textContent()).toBe(String(api.counts.todo));
    for (const k of ['toPrepare', 'toDecide', 'toPay', 'writeOffs', 'late'])
      expect(await page.getByTestId(`count-${k}`).locator('.value').textContent(), k).toBe(String(api.counts[k]));

    const prepare = page.getByTestId('toPrepare-table');
    expect(await prepare.textContent()).toContain(claims.waiting.number);
    // Overdue rows first: once a row is on time, none after it is late.
    const late = await prepare
      .locator('tbody tr[data-claim]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-late')));
    expect(late).toEqual([...late].sort().reverse());
    expect(late).toEqual(api.toPrepare.items.map((c) => String(c.late)));
    // Prepared by this manager: not a decision for it to take (R18).
    expect(await page.getByTestId('toDecide-table').textContent()).not.toContain(claims.mine.number);
    await page.getByTestId('funds-table').waitFor();
    await shot(page, 'home-manager');

    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: 'To do', level: 1 }).waitFor();
    await shot(page, 'home-manager-en');
    await page.getByTestId('lang-switch').click();
    await page.getByRole('heading', { name: '待办', level: 1 }).waitFor();

    await prepare.getByRole('link', { name: claims.waiting.number }).click();
    await page.waitForURL(`**/claims/${claims.waiting.id}`);
    // The other manager has the prepared claim to decide.
    const other = await signedIn(browser, server.url, 'manager2');
    await other.page.getByTestId('toDecide-table').waitFor();
    expect(await other.page.getByTestId('toDecide-table').textContent()).toContain(claims.mine.number);
    await other.context.close();
    await context.close();
  });

  it('a bank sees the claim returned to it and its breaker’s level; another bank does not see it', async () => {
    const { context, page } = await signedIn(browser, server.url, 'bank-icbc');
    await page.getByTestId('home-returned').waitFor();
    const api = await homeOf('bank-icbc');
    expect(api.counts.returned).toBe(1);
    expect(await page.getByTestId('todo-count').textContent()).toBe(String(api.counts.todo));
    expect(await page.getByTestId('count-returned').locator('.value').textContent()).toBe('1');
    const returned = page.getByTestId('returned-table');
    expect(await returned.textContent()).toContain(claims.returned.number);
    expect(await returned.textContent()).toContain('请补充2025年第四季度催收记录');
    const breaker = page.getByTestId('my-breaker');
    expect(await breaker.getAttribute('data-level')).toBe(api.bank!.breaker.level);
    // The level's colour: amber near the breaker, red past it.
    // (The test's types have no DOM: the page's getComputedStyle is reached through globalThis.)
    type Styles = { getComputedStyle: (el: unknown) => { borderTopColor: string } };
    const border = await breaker.evaluate(
      (el) => (globalThis as unknown as Styles).getComputedStyle(el).borderTopColor,
    );
    const expected = { ok: 'rgb(134, 239, 172)', near: 'rgb(245, 158, 11)', tripped: 'rgb(185, 28, 28)' };
    expect(border).toBe(expected[api.bank!.breaker.level as keyof typeof expected]);
    await shot(page, 'home-bank');
    await context.close();

    const bob = await signedIn(browser, server.url, 'bank-bob');
    await bob.page.getByTestId('home-myBank').waitFor();
    expect(await bob.page.locator('main').textContent()).not.toContain(claims.returned.number);
    expect(await bob.page.getByTestId('inFlight-table').textContent()).toContain(claims.waiting.number);
    await bob.context.close();
  });

  it('a page not for the role is the 403 page, with the way home', async () => {
    const { context, page } = await signedIn(browser, server.url, 'bank-bob');
    await page.goto('/dashboard');
    const forbidden = page.getByTestId('error-403');
    await forbidden.waitFor();
    expect(await forbidden.getByRole('alert').textContent()).toBe('您无权查看此页面。');
    expect(await forbidden.textContent()).toContain('银行');
    await shot(page, 'forbidden');
    await forbidden.getByRole('link', { name: '回到待办' }).click();
    await page.getByTestId('home-counts').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await context.close();
  });

  it('an unknown path is the 404 page; a record not there says so with the way home', async () => {
    const { context, page } = await signedIn(browser, server.url, 'manager');
    await page.goto('/no-such-page');
    const missing = page.getByTestId('error-404');
    await missing.waitFor();
    expect(await missing.getByRole('heading', { level: 1 }).textContent()).toBe('页面不存在');
    await shot(page, 'not-found');
    await page.goto('/claims/00000000-0000-0000-0000-000000000000');
    await page.getByRole('alert').filter({ hasText: '未找到' }).waitFor();
    await page.getByTestId('go-home').click();
    await page.getByTestId('home-counts').waitFor();
    await context.close();
  });
});
