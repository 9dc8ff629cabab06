/**
 * Several `backstop serve` processes on one PostgreSQL database are interchangeable: the daily jobs
 * run once a day whichever processes run; a simulation job, and a bulk filing import, whose process
 * is killed (-9) are taken over by another and finished; a holiday year entered through one process judges the next request
 * on another (LISTEN/NOTIFY). On PostgreSQL only: the embedded database (PGlite) is one process's
 * (a second process refuses its data directory), so there is nothing to share there.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { onPostgres, openTestDatabase } from '../../src/adapters/db/testing';
import { addDays } from '../../src/core/calendar';
import { parseYuan } from '../../src/core/money/money';
import { createFund, signAgreement } from '../../src/modules/funds/funds.usecases';
import { createRegistryRepository } from '../../src/modules/registry/registry.repository';
import { registerEnterprise, registerInstitution } from '../../src/modules/registry/registry.usecases';
import { beijingToday } from '../../src/modules/shared/clock';
import { creditCode, manager } from '../operations/fixture';
import { runCli } from './run-cli';
import { NO_DEMO, outputMatches, startServer } from './run-server';

const PASSWORD = 'cluster-test-password';
const dataDir = () => join(mkdtempSync(join(tmpdir(), 'backstop-cluster-')), 'unused');

let closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.reverse()) await close();
  closing = [];
});

async function databaseWithManager() {
  const database = await openTestDatabase();
  const url = database.url!;
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  closing.push(async () => {
    await sql.end();
    await database.close();
  });
  const added = runCli(['users', 'add', 'mgr', '--role', 'manager', '--name', 'Manager'], {
    input: PASSWORD,
    env: { DATABASE_URL: url, BACKSTOP_DEMO: '0' },
  });
  expect(added.code, added.stderr).toBe(0);
  return { url, sql, db: database.db };
}

async function session(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'mgr', password: PASSWORD }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

async function signIn(port: number) {
  const { cookie, csrfToken } = await session(port);
  return (path: string, init: { method?: string; body?: unknown; port?: number } = {}) =>
    fetch(`http://127.0.0.1:${init.port ?? port}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
}

/** Polls until `what` holds; a poll refused at the connection (a reset on a loaded machine) counts as "not yet". */
const until = async (what: () => Promise<boolean>, seconds: number) => {
  for (let i = 0; i < seconds * 4; i++) {
    if (await what().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
};

describe.skipIf(!onPostgres)(
  'several app processes on one PostgreSQL (skipped on PGlite: the embedded database is one process’s, a second process cannot open it)',
  () => {
    it('runs the daily jobs exactly once with three processes', async () => {
      const { url, sql } = await databaseWithManager();
      const env = { ...NO_DEMO, DATABASE_URL: url, LOG_LEVEL: 'info' };
      const servers = await Promise.all([1, 2, 3].map(() => startServer(dataDir(), env)));
      for (const s of servers) await outputMatches(s, /"msg":"daily jobs: (done|loans overdue|another process)/, 60);
      const runs = servers.filter((s) => /"msg":"daily jobs: (done|loans overdue)/.test(s.output()));
      const skipped = servers.filter((s) => /"msg":"daily jobs: another process has them today"/.test(s.output()));
      expect(runs).toHaveLength(1);
      expect(skipped).toHaveLength(2);
      const rows = await sql`select job, day, holder, finished_at from job_runs`;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ job: 'daily', day: beijingToday() });
      expect(rows[0]!.finished_at).not.toBeNull();
      for (const s of servers) s.child.kill('SIGTERM');
      for (const s of servers) expect(await s.exited, s.output()).toBe(0);
    }, 240_000);

    it('has a simulation job of a process killed with -9 taken over and finished by the other', async () => {
      const { url, sql } = await databaseWithManager();
      const env = { ...NO_DEMO, DATABASE_URL: url, LOG_LEVEL: 'info' };
      const [a, b] = [await startServer(dataDir(), env), await startServer(dataDir(), env)];
      const asManager = await signIn(a!.port);
      const csv = [
        'id,grade,sector,outstanding,ratio',
        ...Array.from({ length: 300 }, (_, i) => `L${i},${i % 2 ? 'A' : 'B'},s${i % 3},${(i + 1) * 100000},0.4`),
      ].join('\n');
      const started = await asManager('/api/simulations', {
        method: 'POST',
        body: { portfolio: { source: 'csv', csv }, pdByGrade: { A: 0.02, B: 0.05 }, scenarios: 1_500_000, seed: 7 },
      });
      expect(started.status).toBe(202);
      const { id } = (await started.json()) as { id: string };
      a!.child.kill('SIGKILL');
      await a!.exited;
      const [left] = await sql`select status, holder, attempts from simulation_jobs where id = ${id}`;
      expect(left, 'the job was still running when its process was killed').toMatchObject({
        status: 'running',
        attempts: 1,
      });
      // The other process claims it once its heartbeat is 30 s old, and runs it from its request.
      const done = await until(async () => {
        const res = await asManager(`/api/simulations/${id}`, { port: b!.port });
        return ((await res.json()) as { status: string }).status !== 'running';
      }, 240);
      expect(done, b!.output()).toBe(true);
      const job = (await (await asManager(`/api/simulations/${id}`, { port: b!.port })).json()) as {
        status: string;
        result?: { variants: unknown[] };
      };
      expect(job.status).toBe('done');
      expect(job.result!.variants).toHaveLength(1);
      const [row] = await sql`select status, holder, attempts from simulation_jobs where id = ${id}`;
      expect(row).toMatchObject({ status: 'done', attempts: 2 });
      expect(row!.holder).not.toBe(left!.holder);
      expect(b!.output()).toMatch(/simulation taken over from a process that stopped/);
      b!.child.kill('SIGTERM');
      expect(await b!.exited, b!.output()).toBe(0);
    }, 360_000);

    it('has an import of a process killed with -9 mid-file taken over by the other and finished: every row filed once, the ledger verifies', async () => {
      const { url, sql, db } = await databaseWithManager();
      const env = { ...NO_DEMO, DATABASE_URL: url, LOG_LEVEL: 'info' };
      const [a, b] = [await startServer(dataDir(), env), await startServer(dataDir(), env)];
      // A bank, a fund and 200 enterprises (the servers have stored the policies); 100 loans of 100,000 each.
      const registry = createRegistryRepository({ db });
      await registerInstitution({
        repo: registry,
        input: { id: 'bank-icbc', kind: 'bank', name: '工商银行亦庄支行', registeredInZone: true },
      });
      await createFund({
        db,
        actor: manager,
        input: {
          id: 'etown',
          name: '亦庄风险补偿资金',
          programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
          liabilityMultipleBp: 100_000,
          capital: parseYuan('200000000.00'),
          on: '2024-01-02',
        },
      });
      await signAgreement({
        db,
        actor: manager,
        input: {
          fundId: 'etown',
          programmeId: 'etown-2025-sci-tech',
          institutionId: 'bank-icbc',
          signedOn: '2024-01-01',
        },
      });
      const ENTERPRISES = 200;
      for (let i = 1; i <= ENTERPRISES; i++)
        await registerEnterprise({
          repo: registry,
          actor: manager,
          input: {
            creditCode: creditCode(i),
            name: `企业${i}`,
            size: 'small',
            industry: 'software',
            sciTech: true,
            registeredInZone: true,
            restrictedProcesses: false,
            qualifications: [],
          },
        });
      // Enough rows that the import is still running when A is killed (a chunk of 500 takes a fraction of a second).
      const ROWS = 20_000;
      const disbursedOn = addDays(beijingToday(), -2);
      const csv =
        [
          '银行合同编号,统一社会信用代码,贷款种类,金额(元),放款日期,模式',
          ...Array.from(
            { length: ROWS },
            (_, i) => `K-${i + 1},${creditCode((i % ENTERPRISES) + 1)},信用贷款,100000.00,${disbursedOn},直接补偿`,
          ),
        ].join('\r\n') + '\r\n';
      const { cookie, csrfToken } = await session(a!.port);
      const form = new FormData();
      form.append('bankId', 'bank-icbc');
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'loans.csv');
      const started = await fetch(`http://127.0.0.1:${a!.port}/api/imports`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken },
        body: form,
      });
      expect(started.status, await started.clone().text()).toBe(201);
      const { id } = (await started.json()) as { id: string };
      // Killed mid-file: once its file is kept and some chunks are committed, well before the end.
      const state = async () =>
        (await sql`select status, last_line, file_parts, holder from import_jobs where id = ${id}`)[0]!;
      let before = await state();
      for (let i = 0; i < 2400 && !(before.file_parts !== null && before.last_line > 1); i++) {
        await new Promise((r) => setTimeout(r, 50));
        before = await state();
      }
      a!.child.kill('SIGKILL');
      await a!.exited;
      const left = await state();
      expect(
        left,
        `A was not mid-import when killed (use more rows): ${JSON.stringify(left)}\n${a!.output()}`,
      ).toMatchObject({ status: 'running' });
      expect(left.last_line).toBeGreaterThan(1);
      expect(left.last_line).toBeLessThan(ROWS + 1);
      expect(left.file_parts).toBeGreaterThan(0);
      console.log(`cluster test: A killed after line ${left.last_line} of ${ROWS + 1}`);
      // B claims it once A's heartbeat is a minute old, and resumes it after its last committed line.
      const asManager = await signIn(b!.port);
      const done = await until(async () => {
        const res = await asManager(`/api/imports/${id}`);
        return ((await res.json()) as { status: string }).status === 'done';
      }, 300);
      expect(done, `${JSON.stringify(await state())}\n${b!.output()}`).toBe(true);
      const job = (await (await asManager(`/api/imports/${id}`)).json()) as Record<string, unknown>;
      expect(job).toMatchObject({ status: 'done', lastLine: ROWS + 1, filed: ROWS, duplicates: 0, rejected: 0 });
      const [row] = await sql`select holder, attempts, file_parts from import_jobs where id = ${id}`;
      expect(row).toMatchObject({ attempts: 2, file_parts: null });
      expect(row!.holder).not.toBe(left.holder);
      expect(b!.output()).toMatch(/import taken over from a process that stopped/);
      // Every row filed exactly once.
      const [filed] = await sql`
        select count(*)::int as n, count(distinct bank_ref)::int as refs from filings
        where bank_id = 'bank-icbc' and bank_ref like 'K-%'`;
      expect(filed).toEqual({ n: ROWS, refs: ROWS });
      b!.child.kill('SIGTERM');
      expect(await b!.exited, b!.output()).toBe(0);
      const verify = runCli(['ledger', 'verify'], { env: { DATABASE_URL: url } });
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    }, 480_000);

    it('judges by a holiday year entered through one process on the other at once (LISTEN/NOTIFY)', async () => {
      const { url } = await databaseWithManager();
      const env = { ...NO_DEMO, DATABASE_URL: url };
      const [a, b] = [await startServer(dataDir(), env), await startServer(dataDir(), env)];
      const asManager = await signIn(a!.port);
      const { years } = (await (await asManager('/api/calendar')).json()) as { years: { year: number }[] };
      const next = years.at(-1)!.year + 1;
      const evaluate = () =>
        asManager('/api/evaluate', {
          port: b!.port,
          body: {
            programme: 'etown-2023-small-micro',
            enterprise: {
              registeredInZone: true,
              size: 'small',
              sciTech: false,
              industry: 'software',
              qualifications: [],
            },
            loan: {
              kind: 'credit',
              principal: '1000000',
              disbursedOn: `${next}-03-01`,
              filedOn: `${next}-03-05`,
              mode: 'direct',
            },
          },
          method: 'POST',
        });
      const before = await evaluate();
      expect(before.status, await before.clone().text()).toBe(400);
      expect(await before.text()).toContain(String(next));
      const entered = await asManager(`/api/calendar/${next}`, {
        method: 'PUT',
        body: {
          notice: 'test notice',
          holidays: [{ name: '元旦', from: `${next}-01-01`, to: `${next}-01-01` }],
          makeUpWorkdays: [],
        },
      });
      expect(entered.status, await entered.clone().text()).toBe(201);
      // The other process hears of it by NOTIFY; its own check of the calendar runs only once a minute.
      expect(await until(async () => (await evaluate()).status === 200, 10)).toBe(true);
      for (const s of [a!, b!]) s.child.kill('SIGTERM');
      for (const s of [a!, b!]) expect(await s.exited, s.output()).toBe(0);
    }, 240_000);
  },
);

