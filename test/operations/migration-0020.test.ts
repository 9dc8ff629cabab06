/**
 * drizzle/0020_bilingual_errors.sql: what an existing database holds in the old shape (reasons'
 * `message`/`messageEn`, field errors' `message`/`messageZh` without a code, import row errors'
 * `message`/`message_en` columns) reads in the new one (`zh`, `en`, `code`) once migrated, through
 * the migration's statements as the drizzle migrator runs them — on PGlite, and on PostgreSQL under
 * BACKSTOP_TEST_DB=postgres. The rewritten decision is the very text the new code writes, and the
 * migration changes nothing the second time.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/adapters/db/database';
import { parseYuan } from '../../src/core/money/money';
import { getClaim } from '../../src/modules/claims/claims.usecases';
import { fileLoan, getFiling } from '../../src/modules/filings/filings.usecases';
import { createFilingsRepository } from '../../src/modules/filings/filings.repository';
import { errorReportLines } from '../../src/modules/imports/imports.report';
import { rowsOf } from '../../src/modules/shared/rows';
import { etownWorld, icbc, manager } from './fixture';

let w: Awaited<ReturnType<typeof etownWorld>>;
beforeAll(async () => {
  w = await etownWorld();
});
afterAll(async () => w?.close());

const q = async (text: string) => rowsOf(await w.db.execute(sql.raw(text))) as Record<string, unknown>[];
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Runs 0020 again as the migrator runs a migration — its statements as drizzle reads them, in one
 * transaction — on a database whose data is as 0018 left it. (Later migrations are applied already,
 * so the migrator itself would not go back to 0020.)
 */
async function migrateFrom0018() {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const when = journal.entries.find((e) => e.tag === '0020_bilingual_errors')!.when;
  const migration = readMigrationFiles({ migrationsFolder: MIGRATIONS }).find((m) => m.folderMillis === when)!;
  await w.db.transaction(async (tx) => {
    for (const statement of migration.sql) await tx.execute(sql.raw(statement));
  });
}

/** The old text of a decision: the keys as the code before 0020 named them (docs/OPERATIONS.md). */
const OLD_DECISION = `regexp_replace(regexp_replace(decision::text, '([{,]\\s*)"zh"(\\s*):', '\\1"message"\\2:', 'g'), '([{,]\\s*)"en"(\\s*):', '\\1"messageEn"\\2:', 'g')`;

