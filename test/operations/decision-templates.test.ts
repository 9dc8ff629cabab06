/**
 * drizzle/0034: a filing's decision stored once per distinct reason set (decision_templates) and on
 * the filing only its key and the loan's own values. The decision read back — through a use case,
 * the view, the audit row's digest — is byte for byte the one the code stored whole before 0034
 * (render-0032.ts, the renderer of then), for loans filed one by one and in bulk, eligible and
 * refused, direct and risk-sharing, under both programmes, with and without qualifications; and an
 * existing database's decisions move into the new form through the migration's statements as the
 * drizzle migrator runs them (on PGlite, and on PostgreSQL under BACKSTOP_TEST_DB=postgres).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/adapters/db/database';
import { parseRate, parseYuan } from '../../src/core/money/money';
import { evaluateAcrossProgrammes, policiesInForce } from '../../src/core/policy';
import { caseOf, planFiling, type FilingInput } from '../../src/modules/filings/filing.plan';
import { writeFilings } from '../../src/modules/filings/filing.store';
import { createFilingsRepository } from '../../src/modules/filings/filings.repository';
import { fileLoan, getFiling, listFilings } from '../../src/modules/filings/filings.usecases';
import { createRegistryRepository } from '../../src/modules/registry/registry.repository';
import { FilingRefused } from '../../src/modules/filings/filings.errors';
import { rowsOf } from '../../src/modules/shared/rows';
import { HEADER, importFile, writeCsv } from '../imports/world';
import { bob, creditCode, etownWorld, icbc, manager } from './fixture';
import { renderDecision as renderBefore0034 } from './render-0032';

let w: Awaited<ReturnType<typeof etownWorld>>;
beforeAll(async () => {
  w = await etownWorld({ capital: '1000000000.00' });
});
afterAll(async () => w?.close());

const today = '2025-09-03';
const q = async (text: string) => rowsOf(await w.db.execute(sql.raw(text))) as Record<string, unknown>[];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NHT = (validFrom: string, validTo: string) => [{ kind: 'national-high-tech' as const, validFrom, validTo }];

/** The decision as the code before 0034 stored it (filing.plan.ts then: `{ ...rendered, alternatives: undefined }`), as JSON. */
async function storedBefore0034(input: FilingInput): Promise<string> {
  const registry = createRegistryRepository({ db: w.db });
  const e = (await registry.findEnterprise(input.enterpriseId!))!;
  const loanCase = caseOf(e, await registry.qualificationsOf([e.id]), input.loan, today);
  const { chosen } = evaluateAcrossProgrammes(
    { ...loanCase, ...(input.programme ? { programme: input.programme } : {}) },
    policiesInForce(w.catalog.current, today, input.programme),
  );
  return JSON.stringify({ ...renderBefore0034(chosen, loanCase), alternatives: undefined });
}

const direct = (principal: string, disbursedOn = '2025-09-01') =>
  ({ kind: 'credit', principal: parseYuan(principal), disbursedOn, mode: 'direct' }) as const;
const shared = (principal: string, bankShare: string) => ({
  kind: 'credit',
  principal: parseYuan(principal),
  disbursedOn: '2025-09-01',
  mode: 'risk-sharing' as const,
  bankShare: parseRate(bankShare),
  parties: [{ party: 'guarantor', institutionId: 'guarantor-bjg', share: 10_000 - parseRate(bankShare) }],
});

/** A loan planned for a bank as the single and the bulk filing plan it (filing.plan.ts), to be written with the store. */
async function planned(bankId: string, actor: typeof icbc, input: FilingInput) {
  const registry = createRegistryRepository({ db: w.db });
  const enterprise = (await registry.findEnterprise(input.enterpriseId!))!;
  return planFiling({
    desk: {
      catalog: w.catalog,
      actor,
      today,
      bankId,
      agreements: await createFilingsRepository({ db: w.db }).agreementsFor(bankId, today),
    },
    input,
    enterprise,
    quals: await registry.qualificationsOf([enterprise.id]),
    badLoanFunds: new Set(),
    guarantors: new Set(),
  });
}

