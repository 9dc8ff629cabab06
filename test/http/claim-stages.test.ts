/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A claim's stages as a programme writes them (issue 17, item 1; R23): here Programme A asks, after
 * the manager's preparation, for the reviewer's 复核 (3 working days) and the Finance and Audit
 * Bureau's 审批 (5 working days). Each stage is signed only by the roles it names, never by the
 * preparer nor by someone who signed an earlier stage (R18); each has its SLA from when it was
 * entered; no money moves before the last sign-off, which approves and books the claim; a return
 * sends the claim back with its sign-offs void; the default (no stages written) stays one checker.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

const SMALL_MICRO = 'etown-2023-small-micro/2023-12.json';
let dir: string;
let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, manager2: Client, reviewer: Client, bankA: Client, bureau: Client, bureau2: Client;
let claimId: string;
let otherClaimId: string;

const claim = async (id = claimId) => ok(await send(manager, 'GET', `/api/claims/${id}`));
const approve = (client: Client, id = claimId) => send(client, 'POST', `/api/claims/${id}/approve`);
const booked = async (id = claimId) =>
  (await ok(await send(manager, 'GET', `/api/ledger/transfers?entityKind=claim&entityId=${id}`))).items.filter(
    (x: any) => x.code === 'claim-approved',
  );

async function refused(res: Response, status: number, code: string) {
  const body = await ok(res, status);
  expect(body.errors[0].code).toBe(code);
  expect(body.detailZh).toBeTruthy();
  return body;
}

const filed: Record<string, string> = {};

async function file(ref: string, programme: string) {
  filed[ref] = (
    await ok(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: ref,
        creditCode: creditCode(1),
        programme,
        loan: {
          kind: 'credit',
          principal: '500000.00',
          disbursedOn: '2025-09-01',
          maturesOn: '2026-08-31',
          mode: 'direct',
        },
      }),
      201,
    )
  ).id;
}

