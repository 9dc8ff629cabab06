/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Every endpoint × every role, driven by DESIGN.md's tables ("Who uses it"): the role × capability
 * table says who may do what (anything else is 403), the scope table what a bank and a guarantor
 * see (another's record answers 404). For each operation of the OpenAPI document this file names the
 * capability it needs, the kind of record its path names, and a valid request; each role then sends
 * it — for a scoped role once on a record of its own (answered) and once on another's (404). An
 * operation added to the API without a row here fails the test; so does a difference between the
 * table and `PERMISSIONS` in src/modules/auth/access.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, type Action, type Role } from '../../src/modules/auth/access';
import { createUser } from '../../src/modules/auth/auth.usecases';
import { creditCode } from '../operations/fixture';
import { ensureDocumentTools } from './documents-tools';
import { PASSWORD, startTestApp } from './harness';
import { queueEvents } from '../../src/modules/webhooks/webhooks.dispatcher';

const TODAY = '2025-09-03';
const DESIGN = readFileSync(join(import.meta.dirname, '../../docs/DESIGN.md'), 'utf8');

// ---- DESIGN.md's tables, as data -------------------------------------------------------------

/** The role × capability table: the roles with a ✓ for each capability. */
function capabilityTable(): Record<string, Role[]> {
  const lines = DESIGN.split('\n');
  const head = lines.findIndex((l) => /^\| capability \|/.test(l));
  expect(head, 'DESIGN.md has the role × capability table').toBeGreaterThan(0);
  const columns = lines[head]!.split('|').map((c) => c.trim());
  const out: Record<string, Role[]> = {};
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').map((c) => c.trim());
    const cap = /^`([a-z]+:[a-z]+)`$/.exec(cells[1]!)?.[1];
    expect(cap, line).toBeTruthy();
    out[cap!] = ROLES.filter((r) => cells[columns.indexOf(r)] === '✓');
  }
  return out;
}

type Seen = 'own' | 'none';
/** The scope table: what a bank and a guarantor see of each kind of record. */
function scopeTable(): Record<string, { bank: Seen; guarantor: Seen }> {
  const lines = DESIGN.split('\n');
  const head = lines.findIndex((l) => /^\| record \| bank \| guarantor \|/.test(l));
  expect(head, 'DESIGN.md has the scope table').toBeGreaterThan(0);
  const out: Record<string, { bank: Seen; guarantor: Seen }> = {};
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const [, record, bank, guarantor] = line.split('|').map((c) => c.trim());
    expect(['own', 'none']).toContain(bank);
    expect(['own', 'none']).toContain(guarantor);
    out[record!] = { bank: bank as Seen, guarantor: guarantor as Seen };
  }
  return out;
}

// ---- the world: two banks, two guarantors, a loan, claim, import job and token of each side ----

type Send = (
  method: string,
  path: string,
  body?: unknown,
  opts?: { form?: FormData; headers?: Record<string, string> },
) => Promise<Response>;

let t: Awaited<ReturnType<typeof startTestApp>>;
const clients = {} as Record<Role | 'manager2' | 'bankB' | 'g2', Send>;
const usernames: Record<Role, string> = {
  manager: 'manager',
  reviewer: 'reviewer',
  bank: 'bank-a-officer',
  guarantor: 'g1-officer',
  auditor: 'auditor',
  bureau: 'bureau-officer',
};
/** Ids of the world's records: `own` is bank-a's and g-1's, `foreign` bank-b's and g-2's. */
const ids = {} as Record<string, { own: string; foreign: string }> & { misc: Record<string, string> };

