/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The report endpoints through the app, by role, on a small seeded demo (many banks, risk-sharing
 * loans, claims paid): every role may read (200); a bank sees only its own rows, a guarantor only
 * the loans it guarantees; CSV and XLSX downloads parse back to the JSON's rows; bad queries 400;
 * no session 401.
 */
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYuan } from '../../src/core/money/money';
import { seedDemo } from '../../src/modules/demo/demo.seed';
import { startTestApp } from './harness';
import { rowsOf } from '../../src/modules/shared/rows';

const TODAY = '2026-11-25';
let t: Awaited<ReturnType<typeof startTestApp>>;
type Client = Awaited<ReturnType<typeof t.signIn>>;
const c: Record<'manager' | 'reviewer' | 'auditor' | 'icbc' | 'bob' | 'guarantor', Client> = {} as never;
const ROLES = ['manager', 'reviewer', 'auditor', 'icbc', 'bob', 'guarantor'] as const;
const BANK_OF = { icbc: 'bank-icbc', bob: 'bank-bob' } as const;
const REPORTS = [
  '/api/reports/position',
  '/api/reports/banks',
  '/api/reports/breakdown?by=bank',
  '/api/reports/breakdown?by=month',
  '/api/reports/monthly',
  '/api/reports/risk-sharing',
];

const rows = async (q: ReturnType<typeof sql>) => rowsOf(await t.database.db.execute(q));
const json = async (client: Client, path: string) => {
  const res = await client(path);
  const text = await res.text();
  expect(res.status, `${path}: ${text}`).toBe(200);
  return JSON.parse(text);
};
const withFormat = (path: string, format: string) => `${path}${path.includes('?') ? '&' : '?'}format=${format}`;

/** CSV as the app writes it (UTF-8 with a BOM, CRLF, quoted fields), back to rows of text. */
function parseCsv(bytes: Uint8Array): string[][] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r') continue;
    else if (ch === '\n') {
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  return out;
}

async function sheets(res: Response): Promise<Map<string, string[][]>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  const out = new Map<string, string[][]>();
  book.eachSheet((s) => {
    const r: string[][] = [];
    s.eachRow((row) => {
      r.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))));
    });
    out.set(s.name, r);
  });
  return out;
}

beforeAll(async () => {
  t = await startTestApp({ today: () => TODAY });
  await seedDemo({ db: t.database.db, catalog: t.services.ops.catalog(), asOf: TODAY, loans: 400, enterprises: 200 });
  c.manager = await t.signIn('manager', 'manager');
  c.reviewer = await t.signIn('reviewer', 'reviewer');
  c.auditor = await t.signIn('auditor', 'auditor');
  c.icbc = await t.signIn('bank-icbc', 'bank', { bankId: 'bank-icbc' });
  c.bob = await t.signIn('bank-bob', 'bank', { bankId: 'bank-bob' });
  c.guarantor = await t.signIn('guarantor', 'guarantor', { guarantorId: 'guarantor-bjcg' });
}, 180_000);
afterAll(async () => t?.close());

describe('who may read the reports', () => {
  it('every role gets 200 from every report; without a session 401', async () => {
    for (const path of REPORTS) {
      for (const role of ROLES) await json(c[role], path);
      expect((await t.app.request(path)).status, path).toBe(401);
    }
  });

  it('names the field of a bad query with 400', async () => {
    for (const [path, field] of [
      ['/api/reports/breakdown?by=colour', 'by'],
      ['/api/reports/breakdown', 'by'],
      ['/api/reports/monthly?format=pdf', 'format'],
    ] as const) {
      const res = await c.manager(path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as any).errors.map((e: any) => e.field)).toContain(field);
    }
  });
});

