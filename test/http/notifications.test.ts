/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Notifications by mail (issue 18, item 6), end to end against a real SMTP server (smtp-server on
 * 127.0.0.1, asking for the password of the URL): a claim goes through submission, preparation,
 * a return to the bank, resubmission, approval and payment, and the loan's write-off is asked for;
 * the dispatcher runs on a test clock after each step. Each mail reaches the people the thing now
 * waits on — never the one who acted, a bank's officers only for their own bank, nobody who turned
 * mail off — and a person who asked for a digest gets one mail a day listing what waits on them.
 * An SMTP server that refuses is tried again later and nothing is lost; without the settings
 * nothing is queued or tried.
 */
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDailyJobs } from '../../src/adapters/http/daily-jobs';
import { mailSettings } from '../../src/adapters/http/mail-settings';
import { dispatchNotifications } from '../../src/modules/notifications/notifications.dispatcher';
import { smtpMailer, type MailSettings } from '../../src/modules/notifications/notifications.mailer';
import { createNotificationsRepository } from '../../src/modules/notifications/notifications.repository';
import { creditCode } from '../operations/fixture';
import { ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

// ---- the SMTP server ------------------------------------------------------------------------------

interface Received {
  to: string[];
  subject: string;
  body: string;
}
const received: Received[] = [];
/** While true, the server answers every recipient 451 (try again later). */
let refusing = false;
let refusals = 0;
let smtp: SMTPServer;

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`), as nodemailer writes a Chinese subject. */
function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
    );
}
function decodeQp(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
function parseMail(raw: string): { subject: string; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  return {
    subject: decodeWords(header('Subject')),
    body:
      encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : encoding === 'quoted-printable'
          ? decodeQp(body)
          : body,
  };
}

function startSmtp(): Promise<number> {
  smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === 'backstop' && auth.password === 'p@ss word') return cb(null, { user: 'backstop' });
      cb(new Error('wrong password'));
    },
    onRcptTo(_address, _session, cb) {
      if (refusing) {
        refusals++;
        return cb(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          ...parseMail(Buffer.concat(chunks).toString('utf8')),
        });
        cb();
      });
    },
  });
  return new Promise((resolve) =>
    smtp.listen(0, '127.0.0.1', () => resolve((smtp.server.address() as AddressInfo).port)),
  );
}

// ---- the world ------------------------------------------------------------------------------------

let day = '2025-09-03';
let clock = new Date();
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
let t: Awaited<ReturnType<typeof startTestApp>>;
let mail: MailSettings;
let mailer: ReturnType<typeof smtpMailer>;
let manager: Client, manager2: Client, reviewer: Client, auditor: Client, bankA: Client, bankB: Client;
let bankA2: Client, manager3: Client, guarantor: Client;
let claimId: string;
let claimNumber: string;
let filingId: string;
let secondId: string;
/** The second loan's claim, filed in the digest's tests. */
let second: { id: string; number: string };

const address = (username: string) => `${username}@example.cn`;
const step = (client: Client, path: string, body?: unknown) =>
  send(client, 'POST', `/api/claims/${claimId}/${path}`, body);
const dispatch = () =>
  dispatchNotifications({ db: t.database.db, now: () => clock, mailer, publicUrl: mail.publicUrl });
/** What arrived since the last call, as `username: subject` sorted. */
let seen = 0;
function arrived(): { to: string; subject: string; body: string }[] {
  const out = received
    .slice(seen)
    .flatMap((m) => m.to.map((to) => ({ to: to.replace(/@example\.cn$/, ''), subject: m.subject, body: m.body })));
  seen = received.length;
  return out.sort((a, b) => a.to.localeCompare(b.to));
}

beforeAll(async () => {
  const port = await startSmtp();
  mail = {
    smtpUrl: `smtp://backstop:${encodeURIComponent('p@ss word')}@127.0.0.1:${port}`,
    from: 'Backstop 兜底 <backstop@zone.example.cn>',
    publicUrl: 'https://backstop.example.cn/',
  };
  mailer = smtpMailer(mail, 10_000);
  t = await startTestApp({ today: () => day, mail });
  ({ manager, manager2, reviewer, auditor, bankA, bankB, guarantor } = await signInCast(t));
  bankA2 = await t.signIn('bank-a-clerk', 'bank', { bankId: 'bank-a' });
  manager3 = await t.signIn('manager3', 'manager');
  // Everyone gives an address and wants a mail each time; the guarantor turns mail off.
  for (const [client, username] of [
    [manager, 'manager'],
    [manager2, 'manager2'],
    [reviewer, 'reviewer'],
    [auditor, 'auditor'],
    [bankA, 'bank-a-officer'],
    [bankA2, 'bank-a-clerk'],
    [bankB, 'bank-b-officer'],
    [guarantor, 'guarantor'],
  ] as const) {
    const s = await ok(
      await send(client, 'PUT', '/api/auth/notifications', {
        email: address(username),
        notify: username === 'guarantor' ? 'off' : 'each',
      }),
    );
    expect(s).toEqual({
      email: address(username),
      notify: username === 'guarantor' ? 'off' : 'each',
      mailEnabled: true,
    });
  }
  await openEtownForBankA(manager, creditCode(1));
  const filed = await ok(
    await send(bankA, 'POST', '/api/filings', {
      bankRef: 'A-MAIL-1',
      creditCode: creditCode(1),
      programme: 'etown-2023-small-micro',
      loan: {
        kind: 'credit',
        principal: '800000.00',
        disbursedOn: '2025-09-01',
        maturesOn: '2026-08-31',
        mode: 'direct',
      },
    }),
    201,
  );
  filingId = filed.id;
  secondId = (
    await ok(
      await send(bankA, 'POST', '/api/filings', {
        bankRef: 'A-MAIL-2',
        creditCode: creditCode(1),
        programme: 'etown-2023-small-micro',
        loan: {
          kind: 'credit',
          principal: '200000.00',
          disbursedOn: '2025-09-01',
          maturesOn: '2026-08-31',
          mode: 'direct',
        },
      }),
      201,
    )
  ).id;
  day = '2026-01-12';
  await ok(
    await send(bankA, 'POST', `/api/filings/${filingId}/classification`, {
      classification: 'doubtful',
      overdueSince: '2025-10-01',
      on: day,
    }),
  );
  // The dispatcher's first run starts at the head of the audit log: what happened before is not mailed.
  expect(await dispatch()).toMatchObject({ queued: 0, attempted: 0 });
}, 240_000);
afterAll(async () => {
  mailer?.close();
  await t?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

describe('settings', () => {
  it('a person sets their own address and how often; a bad address is refused naming the field', async () => {
    const bad = await ok(
      await send(manager3, 'PUT', '/api/auth/notifications', { email: 'not an address', notify: 'each' }),
      400,
    );
    expect(bad.errors[0]).toMatchObject({ field: 'email', code: 'request.invalid_format' });
    const refused = await ok(
      await send(manager3, 'PUT', '/api/auth/notifications', { email: null, notify: 'weekly' }),
      400,
    );
    expect(refused.errors[0]).toMatchObject({ field: 'notify', code: 'request.invalid_value' });
    expect(await ok(await send(manager3, 'GET', '/api/auth/notifications'))).toEqual({
      email: null,
      notify: 'each',
      mailEnabled: true,
    });
  });

  it('a manager sets them for a user (audited); nobody else may', async () => {
    const users = (await ok(await send(manager, 'GET', '/api/users'))).items;
    const m3 = users.find((u: any) => u.username === 'manager3');
    await ok(await send(reviewer, 'PATCH', `/api/users/${m3.id}`, { notify: 'digest' }), 403);
    const after = await ok(
      await send(manager, 'PATCH', `/api/users/${m3.id}`, { email: address('manager3'), notify: 'digest' }),
    );
    expect(after).toMatchObject({
      username: 'manager3',
      email: address('manager3'),
      notify: 'digest',
      disabled: false,
    });
    expect(await ok(await send(manager3, 'GET', '/api/auth/notifications'))).toMatchObject({
      email: address('manager3'),
      notify: 'digest',
    });
    const audit = await ok(await send(manager, 'GET', `/api/audit?entityKind=user&entityId=${m3.id}`));
    expect(audit.items[0]).toMatchObject({ action: 'user.notifications', actor: 'manager' });
  });
});

describe('a mail each time something waits on a person', () => {
  it('a claim submitted: the managers, to prepare it (not the digest reader, not the bank, not the auditor)', async () => {
    const c = await ok(await send(bankA, 'POST', '/api/claims', { filingId }), 201);
    claimId = c.id;
    claimNumber = c.number;
    expect(await dispatch()).toMatchObject({ queued: 2, sent: 2 });
    const mails = arrived();
    expect(mails.map((m) => m.to)).toEqual(['manager', 'manager2']);
    expect(mails[0]!.subject).toBe(`【Backstop】补偿申请待初审：${claimNumber} / a claim to prepare`);
    // Chinese first, English below, the link to the claim on the public address.
    const body = mails[0]!.body;
    expect(body).toContain(`${claimNumber}（企业1`);
    expect(body).toContain(`https://backstop.example.cn/claims/${claimId}`);
    expect(body.indexOf('您有一项待办')).toBeLessThan(body.indexOf('Waiting on you: a claim to prepare.'));
    expect(await dispatch()).toMatchObject({ queued: 0, attempted: 0 }); // nothing twice
  });

  it('prepared: the reviewer and the other manager, never the preparer (R18)', async () => {
    await ok(await step(manager, 'prepare'));
    await dispatch();
    const mails = arrived();
    expect(mails.map((m) => m.to)).toEqual(['manager2', 'reviewer']);
    expect(mails[0]!.subject).toContain('补偿申请待复核');
  });

  it('returned for more material (R21): the officers of that bank only', async () => {
    await ok(await step(manager2, 'return', { items: [], note: '请补充催收记录' }));
    await dispatch();
    const mails = arrived();
    expect(mails.map((m) => m.to)).toEqual(['bank-a-clerk', 'bank-a-officer']);
    expect(mails[0]!.body).toContain('补偿申请被退回');
    // What was asked for, and by when.
    expect(mails[0]!.body).toMatch(/退回说明：请补充催收记录，请于 \d{4}-\d{2}-\d{2} 前补正/);
    expect(mails[0]!.body).toContain('sent back: 请补充催收记录; complete it by');
  });

  it('resubmitted by one officer: the managers again, not the other officer', async () => {
    await ok(await step(bankA, 'resubmit'));
    await dispatch();
    expect(arrived().map((m) => m.to)).toEqual(['manager', 'manager2']);
  });

  it('approved: the managers, to pay it; a step that waits on nobody mails nobody', async () => {
    await ok(await step(manager, 'prepare'));
    await dispatch();
    expect(arrived().map((m) => m.to)).toEqual(['manager2', 'reviewer']);
    await ok(await step(reviewer, 'approve'));
    await dispatch();
    const mails = arrived();
    expect(mails.map((m) => m.to)).toEqual(['manager', 'manager2']);
    expect(mails[0]!.subject).toContain('待拨付');
    await ok(await step(manager, 'pay'));
    expect(await dispatch()).toMatchObject({ queued: 0 });
    expect(arrived()).toEqual([]);
  });

  it('an SMTP server that refuses is tried again later; nothing is lost and nothing sent twice', async () => {
    refusing = true;
    const wo = await send(bankA, 'POST', `/api/filings/${filingId}/write-off`, { on: day, reason: '核销审批 2026-3' });
    expect(wo.status).toBe(201); // the request does not wait for mail
    expect(await dispatch()).toMatchObject({ queued: 3, attempted: 3, sent: 0, retrying: 3 });
    expect(refusals).toBeGreaterThanOrEqual(3);
    expect(arrived()).toEqual([]);
    // Not due again before the retry's minute; then the server takes them.
    refusing = false;
    expect(await dispatch()).toMatchObject({ attempted: 0 });
    advance(61_000);
    expect(await dispatch()).toMatchObject({ attempted: 3, sent: 3 });
    const mails = arrived();
    expect(mails.map((m) => m.to)).toEqual(['manager', 'manager2', 'reviewer']);
    expect(mails[0]!.body).toContain(`https://backstop.example.cn/filings/${filingId}`);
    expect(mails[0]!.subject).toContain('核销申请待审批');
    const outbox = await createNotificationsRepository({ db: t.database.db }).all();
    expect(outbox.every((m) => m.status === 'sent')).toBe(true);
    expect(outbox.filter((m) => m.attempts === 2)).toHaveLength(3);
    expect(outbox.some((m) => m.userId && m.to === address('manager3'))).toBe(false); // the digest reader
    expect(outbox.some((m) => m.to === address('guarantor') || m.to === address('auditor'))).toBe(false);
  });
});

describe('the daily digest', () => {
  it('lists what waits on the person, once a day; nobody else gets one', async () => {
    // A second claim waits to be prepared: the digest lists it with the write-off.
    await ok(
      await send(bankA, 'POST', `/api/filings/${secondId}/classification`, {
        classification: 'doubtful',
        overdueSince: '2025-10-01',
        on: day,
      }),
    );
    const c2 = await ok(await send(bankA, 'POST', '/api/claims', { filingId: secondId }), 201);
    second = { id: c2.id, number: c2.number };
    await dispatch();
    arrived(); // the managers' each-time mails
    const ops = { db: t.database.db, catalog: () => t.services.ops.catalog(), today: () => day };
    const logger = pino({ level: 'silent' });
    await runDailyJobs({ ops, logger, settings: { mail: { publicUrl: mail.publicUrl }, now: () => clock } });
    await runDailyJobs({ ops, logger, settings: { mail: { publicUrl: mail.publicUrl }, now: () => clock } });
    expect(await dispatch()).toMatchObject({ sent: 1 });
    const [digest, ...others] = arrived();
    expect(others).toEqual([]);
    expect(digest!.to).toBe('manager3');
    expect(digest!.subject).toBe(`【Backstop】${day} 待办 2 项 / 2 waiting on you`);
    expect(digest!.body).toContain(`补偿申请待初审：${c2.number}`);
    expect(digest!.body).toContain('核销申请待审批：贷款 A-MAIL-1');
    expect(digest!.body).toContain(`https://backstop.example.cn/claims/${c2.id}`);
    expect(digest!.body).toContain('As of 2026-01-12, 2 things wait on you:');
    expect(digest!.body).not.toContain(claimNumber); // paid: it waits on nobody
  });

  it('a claim past its stage’s SLA (R23) is in the digest of a reader its escalation names, who gets no other mail of it', async () => {
    await ok(await send(manager, 'POST', `/api/claims/${second.id}/prepare`));
    await dispatch();
    expect(arrived().map((m) => m.to)).toEqual(['manager2', 'reviewer']);
    const { stageDueBy } = await ok(await send(manager, 'GET', `/api/claims/${second.id}`));
    expect(stageDueBy).toBe('2026-01-19'); // the default stage: 5 working days (R23)
    day = '2026-01-26';
    const ops = { db: t.database.db, catalog: () => t.services.ops.catalog(), today: () => day };
    await runDailyJobs({
      ops,
      logger: pino({ level: 'silent' }),
      settings: { mail: { publicUrl: mail.publicUrl }, now: () => clock },
    });
    await dispatch();
    const mails = arrived();
    // The escalation, each time, to the deciders and managers who read mail each time; never the preparer.
    const escalated = mails.filter((m) => m.subject.includes('超时提醒'));
    expect(escalated.map((m) => m.to)).toEqual(['manager2', 'reviewer']);
    // The digest reader hears of it in the day's digest, and only there.
    const theirs = mails.filter((m) => m.to === 'manager3');
    expect(theirs).toHaveLength(1);
    const digest = theirs[0]!;
    expect(digest.subject).toMatch(/^【Backstop】2026-01-26 待办 \d+ 项，超时 1 项 \/ \d+ waiting on you, 1 overdue$/);
    expect(digest.body).toContain(`截至 2026-01-26，以下 1 项补偿申请已超时：`);
    expect(digest.body).toContain(`补偿申请审核环节已超时（应于 2026-01-19 前办理）：${second.number}`);
    expect(digest.body).toContain(`a claim's review stage is overdue (due by 2026-01-19): ${second.number}`);
    expect(digest.body).toContain(`https://backstop.example.cn/claims/${second.id}`);
  });
});

describe('without mail settings', () => {
  it('nothing is queued or tried, and the settings say so', async () => {
    expect(mailSettings({})).toBeUndefined();
    expect(() => mailSettings({ BACKSTOP_SMTP_URL: 'smtp://h:25' })).toThrow(/BACKSTOP_MAIL_FROM/);
    expect(() => mailSettings({ BACKSTOP_SMTP_URL: 'http://h', BACKSTOP_MAIL_FROM: 'a@b.cn' })).toThrow(/smtp:\/\//);
    const plain = await startTestApp({ today: () => '2025-09-03' });
    try {
      const { manager: m, bankA: b } = await signInCast(plain);
      expect(
        await ok(await send(m, 'PUT', '/api/auth/notifications', { email: 'm@example.cn', notify: 'digest' })),
      ).toEqual({
        email: 'm@example.cn',
        notify: 'digest',
        mailEnabled: false,
      });
      await openEtownForBankA(m, creditCode(2));
      await ok(
        await send(b, 'POST', '/api/filings', {
          bankRef: 'PLAIN-1',
          creditCode: creditCode(2),
          programme: 'etown-2023-small-micro',
          loan: { kind: 'credit', principal: '100000.00', disbursedOn: '2025-09-01', mode: 'direct' },
        }),
        201,
      );
      await runDailyJobs({
        ops: { db: plain.database.db, catalog: () => plain.services.ops.catalog(), today: () => '2025-09-03' },
        logger: pino({ level: 'silent' }),
      });
      expect(await createNotificationsRepository({ db: plain.database.db }).all()).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
