/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Claims as zones run them (issue 17, leftovers): the bank's deadline to complete a returned claim is
 * the programme's (`claimWorkflow.returnWorkingDays`, R21) — here 5 working days for Programme A, the
 * shipped 10 for Programme B; a stage past its SLA (R23) or a return past the bank's deadline shows
 * overdue on the claim and the home page, and the daily jobs escalate it once: a claim event, an
 * audit entry that the notifications dispatcher mails to the stage's deciders and the fund's managers
 * (never the preparer nor an earlier signer) or to the bank's officers and the managers, and that the
 * webhooks dispatcher queues for the bank. A second run the same day, or the next, sends nothing more.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDailyJobs } from '../../src/adapters/http/daily-jobs';
import { escalateOverdueClaims } from '../../src/modules/claims/overdue.usecases';
import { queueNotifications } from '../../src/modules/notifications/notifications.dispatcher';
import { createNotificationsRepository } from '../../src/modules/notifications/notifications.repository';
import { queueEvents } from '../../src/modules/webhooks/webhooks.dispatcher';
import { webhookDeliveries } from '../../src/modules/webhooks/webhooks.table';
import { creditCode } from '../operations/fixture';
import { ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

const SMALL_MICRO = 'etown-2023-small-micro/2023-12.json';
let dir: string;
let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, manager2: Client, reviewer: Client, auditor: Client, bankA: Client, bankB: Client;
let bureau: Client, bankA2: Client;
/** c1: Programme A, to be left at the bureau's stage; c2: Programme B, returned; c3: Programme A, returned. */
const claims: Record<'c1' | 'c2' | 'c3', { id: string; number: string }> = {} as any;
let endpointId: string;

const filed: Record<string, string> = {};
const logger = pino({ level: 'silent' });
const address = (username: string) => `${username}@example.cn`;

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

async function claimFor(ref: string) {
  await ok(
    await send(bankA, 'POST', `/api/filings/${filed[ref]}/classification`, {
      classification: 'doubtful',
      overdueSince: '2025-10-01',
      on: day,
    }),
  );
  const c = await ok(await send(bankA, 'POST', '/api/claims', { filingId: filed[ref] }), 201);
  return { id: c.id as string, number: c.number as string };
}

const claim = async (key: keyof typeof claims) => ok(await send(manager, 'GET', `/api/claims/${claims[key].id}`));

/** The server's daily jobs, as the scheduler runs them on `day`. */
const daily = () =>
  runDailyJobs({
    ops: { db: t.database.db, catalog: () => t.services.ops.catalog(), today: () => day },
    logger,
    settings: { mail: { publicUrl: 'https://backstop.example.cn' } },
  });

/** The escalation mails the notifications dispatcher queues now, as `claim number: usernames` sorted. */
let mailsSeen = 0;
async function newEscalationMails(): Promise<Record<string, string[]>> {
  await queueNotifications({ db: t.database.db, now: () => new Date(), publicUrl: 'https://backstop.example.cn' });
  const all = await createNotificationsRepository({ db: t.database.db }).all();
  const fresh = all.slice(mailsSeen);
  mailsSeen = all.length;
  const out: Record<string, string[]> = {};
  for (const m of fresh.filter((x) => x.subject.includes('超时提醒'))) {
    const number = /：(\S+) \//.exec(m.subject)![1]!;
    (out[number] ??= []).push(m.to.replace(/@example\.cn$/, ''));
  }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backstop-overdue-'));
  cpSync(join(import.meta.dirname, '../../policies'), dir, { recursive: true });
  const policy = JSON.parse(readFileSync(join(dir, SMALL_MICRO), 'utf8'));
  policy.claimWorkflow = {
    cites: ['R21', 'R23'],
    stages: [
      { id: 'review', title: { zh: '复核', en: 'Review' }, by: ['reviewer', 'manager'], workingDays: 3 },
      { id: 'bureau-approval', title: { zh: '财政审计局审批', en: 'Bureau approval' }, by: ['bureau'], workingDays: 5 },
    ],
    returnWorkingDays: 5,
  };
  writeFileSync(join(dir, SMALL_MICRO), JSON.stringify(policy, null, 2));
  t = await startTestApp({
    today: () => day,
    policiesDir: dir,
    // Mail set up so that people may give an address; nothing is sent here (the outbox is read).
    mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'Backstop <backstop@zone.example.cn>', publicUrl: undefined },
  });
  ({ manager, manager2, reviewer, auditor, bankA, bankB } = await signInCast(t));
  bureau = await t.signIn('bureau-qian', 'bureau');
  bankA2 = await t.signIn('bank-a-clerk', 'bank', { bankId: 'bank-a' });
  for (const [client, username] of [
    [manager, 'manager'],
    [manager2, 'manager2'],
    [reviewer, 'reviewer'],
    [auditor, 'auditor'],
    [bankA, 'bank-a-officer'],
    [bankA2, 'bank-a-clerk'],
    [bankB, 'bank-b-officer'],
    [bureau, 'bureau-qian'],
  ] as const)
    await ok(await send(client, 'PUT', '/api/auth/notifications', { email: address(username), notify: 'each' }));
  // A public address (never called here: the deliveries are only queued and read back).
  endpointId = (
    await ok(
      await send(bankA, 'POST', '/api/webhooks', {
        url: 'https://hooks.bank-a.example.cn/backstop',
        events: ['claim.stage-overdue', 'claim.return-overdue'],
      }),
      201,
    )
  ).id;
  await openEtownForBankA(manager, creditCode(1));
  await file('A-LATE-1', 'etown-2023-small-micro');
  await file('A-LATE-2', 'etown-2025-sci-tech');
  await file('A-LATE-3', 'etown-2023-small-micro');
  day = '2026-01-12'; // a Monday
  claims.c1 = await claimFor('A-LATE-1');
  claims.c2 = await claimFor('A-LATE-2');
  claims.c3 = await claimFor('A-LATE-3');
}, 240_000);
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the bank’s deadline to complete a return is the programme’s (R21)', () => {
  it('5 working days under Programme A’s file, the shipped 10 under Programme B’s', async () => {
    const note = '请补充催收记录 / add the collection record';
    const a = await ok(await send(manager, 'POST', `/api/claims/${claims.c3.id}/return`, { items: [], note }));
    const b = await ok(await send(manager, 'POST', `/api/claims/${claims.c2.id}/return`, { items: [], note }));
    // From Monday 12 January 2026: 5 working days is Monday the 19th, 10 is Monday the 26th.
    expect(a.returnRequest).toMatchObject({ by: 'manager', dueBy: '2026-01-19' });
    expect(b.returnRequest).toMatchObject({ by: 'manager', dueBy: '2026-01-26' });
    expect([a.overdue, b.overdue]).toEqual([false, false]);
  });
});

