/**
 * Names, not codes (issue 18, item 3), in Debian's chromium against the real server, in Chinese and
 * then in English: programmes by their titles on the filings list, the loan page, the breakdown
 * report; guarantors and banks by name on the loan page and a guarantor's home; the audit log's
 * actions in words and its records by claim number and contract number — each code still on hover;
 * a loan's ledger accounts by name, the id beneath; the audit log's actors by name and role, and its
 * filters by kind of record and by name or number.
 * Screenshots go to test-output/screenshots/names-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiAs, buildWeb, ensureBrowser, launchBrowser, shot, signedIn, startServer, type Server } from './harness';
import { A, B, makeNonPerforming, seedLoans, seedWorld } from './world';
import { ACCOUNT_CODES } from '../../src/core/ledger/account-words';

/** The page fills in names as their lists arrive: wait up to 15 s. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

let server: Server;
let browser: Browser;
let loans: Record<string, string[]>;
let today: string;
const titles: Record<string, { zh: string; en: string }> = {};

const GUARANTOR = { id: 'guarantor-bjcg', zh: '北京首创融资担保有限公司' };
/** A code as the app writes them: a programme's, a bank's, a guarantor's, an audit action. */
const CODE = /etown-20\d\d|\bbank-[a-z]+|guarantor-bjcg|\b(claim|filing|ledger|material)\.[a-z-]+/;

