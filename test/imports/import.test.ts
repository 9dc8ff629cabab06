/** Bulk filing through the use case: bank files in CSV (UTF-8, GBK) and XLSX, bad rows reported, idempotent, resumable. */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseYuan } from '../../src/core/money/money';
import { fileLoan, filingProof, getFiling } from '../../src/modules/filings/filings.usecases';
import { verifyLedger } from '../../src/modules/ledger/ledger.verify';
import { createFilingsRepository } from '../../src/modules/filings/filings.repository';
import { errorReportLines } from '../../src/modules/imports/imports.report';
import { createImportsRepository } from '../../src/modules/imports/imports.repository';
import { Problem } from '../../src/modules/shared/problem';
import { reportClassification } from '../../src/modules/servicing/servicing.usecases';
import { creditCode, etownWorld, icbc, ledgerSums, manager } from '../operations/fixture';
import { canonical, rfc6962Root, rootFromPath } from './merkle-check';
import { dir, HEADER, importFile, query, writeCsv, writeRaw } from './world';

let w: Awaited<ReturnType<typeof etownWorld>>;
const today = '2025-09-03';
const codes: string[] = [];
beforeAll(async () => {
  w = await etownWorld({ capital: '100000000.00' });
  for (let i = 1; i <= 40; i++) {
    await w.enterprise(i);
    codes.push(creditCode(i));
  }
});
afterAll(async () => w?.close());

const run = (path: string, extra: Partial<Parameters<typeof importFile>[0]> = {}) =>
  importFile({ db: w.db, catalog: w.catalog, actor: icbc, today, path, ...extra });
const good = (ref: string, i: number, principal = '1000000.00') => [
  ref,
  codes[i]!,
  `企业${i + 1}`,
  '信用贷款',
  principal,
  '2025-09-01',
  '2026-08-31',
  '直接补偿',
  '',
];
const count = async (prefix: string) =>
  Number((await query(w.db, `select count(*)::int as n from filings where bank_ref like '${prefix}%'`))[0]!.n);
const errorsOf = async (jobId: string) =>
  (await createImportsRepository({ db: w.db }).errors(jobId, null, 1000)).map((e) => ({
    line: e.line,
    column: e.column,
    code: e.code,
    zh: e.zh,
    en: e.en,
  }));

async function problemOf(p: Promise<unknown>): Promise<Problem> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Problem) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

