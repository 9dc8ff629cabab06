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
    // Every figure of the JSON is a column of the download, in the same order.
    expect(book.get('parties')![0]).toEqual(Object.keys(split.parties[0]!));
    expect(book.get('at claim')![0]).toEqual(Object.keys(split.atClaim[0]!));
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
