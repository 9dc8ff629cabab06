import { describe, expect, it } from 'vitest';
import {
  DIGEST_MAX_ITEMS,
  digestMail,
  eventMail,
  MAIL_MAX_ATTEMPTS,
  nextMailAttemptAt,
  overdueFor,
  overdueMail,
  overdueRecipients,
  overdueWaitOf,
  recipientsOf,
  taskFor,
  type Recipient,
  type WaitingItem,
} from './notifications';

const claim = (state: string, preparedBy: string | null = null): WaitingItem => ({
  kind: 'claim',
  id: 'c-1',
  number: 'BP-2026-000001',
  state,
  bankId: 'bank-a',
  preparedBy,
  borrower: '企业1',
  compensation: 123_456_789n,
});
const writeOff: WaitingItem = {
  kind: 'write-off',
  id: 'f-1',
  bankRef: 'A-1',
  bankId: 'bank-a',
  requestedBy: 'manager2',
  borrower: '企业1',
};
const person = (username: string, role: string, bankId: string | null = null): Recipient => ({
  id: username,
  username,
  role,
  bankId,
  email: `${username}@example.cn`,
});
const people = [
  person('manager', 'manager'),
  person('manager2', 'manager'),
  person('reviewer', 'reviewer'),
  person('auditor', 'auditor'),
  person('guarantor', 'guarantor'),
  person('bank-a', 'bank', 'bank-a'),
  person('bank-b', 'bank', 'bank-b'),
];
const told = (item: WaitingItem, actor: string) =>
  recipientsOf(item, actor, people).map((r) => `${r.person.username}:${r.task}`);

describe('who a thing waits on', () => {
  it('a submitted claim: the managers; prepared: the reviewers and the other managers (R18)', () => {
    expect(told(claim('submitted'), 'bank-a')).toEqual(['manager:prepare', 'manager2:prepare']);
    expect(told(claim('under-review', 'manager'), 'manager')).toEqual(['manager2:decide', 'reviewer:decide']);
    // Even when someone else acted (the breaker lifting), never the preparer.
    expect(told(claim('under-review', 'manager'), 'system')).toEqual(['manager2:decide', 'reviewer:decide']);
  });

  it('under review at a stage (R23): the roles it names, never the preparer nor an earlier signer (R18)', () => {
    const people2 = [...people, person('bureau', 'bureau')];
    const prepared = claim('under-review', 'manager') as Extract<WaitingItem, { kind: 'claim' }>;
    const atBureau: WaitingItem = { ...prepared, stageBy: ['bureau'], signedBy: ['reviewer'] };
    expect(recipientsOf(atBureau, 'reviewer', people2).map((r) => `${r.person.username}:${r.task}`)).toEqual([
      'bureau:decide',
    ]);
    const atReview = { ...prepared, stageBy: ['reviewer', 'manager'], signedBy: [] as string[] };
    expect(recipientsOf(atReview, 'manager', people2).map((r) => `${r.person.username}:${r.task}`)).toEqual([
      'manager2:decide',
      'reviewer:decide',
    ]);
    // One who signed an earlier stage is not asked again, whatever the stage names.
    const signed = { ...atReview, signedBy: ['manager2'] };
    expect(recipientsOf(signed, 'system', people2).map((r) => r.person.username)).toEqual(['reviewer']);
  });

  it('a returned claim: its own bank’s officers (R21); approved: the managers; other states: nobody', () => {
    expect(told(claim('returned'), 'reviewer')).toEqual(['bank-a:complete']);
    expect(told(claim('approved', 'manager'), 'reviewer')).toEqual(['manager:pay', 'manager2:pay']);
    for (const state of ['held', 'queued', 'paid', 'rejected', 'withdrawn'])
      expect(told(claim(state), 'x')).toEqual([]);
  });

  it('a write-off: the managers and reviewers but the one who asked; never the actor', () => {
    expect(told(writeOff, 'manager2')).toEqual(['manager:write-off', 'reviewer:write-off']);
    expect(taskFor(writeOff, { username: 'auditor', role: 'auditor', bankId: null })).toBeUndefined();
  });
});

describe('the mails', () => {
  it('Chinese first, English below, with the link', () => {
    const m = eventMail({
      item: claim('submitted'),
      task: 'prepare',
      actor: 'bank-a',
      publicUrl: 'https://b.example.cn/',
    });
    expect(m.subject).toBe('【Backstop】补偿申请待初审：BP-2026-000001 / a claim to prepare');
    expect(m.body).toContain('BP-2026-000001（企业1，补偿金额 1,234,567.89 元）');
    expect(m.body).toContain('https://b.example.cn/claims/c-1');
    expect(m.body.indexOf('您有一项待办')).toBeLessThan(m.body.indexOf('Waiting on you'));
    expect(eventMail({ item: writeOff, task: 'write-off', actor: 'x', publicUrl: undefined }).body).toContain(
      'Open it: /filings/f-1',
    );
  });

  it('a returned claim says what was asked for and by when', () => {
    const item = { ...claim('returned'), returned: { note: '缺催收记录', dueBy: '2026-01-26' } } as WaitingItem;
    const m = eventMail({ item, task: 'complete', actor: 'reviewer', publicUrl: undefined });
    expect(m.body).toContain('退回说明：缺催收记录，请于 2026-01-26 前补正');
    expect(m.body).toContain('sent back: 缺催收记录; complete it by 2026-01-26');
  });

  it('a digest lists at most its cap and counts the rest', () => {
    const items = Array.from({ length: DIGEST_MAX_ITEMS + 3 }, () => ({
      item: claim('submitted'),
      task: 'prepare' as const,
    }));
    const m = digestMail({ day: '2026-01-12', items, publicUrl: undefined });
    expect(m.subject).toBe(
      `【Backstop】2026-01-12 待办 ${DIGEST_MAX_ITEMS + 3} 项 / ${DIGEST_MAX_ITEMS + 3} waiting on you`,
    );
    expect(m.body).toContain('另有 3 项');
    expect(m.body).toContain('and 3 more');
  });

  it('a refused mail is tried again 1 min, 5 min, 30 min, 2 h, 6 h, 12 h later, then given up', () => {
    const t0 = 1_000_000;
    expect([1, 2, 3, 4, 5, 6].map((n) => nextMailAttemptAt(n, t0)! - t0)).toEqual([
      60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000,
    ]);
    expect(nextMailAttemptAt(MAIL_MAX_ATTEMPTS, t0)).toBeUndefined();
  });
});

