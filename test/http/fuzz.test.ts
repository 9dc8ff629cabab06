/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A fuzz test driven by the OpenAPI document. For every operation of `/api/openapi.json` it starts
 * from a request that works in a small seeded world (the operation's OpenAPI example, adjusted where
 * the example names records this world has not), signed in as a role that may send it, on real
 * records (path ids of existing rows), and breaks one thing at a time with fast-check: a body field
 * (wrong types, huge, empty, NUL, lone surrogates, `__proto__`, money like 1e400, -5 and 0.001,
 * dates like 2026-02-30 and 9999-12-31), the body as a whole (not JSON, not an object, 2 MB, 20 MB),
 * the content type, a query parameter, a path parameter, a header, or the role.
 *
 * Every answer is checked (see `checkAnswer`):
 * - never a 5xx;
 * - every 4xx is an RFC 9457 problem (`application/problem+json`, its `status` the response's);
 * - 400, 422, 413 and 415 name a field (`errors[].field`, non-empty): they are about the request's
 *   input (a field, the body, the Content-Type). 401, 403, 404, 405, 408, 409 and 429 need not: they
 *   are about who asks, which record, or the record's state, not a field of the request;
 * - every 4xx carries at least one error, each with a stable code (`<feature>.<what>`) and its text
 *   in Chinese and English (`zh`, `en`), and the detail in both (`detail`, `detailZh`);
 * - a refused request (4xx) leaves nothing behind: the row count of every table is the same after
 *   it as before it (counted around each request, so a leak is the request's), and Object.prototype
 *   is untouched;
 * - after each operation's runs, the ledger's invariants and the audit hash chain verify clean.
 *
 * FUZZ_SEED (default: random, printed) seeds it; each operation's runs derive their seed from it
 * and the operation, so `FUZZ_SEED=<seed> FUZZ_OP='POST /api/filings' npx vitest run
 * test/http/fuzz.test.ts` replays one operation's requests (on a world that the other operations
 * have not changed first: nearly always the same answers). FUZZ_RUNS (default 40: some 3,000 requests) is the runs per
 * operation; FUZZ_OP restricts the run to one operation (`METHOD /path/{param}`, as printed);
 * FUZZ_VERBOSE=1 prints each operation's answers by status.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/modules/auth/auth.usecases';
import type { Role } from '../../src/modules/auth/access';
import { verifyAudit, verifyLedger } from '../../src/modules/ledger/ledger.verify';
import { rowsOf } from '../../src/modules/shared/rows';
import { queueEvents } from '../../src/modules/webhooks/webhooks.dispatcher';
import { creditCode } from '../operations/fixture';
import { ensureDocumentTools } from './documents-tools';
import { PASSWORD, startTestApp, TEST_PASSWORD_PARAMS } from './harness';
import { zip } from './zip';

const TODAY = '2025-09-03';
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const ONLY = process.env.FUZZ_OP;
const VERBOSE = process.env.FUZZ_VERBOSE === '1';
const replay = (op?: string) =>
  `FUZZ_SEED=${SEED}${op ? ` FUZZ_OP='${op}'` : ''} npx vitest run test/http/fuzz.test.ts`;
console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}${ONLY ? ` FUZZ_OP='${ONLY}'` : ''}; replay: ${replay()}`);

// ---- the checker --------------------------------------------------------------------------------

/** Statuses whose problem must name a field: the request's input is what is wrong. */
export const FIELD_STATUSES = new Set([400, 413, 415, 422]);

/** What is wrong with one answer (empty when nothing). */
export function checkAnswer(status: number, contentType: string | null, text: string): string[] {
  if (status >= 500) return [`${status} (a server error): ${text.slice(0, 300)}`];
  if (status < 400) return [];
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${status} whose body is not JSON: ${JSON.stringify(text.slice(0, 200))}`];
  }
  const out: string[] = [];
  if (!contentType?.startsWith('application/problem+json'))
    out.push(`${status} with content-type ${contentType}, not application/problem+json`);
  if (body?.status !== status) out.push(`${status} whose problem says status ${body?.status}`);
  const errors = body?.errors;
  if (!Array.isArray(errors) || errors.length === 0) out.push(`${status} naming no field: ${text.slice(0, 300)}`);
  else {
    if (FIELD_STATUSES.has(status) && errors.some((e: any) => typeof e?.field !== 'string' || e.field === ''))
      out.push(`${status} with a field error without its field: ${text.slice(0, 300)}`);
    if (errors.some((e: any) => !/^[a-z_]+\.[a-z_]+$/.test(e?.code) || !e.zh || !e.en))
      out.push(`${status} with an error without its code, zh or en: ${text.slice(0, 300)}`);
  }
  if (typeof body?.detail !== 'string' || typeof body?.detailZh !== 'string')
    out.push(`${status} without its detail in both languages: ${text.slice(0, 300)}`);
  return out;
}