describe('bulk filing from a bank file', () => {
  it('files the good rows of a UTF-8 CSV and reports each bad row by line, column and reason (zh/en)', async () => {
    const path = writeCsv([
      good('U-1', 0), // line 2
      ['U-2', codes[1]!, '企业2', '信用贷款', '', '2025-09-01', '', '', ''], // 3: missing principal
      good('U-3', 2, '100.001'), // 4: 0.001 yuan
      good('U-4', 3, '-5000.00'), // 5: negative
      [
        'U-5',
        `${codes[4]!.slice(0, 17)}${codes[4]!.endsWith('1') ? '2' : '1'}`,
        '坏代码',
        '信用贷款',
        '100000.00',
        '2025-09-01',
        '',
        '',
        '',
      ], // 6: bad credit code
      ['U-6', codes[5]!, '企业6', '信用贷款', '100000.00', '2025-02-30', '', '', ''], // 7: impossible date
      ['U-7', creditCode(999), '未登记', '信用贷款', '100000.00', '2025-09-01', '', '', ''], // 8: unknown enterprise
      ['U-8', codes[7]!, '企业8', '抵押贷款', '100000.00', '2025-09-01', '', '', ''], // 9: ineligible (mortgage)
      good('U-1', 8), // 10: the same loan number again
      good('U-10', 9, '1,234,567.80'), // 11: thousands separators
      ['U-11', codes[10]!, '企业11', '信用贷款', '100000.00', '2025-09-01'], // 12: a short row, the rest empty
    ]);
    const { job } = await run(path);
    expect(job).toMatchObject({ status: 'done', filed: 3, duplicates: 1, rejected: 7, lastLine: 12 });
    expect(await count('U-')).toBe(3);
    const errors = await errorsOf(job.id);
    const at = (line: number) => errors.filter((e) => e.line === line);
    expect(at(3)).toEqual([{ line: 3, column: '金额(元)', code: 'request.required', zh: '必填', en: 'is required' }]);
    expect(at(4)[0]).toMatchObject({
      column: '金额(元)',
      code: 'request.invalid',
      en: 'has more than two decimals (the smallest unit is 0.01 yuan)',
      zh: '金额最多两位小数（最小单位 0.01 元）',
    });
    expect(at(5)[0]).toMatchObject({ column: '金额(元)', en: 'must not be negative', zh: '不能为负数' });
    expect(at(6)[0]).toMatchObject({
      column: '统一社会信用代码',
      code: 'registry.invalid_credit_code',
      en: 'has a wrong check character',
    });
    expect(at(7)[0]).toMatchObject({ column: '放款日期', en: 'must be a real date written YYYY-MM-DD' });
    expect(at(8)[0]).toMatchObject({
      column: '统一社会信用代码',
      code: 'filing.enterprise_not_registered',
      en: 'no registered enterprise has it; register the enterprise first',
    });
    expect(at(9).map((e) => e.column)).toContain('rule:loan-kind');
    expect(at(9).find((e) => e.column === 'rule:loan-kind')!.code).toBe('filing.refused_by_rule');
    expect(at(10)[0]).toMatchObject({
      column: '银行合同编号',
      code: 'import.duplicate_in_file',
      en: 'appears again in this file (first on line 2)',
    });
    const filed = await query(
      w.db,
      `select bank_ref, principal::text as p, matures_on::text as m from filings where bank_ref like 'U-%' order by bank_ref`,
    );
    expect(filed).toEqual([
      { bank_ref: 'U-1', p: '100000000', m: '2026-08-31' },
      { bank_ref: 'U-10', p: '123456780', m: '2026-08-31' },
      { bank_ref: 'U-11', p: '10000000', m: null },
    ]);

    // The error report: UTF-8 with BOM, the original values, formula-like cells escaped.
    let report = '';
    for await (const l of errorReportLines({ db: w.db, jobId: job.id })) report += l;
    expect(report.startsWith('\uFEFF行号 line,列 column,原因,reason,代码 code,银行合同编号,统一社会信用代码')).toBe(
      true,
    );
    expect(report).toContain(
      `5,金额(元),不能为负数,must not be negative,request.invalid,U-4,${codes[3]},企业4,信用贷款,'-5000.00,2025-09-01`,
    );
  });

  it('reads a GBK CSV as Excel writes it on a Chinese Windows', async () => {
    const path = writeCsv([good('G-1', 11), good('G-2', 12, '2000000')], { encoding: 'gbk' });
    const { job } = await run(path);
    expect(job).toMatchObject({ status: 'done', filed: 2, rejected: 0 });
    expect((await query(w.db, `select kind from filings where bank_ref = 'G-2'`))[0]!.kind).toBe('credit');
  });

  it('reads an XLSX workbook with numeric and date cells, in exact fen', async () => {
    const path = join(dir, 'bank.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('备案清单');
    ws.addRow(['bankRef', 'creditCode', 'kind', 'principal', 'disbursedOn', 'mode']);
    ws.addRow(['X-1', codes[13]!, 'credit', 1234567.5, new Date(Date.UTC(2025, 8, 1)), 'direct']);
    ws.addRow(['X-2', codes[14]!, 'credit', 1000.123, '2025/9/1', 'direct']);
    ws.addRow(['X-3', codes[15]!, 'ip-pledge', 800000, '2025年9月1日', 'direct']);
    await wb.xlsx.writeFile(path);
    const { job } = await run(path);
    expect(job).toMatchObject({ status: 'done', filed: 2, rejected: 1 });
    expect((await query(w.db, `select principal::text as p from filings where bank_ref = 'X-1'`))[0]!.p).toBe(
      '123456750',
    );
    expect((await errorsOf(job.id))[0]).toMatchObject({
      line: 3,
      column: 'principal',
      en: 'has more than two decimals (the smallest unit is 0.01 yuan)',
    });
  });

  it('files nothing twice when the same file is imported again', async () => {
    const path = writeCsv([good('T-1', 16), good('T-2', 17)]);
    const first = await run(path);
    const before = await ledgerSums(w.db, 'etown');
    const second = await run(path);
    expect(second.created).toBe(false);
    expect(second.job.id).toBe(first.job.id);
    expect(second.job).toMatchObject({ status: 'done', filed: 2 });
    expect(await count('T-')).toBe(2);
    expect(await ledgerSums(w.db, 'etown')).toEqual(before);
    // The same loans in another file are duplicates, not errors that stop the file.
    const other = await run(writeCsv([good('T-2', 17), good('T-3', 18)]));
    expect(other.job).toMatchObject({ filed: 1, duplicates: 1, rejected: 0 });
  });

  it('resumes after a crash mid-file without filing a row twice, and the ledger still balances', async () => {
    const rows = Array.from({ length: 9 }, (_, i) => good(`C-${i + 1}`, 19 + i, '500000.00'));
    const path = writeCsv(rows);
    const crash = await problemOrError(
      run(path, {
        chunkRows: 2,
        hooks: {
          beforeCommit: (k) => {
            if (k === 2) throw new Error('power cut');
          },
        },
      }),
    );
    expect(crash.message).toBe('power cut');
    const [job] = await query(
      w.db,
      `select status, last_line, filed from import_jobs where file_name = '${path.split('/').at(-1)}'`,
    );
    expect(job).toEqual({ status: 'failed', last_line: 5, filed: 4 });
    expect(await count('C-')).toBe(4);
    const resumed = await run(path, { chunkRows: 2 });
    expect(resumed.created).toBe(false);
    expect(resumed.job).toMatchObject({ status: 'done', filed: 9, rejected: 0, duplicates: 0, lastLine: 10 });
    expect(await count('C-')).toBe(9);
    const s = await ledgerSums(w.db, 'etown');
    expect(s.capacity + s.exposure + s.quota - s.shortfall).toBe(s.limit);
    const reserved = await query(w.db, `select sum(reserved)::text as r from filings where status = 'active'`);
    expect(BigInt(reserved[0]!.r as string)).toBe(s.exposure);
  });

  it('a loan number repeated in the next chunk, inserted while the first one commits, is filed once and reported as filed', async () => {
    // Chunks of 2: D-1 in chunk 0 and again in chunk 1, whose insert runs while chunk 0 commits
    // (on PostgreSQL it waits on chunk 0's row, fails on the unique index, and the chunk is written again).
    const path = writeCsv([
      good('D-1', 1, '200000.00'),
      good('D-2', 2, '200000.00'),
      good('D-1', 3, '200000.00'),
      good('D-3', 4, '200000.00'),
      good('D-4', 5, '200000.00'),
    ]);
    const before = await ledgerSums(w.db, 'etown');
    const { job } = await run(path, { chunkRows: 2 });
    expect(job).toMatchObject({ status: 'done', filed: 4, duplicates: 1, rejected: 0, lastLine: 6 });
    expect(await errorsOf(job.id)).toEqual([
      {
        line: 4,
        column: '银行合同编号',
        code: 'filing.filed_already',
        zh: '该银行已备案此贷款（重复）',
        en: 'is filed already',
      },
    ]);
    expect(await count('D-')).toBe(4);
    const [d1] = await query(w.db, `select enterprise_id from filings where bank_ref = 'D-1'`);
    expect(d1!.enterprise_id).toBe(
      (await query(w.db, `select id from enterprises where credit_code = '${codes[1]}'`))[0]!.id,
    );
    const after = await ledgerSums(w.db, 'etown');
    const [reserved] = await query(w.db, `select sum(reserved)::text as r from filings where bank_ref like 'D-%'`);
    expect(after.exposure - before.exposure).toBe(BigInt(reserved!.r as string));
    expect(after.capacity + after.exposure + after.quota - after.shortfall).toBe(after.limit);
  });

  it('stops between chunks when aborted and resumes where it stopped', async () => {
    const path = writeCsv(Array.from({ length: 5 }, (_, i) => good(`A-${i + 1}`, 30 + i, '300000.00')));
    const stop = new AbortController();
    const first = await run(path, {
      chunkRows: 2,
      hooks: {
        beforeCommit: (k) => {
          if (k === 0) stop.abort();
        },
      },
      signal: stop.signal,
    });
    expect(first.job).toMatchObject({ status: 'running', lastLine: 3, filed: 2 });
    const second = await run(path, { chunkRows: 2 });
    expect(second.job).toMatchObject({ status: 'done', filed: 5 });
    expect(await count('A-')).toBe(5);
  });

  it('a loan filed through the API while the import runs is filed once: a duplicate in the import or 409 from the API', async () => {
    const path = writeCsv([good('R-1', 36, '200000.00'), good('R-2', 37, '200000.00'), good('R-3', 38, '200000.00')]);
    let api: Promise<unknown> | undefined;
    const { job } = await run(path, {
      chunkRows: 1,
      hooks: {
        beforeCommit: (k) => {
          // Sent while chunk 0 holds its locks; it races chunk 2, which holds the same loan number.
          if (k === 0)
            api = fileLoan({
              db: w.db,
              catalog: w.catalog,
              actor: icbc,
              today,
              input: {
                bankRef: 'R-3',
                creditCode: codes[38],
                loan: { kind: 'credit', principal: parseYuan('200000.00'), disbursedOn: '2025-09-01', mode: 'direct' },
              } as never,
            }).then(
              () => 'filed',
              (e: unknown) => (e instanceof Problem ? e.status : e),
            );
        },
      },
    });
    const apiOutcome = await api;
    expect(await count('R-3')).toBe(1);
    if (apiOutcome === 'filed') expect(job).toMatchObject({ filed: 2, duplicates: 1 });
    else expect([apiOutcome, job.filed, job.duplicates]).toEqual([409, 3, 0]);
    const s = await ledgerSums(w.db, 'etown');
    expect(s.capacity + s.exposure + s.quota - s.shortfall).toBe(s.limit);
  });

  it('writes each filing with its first event, and one audit row per chunk whose Merkle root has every filed loan as a leaf of its facts at filing (its decision by the digest of what is stored); ledger and audit chain verify clean', async () => {
    const path = writeCsv([
      good('V-1', 0, '300000.00'),
      good('V-2', 1, '400000.00'),
      good('V-3', 0, '500000.00'),
      good('V-4', 2, '600000.00'),
      good('V-5', 3, '700000.00'),
    ]);
    const { job } = await run(path, { chunkRows: 2 });
    expect(job).toMatchObject({ status: 'done', filed: 5 });
    const ids = (await query(w.db, `select id from filings where bank_ref like 'V-%' order by bank_ref`)).map((r) =>
      String(r.id),
    );
    // Each chunk's filings written in the file's order, one first event each. Across chunks the order is
    // not fixed: a chunk inserts while the one before it commits (it commits only after that one has).
    const written = (
      await query(
        w.db,
        `select f.bank_ref from filing_events e join filings f on f.id = e.filing_id where f.bank_ref like 'V-%' order by e.id`,
      )
    ).map((r) => String(r.bank_ref));
    expect([...written].sort()).toEqual(['V-1', 'V-2', 'V-3', 'V-4', 'V-5']);
    for (const [a, b] of [
      ['V-1', 'V-2'],
      ['V-3', 'V-4'],
    ])
      expect(written.indexOf(a!)).toBeLessThan(written.indexOf(b!));
    // No row per loan: one per chunk (lines 2–3, 4–5, 6), naming its filings in the file's order.
    expect(
      await query(
        w.db,
        `select count(*)::int as n from audit_log where entity_kind = 'filing' and entity_id in (${ids.map((i) => `'${i}'`).join(',')})`,
      ),
    ).toEqual([{ n: 0 }]);
    const chunks = (
      await query(
        w.db,
        `select seq::text as seq, actor, action, entity_kind, entity_id, before, after from audit_log where action = 'filing.create-chunk' and entity_id = '${job.id}' order by seq`,
      )
    ).map((a) => ({
      ...a,
      seq: String(a.seq),
      after: (typeof a.after === 'string' ? JSON.parse(a.after) : a.after) as Record<string, unknown>,
    }));
    expect(
      chunks.map(({ seq: _s, after, ...a }) => ({ ...a, after: { ...after, merkleRoot: typeof after.merkleRoot } })),
    ).toEqual(
      [
        [2, 3, [ids[0], ids[1]]],
        [4, 5, [ids[2], ids[3]]],
        [6, 6, [ids[4]]],
      ].map(([firstLine, lastLine, filingIds]) => ({
        actor: icbc.username,
        action: 'filing.create-chunk',
        entity_kind: 'import',
        entity_id: job.id,
        before: null,
        after: {
          import: job.id,
          chunk: `${job.id}:${String(firstLine)}`,
          firstLine,
          lastLine,
          count: (filingIds as string[]).length,
          filingIds,
          merkleRoot: 'string',
        },
      })),
    );
    const leavesOf = new Map<string, string[]>();
    for (const id of ids) {
      const { events, ...view } = await getFiling({ db: w.db, actor: icbc, id });
      expect(events.map((e) => [e.kind, e.data])).toEqual([
        ['filed', { principal: view.principal, reserved: view.reserved, ratio: view.ratio }],
      ]);
      // The decision as stored whole before drizzle/0034, rendered back from its template and values.
      const decision = JSON.stringify((await createFilingsRepository({ db: w.db }).find(id))!.decision);
      const digest = createHash('sha256').update(decision).digest('hex');
      const [template] = await query(
        w.db,
        `select t.key from filings f join decision_templates t on t.key = f.decision_key where f.id = '${id}'`,
      );
      expect(template).toBeDefined();
      // Its leaf: the facts fixed at filing, as the view shows them, and the decision's digest.
      const proof = await filingProof({ db: w.db, actor: icbc, id });
      if (proof.kind !== 'chunk') throw new Error('a bulk-filed loan is a leaf of its chunk');
      const fixed = [
        'bankRef',
        'bankId',
        'enterpriseId',
        'fundId',
        'programme',
        'kind',
        'principal',
        'disbursedOn',
        'maturesOn',
        'filedOn',
        'mode',
        'guarantorId',
        'createdBy',
        'createdAt',
      ] as const;
      expect(proof.facts).toMatchObject({
        id,
        ...Object.fromEntries(fixed.map((k) => [k, view[k]])),
        decisionSha256: digest,
      });
      for (const changing of [
        'status',
        'outstanding',
        'reserved',
        'version',
        'updatedAt',
        'overdueSince',
        'classification',
      ])
        expect(proof.facts, changing).not.toHaveProperty(changing);
      expect(proof.leaf).toBe(canonical(proof.facts));
      const chunk = chunks.find((c) => (c.after.filingIds as string[]).includes(id))!;
      expect([proof.audit.seq, proof.index, proof.count]).toEqual([
        chunk.seq,
        (chunk.after.filingIds as string[]).indexOf(id),
        chunk.after.count,
      ]);
      expect(rootFromPath(proof.leaf, proof.path)).toBe(chunk.after.merkleRoot);
      leavesOf.set(chunk.seq, [...(leavesOf.get(chunk.seq) ?? []), proof.leaf]);
      expect((JSON.parse(decision) as { reasons: unknown[] }).reasons).toEqual(view.reasons);
      expect(view.reasons.length).toBeGreaterThan(5);
    }
    // Each chunk's root, recomputed here from its loans' leaves in order.
    for (const c of chunks) expect(rfc6962Root(leavesOf.get(c.seq)!)).toBe(c.after.merkleRoot);
    const report = await verifyLedger({ db: w.db });
    expect(report.violations).toEqual([]);
  });

  it('a manager imports for a named bank; a bank only for itself', async () => {
    const path = writeCsv([good('M-1', 35)]);
    expect((await problemOf(run(path, { actor: manager }))).errors).toEqual([
      {
        field: 'bankId',
        code: 'import.bank_required',
        en: 'is required when a manager imports for a bank',
        zh: '管理人代银行导入时必填',
      },
    ]);
    expect((await problemOf(run(path, { bankId: 'bank-bob' }))).errors![0]!.field).toBe('bankId');
    const { job } = await run(path, { actor: manager, bankId: 'bank-bob' });
    expect(job).toMatchObject({ bankId: 'bank-bob', filed: 1, createdBy: 'manager' });
  });
});

describe('a file that cannot be read is refused whole, nothing written', () => {
  const cases: [string, () => string, RegExp][] = [
    [
      'a broken CSV (an unclosed quote)',
      () =>
        writeRaw(
          `银行合同编号,统一社会信用代码,贷款种类,金额(元),放款日期\r\nB-1,${creditCode(1)},credit,100.00,2025-09-01\r\n"B-2,${creditCode(2)},credit,100.00,2025-09-01\r\n`,
        ),
      /not a readable CSV file/,
    ],
    [
      'UTF-16 text',
      () =>
        writeRaw(
          Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('银行合同编号,统一社会信用代码\r\n', 'utf16le')]),
        ),
      /UTF-16/,
    ],
    [
      'bytes that are neither UTF-8 nor GBK',
      () =>
        writeRaw(
          Buffer.concat([
            Buffer.from('银行合同编号,统一社会信用代码,贷款种类,金额(元),放款日期\r\nB-1,'),
            Buffer.from([0x81, 0x20, 0xff]),
            Buffer.from(',credit,1.00,2025-09-01\r\n'),
          ]),
        ),
      /not valid UTF-8 and was read as GBK/,
    ],
    [
      'not a spreadsheet (a PNG)',
      () => writeRaw(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'png'),
      /not a CSV or XLSX/,
    ],
    [
      'a zip that is no workbook',
      () => writeRaw(Buffer.from('PK\u0003\u0004 this is not a zip at all'), 'xlsx'),
      /not a readable XLSX file/,
    ],
    [
      'a header without the required columns',
      () => writeRaw('name,amount\r\nA,1\r\n'),
      /lacks the columns 银行合同编号 \(bankRef\), 统一社会信用代码 \(creditCode\)/,
    ],
    ['an empty file', () => writeRaw(''), /is empty/],
  ];
  for (const [what, make, message] of cases) {
    it(what, async () => {
      const jobsBefore = await query(w.db, 'select count(*)::int as n from import_jobs');
      const p = await problemOf(run(make()));
      expect(p.status).toBe(400);
      expect(p.errors![0]!.field).toBe('file');
      expect(p.errors[0]!.en).toMatch(message);
      expect(p.errors[0]!.code).toMatch(/^import\./);
      expect(await query(w.db, 'select count(*)::int as n from import_jobs')).toEqual(jobsBefore);
      expect(await count('B-')).toBe(0);
    });
  }
});

