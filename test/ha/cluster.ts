/**
 * A pg_auto_failover formation (scripts/ha-formation.sh), a book seeded on it, `backstop serve`
 * processes on its multi-host URL, and bank and fund clients that file loans, report repayments
 * and pay claims through real HTTP with API tokens, retrying under their Idempotency-Key. Shared by
 * the failover test (test/ha/failover.test.ts, `npm run test:ha`) and `npm run bench -- cluster`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { openDatabase } from '../../src/adapters/db/database';
import { createServices } from '../../src/adapters/http/services';
import { createUser } from '../../src/modules/auth/auth.usecases';
import type { Role } from '../../src/modules/auth/access';
import { beijingToday } from '../../src/modules/shared/clock';
import { BENCH_BANKS, benchWorld, creditCode } from '../../bench/world';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = resolve(ROOT, 'scripts/ha-formation.sh');
const BIN = resolve(ROOT, 'bin/backstop.js');
const PASSWORD = 'cluster-test-password';
const CHEAP = { N: 1024, r: 8, p: 1 };

export interface Formation {
  dir: string;
  /** postgres://postgres@h1:p1,h2:p2/backstop?target_session_attrs=read-write&… */
  url: string;
  /** The same hosts, preferring a standby: for DATABASE_READ_URL. */
  readUrl: string;
  down: () => void;
}

function script(args: string[], timeout = 300_000) {
  const r = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', timeout });
  if (r.status !== 0) throw new Error(`ha-formation.sh ${args.join(' ')}: exit ${r.status}\n${r.stderr}\n${r.stdout}`);
  return r.stdout.trim();
}

export function formationUp(dir: string): Formation {
  const url = script(['up', dir]).split('\n').at(-1)!;
  return {
    dir,
    url,
    readUrl: url.replace('target_session_attrs=read-write', 'target_session_attrs=prefer-standby'),
    down: () => {
      spawnSync('bash', [SCRIPT, 'down', dir], { timeout: 120_000 });
    },
  };
}

export const formationStatus = (dir: string) => script(['status', dir], 30_000);

/** The postmaster pid of the node that is primary now (its postmaster.pid's first line). */
export function primaryPostmaster(dir: string): { node: string; pid: number } {
  const node = script(['primary', dir], 30_000);
  return { node, pid: Number(readFileSync(resolve(node, 'postmaster.pid'), 'utf8').split('\n')[0]) };
}

export const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

export interface Seeded {
  /** API tokens: the bank officer's (files, repays) and a manager's (pays claims). */
  bankToken: string;
  /** One officer's token per bank of the world, the first bank's first (bankToken). */
  bankTokens: string[];
  managerToken: string;
  /** Approved claims, ready to be paid. */
  claims: string[];
  enterprises: number;
  today: string;
}

/**
 * The bench's world (`banks` banks, a fund no limit stops, `enterprises` enterprises) on the
 * formation (or any database), migrated by opening it; users and API tokens; and `claims` loans
 * filed, made non-performing and their claims approved (maker and checker), for the clients to pay.
 */