/** Tables whose row counts differ between two snapshots. */
export function countDiff(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k} ${before[k] ?? 0} → ${after[k] ?? 0}`);
}

describe('the checker', () => {
  it('reports a 5xx, a 400 without a field, a 4xx that is not a problem, and a leftover row', () => {
    expect(checkAnswer(500, 'application/problem+json', '{"status":500}')).toHaveLength(1);
    expect(checkAnswer(503, 'text/plain', 'busy')[0]).toMatch(/^503/);
    expect(checkAnswer(400, 'application/problem+json', '{"status":400,"title":"Invalid"}')[0]).toMatch(
      /naming no field/,
    );
    expect(checkAnswer(422, 'application/problem+json', '{"status":422,"errors":[{"en":"x"}]}')[0]).toMatch(
      /without its field/,
    );
    const ok = '"detail":"d","detailZh":"d"';
    expect(
      checkAnswer(
        404,
        'application/problem+json',
        `{"status":404,${ok},"errors":[{"field":"id","en":"x","zh":"x"}]}`,
      )[0],
    ).toMatch(/without its code/);
    expect(checkAnswer(415, 'application/problem+json', '{"status":415,"errors":[]}')[0]).toMatch(/naming no field/);
    expect(checkAnswer(404, 'text/plain', '404 Not Found')[0]).toMatch(/not JSON/);
    expect(checkAnswer(403, 'application/json', '{"status":403}')[0]).toMatch(/not application\/problem\+json/);
    // What passes.
    expect(checkAnswer(201, 'application/json', '{}')).toEqual([]);
    expect(
      checkAnswer(
        400,
        'application/problem+json',
        `{"status":400,${ok},"errors":[{"field":"on","code":"request.invalid","zh":"x","en":"x"}]}`,
      ),
    ).toEqual([]);
    expect(
      checkAnswer(
        404,
        'application/problem+json',
        `{"status":404,"title":"Not found",${ok},"errors":[{"field":"id","code":"filing.not_found","zh":"x","en":"x"}]}`,
      ),
    ).toEqual([]);
    expect(countDiff({ filings: 3, audit_log: 9 }, { filings: 3, audit_log: 10 })).toEqual(['audit_log 9 → 10']);
    expect(countDiff({ filings: 3 }, { filings: 3 })).toEqual([]);
  });

  it('writes what it means to send: 1e400 as a number, __proto__ as a key', () => {
    expect(toJson({ amount: new Raw('1e400'), on: '2026-02-30' })).toBe('{"amount":1e400,"on":"2026-02-30"}');
    const body: any = { a: 1 };
    Object.defineProperty(body, '__proto__', { value: { polluted: true }, enumerable: true });
    expect(toJson(body)).toBe('{"a":1,"__proto__":{"polluted":true}}');
  });
});

// ---- the world ----------------------------------------------------------------------------------

type Who = Role | 'manager2' | 'anonymous' | 'fresh';
interface Session {
  cookie: string;
  csrf: string;
}
let t: Awaited<ReturnType<typeof startTestApp>>;
const sessions = {} as Record<Exclude<Who, 'anonymous' | 'fresh'>, Session>;
const ids: Record<string, string> = {};
let doc: any;
let tables: string[] = [];

async function login(username: string): Promise<Session> {
  const res = await t.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.9.9' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function person(username: string, role: Role, extra: { bankId?: string; guarantorId?: string } = {}) {
  await createUser({
    repo: t.services.repos.auth,
    user: { username, displayName: username, role, password: PASSWORD, ...extra },
    passwordParams: TEST_PASSWORD_PARAMS,
  });
  return login(username);
}

/** A request as sent: body as text (or a form), headers as given. */
interface Wire {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | FormData | Uint8Array;
}

/** The session a request is sent with: `fresh` signs in anew (for signing out and changing one's password). */
const sessionOf = async (who: Who) =>
  who === 'anonymous' ? undefined : who === 'fresh' ? await login('fresh') : sessions[who];

async function send(who: Who, w: Wire, session?: Session): Promise<Response> {
  const s = session ?? (await sessionOf(who));
  return t.app.request(w.path, {
    method: w.method,
    headers: {
      'x-forwarded-for': '10.1.2.3',
      ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}),
      ...w.headers,
    },
    ...(w.body !== undefined ? { body: w.body as any } : {}),
  });
}

async function must(who: Who, method: string, path: string, body?: unknown, status = 201) {
  const res = await send(who, {
    method,
    path,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${text}`);
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
const riskSharing = {
  kind: 'credit',
  principal: '100000.00',
  disbursedOn: '2025-09-01',
  maturesOn: '2026-08-31',
  mode: 'risk-sharing',
  bankShare: '0.2',
  parties: [{ party: 'guarantor', institutionId: 'g-1', share: '0.8' }],
};
const direct = {
  kind: 'credit',
  principal: '200000.00',
  disbursedOn: '2025-09-01',
  maturesOn: '2026-08-31',
  mode: 'direct',
};
const csv = (ref: string) =>
  `银行合同编号,统一社会信用代码,贷款种类,金额(元),放款日期\n${ref},${creditCode(1)},信用贷款,1000.00,2025-09-01\n`;
