/**
 * A claim's dossier (申请材料, R20) in Debian's chromium against the real server: the bank opens
 * its claim, picks a PDF for the loan contract with the file picker, and sees it listed with a
 * download link; a refused file (a program renamed .pdf) shows the server's reason; the manager
 * ticks the item accepted. Then 退回补正 (R21): the manager sends the claim back naming the
 * collection record, the bank sees what was asked, is told to add the file first, adds it by the
 * picker and resubmits. Screenshots go to test-output/screenshots/.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiAs, buildWeb, ensureBrowser, launchBrowser, shot, signedIn, startServer, type Server } from './harness';
import { seedClaim } from './world';

let server: Server;
let browser: Browser;
let claimId: string;

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% 借款合同\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
);

beforeAll(async () => {
  ensureBrowser();
  buildWeb();
  // The dossier required, as a zone runs it (the other walks run with it waived): the page counts what is missing.
  [server, browser] = await Promise.all([startServer({ BACKSTOP_CLAIM_DOSSIER: 'required' }), launchBrowser()]);
  try {
    ({ claimId } = await seedClaim(server.url));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server log ---\n${server.log().slice(-3000)}`, { cause: e });
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the dossier on the claim page', { timeout: 120_000 }, () => {
  it('the bank uploads by the file picker; a refused file says why; the manager ticks the item', async () => {
    const bank = await signedIn(browser, server.url, 'bank-bob');
    await bank.page.goto(`/claims/${claimId}`);
    const row = bank.page.getByTestId('dossier-item-loan-contract');
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('missing');
    expect(await bank.page.getByTestId('dossier-summary').textContent()).toContain('7 项必备材料');

    // A program renamed .pdf: refused, the reason shown, nothing listed.
    const exe = Buffer.alloc(1024);
    exe.write('MZ', 0, 'latin1');
    exe.writeUInt32LE(128, 0x3c);
    exe.write('PE\0\0', 128, 'latin1');
    await bank.page.setInputFiles('#dossier-file-loan-contract', {
      name: '借款合同.pdf',
      mimeType: 'application/pdf',
      buffer: exe,
    });
    await bank.page.getByText('可执行程序').first().waitFor();
    expect(await row.getAttribute('data-state')).toBe('missing');

    await bank.page.setInputFiles('#dossier-file-loan-contract', {
      name: '借款合同.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('uploaded');
    const link = row.getByRole('link', { name: '借款合同.pdf' });
    await link.waitFor();
    expect(await link.getAttribute('title')).toBe(`SHA-256 ${createHash('sha256').update(PDF).digest('hex')}`);
    await shot(bank.page, 'dossier-uploaded');
    // The link downloads the very bytes.
    const href = await link.getAttribute('href');
    const got = await bank.page.evaluate(
      `fetch(${JSON.stringify(href)}).then((r) => r.arrayBuffer()).then((b) => b.byteLength)`,
    );
    expect(got).toBe(PDF.length);
    await bank.context.close();

    const mgr = await signedIn(browser, server.url, 'manager');
    await mgr.page.goto(`/claims/${claimId}`);
    const mrow = mgr.page.getByTestId('dossier-item-loan-contract');
    await mrow.getByRole('button', { name: '通过' }).click();
    await expect.poll(() => mrow.getAttribute('data-state'), { timeout: 15_000 }).toBe('accepted');
    await mrow.getByText('已通过').waitFor();
    await shot(mgr.page, 'dossier-ticked');
    await mgr.context.close();

    const d = await (
      await apiAs(server.url, 'manager')
    )<{ items: { id: string; state: string }[] }>('GET', `/api/claims/${claimId}/materials`);
    expect(d.body.items.find((i) => i.id === 'loan-contract')?.state).toBe('accepted');
  });
});

describe('退回补正 on the claim page (R21)', { timeout: 120_000 }, () => {
  it('the manager returns the claim naming an item; the bank sees it, adds the file and resubmits', async () => {
    const mgr = await signedIn(browser, server.url, 'manager');
    await mgr.page.goto(`/claims/${claimId}`);
    const card = mgr.page.getByTestId('claim-return');
    await card.getByLabel('催收记录').check();
    await card.getByLabel('退回说明（银行可见）').fill('催收记录缺少最近一个季度');
    await card.getByRole('button', { name: '退回银行补正' }).click();
    await mgr.page.getByTestId('return-request').waitFor();
    expect(await mgr.page.getByText('退回补正').first().isVisible()).toBe(true);
    await shot(mgr.page, 'claim-returned');
    await mgr.context.close();

    const bank = await signedIn(browser, server.url, 'bank-bob');
    await bank.page.goto(`/claims/${claimId}`);
    const asked = bank.page.getByTestId('claim-return');
    await asked.getByText('催收记录缺少最近一个季度').waitFor();
    // the items by their titles, once the checklist has loaded
    await asked.locator('li', { hasText: '催收记录' }).waitFor();
    expect(await asked.locator('li').allTextContents()).toEqual(['催收记录']);
    // Resubmitting before the file is added: the server says which item is missing.
    await asked.getByRole('button', { name: '补正完毕，重新提交' }).click();
    await asked.getByText('退回后尚未上传文件').waitFor();
    await bank.page.setInputFiles('#dossier-file-collection-record', {
      name: '催收记录.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    const row = bank.page.getByTestId('dossier-item-collection-record');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('uploaded');
    await asked.getByRole('button', { name: '补正完毕，重新提交' }).click();
    await bank.page.getByTestId('claim-history').getByText('重新提交').waitFor();
    await shot(bank.page, 'claim-resubmitted');
    await bank.context.close();

    const c = await (await apiAs(server.url, 'manager'))<{ state: string }>('GET', `/api/claims/${claimId}`);
    expect(c.body.state).toBe('submitted');
  });
});

describe('尽职审查 on the claim page (R22)', { timeout: 120_000 }, () => {
  it('the preparer records a finding: the cut and the compensation as cut are shown, and taken back', async () => {
    const api = await apiAs(server.url, 'manager');
    const before = await api<{ compensation: string }>('POST', `/api/claims/${claimId}/prepare`);
    expect(before.status).toBe(200);
    const mgr = await signedIn(browser, server.url, 'manager');
    await mgr.page.goto(`/claims/${claimId}`);
    const row = mgr.page.getByTestId('finding-collection-effort');
    await row.getByLabel('认定的事实').fill('逾期后未及时催收');
    await row.getByRole('button', { name: '认定', exact: true }).click();
    await expect.poll(() => row.getAttribute('data-found'), { timeout: 15_000 }).toBe('yes');
    const summary = mgr.page.getByTestId('findings-summary');
    await summary.getByText('30.00%').waitFor();
    const after = await api<{ compensation: string; cutBp: number }>('GET', `/api/claims/${claimId}`);
    expect(after.body.cutBp).toBe(3000);
    // 70% of what it was, as the server computed it, shown on the page to the fen
    const shown = (await mgr.page.getByTestId('compensation').textContent()) ?? '';
    expect(shown.replace(/[,\s元]/g, '')).toBe(after.body.compensation);
    expect(BigInt(after.body.compensation.replace('.', '')) * 10n).toBe(
      BigInt(before.body.compensation.replace('.', '')) * 7n,
    );
    await shot(mgr.page, 'claim-finding');
    await row.getByRole('button', { name: '撤销认定' }).click();
    await expect.poll(() => row.getAttribute('data-found'), { timeout: 15_000 }).toBe('no');
    await summary.getByText('0.00%').waitFor();
    await mgr.context.close();
  });
});
