/**
 * drizzle/0027_search.sql on a database that already holds claims: each gets its readable number
 * (BP-<year of its business date>-<sequence>) by creation order within its year (time, then id),
 * and the claims made afterwards go on from there — through the migration's statements as the
 * drizzle migrator runs them, on PGlite and on PostgreSQL under BACKSTOP_TEST_DB=postgres.
 */
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/adapters/db/database';
import { parseYuan } from '../../src/core/money/money';
import { fileLoan } from '../../src/modules/filings/filings.usecases';
import { rowsOf } from '../../src/modules/shared/rows';
import { etownWorld, icbc } from './fixture';

let w: Awaited<ReturnType<typeof etownWorld>>;
beforeAll(async () => {
  w = await etownWorld();
});
afterAll(async () => w?.close());

const q = async (text: string) => rowsOf(await w.db.execute(sql.raw(text))) as Record<string, unknown>[];

/** 0027 again, as the migrator runs it: its statements in one transaction. */
async function migrate0027() {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const when = journal.entries.find((e) => e.tag === '0027_search')!.when;
  const migration = readMigrationFiles({ migrationsFolder: MIGRATIONS }).find((m) => m.folderMillis === when)!;
  await w.db.transaction(async (tx) => {
    for (const statement of migration.sql) await tx.execute(sql.raw(statement));
  });
}

describe('migration 0027: readable claim numbers for the claims there are', () => {
  it('numbers existing claims by creation order within each year, and new ones go on from there', async () => {
    const e = await w.enterprise(1);
    const { filing } = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today: '2025-09-03',
      input: {
        bankRef: 'M-27',
        enterpriseId: e,
        loan: { kind: 'credit', principal: parseYuan('8000000.00'), disbursedOn: '2025-09-01', mode: 'direct' },
      } as never,
    });
    // The database as the code before 0027 left it.
    for (const statement of [
      'drop trigger claims_number on claims',
      'drop function backstop_claim_number()',
      'drop index claims_number_uq',
      'drop index claims_submitted_ix',
      'drop index filings_bank_ref_prefix_ix',
      'drop index enterprises_name_trgm_ix',
      'drop index enterprises_credit_code_prefix_ix',
      'alter table claims drop column number',
      'drop table claim_number_years',
    ])
      await q(statement);
    const insert = (id: string, at: string, on: string) =>
      q(`insert into claims (id, filing_id, fund_id, bank_id, state, outstanding, compensation, parties, reasons, submitted_by, submitted_at, submitted_on, due_by)
        values ('${id}', '${filing.id}', 'etown', 'bank-icbc', 'rejected', 800000000, 400000000, '[]', '[]', 'icbc-officer', '${at}', '${on}', '${on}')`);
    // Inserted out of order: the numbers follow the time they were made (then the id), per year of the business date.
    await insert('c-late', '2025-11-02T09:00:00Z', '2025-11-02');
    await insert('c-b', '2025-10-01T08:00:00Z', '2025-10-01');
    await insert('c-a', '2025-10-01T08:00:00Z', '2025-10-01');
    await insert('c-next-year', '2026-01-05T02:00:00Z', '2026-01-05');
    await insert('c-early', '2025-03-15T01:00:00Z', '2025-03-15');

    await migrate0027();

    const numbers = Object.fromEntries(
      (await q(`select id, number from claims order by id`)).map((r) => [r.id as string, r.number as string]),
    );
    expect(numbers).toEqual({
      'c-early': 'BP-2025-000001',
      'c-a': 'BP-2025-000002',
      'c-b': 'BP-2025-000003',
      'c-late': 'BP-2025-000004',
      'c-next-year': 'BP-2026-000001',
    });
    await insert('c-new', '2025-12-01T01:00:00Z', '2025-12-01');
    await insert('c-new-2026', '2026-02-01T01:00:00Z', '2026-02-01');
    await insert('c-2027', '2027-01-04T01:00:00Z', '2027-01-04');
    const after = Object.fromEntries(
      (await q(`select id, number from claims where id like 'c-new%' or id = 'c-2027'`)).map((r) => [r.id, r.number]),
    );
    expect(after).toEqual({ 'c-new': 'BP-2025-000005', 'c-new-2026': 'BP-2026-000002', 'c-2027': 'BP-2027-000001' });
    // A number is one claim's only.
    await expect(
      q(`update claims set number = 'BP-2025-000001' where id = 'c-new'`).then(() => 'written'),
    ).rejects.toThrow();
  });
});
