/**
 * A chunk written again must never wait for the chunk after it. Chunks are pipelined (imports.usecases
 * runImport): chunk n+1 inserts its rows while chunk n reserves, and then waits for chunk n in the
 * process. Had chunk n+1 inserted anything chunk n needs again when the ledger refuses one of its rows
 * and it is written again — a new enterprise's G5 cap accounts, a decision template, a loan number the
 * file repeats — chunk n would wait for chunk n+1 in the database while chunk n+1 waits for chunk n in
 * the process: a wait PostgreSQL cannot see, and the import would hang with its heartbeat alive.
 * PostgreSQL only: PGlite runs one transaction at a time, so chunks do not overlap there.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onPostgres } from '../../src/adapters/db/testing';
import { verifyLedger } from '../../src/modules/ledger/ledger.verify';
import type { RunHooks } from '../../src/modules/imports/imports.usecases';
import { creditCode, etownWorld, icbc } from '../operations/fixture';
import { importFile, query, writeCsv } from './world';

const today = '2025-09-03';
const CHUNK = 20;
let w: Awaited<ReturnType<typeof etownWorld>>;

// Each case on a world of its own, with a liability limit of 1,500,000: 30 loans of 100,000 (50%
// covered) fit, the 31st is refused.
beforeEach(async () => {
  if (!onPostgres) return;
  w = await etownWorld({ capital: '150000.00' });
  for (let i = 1; i <= 21; i++) await w.enterprise(i);
});
afterEach(async () => w?.close());

const row = (ref: string, enterprise: number) => [
  ref,
  creditCode(enterprise),
  '',
  '信用贷款',
  '100000.00',
  '2025-09-01',
  '2026-08-31',
  '直接补偿',
  '',
];

/** Someone else's session waits for a lock in this test's database. */
async function someoneWaits(): Promise<boolean> {
  const rows = await query(
    w.db,
    `select 1 from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where not l.granted and a.datname = current_database() and a.pid <> pg_backend_pid()`,
  );
  return rows.length > 0;
}

/** Holds chunk 1's first try after its insert until chunk 2 waits for what it inserted (at most 5 s). */
const holdChunkOne: RunHooks = {
  afterInsert: async (chunk, attempt) => {
    if (chunk !== 1 || attempt !== 0) return;
    const until = Date.now() + 5_000;
    while (Date.now() < until && !(await someoneWaits())) await new Promise((r) => setTimeout(r, 20));
  },
};

/** The import, or a failure naming the sessions once it has waited 60 s (the hang this guards against). */
async function importWithin(path: string) {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void query(
        w.db,
        `select pid, state, wait_event_type, left(query, 120) as query from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()`,
      ).then((s) => reject(new Error(`the import hangs: ${JSON.stringify(s)}`)), reject);
    }, 60_000);
  });
  try {
    return await Promise.race([
      importFile({ db: w.db, catalog: w.catalog, actor: icbc, today, path, chunkRows: CHUNK, hooks: holdChunkOne }),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!onPostgres)('a chunk written again while the next one is inserting (PostgreSQL)', () => {
  it("finishes when the next chunk files a new enterprise's loan too: every row once, refused past the limit", async () => {
    // Enterprise 21 is new: its first loan opens chunk 1 (line 22), its second opens chunk 2 (line 42).
    // The 31st loan (line 32, in chunk 1) crosses the limit, so chunk 1 is written again without it.
    const rows = Array.from({ length: 60 }, (_, i) => row(`R-${i + 1}`, i === 20 || i === 40 ? 21 : (i % 20) + 1));
    const { job } = await importWithin(writeCsv(rows));
    expect(job).toMatchObject({ status: 'done', filed: 30, rejected: 30, duplicates: 0, lastLine: 61 });
    const filed = await query(w.db, `select bank_ref from filings where bank_ref like 'R-%'`);
    expect(filed.map((f) => Number(String(f.bank_ref).slice(2))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    expect((await verifyLedger({ db: w.db })).violations).toEqual([]);
  }, 120_000);

  it('finishes when the next chunk repeats one of its loan numbers: filed once, the repeat a duplicate', async () => {
    // Loan D-21 opens chunk 1 (line 22) and the file repeats it to open chunk 2 (line 42); the 31st
    // loan (line 32) crosses the limit, so chunk 1 is written again without it.
    const rows = Array.from({ length: 60 }, (_, i) => row(i === 40 ? 'D-21' : `D-${i + 1}`, (i % 20) + 1));
    const { job } = await importWithin(writeCsv(rows));
    expect(job).toMatchObject({ status: 'done', filed: 30, duplicates: 1, rejected: 29, lastLine: 61 });
    const filed = await query(w.db, `select bank_ref, count(*)::int as n from filings group by 1`);
    expect(filed).toHaveLength(30);
    expect(filed.every((f) => f.n === 1)).toBe(true);
    expect((await verifyLedger({ db: w.db })).violations).toEqual([]);
  }, 120_000);
});