describe('a decision stored as its template and the loan’s own values', () => {
  const filed: { id: string; before: string }[] = [];

  it('two transactions storing the same new template at once both commit, and it is stored once', async () => {
    expect(await q(`select count(*)::int as n from decision_templates`)).toEqual([{ n: 0 }]);
    const e = await w.enterprise(40, { sciTech: false });
    const loan = (bankRef: string, principal: string) =>
      ({ bankRef, enterpriseId: e, programme: 'etown-2023-small-micro', loan: direct(principal) }) as FilingInput;
    const a = await planned('bank-icbc', icbc, loan('C-1', '1000000.00'));
    const b = await planned('bank-bob', bob, loan('C-2', '2000000.00'));
    expect(a.template.key).toBe(b.template.key);
    // The first holds its transaction open after its insert: on PostgreSQL the second's insert of the
    // same template waits for it, then leaves the row the first committed.
    const write = (plan: typeof a, actor: typeof icbc, hold: boolean) =>
      w.db.transaction(async (tx) => {
        const outcome = await writeFilings({ db: tx, plans: [plan], actor });
        if (hold) await tx.execute(sql`select pg_sleep(0.3)`);
        return outcome;
      });
    const outcomes = await Promise.all([write(a, icbc, true), write(b, bob, false)]);
    expect(outcomes.map((o) => o.written)).toEqual([true, true]);
    expect(await q(`select count(*)::int as n from decision_templates`)).toEqual([{ n: 1 }]);
    for (const [p, id] of [
      [a, a.row.id!],
      [b, b.row.id!],
    ] as const)
      expect(JSON.stringify((await createFilingsRepository({ db: w.db }).find(id))!.decision)).toBe(
        JSON.stringify(p.rendered),
      );
  });

  it('reads back byte for byte as the code stored it whole, filed one by one', async () => {
    const plain = await w.enterprise(1, { sciTech: false });
    const plain2 = await w.enterprise(2, { sciTech: false, size: 'micro' });
    const qualified = await w.enterprise(3, { qualifications: NHT('2024-01-01', '2026-12-31') });
    const expired = await w.enterprise(4, { qualifications: NHT('2020-01-01', '2023-12-31') });
    const sciTech = await w.enterprise(5, { sciTech: true });
    const inputs: FilingInput[] = [
      { bankRef: 'T-1', enterpriseId: plain, programme: 'etown-2023-small-micro', loan: direct('8000000.00') },
      { bankRef: 'T-2', enterpriseId: plain2, programme: 'etown-2023-small-micro', loan: direct('1234567.89') },
      { bankRef: 'T-3', enterpriseId: qualified, programme: 'etown-2023-small-micro', loan: direct('5000000.00') },
      { bankRef: 'T-4', enterpriseId: expired, programme: 'etown-2023-small-micro', loan: direct('300000.00') },
      { bankRef: 'T-5', enterpriseId: sciTech, programme: 'etown-2025-sci-tech', loan: direct('9000000.00') },
      { bankRef: 'T-6', enterpriseId: sciTech, programme: 'etown-2025-sci-tech', loan: shared('2000000.00', '0.3') },
      { bankRef: 'T-7', enterpriseId: qualified, programme: 'etown-2025-sci-tech', loan: shared('700000.00', '0.5') },
      // Filed before it is disbursed (G6's deadline is counted from the disbursement), no programme named (R2).
      { bankRef: 'T-8', enterpriseId: qualified, loan: direct('4000000.00', '2025-09-20') },
      { bankRef: 'T-9', enterpriseId: plain, loan: direct('100000.00') },
    ] as FilingInput[];
    for (const input of inputs) {
      const before = await storedBefore0034(input);
      const { filing } = await fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today, input });
      const read = await getFiling({ db: w.db, actor: manager, id: filing.id });
      // The answer at filing and every read give the reasons as they were stored whole.
      expect(JSON.stringify(filing.reasons)).toBe(JSON.stringify(JSON.parse(before).reasons));
      expect(JSON.stringify(read.reasons)).toBe(JSON.stringify(filing.reasons));
      expect(read.policyVersion).toBe(JSON.parse(before).policyVersion);
      const row = (await createFilingsRepository({ db: w.db }).find(filing.id))!;
      expect(JSON.stringify(row.decision)).toBe(before);
      // The audit row's digest is the digest of the decision as stored whole.
      const [audit] = await q(
        `select after from audit_log where action = 'filing.create' and entity_id = '${filing.id}'`,
      );
      const after = typeof audit!.after === 'string' ? JSON.parse(audit!.after) : audit!.after;
      expect(after.decisionSha256).toBe(sha256(before));
      filed.push({ id: filing.id, before });
    }
    expect(filed.map((f) => JSON.parse(f.before).programme)).toContain('etown-2025-sci-tech');
    expect(filed.map((f) => JSON.parse(f.before).programme)).toContain('etown-2023-small-micro');
    // The list reads them back the same way.
    const page = await listFilings({ db: w.db, actor: manager, query: { limit: 50, order: 'asc', sort: 'filedOn' } });
    for (const f of filed)
      expect(JSON.stringify(page.items.find((i) => i.id === f.id)!.reasons)).toBe(
        JSON.stringify(JSON.parse(f.before).reasons),
      );
  });

  it('stores each reason set once, and on the filing a fraction of the bytes', async () => {
    const rows = await q(
      `select f.bank_ref, f.decision_key, f.decision_values::text as v from filings f where bank_ref like 'T-%' order by bank_ref`,
    );
    const keyOf = Object.fromEntries(rows.map((r) => [r.bank_ref, r.decision_key]));
    // T-1 and T-9: the same programme's rules with the same outcome, other amounts: one template.
    expect(keyOf['T-1']).toBe(keyOf['T-9']);
    expect(keyOf['T-1']).not.toBe(keyOf['T-3']); // the qualification uplift applies to T-3
    const templates = await q(`select key, template::text as t from decision_templates`);
    for (const t of templates) expect(t.key).toBe(sha256(t.t as string));
    expect(templates.length).toBeLessThan(rows.length);
    for (const [i, r] of rows.entries()) {
      expect(JSON.parse(r.v as string)).toEqual(expect.arrayContaining([expect.any(String)]));
      expect((r.v as string).length).toBeLessThan(filed[i]!.before.length / 4);
    }
  });

  it('refuses a loan with the reasons the code gave before', async () => {
    const large = await w.enterprise(6, { size: 'medium', sciTech: false });
    const input = {
      bankRef: 'T-R',
      enterpriseId: large,
      programme: 'etown-2023-small-micro',
      loan: direct('8000000.00'),
    } as FilingInput;
    const before = JSON.parse(await storedBefore0034(input)) as { eligible: boolean; reasons: unknown[] };
    expect(before.eligible).toBe(false);
    const refused = await fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today, input }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(FilingRefused);
    expect(JSON.stringify((refused as FilingRefused).reasons)).toBe(JSON.stringify(before.reasons));
  });

  it('reads back byte for byte when filed in bulk', async () => {
    const codes = [7, 8, 9].map((n) => creditCode(n));
    await w.enterprise(7, { sciTech: true });
    await w.enterprise(8, { qualifications: NHT('2024-01-01', '2026-12-31') });
    await w.enterprise(9, { sciTech: false, size: 'micro' });
    const path = writeCsv([
      ['B-1', codes[0]!, '企业7', '信用贷款', '1000000.00', '2025-09-01', '2026-08-31', '直接补偿', ''],
      ['B-2', codes[1]!, '企业8', '信用贷款', '2500000.00', '2025-09-01', '2026-08-31', '直接补偿', ''],
      ['B-3', codes[2]!, '企业9', '信用贷款', '600000.00', '2025-08-29', '2026-08-31', '直接补偿', ''],
      ['B-4', codes[0]!, '企业7', '信用贷款', '800000.00', '2025-09-01', '2026-08-31', '风险分担', '0.4'],
    ]);
    expect(HEADER[8]).toBe('银行分担比例');
    const { job } = await importFile({ db: w.db, catalog: w.catalog, actor: icbc, today, path, chunkRows: 2 });
    expect(job).toMatchObject({ status: 'done', filed: 4 });
    const rows = await q(`select id, bank_ref from filings where bank_ref like 'B-%' order by bank_ref`);
    for (const r of rows) {
      const row = (await createFilingsRepository({ db: w.db }).find(String(r.id)))!;
      const view = await getFiling({ db: w.db, actor: manager, id: row.id });
      const before = await storedBefore0034({
        bankRef: row.bankRef,
        enterpriseId: row.enterpriseId,
        programme: row.programmeId,
        loan: {
          kind: row.kind,
          principal: row.principal,
          disbursedOn: row.disbursedOn,
          mode: row.mode,
          ...(row.mode === 'risk-sharing' ? { bankShare: row.parties.find((p) => p.party === 'bank')!.shareBp } : {}),
        },
      } as FilingInput);
      expect(JSON.stringify(row.decision)).toBe(before);
      expect(JSON.stringify(view.reasons)).toBe(JSON.stringify(JSON.parse(before).reasons));
      filed.push({ id: row.id, before });
    }
  });
});

