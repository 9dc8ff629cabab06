/**
 * npm run bench -- import [PG_ROWS] [PGLITE_ROWS] [CHUNK_ROWS]: bulk filing of a generated bank file
 * (default 1,000,000 rows on PostgreSQL in a fresh database, 100,000 on PGlite in a fresh data
 * directory, as `npm start` runs it) through the same use case as the API and the CLI, and
 * PostgreSQL `COPY` of the same file into a bare table as the floor. Resident memory is sampled
 * throughout. Goals: ≥ 20,000 rows/s on PostgreSQL, within 5× of COPY, RSS < 500 MB. PostgreSQL at
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres). --keep leaves the PostgreSQL
 * database for EXPLAIN and pg_stat (its name is printed; drop it when done).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type Database } from '../src/adapters/db/database';
import { hashFile } from '../src/modules/imports/imports.file';
import { DEFAULT_CHUNK_ROWS, openImport, runImport } from '../src/modules/imports/imports.usecases';
import { rowsOf } from '../src/modules/shared/rows';
import { benchManager, benchWorld, creditCode, postgresCpu, postgresCpuSince } from './world';

const KEEP = process.argv.includes('--keep');
const args = process.argv.slice(2).filter((a) => a !== '--keep');
const pgRows = Number(args[0] ?? 1_000_000);
const pgliteRows = Number(args[1] ?? 100_000);
const chunkRows = args[2] ? Number(args[2]) : undefined;
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const today = '2025-09-03';
const manager = benchManager;
const dir = mkdtempSync(join(tmpdir(), 'backstop-bench-import-'));

let maxRss = 0;
const sample = () => {
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
};
setInterval(sample, 100).unref();

/** Enough enterprises that G5 (30,000,000 per enterprise and bank) is not what the benchmark measures. */
const enterpriseCount = (rows: number) => Math.max(100, Math.ceil(rows / 20));

async function writeBankFile(rows: number): Promise<string> {
  const path = join(dir, `filings-${rows}.csv`);
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('\uFEFF银行合同编号,统一社会信用代码,企业名称,贷款种类,金额(元),放款日期,到期日,模式,银行分担比例\r\n');
  const kinds = ['信用贷款', '知识产权质押贷款', '应收账款质押贷款', '信用贷款'];
  const codes = Array.from({ length: enterpriseCount(rows) }, (_, i) => creditCode(i + 1));
  for (let i = 0; i < rows; i++) {
    const principal = `${100_000 + ((i * 7919) % 900_000)}.${String(i % 100).padStart(2, '0')}`;
    await write(
      `BENCH-${String(i).padStart(8, '0')},${codes[i % codes.length]},企业${i % codes.length},${kinds[i % 4]},${principal},2025-09-01,2026-08-31,直接补偿,\r\n`,
    );
  }
  out.end();
  await once(out, 'finish');
  return path;
}

/**
 * Every table's bytes with its indexes and TOAST (pg_total_relation_size), summed over the public
 * schema: the import's bytes per filed loan are the difference after and before ÷ rows.
 */
async function databaseBytes(database: Database): Promise<number> {
  const [r] = rowsOf(
    await database.db.execute(
      sql`select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'm')`,
    ),
  );
  return Number(r!.bytes);
}

/** Each index's bytes (pg_relation_size) in the public schema, by name: PostgreSQL only. */
async function indexBytes(database: Database): Promise<Map<string, number>> {
  if (database.kind !== 'postgres') return new Map();
  const rows = rowsOf(
    await database.db.execute(
      sql`select t.relname || '.' || c.relname as name, pg_relation_size(c.oid)::text as bytes from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`,
    ),
  );
  return new Map(rows.map((r) => [String(r.name), Number(r.bytes)]));
}

