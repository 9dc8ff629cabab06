import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseYuan } from '../../core/money/money';
import { simulateScenarios } from '../../core/risk';
import { fileLoan } from '../filings/filings.usecases';
import { reportClassification, reportRepayment } from '../servicing/servicing.usecases';
import { etownWorld, icbc } from '../../../test/operations/fixture';
import { createBookLoader } from './book.repository';
import { prepareSimulation, runSimulation, SimulationInputError } from './simulation.usecases';

let w: Awaited<ReturnType<typeof etownWorld>>;
beforeAll(async () => {
  w = await etownWorld({ capital: '100000000.00' });
  const e1 = await w.enterprise(1);
  const e2 = await w.enterprise(2, {
    qualifications: [{ kind: 'national-high-tech', validFrom: '2024-01-01', validTo: '2026-12-31' }],
  });
  const loan = (principal: string) => ({
    kind: 'credit',
    principal: parseYuan(principal),
    disbursedOn: '2025-09-01',
    mode: 'direct' as const,
  });
  await fileLoan({
    db: w.db,
    catalog: w.catalog,
    actor: icbc,
    today: '2025-09-03',
    input: { bankRef: 'S-1', enterpriseId: e1, programme: 'etown-2023-small-micro', loan: loan('8000000.00') } as never,
  });
  await fileLoan({
    db: w.db,
    catalog: w.catalog,
    actor: icbc,
    today: '2025-09-03',
    input: { bankRef: 'S-2', enterpriseId: e2, programme: 'etown-2023-small-micro', loan: loan('5000000.00') } as never,
  });
  await fileLoan({
    db: w.db,
    catalog: w.catalog,
    actor: icbc,
    today: '2025-09-03',
    input: { bankRef: 'S-3', enterpriseId: e1, programme: 'etown-2025-sci-tech', loan: loan('20000000.00') } as never,
  });
});
afterAll(async () => w?.close());

describe('the live book as a portfolio', () => {
  it("carries each filing's own terms and re-judges it under another programme", async () => {
    const loadBook = createBookLoader({ db: w.db });
    const loans = await loadBook({});
    expect(loans.map((l) => l.exposure).sort((a, b) => (a < b ? -1 : 1))).toEqual([
      500_000_000n,
      800_000_000n,
      2_000_000_000n,
    ]);
    expect(loans.every((l) => l.grade === 'normal' && l.sector === 'software')).toBe(true);
    const policies = w.catalog.current;
    const prepared = await prepareSimulation({
      input: {
        portfolio: { source: 'book' },
        pdByGrade: { normal: 1 },
        variants: [{}, { programme: 'etown-2025-sci-tech' }, { id: 'half', ratio: '0.5' }],
        scenarios: 100,
        correlation: { rho: 0 },
      },
      policies,
      loadBook,
    });
    // every loan defaults (PD 1): each scenario pays exactly the sum of the policy engine's compensations
    const report = await runSimulation({
      prepared,
      runScenarios: async (p, s) => simulateScenarios(p, s, 0, s.scenarios),
    });
    expect(report.variants.map((v) => [v.variant, v.tail[0]!.valueAtRisk.monteCarlo])).toEqual([
      ['as filed', '14400000.00'], // 8M × 30% + 5M × 40% (national high-tech) + 20M × 50%
      ['etown-2025-sci-tech', '16500000.00'],
      ['half', '16500000.00'],
    ]);
    // the largest loans carry the bank's loan number and the borrower, not only the filing's id
    const top = report.variants[0]!.contributions.topLoans;
    expect(top.map((l) => [l.loanNumber, l.payout])).toEqual([
      ['S-3', '10000000.00'],
      ['S-1', '2400000.00'],
      ['S-2', '2000000.00'],
    ]);
    expect(top.every((l) => l.enterpriseName && l.enterpriseName.length > 1 && l.key !== l.loanNumber)).toBe(true);
    const bad = await prepareSimulation({
      input: { portfolio: { source: 'book' }, pdByGrade: { normal: 0.01 }, variants: [{ programme: 'nowhere' }] },
      policies,
      loadBook,
    }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SimulationInputError);
    expect((bad as SimulationInputError).errors[0]!.field).toBe('variants[0].programme');
    const noPd = await prepareSimulation({
      input: { portfolio: { source: 'book' }, pdByGrade: { other: 0.01 } },
      policies,
      loadBook,
    }).catch((e: unknown) => e);
    expect((noPd as SimulationInputError).errors[0]!.field).toBe('pdByGrade.normal');
  });
});

