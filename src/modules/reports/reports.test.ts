/** Reports on the fixture world: figures checked against sums of what the test itself did; bank scoping; CSV/XLSX export. */
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etownWorld, icbc, bob, manager, reviewer } from '../../../test/operations/fixture';
import { formatYuan, parseYuan } from '../../core/money/money';
import { allBankFigures, breakerOf, breakerView } from '../claims/breaker.usecases';
import { approveClaim, payApprovedClaim, prepareClaim, submitClaim } from '../claims/claims.usecases';
import { fileLoan } from '../filings/filings.usecases';
import { createFund } from '../funds/funds.usecases';
import { reportRecovery } from '../recoveries/recoveries.usecases';
import { reportClassification, reportRepayment } from '../servicing/servicing.usecases';
import { rowsOf } from '../shared/rows';
import { safeText, tableOf, toCsv, toXlsx } from './reports.export';
import { bankRow, breakdownRow, columnsOf, monthlyRow, positionRow } from './reports.schemas';
import { bankRatios, BREAKDOWNS, breakdown, fundPosition, monthly } from './reports.usecases';

let w: Awaited<ReturnType<typeof etownWorld>>;
const did = { capital: parseYuan('100000000.00'), paid: 0n, refunded: 0n, live: 0n, icbcFiled: 0n, bobFiled: 0n };
beforeAll(async () => {
  w = await etownWorld();
  const file = async (actor: typeof icbc, ref: string, n: number, principal: string) =>
    (
      await fileLoan({
        db: w.db,
        catalog: w.catalog,
        actor,
        today: '2025-09-03',
        input: {
          bankRef: ref,
          enterpriseId: await w.enterprise(n),
          loan: { kind: 'credit', principal: parseYuan(principal), disbursedOn: '2025-09-01', mode: 'direct' },
        } as never,
      })
    ).filing;
  const a = await file(icbc, 'R-1', 1, '2000000.00');
  const b = await file(icbc, 'R-2', 2, '1000000.00');
  const c = await file(bob, 'R-3', 3, '3000000.00');
  did.icbcFiled = parseYuan('3000000.00');
  did.bobFiled = parseYuan('3000000.00');
  await reportRepayment({
    db: w.db,
    actor: icbc,
    id: b.id,
    amount: parseYuan('400000.00'),
    on: '2025-12-01',
    today: '2025-12-01',
  });
  await reportClassification({
    db: w.db,
    catalog: w.catalog,
    actor: icbc,
    id: a.id,
    classification: 'substandard',
    overdueSince: null,
    on: '2026-03-02',
    today: '2026-03-02',
  });
  const { claim } = await submitClaim({
    db: w.db,
    catalog: w.catalog,
    actor: icbc,
    input: { filingId: a.id },
    today: '2026-03-03',
  });
  await prepareClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claim.id, today: '2026-03-03' });
  await approveClaim({
    dossier: 'waived',
    db: w.db,
    catalog: w.catalog,
    actor: reviewer,
    id: claim.id,
    today: '2026-03-05',
  });
  await payApprovedClaim({ db: w.db, actor: manager, id: claim.id, today: '2026-03-06' });
  did.paid = parseYuan(claim.compensation);
  const { recovery } = await reportRecovery({
    db: w.db,
    catalog: w.catalog,
    actor: icbc,
    claimId: claim.id,
    amount: parseYuan('200000.00'),
    on: '2026-05-10',
    today: '2026-05-10',
  });
  did.refunded = parseYuan(recovery.refund);
  did.live = parseYuan('600000.00') + parseYuan('3000000.00');
  void c;
});
afterAll(async () => w?.close());