describe('scope: a bank sees its own rows only, a guarantor the loans it guarantees', () => {
  it('banks: staff see all 18, a bank its own row, a guarantor none', async () => {
    const all = (await json(c.manager, '/api/reports/banks')).items;
    expect(all).toHaveLength(18);
    for (const role of ['reviewer', 'auditor'] as const)
      expect((await json(c[role], '/api/reports/banks')).items).toEqual(all);
    for (const role of ['icbc', 'bob'] as const) {
      const mine = (await json(c[role], '/api/reports/banks')).items;
      expect(mine.map((r: any) => r.bankId)).toEqual([BANK_OF[role]]);
      expect(mine[0]).toEqual(all.find((r: any) => r.bankId === BANK_OF[role]));
    }
    expect((await json(c.guarantor, '/api/reports/banks')).items).toEqual([]);
  });

  it('breakdown by bank: a bank gets exactly its own figures, as the database has them', async () => {
    const all = (await json(c.manager, '/api/reports/breakdown?by=bank')).items;
    expect(all.length).toBeGreaterThan(10);
    for (const role of ['icbc', 'bob'] as const) {
      const mine = (await json(c[role], '/api/reports/breakdown?by=bank')).items;
      expect(mine).toEqual([all.find((r: any) => r.bank === BANK_OF[role])]);
      const [db] = await rows(
        sql`select count(*)::int as n, sum(principal)::text as p from filings where bank_id = ${BANK_OF[role]} and status <> 'withdrawn'`,
      );
      expect(mine[0].loans).toBe(Number(db!.n));
      expect(parseYuan(mine[0].filedPrincipal)).toBe(BigInt(String(db!.p)));
    }
  });

  it('by month and monthly: a bank’s months add up to its own book, not the whole', async () => {
    for (const role of ['icbc', 'bob'] as const) {
      const [db] = await rows(
        sql`select count(*)::int as n, sum(principal)::text as p from filings where bank_id = ${BANK_OF[role]} and status <> 'withdrawn'`,
      );
      const byMonth = (await json(c[role], '/api/reports/breakdown?by=month')).items;
      expect(byMonth.reduce((s: bigint, r: any) => s + parseYuan(r.filedPrincipal), 0n)).toBe(BigInt(String(db!.p)));
      const monthly = (await json(c[role], '/api/reports/monthly')).items;
      expect(monthly.reduce((s: number, r: any) => s + r.loansFiled, 0)).toBe(Number(db!.n));
      expect(monthly.reduce((s: bigint, r: any) => s + parseYuan(r.filedPrincipal), 0n)).toBe(BigInt(String(db!.p)));
    }
    const [whole] = await rows(sql`select count(*)::int as n from filings where status <> 'withdrawn'`);
    expect(
      (await json(c.manager, '/api/reports/monthly')).items.reduce((s: number, r: any) => s + r.loansFiled, 0),
    ).toBe(Number(whole!.n));
  });

  it('risk-sharing: a bank counts its own loans, a guarantor the ones it guarantees', async () => {
    const count = async (q: ReturnType<typeof sql>) => Number((await rows(q))[0]!.n);
    const all = await count(
      sql`select count(*)::int as n from filings where mode = 'risk-sharing' and status <> 'withdrawn'`,
    );
    expect(all).toBeGreaterThan(0);
    expect((await json(c.manager, '/api/reports/risk-sharing')).loans).toBe(all);
    for (const role of ['icbc', 'bob'] as const) {
      expect((await json(c[role], '/api/reports/risk-sharing')).loans).toBe(
        await count(
          sql`select count(*)::int as n from filings where mode = 'risk-sharing' and status <> 'withdrawn' and bank_id = ${BANK_OF[role]}`,
        ),
      );
    }
    const mine = await json(c.guarantor, '/api/reports/risk-sharing');
    expect(mine.loans).toBe(
      await count(
        sql`select count(*)::int as n from filings where mode = 'risk-sharing' and status <> 'withdrawn' and guarantor_id = 'guarantor-bjcg'`,
      ),
    );
    expect(mine.loans).toBeLessThan(all);
    const guarantors = mine.parties.filter((p: any) => p.party === 'guarantor').map((p: any) => p.institutionId);
    expect(guarantors).toEqual(['guarantor-bjcg']);
  });

  it('position: the funds’ own figures, the same for every role', async () => {
    const all = (await json(c.manager, '/api/reports/position')).items;
    expect(all.map((p: any) => p.fundId).sort()).toEqual(['etown', 'etown-sci-tech']);
    for (const role of ROLES) expect((await json(c[role], '/api/reports/position')).items).toEqual(all);
    expect((await json(c.manager, '/api/reports/position?fundId=etown')).items.map((p: any) => p.fundId)).toEqual([
      'etown',
    ]);
  });
});