export async function seed(url: string, { enterprises = 2000, claims = 0, banks = 1 } = {}): Promise<Seeded> {
  const database = await openDatabase({ url });
  try {
    await benchWorld(database, enterprises, { banks });
    const today = beijingToday();
    const services = await createServices({
      database,
      logger: pino({ level: 'silent' }),
      passwordParams: CHEAP,
      today: () => today,
      // the seed approves claims without materials, as the servers below do (R20 waived)
      claimDossier: 'waived',
    });
    const signIn = async (username: string, role: Role, extra: { bankId?: string } = {}) => {
      await createUser({
        repo: services.repos.auth,
        user: { username, displayName: username, role, password: PASSWORD, ...extra },
        passwordParams: CHEAP,
      });
      const res = await services.app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`sign-in ${username}: ${res.status} ${await res.text()}`);
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      return async (method: string, path: string, body?: unknown) => {
        const r = await services.app.request(path, {
          method,
          headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await r.text();
        if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
        return JSON.parse(text) as Record<string, unknown>;
      };
    };
    const manager = await signIn('ha-manager', 'manager');
    const manager2 = await signIn('ha-manager2', 'manager');
    const bank = await signIn('ha-bank', 'bank', { bankId: 'bank-icbc' });
    const bankToken = String((await bank('POST', '/api/auth/tokens', { name: 'core banking' })).token);
    const bankTokens = [bankToken];
    for (const other of BENCH_BANKS.slice(1, banks)) {
      const officer = await signIn(`ha-${other.id}`, 'bank', { bankId: other.id });
      bankTokens.push(String((await officer('POST', '/api/auth/tokens', { name: 'core banking' })).token));
    }
    const managerToken = String((await manager('POST', '/api/auth/tokens', { name: 'payments' })).token);
    const ids: string[] = [];
    for (let i = 0; i < claims; i++) {
      const f = await bank('POST', '/api/filings', filingBody(`SEED-CLAIM-${i}`, enterprises - i, today));
      await bank('POST', `/api/filings/${String(f.id)}/classification`, { classification: 'doubtful', on: today });
      const c = await bank('POST', '/api/claims', { filingId: f.id });
      await manager2('POST', `/api/claims/${String(c.id)}/prepare`);
      await manager('POST', `/api/claims/${String(c.id)}/approve`);
      ids.push(String(c.id));
    }
    return { bankToken, bankTokens, managerToken, claims: ids, enterprises, today };
  } finally {
    await database.close();
  }
}

export const filingBody = (bankRef: string, enterprise: number, today: string) => ({
  bankRef,
  creditCode: creditCode(enterprise),
  loan: { kind: 'credit', principal: '1000000.00', disbursedOn: today, mode: 'direct' },
});

export interface Server {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** How it ended, if it has: its exit code or signal. */
  exit: () => string | undefined;
  stop: () => void;
}

/** `backstop serve` on the formation (no demo), once it listens; `nodeArgs` go to node (e.g. --cpu-prof). */
export async function serve(env: Record<string, string>, nodeArgs: string[] = []): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], {
    env: {
      ...process.env,
      BACKSTOP_DEMO: '0',
      // the cluster's claims are approved without materials (written before the dossier, R20)
      BACKSTOP_CLAIM_DOSSIER: 'waived',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = String(code ?? signal)));
  for (let i = 0; i < 1800 && !out.includes('listening') && !exited; i++) await new Promise((r) => setTimeout(r, 100));
  if (!out.includes('listening')) throw new Error(`backstop serve did not start:\n${out}`);
  return { child, port, output: () => out, exit: () => exited, stop: () => child.kill('SIGKILL') };
}

/** `backstop …` against the formation, as an operator runs it. */
export function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export type Outcome = 'ok' | 'unknown' | 'refused' | 'gave-up';

