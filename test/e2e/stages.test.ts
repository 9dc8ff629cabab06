/**
 * A claim through a programme's stages (R23) in Debian's chromium against the real server, whose
 * programmes come from a folder of their own (BACKSTOP_POLICIES_DIR): the small-micro programme there
 * asks for a review by the reviewer and then the Finance and Audit Bureau's approval. The manager
 * prepares; the manager cannot sign the review (not a role it names); the reviewer signs it; the
 * reviewer cannot sign the bureau's stage; the bureau approves; the manager pays. The timeline shows
 * each stage signed, by whom. The dossier, waived on this server, is said to be waived while the claim
 * is under review and, once approved, to be the checklist as it was at the decision — never missing.
 * Screenshots go to test-output/screenshots/.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { POLICIES_DIR } from '../../src/modules/programmes/policy-files';
import { apiAs, buildWeb, ensureBrowser, launchBrowser, shot, signedIn, startServer, type Server } from './harness';
import { A, seedClaim } from './world';

let server: Server;
let browser: Browser;
let claimId: string;

/** The shipped programmes, with the small-micro one asking for two sign-offs after preparation. */
function policiesWithStages(): string {
  const dir = mkdtempSync(join(tmpdir(), 'backstop-e2e-policies-'));
  cpSync(POLICIES_DIR, dir, { recursive: true });
  const file = join(dir, A, '2023-12.json');
  const policy = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  policy.claimWorkflow = {
    cites: ['R21', 'R23'],
    returnWorkingDays: 10,
    stages: [
      { id: 'review', title: { zh: '复核', en: 'Review' }, by: ['reviewer'], workingDays: 5 },
      { id: 'bureau-approval', title: { zh: '财政审计局审批', en: 'Bureau approval' }, by: ['bureau'], workingDays: 5 },
    ],
  };
  writeFileSync(file, JSON.stringify(policy, null, 2));
  return dir;
}

beforeAll(async () => {
  ensureBrowser();
  buildWeb();
  [server, browser] = await Promise.all([
    startServer({ BACKSTOP_POLICIES_DIR: policiesWithStages() }),
    launchBrowser(),
  ]);
  try {
    ({ claimId } = await seedClaim(server.url)); // programme A
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server log ---\n${server.log().slice(-3000)}`, { cause: e });
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a claim through its programme’s stages (R23)', { timeout: 180_000 }, () => {
  it('prepared, the review signed by the reviewer, approved by the bureau, paid; a role the stage does not name has no button', async () => {
    const mgr = await signedIn(browser, server.url, 'manager');
    await mgr.page.goto(`/claims/${claimId}`);
    await mgr.page.getByRole('button', { name: '初审通过，提交复核' }).click();
    const stages = mgr.page.getByTestId('claim-stages');
    await stages.waitFor();
    await expect.poll(() => mgr.page.getByTestId('stage-review').getAttribute('data-state')).toBe('waiting');
    expect(await mgr.page.getByTestId('stage-bureau-approval').getAttribute('data-state')).toBe('ahead');
    // The review is the reviewer's: the manager is offered no decision, only who is next.
    expect(
      await mgr.page.getByTestId('claim-actions').getByRole('button', { name: '本环节审核通过，转下一环节' }).count(),
    ).toBe(0);
    await shot(mgr.page, 'stages-prepared');
    // The server waives the dossier (harness: BACKSTOP_CLAIM_DOSSIER=waived): the page says so, and not that materials are missing.
    const dossierSummary = mgr.page.getByTestId('dossier-summary');
    await expect.poll(() => dossierSummary.textContent()).toContain('豁免申请材料');
    expect(await dossierSummary.textContent()).not.toMatch(/未审核通过|不能批准/);

    const rev = await signedIn(browser, server.url, 'reviewer');
    await rev.page.goto(`/claims/${claimId}`);
    await rev.page.getByText('当前环节：复核').waitFor();
    await rev.page.getByRole('button', { name: '本环节审核通过，转下一环节' }).click();
    await expect.poll(() => rev.page.getByTestId('stage-review').getAttribute('data-state')).toBe('signed');
    expect(await rev.page.getByTestId('stage-review').textContent()).toContain('reviewer 于');
    expect(await rev.page.getByTestId('stage-bureau-approval').getAttribute('data-state')).toBe('waiting');
    // The bureau's stage: the reviewer is offered nothing, and the server refuses it too (R23).
    await rev.page.reload();
    await rev.page.getByTestId('claim-stages').waitFor();
    expect(await rev.page.getByTestId('claim-actions').getByRole('button', { name: '批准' }).count()).toBe(0);
    const refused = await (
      await apiAs(server.url, 'reviewer')
    )<{ errors?: { code: string }[]; code?: string }>('POST', `/api/claims/${claimId}/approve`, {});
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/claim\.(not_your_stage|signed_earlier_stage)/);
    await shot(rev.page, 'stages-reviewed');

    const bureau = await signedIn(browser, server.url, 'bureau');
    await bureau.page.goto(`/claims/${claimId}`);
    await bureau.page.getByText('当前环节：财政审计局审批').waitFor();
    await bureau.page.getByTestId('claim-actions').getByRole('button', { name: '批准' }).click();
    await expect.poll(() => bureau.page.getByTestId('stage-bureau-approval').getAttribute('data-state')).toBe('signed');
    expect(await bureau.page.getByTestId('stage-bureau-approval').textContent()).toContain('bureau 于');
    await shot(bureau.page, 'stages-approved');
    // Approved: the dossier is the checklist as it was at the decision, nothing called missing.
    const decided = bureau.page.getByTestId('dossier-summary');
    await expect.poll(() => decided.textContent()).toContain('本申请已审结，以下为审结时的材料清单');
    expect(await decided.textContent()).not.toMatch(/未审核通过|不能批准|豁免/);

    await mgr.page.reload();
    await mgr.page.getByTestId('claim-actions').getByRole('button', { name: '支付' }).click();
    await expect
      .poll(
        async () =>
          (await (await apiAs(server.url, 'manager'))<{ state: string }>('GET', `/api/claims/${claimId}`)).body.state,
      )
      .toBe('paid');
    const c = await (
      await apiAs(server.url, 'manager')
    )<{ signOffs: { stage: string; by: string; role: string }[]; decidedBy: string }>('GET', `/api/claims/${claimId}`);
    expect(c.body.signOffs.map((s) => [s.stage, s.by, s.role])).toEqual([
      ['review', 'reviewer', 'reviewer'],
      ['bureau-approval', 'bureau', 'bureau'],
    ]);
    expect(c.body.decidedBy).toBe('bureau');
    for (const s of [mgr, rev, bureau]) await s.context.close();
  });
});
