/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The bulk endpoints through the app, by role: `POST /api/enterprises/bulk` (all or none, every
 * error named by its row) and `POST /api/repayments` (set-based, each line answered as if the
 * lines were sent one after another; the ledger verifies clean afterwards).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditCode } from '../operations/fixture';
import { ok, send, signInCast, startTestApp, type Client } from './harness';
import { rowsOf } from '../../src/modules/shared/rows';

let t: Awaited<ReturnType<typeof startTestApp>>;
let manager: Client, reviewer: Client, auditor: Client, bankA: Client, bankB: Client, guarantor: Client;

const count = async (q: ReturnType<typeof sql>) => Number(rowsOf(await t.database.db.execute(q))[0]!.n);
const enterprisesCount = () => count(sql`select count(*)::int as n from enterprises`);
const auditCount = () => count(sql`select count(*)::int as n from audit_log`);

const enterprise = (n: number, extra: Record<string, unknown> = {}) => ({
  creditCode: creditCode(n),
  name: `批量企业${n}`,
  size: 'small',
  industry: 'software',
  sciTech: true,
  registeredInZone: true,
  ...extra,
});
/** The code with a wrong check character. */
const badCode = (n: number) => {
  const c = creditCode(n);
  return c.slice(0, 17) + (c.endsWith('0') ? '1' : '0');
};

/** The zone's date: loans are filed on 2025-09-03, their repayments reported on 2025-12-31. */
let day = '2025-09-03';

beforeAll(async () => {
  t = await startTestApp({ today: () => day });
  ({ manager, reviewer, auditor, bankA, bankB, guarantor } = await signInCast(t));
}, 120_000);
afterAll(async () => t?.close());