describe('backstop serve --workers', () => {
  it('refuses several processes on the embedded database, naming the option', () => {
    const r = runCli(['serve', '--workers', '2'], { env: { DATABASE_URL: '', BACKSTOP_DATA: dataDir() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers 2: several processes need PostgreSQL \(set DATABASE_URL\)/);
    const bad = runCli(['serve', '--workers', 'many'], { env: { DATABASE_URL: '', BACKSTOP_DATA: dataDir() } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workers \(BACKSTOP_WORKERS\): must be a whole number/);
  }, 120_000);

  it.skipIf(!onPostgres)(
    'runs N processes behind one port, replaces one that dies and stops them all on SIGTERM (PostgreSQL only)',
    async () => {
      const { url } = await databaseWithManager();
      const primary = await startServer(dataDir(), { ...NO_DEMO, DATABASE_URL: url, LOG_LEVEL: 'info' }, [
        '--workers',
        '2',
      ]);
      const workers = () =>
        execFileSync('pgrep', ['-P', String(primary.child.pid)], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean);
      expect(primary.output()).toMatch(/2 app processes \(node:cluster\)/);
      expect(
        await until(
          async () => workers().length === 2 && (primary.output().match(/listening/g) ?? []).length === 2,
          120,
        ),
      ).toBe(true);
      const health = await fetch(`http://127.0.0.1:${primary.port}/api/health`);
      expect(health.status).toBe(200);
      const [first] = workers();
      process.kill(Number(first), 'SIGKILL');
      await outputMatches(primary, /an app process stopped; a new one is started/, 30);
      expect(await until(async () => workers().length === 2 && !workers().includes(first!), 60)).toBe(true);
      expect(await until(async () => (primary.output().match(/listening/g) ?? []).length === 3, 120)).toBe(true);
      expect((await fetch(`http://127.0.0.1:${primary.port}/api/health`)).status).toBe(200);
      primary.child.kill('SIGTERM');
      expect(await primary.exited, primary.output()).toBe(0);
    },
    300_000,
  );
});