/** 0034 again, as the migrator runs it: its statements in one transaction. */
async function migrate0034() {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const when = journal.entries.find((e) => e.tag === '0034_decision_templates')!.when;
  const migration = readMigrationFiles({ migrationsFolder: MIGRATIONS }).find((m) => m.folderMillis === when)!;
  await w.db.transaction(async (tx) => {
    for (const statement of migration.sql) await tx.execute(sql.raw(statement));
  });
}

describe('migration 0034: the decisions there are move into templates and values', () => {
  it('an existing database reads the same after the move, key order and all', async () => {
    const ids = (await q(`select id from filings order by id`)).map((r) => String(r.id));
    expect(ids.length).toBeGreaterThan(10);
    const viewsBefore = new Map<string, string>();
    for (const id of ids) viewsBefore.set(id, JSON.stringify(await getFiling({ db: w.db, actor: manager, id })));
    const keysBefore = new Map((await q(`select id, decision_key from filings`)).map((r) => [r.id, r.decision_key]));

    // The database as the code before 0034 left it: each decision whole on its filing.
    const stored = new Map<string, string>();
    for (const id of ids) {
      const row = (await createFilingsRepository({ db: w.db }).find(id))!;
      stored.set(id, JSON.stringify(row.decision));
    }
    await q(`alter table filings add column decision json`);
    for (const [id, text] of stored)
      await w.db.execute(sql`update filings set decision = ${text}::json where id = ${id}`);
    // One as a row filed while the column was jsonb (drizzle/0011) reads: keys reordered, spaces.
    const jsonbEra = ids[0]!;
    await q(`update filings set decision = decision::jsonb::text::json where id = '${jsonbEra}'`);
    // One whose text does not follow its policy's message (written by an older renderer): kept whole.
    const odd = ids[1]!;
    await q(
      `update filings set decision = replace(decision::text, '"zh":"', '"zh":"〔旧〕')::json where id = '${odd}'`,
    );
    await q(`alter table filings drop column decision_key, drop column decision_values`);
    await q(`drop table decision_templates`);
    const oldTexts = new Map(
      (await q(`select id, decision::text as d from filings`)).map((r) => [String(r.id), String(r.d)]),
    );
    expect(oldTexts.get(jsonbEra)).toContain('": ');
    expect(oldTexts.get(odd)).toContain('〔旧〕');

    await migrate0034();

    expect(
      await q(
        `select column_name from information_schema.columns where table_name = 'filings' and column_name like 'decision%' order by 1`,
      ),
    ).toEqual([{ column_name: 'decision_key' }, { column_name: 'decision_values' }]);
    for (const id of ids) {
      const view = await getFiling({ db: w.db, actor: manager, id });
      const old = JSON.parse(oldTexts.get(id)!) as { reasons: unknown[] };
      // What the view showed from the whole decision: its reasons as parsed from the stored text.
      const expected = { ...(JSON.parse(viewsBefore.get(id)!) as object), reasons: old.reasons };
      expect(JSON.stringify(view)).toBe(JSON.stringify(expected));
      const row = (await createFilingsRepository({ db: w.db }).find(id))!;
      expect(JSON.stringify(row.decision)).toBe(JSON.stringify(JSON.parse(oldTexts.get(id)!)));
      if (id !== jsonbEra && id !== odd) {
        expect(JSON.stringify(view)).toBe(viewsBefore.get(id));
        // Split in SQL as the code splits it: the same template, the same key.
        expect(row.decisionKey).toBe(keysBefore.get(id));
      }
    }
    const [{ n }] = (await q(`select count(*)::int as n from decision_templates`)) as [{ n: number }];
    expect(n).toBeLessThan(ids.length);

    // New filings go on sharing the moved templates.
    const e = await w.enterprise(30, { sciTech: false });
    const input = {
      bankRef: 'T-after',
      enterpriseId: e,
      programme: 'etown-2023-small-micro',
      loan: direct('4200000.00'),
    } as FilingInput;
    const before = await storedBefore0034(input);
    const { filing } = await fileLoan({ db: w.db, catalog: w.catalog, actor: icbc, today, input });
    expect(JSON.stringify((await getFiling({ db: w.db, actor: manager, id: filing.id })).reasons)).toBe(
      JSON.stringify(JSON.parse(before).reasons),
    );
    const [after] = await q(`select count(*)::int as n from decision_templates`);
    expect(after!.n).toBe(n);
  });
});