describe('POST /api/enterprises/bulk', () => {
  it('is in the OpenAPI document with an example', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as any;
    const example = doc.paths['/api/enterprises/bulk'].post.requestBody.content['application/json'].example;
    expect(example.enterprises.length).toBeGreaterThan(1);
    const { isCreditCode } = await import('../../src/core/registry/credit-code');
    expect(example.enterprises.every((e: any) => isCreditCode(e.creditCode))).toBe(true);
  });

  it('who registers enterprises registers them in bulk: a manager and a bank officer (201); reviewer, auditor, guarantor 403; nobody 401', async () => {
    const before = await enterprisesCount();
    for (const c of [reviewer, auditor, guarantor])
      expect((await send(c, 'POST', '/api/enterprises/bulk', { enterprises: [enterprise(900)] })).status).toBe(403);
    expect(
      (
        await t.app.request('/api/enterprises/bulk', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ enterprises: [enterprise(900)] }),
        })
      ).status,
    ).toBe(401);
    expect(await enterprisesCount()).toBe(before);

    const quals = [
      { kind: 'national-high-tech', validFrom: '2024-01-01', validTo: '2026-12-31', certificateNo: 'GR2024001' },
      { kind: 'little-giant', validFrom: '2025-07-01', validTo: '2028-06-30' },
    ];
    const m = await ok(
      await send(manager, 'POST', '/api/enterprises/bulk', {
        enterprises: [enterprise(101, { qualifications: quals }), enterprise(102), enterprise(103, { size: 'micro' })],
      }),
      201,
    );
    expect(m.registered).toBe(3);
    expect(m.items.map((e: any) => e.creditCode)).toEqual([creditCode(101), creditCode(102), creditCode(103)]);
    expect(m.items[0].qualifications).toMatchObject([
      { kind: 'national-high-tech', validTo: '2026-12-31', certificateNo: 'GR2024001' },
      { kind: 'little-giant', certificateNo: null },
    ]);
    expect(m.items[2]).toMatchObject({ size: 'micro', restrictedProcesses: false, qualifications: [] });
    // What the bulk answered is what a read answers.
    expect(await ok(await send(auditor, 'GET', `/api/enterprises/${m.items[0].id}`))).toEqual(m.items[0]);

    // A bank's registrations are its own: the other bank cannot see them (404), as with one at a time.
    const b = await ok(
      await send(bankA, 'POST', '/api/enterprises/bulk', {
        enterprises: [enterprise(201), { ...enterprise(202), creditCode: creditCode(202).toLowerCase() }],
      }),
      201,
    );
    expect(b.items[1].creditCode).toBe(creditCode(202));
    expect((await send(bankB, 'GET', `/api/enterprises/${b.items[0].id}`)).status).toBe(404);
    expect((await ok(await send(bankA, 'GET', `/api/enterprises/${b.items[1].id}`))).id).toBe(b.items[1].id);
    expect(await enterprisesCount()).toBe(before + 5);
  });

  it('writes one audit row per enterprise, the chain intact', async () => {
    const audit = await ok(await send(auditor, 'GET', '/api/audit?entityKind=enterprise&limit=500'));
    const registered = audit.items.filter((e: any) => e.action === 'enterprise.register');
    expect(registered).toHaveLength(5);
    expect(registered.find((e: any) => e.after.creditCode === creditCode(101)).after.qualifications).toHaveLength(2);
    expect(new Set(registered.map((e: any) => e.actor))).toEqual(new Set(['manager', 'bank-a-officer']));
    expect((await ok(await send(auditor, 'GET', '/api/audit/verify'))).ok).toBe(true);
  });

  it('a bad credit code in row 3 → 400 naming enterprises[2].creditCode, and nothing is written', async () => {
    const [e0, a0] = [await enterprisesCount(), await auditCount()];
    const res = await send(manager, 'POST', '/api/enterprises/bulk', {
      enterprises: [enterprise(301), enterprise(302), enterprise(303, { creditCode: badCode(303) }), enterprise(304)],
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as any;
    expect(problem.errors).toEqual([
      {
        field: 'enterprises[2].creditCode',
        code: 'registry.invalid_credit_code',
        en: 'has a wrong check character',
        zh: '校验码错误（GB 32100-2015）',
      },
    ]);
    expect([await enterprisesCount(), await auditCount()]).toEqual([e0, a0]);
    expect((await ok(await send(manager, 'GET', `/api/enterprises?q=${creditCode(301)}`))).items).toEqual([]);
  });

  it('names every bad row and field at once; nothing written', async () => {
    const e0 = await enterprisesCount();
    const res = await send(manager, 'POST', '/api/enterprises/bulk', {
      enterprises: [
        enterprise(311, { size: 'huge' }),
        enterprise(312),
        enterprise(313, { qualifications: [{ kind: 'little-giant', validFrom: '2025-07-01', validTo: '2025-06-30' }] }),
        { ...enterprise(314), colour: 'red' },
        enterprise(315, { name: '' }),
      ],
    });
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as any).errors.map((e: any) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'enterprises[0].size',
        'enterprises[2].qualifications[0].validTo',
        'enterprises[3]',
        'enterprises[4].name',
      ]),
    );
    expect(fields.some((f: string) => f.startsWith('enterprises[1]'))).toBe(false);
    expect(await enterprisesCount()).toBe(e0);
  });

  it('a code twice in the batch → 400 naming the repeat; a code registered already → 409 naming its row; nothing written', async () => {
    const e0 = await enterprisesCount();
    const twice = await send(manager, 'POST', '/api/enterprises/bulk', {
      enterprises: [enterprise(401), enterprise(402), { ...enterprise(401), name: '另一家' }],
    });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as any).errors).toEqual([
      {
        field: 'enterprises[2].creditCode',
        code: 'registry.credit_code_repeated',
        en: 'repeats enterprises[0].creditCode',
        zh: '与第 1 家企业的统一社会信用代码重复',
      },
    ]);
    const taken = await send(bankB, 'POST', '/api/enterprises/bulk', {
      enterprises: [enterprise(403), enterprise(102)],
    });
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as any).errors).toEqual([
      {
        field: 'enterprises[1].creditCode',
        code: 'registry.credit_code_taken',
        en: 'is registered already',
        zh: '已登记',
      },
    ]);
    expect(await enterprisesCount()).toBe(e0);
  });

  it('two requests racing for one credit code: one registers, the other answers 409 naming the row (never 500), nothing half-written', async () => {
    const e0 = await enterprisesCount();
    const [a, b] = await Promise.all([
      send(manager, 'POST', '/api/enterprises/bulk', {
        enterprises: [enterprise(501), enterprise(502), enterprise(503)],
      }),
      send(bankA, 'POST', '/api/enterprises/bulk', { enterprises: [enterprise(504), enterprise(503)] }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const loser = a.status === 409 ? a : b;
    expect(((await loser.json()) as any).errors).toEqual([
      {
        field: a.status === 409 ? 'enterprises[2].creditCode' : 'enterprises[1].creditCode',
        code: 'registry.credit_code_taken',
        en: 'is registered already',
        zh: '已登记',
      },
    ]);
    expect(await enterprisesCount()).toBe(e0 + (a.status === 201 ? 3 : 2));
  });

  it('a code registered between the check and the insert (the race the check cannot see) → 409 naming the row, nothing written', async () => {
    const { createRegistryRepository } = await import('../../src/modules/registry/registry.repository');
    const { registerEnterprises } = await import('../../src/modules/registry/registry.usecases');
    const { Problem } = await import('../../src/modules/shared/problem');
    const real = createRegistryRepository({ db: t.database.db });
    let checks = 0;
    // The first check answers as it would have a moment before the other request committed.
    const stale = {
      ...real,
      registeredCreditCodes: async (codes: string[]) =>
        checks++ === 0 ? new Set<string>() : real.registeredCreditCodes(codes),
    };
    const e0 = await enterprisesCount();
    const actor = {
      userId: 'm',
      username: 'manager',
      displayName: 'm',
      role: 'manager' as const,
      bankId: null,
      guarantorId: null,
      via: 'session' as const,
    };
    const refused = await registerEnterprises({
      repo: stale,
      actor,
      input: { enterprises: [enterprise(601), enterprise(101)] } as any,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(Problem);
    expect(refused).toMatchObject({
      status: 409,
      errors: [{ field: 'enterprises[1].creditCode', code: 'registry.credit_code_taken', en: 'is registered already' }],
    });
    expect(await enterprisesCount()).toBe(e0);
  });

  it('refuses an empty list and more than 1,000 rows', async () => {
    expect((await send(manager, 'POST', '/api/enterprises/bulk', { enterprises: [] })).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ({
      creditCode: creditCode(5000 + i),
      name: `e${i}`,
      size: 'small',
      industry: 'x',
      sciTech: false,
      registeredInZone: true,
    }));
    const res = await send(manager, 'POST', '/api/enterprises/bulk', { enterprises: many });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].field).toBe('enterprises');
  });

  it('registers 1,000 in one request', async () => {
    const e0 = await enterprisesCount();
    const many = Array.from({ length: 1000 }, (_, i) =>
      enterprise(
        10_000 + i,
        i % 3 === 0
          ? { qualifications: [{ kind: 'beijing-specialised-sme', validFrom: '2024-01-01', validTo: '2026-12-31' }] }
          : {},
      ),
    );
    const res = await ok(await send(manager, 'POST', '/api/enterprises/bulk', { enterprises: many }), 201);
    expect(res.registered).toBe(1000);
    expect(await enterprisesCount()).toBe(e0 + 1000);
    expect(await count(sql`select count(*)::int as n from qualifications where kind = 'beijing-specialised-sme'`)).toBe(
      334,
    );
    expect((await ok(await send(auditor, 'GET', '/api/audit/verify'))).ok).toBe(true);
  }, 60_000);
});

describe('POST /api/repayments (set-based)', () => {
  const loans: Record<string, string> = {};
  const file = async (
    bank: Client,
    bankRef: string,
    principal: string,
    n: number,
    programme = 'etown-2025-sci-tech',
  ) => {
    const reporting = day;
    day = '2025-09-03';
    try {
      return (
        await ok(
          await send(bank, 'POST', '/api/filings', {
            bankRef,
            creditCode: creditCode(n),
            programme,
            loan: { kind: 'credit', principal, disbursedOn: '2025-09-01', mode: 'direct' },
          }),
          201,
        )
      ).id as string;
    } finally {
      day = reporting;
    }
  };

  beforeAll(async () => {
    await ok(
      await send(manager, 'POST', '/api/funds', {
        id: 'etown',
        name: '亦庄风险补偿资金',
        programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
        liabilityMultiple: '10',
        capital: '30000000.00',
        on: '2024-01-02',
      }),
      201,
    );
    for (const bank of ['bank-a', 'bank-b']) {
      for (const p of ['etown-2023-small-micro', 'etown-2025-sci-tech'])
        await ok(
          await send(manager, 'POST', '/api/agreements', {
            fundId: 'etown',
            programmeId: p,
            institutionId: bank,
            signedOn: '2024-01-01',
          }),
          201,
        );
    }
    // Twins: the same loans, one serviced line by line, the other in bulk (the sci-tech programme has G5's enterprise cap).
    loans.single = await file(bankA, 'A-1', '8000000.00', 101);
    loans.bulk = await file(bankA, 'A-2', '8000000.00', 102);
    loans.smallSingle = await file(bankA, 'A-3', '1000000.00', 103, 'etown-2023-small-micro');
    loans.smallBulk = await file(bankA, 'A-4', '1000000.00', 103, 'etown-2023-small-micro');
    loans.other = await file(bankB, 'B-1', '2000000.00', 201);
    day = '2025-12-31';
  }, 60_000);

  const script = (a: string, b: string) => [
    { filingId: a, amount: '1000000.00', on: '2025-10-01' },
    { filingId: b, amount: '250000.00', on: '2025-10-01' },
    { filingId: a, amount: '0.00', on: '2025-10-02' },
    { filingId: a, amount: '99000000.00', on: '2025-10-02' },
    { filingId: a, amount: '2000000.00', on: '2025-08-01' },
    { filingId: a, amount: '1234567.89', on: '2025-11-01' },
    { filingId: b, amount: '750000.00', on: '2025-11-01' },
    { filingId: b, amount: '1.00', on: '2025-12-01' },
    { filingId: a, amount: '5765432.11', on: '2025-12-01' },
    { filingId: a, amount: '2000000.00', on: '2025-12-02' },
  ];

  it('a reviewer, an auditor and a guarantor may not (403); another bank’s loan answers 404 on its line', async () => {
    for (const c of [reviewer, auditor, guarantor])
      expect(
        (
          await send(c, 'POST', '/api/repayments', {
            items: [{ filingId: loans.other, amount: '1.00', on: '2025-10-01' }],
          })
        ).status,
      ).toBe(403);
    const res = await ok(
      await send(bankA, 'POST', '/api/repayments', {
        items: [{ filingId: loans.other, amount: '1.00', on: '2025-10-01' }],
      }),
    );
    expect(res).toMatchObject({ applied: 0, refused: 1, items: [{ filingId: loans.other, ok: false, status: 404 }] });
    expect((await ok(await send(bankB, 'GET', `/api/filings/${loans.other}`))).outstanding).toBe('2000000.00');
  });

  it('answers each line exactly as the same lines sent one at a time, and leaves the loans the same', async () => {
    // One at a time through the single route…
    const single = [];
    for (const line of script(loans.single!, loans.smallSingle!)) {
      const res = await send(bankA, 'POST', `/api/filings/${line.filingId}/repayments`, {
        amount: line.amount,
        on: line.on,
      });
      const body = (await res.json()) as any;
      single.push(
        res.status === 200
          ? { ok: true, outstanding: body.outstanding, reserved: body.reserved }
          : { ok: false, status: res.status, errors: body.errors },
      );
    }
    // …and all at once through the bulk route, on the twins.
    const bulk = await ok(
      await send(bankA, 'POST', '/api/repayments', { items: script(loans.bulk!, loans.smallBulk!) }),
    );
    expect(bulk.items.map(({ filingId: _, ...rest }: any) => rest)).toEqual(single);
    expect(bulk).toMatchObject({ applied: 5, refused: 5 });
    expect(bulk.items[7]).toMatchObject({
      status: 409,
      errors: [{ field: 'status', code: 'loan.not_serviceable', en: 'is repaid' }],
    });
    expect(bulk.items.map((i: any) => i.ok)).toEqual([true, true, false, false, false, true, true, false, true, false]);
    expect(bulk.items[3].errors[0].field).toBe('amount');
    expect(bulk.items[4].errors[0].field).toBe('on');
    expect(bulk.items[9]).toMatchObject({
      status: 409,
      errors: [{ field: 'status', code: 'loan.not_serviceable', en: 'is repaid' }],
    });

    for (const [one, many] of [
      [loans.single!, loans.bulk!],
      [loans.smallSingle!, loans.smallBulk!],
    ]) {
      const [a, b] = [
        await ok(await send(bankA, 'GET', `/api/filings/${one}`)),
        await ok(await send(bankA, 'GET', `/api/filings/${many}`)),
      ];
      for (const k of ['outstanding', 'reserved', 'status', 'version']) expect(b[k], k).toEqual(a[k]);
      expect(b.events.map((e: any) => [e.kind, e.on, e.data])).toEqual(
        a.events.map((e: any) => [e.kind, e.on, e.data]),
      );
    }
    expect(await ok(await send(bankA, 'GET', `/api/filings/${loans.bulk}`))).toMatchObject({
      status: 'repaid',
      outstanding: '0.00',
      reserved: '0.00',
    });
  });

  it('books the same ledger transfers and audit rows as the single path', async () => {
    const transfers = async (id: string) =>
      (
        await ok(await send(auditor, 'GET', `/api/ledger/transfers?entityKind=filing&entityId=${id}&limit=500`))
      ).items.map((x: any) =>
        [x.id, x.debit, x.credit]
          .map((s: string) => s.replace(id, '<loan>').replace(/enterprise-(cap|used):.*/, 'enterprise-$1'))
          .concat([x.amount, x.code]),
      );
    expect(await transfers(loans.bulk!)).toEqual(await transfers(loans.single!));
    const audit = async (id: string) =>
      (await ok(await send(auditor, 'GET', `/api/audit?entityKind=filing&entityId=${id}&limit=500`))).items.map(
        (x: any) => [x.action, x.before?.outstanding, x.after.outstanding, x.after.reserved, x.after.version],
      );
    expect(await audit(loans.bulk!)).toEqual(await audit(loans.single!));
  });

  it('leaves the ledger and the audit chain verifying clean', async () => {
    const report = await ok(await send(auditor, 'POST', '/api/ledger/verify'));
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('bad input is named by line, and nothing is written', async () => {
    const a0 = await auditCount();
    const res = await send(bankB, 'POST', '/api/repayments', {
      items: [
        { filingId: loans.other, amount: '1.00', on: '2025-10-01' },
        { filingId: loans.other, amount: '0.001', on: '2025-10-01' },
        { filingId: loans.other, amount: '1.00', on: '2025-02-30' },
      ],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors.map((e: any) => e.field)).toEqual(['items[1].amount', 'items[2].on']);
    expect(await auditCount()).toBe(a0);
    expect((await ok(await send(bankB, 'GET', `/api/filings/${loans.other}`))).outstanding).toBe('2000000.00');
  });

  it('with an Idempotency-Key a repayment sent again answers the first result and repays nothing twice; another request under the key is 422', async () => {
    const id = await file(bankA, 'A-IDEM', '1000000.00', 103, 'etown-2023-small-micro');
    const key = { 'Idempotency-Key': 'repay-A-IDEM-0001' };
    const first = await ok(
      await send(bankA, 'POST', `/api/filings/${id}/repayments`, { amount: '100000.00', on: '2025-10-01' }, key),
    );
    const again = await ok(
      await send(bankA, 'POST', `/api/filings/${id}/repayments`, { amount: '100000.00', on: '2025-10-01' }, key),
    );
    expect(again).toEqual(first);
    expect((await ok(await send(bankA, 'GET', `/api/filings/${id}`))).outstanding).toBe('900000.00');
    const other = await send(
      bankA,
      'POST',
      `/api/filings/${id}/repayments`,
      { amount: '200000.00', on: '2025-10-01' },
      key,
    );
    expect(other.status).toBe(422);
    expect(((await other.json()) as any).errors[0].field).toBe('Idempotency-Key');
    // a key belongs to its bank: bank B's same key is its own
    const bulkKey = { 'Idempotency-Key': 'repay-bulk-0001' };
    const lines = {
      items: [
        { filingId: id, amount: '1000.00', on: '2025-10-02' },
        { filingId: id, amount: '0.01', on: '2025-10-02' },
      ],
    };
    const bulk1 = await ok(await send(bankA, 'POST', '/api/repayments', lines, bulkKey));
    const bulk2 = await ok(await send(bankA, 'POST', '/api/repayments', lines, bulkKey));
    expect(bulk2).toEqual(bulk1);
    expect(bulk1).toMatchObject({ applied: 2, refused: 0 });
    expect((await ok(await send(bankA, 'GET', `/api/filings/${id}`))).outstanding).toBe('898999.99');
    expect((await send(bankA, 'POST', '/api/repayments', { items: [lines.items[0]] }, bulkKey)).status).toBe(422);
    expect((await send(bankA, 'POST', '/api/repayments', lines, { 'Idempotency-Key': 'short' })).status).toBe(400);
  });

  it('a manager reports for any bank; 1,000 lines at once', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => ({
      filingId: loans.other!,
      amount: '1000.00',
      on: i < 500 ? '2025-10-01' : '2025-10-02',
    }));
    const res = await ok(await send(manager, 'POST', '/api/repayments', { items: lines }));
    expect(res).toMatchObject({ applied: 1000, refused: 0 });
    expect(res.items.at(-1)).toMatchObject({ ok: true, outstanding: '1000000.00', reserved: '500000.00' });
    const loan = await ok(await send(bankB, 'GET', `/api/filings/${loans.other}`));
    expect(loan).toMatchObject({ outstanding: '1000000.00', reserved: '500000.00', version: 1001 });
    expect(loan.events).toHaveLength(1001);
    expect((await ok(await send(auditor, 'POST', '/api/ledger/verify'))).ok).toBe(true);
  }, 60_000);
});