describe('an overdue claim, escalated once by the daily jobs', () => {
  it('nothing is escalated before a date has passed', async () => {
    // c1 goes through its first stage: prepared by the manager, signed by the reviewer; the bureau's stage waits.
    await ok(await send(manager, 'POST', `/api/claims/${claims.c1.id}/prepare`));
    const signed = await ok(await send(reviewer, 'POST', `/api/claims/${claims.c1.id}/approve`));
    // 5 working days from Monday 12 January 2026
    expect(signed).toMatchObject({ state: 'under-review', stage: 1, stageDueBy: '2026-01-19', overdue: false });
    await newEscalationMails(); // the dispatcher's first run starts at the head of the log
    day = '2026-01-19'; // both dates are today: not yet past
    await daily();
    expect(await newEscalationMails()).toEqual({});
    expect((await claim('c1')).overdue).toBe(false);
  });

  it('shows a stage past its SLA and a return past the bank’s deadline overdue, on the claim and the home page', async () => {
    day = '2026-01-20';
    // The decision's SLA (15 working days, 2 February) has not passed: the stage's and the return's dates have.
    expect(await claim('c1')).toMatchObject({ dueBy: '2026-02-02', overdue: true, stageOverdue: true });
    expect(await claim('c3')).toMatchObject({ state: 'returned', dueBy: '2026-02-02', overdue: true });
    expect((await claim('c2')).overdue).toBe(false);
    const list = (await ok(await send(manager, 'GET', '/api/claims?limit=50'))).items;
    const overdue = Object.fromEntries(list.map((c: any) => [c.number, c.overdue]));
    expect(overdue).toEqual({ [claims.c1.number]: true, [claims.c2.number]: false, [claims.c3.number]: true });
    const home = await ok(await send(bureau, 'GET', '/api/home'));
    expect(home.toDecide.items.map((c: any) => [c.number, c.due, c.late])).toEqual([
      // Due by the decision's SLA, late by its stage's.
      [claims.c1.number, '2026-02-02', true],
    ]);
    expect(home.counts.late).toBe(1);
    const bankHome = await ok(await send(bankA, 'GET', '/api/home'));
    expect(bankHome.returned.late).toBe(1);
  });

  it('tells the stage’s deciders and the managers, never the preparer nor the earlier signer; the bank and the managers of the return', async () => {
    await daily();
    const mails = await newEscalationMails();
    expect(mails).toEqual({
      // The bureau decides the stage; manager2 is told as a manager; manager prepared it, reviewer signed stage 1.
      [claims.c1.number]: ['bureau-qian', 'manager2'],
      // Bank A's officers complete the return; the managers may reject a claim that never comes back. Not bank B.
      [claims.c3.number]: ['bank-a-clerk', 'bank-a-officer', 'manager', 'manager2'],
    });
    const outbox = await createNotificationsRepository({ db: t.database.db }).all();
    const toBureau = outbox.find((m) => m.to === address('bureau-qian') && m.subject.includes(claims.c1.number))!;
    expect(toBureau.subject).toBe(`【Backstop】超时提醒：${claims.c1.number} / overdue: ${claims.c1.number}`);
    expect(toBureau.body).toContain('补偿申请审核环节已超时（应于 2026-01-19 前办理）');
    expect(toBureau.body).toContain("A claim's review stage is overdue (due by 2026-01-19).");
    const toBank = outbox.find((m) => m.to === address('bank-a-clerk') && m.subject.includes(claims.c3.number))!;
    expect(toBank.body).toContain('退回补正的补偿申请已超过银行补正期限（2026-01-19）');

    // Recorded on the claim, by the system, naming the stage; and in the audit log.
    const events = (await claim('c1')).events.filter((e: any) => e.event === 'stage-overdue');
    expect(events).toEqual([expect.objectContaining({ actor: 'system', from: 'under-review', to: 'under-review' })]);
    expect(events[0].note).toContain('bureau-approval');
    const audit = await ok(await send(manager, 'GET', `/api/audit?entityKind=claim&entityId=${claims.c3.id}`));
    expect(audit.items[0]).toMatchObject({ action: 'claim.return-overdue', actor: 'system' });
  });

  it('queues the escalations for the bank’s webhook endpoint', async () => {
    expect(await queueEvents({ db: t.database.db, now: () => new Date() })).toBe(2);
    const log = (await ok(await send(bankA, 'GET', `/api/webhooks/${endpointId}/deliveries`))).items;
    expect(log.map((d: any) => [d.eventType, d.status]).sort()).toEqual([
      ['claim.return-overdue', 'pending'],
      ['claim.stage-overdue', 'pending'],
    ]);
    // The body the bank will get: the claim as it stood, with what was late and since when.
    const bodies = (await t.database.db.select().from(webhookDeliveries)).map((d) => JSON.parse(d.payload));
    const returned = bodies.find((b) => b.type === 'claim.return-overdue');
    expect(returned.entity).toMatchObject({ id: claims.c3.id });
    expect(returned.data).toMatchObject({
      state: 'returned',
      overdue: true,
      escalated: { kind: 'return', dueBy: '2026-01-19' },
    });
  });

  it('a second run the same day, and a run the next day, send nothing more', async () => {
    await daily();
    expect(await newEscalationMails()).toEqual({});
    day = '2026-01-21';
    await daily();
    expect(await newEscalationMails()).toEqual({});
    expect((await claim('c1')).events.filter((e: any) => e.event === 'stage-overdue')).toHaveLength(1);
    expect(await queueEvents({ db: t.database.db, now: () => new Date() })).toBe(0);
  });

  it('a claim whose date passes later is escalated then, once even by two processes at the same time', async () => {
    day = '2026-01-27'; // c2's return was due Monday the 26th
    const sweep = () => escalateOverdueClaims({ db: t.database.db, catalog: t.services.ops.catalog(), today: day });
    expect((await Promise.all([sweep(), sweep()])).sort()).toEqual([0, 1]);
    expect(await newEscalationMails()).toEqual({
      [claims.c2.number]: ['bank-a-clerk', 'bank-a-officer', 'manager', 'manager2'],
    });
  });
});
