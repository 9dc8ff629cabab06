/**
 * The filings list and its total under the filters the web app combines (a bank with a status or a
 * kind, a kind or a mode alone), every sort both ways: the pages walked by cursor give exactly the
 * rows the filter finds, in the sort's order, and the total counts them (drizzle/0035 added the
 * indexes these statements can use over a million loans: docs/PERFORMANCE.md, "web"). The plans
 * are checked to be able to use those indexes; how fast they are is the bench's business.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import type { Database } from '../../adapters/db/database';
import { rowsOf } from '../shared/rows';
import type { Cursor } from '../shared/paging';
import {
  afterCursor,
  createFilingsRepository,
  FILING_SORTS,
  type FilingFilter,
  type FilingSort,
} from './filings.repository';

const LOANS = 600;
let database: Database;

interface Loan {
  id: string;
  bankId: string;
  status: string;
  kind: string;
  mode: string;
  filedOn: string;
  principal: bigint;
  outstanding: bigint;
  bankRef: string;
  disbursedOn: string;
}
let loans: Loan[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  const template = JSON.stringify({
    programme: 'list-test',
    policyVersion: 'x',
    eligible: true,
    reasons: [],
  });
  const key = createHash('sha256').update(template).digest('hex');
  // Values repeat often (principal in 40 steps, dates in 30 days), so ties are broken by id across pages.
  for (const statement of `
    insert into programmes (id, title_zh, title_en) values ('list-test', '列表', 'list');
    insert into policy_versions (programme_id, version, revision, content_hash, effective_from, document, source_path)
      values ('list-test', 'x', 1, 'x', '2025-01-01', '{}'::jsonb, 'none');
    insert into institutions (id, kind, name) select 'lb-' || g, 'bank', 'bank ' || g from generate_series(1, 4) g;
    insert into funds (id, name, liability_multiple_bp) values ('lf', 'list fund', 100000);
    insert into enterprises (id, credit_code, name, size, industry, sci_tech, registered_in_zone)
      select 'le-' || g, '91110302' || lpad(g::text, 10, '0'), '企业' || g, 'small', 'software', true, true from generate_series(1, 30) g;
    insert into decision_templates (key, template) values ('${key}', '${template}'::json);
    insert into filings (id, fund_id, programme_id, policy_version_id, bank_id, enterprise_id, bank_ref, kind, principal, outstanding,
                         disbursed_on, filed_on, mode, ratio_bp, rounding, parties, reserved, status, decision_key, decision_values, created_by)
    select 'lf-' || lpad(g::text, 4, '0'), 'lf', pv.programme_id, pv.id, 'lb-' || (1 + (g * 7) % 4), 'le-' || (1 + g % 30),
           'R-' || (g * 37) % 1000, (array['credit','ip-pledge','receivables-pledge'])[1 + (g / 4) % 3],
           (1 + g % 40) * 100000, (1 + (g * 13) % 40) * 50000, date '2025-01-01' + (g % 30), date '2025-02-01' + ((g * 11) % 30),
           case when g % 7 = 0 then 'risk-sharing' else 'direct' end, 5000, 'half-up', '[{"party":"bank","shareBp":10000}]'::jsonb, 0,
           (array['active','repaid','non-performing','compensated','withdrawn'])[1 + (g * 3) % 5], '${key}', '[]'::json, 'test'
    from generate_series(1, ${LOANS}) g
    cross join (select id, programme_id from policy_versions where programme_id = 'list-test') pv;
  `
    .split(';')
    .filter((x) => x.trim()))
    await database.db.execute(sql.raw(statement));
  await database.db.execute(sql`vacuum (analyze) filings`); // the visibility map, as autovacuum keeps it
  loans = rowsOf(
    await database.db
      .execute(sql`select id, bank_id, status, kind, mode, filed_on::text as filed_on, principal::text as principal,
      outstanding::text as outstanding, bank_ref, disbursed_on::text as disbursed_on from filings`),
  ).map((r) => ({
    id: String(r.id),
    bankId: String(r.bank_id),
    status: String(r.status),
    kind: String(r.kind),
    mode: String(r.mode),
    filedOn: String(r.filed_on),
    principal: BigInt(String(r.principal)),
    outstanding: BigInt(String(r.outstanding)),
    bankRef: String(r.bank_ref),
    disbursedOn: String(r.disbursed_on),
  }));
}, 60_000);
afterAll(async () => database?.close());

const FILTERS: FilingFilter[] = [
  { bankId: 'lb-2', kind: 'ip-pledge' },
  { bankId: 'lb-3', status: 'non-performing' },
  { bankId: 'lb-1' },
  { kind: 'credit' },
  { mode: 'risk-sharing' },
  { status: 'active', kind: 'receivables-pledge', mode: 'direct' },
];
const matches = (l: Loan, f: FilingFilter) =>
  (!f.bankId || l.bankId === f.bankId) &&
  (!f.status || l.status === f.status) &&
  (!f.kind || l.kind === f.kind) &&
  (!f.mode || l.mode === f.mode);
const compare = (a: string | bigint, b: string | bigint) => (a < b ? -1 : a > b ? 1 : 0);

describe('the filings list under combined filters', () => {
  it('walks every sort both ways to exactly the filter’s rows, in order, with their total', async () => {
    const repo = createFilingsRepository({ db: database.db });
    expect(loans).toHaveLength(LOANS);
    for (const f of FILTERS) {
      const expected = loans.filter((l) => matches(l, f));
      expect(expected.length).toBeGreaterThan(10); // more than a page of 7
      expect(await repo.count(f)).toEqual({ total: expected.length, totalCapped: false });
      for (const sort of Object.keys(FILING_SORTS) as FilingSort[])
        for (const order of ['asc', 'desc'] as const) {
          const sign = order === 'asc' ? 1 : -1;
          const want = [...expected]
            .sort((a, b) => sign * (compare(a[sort], b[sort]) || compare(a.id, b.id)))
            .map((l) => l.id);
          const got: string[] = [];
          let cursor: Cursor | undefined;
          for (;;) {
            const rows = await repo.list(f, { limit: 7, order, sort, ...(cursor ? { cursor } : {}) });
            const page = rows.slice(0, 7);
            got.push(...page.map((r) => r.filing.id));
            if (rows.length <= 7) break;
            const last = page.at(-1)!.filing;
            cursor = { value: String(last[sort]), id: last.id };
          }
          expect(got, `${JSON.stringify(f)} ${sort} ${order}`).toEqual(want);
        }
    }
  });

  it('can count a bank’s loans of a kind or a status from the count index alone, and page them by the bank’s sort index', async () => {
    const plan = (statement: ReturnType<typeof sql>) =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        await tx.execute(sql`set local enable_bitmapscan = off`);
        await tx.execute(sql`set local enable_sort = off`); // a few hundred rows sort cheaply; the question is whether an index gives the order
        return JSON.stringify(rowsOf(await tx.execute(sql`explain (format json) ${statement}`)));
      });
    for (const w of [
      sql`bank_id = 'lb-2' and kind = 'ip-pledge'`,
      sql`bank_id = 'lb-3' and status = 'non-performing'`,
    ]) {
      const count = await plan(sql`select count(*) from (select 1 from filings where ${w} limit 10001) t`);
      expect(count).toContain('"Index Only Scan"');
      expect(count).toContain('filings_list_count_ix');
    }
    for (const [col, ix] of [
      ['principal', 'filings_bank_principal_ix'],
      ['outstanding', 'filings_bank_outstanding_ix'],
      ['disbursed_on', 'filings_bank_disbursed_ix'],
    ] as const) {
      const page = await plan(
        sql`select * from filings where bank_id = 'lb-3' and status = 'non-performing' order by ${sql.raw(col)} desc, id desc limit 51`,
      );
      expect(page).toContain(ix);
      expect(page).not.toContain('"Sort"');
    }
  });

  it('starts a next page’s index scan at the cursor, not at the index’s beginning', async () => {
    const plan = (statement: ReturnType<typeof sql>) =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        await tx.execute(sql`set local enable_bitmapscan = off`);
        await tx.execute(sql`set local enable_sort = off`);
        return rowsOf(await tx.execute(sql`explain (format json) ${statement}`));
      });
    const cursors: Record<FilingSort, string> = {
      filedOn: '2025-03-01',
      principal: '500000000',
      outstanding: '300000000',
      bankRef: 'LB-000300',
      disbursedOn: '2025-02-01',
    };
    for (const sort of Object.keys(FILING_SORTS) as FilingSort[])
      for (const order of ['asc', 'desc'] as const) {
        const col = FILING_SORTS[sort];
        const dir = sql.raw(order);
        const cursor = { value: cursors[sort], id: 'm' };
        const [row] = await plan(
          sql`select id from filings where ${afterCursor(sort, order, cursor)} order by ${col} ${dir}, id ${dir} limit 51`,
        );
        // The scan's index condition holds the cursor (a filter on the rows would walk past every row before it).
        const scan = JSON.stringify(row).match(/"Index Cond":"([^"]*)"/);
        expect(scan?.[1] ?? 'no index condition', `${sort} ${order}`).toContain('ROW(');
      }
  });
});