const form = (parts: [string, Blob | string, string?][]) => {
  const f = new FormData();
  for (const [name, value, filename] of parts)
    if (typeof value === 'string') f.append(name, value);
    else f.append(name, value, filename);
  return f;
};

async function countRows(): Promise<Record<string, number>> {
  const rows = rowsOf(
    await t.database.db.execute(
      sql.raw(`select ${tables.map((n, i) => `(select count(*) from "${n}")::int as c${i}`).join(', ')}`),
    ),
  );
  return Object.fromEntries(tables.map((n, i) => [n, Number(rows[0]![`c${i}`])]));
}

beforeAll(async () => {
  ensureDocumentTools(); // the documents' font (503 without it)
  t = await startTestApp({ today: () => TODAY });
  sessions.manager = await person('manager', 'manager');
  sessions.manager2 = await person('manager2', 'manager');
  sessions.reviewer = await person('reviewer', 'reviewer');
  sessions.auditor = await person('auditor', 'auditor');
  for (const [id, kind, name] of [
    ['bank-a', 'bank', '甲银行经开区支行'],
    ['bank-b', 'bank', '乙银行经开区支行'],
    ['g-1', 'guarantor', '首创担保'],
  ])
    await must('manager', 'POST', '/api/institutions', { id, kind, name });
  sessions.bank = await person('bank-a-officer', 'bank', { bankId: 'bank-a' });
  sessions.guarantor = await person('guarantor', 'guarantor', { guarantorId: 'g-1' });
  await person('fresh', 'reviewer');
  await must('manager', 'POST', '/api/funds', {
    id: 'etown',
    name: '亦庄',
    programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
    liabilityMultiple: '10',
    capital: '3000000.00',
    on: '2024-01-02',
  });
  for (const bank of ['bank-a', 'bank-b'])
    for (const programmeId of ['etown-2023-small-micro', 'etown-2025-sci-tech'])
      await must('manager', 'POST', '/api/agreements', {
        fundId: 'etown',
        programmeId,
        institutionId: bank,
        signedOn: '2024-01-01',
        ...(bank === 'bank-b' ? { quota: '1000000.00' } : {}),
      });
  // bank-a's webhook endpoint, before its loans: the dispatcher queues their events (never sent here).
  ids.webhook = (
    await must('manager', 'POST', '/api/webhooks', {
      bankId: 'bank-a',
      url: 'https://api.bank.example/hooks',
      events: ['*'],
    })
  ).id;
  ids.agreement = (await must('manager', 'GET', '/api/agreements', undefined, 200)).items.find(
    (a: any) => a.quota !== null,
  ).id;
  ids.enterprise = (await must('manager', 'POST', '/api/enterprises', enterprise(1))).id;
  await must('manager', 'POST', '/api/enterprises', enterprise(2));
  await must('manager', 'POST', '/api/enterprises', enterprise(3));
  // The loans that go bad are to enterprises 2 and 3: enterprise 1 stays eligible (R17) for the
  // filings and the import the fuzzing starts from.
  const file = async (ref: string, loan: object, programme = 'etown-2025-sci-tech', n = 1) =>
    (await must('bank', 'POST', '/api/filings', { bankRef: ref, creditCode: creditCode(n), programme, loan })).id;
  ids.filing = await file('A-1', direct, 'etown-2023-small-micro');
  ids.shared = await file('A-RS', riskSharing);
  ids.withdrawable = await file('A-W', direct, 'etown-2023-small-micro');
  ids.claimed = await file('A-C', direct, 'etown-2023-small-micro', 2);
  await must(
    'bank',
    'POST',
    `/api/filings/${ids.claimed}/classification`,
    { classification: 'doubtful', on: TODAY },
    200,
  );
  ids.claim = (await must('bank', 'POST', '/api/claims', { filingId: ids.claimed })).id;
  ids.claimable = await file('A-C2', direct, 'etown-2023-small-micro', 3);
  await must(
    'bank',
    'POST',
    `/api/filings/${ids.claimable}/classification`,
    { classification: 'doubtful', on: TODAY },
    200,
  );
  {
    const res = await send('bank', {
      method: 'POST',
      path: '/api/imports',
      headers: {},
      body: form([['file', new Blob([csv('A-IMP')]), 'a.csv']]),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`import: ${res.status} ${text}`);
    ids.import = JSON.parse(text).id;
    await importSettled(ids.import!);
  }
  ids.token = (await must('manager', 'POST', '/api/auth/tokens', { name: 'core' })).id;
  await queueEvents({ db: t.database.db, now: () => new Date() });
  ids.delivery = (await must('manager', 'GET', `/api/webhooks/${ids.webhook}/deliveries`, undefined, 200)).items[0].id;
  ids.simulation = (
    await must(
      'manager',
      'POST',
      '/api/simulations',
      {
        portfolio: { source: 'csv', csv: 'id,grade,sector,outstanding,ratio\nL1,A,s,1000.00,0.5' },
        pdByGrade: { A: 0.01 },
        scenarios: 100,
      },
      202,
    )
  ).id;
  ids.account = (await must('manager', 'GET', '/api/ledger/accounts?fundId=etown', undefined, 200)).items[0].id;
  ids.victim = (
    await must('manager', 'POST', '/api/users', {
      username: 'victim',
      displayName: 'victim',
      role: 'reviewer',
      password: 'a long passphrase',
    })
  ).id;
  doc = JSON.parse(await (await t.app.request('/api/openapi.json')).text());
  tables = rowsOf(
    await t.database.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    ),
  ).map((r) => String(r.table_name));
}, 180_000);
afterAll(async () => t?.close());