describe('downloads', () => {
  it('CSV of every report parses back to the JSON’s rows, for each role’s scope', async () => {
    for (const role of ROLES) {
      for (const path of REPORTS.filter((p) => !p.includes('risk-sharing'))) {
        const body = await json(c[role], path);
        const res = await c[role](withFormat(path, 'csv'));
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
        expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="backstop-.+\.csv"/);
        const [header, ...data] = parseCsv(new Uint8Array(await res.arrayBuffer()));
        expect(data, `${role} ${path}`).toHaveLength(body.items.length);
        if (body.items.length === 0) continue;
        const first = body.items[0];
        for (const [k, v] of Object.entries(first)) {
          if (v !== null && typeof v !== 'object') expect(data[0]![header!.indexOf(k)], `${path} ${k}`).toBe(String(v));
        }
        if (path.includes('by=bank') && BANK_OF[role as keyof typeof BANK_OF])
          expect(data.map((r) => r[header!.indexOf('bank')])).toEqual([BANK_OF[role as keyof typeof BANK_OF]]);
      }
    }
  });

  it('XLSX parses back: one sheet per table, the rows of the JSON, a bank’s file holds its own bank only', async () => {
    const banks = await sheets(await c.bob('/api/reports/banks?format=xlsx'));
    const [header, ...data] = banks.get('banks')!;
    expect(data.map((r) => r[header!.indexOf('bankId')])).toEqual(['bank-bob']);
    const json1 = (await json(c.bob, '/api/reports/banks')).items[0];
    expect(data[0]![header!.indexOf('netCompensation')]).toBe(json1.netCompensation);

    const split = await json(c.manager, '/api/reports/risk-sharing');
    const res = await c.manager('/api/reports/risk-sharing?format=xlsx');
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = await sheets(res);
    expect([...book.keys()]).toEqual(['parties', 'at claim', 'book']);
    expect(book.get('parties')!.length - 1).toBe(split.parties.length);
    const [bh, bookRow] = book.get('book')!;
    // Every figure of the JSON is a column of the download, in the same order, a code's name beside it (Chinese by default).
    expect(book.get('parties')![0]).toEqual(
      Object.keys(split.parties[0]!).flatMap((k) =>
        k === 'party' ? [k, '分险方'] : k === 'institutionId' ? [k, '机构名称'] : [k],
      ),
    );
    expect(book.get('at claim')![0]).toEqual(
      Object.keys(split.atClaim[0]!).flatMap((k) => (k === 'party' ? [k, '分险方'] : [k])),
    );
    expect(bh).toEqual(Object.keys(split).filter((k) => k !== 'parties' && k !== 'atClaim'));
    expect(book.get('at claim')!.length - 1).toBe(split.atClaim.length);
    expect(bookRow![bh!.indexOf('loans')]).toBe(String(split.loans));
    expect(bookRow![bh!.indexOf('filedPrincipal')]).toBe(split.filedPrincipal);

    // A report with nothing in it exports too (an empty table was a 500).
    const empty = await c.manager('/api/reports/monthly?fundId=nosuch&format=xlsx');
    expect(empty.status).toBe(200);
    expect((await sheets(empty)).get('monthly')).toEqual([
      ['month', 'filedPrincipal', 'loansFiled', 'payouts', 'claimsPaid', 'recovered', 'refunds', 'recoveries'],
    ]);

    const position = await sheets(await c.auditor('/api/reports/position?format=xlsx'));
    expect(position.get('position')!.length - 1).toBe(2);
  });
});

