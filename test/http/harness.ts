/** The real app on a fresh database (PGlite, or PostgreSQL under npm run test:pg), called without a port. */
import { pino } from 'pino';
import { expect } from 'vitest';
import type { Database } from '../../src/adapters/db/database';
import { openTestDatabase } from '../../src/adapters/db/testing';
import { createServices } from '../../src/adapters/http/services';
import type { MailSettings } from '../../src/modules/notifications/notifications.mailer';
import type { ObjectStoreSettings } from '../../src/adapters/object-store/object-store-settings';
import { createUser } from '../../src/modules/auth/auth.usecases';
import type { Role } from '../../src/modules/auth/access';
import type { DossierRule } from '../../src/modules/claims/claims.usecases';

export const PASSWORD = 'correct horse battery';
/** GET /metrics's bearer token in the suites (BACKSTOP_METRICS_TOKEN); the figures are read afresh at each scrape. */
export const METRICS_TOKEN = 'test-metrics-token-0123456789';
/**
 * scrypt at a cheap cost for the suites, which add and sign in dozens of people per file: at
 * production's N = 2^17 each hash takes ~0.4 s of a core. Passed explicitly to the app and to
 * createUser; the server has no setting for it. The hashing tests use production's cost.
 */
export const TEST_PASSWORD_PARAMS = { N: 1024, r: 8, p: 1 };

/**
 * `today` fixes the zone's date the operations use (filing dates, deadlines, SLAs); it may be changed
 * during a test. The app runs as behind a reverse proxy (`trustProxy`, default true here), so a test
 * gives a request an address of its own with X-Forwarded-For.
 */
export async function startTestApp({
  today,
  trustProxy = true,
  now,
  claimDossier = 'waived',
  mail,
  policiesDir,
  objectStore,
  database: given,
}: {
  /** A database opened by the test (an embedded one in a data directory a CLI test runs on); a fresh one otherwise. */
  database?: Database & { url?: string };
  /** Claim materials in an S3-compatible bucket, as BACKSTOP_OBJECT_STORE_* sets it (in the database otherwise). */
  objectStore?: ObjectStoreSettings;
  /** Policy files from elsewhere than policies/ (a test's own programme). */
  policiesDir?: string;
  /** Notification mail as BACKSTOP_SMTP_URL sets it (the suites send none unless they say so). */
  mail?: MailSettings;
  today?: () => string;
  trustProxy?: boolean;
  now?: () => Date;
  /**
   * Whether approval waits for the dossier (R20). Waived by default here: the suites written before
   * the dossier approve claims without materials; test/http/claim-materials.test.ts requires it.
   */
  claimDossier?: DossierRule;
} = {}) {
  const database = given ?? (await openTestDatabase());
  const services = await createServices({
    database,
    logger: pino({ level: 'silent' }),
    trustProxy,
    passwordParams: TEST_PASSWORD_PARAMS,
    metrics: { token: METRICS_TOKEN, cacheMs: 0 },
    claimDossier,
    mail,
    objectStore,
    ...(policiesDir ? { policiesDir } : {}),
    ...(today ? { today } : {}),
    ...(now ? { now } : {}),
  });
  const { app } = services;

  async function signIn(
    username: string,
    role: Role,
    extra: { bankId?: string; guarantorId?: string; displayName?: string } = {},
  ) {
    await createUser({
      repo: services.repos.auth,
      user: { username, displayName: username, role, password: PASSWORD, ...extra },
      passwordParams: TEST_PASSWORD_PARAMS,
    });
    const res = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    const cookies = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
      app.request(path, {
        method: init.method ?? 'GET',
        headers: {
          cookie: cookies,
          'x-csrf-token': csrfToken,
          // a FormData body sets its own multipart content-type
          ...(init.body !== undefined && !(init.body instanceof FormData)
            ? { 'content-type': 'application/json' }
            : {}),
          ...init.headers,
        },
        ...(init.body !== undefined
          ? {
              body:
                typeof init.body === 'string' || init.body instanceof FormData ? init.body : JSON.stringify(init.body),
            }
          : {}),
      });
  }

  return { app, services, database, signIn, close: () => database.close() };
}