async function problemOrError(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('the enterprise cap (G5) across chunks', () => {
  it('reserves each loan within the cap, whether the cap was opened in this chunk or an earlier one, and refuses the loan beyond it', async () => {
    // 12,000,000 each, one loan per chunk: the cap of 30,000,000 per enterprise and bank (etown-2025-sci-tech) holds two.
    const rows = ['G5-1', 'G5-2', 'G5-3'].map((ref) => [
      ref,
      codes[39]!,
      '企业40',
      '信用贷款',
      '12000000.00',
      '2025-09-01',
      '',
      '直接补偿',
      '',
      'etown-2025-sci-tech',
    ]);
    const { job } = await run(writeCsv(rows, { header: [...HEADER, '政策'] }), { chunkRows: 1 });
    expect(job).toMatchObject({ status: 'done', filed: 2, rejected: 1 });
    expect((await errorsOf(job.id)).map((e) => [e.line, e.column])).toEqual([[4, 'rule:per-enterprise-cap']]);
    const used = await query(
      w.db,
      `select credits_posted::text as c from ledger_accounts where code = 'enterprise-used' and id like '%:etown-2025-sci-tech:bank-icbc:%' and entity_id like '%' || (select enterprise_id from filings where bank_ref = 'G5-1')`,
    );
    expect(used).toEqual([{ c: '2400000000' }]);
    // The third chunk, prepared after the first committed, left the opening out (the second may
    // have been prepared while the first was committing, and then repeated it: answered `exists`).
    const [ent] = await query(w.db, `select enterprise_id as e from filings where bank_ref = 'G5-1'`);
    const [opens] = await query(
      w.db,
      `select count(*)::int as n from audit_log where action = 'ledger.batch' and after::text like '%enterprise-cap:etown-2025-sci-tech:bank-icbc:${String(ent!.e)}:open%'`,
    );
    expect([1, 2]).toContain(opens!.n);
    expect((await verifyLedger({ db: w.db })).violations).toEqual([]);
  });
});

describe('a limit reached mid-chunk', () => {
  it('refuses the row that would cross the fund limit (R7b) with the reason and files the others in the chunk', async () => {
    const small = await etownWorld({ capital: '3000000.00' }); // limit 30,000,000 of liability
    try {
      const cs: string[] = [];
      for (let i = 100; i < 106; i++) {
        await small.enterprise(i);
        cs.push(creditCode(i));
      }
      // 50% of 20M = 10M each: three fit the 30M limit, the fourth would cross it.
      const rows = [0, 1, 2, 3].map((i) => [
        `L-${i}`,
        cs[i]!,
        '',
        'credit',
        '20000000.00',
        '2025-09-01',
        '',
        'direct',
        '',
      ]);
      const { job } = await importFile({
        db: small.db,
        catalog: small.catalog,
        actor: icbc,
        today,
        path: writeCsv(rows),
      });
      expect(job).toMatchObject({ status: 'done', filed: 3, rejected: 1 });
      const errors = await createImportsRepository({ db: small.db }).errors(job.id, null, 10);
      expect(errors.map((e) => [e.line, e.column, e.code, e.en])).toEqual([
        [
          5,
          'rule:fund-liability-limit',
          'filing.refused_by_rule',
          'The fund’s total liability limit would be exceeded (R7b)',
        ],
      ]);
      const s = await ledgerSums(small.db, 'etown');
      expect(s.exposure).toBe(parseYuan('30000000.00'));
      expect(s.capacity + s.exposure + s.quota - s.shortfall).toBe(s.limit);
      const orphans = await query(
        small.db,
        `select count(*)::int as n from ledger_accounts where code = 'exposure' and entity_id not in (select id from filings)`,
      );
      expect(orphans[0]!.n).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('refuses a row for an enterprise with a bad loan in the fund (R17), as the API does, and files the rest', async () => {
    await w.enterprise(41);
    await w.enterprise(42);
    const bad = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today,
      input: {
        bankRef: 'R17-0',
        creditCode: creditCode(41),
        loan: { kind: 'credit', principal: parseYuan('100000.00'), disbursedOn: '2025-09-01', mode: 'direct' },
      },
    });
    await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: bad.filing.id,
      classification: 'doubtful',
      overdueSince: null,
      on: today,
      today,
    });
    const row = (ref: string, n: number) => [ref, creditCode(n), `企业${n}`, ...good(ref, 0).slice(3)];
    const { job } = await run(writeCsv([row('R17-1', 41), row('R17-2', 42)]));
    expect(job).toMatchObject({ status: 'done', filed: 1, rejected: 1 });
    expect((await errorsOf(job.id)).map((e) => [e.line, e.column])).toEqual([[2, 'rule:no-bad-loan']]);
    expect(await count('R17-')).toBe(2);
  });
});
