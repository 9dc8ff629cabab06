/**
 * The demo (issue 4, item 11): on a fresh database (no fund yet) a realistic E-Town book —
 * 18 banks, the guarantee side, two funds, ~2,000 enterprises, ~5,000 loans over two years with
 * repayments, defaults, claims in every state, recoveries, and one bank at and one near its
 * circuit breaker (G4). Every step goes through the real use cases — the filings through the bulk
 * path the imports use, the rest in date order — so the ledger, the audit chain and every limit
 * hold. A seeded PRNG makes it the same for the same day.
 */
import { addDays, dayNumber, isoDate, type WorkingCalendar } from '../../core/calendar';
import { parseYuan } from '../../core/money/money';
import { createFund, signAgreement } from '../funds/funds.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { createRegistryRepository } from '../registry/registry.repository';
import { registerInstitution } from '../registry/registry.usecases';
import { demoManager } from './demo.actors';
import { anyFundExists, claimCountsByState } from './demo.repository';
import { calibrate } from './demo.calibrate';
import { DEMO_BANKS, DEMO_GUARANTORS } from './demo.data';
import { seedEnterprises } from './demo.enterprises';
import { PROGRAMME_A, PROGRAMME_B, PROGRAMME_B_FROM, planLoans } from './demo.plan';
import { runTimeline } from './demo.timeline';
import { seededRandom } from './prng';

export const FUND_A = 'etown';
export const FUND_B = 'etown-sci-tech';

export interface DemoOptions {
  db: Db;
  catalog: PolicyCatalog;
  /** The demo's "today": the book runs up to it. Clamped into the holiday calendar's years. */
  asOf: string;
  enterprises?: number;
  loans?: number;
  seed?: number;
  progress?: (message: string) => void;
}

/** Fresh means no fund exists yet: a restart never seeds twice. */
export async function demoNeeded(db: Db): Promise<boolean> {
  return !(await anyFundExists({ db }));
}

/** The last day the demo may use: filings need working days, which the calendar has only for its years. */
export function demoDay(today: string, calendar: WorkingCalendar): string {
  const last = addDays(calendar.lastDay, -19);
  return today < last ? today : last;
}

export async function seedDemo({
  db,
  catalog,
  asOf: today,
  enterprises = 2000,
  loans = 5000,
  seed = 20231201,
  progress = () => {},
}: DemoOptions) {
  const started = performance.now();
  const asOf = demoDay(today, catalog.calendar);
  const start = [isoDate(dayNumber(asOf) - 730), '2023-12-04'].sort().at(-1)!;
  const rnd = seededRandom(seed);

  const bFrom = PROGRAMME_B_FROM > start ? PROGRAMME_B_FROM : start;
  // The Plan's fund is sized to the book (9,000,000 yuan and a 2,250,000 top-up for the full 5,000
  // loans), so a smaller demo still fills its payment queue. Its payouts bring its limit below the
  // book's liability by the demo's day (R15): its new filings wait for a top-up, as a real fund's would.
  // Never under 1,000,000 yuan: a tiny demo (the browser tests seed 40 loans) still files its loans and tops up a real amount.
  const sized = ((parseYuan('9000000.00') * BigInt(Math.min(loans, 5000))) / 5000n / 100_000_00n) * 100_000_00n;
  const bCapital = sized > parseYuan('1000000.00') ? sized : parseYuan('1000000.00');
  // Institutions, funds and agreements in one transaction: a start killed half-way seeds again from scratch.
  await db.transaction(async (tx) => setUp(tx));
  progress('institutions, funds and agreements');

  const demoEnterprises = await seedEnterprises({
    db,
    actor: demoManager,
    rnd,
    count: enterprises,
    asOf,
    progress: (n) => progress(`enterprises ${n}/${enterprises}`),
  });
  const plans = planLoans({ rnd, enterprises: demoEnterprises, count: loans, start, asOf, calendar: catalog.calendar });
  const topUps = [{ fundId: FUND_B, on: '2026-01-05', amount: bCapital / 4n }].filter(
    (t) => t.on > bFrom && t.on <= asOf && t.amount > 0n,
  );
  const timeline = await runTimeline({ db, catalog, rnd, plans, asOf, topUps, progress });
  const calibration = await calibrate({ db, catalog, asOf, fundB: FUND_B, progress });
  progress('done');
  const { loans: _states, ...book } = timeline;
  return {
    asOf,
    start,
    enterprises: demoEnterprises.length,
    ...book,
    calibration,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };

  async function setUp(tx: Db) {
    for (const b of DEMO_BANKS)
      await registerInstitution({
        repo: createRegistryRepository({ db: tx }),
        input: { id: b.id, kind: 'bank', name: b.name, nameEn: b.nameEn, registeredInZone: true },
      });
    for (const g of DEMO_GUARANTORS)
      await registerInstitution({
        repo: createRegistryRepository({ db: tx }),
        input: { id: g.id, kind: g.kind, name: g.name, nameEn: g.nameEn, registeredInZone: g.kind === 'guarantor' },
      });

    // F3: the Measures' 100,000,000-yuan fund; the Plan's own fund starts smaller and is topped up (R7b: limit = 10 × capital).
    await createFund({
      db: tx,
      actor: demoManager,
      input: {
        id: FUND_A,
        name: '北京经开区小微企业贷款风险补偿资金',
        programmes: [PROGRAMME_A],
        liabilityMultipleBp: 100_000,
        capital: parseYuan('100000000.00'),
        on: start,
      },
    });
    await createFund({
      db: tx,
      actor: demoManager,
      input: {
        id: FUND_B,
        name: '北京经开区科技创新类中小企业贷款风险补偿资金',
        programmes: [PROGRAMME_B],
        liabilityMultipleBp: 100_000,
        capital: bCapital,
        on: bFrom,
      },
    });
    for (const b of DEMO_BANKS) {
      // Quotas for a few smaller banks (R7c): their filings draw on their own sub-limit.
      const quota = ['bank-cgb', 'bank-nbcb'].includes(b.id) ? parseYuan('40000000.00') : undefined;
      await signAgreement({
        db: tx,
        actor: demoManager,
        input: {
          fundId: FUND_A,
          programmeId: PROGRAMME_A,
          institutionId: b.id,
          signedOn: start,
          ...(quota ? { quota } : {}),
        },
      });
      await signAgreement({
        db: tx,
        actor: demoManager,
        input: { fundId: FUND_B, programmeId: PROGRAMME_B, institutionId: b.id, signedOn: bFrom },
      });
    }
    for (const g of DEMO_GUARANTORS)
      await signAgreement({
        db: tx,
        actor: demoManager,
        input: { fundId: FUND_B, programmeId: PROGRAMME_B, institutionId: g.id, signedOn: bFrom },
      });
  }
}

export type DemoSummary = Awaited<ReturnType<typeof seedDemo>>;

/** How many claims are in each state (for the summary and the tests). */
export async function claimStates(db: Db): Promise<Record<string, number>> {
  const rows = await claimCountsByState({ db });
  return Object.fromEntries(rows.map((x) => [x.state, Number(x.n)]));
}