// ---- each operation: who sends it, on which records, its valid request -------------------------

/** Who sends an operation: a role that may (DESIGN.md's capability table). */
function roleOf(op: string): Who {
  if (op === 'POST /api/auth/logout' || op === 'POST /api/auth/password') return 'fresh';
  if (op === 'POST /api/filings/{id}/guarantor-confirmation') return 'guarantor';
  if (op === 'POST /api/claims/{id}/approve' || op === 'POST /api/claims/{id}/reject') return 'reviewer';
  if (
    /^(POST|PATCH) \/api\/filings/.test(op) ||
    op === 'POST /api/repayments' ||
    op === 'POST /api/claims' ||
    op === 'POST /api/claims/{id}/withdraw' ||
    op === 'POST /api/imports'
  )
    return 'bank';
  return 'manager';
}

/** The real record a path parameter names. */
function pathValue(op: string, name: string): string {
  const path = op.split(' ')[1]!;
  if (name === 'year') return op.startsWith('PUT') ? '2027' : '2026'; // the PUT example is 2027's notice
  if (name === 'decision') return 'reject';
  if (path.startsWith('/api/programmes/')) return 'etown-2025-sci-tech';
  if (path.startsWith('/api/auth/tokens/')) return ids.token!;
  if (path.startsWith('/api/enterprises/')) return ids.enterprise!;
  if (path.startsWith('/api/institutions/') || path.startsWith('/api/breakers/')) return 'bank-a';
  if (path.startsWith('/api/funds/')) return 'etown';
  if (path.startsWith('/api/agreements/')) return ids.agreement!;
  if (path.endsWith('/withdraw') && path.startsWith('/api/filings/')) return ids.withdrawable!;
  if (path.endsWith('/guarantor-confirmation')) return ids.shared!;
  if (path.startsWith('/api/filings/')) return ids.filing!;
  if (path.startsWith('/api/claims/')) return ids.claim!;
  if (path.startsWith('/api/users/')) return ids.victim!;
  if (path.startsWith('/api/ledger/accounts/')) return ids.account!;
  if (path.startsWith('/api/imports/')) return ids.import!;
  if (path.startsWith('/api/simulations/')) return ids.simulation!;
  if (path.startsWith('/api/webhooks/deliveries/')) return ids.delivery!;
  if (path.startsWith('/api/webhooks/')) return ids.webhook!;
  throw new Error(`no record for {${name}} of ${op}`);
}

/** Where the OpenAPI example names records or dates this world has not, the body that works here. */
function baseBody(op: string, example: unknown): unknown {
  switch (op) {
    case 'POST /api/auth/login':
      return { username: 'victim', password: 'not the password' };
    case 'POST /api/filings':
      return { bankRef: 'A-FUZZ', creditCode: creditCode(1), programme: 'etown-2023-small-micro', loan: direct };
    case 'POST /api/enterprises':
      return enterprise(7);
    case 'POST /api/enterprises/bulk':
      return { enterprises: [enterprise(8), enterprise(9)] };
    case 'POST /api/funds/{id}/top-ups':
      return { amount: '1.00', on: TODAY, note: '追加' };
    case 'POST /api/agreements':
      return { fundId: 'etown', programmeId: 'etown-2025-sci-tech', institutionId: 'g-1', signedOn: '2024-01-01' };
    case 'PATCH /api/agreements/{id}':
      return { quota: '1000000.00' };
    case 'PATCH /api/filings/{id}':
      return { maturesOn: '2026-08-30', reason: '核对' };
    case 'POST /api/filings/{id}/repayments':
      return { amount: '1.00', on: TODAY };
    case 'POST /api/filings/{id}/balance':
      return { outstanding: '190000.00', on: TODAY };
    case 'POST /api/filings/{id}/classification':
      return { classification: 'normal', on: TODAY };
    case 'POST /api/filings/{id}/write-off':
      return { on: TODAY, reason: '核销审批 2026-1' };
    case 'POST /api/repayments':
      return { items: [{ filingId: ids.filing, amount: '1.00', on: TODAY }] };
    case 'POST /api/claims':
      return { filingId: ids.claimable };
    case 'POST /api/funds':
      return { ...(example as object), id: 'fuzz-fund' };
    case 'POST /api/claims/{id}/recoveries':
      return { amount: '1.00', on: TODAY };
    case 'POST /api/claims/{id}/recovery-progress':
      return { stage: 'litigation', on: TODAY, note: '已起诉' };
    case 'PATCH /api/users/{id}':
      return { disabled: false };
    default:
      return example;
  }
}