describe('names beside the codes (issue 18)', () => {
  const names = async (table: string, column: string) =>
    Object.fromEntries(
      (
        await rows(
          sql.raw(
            `select id, ${column} as zh, coalesce(${column === 'name' ? 'name_en' : 'title_en'}, ${column}) as en from ${table}`,
          ),
        )
      ).map((r) => [String(r.id), { zh: String(r.zh), en: String(r.en) }]),
    );

  it('CSV by bank and by programme: the code column kept, its name beside it, in the language asked, headed in it', async () => {
    const banks = await names('institutions', 'name');
    const programmes = await names('programmes', 'title_zh');
    for (const [lang, accept] of [
      ['zh', undefined],
      ['en', undefined],
      [undefined, 'en-GB,en;q=0.9'],
      [undefined, 'zh-CN,zh;q=0.9'],
    ] as const) {
      const want = lang ?? (accept!.startsWith('en') ? 'en' : 'zh');
      const q = lang ? `&lang=${lang}` : '';
      const init = accept ? { headers: { 'accept-language': accept } } : {};
      const byBank = await c.manager(`/api/reports/breakdown?by=bank&format=csv${q}`, init);
      const [bh, ...bankRows] = parseCsv(new Uint8Array(await byBank.arrayBuffer()));
      expect(bh!.slice(0, 2)).toEqual(['bank', want === 'zh' ? '银行名称' : 'Bank name']);
      expect(bankRows.length).toBeGreaterThan(10);
      for (const r of bankRows) expect(r[1], r[0]).toBe(banks[r[0]!]![want]);
      expect(bankRows.some((r) => r[1] !== r[0])).toBe(true);

      const byProgramme = await c.manager(`/api/reports/breakdown?by=programme&format=csv${q}`, init);
      const [ph, ...programmeRows] = parseCsv(new Uint8Array(await byProgramme.arrayBuffer()));
      expect(ph!.slice(0, 2)).toEqual(['programme', want === 'zh' ? '政策名称' : 'Programme name']);
      expect(programmeRows.length).toBeGreaterThan(0);
      for (const r of programmeRows) expect(r[1], r[0]).toBe(programmes[r[0]!]![want]);
    }
  });

  it('CSV by loan kind: the kind in words', async () => {
    const zh = parseCsv(
      new Uint8Array(await (await c.manager('/api/reports/breakdown?by=kind&format=csv&lang=zh')).arrayBuffer()),
    );
    expect(zh[0]!.slice(0, 2)).toEqual(['kind', '贷款品种']);
    expect(zh.find((r) => r[0] === 'credit')?.[1]).toBe('信用贷款');
    const en = parseCsv(
      new Uint8Array(await (await c.manager('/api/reports/breakdown?by=kind&format=csv&lang=en')).arrayBuffer()),
    );
    expect(en[0]!.slice(0, 2)).toEqual(['kind', 'Loan kind']);
    expect(en.find((r) => r[0] === 'credit')?.[1]).toBe('credit loan');
  });

  it('XLSX risk-sharing: each party and institution named, in English when asked', async () => {
    const institutions = await names('institutions', 'name');
    const book = await sheets(await c.manager('/api/reports/risk-sharing?format=xlsx&lang=en'));
    const [header, ...parties] = book.get('parties')!;
    expect(header!.slice(0, 4)).toEqual(['party', 'Party', 'institutionId', 'Institution name']);
    const guarantor = parties.find((r) => r[0] === 'guarantor')!;
    expect(guarantor[1]).toBe('guarantor');
    expect(guarantor[3]).toBe(institutions[guarantor[2]!]!.en);
    const zh = await sheets(await c.manager('/api/reports/risk-sharing?format=xlsx&lang=zh'));
    const g = zh.get('parties')!.find((r) => r[0] === 'guarantor')!;
    expect(g[1]).toBe('融资担保机构');
    expect(g[3]).toBe(institutions[g[2]!]!.zh);
    expect(g[3]).not.toBe(g[2]);
  });

  it('XLSX by bank in English: the bank’s English name beside its code', async () => {
    const banks = await names('institutions', 'name');
    const [h, ...data] = (await sheets(await c.manager('/api/reports/breakdown?by=bank&format=xlsx&lang=en'))).get(
      'by bank',
    )!;
    expect(h!.slice(0, 2)).toEqual(['bank', 'Bank name']);
    expect(data.find((r) => r[0] === 'bank-icbc')?.[1]).toBe(banks['bank-icbc']!.en);
  });
});