export interface Sent {
  kind: 'filing' | 'repayment' | 'pay';
  key: string;
  outcome: Outcome;
  status: number;
  /** filing: its bankRef; repayment: the loan's id; pay: the claim's id. */
  subject: string;
  /** The loan's id of an acknowledged filing. */
  id?: string;
  /** When it was answered (ms since the epoch), and how many times it was sent. */
  at: number;
  tries: number;
  ms: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends one request until it has an answer: a 503 (after its Retry-After, at most 1 s here), a
 * connection refused or reset, or 409 `idempotency.in_flight` are sent again with the same key and
 * body; 409 `idempotency.outcome_unknown` is an answer (the client would look); so is any other.
 */
export async function sendWithRetry(
  base: string[],
  token: string,
  method: string,
  path: string,
  body: unknown,
  key: string,
  deadlineMs = 180_000,
): Promise<{ status: number; body: Record<string, unknown>; tries: number; code?: string }> {
  const until = Date.now() + deadlineMs;
  for (let tries = 1; ; tries++) {
    // A client that loses its server tries the other one (two app processes behind one name).
    const url = base[(tries - 1) % base.length]! + path;
    try {
      const res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      const parsed = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const code = (parsed.errors as { code?: string }[] | undefined)?.[0]?.code;
      const again = res.status === 503 || (res.status === 409 && code === 'idempotency.in_flight');
      if (!again) return { status: res.status, body: parsed, tries, ...(code ? { code } : {}) };
      if (Date.now() > until) return { status: res.status, body: parsed, tries, ...(code ? { code } : {}) };
      await pause(Math.min(1000, Number(res.headers.get('retry-after') ?? 1) * 1000));
    } catch {
      if (Date.now() > until) return { status: 0, body: {}, tries };
      await pause(250);
    }
  }
}

export interface LoadOptions {
  bases: string[];
  seeded: Seeded;
  clients: number;
  /** Stops starting new requests when it returns true. */
  stop: () => boolean;
  runId: string;
  /** Every `repayEvery`-th request of a client is a repayment of one of its loans; every `payEvery`-th pays a claim. */
  repayEvery?: number;
  payEvery?: number;
}

/**
 * `clients` clients, each on one server (client i on bases[i % n]) and for one bank (client i
 * files with bankTokens[i % banks]), until `stop()`; every request sent is in the log.
 */
export async function load({
  bases,
  seeded,
  clients,
  stop,
  runId,
  repayEvery = 4,
  payEvery = 7,
}: LoadOptions): Promise<Sent[]> {
  const log: Sent[] = [];
  const claims = [...seeded.claims];
  let enterprise = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const order = [...bases.slice(c % bases.length), ...bases.slice(0, c % bases.length)];
      const token = seeded.bankTokens[c % seeded.bankTokens.length]!;
      const mine: string[] = [];
      for (let n = 0; !stop(); n++) {
        const key = `${runId}-c${c}-n${n}`;
        const started = Date.now();
        let kind: Sent['kind'] = 'filing';
        let subject: string;
        let r;
        if (n % payEvery === payEvery - 1 && claims.length) {
          kind = 'pay';
          subject = claims.pop()!;
          r = await sendWithRetry(order, seeded.managerToken, 'POST', `/api/claims/${subject}/pay`, {}, key);
        } else if (n % repayEvery === repayEvery - 1 && mine.length) {
          kind = 'repayment';
          subject = mine[n % mine.length]!;
          r = await sendWithRetry(
            order,
            token,
            'POST',
            `/api/filings/${subject}/repayments`,
            { amount: '1000.00', on: seeded.today },
            key,
          );
        } else {
          subject = `${runId}-c${c}-n${n}`;
          // Not the enterprises of the seeded claims (the last ones): a bad loan bars new filings (R17).
          const e = (enterprise++ % (seeded.enterprises - seeded.claims.length)) + 1;
          r = await sendWithRetry(order, token, 'POST', '/api/filings', filingBody(subject, e, seeded.today), key);
        }
        const outcome: Outcome =
          r.status >= 200 && r.status < 300
            ? 'ok'
            : r.code === 'idempotency.outcome_unknown'
              ? 'unknown'
              : r.status === 0 || r.status === 503 || r.code === 'idempotency.in_flight'
                ? 'gave-up'
                : 'refused';
        const entry: Sent = {
          kind,
          key,
          outcome,
          status: r.status,
          subject,
          at: Date.now(),
          tries: r.tries,
          ms: Date.now() - started,
        };
        if (kind === 'filing' && outcome === 'ok') {
          entry.id = String(r.body.id);
          mine.push(entry.id);
        }
        if (outcome === 'refused') entry.subject += ` ${JSON.stringify(r.body).slice(0, 300)}`;
        log.push(entry);
      }
    }),
  );
  return log;
}

/** What a load run was answered: acknowledged requests a second over `seconds`, their p50 and p99 (ms), and how many were not. */
export function answered(sent: Sent[], seconds: number) {
  const ok = sent.filter((s) => s.outcome === 'ok');
  const ms = ok.map((s) => s.ms);
  return {
    ok: ok.length,
    perSecond: Math.round(ok.length / seconds),
    p50Ms: percentile(ms, 50),
    p99Ms: percentile(ms, 99),
    notOk: sent.length - ok.length,
  };
}

/** The p-th percentile (0–100) of a list of numbers. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