const BASE_QUERY: Record<string, [string, string][]> = {
  'GET /api/ledger/accounts': [['fundId', 'etown']],
  'GET /api/reports/breakdown': [['by', 'bank']],
  'GET /api/ledger/transfers': [['entityKind', 'filing']],
};

interface Operation {
  id: string;
  method: string;
  template: string;
  who: Who;
  pathParams: string[];
  query: { name: string; required: boolean }[];
  headers: string[];
  body: unknown;
  /** multipart (imports) rather than JSON */
  multipart: boolean;
  hasBody: boolean;
}

function operations(): Operation[] {
  const out: Operation[] = [];
  for (const [template, item] of Object.entries<any>(doc.paths))
    for (const [method, o] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const id = o.operationId ?? `${method.toUpperCase()} ${template}`;
      const params: any[] = o.parameters ?? [];
      const content = o.requestBody?.content ?? {};
      const json = content['application/json'];
      out.push({
        id,
        method: method.toUpperCase(),
        template,
        who: roleOf(id),
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: !!p.required })),
        headers: params.filter((p) => p.in === 'header').map((p) => p.name),
        body: json ? baseBody(id, json.example ?? json.schema?.example) : undefined,
        multipart: !!content['multipart/form-data'],
        hasBody: !!json || !!content['multipart/form-data'],
      });
    }
  return out;
}

// ---- mutations: one thing broken at a time ------------------------------------------------------

/** A number as JSON text (1e400 is not a JavaScript number). */
class Raw {
  constructor(readonly text: string) {}
}
const PROTO = Symbol('__proto__');

const badStrings = [
  '',
  ' ',
  'x'.repeat(100_000),
  '企'.repeat(20_000),
  'a\u0000b',
  '\u0000',
  '\u0007bell',
  '\uD800',
  'x\uDFFFy',
  '1e400',
  '-5',
  '0.001',
  '-0',
  '0',
  'NaN',
  'Infinity',
  '1,000.00',
  ' 100.00',
  '１００',
  '100.',
  '.5',
  '0x10',
  '99999999999999999999999.99',
  '1000000000000.01',
  '999999999999.99',
  '0.00',
  '-0.00',
  '2000-01-01',
  '2100-12-31',
  '2101-01-01',
  '1970-01-01',
  '2024-02-29',
  '2025-02-29',
  '2026-02-30',
  '9999-12-31',
  '0000-01-01',
  '2025-13-01',
  '2025-9-1',
  '1999-12-31',
  '2025-09-03T00:00:00Z',
  '__proto__',
  'constructor',
  "'; drop table filings; --",
  '../../etc/passwd',
  '\u202eevil',
  '😀'.repeat(1000),
];
const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...badStrings) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -5,
      0.001,
      1.5,
      2 ** 53 + 1,
      -1e308,
      [],
      {},
      [null],
      ['x'],
      { a: 1 },
      new Raw('1e400'),
      new Raw('-1e400'),
      new Raw('1e-400'),
      new Raw('123456789012345678901234567890'),
      new Raw('-0'),
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean()) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

type Mutation =
  | { kind: 'valid' }
  | { kind: 'set'; at: (string | number)[]; value: unknown }
  | { kind: 'delete'; at: (string | number)[] }
  | { kind: 'repeat'; at: (string | number)[]; n: number }
  | { kind: 'add'; at: (string | number)[]; key: string | typeof PROTO; value: unknown }
  | { kind: 'raw-body'; text: string }
  | { kind: 'content-type'; value: string }
  | { kind: 'query'; name: string; value: string }
  | { kind: 'path'; name: string; value: string }
  | { kind: 'header'; name: string; value: string }
  | { kind: 'who'; who: Who }
  | { kind: 'method'; method: string }
  | { kind: 'form'; name: string };

/** The paths to every value in a JSON body (the body itself is []). */
function pathsOf(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}
const objectPaths = (v: unknown) =>
  pathsOf(v).filter((p) => {
    const x = p.reduce<any>((o, k) => o[k], v);
    return x && typeof x === 'object' && !Array.isArray(x);
  });

/** Query and path values: raw (already percent-encoded) text. */
const badUrlValues = [
  '',
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%FF',
  '%',
  '%zz',
  '%1B',
  'x'.repeat(5000),
  '%2F',
  '..',
  '%2E%2E',
  '__proto__',
  'constructor',
  '%20',
  '-1',
  '0',
  '1e400',
  '99999999999999999999',
  '0.001',
  '2026-02-30',
  '9999-12-31',
  'null',
  'true',
  '%E4%BC%81',
];
const urlValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...badUrlValues) },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, 'x'))),
  },
);
const contentTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/jsonx',
  '',
];