describe("the book's history as PDs per grade", () => {
  let h: Awaited<ReturnType<typeof etownWorld>>;
  const ids: string[] = [];
  beforeAll(async () => {
    h = await etownWorld({ capital: '100000000.00' });
    const e = await h.enterprise(11);
    for (const ref of ['H-1', 'H-2', 'H-3', 'H-4', 'H-5']) {
      const out = await fileLoan({
        db: h.db,
        catalog: h.catalog,
        actor: icbc,
        today: '2025-09-03',
        input: {
          bankRef: ref,
          enterpriseId: e,
          programme: 'etown-2023-small-micro',
          loan: { kind: 'credit', principal: parseYuan('1000000.00'), disbursedOn: '2025-09-01', mode: 'direct' },
        } as never,
      });
      ids.push(out.filing.id);
    }
    const [, h2, h3, h4] = ids;
    await reportClassification({
      db: h.db,
      catalog: h.catalog,
      actor: icbc,
      id: h2!,
      classification: 'special-mention',
      overdueSince: null,
      on: '2026-03-01',
      today: '2026-03-01',
    });
    await reportClassification({
      db: h.db,
      catalog: h.catalog,
      actor: icbc,
      id: h3!,
      classification: 'substandard',
      overdueSince: null,
      on: '2026-01-01',
      today: '2026-01-01',
    });
    await reportRepayment({
      db: h.db,
      actor: icbc,
      id: h4!,
      amount: parseYuan('400000.00'),
      on: '2026-02-01',
      today: '2026-02-01',
    });
    await reportRepayment({
      db: h.db,
      actor: icbc,
      id: h4!,
      amount: parseYuan('600000.00'),
      on: '2026-05-01',
      today: '2026-05-01',
    });
    await h.db.execute(`update filings set status = 'withdrawn' where id = '${ids[4]!}'` as never); // withdrawn: not history
  });
  afterAll(async () => h?.close());

  it("gives each loan its age from disbursement and the book's own filings per year (the fund's rules)", async () => {
    const loadBook = createBookLoader({ db: w.db });
    const loans = await loadBook({ asOf: '2026-09-01' });
    // disbursed 2025-09-01: 365 days, a year of 365.25
    expect(loans.map((l) => l.ageYears)).toEqual([365 / 365.25, 365 / 365.25, 365 / 365.25]);
    expect((await loadBook({})).every((l) => l.ageYears === undefined)).toBe(true);
    // three filed on 2025-09-03, all three active; the year up to asOf is its last 365 days, asOf included
    expect(await loadBook.filingRate!({ asOf: '2026-03-01' })).toBe(1);
    expect(await loadBook.filingRate!({ asOf: '2026-09-02' })).toBe(1);
    expect(await loadBook.filingRate!({ asOf: '2026-09-03' })).toBe(0);
    expect(await loadBook.filingRate!({ asOf: '2025-09-02' })).toBe(0);
  });

  it('reads disbursement, grade changes, defaults and repayments, and the simulation uses and shows the estimate', async () => {
    const loadBook = createBookLoader({ db: h.db });
    const history = await loadBook.history!({});
    expect(history).toHaveLength(4);
    expect(history.find((x) => x.defaultedOn)).toMatchObject({
      from: '2025-09-01',
      defaultedOn: '2026-01-01',
      grades: [{ grade: 'normal' }],
    });
    expect(history.find((x) => x.endedOn)).toMatchObject({ endedOn: '2026-05-01' });
    expect(history.find((x) => x.grades.length === 2)!.grades[1]).toEqual({
      on: '2026-03-01',
      grade: 'special-mention',
    });

    // as of 2026-09-01, by hand: normal 365 + 181 + 122 + 242 = 910 days, 4 loans, 1 default (H-3);
    // special-mention 184 days (H-2), no default: less than a loan-year, so the manager's PD
    const today = () => '2026-09-01';
    const input = {
      portfolio: { source: 'book' },
      pd: 'history',
      pdByGrade: { 'special-mention': 0.2 },
      scenarios: 100,
      correlation: { rho: 0 },
    };
    const prepared = await prepareSimulation({ input, policies: h.catalog.current, loadBook, today });
    const report = await runSimulation({
      prepared,
      runScenarios: async (p, s) => simulateScenarios(p, s, 0, s.scenarios),
    });
    const T = 910 / 365.25;
    expect(report.pd).toEqual([
      {
        grade: 'normal',
        pd: 1 - Math.exp(-1.5 / T),
        source: 'history',
        history: { loans: 4, defaults: 1, loanYears: T, interval: expect.any(Array) as unknown },
      },
      {
        grade: 'special-mention',
        pd: 0.2,
        source: 'manager',
        managerPd: 0.2,
        history: { loans: 1, defaults: 0, loanYears: 184 / 365.25 },
        note: "only 0.50 loan-years of history (1 needed): the manager's PD",
      },
    ]);
    expect(report.portfolio.map((r) => [r.grade, r.pd])).toEqual([
      ['normal', 1 - Math.exp(-1.5 / T)],
      ['special-mention', 0.2],
    ]);

    const noFallback = await prepareSimulation({
      input: { ...input, pdByGrade: {} },
      policies: h.catalog.current,
      loadBook,
      today,
    }).catch((e: unknown) => e);
    expect((noFallback as SimulationInputError).errors).toEqual([
      {
        field: 'pdByGrade.special-mention',
        code: 'simulation.invalid_input',
        zh: '仅有 0.50 个贷款年的历史（需 1 个），且管理人未设违约概率（PD）',
        en: 'has only 0.50 loan-years of history (1 needed) and no PD set by the manager',
      },
    ]);
    const csv = await prepareSimulation({
      input: { ...input, portfolio: { source: 'csv', csv: 'id,grade,sector,outstanding,ratio\nL1,A,s,100,0.4' } },
      policies: h.catalog.current,
      loadBook,
      today,
    }).catch((e: unknown) => e);
    expect((csv as SimulationInputError).errors[0]!.field).toBe('pd');
    const manual = await runSimulation({
      prepared: await prepareSimulation({
        input: { ...input, pd: 'manager', pdByGrade: { normal: 0.01, 'special-mention': 0.2 } },
        policies: h.catalog.current,
        loadBook,
        today,
      }),
      runScenarios: async (p, s) => simulateScenarios(p, s, 0, s.scenarios),
    });
    expect(manual.pd).toEqual([
      { grade: 'normal', pd: 0.01, source: 'manager', managerPd: 0.01 },
      { grade: 'special-mention', pd: 0.2, source: 'manager', managerPd: 0.2 },
    ]);

    const summary = await loadBook.summary!({});
    expect(summary).toEqual({
      loans: 2,
      exposure: '2000000.00',
      grades: [
        { grade: 'normal', loans: 1, exposure: '1000000.00' },
        { grade: 'special-mention', loans: 1, exposure: '1000000.00' },
      ],
      sectors: [{ sector: 'software', loans: 2, exposure: '2000000.00' }],
    });
  });
});