beforeAll(async () => {
  ensureBrowser();
  buildWeb();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  try {
    const world = await seedWorld(server.url);
    today = world.today;
    loans = await seedLoans(server.url, world.enterprises, world.today);
    const m = await apiAs(server.url, 'manager');
    const programmes = await m<{ items: { id: string; title: { zh: string; en: string } }[] }>(
      'GET',
      '/api/programmes',
    );
    for (const p of programmes.body.items) titles[p.id] = p.title;
    // English names for the guarantor (seedWorld's, or the demo's if it came first).
    const g = await m<{ nameEn: string | null }>('GET', `/api/institutions/${GUARANTOR.id}`);
    Object.assign(GUARANTOR, { en: g.body.nameEn ?? GUARANTOR.zh });
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server log ---\n${server.log().slice(-3000)}`, { cause: e });
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const toEnglish = async (page: Page) => {
  await page.getByTestId('lang-switch').click();
  await page.waitForFunction("document.documentElement.lang === 'en'");
};
const columnOf = async (page: Page, table: string, header: string) => {
  const t = page.getByTestId(table);
  const heads = await t.locator('thead th').allTextContents();
  const i = heads.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === header);
  expect(i, `${header} in ${heads.join(' | ')}`).toBeGreaterThanOrEqual(0);
  return t.locator(`tbody tr td:nth-child(${i + 1})`);
};

describe('names in place of codes', { timeout: 120_000 }, () => {
  it('the filings list names each loan’s programme and bank, in both languages, the code on hover', async () => {
    const { context, page } = await signedIn(browser, server.url, 'manager');
    try {
      await page.goto('/filings');
      await page.getByTestId('filings-table').locator('tbody tr').first().waitFor();
      const programmes = await columnOf(page, 'filings-table', '政策');
      await poll(async () => (await programmes.allTextContents()).some((x) => x === titles[A]!.zh)).toBe(true);
      const shown = await programmes.allTextContents();
      expect(
        shown.every((x) => [titles[A]!.zh, titles[B]!.zh].includes(x)),
        shown.join(' | '),
      ).toBe(true);
      expect(await programmes.first().locator('[title]').getAttribute('title')).toMatch(/^etown-20\d\d-/);
      const banks = await (await columnOf(page, 'filings-table', '合作银行')).allTextContents();
      expect(
        banks.some((b) => b.includes('银行')),
        banks.join(' | '),
      ).toBe(true);
      expect(await page.getByTestId('filings-table').textContent()).not.toMatch(CODE);
      // The filter names them too.
      const options = await page.locator('#f-programme option').allTextContents();
      expect(options).toEqual(expect.arrayContaining([titles[A]!.zh, titles[B]!.zh]));
      await shot(page, 'names-filings-zh');

      await toEnglish(page);
      const en = await columnOf(page, 'filings-table', 'Programme');
      await poll(async () => (await en.allTextContents()).some((x) => x === titles[A]!.en)).toBe(true);
      expect(await page.getByTestId('filings-table').textContent()).not.toMatch(CODE);
      await shot(page, 'names-filings-en');
      await page.getByTestId('lang-switch').click();
    } finally {
      await context.close();
    }
  });

  it('a risk-sharing loan names its programme and its guarantor; the breakdown report names programmes', async () => {
    const { context, page } = await signedIn(browser, server.url, 'manager');
    try {
      // seedLoans' fourth loan of each bank is risk-sharing with the guarantor (programme B).
      await page.goto(`/filings/${loans['bank-bob']![3]!}`);
      const props = page.getByTestId('loan-props');
      await poll(() => props.textContent()).toContain(titles[B]!.zh);
      await poll(() => page.getByTestId('guarantor-confirmation').textContent()).toContain(GUARANTOR.zh);
      await poll(() => page.getByTestId('loan-parties').textContent()).toContain(GUARANTOR.zh);
      expect(await props.textContent()).not.toMatch(CODE);
      expect(await page.getByTestId('guarantor-confirmation').locator('a').getAttribute('title')).toBe(GUARANTOR.id);
      await shot(page, 'names-loan-zh');

      // A bank's agreements: each fund and programme by name.
      await page.goto('/banks/bank-bob');
      const agreements = page.getByTestId('agreements');
      await poll(() => agreements.textContent()).toMatch(new RegExp(`${titles[A]!.zh}|${titles[B]!.zh}`));
      await poll(() => agreements.locator('tbody').textContent()).not.toMatch(/etown/);

      await page.goto('/reports');
      await page.locator('#r-kind').selectOption('breakdown');
      await page.locator('#r-by').selectOption('programme');
      const report = page.getByTestId('report-table');
      await poll(() => report.textContent()).toContain(titles[A]!.zh);
      expect(await report.locator('tbody').textContent()).not.toMatch(CODE);
      await page.locator('#r-kind').selectOption('risk-sharing');
      // The fund whose risk-sharing loans name the guarantor (the demo's and the tests' may differ).
      const funds = await page
        .locator('#r-fund option')
        .evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
      for (const f of funds) {
        await page.locator('#r-fund').selectOption(f);
        await report.locator('tbody tr').first().waitFor();
        await page.waitForTimeout(300);
        if ((await report.textContent())?.includes(GUARANTOR.zh)) break;
      }
      await poll(() => report.textContent()).toContain(GUARANTOR.zh);
      expect(await report.locator('tbody').textContent()).not.toMatch(CODE);

      await toEnglish(page);
      await poll(() => report.textContent()).toContain((GUARANTOR as { en?: string }).en!);
      await page.locator('#r-kind').selectOption('breakdown');
      await page.locator('#r-by').selectOption('programme');
      // (the fund chosen above may run one programme only)
      await poll(async () => {
        const text = (await report.textContent()) ?? '';
        return [A, B].some((p) => text.includes(titles[p]!.en));
      }).toBe(true);
      expect(await report.locator('tbody').textContent()).not.toMatch(CODE);
      await page.goto(`/filings/${loans['bank-bob']![3]!}`);
      await poll(() => props.textContent()).toContain(titles[B]!.en);
      await poll(() => page.getByTestId('guarantor-confirmation').textContent()).toContain(
        (GUARANTOR as { en?: string }).en!,
      );
      expect(await props.textContent()).not.toMatch(CODE);
      await shot(page, 'names-loan-en');
      await page.getByTestId('lang-switch').click();
    } finally {
      await context.close();
    }
  });

  it('a guarantor’s home names it and the banks of the loans it is to confirm', async () => {
    const { context, page } = await signedIn(browser, server.url, 'guarantor');
    try {
      await poll(() => page.getByTestId('home-guarantor').textContent()).toContain(GUARANTOR.zh);
      const table = page.getByTestId('toConfirm-table');
      await table.locator('tbody tr').first().waitFor();
      await poll(() => table.textContent()).toContain('北京银行');
      expect(await table.textContent()).not.toMatch(CODE);
      await shot(page, 'names-guarantor-home-zh');
      await toEnglish(page);
      await poll(() => table.textContent()).toContain('Bank of Beijing');
      expect(await page.getByTestId('home-guarantor').textContent()).toContain((GUARANTOR as { en?: string }).en!);
      expect(await table.textContent()).not.toMatch(CODE);
      await page.getByTestId('lang-switch').click();
    } finally {
      await context.close();
    }
  });

  it('the audit log shows actions in words and records by claim number and contract number, the codes on hover', async () => {
    // A claim in the log: filed, non-performing, claimed.
    const bank = await apiAs(server.url, 'bank-icbc');
    const filingId = loans['bank-icbc']![0]!;
    await makeNonPerforming(server.url, 'bank-icbc', filingId, today);
    const claim = await bank<{ id: string; number: string }>('POST', '/api/claims', { filingId });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);

    const { context, page } = await signedIn(browser, server.url, 'auditor');
    try {
      await page.goto('/audit');
      const table = page.getByTestId('audit-table');
      await table.locator('tbody tr').first().waitFor();
      const actions = page.getByTestId('audit-action');
      await poll(() => actions.allTextContents()).toContain('提交补偿申请');
      expect(await actions.allTextContents()).toContain('报送五级分类');
      const submitted = table.locator('tbody tr', { hasText: '提交补偿申请' }).first();
      expect(await submitted.getByTestId('audit-action').locator('span').getAttribute('title')).toBe('claim.submit');
      const record = table
        .locator('tbody tr', { has: page.locator(`a[href="/claims/${claim.body.id}"]`) })
        .first()
        .getByTestId('audit-entity');
      expect(await record.textContent()).toBe(`补偿申请 ${claim.body.number}`);
      expect(await record.locator('a').getAttribute('href')).toBe(`/claims/${claim.body.id}`);
      expect(await record.locator('a').getAttribute('title')).toBe(`claim ${claim.body.id}`);
      const classified = table.locator('tbody tr', { hasText: '报送五级分类' }).first().getByTestId('audit-entity');
      expect(await classified.textContent()).toBe('贷款 ICBC-2025-0001');
      // No action code and no bare id of a claim or loan in the columns people read.
      for (const cell of [...(await actions.allTextContents())]) expect(cell).not.toMatch(CODE);
      expect((await page.getByTestId('audit-entity').allTextContents()).join('\n')).not.toContain(claim.body.id);
      await shot(page, 'names-audit-zh');

      await toEnglish(page);
      await poll(() => actions.allTextContents()).toContain('claim submitted');
      await poll(() => record.textContent()).toBe(`claim ${claim.body.number}`);
      for (const cell of await actions.allTextContents()) expect(cell).not.toMatch(CODE);
      await shot(page, 'names-audit-en');
      await page.getByTestId('lang-switch').click();
    } finally {
      await context.close();
    }
  });

  it('a loan’s ledger names each account (fund · what it holds · what for), the id beneath and on hover', async () => {
    const m = await apiAs(server.url, 'manager');
    const filingId = loans['bank-bob']![0]!;
    const filing = await m<{ fundId: string }>('GET', `/api/filings/${filingId}`);
    const funds = await m<{ items: { id: string; name: string }[] }>('GET', '/api/funds');
    const fundName = funds.body.items.find((f) => f.id === filing.body.fundId)!.name;
    const { context, page } = await signedIn(browser, server.url, 'manager');
    try {
      await page.goto(`/filings/${filingId}`);
      const accounts = page.getByTestId('ledger').locator('[data-account]');
      await accounts.first().waitFor();
      /** Each account as shown: its name (the first line), its id (beneath) and its title. */
      const shown = () =>
        accounts.evaluateAll((els) =>
          els.map((e) => ({
            name: e.firstChild?.textContent ?? '',
            id: e.querySelector('code')?.textContent ?? '',
            title: e.getAttribute('title'),
            account: e.getAttribute('data-account'),
          })),
        );
      const words = (lang: 'zh' | 'en') => Object.values(ACCOUNT_CODES).map((w) => w[lang]);
      for (const a of await shown()) {
        expect(a.name.startsWith(`${fundName} · `), a.name).toBe(true);
        expect(
          words('zh').some((w) => a.name.includes(` · ${w}`)),
          a.name,
        ).toBe(true);
        expect(a.name).not.toContain(`${filing.body.fundId}:`);
        expect(a.id).toBe(a.account);
        expect(a.title).toBe(a.account);
        expect(a.account).toMatch(new RegExp(`^${filing.body.fundId}:`));
      }
      // The loan's own exposure account is named by its contract number.
      const mine = (await shown()).find((a) => a.account!.includes(':exposure:'))!;
      expect(mine.name).toBe(`${fundName} · ${ACCOUNT_CODES.exposure!.zh} · BOB-2025-0001`);
      await shot(page, 'names-ledger-zh');
      await toEnglish(page);
      await poll(async () => (await shown()).find((a) => a.account!.includes(':exposure:'))!.name).toBe(
        `${fundName} · ${ACCOUNT_CODES.exposure!.en} · BOB-2025-0001`,
      );
      for (const a of await shown())
        expect(
          words('en').some((w) => a.name.includes(` · ${w}`)),
          a.name,
        ).toBe(true);
      await shot(page, 'names-ledger-en');
      await page.getByTestId('lang-switch').click();
    } finally {
      await context.close();
    }
  });

  it('the audit log names who did it (name · role, the username beneath) and filters by kind and by name or number', async () => {
    const m = await apiAs(server.url, 'manager');
    const me = { body: (await m<{ user: { displayName: string } }>('GET', '/api/auth/me')).body.user };
    const claims = await m<{ items: { id: string; number: string }[] }>('GET', '/api/claims?limit=1');
    const claim = claims.body.items[0]!;
    const { context, page } = await signedIn(browser, server.url, 'auditor');
    try {
      await page.goto('/audit');
      const table = page.getByTestId('audit-table');
      await table.locator('tbody tr').first().waitFor();
      const actors = page.getByTestId('audit-actor');
      // The role beside the name, unless the name says it (the demo's 张经理（托管机构）).
      const withRole = (role: string) =>
        `${me.body.displayName}${me.body.displayName.includes(role) ? '' : ` · ${role}`}manager`;
      await poll(() => actors.allTextContents()).toContain(withRole('托管机构'));
      const managerCell = actors.filter({ hasText: me.body.displayName }).first();
      expect(await managerCell.locator('code').textContent()).toBe('manager');
      expect(await managerCell.locator('[title]').first().getAttribute('title')).toBe('manager');

      // By kind and number: only that claim's rows.
      await page.locator('#a-kind').selectOption('claim');
      await page.locator('#a-entity').fill(claim.number);
      await page.getByRole('search').getByRole('button').click();
      const entities = page.getByTestId('audit-entity');
      await poll(async () => {
        const all = await entities.allTextContents();
        return all.length > 0 && all.every((x) => x === `补偿申请 ${claim.number}`);
      }).toBe(true);
      // By a person's name: only their rows.
      await page.locator('#a-kind').selectOption('');
      await page.locator('#a-entity').fill('');
      await page.locator('#a-actor').fill(me.body.displayName.slice(0, 2));
      await page.getByRole('search').getByRole('button').click();
      await poll(async () => {
        const all = await page.getByTestId('audit-actor').locator('code').allTextContents();
        return all.length > 0 && all.every((x) => x === 'manager');
      }).toBe(true);
      await shot(page, 'names-audit-filter-zh');

      await toEnglish(page);
      await poll(() => page.getByTestId('audit-actor').first().textContent()).toBe(withRole('Fund manager'));
      const kinds = await page.locator('#a-kind option').allTextContents();
      expect(kinds).toEqual(expect.arrayContaining(['claim', 'loan', 'enterprise']));
      await page.getByTestId('lang-switch').click();
    } finally {
      await context.close();
    }
  });
});