/** The 20 MB and 2 MB bodies (built once). */
let huge: string | undefined;
const hugeBody = (mb: number) => {
  huge ??= `{"a":"${'x'.repeat(20 * 1024 * 1024)}"}`;
  return mb === 20 ? huge : `{"a":"${'x'.repeat(mb * 1024 * 1024)}"}`;
};

function mutations(op: Operation): fc.Arbitrary<Mutation> {
  const arbs: fc.WeightedArbitrary<Mutation>[] = [{ weight: 1, arbitrary: fc.constant({ kind: 'valid' }) }];
  if (op.body !== undefined) {
    const paths = pathsOf(op.body);
    const objects = objectPaths(op.body);
    arbs.push(
      {
        weight: 12,
        arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.constantFrom(...paths), value: badValue }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('delete' as const),
          at: fc.constantFrom(...paths.slice(1).concat([[]])),
        }),
      },
    );
    const arrays = pathsOf(op.body).filter((p) => {
      const x = p.reduce<any>((o, k) => o[k], op.body);
      return Array.isArray(x) && x.length > 0;
    });
    if (arrays.length)
      arbs.push({
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('repeat' as const),
          at: fc.constantFrom(...arrays),
          n: fc.constantFrom(2, 1001, 5000),
        }),
      });
    if (objects.length)
      arbs.push({
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('add' as const),
          at: fc.constantFrom(...objects),
          key: fc.constantFrom<string | typeof PROTO>(PROTO, 'constructor', 'prototype', 'unknownField', ''),
          value: fc.constantFrom<unknown>({ polluted: true }, { prototype: { polluted: true } }, 'x', null),
        }),
      });
    arbs.push({
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('raw-body' as const),
        text: fc.constantFrom(
          '',
          '{',
          'null',
          '[]',
          '"x"',
          '42',
          '{"a":1}',
          '{"__proto__":{"polluted":true}}',
          '\u0000',
          '{"a":"\\ud800"}',
          `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
          'HUGE2',
          'HUGE20',
        ),
      }),
    });
  }
  if (op.hasBody)
    arbs.push({
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('content-type' as const), value: fc.constantFrom(...contentTypes) }),
    });
  else if (op.method !== 'GET' && op.method !== 'DELETE')
    arbs.push({
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('raw-body' as const),
        text: fc.constantFrom('{"a":1}', 'junk', 'HUGE2'),
      }),
    });
  if (op.multipart)
    arbs.push({
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constant('form' as const),
        name: fc.constantFrom(
          'empty',
          'binary',
          'no-file',
          'two-files',
          'long-line',
          'bomb',
          'not-zip',
          'utf16',
          'bad-bank',
          'header-only',
        ),
      }),
    });
  if (op.query.length)
    arbs.push({
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('query' as const),
        name: fc.constantFrom(...op.query.map((q) => q.name), 'unknown'),
        value: urlValue,
      }),
    });
  if (op.pathParams.length)
    arbs.push({
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('path' as const),
        name: fc.constantFrom(...op.pathParams),
        value: urlValue,
      }),
    });
  if (op.headers.length)
    arbs.push({
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('header' as const),
        name: fc.constantFrom(...op.headers),
        value: fc.constantFrom('', ' ', 'x'.repeat(10_000), 'é', 'a b', '\t'),
      }),
    });
  arbs.push({
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('method' as const),
      method: fc.constantFrom(...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter((x) => x !== op.method)),
    }),
  });
  arbs.push({
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('who' as const),
      // Signing out and changing one's password act on the sender's own session: never a shared one.
      who:
        op.who === 'fresh'
          ? fc.constant<Who>('anonymous')
          : fc.constantFrom<Who>('anonymous', 'manager', 'reviewer', 'auditor', 'bank', 'guarantor'),
    }),
  });
  return fc.oneof(...arbs);
}

function clone(v: unknown): any {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

/** JSON text with Raw numbers and __proto__ keys as written. */
function toJson(v: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(v, (_k, x) => {
    if (x instanceof Raw) {
      raws.push(x.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return x;
  });
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!);
}

function setAt(body: any, at: (string | number)[], f: (parent: any, key: string | number) => void) {
  const parent = at.slice(0, -1).reduce((o, k) => o[k], body);
  f(parent, at.at(-1)!);
}

let bomb: Uint8Array | undefined;
function formOf(name: string): FormData {
  const blob = (b: string | Uint8Array) => new Blob([typeof b === 'string' ? b : new Uint8Array(b)]);
  switch (name) {
    case 'empty':
      return form([['file', blob(''), 'a.csv']]);
    case 'binary':
      return form([['file', blob(new Uint8Array([0, 1, 2, 255, 0, 7])), 'a.csv']]);
    case 'no-file':
      return form([['other', 'x']]);
    case 'two-files':
      return form([
        ['file', blob(csv('F-1')), 'a.csv'],
        ['file', blob(csv('F-2')), 'b.csv'],
      ]);
    case 'long-line':
      return form([['file', blob(`a,b\n${'x'.repeat(70_000)},1\n`), 'a.csv']]);
    case 'bomb':
      bomb ??= zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(32 * 1024 * 1024, 0x20) }]);
      return form([['file', blob(bomb), 'a.xlsx']]);
    case 'not-zip':
      return form([['file', blob(Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100, 7)])), 'a.xlsx']]);
    case 'utf16':
      return form([['file', blob(Buffer.from(`\uFEFF${csv('F-3')}`, 'utf16le')), 'a.csv']]);
    case 'bad-bank':
      return form([
        ['file', blob(csv('F-4')), 'a.csv'],
        ['bankId', 'a\u0000b'],
      ]);
    default:
      return form([['file', blob('银行合同编号,统一社会信用代码\n'), 'a.csv']]);
  }
}

/** The request a mutation makes of the operation's valid one. */
function build(op: Operation, m: Mutation): { who: Who; wire: Wire; what: string } {
  let who = op.who;
  const params = Object.fromEntries(op.pathParams.map((n) => [n, encodeURIComponent(pathValue(op.id, n))]));
  const query: [string, string][] = (BASE_QUERY[op.id] ?? []).map(([k, v]) => [k, encodeURIComponent(v)]);
  if (op.id === 'GET /api/ledger/transfers') query.push(['entityId', encodeURIComponent(ids.filing!)]);
  const headers: Record<string, string> = {};
  let body: any = clone(op.body);
  let text: string | FormData | Uint8Array | undefined;
  let contentType = op.body !== undefined ? 'application/json' : undefined;
  let what: string;
  switch (m.kind) {
    case 'valid':
      what = 'the valid request';
      break;
    case 'set':
      what = `body ${JSON.stringify(m.at)} = ${describe_(m.value)}`;
      if (m.at.length === 0) body = m.value;
      else setAt(body, m.at, (p, k) => (p[k] = m.value));
      break;
    case 'delete':
      what = `body ${JSON.stringify(m.at)} removed`;
      if (m.at.length === 0) body = undefined;
      else setAt(body, m.at, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]));
      break;
    case 'repeat': {
      what = `body ${JSON.stringify(m.at)} holds its first item ${m.n} times`;
      const list = m.at.reduce<any>((o, k) => o[k], body) as unknown[];
      list.splice(0, list.length, ...Array.from({ length: m.n }, () => clone(list[0])));
      break;
    }
    case 'add': {
      const key = m.key === PROTO ? '__proto__' : m.key;
      what = `body ${JSON.stringify([...m.at, key])} added = ${describe_(m.value)}`;
      const target = m.at.reduce<any>((o, k) => o[k], body);
      Object.defineProperty(target, key, { value: m.value, enumerable: true, configurable: true, writable: true });
      break;
    }
    case 'raw-body':
      what = `body text ${m.text.startsWith('HUGE') ? `of ${m.text.slice(4)} MB` : describe_(m.text)}`;
      text = m.text.startsWith('HUGE') ? hugeBody(Number(m.text.slice(4))) : m.text;
      contentType ??= 'application/json';
      break;
    case 'content-type':
      what = `content-type ${JSON.stringify(m.value)}`;
      contentType = m.value;
      break;
    case 'query': {
      what = `query ${m.name}=${describe_(m.value)}`;
      const i = query.findIndex(([k]) => k === m.name);
      if (i >= 0) query[i] = [m.name, m.value];
      else query.push([m.name, m.value]);
      break;
    }
    case 'path':
      what = `path {${m.name}} = ${describe_(m.value)}`;
      params[m.name] = m.value;
      break;
    case 'header':
      what = `header ${m.name}: ${describe_(m.value)}`;
      headers[m.name] = m.value;
      break;
    case 'method':
      what = `sent as ${m.method}`;
      break;
    case 'who':
      what = `sent by ${m.who}`;
      who = m.who;
      break;
    case 'form':
      what = `upload ${m.name}`;
      text = formOf(m.name);
      break;
  }
  if (op.multipart && text === undefined && m.kind !== 'content-type')
    text = form([['file', new Blob([csv(`A-${Math.random().toString(36).slice(2, 8)}`)]), 'a.csv']]);
  if (op.multipart && m.kind === 'content-type') text = csv('CT');
  if (text === undefined && body !== undefined) text = toJson(body);
  if (contentType !== undefined && !(text instanceof FormData)) headers['content-type'] = contentType;
  if (op.multipart && m.kind === 'content-type') headers['content-type'] = m.value;
  const path =
    op.template.replace(/\{(\w+)\}/g, (_m, n: string) => params[n]!) +
    (query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : '');
  const method = m.kind === 'method' ? m.method : op.method;
  const bodyless = method === 'GET' || method === 'HEAD';
  return { who, wire: { method, path, headers, ...(text !== undefined && !bodyless ? { body: text } : {}) }, what };
}

function describe_(v: unknown): string {
  const s = v instanceof Raw ? v.text : typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 60)}… (${s.length} chars)` : s;
}

/**
 * Tables a refused request may change on purpose: the sign-in throttle remembers a failed sign-in
 * and a wrong current password (and forgets old ones), which is what makes it a throttle.
 */
const MAY_CHANGE_ON_REFUSAL = ['login_throttle_accounts', 'login_throttle_addresses'];
const without = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).filter(([k]) => !MAY_CHANGE_ON_REFUSAL.includes(k)));

