/**
 * npm run bench -- web [--loans N] [--requests N] [--no-reports] [--no-vacuum] [--keep]
 *
 * 1. JavaScript sent for the first page (sign-in): the entry script and its modulepreloads from
 *    web/dist/index.html, gzipped as the server sends them (level 9). Goal ≤ 300 kB; ECharts is a
 *    lazy chunk, reported separately with what the dashboard adds.
 * 2. GET /api/filings — a page of 50 rows, sorted and filtered — over 1,000,000 loans on
 *    PostgreSQL (DATABASE_URL, default 127.0.0.1:5432): a fresh database, the migrations, the
 *    loans made with generate_series, then the real app (in process, signed in as a manager)
 *    answering a mix of sorts and filters, first pages and next pages, each with its total (counted
 *    up to 10,000); then the search box (`q`: a contract number's beginning, parts of Chinese names
 *    common and rare, a credit code whole and its beginning), timed apart. Goal p99 < 100 ms.
 * Every sort has its (column, id) index in the migrations (drizzle/0005), and a bank's
 * (bank_id, column, id) one; the total is counted from filings_list_count_ix (drizzle/0035). The
 * generated book is vacuumed as autovacuum would (this machine's PostgreSQL has it off); --no-vacuum
 * leaves it as loaded, with no visibility map, so every total reads the heap.
 * 3. The reports (GET /api/reports/…: position, banks, breakdown by bank/programme/kind/month,
 *    monthly, risk-sharing, and the monthly report as XLSX) over the same book, which also gets
 *    what the reports aggregate: two programmes, risk-sharing parties, a 'filed' event per loan,
 *    claims (paid for the compensated loans, open or rejected for a third of the non-performing
 *    ones) with their events, recoveries for a third of the paid claims, and the ledger as the app
 *    keeps it (the fund's accounts, a payable account per bank, an exposure account per loan, the
 *    reserve/release/claim/recovery transfers). Each report is timed --report-runs times (default
 *    3) on two connections of the app, one with jit = on (PostgreSQL's default) and one with
 *    jit = off, alternated (on/off, then off/on) so that load on the machine falls on both alike;
 *    the medians are printed with the load average. --keep leaves the database for EXPLAIN (drop
 *    it afterwards).
 * Prints figures and, last, one line of JSON.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql as dsql } from 'drizzle-orm';
import { pino } from 'pino';
import postgres from 'postgres';
import { openDatabase } from '../src/adapters/db/database';
import { createServices } from '../src/adapters/http/services';
import { createUser } from '../src/modules/auth/auth.usecases';
import { rowsOf } from '../src/modules/shared/rows';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const LOANS = arg('loans', 1_000_000);
const REQUESTS = arg('requests', 400);
const REPORT_RUNS = arg('report-runs', 3);
/** --reuse NAME: time the requests on a book an earlier run kept (--keep), without seeding it again. */
const REUSE = process.argv.includes('--reuse') ? process.argv[process.argv.indexOf('--reuse') + 1] : undefined;
if (REUSE !== undefined && !/^backstop_bench_web_[0-9a-f]{8}$/.test(REUSE))
  throw new Error('--reuse: the name of a database an earlier run kept (backstop_bench_web_…)');
const KEEP = process.argv.includes('--keep') || REUSE !== undefined;
/** --no-reports: the first page's JS and the filings API only (the reports take minutes over a million loans). */
const NO_REPORTS = process.argv.includes('--no-reports');
/** --no-vacuum: leave the generated book unvacuumed (no visibility map: every count reads the heap). */
const VACUUM = !process.argv.includes('--no-vacuum');
const root = resolve(import.meta.dirname, '..');

