/**
 * Search that finds (issue 18), in the browser: on 贷款备案 a manager types two Chinese characters
 * of a borrower's name into 搜索 and presses 查询; the table holds exactly the loans whose
 * borrower's name holds them (worked out here from the whole unfiltered list), "共 N 条" says
 * how many, and a bank officer searching the same finds only its own. On 代偿申请 the claims show
 * their readable numbers (BP-<year>-…) and their borrower, and a number typed into the search box
 * finds its claim.
 */
import { describe, expect, it } from 'vitest';
import { apiAs, appInBrowser, shot } from './harness';

const app = appInBrowser();

interface Filing {
  id: string;
  bankRef: string;
  bankId: string;
  enterpriseName?: string;
}
interface Claim {
  id: string;
  number: string;
  bankRef?: string;
  enterpriseName?: string;
}

async function everyFiling(url: string, user: string): Promise<Filing[]> {
  const api = await apiAs(url, user);
  const out: Filing[] = [];
  let cursor = '';
  do {
    const page = await api<{ items: Filing[]; nextCursor: string | null }>(
      'GET',
      `/api/filings?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(page.status).toBe(200);
    out.push(...page.body.items);
    cursor = page.body.nextCursor ?? '';
  } while (cursor);
  return out;
}

describe('search on the lists', { timeout: 120_000 }, () => {
  it('finds the filings of a borrower by two characters of its Chinese name, with 共 N 条; a bank only its own', async () => {
    const all = await everyFiling(app.url, 'manager');
    expect(all.length).toBeGreaterThan(5);
    // Two characters from the middle of a borrower's name (北京 + brand…): e.g. 翔宇.
    const word = all[0]!.enterpriseName!.slice(2, 4);
    const expected = all.filter((f) => f.enterpriseName!.includes(word) || f.bankRef.startsWith(word));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);

    const { context, page } = await app.signIn('manager');
    await page.goto('/filings');
    const rows = page.getByTestId('filings-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(5);
    await expect
      .poll(() => page.getByTestId('list-total').textContent(), { timeout: 30_000 })
      .toBe(`共 ${all.length} 条`);
    await page.getByLabel('搜索').fill(word);
    await page.getByRole('button', { name: '查询' }).click();
    await expect
      .poll(() => page.getByTestId('list-total').textContent(), { timeout: 30_000 })
      .toBe(`共 ${expected.length} 条`);
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(Math.min(expected.length, 50));
    const names = await rows.locator('td:nth-child(2)').allTextContents();
    expect(names.every((n) => n.includes(word))).toBe(true);
    const shown = await rows.locator('td:nth-child(1)').allTextContents();
    expect(shown.sort()).toEqual(expected.map((f) => f.bankRef).sort());
    expect(page.url()).toContain(`q=${encodeURIComponent(word)}`);
    await shot(page, 'filings-search');
    await context.close();

    const bank = expected[0]!.bankId;
    const own = expected.filter((f) => f.bankId === bank);
    const officer = await app.signIn(bank);
    await officer.page.goto(`/filings?q=${encodeURIComponent(word)}`);
    const bankRows = officer.page.getByTestId('filings-table').locator('tbody tr');
    await expect
      .poll(() => officer.page.getByTestId('list-total').textContent(), { timeout: 30_000 })
      .toBe(`共 ${own.length} 条`);
    expect((await bankRows.locator('td:nth-child(1)').allTextContents()).sort()).toEqual(
      own.map((f) => f.bankRef).sort(),
    );
    await officer.context.close();
  });

  it('shows claims by their readable numbers with the borrower, and finds one by its number', async () => {
    const api = await apiAs(app.url, 'manager');
    const claims = await api<{ items: Claim[]; total: number }>('GET', '/api/claims?limit=500');
    expect(claims.status).toBe(200);
    expect(claims.body.items.length).toBeGreaterThan(1);
    const target = claims.body.items.at(-1)!;
    expect(target.number).toMatch(/^BP-\d{4}-\d{6}$/);

    const { context, page } = await app.signIn('manager');
    await page.goto('/claims?tab=all');
    const rows = page.getByTestId('claims-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    await expect
      .poll(() => page.getByTestId('list-total').textContent(), { timeout: 30_000 })
      .toBe(`共 ${claims.body.total} 条`);
    expect(await page.getByRole('columnheader', { name: '借款企业' }).count()).toBe(1);
    await page.getByLabel('搜索').fill(target.number);
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.getByTestId('list-total').textContent(), { timeout: 30_000 }).toBe('共 1 条');
    await expect
      .poll(() => rows.locator('td:nth-child(1)').allTextContents(), { timeout: 30_000 })
      .toEqual([target.number]);
    expect(await rows.locator('td:nth-child(3)').textContent()).toBe(target.enterpriseName);
    await shot(page, 'claims-search');
    await rows.locator('td:nth-child(1) a').click();
    await page.getByRole('heading', { name: new RegExp(target.number) }).waitFor();
    await context.close();
  });
});