describe('an overdue claim escalated (issue 17; R21, R23)', () => {
  const everyone = [...people, person('bureau', 'bureau'), person('bureau2', 'bureau')];
  const names = (xs: Recipient[]) => xs.map((p) => p.username).sort();

  it('a stage: its roles and the managers, never the preparer nor an earlier signer', () => {
    type ClaimItem = Extract<WaitingItem, { kind: 'claim' }>;
    const atBureau: WaitingItem = {
      ...(claim('under-review', 'manager') as ClaimItem),
      stageBy: ['bureau'],
      signedBy: ['reviewer', 'bureau2'],
    };
    expect(names(overdueRecipients(atBureau, 'stage', everyone))).toEqual(['bureau', 'manager2']);
    // Prepared before the stages existed: the default stage, a manager or reviewer.
    const old: WaitingItem = { ...(claim('under-review', 'manager2') as ClaimItem), stageBy: null };
    expect(names(overdueRecipients(old, 'stage', everyone))).toEqual(['manager', 'reviewer']);
  });

  it('a return: that bank’s officers and the managers', () => {
    expect(names(overdueRecipients(claim('returned'), 'return', everyone))).toEqual(['bank-a', 'manager', 'manager2']);
    expect(overdueRecipients(writeOff, 'return', everyone)).toEqual([]);
  });

  it('says what is late and by when, Chinese first', () => {
    const m = overdueMail({ item: claim('returned'), escalation: 'return', dueBy: '2026-01-19', publicUrl: undefined });
    expect(m.subject).toBe('【Backstop】超时提醒：BP-2026-000001 / overdue: BP-2026-000001');
    expect(m.body.indexOf('已超过银行补正期限（2026-01-19）')).toBeLessThan(
      m.body.indexOf("A returned claim is past the bank's deadline to complete it (2026-01-19)."),
    );
    expect(m.body).toContain('/claims/c-1');
  });
});

describe('overdue claims in the digest (issue 17; R21, R23)', () => {
  type ClaimItem = Extract<WaitingItem, { kind: 'claim' }>;
  const atStage: WaitingItem = {
    ...(claim('under-review', 'manager') as ClaimItem),
    stageBy: ['manager', 'reviewer'],
    stageDueBy: '2026-01-19',
  };
  const returned: WaitingItem = {
    ...(claim('returned') as ClaimItem),
    returned: { note: '补充', dueBy: '2026-01-16' },
  };

  it('a claim is overdue from the day after its date, never on it', () => {
    expect(overdueWaitOf(atStage, '2026-01-19')).toBeUndefined();
    expect(overdueWaitOf(atStage, '2026-01-20')).toMatchObject({ escalation: 'stage', dueBy: '2026-01-19' });
    expect(overdueWaitOf(returned, '2026-01-17')).toMatchObject({ escalation: 'return', dueBy: '2026-01-16' });
    expect(overdueWaitOf(claim('submitted'), '2030-01-01')).toBeUndefined();
    expect(overdueWaitOf(writeOff, '2030-01-01')).toBeUndefined();
  });

  it('a reader hears of the overdue claims whose escalation names them: never the preparer (R18)', () => {
    const items = [atStage, returned];
    const of = (p: Recipient) => overdueFor(items, '2026-01-20', p).map((o) => o.escalation);
    expect(of(person('manager2', 'manager'))).toEqual(['stage', 'return']);
    expect(of(person('manager', 'manager'))).toEqual(['return']); // prepared it: cannot decide it
    expect(of(person('bank-a', 'bank', 'bank-a'))).toEqual(['return']);
    expect(of(person('bank-b', 'bank', 'bank-b'))).toEqual([]);
    expect(of(person('auditor', 'auditor'))).toEqual([]);
  });

  it('the digest lists them in their own section, and the subject counts them', () => {
    const overdue = overdueFor([atStage, returned], '2026-01-20', person('manager2', 'manager'));
    const m = digestMail({ day: '2026-01-20', items: [], overdue, publicUrl: undefined });
    expect(m.subject).toBe('【Backstop】2026-01-20 超时 2 项 / 2 overdue');
    expect(m.body).toContain('截至 2026-01-20，以下 2 项补偿申请已超时：');
    expect(m.body).toContain('补偿申请审核环节已超时（应于 2026-01-19 前办理）：BP-2026-000001');
    expect(m.body).toContain("a claim's review stage is overdue (due by 2026-01-19): BP-2026-000001");
    expect(m.body).not.toContain('项待办');
    const both = digestMail({
      day: '2026-01-20',
      items: [{ item: atStage, task: 'decide' }],
      overdue,
      publicUrl: undefined,
    });
    expect(both.subject).toBe('【Backstop】2026-01-20 待办 1 项，超时 2 项 / 1 waiting on you, 2 overdue');
  });
});