async function importSettled(id: string) {
  for (let i = 0; i < 600; i++) {
    const res = await send('bank', { method: 'GET', path: `/api/imports/${id}`, headers: {} });
    const status = res.status === 200 ? ((await res.json()) as { status: string }).status : 'running';
    // A finished job drops its kept file just after it says so: wait for that too, or the next
    // request's count would see the file go.
    if (status !== 'running' && (status !== 'done' || (await keptFileParts(id)) === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${id} still running after 30 s`);
}

async function keptFileParts(jobId: string): Promise<number> {
  const rows = rowsOf(
    await t.database.db.execute(sql`select count(*)::int as n from import_files where job_id = ${jobId}`),
  );
  return Number(rows[0]!.n);
}

// ---- the run ------------------------------------------------------------------------------------

function seedOf(op: string): number {
  let h = SEED | 0;
  for (const ch of op) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

describe('every operation of the OpenAPI document, fuzzed', () => {
  it('answers every mutated request with a 2xx or a 4xx problem (400/413/415/422 naming a field), never a 5xx; a refused request leaves no row behind; ledger and audit verify clean', async () => {
    const ops = operations().filter((o) => !ONLY || o.id === ONLY);
    expect(ops.length, `FUZZ_OP='${ONLY}' is not an operation`).toBeGreaterThan(0);
    const failures: string[] = [];
    let requests = 0;
    const summary: string[] = [];
    for (const op of ops) {
      const seen: Record<number, number> = {};
      let validStatus: number | undefined;
      let before = await countRows();
      await fc.assert(
        fc.asyncProperty(mutations(op), async (m) => {
          const { who, wire, what } = build(op, m);
          const session = await sessionOf(who);
          if (who === 'fresh') before = await countRows();
          let res: Response;
          try {
            res = await send(who, wire, session);
          } catch (e) {
            failures.push(`${op.id} — ${what}: the request threw ${(e as Error).message}`);
            return;
          }
          requests++;
          const textBody = await res.text();
          seen[res.status] = (seen[res.status] ?? 0) + 1;
          if (m.kind === 'valid') validStatus ??= res.status;
          if (m.kind === 'valid' && VERBOSE && res.status >= 300)
            console.log(`fuzz: ${op.id} valid → ${textBody.slice(0, 400)}`);
          // An accepted import files its rows in the background: wait for it, so its rows are its own.
          if (op.id === 'POST /api/imports' && wire.method === 'POST' && res.status < 300)
            await importSettled(JSON.parse(textBody).id);
          const after = await countRows();
          const problems = checkAnswer(res.status, res.headers.get('content-type'), textBody);
          if (res.status >= 400) {
            const left = countDiff(without(before), without(after));
            if (left.length) problems.push(`refused with ${res.status} but left rows behind: ${left.join(', ')}`);
          }
          if (Object.keys(Object.prototype).length || ({} as any).polluted !== undefined)
            problems.push('Object.prototype was polluted');
          before = after;
          for (const p of problems) failures.push(`${op.id} as ${who} — ${what}: ${p}`);
        }),
        { seed: seedOf(op.id), numRuns: RUNS, endOnFailure: true, examples: [[{ kind: 'valid' }]] },
      );
      const ledger = await verifyLedger({ db: t.database.db });
      if (!ledger.ok)
        failures.push(`${op.id}: ledger verify after its runs: ${JSON.stringify(ledger.violations).slice(0, 500)}`);
      const audit = await verifyAudit({ db: t.database.db });
      if (!audit.ok)
        failures.push(`${op.id}: audit verify after its runs: ${JSON.stringify(audit.violations).slice(0, 500)}`);
      summary.push(`${op.id} as ${op.who}: valid → ${validStatus ?? '(not drawn)'}; ${JSON.stringify(seen)}`);
    }
    if (VERBOSE) console.log(summary.join('\n'));
    console.log(`fuzz: ${requests} requests over ${ops.length} operations, ${failures.length} failures`);
    const shown = [...new Set(failures)];
    expect(
      shown,
      `${shown.length} defects (FUZZ_SEED=${SEED}); replay one operation with ${replay('<operation>')}:\n${shown.slice(0, 40).join('\n')}`,
    ).toEqual([]);
  }, 1_800_000);
});
