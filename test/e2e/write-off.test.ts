/**
 * A write-off (核销) in two hands (R18), in Debian's chromium against the real server: on a
 * compensated loan's page the bank asks for it with its date and basis; the loan stays compensated
 * and says it waits; the reviewer approves it on the same page, and the loan is written off (R16).
 * Screenshots go to test-output/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiAs, buildWeb, ensureBrowser, launchBrowser, shot, signedIn, startServer, type Server } from './harness';
import { seedClaim } from './world';

let server: Server;
let browser: Browser;
let filingId: string;

beforeAll(async () => {
  ensureBrowser();
  buildWeb();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  try {
    const seeded = await seedClaim(server.url);
    filingId = seeded.filingId;
    const step = async (who: string, what: string) => {
      const res = await (await apiAs(server.url, who))('POST', `/api/claims/${seeded.claimId}/${what}`);
      if (res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    await step('manager', 'prepare');
    await step('manager2', 'approve');
    await step('manager', 'pay');
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server log ---\n${server.log().slice(-3000)}`, { cause: e });
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the write-off on the loan page', { timeout: 120_000 }, () => {
  it('the bank asks, the loan waits; the reviewer approves and the loan is written off', async () => {
    const bank = await signedIn(browser, server.url, 'bank-bob');
    await bank.page.goto(`/filings/${filingId}`);
    const card = bank.page.getByTestId('write-off');
    await card.waitFor();
    await card.getByLabel('核销依据').fill('核销审批 2026-17');
    await card.getByRole('button', { name: '提交核销申请' }).click();
    await card.getByTestId('write-off-waiting').waitFor();
    expect(await card.textContent()).toContain('待补偿资金管理机构另一人审批');
    await shot(bank.page, 'write-off-waiting');
    const asked = await (await apiAs(server.url, 'bank-bob'))<{ status: string }>('GET', `/api/filings/${filingId}`);
    expect(asked.body.status).toBe('compensated');

    const reviewer = await signedIn(browser, server.url, 'reviewer');
    await reviewer.page.goto(`/filings/${filingId}`);
    const waiting = reviewer.page.getByTestId('write-off-waiting');
    await waiting.waitFor();
    await waiting.getByRole('button', { name: '批准核销' }).click();
    await reviewer.page.getByText('已批准核销').first().waitFor();
    await shot(reviewer.page, 'write-off-approved');
    const after = await (await apiAs(server.url, 'bank-bob'))<{ status: string }>('GET', `/api/filings/${filingId}`);
    expect(after.body.status).toBe('written-off');
    await bank.context.close();
    await reviewer.context.close();
  });
});