function firstPageJs() {
  const build = spawnSync(process.execPath, [join(root, 'web', 'build.js')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('web build failed');
  const dist = join(root, 'web', 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  const gz = (f: string) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
  const raw = (f: string) => readFileSync(join(dist, f)).length;
  const firstGz = scripts.reduce((s, f) => s + gz(f), 0);
  const firstRaw = scripts.reduce((s, f) => s + raw(f), 0);
  const assets = readdirSync(join(dist, 'assets'));
  const echarts = assets.filter((f) => /^EChart-.*\.js$/.test(f)).reduce((s, f) => s + gz(`assets/${f}`), 0);
  const dashboard = assets.filter((f) => /^DashboardPage-.*\.js$/.test(f)).reduce((s, f) => s + gz(`assets/${f}`), 0);
  const allJs = assets.filter((f) => f.endsWith('.js')).reduce((s, f) => s + gz(`assets/${f}`), 0);
  return {
    files: scripts.length,
    firstPageJsGzipKB: +(firstGz / 1024).toFixed(1),
    firstPageJsRawKB: +(firstRaw / 1024).toFixed(1),
    echartsLazyGzipKB: +(echarts / 1024).toFixed(1),
    dashboardChunkGzipKB: +(dashboard / 1024).toFixed(1),
    allJsGzipKB: +(allJs / 1024).toFixed(1),
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function filingsApi() {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = REUSE ?? `backstop_bench_web_${randomBytes(4).toString('hex')}`;
  if (!REUSE) {
    const a = postgres(admin, { max: 1, onnotice: () => {} });
    await a.unsafe(`create database ${name}`);
    await a.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const services = await createServices({ database, logger: pino({ level: 'silent' }) });
    let seedSeconds = 0;
    if (!REUSE) {
      const t0 = performance.now();
      const [pv] =
        await sql`select id, programme_id from policy_versions where programme_id = 'etown-2025-sci-tech' order by revision desc limit 1`;
      const [pv2] =
        await sql`select id, programme_id from policy_versions where programme_id = 'etown-2023-small-micro' order by revision desc limit 1`;
      await sql.unsafe(`
        insert into institutions (id, kind, name) select 'bank-' || g, 'bank', '银行' || g from generate_series(1, 20) g;
        insert into funds (id, name, liability_multiple_bp) values ('bench', 'bench fund', 100000);
        insert into fund_programmes (fund_id, programme_id) values ('bench', 'etown-2025-sci-tech'), ('bench', 'etown-2023-small-micro');
        insert into enterprises (id, credit_code, name, size, industry, sci_tech, registered_in_zone)
          select 'ent-' || g, '91110302' || lpad(g::text, 10, '0'),
            case when g = 777 then '北京罕见精密仪器有限公司'
                 else '北京' || (array['亦庄','星河','翔宇','明德','万通','乾元','景行','卓越','和信','远航'])[1 + g % 10]
                   || (array['星河','智造','微芯','生物','数智','光电','新材','医药','软件','装备'])[1 + (g / 10) % 10] || '科技有限公司' end,
            (array['micro','small','medium'])[1 + g % 3], 'software', true, true from generate_series(1, 20000) g;`);
      // Every loan's decision as one stored template (drizzle/0034: key = SHA-256 of its text) with no values of its own.
      const template = JSON.stringify({
        programme: pv!.programme_id,
        policyVersion: '2025-07',
        eligible: true,
        reasons: [],
        ratio: '50%',
      });
      const templateKey = createHash('sha256').update(template).digest('hex');
      await sql`insert into decision_templates (key, template) values (${templateKey}, ${template}::json)`;
      await sql.unsafe(`
        insert into filings (id, fund_id, programme_id, policy_version_id, bank_id, enterprise_id, bank_ref, kind, principal, outstanding,
                             disbursed_on, filed_on, mode, ratio_bp, rounding, parties, reserved, status, decision_key, decision_values,
                             created_by)
        select 'f-' || lpad(g::text, 8, '0'), 'bench', case when g % 5 = 4 then '${pv2!.programme_id}' else '${pv!.programme_id}' end, case when g % 5 = 4 then ${pv2!.id} else ${pv!.id} end,
               'bank-' || (1 + ((g::bigint * 2654435761) % 1000003) % 20), 'ent-' || (1 + g % 20000), 'REF-' || g,
               (array['credit','ip-pledge','receivables-pledge'])[1 + g % 3],
               p, p - (g % 7) * (p / 10), date '2022-01-01' + (g % 1400), date '2022-01-01' + (g % 1400) + (g % 10),
               case when g % 10 = 0 then 'risk-sharing' else 'direct' end, 5000, 'half-up',
               case when g % 10 = 0 then jsonb_build_array(jsonb_build_object('party', 'guarantee-side', 'shareBp', 2000 + (g % 3) * 1000), jsonb_build_object('party', 'bank', 'shareBp', 8000 - (g % 3) * 1000))
                    else '[{"party":"bank","shareBp":10000}]'::jsonb end, p / 2,
               (array['active','active','active','active','repaid','non-performing','compensated','withdrawn'])[1 + g % 8],
               '${templateKey}', '[]'::json, 'bench'
        from (select g, (100000 + (g::bigint * 7919) % 29900000) * 100 as p from generate_series(1, ${LOANS}) g) s;
        analyze filings; analyze enterprises;`);
      if (!NO_REPORTS) await sql.unsafe(reportBookSql);
      // The book as a server with autovacuum (PostgreSQL's default) keeps it: the visibility map set, so
      // the list's total is counted from an index alone. This machine's CI configuration turns
      // autovacuum off; --no-vacuum measures a freshly loaded table that nothing has vacuumed.
      if (VACUUM) for (const t of ['filings', 'enterprises']) await sql.unsafe(`vacuum (analyze) ${t}`);
      seedSeconds = (performance.now() - t0) / 1000;
    }
    console.log(
      `web bench: ${LOANS.toLocaleString('en')} loans generated on PostgreSQL in ${seedSeconds.toFixed(1)} s${VACUUM ? ', vacuumed' : ', not vacuumed (--no-vacuum)'}; load ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );

    const benchUser = `bench-manager-${randomBytes(3).toString('hex')}`;
    await createUser({
      repo: services.repos.auth,
      user: { username: benchUser, displayName: 'bench', role: 'manager', password: 'bench-password-1' },
    });
    const login = await services.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: benchUser, password: 'bench-password-1' }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

    const sorts = ['filedOn', 'principal', 'outstanding', 'bankRef', 'disbursedOn'];
    const filters = [
      '',
      'status=active',
      'bankId=bank-7',
      'kind=credit',
      'mode=risk-sharing',
      'status=non-performing&bankId=bank-3',
      'programme=etown-2025-sci-tech',
      'bankId=bank-11&kind=ip-pledge',
    ];
    const queries: string[] = [];
    for (let i = 0; queries.length < REQUESTS; i++)
      queries.push(
        `/api/filings?limit=50&sort=${sorts[i % sorts.length]}&order=${i % 2 ? 'asc' : 'desc'}${filters[i % filters.length] ? `&${filters[i % filters.length]}` : ''}`,
      );
    const get = async (path: string) => {
      const res = await services.app.request(path, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { items: unknown[]; nextCursor: string | null };
    };
    // The search box (issue 18): a contract number's beginning; two and four characters of a name
    // shared by a tenth and a hundredth of the enterprises, and of one enterprise's (ent-777, 50
    // loans: the rows are few, so a plan walking the sort's index would read it all); a credit code,
    // whole and its beginning (100 enterprises).
    const searches = ['REF-12345', '亦庄', '亦庄星河', '罕见', '罕见精密', '911103020000000777', '9111030200000007'];
    const searchQueries: string[] = [];
    for (let i = 0; searchQueries.length < Math.max(searches.length, Math.floor(REQUESTS / 4)); i++)
      searchQueries.push(
        `/api/filings?limit=50&sort=${sorts[i % sorts.length]}&order=${i % 2 ? 'asc' : 'desc'}&q=${encodeURIComponent(searches[i % searches.length]!)}${i % 3 === 2 ? '&status=active' : ''}`,
      );
    for (const q of queries.slice(0, 20)) await get(q); // warm the pool and the plan cache
    const loadBefore = loadavg().map((x) => +x.toFixed(2));
    const times: number[] = [];
    const slow: { ms: number; q: string }[] = [];
    for (const q of queries) {
      let t = performance.now();
      const page = await get(q);
      let ms = performance.now() - t;
      times.push(ms);
      slow.push({ ms, q });
      if (page.items.length !== 50) throw new Error(`${q}: ${page.items.length} rows`);
      if (page.nextCursor) {
        // the next page too, as a user paging on
        t = performance.now();
        await get(`${q}&cursor=${page.nextCursor}`);
        ms = performance.now() - t;
        times.push(ms);
        slow.push({ ms, q: `${q}&cursor=…` });
      }
    }
    const searchTimes: number[] = [];
    for (const q of searchQueries.slice(0, searches.length)) await get(q); // warm
    for (const q of searchQueries) {
      const t = performance.now();
      const page = await get(q);
      const ms = performance.now() - t;
      searchTimes.push(ms);
      slow.push({ ms, q: decodeURIComponent(q) });
      if (page.items.length === 0) throw new Error(`${q}: no rows`);
    }
    slow.sort((x, y) => y.ms - x.ms);
    const search = {
      requests: searchTimes.length,
      p50Ms: +pct(searchTimes, 50).toFixed(1),
      p95Ms: +pct(searchTimes, 95).toFixed(1),
      p99Ms: +pct(searchTimes, 99).toFixed(1),
      maxMs: +Math.max(...searchTimes).toFixed(1),
    };
    console.log(
      `web bench: GET /api/filings?q=… (search, 50 rows and the total) ×${search.requests}: p50 ${search.p50Ms} ms, p95 ${search.p95Ms} ms, p99 ${search.p99Ms} ms, max ${search.maxMs} ms`,
    );
    const r = {
      requests: times.length,
      p50Ms: +pct(times, 50).toFixed(1),
      p95Ms: +pct(times, 95).toFixed(1),
      p99Ms: +pct(times, 99).toFixed(1),
      maxMs: +Math.max(...times).toFixed(1),
      seedSeconds: +seedSeconds.toFixed(1),
      vacuumed: VACUUM,
      loadBefore,
      loadAfter: loadavg().map((x) => +x.toFixed(2)),
    };
    console.log(
      `web bench: GET /api/filings (50 rows and the total, sorted and filtered) ×${r.requests}: p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms`,
    );
    console.log(
      `web bench: load average before the timed requests ${loadBefore.join(' ')}, after ${r.loadAfter.join(' ')}`,
    );
    const listSlow = slow.filter((s) => !s.q.includes('&q='));
    console.log(
      'slowest (list):',
      listSlow
        .slice(0, 10)
        .map((s) => `${s.ms.toFixed(0)} ms ${s.q}`)
        .join('\n         '),
    );
    console.log(
      'slowest (search):',
      slow
        .filter((s) => s.q.includes('&q='))
        .slice(0, 5)
        .map((s) => `${s.ms.toFixed(0)} ms ${s.q}`)
        .join('\n         '),
    );
    return { ...r, search, reports: NO_REPORTS ? {} : await reportsApi(url.toString(), cookie) };
  } finally {
    await sql.end();
    await database.close();
    if (KEEP) console.log(`web bench: database ${name} kept (--keep); drop it when done`);
    else {
      const d = postgres(admin, { max: 1, onnotice: () => {} });
      await d.unsafe(`drop database if exists ${name} with (force)`);
      await d.end();
    }
  }
}

/**
 * What the reports aggregate, made from the filings already generated: claims (paid for the
 * compensated loans; submitted, under review, approved or rejected for a third of the
 * non-performing ones), their 'claim-paid' events and a 'filed' event per loan, recoveries for a
 * third of the paid claims, and the ledger's accounts and transfers as the app writes them
 * (src/core/ledger/fund-operations.ts): capital 1/20 of the filed principal, the limit 10× it.
 */
const reportBookSql = `
  insert into claims (id, filing_id, fund_id, bank_id, state, outstanding, compensation, parties, reasons, submitted_by, submitted_on, due_by,
                      decided_by, decided_at, paid_at, paid_by)
  select 'c-' || substr(f.id, 3), f.id, f.fund_id, f.bank_id, s.state, f.outstanding, s.comp,
         case when f.mode = 'risk-sharing'
              then jsonb_build_array(jsonb_build_object('party', 'fund', 'shareBp', f.ratio_bp, 'amount', round(s.comp / 100.0, 2)::text),
                                     jsonb_build_object('party', 'guarantee-side', 'shareBp', (f.parties->0->>'shareBp')::int, 'amount', round(f.outstanding * (f.parties->0->>'shareBp')::int / 1000000.0, 2)::text))
              else jsonb_build_array(jsonb_build_object('party', 'fund', 'shareBp', f.ratio_bp, 'amount', round(s.comp / 100.0, 2)::text)) end,
         '[]'::jsonb, 'bench', f.filed_on + 400, f.filed_on + 430,
         case when s.state in ('approved', 'paid', 'rejected') then 'bench' end, case when s.state in ('approved', 'paid', 'rejected') then (f.filed_on + 410)::timestamptz end,
         case when s.state = 'paid' then (f.filed_on + 420)::timestamptz end, case when s.state = 'paid' then 'bench' end
  from filings f
  cross join lateral (select case when f.status = 'compensated' then 'paid'
                                  else (array['submitted', 'under-review', 'approved', 'rejected'])[1 + (hashtext(f.id) & 3)] end as state,
                             f.outstanding * f.ratio_bp / 10000 as comp) s
  where f.status = 'compensated' or (f.status = 'non-performing' and abs(hashtext(f.id)) % 3 = 0);
  insert into recoveries (id, claim_id, filing_id, fund_id, bank_id, recovered, refund, recovered_on, reported_by)
  select 'r-' || substr(c.id, 3), c.id, c.filing_id, c.fund_id, c.bank_id, c.outstanding / 5, c.outstanding / 5 * 5000 / 10000, c.paid_at::date + 200, 'bench'
  from claims c where c.state = 'paid' and abs(hashtext(c.id)) % 3 = 0;
  insert into filing_events (filing_id, kind, "on", data, actor)
  select id, 'filed', filed_on, jsonb_build_object('principal', round(principal / 100.0, 2)::text, 'reserved', round(reserved / 100.0, 2)::text, 'ratio', '0.5'), 'bench' from filings;
  insert into filing_events (filing_id, kind, "on", data, actor)
  select filing_id, 'claim-paid', paid_at::date, jsonb_build_object('claimId', id, 'amount', round(compensation / 100.0, 2)::text), 'bench' from claims where state = 'paid';
  insert into filing_events (filing_id, kind, "on", data, actor)
  select filing_id, 'recovery', recovered_on, jsonb_build_object('recoveryId', id, 'recovered', round(recovered / 100.0, 2)::text, 'refund', round(refund / 100.0, 2)::text), 'bench' from recoveries;

  insert into ledger_accounts (id, ledger, code, flags, fund_id, entity_kind, entity_id, debits_posted, credits_posted)
  select 'bench:exposure:' || id, 'liability', 'exposure', 1, 'bench', 'filing', id,
         case when status in ('repaid', 'compensated', 'withdrawn') then reserved else 0 end, reserved
  from filings;
  insert into ledger_accounts (id, ledger, code, flags, fund_id, entity_kind, entity_id, debits_posted, credits_posted)
  select 'bench:payable:' || i.id, 'cny', 'payable', 2, 'bench', 'institution', i.id, coalesce(c.paid, 0), coalesce(c.paid, 0)
  from institutions i left join (select bank_id, sum(compensation) as paid from claims where state = 'paid' group by 1) c on c.bank_id = i.id where i.kind = 'bank';
  with t as (select (select sum(principal) / 20 from filings where status <> 'withdrawn')::bigint as capital,
                    (select coalesce(sum(compensation), 0) from claims where state = 'paid')::bigint as paid,
                    (select coalesce(sum(refund), 0) from recoveries)::bigint as refunds,
                    (select sum(credits_posted - debits_posted) from ledger_accounts where code = 'exposure')::bigint as live)
  insert into ledger_accounts (id, ledger, code, flags, fund_id, entity_kind, entity_id, debits_posted, credits_posted)
  select a.id, a.ledger, a.code, 0, 'bench', 'fund', 'bench', a.dp, a.cp from t cross join lateral (values
    ('bench:limit', 'liability', 'limit', t.capital * 10, 0::bigint),
    ('bench:capacity', 'liability', 'capacity', t.live, t.capital * 10),
    ('bench:enterprise-cap-source', 'liability', 'enterprise-cap-source', 0, 0),
    ('bench:capital', 'cny', 'capital', 0, t.capital),
    ('bench:cash', 'cny', 'cash', t.capital + t.refunds, t.paid),
    ('bench:expense', 'cny', 'expense', t.paid, 0),
    ('bench:recovery-income', 'cny', 'recovery-income', 0, t.refunds)) a(id, ledger, code, dp, cp);

  insert into ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, ledger, code, entity_kind, entity_id)
  select id || ':reserve', 'single', 'bench:capacity', 'bench:exposure:' || id, reserved, 'liability', 'reserve', 'filing', id from filings;
  insert into ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, ledger, code, entity_kind, entity_id)
  select id || ':release', 'single', 'bench:exposure:' || id, 'bench:capacity', reserved, 'liability',
         case status when 'repaid' then 'repayment' when 'withdrawn' then 'withdraw' else 'claim-release' end, 'filing', id
  from filings where status in ('repaid', 'compensated', 'withdrawn');
  insert into ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, ledger, code, entity_kind, entity_id)
  select id || ':payable', 'single', 'bench:expense', 'bench:payable:' || bank_id, compensation, 'cny', 'claim-approved', 'claim', id from claims where state = 'paid'
  union all
  select id || ':pay', 'single', 'bench:payable:' || bank_id, 'bench:cash', compensation, 'cny', 'claim-paid', 'claim', id from claims where state = 'paid'
  union all
  select id || ':refund', 'single', 'bench:cash', 'bench:recovery-income', refund, 'cny', 'recovery-refund', 'recovery', id from recoveries;
  analyze;`;

/** The reports, each timed on a connection with jit = on (the server's default) and one with jit = off, alternated. */
async function reportsApi(url: string, cookie: string) {
  const endpoints = [
    '/api/reports/position',
    '/api/reports/banks',
    '/api/reports/breakdown?by=bank',
    '/api/reports/breakdown?by=programme',
    '/api/reports/breakdown?by=kind',
    '/api/reports/breakdown?by=month',
    '/api/reports/monthly',
    '/api/reports/risk-sharing',
    '/api/reports/monthly?format=xlsx',
  ];
  const withJit = (jit: 'on' | 'off') => {
    const u = new URL(url);
    u.searchParams.set('jit', jit); // postgres.js sends unknown URL parameters as startup parameters
    return u.toString();
  };
  const sides = { on: await openDatabase({ url: withJit('on') }), off: await openDatabase({ url: withJit('off') }) };
  try {
    const apps = {
      on: (await createServices({ database: sides.on, logger: pino({ level: 'silent' }) })).app,
      off: (await createServices({ database: sides.off, logger: pino({ level: 'silent' }) })).app,
    };
    for (const side of ['on', 'off'] as const) {
      const [r] = rowsOf(await sides[side].db.execute(dsql`select current_setting('jit') as jit`));
      if (r!.jit !== side) throw new Error(`the jit=${side} connection has jit = ${String(r!.jit)}`);
    }
    const time = async (side: 'on' | 'off', path: string) => {
      const t = performance.now();
      const res = await apps[side].request(path, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      return performance.now() - t;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const out: Record<string, { jitOnMs: number; jitOffMs: number; onMs: number[]; offMs: number[]; load1: number }> =
      {};
    console.log(
      `web bench: reports, ${REPORT_RUNS} runs each, jit on (server default) and off alternated; load = 1-minute load average`,
    );
    for (const path of endpoints) {
      await time('on', path); // warm the caches and the connections for this report
      await time('off', path);
      const on: number[] = [];
      const off: number[] = [];
      const loads: number[] = [];
      for (let i = 0; i < REPORT_RUNS; i++) {
        for (const side of i % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const))
          (side === 'on' ? on : off).push(await time(side, path));
        loads.push(loadavg()[0]!);
      }
      const r = {
        jitOnMs: +median(on).toFixed(0),
        jitOffMs: +median(off).toFixed(0),
        onMs: on.map((x) => +x.toFixed(0)),
        offMs: off.map((x) => +x.toFixed(0)),
        load1: +(loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(1),
      };
      out[path] = r;
      console.log(
        `  ${path.padEnd(38)} jit on ${String(r.jitOnMs).padStart(6)} ms [${r.onMs.join(', ')}]   jit off ${String(r.jitOffMs).padStart(6)} ms [${r.offMs.join(', ')}]   load ${r.load1}`,
      );
    }
    return out;
  } finally {
    await sides.on.close();
    await sides.off.close();
  }
}

const js = firstPageJs();
console.log(
  `web bench: first page JS ${js.firstPageJsGzipKB} kB gzipped (${js.firstPageJsRawKB} kB raw, ${js.files} files; goal ≤ 300 kB); ECharts lazy chunk ${js.echartsLazyGzipKB} kB, dashboard chunk ${js.dashboardChunkGzipKB} kB; all JS ${js.allJsGzipKB} kB`,
);
const { reports, ...api } = await filingsApi();
console.log(
  JSON.stringify({
    bench: 'web',
    loans: LOANS,
    ...js,
    filingsApi: api,
    reports: Object.fromEntries(
      Object.entries(reports).map(([k, v]) => [k, { jitOnMs: v.jitOnMs, jitOffMs: v.jitOffMs, load1: v.load1 }]),
    ),
    goals: { firstPageJsGzipKB: 300, p99Ms: 100 },
    met: { firstPageJs: js.firstPageJsGzipKB <= 300, filingsP99: api.p99Ms < 100, searchP99: api.search.p99Ms < 100 },
  }),
);
