/**
 * npm run bench -- web [--loans N] [--requests N]
 *
 * 1. JavaScript sent for the first page (sign-in): the entry script and its modulepreloads from
 *    web/dist/index.html, gzipped as the server sends them (level 9). Goal ≤ 300 kB; ECharts is a
 *    lazy chunk, reported separately with what the dashboard adds.
 * 2. GET /api/filings — a page of 50 rows, sorted and filtered — over 1,000,000 loans on
 *    PostgreSQL (DATABASE_URL, default 127.0.0.1:5432): a fresh database, the migrations, the
 *    loans made with generate_series, then the real app (in process, signed in as a manager)
 *    answering a mix of sorts and filters, first pages and next pages. Goal p99 < 100 ms.
 * Every sort has its (column, id) index in the migrations (drizzle/0005). Prints figures and, last,
 * one line of JSON.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import postgres from 'postgres';
import { openDatabase } from '../src/adapters/db/database';
import { createServices } from '../src/adapters/http/services';
import { createUser } from '../src/modules/auth/auth.usecases';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const LOANS = arg('loans', 1_000_000);
const REQUESTS = arg('requests', 400);
const root = resolve(import.meta.dirname, '..');

function firstPageJs() {
  const build = spawnSync(process.execPath, [join(root, 'web', 'build.js')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('web build failed');
  const dist = join(root, 'web', 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => m[1]!);
  const gz = (f: string) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  const raw = (f: string) => readFileSync(join(dist, f)).length;
  const firstGz = scripts.reduce((s, f) => s + gz(f), 0);
  const firstRaw = scripts.reduce((s, f) => s + raw(f), 0);
  const assets = readdirSync(join(dist, 'assets'));
  const echarts = assets.filter((f) => /^EChart-.*\.js$/.test(f)).reduce((s, f) => s + gz(`assets/${f}`), 0);
  const dashboard = assets.filter((f) => /^DashboardPage-.*\.js$/.test(f)).reduce((s, f) => s + gz(`assets/${f}`), 0);
  const allJs = assets.filter((f) => f.endsWith('.js')).reduce((s, f) => s + gz(`assets/${f}`), 0);
  return { files: scripts.length, firstPageJsGzipKB: +(firstGz / 1024).toFixed(1), firstPageJsRawKB: +(firstRaw / 1024).toFixed(1), echartsLazyGzipKB: +(echarts / 1024).toFixed(1), dashboardChunkGzipKB: +(dashboard / 1024).toFixed(1), allJsGzipKB: +(allJs / 1024).toFixed(1) };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function filingsApi() {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `backstop_bench_web_${randomBytes(4).toString('hex')}`;
  const a = postgres(admin, { max: 1, onnotice: () => {} });
  await a.unsafe(`create database ${name}`);
  await a.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const services = await createServices({ database, logger: pino({ level: 'silent' }) });
    const t0 = performance.now();
    const [pv] = await sql`select id, programme_id from policy_versions where programme_id = 'etown-2025-sci-tech' order by revision desc limit 1`;
    await sql.unsafe(`
      insert into institutions (id, kind, name) select 'bank-' || g, 'bank', '银行' || g from generate_series(1, 20) g;
      insert into funds (id, name, liability_multiple_bp) values ('bench', 'bench fund', 100000);
      insert into fund_programmes (fund_id, programme_id) values ('bench', 'etown-2025-sci-tech');
      insert into enterprises (id, credit_code, name, size, industry, sci_tech, registered_in_zone)
        select 'ent-' || g, '91110302' || lpad(g::text, 10, '0'), '企业' || g, (array['micro','small','medium'])[1 + g % 3], 'software', true, true from generate_series(1, 20000) g;`);
    await sql.unsafe(`
      insert into filings (id, fund_id, programme_id, policy_version_id, bank_id, enterprise_id, bank_ref, request_hash, kind, principal, outstanding,
                           disbursed_on, filed_on, mode, ratio_bp, rounding, parties, reserved, status, decision, created_by)
      select 'f-' || lpad(g::text, 8, '0'), 'bench', '${pv!.programme_id}', ${pv!.id}, 'bank-' || (1 + ((g::bigint * 2654435761) % 1000003) % 20), 'ent-' || (1 + g % 20000), 'REF-' || g, 'x',
             (array['credit','ip-pledge','receivables-pledge'])[1 + g % 3],
             p, p - (g % 7) * (p / 10), date '2022-01-01' + (g % 1400), date '2022-01-01' + (g % 1400) + (g % 10),
             case when g % 10 = 0 then 'risk-sharing' else 'direct' end, 5000, 'half-up', '[]'::jsonb, p / 2,
             (array['active','active','active','active','repaid','non-performing','compensated','withdrawn'])[1 + g % 8],
             '{"policyVersion":"2025-07","reasons":[]}'::jsonb, 'bench'
      from (select g, (100000 + (g::bigint * 7919) % 29900000) * 100 as p from generate_series(1, ${LOANS}) g) s;
      analyze filings; analyze enterprises;`);
    const seedSeconds = (performance.now() - t0) / 1000;
    console.log(`web bench: ${LOANS.toLocaleString('en')} loans generated on PostgreSQL in ${seedSeconds.toFixed(1)} s`);

    await createUser({ repo: services.repos.auth, user: { username: 'bench-manager', displayName: 'bench', role: 'manager', password: 'bench-password-1' } });
    const login = await services.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-manager', password: 'bench-password-1' }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

    const sorts = ['filedOn', 'principal', 'outstanding', 'bankRef', 'disbursedOn'];
    const filters = ['', 'status=active', 'bankId=bank-7', 'kind=credit', 'mode=risk-sharing', 'status=non-performing&bankId=bank-3', 'programme=etown-2025-sci-tech', 'bankId=bank-11&kind=ip-pledge'];
    const queries: string[] = [];
    for (let i = 0; queries.length < REQUESTS; i++) queries.push(`/api/filings?limit=50&sort=${sorts[i % sorts.length]}&order=${i % 2 ? 'asc' : 'desc'}${filters[i % filters.length] ? `&${filters[i % filters.length]}` : ''}`);
    const get = async (path: string) => {
      const res = await services.app.request(path, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { items: unknown[]; nextCursor: string | null };
    };
    for (const q of queries.slice(0, 20)) await get(q); // warm the pool and the plan cache
    const times: number[] = [];
    const slow: { ms: number; q: string }[] = [];
    for (const q of queries) {
      let t = performance.now();
      const page = await get(q);
      let ms = performance.now() - t;
      times.push(ms);
      slow.push({ ms, q });
      if (page.items.length !== 50) throw new Error(`${q}: ${page.items.length} rows`);
      if (page.nextCursor) { // the next page too, as a user paging on
        t = performance.now();
        await get(`${q}&cursor=${page.nextCursor}`);
        ms = performance.now() - t;
        times.push(ms);
        slow.push({ ms, q: `${q}&cursor=…` });
      }
    }
    slow.sort((x, y) => y.ms - x.ms);
    const r = { requests: times.length, p50Ms: +pct(times, 50).toFixed(1), p95Ms: +pct(times, 95).toFixed(1), p99Ms: +pct(times, 99).toFixed(1), maxMs: +Math.max(...times).toFixed(1), seedSeconds: +seedSeconds.toFixed(1) };
    console.log(`web bench: GET /api/filings (50 rows, sorted and filtered) ×${r.requests}: p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms`);
    console.log('slowest:', slow.slice(0, 5).map((s) => `${s.ms.toFixed(0)} ms ${s.q}`).join('\n         '));
    return r;
  } finally {
    await sql.end();
    await database.close();
    const d = postgres(admin, { max: 1, onnotice: () => {} });
    await d.unsafe(`drop database if exists ${name} with (force)`);
    await d.end();
  }
}

const js = firstPageJs();
console.log(`web bench: first page JS ${js.firstPageJsGzipKB} kB gzipped (${js.firstPageJsRawKB} kB raw, ${js.files} files; goal ≤ 300 kB); ECharts lazy chunk ${js.echartsLazyGzipKB} kB, dashboard chunk ${js.dashboardChunkGzipKB} kB; all JS ${js.allJsGzipKB} kB`);
const api = await filingsApi();
console.log(JSON.stringify({ bench: 'web', loans: LOANS, ...js, filingsApi: api, goals: { firstPageJsGzipKB: 300, p99Ms: 100 }, met: { firstPageJs: js.firstPageJsGzipKB <= 300, filingsP99: api.p99Ms < 100 } }));