describe('fund position', () => {
  it('reads capital, cash, payouts, refunds and leverage from the ledger', async () => {
    const [p] = await fundPosition({ db: w.db, fundId: 'etown' });
    expect(p!.capital).toBe(formatYuan(did.capital));
    expect(p!.cash).toBe(formatYuan(did.capital - did.paid + did.refunded));
    expect(p!.payouts).toBe(formatYuan(did.paid));
    expect(p!.refunds).toBe(formatYuan(did.refunded));
    expect(p!.liveFiledPrincipal).toBe(formatYuan(did.live));
    // leverage = live filed principal ÷ capital, two decimals: 3,600,000 / 100,000,000 = 0.036 → 0.04
    expect(p!.leverage).toBe('0.04');
    expect(parseYuan(p!.capacityLeft) + parseYuan(p!.committedLiability)).toBe(parseYuan(p!.limit));
  });
  it('answers 404 for an unknown fund', async () => {
    await expect(fundPosition({ db: w.db, fundId: 'nope' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('breakdowns and bank ratios', () => {
  it('by bank: a manager sees both banks; a bank only its own row', async () => {
    const all = await breakdown({ db: w.db, actor: manager, by: 'bank' });
    expect(all.map((r) => r.bank)).toEqual(['bank-bob', 'bank-icbc']);
    expect(all.find((r) => r.bank === 'bank-icbc')!.filedPrincipal).toBe(formatYuan(did.icbcFiled));
    expect(all.find((r) => r.bank === 'bank-icbc')!.claimsPaid).toBe(formatYuan(did.paid));
    const mine = await breakdown({ db: w.db, actor: bob, by: 'bank' });
    expect(mine.map((r) => r.bank)).toEqual(['bank-bob']);
    const months = await breakdown({ db: w.db, actor: icbc, by: 'month' });
    expect(months.reduce((s, r) => s + parseYuan(r.filedPrincipal), 0n)).toBe(did.icbcFiled);
  });
  it('bank ratios come from the breaker; another bank is not present', async () => {
    const rows = await bankRatios({ db: w.db, catalog: w.catalog, actor: bob });
    expect(rows.map((r) => r.bankId)).toEqual(['bank-bob']);
    const icbcRow = (await bankRatios({ db: w.db, catalog: w.catalog, actor: manager })).find(
      (r) => r.bankId === 'bank-icbc',
    )!;
    expect(icbcRow.netCompensation).toBe(formatYuan(did.paid - did.refunded));
    expect(icbcRow.claimRatioThreshold).toBe('0.03');
  });
  it('bank ratios of one fund: the banks that filed under it, their book in it; an unknown fund is a 404', async () => {
    const all = await bankRatios({ db: w.db, catalog: w.catalog, actor: manager });
    const etown = await bankRatios({ db: w.db, catalog: w.catalog, actor: manager, fundId: 'etown' });
    expect(etown.map((r) => [r.bankId, r.outstanding, r.nplPrincipal])).toEqual(
      all.map((r) => [r.bankId, r.outstanding, r.nplPrincipal]),
    );
    await createFund({
      db: w.db,
      actor: manager,
      input: {
        id: 'etown-2',
        name: '第二支资金',
        programmes: ['etown-2025-sci-tech'],
        liabilityMultipleBp: 100_000,
        capital: parseYuan('1000000.00'),
        on: '2024-01-02',
      },
    });
    expect(await bankRatios({ db: w.db, catalog: w.catalog, actor: manager, fundId: 'etown-2' })).toEqual([]);
    await expect(bankRatios({ db: w.db, catalog: w.catalog, actor: manager, fundId: 'nope' })).rejects.toMatchObject({
      status: 404,
    });
  });
  it("a manager's bank ratios take every bank's figures in one query, the same as the breaker's own bank by bank", async () => {
    const all = await allBankFigures(w.db);
    const rows = await bankRatios({ db: w.db, catalog: w.catalog, actor: manager });
    expect(rows.length).toBeGreaterThan(1);
    expect([...all.keys()].sort()).toEqual(rows.map((r) => r.bankId).sort());
    for (const r of rows) {
      const one = await breakerOf({ db: w.db, catalog: w.catalog, bankId: r.bankId });
      expect(all.get(r.bankId)).toEqual(one.figures);
      const v = breakerView(r.bankId, one);
      expect([
        r.filedPrincipal,
        r.claimedNplPrincipal,
        r.compensationPaid,
        r.refunded,
        r.netCompensation,
        r.claimRatio,
        r.breakerTripped,
      ]).toEqual([
        v.filedPrincipal,
        v.claimedNplPrincipal,
        v.compensationPaid,
        v.refunded,
        v.netCompensation,
        v.claimRatio,
        v.tripped,
      ]);
    }
    expect(all.get('bank-icbc')!.refunded).toBe(did.refunded);
    expect(all.get('bank-icbc')!.compensationPaid).toBe(did.paid);
  });
  it("a bank's refunded figure (G4) can be read through the refund transfers' own index (drizzle/0012), not the whole ledger", async () => {
    const plan = await w.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return JSON.stringify(
        rowsOf(
          await tx.execute(sql`explain (format json) select coalesce(sum(t.amount), 0) from ledger_transfers t join recoveries r on r.id = t.entity_id
        where t.code = 'recovery-refund' and r.bank_id = 'bank-icbc'`),
        ),
      );
    });
    expect(plan).toContain('ledger_transfers_recovery_refund_ix');
  });
  it('breakdowns by every key and the monthly report add up to the same book', async () => {
    for (const by of BREAKDOWNS) {
      const rows = await breakdown({ db: w.db, actor: manager, by });
      expect(rows.reduce((s, r) => s + parseYuan(r.filedPrincipal), 0n)).toBe(did.icbcFiled + did.bobFiled);
      expect(rows.reduce((s, r) => s + parseYuan(r.claimsPaid), 0n)).toBe(did.paid);
      expect(rows.reduce((s, r) => s + parseYuan(r.refunds), 0n)).toBe(did.refunded);
    }
    const months = await monthly({ db: w.db, actor: manager });
    expect(months.reduce((s, r) => s + parseYuan(r.filedPrincipal), 0n)).toBe(did.icbcFiled + did.bobFiled);
  });
  it('monthly payouts and recoveries add up to what was paid and refunded', async () => {
    const rows = await monthly({ db: w.db, actor: manager });
    expect(rows.reduce((s, r) => s + parseYuan(r.payouts), 0n)).toBe(did.paid);
    expect(rows.reduce((s, r) => s + parseYuan(r.refunds), 0n)).toBe(did.refunded);
  });
});

describe('row schemas', () => {
  /** Every key a row has, nested ones as `key.sub`, in order: what a download's header must hold. */
  const keysOf = (row: object, prefix = ''): string[] =>
    Object.entries(row).flatMap(([k, v]) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? keysOf(v as object, `${prefix}${k}.`)
        : [`${prefix}${k}`],
    );
  it('name exactly the fields every report returns, so no figure is left out of a download and an empty one has its header (risk-sharing: test/http/reports.test.ts)', async () => {
    const cases: [string[], object[]][] = [
      [columnsOf(positionRow), await fundPosition({ db: w.db })],
      [columnsOf(bankRow), await bankRatios({ db: w.db, catalog: w.catalog, actor: manager })],
      [columnsOf(monthlyRow), await monthly({ db: w.db, actor: manager })],
      ...(await Promise.all(
        BREAKDOWNS.map(async (by): Promise<[string[], object[]]> => [
          columnsOf(breakdownRow(by)),
          await breakdown({ db: w.db, actor: manager, by }),
        ]),
      )),
    ];
    for (const [columns, rows] of cases) {
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(keysOf(row)).toEqual(columns);
    }
    expect(tableOf('empty', columnsOf(monthlyRow), []).columns).toEqual(columnsOf(monthlyRow));
  });
});

describe('export', () => {
  const t = tableOf(
    't',
    ['name', 'amount', 'n', 'nested.zh'],
    [{ name: '=cmd|calc', amount: '-5.00', n: 3, nested: { zh: '@x' } }],
  );
  it('escapes formula cells', () => {
    expect(safeText('=1+1')).toBe("'=1+1");
    expect(safeText('+1')).toBe("'+1");
    expect(safeText('@SUM')).toBe("'@SUM");
    expect(safeText('100.00')).toBe('100.00');
  });
  it('CSV is UTF-8 with a BOM and parses back', () => {
    const text = toCsv(t).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [head, row] = text.slice(1).trim().split('\r\n');
    expect(head).toBe('name,amount,n,nested.zh');
    expect(row).toBe("'=cmd|calc,'-5.00,3,'@x");
  });
  it('XLSX parses back with the cells escaped and no formulas', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx([t])) as never);
    const row = book.worksheets[0]!.getRow(2);
    expect(row.getCell(1).value).toBe("'=cmd|calc");
    expect(row.getCell(2).value).toBe("'-5.00");
    expect(row.getCell(3).value).toBe(3);
  });
});