async function signIn(username: string): Promise<Send> {
  const res = await t.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (method, path, body, opts = {}) =>
    t.app.request(path, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.form ? { body: opts.form } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
}

async function user(username: string, role: Role, extra: { bankId?: string; guarantorId?: string } = {}) {
  await createUser({
    repo: t.services.repos.auth,
    user: { username, displayName: username, role, password: PASSWORD, ...extra },
  });
  return signIn(username);
}

async function json(res: Response, status?: number) {
  const text = await res.text();
  if (status !== undefined) expect(res.status, text).toBe(status);
  return text ? JSON.parse(text) : undefined;
}

const enterprise = (n: number) => ({
  creditCode: creditCode(n),
  name: `企业${n}`,
  size: 'small',
  industry: 'software',
  sciTech: true,
  registeredInZone: true,
});
const riskSharing = (guarantor: string) => ({
  kind: 'credit',
  principal: '100000.00',
  disbursedOn: '2025-09-01',
  maturesOn: '2026-08-31',
  mode: 'risk-sharing',
  bankShare: '0.2',
  parties: [{ party: 'guarantor', institutionId: guarantor, share: '0.8' }],
});
/** A claim's material (the dossier): a small PDF for the loan contract. */
const pdfForm = () => {
  const form = new FormData();
  form.set('itemId', 'loan-contract');
  form.set('file', new Blob([Buffer.from('%PDF-1.4\n% contract\ntrailer\n<< >>\n%%EOF\n')]), '借款合同.pdf');
  return form;
};

const csvFile = (ref: string) => {
  const form = new FormData();
  form.append(
    'file',
    new Blob([
      `银行合同编号,统一社会信用代码,贷款种类,金额(元),放款日期\n${ref},${creditCode(9)},信用贷款,1000.00,2025-09-01\n`,
    ]),
    `${ref}.csv`,
  );
  return form;
};

beforeAll(async () => {
  ensureDocumentTools(); // the documents' font (503 without it)
  t = await startTestApp({ today: () => TODAY });
  clients.manager = await user('manager', 'manager');
  clients.manager2 = await user('manager2', 'manager');
  for (const [id, kind] of [
    ['bank-a', 'bank'],
    ['bank-b', 'bank'],
    ['g-1', 'guarantor'],
    ['g-2', 'guarantor'],
  ])
    await json(await clients.manager('POST', '/api/institutions', { id, kind, name: id }), 201);
  clients.reviewer = await user('reviewer', 'reviewer');
  clients.auditor = await user('auditor', 'auditor');
  clients.bureau = await user('bureau-officer', 'bureau');
  clients.bank = await user('bank-a-officer', 'bank', { bankId: 'bank-a' });
  clients.bankB = await user('bank-b-officer', 'bank', { bankId: 'bank-b' });
  clients.guarantor = await user('g1-officer', 'guarantor', { guarantorId: 'g-1' });
  clients.g2 = await user('g2-officer', 'guarantor', { guarantorId: 'g-2' });
  const m = clients.manager;

  await json(
    await m('POST', '/api/funds', {
      id: 'etown',
      name: '亦庄',
      programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
      liabilityMultiple: '10',
      capital: '3000000.00',
      on: '2024-01-02',
    }),
    201,
  );
  for (const bank of ['bank-a', 'bank-b'])
    for (const programmeId of ['etown-2023-small-micro', 'etown-2025-sci-tech'])
      await json(
        await m('POST', '/api/agreements', {
          fundId: 'etown',
          programmeId,
          institutionId: bank,
          signedOn: '2024-01-01',
          ...(bank === 'bank-b' && programmeId === 'etown-2023-small-micro' ? { quota: '1000000.00' } : {}),
        }),
        201,
      );
  const agreements = (await json(await m('GET', '/api/agreements'), 200)).items;
  const quota = agreements.find((a: any) => a.quota !== null);
  ids.misc = { agreement: quota.id, quota: quota.quota };

  const e = [];
  for (const n of [1, 2, 3]) e.push((await json(await m('POST', '/api/enterprises', enterprise(n)), 201)).id);
  ids.enterprise = { own: e[0], foreign: e[1] };
  ids.misc.loneEnterprise = e[2];

  const file = async (client: Send, ref: string, n: number, guarantor: string) =>
    (
      await json(
        await client('POST', '/api/filings', {
          bankRef: ref,
          creditCode: creditCode(n),
          programme: 'etown-2025-sci-tech',
          loan: riskSharing(guarantor),
        }),
        201,
      )
    ).id as string;
  ids.filing = { own: await file(clients.bank, 'A-1', 1, 'g-1'), foreign: await file(clients.bankB, 'B-1', 2, 'g-2') };
  ids.withdrawable = {
    own: await file(clients.bank, 'A-W', 1, 'g-1'),
    foreign: await file(clients.bankB, 'B-W', 2, 'g-2'),
  };
  ids.claimed = { own: await file(clients.bank, 'A-C', 1, 'g-1'), foreign: await file(clients.bankB, 'B-C', 2, 'g-2') };
  const claim = async (client: Send, filingId: string) => {
    await json(
      await client('POST', `/api/filings/${filingId}/classification`, { classification: 'doubtful', on: TODAY }),
      200,
    );
    return (await json(await client('POST', '/api/claims', { filingId }), 201)).id as string;
  };
  ids.claim = {
    own: await claim(clients.bank, ids.claimed.own),
    foreign: await claim(clients.bankB, ids.claimed.foreign),
  };
  const material = async (client: Send, claimId: string) =>
    (await json(await client('POST', `/api/claims/${claimId}/materials`, undefined, { form: pdfForm() }), 201)).items
      .find((i: any) => i.id === 'loan-contract')
      .files.at(-1).id as string;
  ids.materialFile = {
    own: await material(clients.bank, ids.claim.own),
    foreign: await material(clients.bankB, ids.claim.foreign),
  };

  ids.import = {
    own: (await json(await clients.bank('POST', '/api/imports', undefined, { form: csvFile('A-IMP') }), 201)).id,
    foreign: (await json(await clients.bankB('POST', '/api/imports', undefined, { form: csvFile('B-IMP') }), 201)).id,
  };
  ids.breaker = { own: 'bank-a', foreign: 'bank-b' };
  ids.token = {
    own: (await json(await clients.bank('POST', '/api/auth/tokens', { name: 'core' }), 201)).id,
    foreign: (await json(await clients.bankB('POST', '/api/auth/tokens', { name: 'core' }), 201)).id,
  };
  ids.misc.simulation = (
    await json(
      await m('POST', '/api/simulations', {
        portfolio: { source: 'csv', csv: 'id,grade,sector,outstanding,ratio\nL1,A,s,1000.00,0.5' },
        pdByGrade: { A: 0.01 },
        scenarios: 100,
      }),
      202,
    )
  ).id;
  ids.misc.account = (await json(await m('GET', '/api/ledger/accounts?fundId=etown'), 200)).items[0].id;
  ids.misc.victim = (
    await json(
      await m('POST', '/api/users', {
        username: 'victim',
        displayName: 'victim',
        role: 'reviewer',
        password: 'a long passphrase',
      }),
      201,
    )
  ).id;
  // A webhook endpoint of each bank, and a delivery of each (a repayment queued by the dispatcher, not sent).
  const hook = async (client: Send) =>
    (await json(await client('POST', '/api/webhooks', { url: 'https://api.bank.example/hooks', events: ['*'] }), 201))
      .id as string;
  ids.webhook = { own: await hook(clients.bank), foreign: await hook(clients.bankB) };
  await json(
    await clients.bank('POST', `/api/filings/${ids.filing.own}/repayments`, { amount: '1.00', on: TODAY }),
    200,
  );
  await json(
    await clients.bankB('POST', `/api/filings/${ids.filing.foreign}/repayments`, { amount: '1.00', on: TODAY }),
    200,
  );
  await queueEvents({ db: t.database.db, now: () => new Date() });
  const deliveryOf = async (client: Send, id: string) =>
    (await json(await client('GET', `/api/webhooks/${id}/deliveries`), 200)).items[0].id as string;
  ids.delivery = {
    own: await deliveryOf(clients.bank, ids.webhook.own),
    foreign: await deliveryOf(clients.bankB, ids.webhook.foreign),
  };
  const year = await json(await m('GET', '/api/calendar/2026'), 200);
  ids.misc.calendar = JSON.stringify({
    notice: year.notice,
    holidays: year.holidays,
    makeUpWorkdays: year.makeUpWorkdays,
  });
}, 180_000);
afterAll(async () => t?.close());

// ---- every operation: the capability it needs, the record its path names, a valid request -----
// "Answered" is any answer but 401, 403 Forbidden (the role's refusal), 404, a 400 (the request is
// meant to be valid: a forbidden role must meet the role check, not a schema) or a 5xx; a rule's
// refusal after the role check (409, 422, maker–checker's 403) is an answer.

type Record_ =
  'filing' | 'claim' | 'enterprise' | 'institution' | 'import' | 'breaker' | 'token' | 'webhook' | 'delivery';
interface Request_ {
  method?: string;
  path: string;
  body?: unknown;
  form?: FormData;
  /** Sent from a session of its own (signing out ends the session it is sent with). */
  fresh?: boolean;
}
interface Operation {
  /** A capability of the table, `signed-in` (anyone signed in) or `public` (no sign-in needed). */
  needs: Action | 'signed-in' | 'public';
  /** The kind of record the path (or body) names: scoped roles see their own only. */
  record?: Record_;
  /** Answered with a 400 on purpose (the request is refused by a rule after the role was let in). */
  answers400?: true;
  /** The request `role` sends; `id` is the record it names (its own or another's). */
  request: (role: Role, id: string) => Request_;
}

const on = TODAY;
const OPERATIONS: Record<string, Operation> = {
  'POST /api/evaluate': {
    needs: 'public',
    request: () => ({
      path: '/api/evaluate',
      body: {
        enterprise: { registeredInZone: true, size: 'small', sciTech: false, industry: 'software', qualifications: [] },
        loan: {
          kind: 'credit',
          principal: '8000000.00',
          disbursedOn: '2025-09-01',
          filedOn: '2025-09-03',
          mode: 'direct',
        },
      },
    }),
  },
  'GET /api/programmes': { needs: 'public', request: () => ({ path: '/api/programmes' }) },
  'GET /api/programmes/{id}': { needs: 'public', request: () => ({ path: '/api/programmes/etown-2025-sci-tech' }) },
  'POST /api/auth/login': {
    needs: 'public',
    request: (role) => ({ path: '/api/auth/login', body: { username: usernames[role], password: PASSWORD } }),
  },
  'GET /api/auth/me': { needs: 'signed-in', request: () => ({ path: '/api/auth/me' }) },
  'POST /api/auth/logout': { needs: 'public', request: () => ({ path: '/api/auth/logout', fresh: true }) },
  'POST /api/auth/tokens': { needs: 'token:write', request: () => ({ path: '/api/auth/tokens', body: { name: 'x' } }) },
  'GET /api/auth/tokens': { needs: 'token:write', request: () => ({ path: '/api/auth/tokens' }) },
  'DELETE /api/auth/tokens/{id}': {
    needs: 'token:write',
    record: 'token',
    request: (_r, id) => ({ method: 'DELETE', path: `/api/auth/tokens/${id}` }),
  },
  'POST /api/auth/password': {
    needs: 'signed-in',
    answers400: true, // a wrong current password: the password stays as it is
    request: () => ({
      path: '/api/auth/password',
      body: { currentPassword: 'not the password', newPassword: 'another long passphrase' },
    }),
  },
  'GET /api/auth/notifications': { needs: 'signed-in', request: () => ({ path: '/api/auth/notifications' }) },
  'PUT /api/auth/notifications': {
    needs: 'signed-in',
    request: (role) => ({
      method: 'PUT',
      path: '/api/auth/notifications',
      body: { email: `${role}@example.cn`, notify: 'digest' },
    }),
  },
  'GET /api/enterprises': { needs: 'registry:read', request: () => ({ path: '/api/enterprises' }) },
  'POST /api/enterprises': {
    needs: 'filing:write',
    request: (role) => ({ path: '/api/enterprises', body: enterprise(100 + ROLES.indexOf(role)) }),
  },
  'POST /api/enterprises/bulk': {
    needs: 'filing:write',
    request: (role) => ({
      path: '/api/enterprises/bulk',
      body: { enterprises: [enterprise(200 + ROLES.indexOf(role))] },
    }),
  },
  'GET /api/enterprises/{id}': {
    needs: 'registry:read',
    record: 'enterprise',
    request: (_r, id) => ({ path: `/api/enterprises/${id}` }),
  },
  'PATCH /api/enterprises/{id}': {
    needs: 'registry:write',
    record: 'enterprise',
    request: (_r, id) => ({ method: 'PATCH', path: `/api/enterprises/${id}`, body: { size: 'small' } }),
  },
  'POST /api/enterprises/{id}/qualifications': {
    needs: 'filing:write',
    record: 'enterprise',
    request: (_r, id) => ({
      path: `/api/enterprises/${id}/qualifications`,
      body: { kind: 'little-giant', validFrom: '2025-07-01', validTo: '2028-06-30' },
    }),
  },
  'GET /api/institutions': { needs: 'registry:read', request: () => ({ path: '/api/institutions' }) },
  'POST /api/institutions': {
    needs: 'registry:write',
    request: () => ({ path: '/api/institutions', body: { id: 'bank-z', kind: 'bank', name: 'Z' } }),
  },
  'GET /api/institutions/{id}': {
    needs: 'registry:read',
    record: 'institution',
    request: (_r, id) => ({ path: `/api/institutions/${id}` }),
  },
  'GET /api/calendar': { needs: 'calendar:read', request: () => ({ path: '/api/calendar' }) },
  'GET /api/calendar/{year}': { needs: 'calendar:read', request: () => ({ path: '/api/calendar/2026' }) },
  'PUT /api/calendar/{year}': {
    needs: 'calendar:write',
    request: () => ({ method: 'PUT', path: '/api/calendar/2026', body: JSON.parse(ids.misc.calendar!) }),
  },
  'GET /api/funds': { needs: 'fund:read', request: () => ({ path: '/api/funds' }) },
  'POST /api/funds': {
    needs: 'fund:write',
    request: () => ({
      path: '/api/funds',
      body: {
        id: 'another',
        name: 'x',
        programmes: ['etown-2023-small-micro'],
        liabilityMultiple: '10',
        capital: '1.00',
        on: '2024-01-02',
      },
    }),
  },
  'GET /api/funds/{id}': { needs: 'fund:read', request: () => ({ path: '/api/funds/etown' }) },
  'POST /api/funds/{id}/top-ups': {
    needs: 'fund:write',
    request: () => ({ path: '/api/funds/etown/top-ups', body: { amount: '1.00', on } }),
  },
  'POST /api/funds/{id}/pay-queue': { needs: 'claim:pay', request: () => ({ path: '/api/funds/etown/pay-queue' }) },
  'GET /api/agreements': { needs: 'registry:read', request: () => ({ path: '/api/agreements' }) },
  'POST /api/agreements': {
    needs: 'fund:write',
    request: () => ({
      path: '/api/agreements',
      body: { fundId: 'etown', programmeId: 'etown-2025-sci-tech', institutionId: 'g-2', signedOn: '2024-01-01' },
    }),
  },
  'PATCH /api/agreements/{id}': {
    needs: 'fund:write',
    request: () => ({
      method: 'PATCH',
      path: `/api/agreements/${ids.misc.agreement}`,
      body: { quota: ids.misc.quota },
    }),
  },
  'GET /api/filings': { needs: 'filing:read', request: () => ({ path: '/api/filings' }) },
  'POST /api/filings': {
    needs: 'filing:write',
    request: (role) => ({
      path: '/api/filings',
      body: {
        bankRef: `A-${role}`,
        creditCode: creditCode(1),
        ...(role === 'bank' ? {} : { bankId: 'bank-a' }),
        programme: 'etown-2025-sci-tech',
        loan: riskSharing('g-1'),
      },
    }),
  },
  'GET /api/filings/{id}': {
    needs: 'filing:read',
    record: 'filing',
    request: (_r, id) => ({ path: `/api/filings/${id}` }),
  },
  'GET /api/filings/{id}/proof': {
    needs: 'filing:read',
    record: 'filing',
    request: (_r, id) => ({ path: `/api/filings/${id}/proof` }),
  },
  'PATCH /api/filings/{id}': {
    needs: 'filing:write',
    record: 'filing',
    request: (_r, id) => ({
      method: 'PATCH',
      path: `/api/filings/${id}`,
      body: { maturesOn: '2026-08-31', reason: '核对' },
    }),
  },
  'POST /api/filings/{id}/withdraw': {
    needs: 'filing:write',
    record: 'filing',
    request: (_r, id) => ({
      path: `/api/filings/${id === ids.filing!.own ? ids.withdrawable!.own : ids.withdrawable!.foreign}/withdraw`,
      body: { reason: '撤销' },
    }),
  },
  'POST /api/filings/{id}/guarantor-confirmation': {
    needs: 'filing:confirm',
    record: 'filing',
    request: (_r, id) => ({ path: `/api/filings/${id}/guarantor-confirmation` }),
  },
  'POST /api/filings/{id}/repayments': {
    needs: 'servicing:write',
    record: 'filing',
    request: (_r, id) => ({ path: `/api/filings/${id}/repayments`, body: { amount: '1.00', on } }),
  },
  'POST /api/filings/{id}/balance': {
    needs: 'servicing:write',
    record: 'filing',
    request: (_r, id) => ({ path: `/api/filings/${id}/balance`, body: { outstanding: '90000.00', on } }),
  },
  'POST /api/filings/{id}/classification': {
    needs: 'servicing:write',
    record: 'filing',
    request: (_r, id) => ({ path: `/api/filings/${id}/classification`, body: { classification: 'normal', on } }),
  },
  'POST /api/filings/{id}/write-off': {
    needs: 'servicing:write',
    record: 'filing',
    // The loan is not compensated: a 409 naming its status is the answer (what a write-off does is in servicing's tests).
    request: (_r, id) => ({ path: `/api/filings/${id}/write-off`, body: { on, reason: '核销审批 2026-1' } }),
  },
  'GET /api/filings/{id}/write-offs': {
    needs: 'filing:read',
    record: 'filing',
    request: (_r, id) => ({ path: `/api/filings/${id}/write-offs` }),
  },
  'POST /api/filings/{id}/write-off/{decision}': {
    needs: 'writeoff:decide',
    record: 'filing',
    // No write-off waits on the loan: a 409 is the answer (the decisions are in the model's and defects' tests).
    request: (_r, id) => ({ path: `/api/filings/${id}/write-off/approve`, body: {} }),
  },
  'POST /api/repayments': {
    needs: 'servicing:write',
    request: () => ({ path: '/api/repayments', body: { items: [{ filingId: ids.filing!.own, amount: '1.00', on }] } }),
  },
  'GET /api/claims': { needs: 'claim:read', request: () => ({ path: '/api/claims' }) },
  'POST /api/claims': {
    needs: 'claim:submit',
    record: 'filing',
    request: (_r, id) => ({
      path: '/api/claims',
      body: { filingId: id === ids.filing!.own ? ids.claimed!.own : ids.claimed!.foreign },
    }),
  },
  'GET /api/claims/{id}': {
    needs: 'claim:read',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}` }),
  },
  'GET /api/filings/{id}/documents/filing-confirmation.pdf': {
    needs: 'filing:read',
    record: 'filing',
    request: (_r, id) => ({ path: `/api/filings/${id}/documents/filing-confirmation.pdf` }),
  },
  'GET /api/claims/{id}/documents/approval-form.pdf': {
    needs: 'claim:read',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/documents/approval-form.pdf` }),
  },
  'GET /api/claims/{id}/documents/payment-notice.pdf': {
    needs: 'claim:read',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/documents/payment-notice.pdf` }), // 409 until paid: an answer
  },
  'POST /api/claims/{id}/prepare': {
    needs: 'claim:prepare',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/prepare` }),
  },
  'POST /api/claims/{id}/approve': {
    needs: 'claim:approve',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/approve` }),
  },
  'POST /api/claims/{id}/reject': {
    needs: 'claim:approve',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/reject`, body: { reason: '材料不全' } }),
  },
  'GET /api/claims/{id}/findings': {
    needs: 'claim:read',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/findings` }),
  },
  'POST /api/claims/{id}/findings': {
    needs: 'claim:prepare',
    record: 'claim',
    request: (_r, id) => ({
      path: `/api/claims/${id}/findings`,
      body: { findingId: 'collection-effort', note: '未及时催收' },
    }),
  },
  'DELETE /api/claims/{id}/findings/{findingId}': {
    needs: 'claim:prepare',
    record: 'claim',
    request: (_r, id) => ({ method: 'DELETE', path: `/api/claims/${id}/findings/collection-effort` }),
  },
  'POST /api/claims/{id}/return': {
    needs: 'claim:return',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/return`, body: { items: [], note: '缺少催收记录' } }),
  },
  'POST /api/claims/{id}/resubmit': {
    needs: 'claim:submit',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/resubmit` }),
  },
  'POST /api/claims/{id}/withdraw': {
    needs: 'claim:submit',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/withdraw` }),
  },
  'POST /api/claims/{id}/pay': {
    needs: 'claim:pay',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/pay` }),
  },
  'GET /api/breakers': { needs: 'claim:read', request: () => ({ path: '/api/breakers' }) },
  'GET /api/home': { needs: 'signed-in', request: () => ({ path: '/api/home' }) },
  'GET /api/breakers/{id}': {
    needs: 'claim:read',
    record: 'breaker',
    request: (_r, id) => ({ path: `/api/breakers/${id}` }),
  },
  'GET /api/claims/{id}/materials': {
    needs: 'claim:read',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/materials` }),
  },
  'POST /api/claims/{id}/materials': {
    needs: 'claim:submit',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/materials`, form: pdfForm() }),
  },
  'GET /api/claims/{id}/materials/{fileId}': {
    needs: 'claim:read',
    record: 'claim',
    request: (_r, id) => ({
      path: `/api/claims/${id}/materials/${id === ids.claim!.own ? ids.materialFile!.own : ids.materialFile!.foreign}`,
    }),
  },
  'POST /api/claims/{id}/materials/items/{itemId}/review': {
    needs: 'claim:prepare',
    record: 'claim',
    request: (_r, id) => ({
      path: `/api/claims/${id}/materials/items/loan-contract/review`,
      body: { decision: 'rejected', note: '缺少公章' },
    }),
  },
  'GET /api/claims/{id}/recoveries': {
    needs: 'claim:read',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/recoveries` }),
  },
  'POST /api/claims/{id}/recoveries': {
    needs: 'recovery:write',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/recoveries`, body: { amount: '1.00', on } }),
  },
  'GET /api/claims/{id}/recovery-progress': {
    needs: 'claim:read',
    record: 'claim',
    request: (_r, id) => ({ path: `/api/claims/${id}/recovery-progress` }),
  },
  'POST /api/claims/{id}/recovery-progress': {
    needs: 'recovery:write',
    record: 'claim',
    request: (_r, id) => ({
      path: `/api/claims/${id}/recovery-progress`,
      body: { stage: 'litigation', on, note: '已起诉' },
    }),
  },
  'GET /api/audit': { needs: 'audit:read', request: () => ({ path: '/api/audit' }) },
  'GET /api/users': { needs: 'user:read', request: () => ({ path: '/api/users' }) },
  'POST /api/users': {
    needs: 'user:write',
    request: () => ({
      path: '/api/users',
      body: { username: 'new-person', displayName: 'x', role: 'reviewer', password: 'a long passphrase' },
    }),
  },
  'PATCH /api/users/{id}': {
    needs: 'user:write',
    request: () => ({ method: 'PATCH', path: `/api/users/${ids.misc.victim}`, body: { disabled: false } }),
  },
  'PUT /api/users/{id}/password': {
    needs: 'user:write',
    request: () => ({
      method: 'PUT',
      path: `/api/users/${ids.misc.victim}/password`,
      body: { password: 'a new long passphrase' },
    }),
  },
  'POST /api/ledger/verify': { needs: 'ledger:verify', request: () => ({ path: '/api/ledger/verify' }) },
  'GET /api/audit/verify': { needs: 'audit:read', request: () => ({ path: '/api/audit/verify' }) },
  'GET /api/ledger/accounts': { needs: 'ledger:read', request: () => ({ path: '/api/ledger/accounts?fundId=etown' }) },
  'GET /api/ledger/accounts/{id}/history': {
    needs: 'ledger:read',
    request: () => ({ path: `/api/ledger/accounts/${ids.misc.account}/history` }),
  },
  'GET /api/ledger/transfers': {
    needs: 'ledger:read',
    request: () => ({ path: `/api/ledger/transfers?entityKind=filing&entityId=${ids.filing!.own}` }),
  },
  'GET /api/reports/position': { needs: 'report:read', request: () => ({ path: '/api/reports/position' }) },
  'GET /api/reports/banks': { needs: 'report:read', request: () => ({ path: '/api/reports/banks' }) },
  'GET /api/reports/breakdown': { needs: 'report:read', request: () => ({ path: '/api/reports/breakdown?by=bank' }) },
  'GET /api/reports/monthly': { needs: 'report:read', request: () => ({ path: '/api/reports/monthly' }) },
  'GET /api/reports/risk-sharing': { needs: 'report:read', request: () => ({ path: '/api/reports/risk-sharing' }) },
  'POST /api/imports': {
    needs: 'filing:write',
    request: (role) => {
      const form = csvFile(`IMP-${role}`);
      if (role !== 'bank') form.append('bankId', 'bank-a');
      return { path: '/api/imports', form };
    },
  },
  'GET /api/imports': { needs: 'filing:read', request: () => ({ path: '/api/imports' }) },
  'GET /api/imports/{id}': {
    needs: 'filing:read',
    record: 'import',
    request: (_r, id) => ({ path: `/api/imports/${id}` }),
  },
  'GET /api/imports/{id}/errors': {
    needs: 'filing:read',
    record: 'import',
    request: (_r, id) => ({ path: `/api/imports/${id}/errors` }),
  },
  'GET /api/simulations/book': { needs: 'simulation:run', request: () => ({ path: '/api/simulations/book' }) },
  'POST /api/simulations': {
    needs: 'simulation:run',
    request: () => ({
      path: '/api/simulations',
      body: {
        portfolio: { source: 'csv', csv: 'id,grade,sector,outstanding,ratio\nL1,A,s,1000.00,0.5' },
        pdByGrade: { A: 0.01 },
        scenarios: 100,
      },
    }),
  },
  'GET /api/simulations/{id}': {
    needs: 'simulation:run',
    request: () => ({ path: `/api/simulations/${ids.misc.simulation}` }),
  },
  'POST /api/webhooks': {
    needs: 'webhook:write',
    request: (role) => ({
      path: '/api/webhooks',
      body: {
        url: 'https://api.bank.example/x',
        events: ['claim.*'],
        ...(role === 'bank' ? {} : { bankId: 'bank-a' }),
      },
    }),
  },
  'GET /api/webhooks': { needs: 'webhook:read', request: () => ({ path: '/api/webhooks' }) },
  'GET /api/webhooks/{id}': {
    needs: 'webhook:read',
    record: 'webhook',
    request: (_r, id) => ({ path: `/api/webhooks/${id}` }),
  },
  'PATCH /api/webhooks/{id}': {
    needs: 'webhook:write',
    record: 'webhook',
    request: (_r, id) => ({ method: 'PATCH', path: `/api/webhooks/${id}`, body: { description: '核心系统' } }),
  },
  'POST /api/webhooks/{id}/rotate-secret': {
    needs: 'webhook:write',
    record: 'webhook',
    request: (_r, id) => ({ path: `/api/webhooks/${id}/rotate-secret` }),
  },
  'GET /api/webhooks/{id}/deliveries': {
    needs: 'webhook:read',
    record: 'webhook',
    request: (_r, id) => ({ path: `/api/webhooks/${id}/deliveries` }),
  },
  'POST /api/webhooks/deliveries/{id}/replay': {
    needs: 'webhook:write',
    record: 'delivery',
    // Still pending (queued, never sent): a 409 naming it is the answer (replay itself: test/http/webhooks.test.ts).
    request: (_r, id) => ({ path: `/api/webhooks/deliveries/${id}/replay` }),
  },
  // Last: the endpoints it deletes answer 409 to a change afterwards.
  'DELETE /api/webhooks/{id}': {
    needs: 'webhook:write',
    record: 'webhook',
    request: (_r, id) => ({ method: 'DELETE', path: `/api/webhooks/${id}` }),
  },
};

// ---- the tests -------------------------------------------------------------------------------

describe('DESIGN.md’s role tables are the code’s', () => {
  it('PERMISSIONS in access.ts is the role × capability table', () => {
    const table = capabilityTable();
    expect(Object.keys(table).sort()).toEqual(Object.keys(PERMISSIONS).sort());
    for (const [cap, roles] of Object.entries(PERMISSIONS))
      expect([...roles].sort(), cap).toEqual([...table[cap]!].sort());
  });

  it('every operation of the OpenAPI document has a row here, and every row an operation', async () => {
    const doc = await json(await t.app.request('/api/openapi.json'), 200);
    const operations = Object.entries<any>(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(
      operations.filter((o) => !(o in OPERATIONS)),
      'operations without a row',
    ).toEqual([]);
    expect(
      Object.keys(OPERATIONS).filter((o) => !operations.includes(o)),
      'rows without an operation',
    ).toEqual([]);
    const scopes = scopeTable();
    for (const [key, op] of Object.entries(OPERATIONS)) {
      if (op.needs !== 'public' && op.needs !== 'signed-in') expect(capabilityTable(), key).toHaveProperty(op.needs);
      if (op.record) expect(scopes, key).toHaveProperty(op.record);
    }
  });
});

describe('every endpoint × every role', () => {
  const capabilities = capabilityTable();
  const scopes = scopeTable();

  /** What a role gets for an operation on a record of its own (`own`) and on another's (`foreign`). */
  function expected(op: Operation, role: Role): { own: 'answered' | 403 | 404; foreign: 'answered' | 403 | 404 } {
    if (op.needs !== 'public' && op.needs !== 'signed-in' && !capabilities[op.needs]!.includes(role))
      return { own: 403, foreign: 403 };
    if (!op.record || (role !== 'bank' && role !== 'guarantor')) return { own: 'answered', foreign: 'answered' };
    return scopes[op.record]![role] === 'own' ? { own: 'answered', foreign: 404 } : { own: 404, foreign: 404 };
  }

  async function send(role: Role, r: Request_): Promise<Response> {
    const client = r.fresh ? await signIn(usernames[role]) : clients[role];
    return client(
      r.method ?? (r.body !== undefined || r.form || r.path.match(/\/(verify)$/) ? 'POST' : 'GET'),
      r.path,
      r.body,
      {
        ...(r.form ? { form: r.form } : {}),
      },
    );
  }

  /** The record a role's request names: its own or another's; institutions are a bank's or a guarantor's own. */
  const idOf = (record: Record_, role: Role, which: 'own' | 'foreign') =>
    record === 'institution'
      ? { own: role === 'guarantor' ? 'g-1' : 'bank-a', foreign: role === 'guarantor' ? 'g-2' : 'bank-b' }[which]
      : ids[record]![which];

  for (const [key, op] of Object.entries(OPERATIONS)) {
    it(key, async () => {
      const method = key.split(' ')[0]!;
      const seen: string[] = [];
      for (const role of ROLES) {
        const want = expected(op, role);
        for (const which of op.record ? (['own', 'foreign'] as const) : (['own'] as const)) {
          const r = op.request(role, op.record ? idOf(op.record, role, which) : '');
          const res = await send(role, { ...r, method });
          const text = await res.text();
          // The role's refusal (requireActor) is titled Forbidden; a rule's 403 (maker–checker) is an answer.
          const got =
            res.status === 403 && /"title":"Forbidden"/.test(text) ? 403 : res.status === 403 ? 'rule-403' : res.status;
          const w = want[which];
          const okay =
            w === 'answered'
              ? got === 'rule-403' || (got < 500 && ![401, 403, 404].includes(got) && (got !== 400 || op.answers400))
              : got === w;
          seen.push(`${role} ${which}: ${got}${okay ? '' : ` (expected ${w}) ${text.slice(0, 200)}`}`);
        }
      }
      expect(
        seen.filter((s) => s.includes('expected')),
        seen.join('\n'),
      ).toEqual([]);
    });
  }
});

describe('a guarantor sees the registry of its own risk-sharing loans only', () => {
  it('lists the enterprises of its loans and the institutions of its loans with itself; others answer 404', async () => {
    const g = clients.guarantor;
    expect((await json(await g('GET', '/api/enterprises'), 200)).items.map((e: any) => e.id)).toEqual([
      ids.enterprise!.own,
    ]);
    expect((await json(await g('GET', '/api/institutions'), 200)).items.map((i: any) => i.id).sort()).toEqual([
      'bank-a',
      'g-1',
    ]);
    for (const path of [
      `/api/enterprises/${ids.enterprise!.foreign}`,
      `/api/enterprises/${ids.misc.loneEnterprise}`,
      '/api/institutions/g-2',
      '/api/institutions/bank-b',
    ])
      expect((await g('GET', path)).status, path).toBe(404);
    await json(await g('GET', '/api/institutions/bank-a'), 200);
    // The other guarantor likewise; a bank sees itself; staff everything.
    expect((await json(await clients.g2('GET', '/api/enterprises'), 200)).items.map((e: any) => e.id)).toEqual([
      ids.enterprise!.foreign,
    ]);
    expect((await json(await clients.bank('GET', '/api/institutions'), 200)).items.map((i: any) => i.id)).toEqual([
      'bank-a',
    ]);
    expect((await json(await clients.auditor('GET', '/api/institutions'), 200)).items).toHaveLength(5);
    await json(await clients.auditor('GET', `/api/enterprises/${ids.misc.loneEnterprise}`), 200);
  });
});