export const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
export type Client = Awaited<ReturnType<TestApp['signIn']>>;

/** One request by a signed-in client. */
export const send = (
  client: Client,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => client(path, { method, ...(body !== undefined ? { body } : {}), headers });

/** The response's JSON, after checking its status (the body is the failure's message). */
export async function ok(res: Response, status = 200) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text);
}

/**
 * The people most HTTP tests need, signed in — two managers (maker and checker), a reviewer, an
 * auditor, an officer of each of two banks and a guarantor's user — with their institutions
 * (bank-a, bank-b, g-1) registered.
 */
export async function signInCast(t: TestApp) {
  const cast = {
    manager: await t.signIn('manager', 'manager'),
    manager2: await t.signIn('manager2', 'manager'),
    reviewer: await t.signIn('reviewer', 'reviewer'),
    auditor: await t.signIn('auditor', 'auditor'),
    bankA: await t.signIn('bank-a-officer', 'bank', { bankId: 'bank-a' }),
    bankB: await t.signIn('bank-b-officer', 'bank', { bankId: 'bank-b' }),
    guarantor: await t.signIn('guarantor', 'guarantor', { guarantorId: 'g-1' }),
  };
  for (const [id, kind, name] of [
    ['bank-a', 'bank', '甲银行经开区支行'],
    ['bank-b', 'bank', '乙银行经开区支行'],
    ['g-1', 'guarantor', '首创担保'],
  ]) {
    const res = await cast.manager('/api/institutions', { method: 'POST', body: { id, kind, name } });
    if (res.status !== 201) throw new Error(`registering ${id} failed: ${res.status} ${await res.text()}`);
  }
  return cast;
}

/**
 * The world most HTTP tests start from: enterprise 1 (small, software, sci-tech, in the zone), fund
 * `etown` (3,000,000.00, both programmes, 10× liability) and bank-a's agreements under both.
 */
export async function openEtownForBankA(manager: Client, creditCode: string) {
  await ok(
    await send(manager, 'POST', '/api/enterprises', {
      creditCode,
      name: '企业1',
      size: 'small',
      industry: 'software',
      sciTech: true,
      registeredInZone: true,
    }),
    201,
  );
  await ok(
    await send(manager, 'POST', '/api/funds', {
      id: 'etown',
      name: '亦庄风险补偿资金',
      programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
      liabilityMultiple: '10',
      capital: '3000000.00',
      on: '2024-01-02',
    }),
    201,
  );
  for (const programmeId of ['etown-2023-small-micro', 'etown-2025-sci-tech'])
    await ok(
      await send(manager, 'POST', '/api/agreements', {
        fundId: 'etown',
        programmeId,
        institutionId: 'bank-a',
        signedOn: '2024-01-01',
      }),
      201,
    );
}

/**
 * A claim on a loan gone bad, as the dossier and escalation tests start from: bank-a files `bankRef`
 * under programme A on 2025-09-01 (enterprise `creditCode`, as openEtownForBankA registers it); on
 * 2026-01-12 (`setToday` moves the app's day there) the loan is doubtful, overdue since 2025-10-01
 * (R6), and the bank submits its claim. Returns the claim as submitted.
 */
export async function claimABadLoan({
  bankA,
  creditCode,
  bankRef,
  principal = '800000.00',
  setToday,
}: {
  bankA: Client;
  creditCode: string;
  bankRef: string;
  principal?: string;
  setToday: (day: string) => void;
}) {
  const filed = await ok(
    await send(bankA, 'POST', '/api/filings', {
      bankRef,
      creditCode,
      programme: 'etown-2023-small-micro',
      loan: { kind: 'credit', principal, disbursedOn: '2025-09-01', maturesOn: '2026-08-31', mode: 'direct' },
    }),
    201,
  );
  setToday('2026-01-12');
  await ok(
    await send(bankA, 'POST', `/api/filings/${filed.id}/classification`, {
      classification: 'doubtful',
      overdueSince: '2025-10-01',
      on: '2026-01-12',
    }),
  );
  return ok(await send(bankA, 'POST', '/api/claims', { filingId: filed.id }), 201);
}