async function fileIt(database: Database, rows: number, path: string) {
  const catalog = await benchWorld(database, enterpriseCount(rows));
  const bytesBefore = await databaseBytes(database);
  const indexBytesBefore = await indexBytes(database);
  const { hash, bytes } = await hashFile(path);
  // The setup (the generated file, the registered enterprises) leaves garbage that the first major
  // collection during the import would otherwise count as the import's memory (a one-off 490 MB
  // peak in the first 100,000 rows of a 1,000,000-row run, 240–330 MB after).
  (globalThis as { gc?: () => void }).gc?.();
  maxRss = 0;
  const cpu0 = { node: process.cpuUsage(), server: await postgresCpu(database) };
  const started = process.hrtime.bigint();
  const { job, inspection } = await openImport({
    db: database.db,
    actor: manager,
    bankId: 'bank-icbc',
    fileName: 'bench.csv',
    path,
    fileHash: hash,
    bytes,
  });
  let lastReport = 0;
  const timings: Record<string, number> = {};
  const done = await runImport({
    db: database.db,
    catalog,
    actor: manager,
    today,
    job,
    path,
    inspection,
    timings,
    ...(chunkRows ? { chunkRows } : {}),
    onProgress: (p) => {
      if (p.lastLine - lastReport >= rows / 10) {
        lastReport = p.lastLine;
        process.stderr.write(
          `  … ${p.lastLine - 1} rows, ${Math.round((p.lastLine - 1) / (Number(process.hrtime.bigint() - started) / 1e9))} rows/s\n`,
        );
      }
    },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const node = process.cpuUsage(cpu0.node);
  const bytesPerLoan = Math.round(((await databaseBytes(database)) - bytesBefore) / rows);
  console.log(
    `  bytes per filed loan (every table with its indexes and TOAST, after − before, ÷ rows): ${bytesPerLoan}`,
  );
  const indexBytesPerLoan = Object.fromEntries(
    [...(await indexBytes(database))]
      .map(([name, b]) => [name, Math.round((b - (indexBytesBefore.get(name) ?? 0)) / rows)] as const)
      .filter(([, b]) => b > 0)
      .sort((a, b) => b[1] - a[1]),
  );
  if (database.kind === 'postgres') {
    console.log('  of which indexes (table.index: bytes per filed loan):');
    for (const [k, v] of Object.entries(indexBytesPerLoan)) console.log(`    ${k.padEnd(60)} ${v}`);
  }
  const server = postgresCpuSince(cpu0.server, await postgresCpu(database));
  const cpuMsPer1000Rows = {
    node: Math.round(((node.user + node.system) / 1000 / rows) * 1000),
    ...(database.kind === 'postgres' ? { postgres: Math.round((server / rows) * 1000) } : {}),
  };
  console.log(
    `  CPU per 1,000 rows: Node ${cpuMsPer1000Rows.node} ms${database.kind === 'postgres' ? `, PostgreSQL ${cpuMsPer1000Rows.postgres} ms` : ''} (load average now ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  if (done.filed !== rows)
    throw new Error(
      `expected every row filed, got ${done.filed} filed, ${done.rejected} rejected, ${done.duplicates} duplicates`,
    );
  const chunks = Math.ceil(rows / (chunkRows ?? DEFAULT_CHUNK_ROWS));
  const perChunk = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round((v / chunks) * 10) / 10]));
  console.log(
    `  per chunk of ${chunkRows ?? DEFAULT_CHUNK_ROWS} rows (${chunks} chunks; ms, or a count; preparing overlaps the previous chunk's transaction):`,
  );
  for (const [k, v] of Object.entries(perChunk)) console.log(`    ${k.padEnd(60)} ${v}`);
  return {
    seconds,
    rowsPerSecond: Math.round(rows / seconds),
    maxRssMb: Math.round(maxRss / 2 ** 20),
    filed: done.filed,
    bytesPerLoan,
    ...(database.kind === 'postgres' ? { indexBytesPerLoan } : {}),
    cpuMsPer1000Rows,
    perChunk,
  };
}

async function copyFloor(url: string, path: string, rows: number) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(
      'create table bench_copy (bank_ref text, credit_code text, name text, kind text, principal text, disbursed_on text, matures_on text, mode text, bank_share text)',
    );
    const started = process.hrtime.bigint();
    const writable = await sql.unsafe('copy bench_copy from stdin (format csv, header true)').writable();
    await pipeline(createReadStream(path), writable);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [{ n }] = (await sql.unsafe('select count(*)::int as n from bench_copy')) as [{ n: number }];
    if (n !== rows) throw new Error(`COPY loaded ${n} rows, expected ${rows}`);
    return { seconds, rowsPerSecond: Math.round(rows / seconds) };
  } finally {
    await sql.end();
  }
}

async function onFreshPostgres<T>(fn: (database: Database, url: string) => Promise<T>, keep = false): Promise<T> {
  const name = `backstop_bench_${randomBytes(5).toString('hex')}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  try {
    return await fn(database, url.toString());
  } finally {
    await database.close();
    if (keep) console.log(`  database ${name} kept (--keep); drop it when done`);
    else await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.end();
  }
}

try {
  const result: Record<string, unknown> = { bench: 'import' };
  if (pgRows > 0) {
    const path = await writeBankFile(pgRows);
    console.log(
      `PostgreSQL: filing ${pgRows.toLocaleString('en')} rows (${(statSync(path).size / 2 ** 20).toFixed(1)} MiB CSV) in a fresh database`,
    );
    const pg = await onFreshPostgres((database) => fileIt(database, pgRows, path), KEEP);
    console.log(
      `  filed ${pg.filed.toLocaleString('en')} in ${pg.seconds.toFixed(1)} s: ${pg.rowsPerSecond.toLocaleString('en')} rows/s (goal ≥ 20,000), max RSS ${pg.maxRssMb} MB (goal < 500)`,
    );
    const copy = await onFreshPostgres((_db, url) => copyFloor(url, path, pgRows));
    const ratio = Number((pg.seconds / copy.seconds).toFixed(1));
    console.log(
      `  COPY of the same file into a bare table: ${copy.seconds.toFixed(2)} s, ${copy.rowsPerSecond.toLocaleString('en')} rows/s; filing takes ${ratio}× COPY (goal ≤ 5×)`,
    );
    Object.assign(result, { postgres: { rows: pgRows, ...pg }, copy: { rows: pgRows, ...copy }, timesCopy: ratio });
  }
  if (pgliteRows > 0) {
    const path = await writeBankFile(pgliteRows);
    console.log(`PGlite (in a data directory, as npm start runs it): filing ${pgliteRows.toLocaleString('en')} rows`);
    const database = await openDatabase({ url: '', dataDir: join(dir, 'pglite') });
    try {
      const lite = await fileIt(database, pgliteRows, path);
      console.log(
        `  filed ${lite.filed.toLocaleString('en')} in ${lite.seconds.toFixed(1)} s: ${lite.rowsPerSecond.toLocaleString('en')} rows/s, max RSS ${lite.maxRssMb} MB`,
      );
      result.pglite = { rows: pgliteRows, ...lite };
    } finally {
      await database.close();
    }
  }
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