describe('migration 0020: one bilingual shape, a code on every field error', () => {
  let filingId: string;
  let written: string;

  it('an existing database in the old shape reads in the new one', async () => {
    const e = await w.enterprise(1);
    const { filing } = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today: '2025-09-03',
      input: {
        bankRef: 'M-1',
        enterpriseId: e,
        loan: { kind: 'credit', principal: parseYuan('8000000.00'), disbursedOn: '2025-09-01', mode: 'direct' },
      } as never,
    });
    filingId = filing.id;
    // Since 0033 a decision is a template and values; 0020 rewrote it whole, on the column as it was.
    const { decision } = (await createFilingsRepository({ db: w.db }).find(filingId))!;
    await q(`alter table filings add column decision json`);
    await w.db.execute(sql`update filings set decision = ${JSON.stringify(decision)}::json where id = ${filingId}`);
    const [now] = await q(`select decision::text as d from filings where id = '${filingId}'`);
    written = now!.d as string;
    expect(written).toContain('"zh":');

    // The database as the code before 0020 left it.
    await q(`update filings set decision = (${OLD_DECISION})::json where id = '${filingId}'`);
    const [old] = await q(`select decision::text as d from filings where id = '${filingId}'`);
    expect(old!.d).toContain('"messageEn":');
    expect(old!.d).not.toContain('"zh":');
    const oldDigest = sha256(old!.d as string);
    await q(`insert into claims (id, filing_id, fund_id, bank_id, state, outstanding, compensation, parties, reasons, submitted_by, submitted_on, due_by)
      values ('c-old', '${filingId}', 'etown', 'bank-icbc', 'rejected', 800000000, 400000000, '[]',
      '[{"rule":"non-performing","cites":["R6","G9"],"ok":true,"message":"贷款已列为不良（次级）","messageEn":"The loan is non-performing (substandard)"}]',
      'icbc-officer', '2025-10-01', '2025-10-22')`);
    await q(`alter table import_errors rename column zh to message`);
    await q(`alter table import_errors rename column en to message_en`);
    await q(`alter table import_errors drop column code`);
    await q(
      `insert into import_jobs (id, bank_id, file_name, file_hash, status, created_by) values ('job-old', 'bank-icbc', 'f.csv', 'h', 'done', 'icbc-officer')`,
    );
    await q(`insert into import_errors (job_id, line, "column", message, message_en, values) values
      ('job-old', 2, '银行合同编号', '该银行已备案此贷款（重复）', 'is filed already', '[["银行合同编号","M-1"]]'),
      ('job-old', 3, '银行合同编号', '本文件中重复出现（首次在第 2 行）', 'appears again in this file (first on line 2)', '[["银行合同编号","M-1"]]'),
      ('job-old', 4, 'rule:size-limit', '企业规模不符', 'The enterprise is too large', '[["银行合同编号","M-4"]]'),
      ('job-old', 5, '金额(元)', '金额最多两位小数（最小单位 0.01 元）', 'has more than two decimals (the smallest unit is 0.01 yuan)', '[["银行合同编号","M-5"]]')`);
    const oldProblem = {
      type: 'about:blank',
      title: 'Invalid request',
      status: 400,
      detail: 'The request has invalid fields.',
      detailZh: '请求中有字段不正确。',
      errors: [{ field: 'amount', message: 'must be more than 0', messageZh: '必须大于 0' }],
    };
    const oldNotFound = { type: 'about:blank', title: 'Not found', status: 404, detail: 'Filing x was not found.' };
    await q(`insert into idempotency_keys (principal, method, path, key, request_hash, state, status, content_type, body) values
      ('u1', 'POST', '/api/funds/etown/top-ups', 'key-00001', 'h', 'done', 400, 'application/problem+json; charset=utf-8', '${JSON.stringify(oldProblem)}'),
      ('u1', 'POST', '/api/filings/x/repayments', 'key-00002', 'h', 'done', 404, 'application/problem+json; charset=utf-8', '${JSON.stringify(oldNotFound)}')`);

    await migrateFrom0018();

    // The decision is the text the new code writes, and the filing.create row's digest is that of the text with the keys named back.
    const [after] = await q(
      `select decision::text as d, encode(sha256(convert_to(${OLD_DECISION}, 'UTF8')), 'hex') as old_digest from filings where id = '${filingId}'`,
    );
    expect(after!.d).toBe(written);
    expect(after!.old_digest).toBe(oldDigest);
    const view = await getFiling({ db: w.db, actor: manager, id: filingId });
    for (const r of view.reasons) {
      expect(Object.keys(r)).not.toContain('message');
      expect(r.zh).toBeTruthy();
      expect(r.en).toBeTruthy();
    }

    const claim = await getClaim({ db: w.db, catalog: w.catalog, actor: manager, id: 'c-old', today: '2025-10-02' });
    expect(claim.reasons).toEqual([
      {
        rule: 'non-performing',
        cites: ['R6', 'G9'],
        ok: true,
        zh: '贷款已列为不良（次级）',
        en: 'The loan is non-performing (substandard)',
      },
    ]);

    expect(
      await q(`select line, "column", code, zh, en from import_errors where job_id = 'job-old' order by line`),
    ).toEqual([
      {
        line: 2,
        column: '银行合同编号',
        code: 'filing.filed_already',
        zh: '该银行已备案此贷款（重复）',
        en: 'is filed already',
      },
      {
        line: 3,
        column: '银行合同编号',
        code: 'import.duplicate_in_file',
        zh: '本文件中重复出现（首次在第 2 行）',
        en: 'appears again in this file (first on line 2)',
      },
      {
        line: 4,
        column: 'rule:size-limit',
        code: 'filing.refused_by_rule',
        zh: '企业规模不符',
        en: 'The enterprise is too large',
      },
      {
        line: 5,
        column: '金额(元)',
        code: 'request.invalid',
        zh: '金额最多两位小数（最小单位 0.01 元）',
        en: 'has more than two decimals (the smallest unit is 0.01 yuan)',
      },
    ]);
    let report = '';
    for await (const line of errorReportLines({ db: w.db, jobId: 'job-old' })) report += line;
    expect(report).toContain(
      '\uFEFF行号 line,列 column,原因,reason,代码 code,银行合同编号\r\n2,银行合同编号,该银行已备案此贷款（重复）,is filed already,filing.filed_already,M-1\r\n',
    );

    const bodies = await q(`select key, body from idempotency_keys where principal = 'u1' order by key`);
    expect(JSON.parse(bodies[0]!.body as string)).toEqual({
      ...oldProblem,
      errors: [{ field: 'amount', code: 'request.invalid', zh: '必须大于 0', en: 'must be more than 0' }],
    });
    expect(JSON.parse(bodies[1]!.body as string)).toEqual({
      ...oldNotFound,
      detailZh: 'Filing x was not found.',
      errors: [
        { field: '(request)', code: 'request.not_found', zh: 'Filing x was not found.', en: 'Filing x was not found.' },
      ],
    });
  });

  it('changes nothing the second time (idempotent)', async () => {
    const snapshot = async () => ({
      decision: await q(`select decision::text as d from filings order by id`),
      templates: await q(`select decision_key, decision_values::text as v from filings order by id`),
      claims: await q(`select reasons from claims order by id`),
      errors: await q(`select * from import_errors order by job_id, line, "column"`),
      bodies: await q(`select body from idempotency_keys order by key`),
    });
    const before = await snapshot();
    await migrateFrom0018();
    expect(await snapshot()).toEqual(before);
    expect((await q(`select decision::text as d from filings where id = '${filingId}'`))[0]!.d).toBe(written);
  });
});