/** The loan goes bad on `day` and the bank claims. */
async function claimFor(ref: string) {
  await ok(
    await send(bankA, 'POST', `/api/filings/${filed[ref]}/classification`, {
      classification: 'doubtful',
      overdueSince: '2025-10-01',
      on: day,
    }),
  );
  return (await ok(await send(bankA, 'POST', '/api/claims', { filingId: filed[ref] }), 201)).id as string;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backstop-stages-'));
  cpSync(join(import.meta.dirname, '../../policies'), dir, { recursive: true });
  const policy = JSON.parse(readFileSync(join(dir, SMALL_MICRO), 'utf8'));
  policy.claimWorkflow = {
    cites: ['R23'],
    stages: [
      { id: 'review', title: { zh: '复核', en: 'Review' }, by: ['reviewer', 'manager'], workingDays: 3 },
      { id: 'bureau-approval', title: { zh: '财政审计局审批', en: 'Bureau approval' }, by: ['bureau'], workingDays: 5 },
    ],
  };
  writeFileSync(join(dir, SMALL_MICRO), JSON.stringify(policy, null, 2));
  t = await startTestApp({ today: () => day, policiesDir: dir });
  ({ manager, manager2, reviewer, bankA } = await signInCast(t));
  bureau = await t.signIn('bureau-qian', 'bureau');
  bureau2 = await t.signIn('bureau-sun', 'bureau');
  await openEtownForBankA(manager, creditCode(1));
  // Filed while the enterprise is sound (R17), all three within G6's deadline
  await file('A-STAGES-1', 'etown-2023-small-micro');
  await file('A-STAGES-2', 'etown-2025-sci-tech');
  await file('A-STAGES-3', 'etown-2023-small-micro');
  day = '2026-01-12';
  claimId = await claimFor('A-STAGES-1');
  otherClaimId = await claimFor('A-STAGES-2');
}, 240_000);
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a programme’s stages (R23)', () => {
  it('are on the claim, and the first one’s clock starts at preparation', async () => {
    const before = await claim();
    expect(before.stages.map((s: any) => [s.id, s.by, s.workingDays])).toEqual([
      ['review', ['reviewer', 'manager'], 3],
      ['bureau-approval', ['bureau'], 5],
    ]);
    expect(before).toMatchObject({ state: 'submitted', stage: null, stageDueBy: null, signOffs: [] });
    const prepared = await ok(await send(manager, 'POST', `/api/claims/${claimId}/prepare`));
    // 3 working days from Monday 12 January 2026
    expect(prepared).toMatchObject({ state: 'under-review', stage: 0, stageDueBy: '2026-01-15', stageOverdue: false });
  });

  it('each is signed only by the roles it names, never by the preparer', async () => {
    await refused(await approve(bureau), 403, 'claim.not_your_stage');
    await refused(await approve(manager), 403, 'claim.preparer_cannot_decide');
    await refused(
      await send(bureau, 'POST', `/api/claims/${claimId}/reject`, { reason: '不符合' }),
      403,
      'claim.not_your_stage',
    );
    expect((await claim()).signOffs).toEqual([]);
  });

  it('a stage signed moves the claim to the next with its own SLA, and no money moves', async () => {
    day = '2026-01-14';
    const signed = await ok(await approve(reviewer));
    expect(signed).toMatchObject({ state: 'under-review', stage: 1, stageDueBy: '2026-01-21' });
    expect(signed.signOffs).toMatchObject([{ stage: 'review', by: 'reviewer', role: 'reviewer' }]);
    expect(await booked()).toEqual([]);
    const events = (await claim()).events.map((e: any) => e.event);
    expect(events).toEqual(['submit', 'prepare', 'sign-off']);
  });

  it('the later stage: not its earlier signer, not another role; the bureau approves and books the claim', async () => {
    await refused(await approve(reviewer), 403, 'claim.not_your_stage');
    await refused(await approve(manager2), 403, 'claim.not_your_stage');
    day = '2026-01-26';
    // Past the bureau stage's 5 working days (from 14 January: the 21st)
    expect((await claim()).stageOverdue).toBe(true);
    const approved = await ok(await approve(bureau));
    expect(approved).toMatchObject({ state: 'approved', decidedBy: 'bureau-qian', stage: null });
    expect(approved.signOffs.map((s: any) => [s.stage, s.by])).toEqual([
      ['review', 'reviewer'],
      ['bureau-approval', 'bureau-qian'],
    ]);
    expect((await booked()).map((x: any) => x.amount)).toEqual([approved.compensation]);
    await refused(await approve(bureau2), 409, 'claim.wrong_state');
  });

  it('a programme that writes no stages keeps one checker; the bureau cannot sign there', async () => {
    await ok(await send(manager, 'POST', `/api/claims/${otherClaimId}/prepare`));
    const c = await claim(otherClaimId);
    expect(c.stages.map((s: any) => [s.id, s.by])).toEqual([['approval', ['manager', 'reviewer']]]);
    await refused(await approve(bureau, otherClaimId), 403, 'claim.not_your_stage');
    const approved = await ok(await approve(manager2, otherClaimId));
    expect(approved.state).toBe('approved');
  });
});

describe('a return voids the sign-offs', () => {
  it('the claim comes back for a fresh review from the first stage', async () => {
    day = '2026-02-02';
    const id = await claimFor('A-STAGES-3');
    await ok(await send(manager, 'POST', `/api/claims/${id}/prepare`));
    await ok(await approve(reviewer, id));
    expect((await claim(id)).stage).toBe(1);
    const back = await ok(
      await send(bureau, 'POST', `/api/claims/${id}/return`, { items: [], note: '缺少审批材料' }),
      403,
    );
    expect(back.errors[0].code).toBe('auth.forbidden'); // the bureau approves; the fund's staff return
    await ok(await send(reviewer, 'POST', `/api/claims/${id}/return`, { items: [], note: '请补充催收记录' }));
    expect(await claim(id)).toMatchObject({ state: 'returned', stage: null, signOffs: [] });
    await ok(await send(bankA, 'POST', `/api/claims/${id}/resubmit`));
    await ok(await send(manager2, 'POST', `/api/claims/${id}/prepare`));
    expect(await claim(id)).toMatchObject({ state: 'under-review', stage: 0, signOffs: [] });
    // The reviewer signed the first review; the new one may be signed by them again: it is a new review.
    await ok(await approve(reviewer, id));
    expect((await claim(id)).stage).toBe(1);
  });
});
