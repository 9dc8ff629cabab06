/**
 * Search that finds (issue 18): one `q` on the filings, claims and enterprises lists — a contract
 * number's beginning, any part of the borrower's name (three Chinese characters or more by the
 * trigram index, one or two without it), a credit code, a claim number — inside the caller's
 * scope (a bank never finds another bank's rows, and its totals count only its own), with each
 * list's total; readable claim numbers (BP-<year>-<sequence>) and the borrower on claims.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, openEtownForBankA, send, signInCast, startTestApp, type Client } from './harness';

let day = '2025-09-03';
let t: Awaited<ReturnType<typeof startTestApp>>;
let cast: Awaited<ReturnType<typeof signInCast>>;
interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
  totalCapped: boolean;
}
interface Row {
  id: string;
  bankRef?: string;
  bankId?: string;
  number?: string;
  name?: string;
  enterpriseName?: string;
}
const claimIds: Record<string, string> = {};
const claimNumbers: Record<string, string> = {};

const ENTERPRISES: [number, string][] = [
  [2, '北京亦庄智造科技有限公司'],
  [3, '亦庄生物医药有限公司'],
  [4, '中关村软件有限公司'],
  [5, 'Acme Robotics 北京分公司'],
];
// bankRef → [bank, enterprise]
const LOANS: [string, 'a' | 'b', number][] = [
  ['A-2025-001', 'a', 2],
  ['A-2025-002', 'a', 3],
  ['A-2026-010', 'a', 4],
  ['A-2025-100%', 'a', 5],
  ['B-2025-001', 'b', 2],
  ['B-2025-002', 'b', 4],
];

async function list(client: Client, path: string, q: string, extra = ''): Promise<Page<Row>> {
  return (await ok(await client(`${path}?q=${encodeURIComponent(q)}${extra}`))) as Page<Row>;
}
const refs = (p: Page<Row>) => p.items.map((r) => r.bankRef).sort();

beforeAll(async () => {
  t = await startTestApp({ today: () => day });
  cast = await signInCast(t);
  const { manager } = cast;
  await openEtownForBankA(manager, creditCode(1));
  for (const programmeId of ['etown-2023-small-micro', 'etown-2025-sci-tech'])
    await ok(
      await send(manager, 'POST', '/api/agreements', {
        fundId: 'etown',
        programmeId,
        institutionId: 'bank-b',
        signedOn: '2024-01-01',
      }),
      201,
    );
  for (const [n, name] of ENTERPRISES)
    await ok(
      await send(manager, 'POST', '/api/enterprises', {
        creditCode: creditCode(n),
        name,
        size: 'small',
        industry: 'software',
        sciTech: true,
        registeredInZone: true,
      }),
      201,
    );
  const filingIds: Record<string, string> = {};
  for (const [bankRef, bank, n] of LOANS) {
    const officer = bank === 'a' ? cast.bankA : cast.bankB;
    const filed = await ok(
      await send(officer, 'POST', '/api/filings', {
        bankRef,
        creditCode: creditCode(n),
        programme: 'etown-2025-sci-tech',
        loan: { kind: 'credit', principal: '1000000.00', disbursedOn: '2025-09-01', maturesOn: '2026-08-31' },
      }),
      201,
    );
    filingIds[bankRef] = filed.id;
  }
  day = '2026-01-12';
  for (const bankRef of ['A-2025-001', 'B-2025-001', 'A-2025-002']) {
    const officer = bankRef.startsWith('A') ? cast.bankA : cast.bankB;
    await ok(
      await send(officer, 'POST', `/api/filings/${filingIds[bankRef]}/classification`, {
        classification: 'doubtful',
        overdueSince: '2025-10-01',
        on: day,
      }),
    );
    const claim = await ok(await send(officer, 'POST', '/api/claims', { filingId: filingIds[bankRef] }), 201);
    claimIds[bankRef] = claim.id;
    claimNumbers[bankRef] = claim.number;
  }
}, 240_000);
afterAll(async () => t?.close());

describe('filings: GET /api/filings?q=', () => {
  it('finds by the beginning of the contract number, within the bank’s own loans', async () => {
    const m = await list(cast.manager, '/api/filings', 'A-2025');
    expect(refs(m)).toEqual(['A-2025-001', 'A-2025-002', 'A-2025-100%']);
    expect(m.total).toBe(3);
    expect(refs(await list(cast.manager, '/api/filings', 'B-2025-00'))).toEqual(['B-2025-001', 'B-2025-002']);
    // The middle of a contract number is not its beginning.
    expect((await list(cast.manager, '/api/filings', '2025-001')).items).toEqual([]);
    const b = await list(cast.bankB, '/api/filings', 'A-2025');
    expect(b.items).toEqual([]);
    expect(b.total).toBe(0);
  });

  it('takes % and _ as typed, not as wildcards', async () => {
    expect(refs(await list(cast.manager, '/api/filings', 'A-2025-100%'))).toEqual(['A-2025-100%']);
    expect((await list(cast.manager, '/api/filings', '%')).items).toEqual([]);
    expect((await list(cast.manager, '/api/filings', 'A_2025')).items).toEqual([]);
  });

  it('finds by part of the enterprise’s Chinese name: four characters, two, one', async () => {
    const four = await list(cast.manager, '/api/filings', '亦庄智造');
    expect(refs(four)).toEqual(['A-2025-001', 'B-2025-001']);
    expect(four.items.every((r) => r.enterpriseName === '北京亦庄智造科技有限公司')).toBe(true);
    const two = await list(cast.manager, '/api/filings', '亦庄');
    expect(refs(two)).toEqual(['A-2025-001', 'A-2025-002', 'B-2025-001']);
    expect(two.total).toBe(3);
    expect(refs(await list(cast.manager, '/api/filings', '生物医药'))).toEqual(['A-2025-002']);
    expect(refs(await list(cast.manager, '/api/filings', '村'))).toEqual(['A-2026-010', 'B-2025-002']);
    // English names, whatever the case.
    expect(refs(await list(cast.manager, '/api/filings', 'acme robot'))).toEqual(['A-2025-100%']);
  });

  it('a bank finds only its own loans by a name, and its total counts only those', async () => {
    const a = await list(cast.bankA, '/api/filings', '亦庄');
    expect(refs(a)).toEqual(['A-2025-001', 'A-2025-002']);
    expect(a.total).toBe(2);
    const b = await list(cast.bankB, '/api/filings', '亦庄');
    expect(refs(b)).toEqual(['B-2025-001']);
    expect(b.total).toBe(1);
    expect((await list(cast.bankB, '/api/filings', '生物医药')).items).toEqual([]);
  });

  it('finds by the credit code, whole or its beginning', async () => {
    expect(refs(await list(cast.manager, '/api/filings', creditCode(4)))).toEqual(['A-2026-010', 'B-2025-002']);
    expect(refs(await list(cast.manager, '/api/filings', creditCode(4).toLowerCase()))).toEqual([
      'A-2026-010',
      'B-2025-002',
    ]);
    expect(refs(await list(cast.bankB, '/api/filings', creditCode(3)))).toEqual([]);
    const prefix = await list(cast.manager, '/api/filings', '911103020000000');
    expect(prefix.total).toBe(LOANS.length);
  });

  it('answers the total of the filters, not of the page', async () => {
    const page = await list(cast.manager, '/api/filings', '亦庄', '&limit=1');
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    expect(page).toMatchObject({ total: 3, totalCapped: false });
    const next = (await ok(
      await cast.manager(`/api/filings?q=${encodeURIComponent('亦庄')}&limit=1&cursor=${page.nextCursor}`),
    )) as Page<Row>;
    expect(next.total).toBe(3);
    const all = (await ok(await cast.manager('/api/filings?limit=2'))) as Page<Row>;
    expect(all.total).toBe(LOANS.length);
    const own = (await ok(await cast.bankA('/api/filings?limit=2'))) as Page<Row>;
    expect(own.total).toBe(LOANS.filter((l) => l[1] === 'a').length);
    expect(((await ok(await cast.manager('/api/filings?q=%20%20&limit=1'))) as Page<Row>).total).toBe(LOANS.length);
  });

  it('refuses a search longer than 100 characters, naming q', async () => {
    const res = await cast.manager(`/api/filings?q=${'x'.repeat(101)}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toContain('q');
  });
});

describe('claims: readable numbers, the borrower, GET /api/claims?q=', () => {
  it('numbers each claim BP-<year of submission>-<sequence>, in the order they were made', async () => {
    expect(claimNumbers['A-2025-001']).toBe('BP-2026-000001');
    expect(claimNumbers['B-2025-001']).toBe('BP-2026-000002');
    expect(claimNumbers['A-2025-002']).toBe('BP-2026-000003');
    const one = await ok(await cast.bankA(`/api/claims/${claimIds['A-2025-002']}`));
    expect(one).toMatchObject({ number: 'BP-2026-000003', enterpriseName: '亦庄生物医药有限公司' });
  });

  it('lists each claim with its number and borrower, and its total', async () => {
    const page = (await ok(await cast.manager('/api/claims?limit=2'))) as Page<Row>;
    expect(page).toMatchObject({ total: 3, totalCapped: false });
    expect(page.items).toHaveLength(2);
    for (const c of page.items) expect(c.number).toMatch(/^BP-2026-\d{6}$/);
    const all = (await ok(await cast.manager('/api/claims'))) as Page<Row>;
    expect(Object.fromEntries(all.items.map((c) => [c.bankRef, c.enterpriseName]))).toEqual({
      'A-2025-001': '北京亦庄智造科技有限公司',
      'B-2025-001': '北京亦庄智造科技有限公司',
      'A-2025-002': '亦庄生物医药有限公司',
    });
  });

  it('finds a claim by its number (whole, lower case, or its beginning), but not another bank’s', async () => {
    const n = claimNumbers['B-2025-001']!;
    expect(refs(await list(cast.manager, '/api/claims', n))).toEqual(['B-2025-001']);
    expect(refs(await list(cast.manager, '/api/claims', n.toLowerCase()))).toEqual(['B-2025-001']);
    expect((await list(cast.manager, '/api/claims', 'BP-2026-')).total).toBe(3);
    expect((await list(cast.manager, '/api/claims', 'BP-2025-')).total).toBe(0);
    expect(refs(await list(cast.bankB, '/api/claims', n))).toEqual(['B-2025-001']);
    const other = await list(cast.bankA, '/api/claims', n);
    expect(other.items).toEqual([]);
    expect(other.total).toBe(0);
    expect((await list(cast.bankA, '/api/claims', 'BP-2026-')).total).toBe(2);
  });

  it('finds claims by contract number, borrower name (two characters too) and credit code', async () => {
    expect(refs(await list(cast.manager, '/api/claims', 'A-2025'))).toEqual(['A-2025-001', 'A-2025-002']);
    expect(refs(await list(cast.manager, '/api/claims', '亦庄'))).toEqual(['A-2025-001', 'A-2025-002', 'B-2025-001']);
    expect(refs(await list(cast.manager, '/api/claims', '智造科技'))).toEqual(['A-2025-001', 'B-2025-001']);
    expect(refs(await list(cast.manager, '/api/claims', creditCode(3)))).toEqual(['A-2025-002']);
    expect(refs(await list(cast.bankB, '/api/claims', '亦庄'))).toEqual(['B-2025-001']);
    expect(refs(await list(cast.bankB, '/api/claims', creditCode(3)))).toEqual([]);
  });
});

describe('enterprises: GET /api/enterprises?q=', () => {
  const names = (p: Page<Row>) => p.items.map((e) => e.name).sort();
  it('finds by part of the name and by credit code, with the total, within what a bank sees', async () => {
    const two = await list(cast.manager, '/api/enterprises', '亦庄');
    expect(names(two)).toEqual(['亦庄生物医药有限公司', '北京亦庄智造科技有限公司'].sort());
    expect(two.total).toBe(2);
    expect(names(await list(cast.manager, '/api/enterprises', '智造科技有限'))).toEqual(['北京亦庄智造科技有限公司']);
    expect(names(await list(cast.manager, '/api/enterprises', creditCode(4)))).toEqual(['中关村软件有限公司']);
    // bank-b lends to enterprises 2 and 4 only.
    const b = await list(cast.bankB, '/api/enterprises', '亦庄');
    expect(names(b)).toEqual(['北京亦庄智造科技有限公司']);
    expect(b.total).toBe(1);
    expect((await list(cast.bankB, '/api/enterprises', creditCode(3))).total).toBe(0);
    const all = (await ok(await cast.manager('/api/enterprises?limit=2'))) as Page<Row>;
    expect(all).toMatchObject({ total: ENTERPRISES.length + 1, totalCapped: false });
  });
});
