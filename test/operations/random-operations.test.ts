/**
 * Any sequence of filings, repayments, defaults, claims, approvals, payments, top-ups and
 * recoveries leaves the ledger verifiable and the fund's cash = capital − payments + refunds.
 * Refusals (a Problem) are fine outcomes; anything else is a bug. Seeded: set FC_SEED to replay.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveClaim, payApprovedClaim, prepareClaim, submitClaim } from '../../src/modules/claims/claims.usecases';
import { fileLoan } from '../../src/modules/filings/filings.usecases';
import { topUpFund } from '../../src/modules/funds/funds.usecases';
import { verifyLedger } from '../../src/modules/ledger/ledger.verify';
import { reportRecovery } from '../../src/modules/recoveries/recoveries.usecases';
import { reportClassification, reportRepayment } from '../../src/modules/servicing/servicing.usecases';
import { Problem } from '../../src/modules/shared/problem';
import { bob, etownWorld, icbc, ledgerSums, manager, manager2, reviewer } from './fixture';

type World = Awaited<ReturnType<typeof etownWorld>>;
interface State {
  filings: string[];
  claims: string[];
}
let serial = 0;
const enterprises = new Map<number, string>();
async function enterprise(w: World, n: number): Promise<string> {
  if (!enterprises.has(n)) enterprises.set(n, await w.enterprise(n));
  return enterprises.get(n)!;
}

/** Rows of a raw query on either driver (PGlite answers { rows }, postgres.js an array). */
async function rows<T>(w: World, query: string): Promise<T[]> {
  const r = (await w.db.execute(query as never)) as unknown as { rows?: T[] };
  return r.rows ?? (r as unknown as T[]);
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('file' as const),
    bank: fc.boolean(),
    enterprise: fc.integer({ min: 1, max: 4 }),
    principal: fc.oneof(
      fc.constant(1n),
      fc.bigInt({ min: 1n, max: 3_000_000_000n }),
      fc.constant(3_000_000_000n),
      fc.constant(3_000_000_001n),
    ),
  }),
  fc.record({ kind: fc.constant('repay' as const), which: fc.nat(), part: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('default' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('claim' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('decide' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('pay' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('top-up' as const), amount: fc.bigInt({ min: 1n, max: 500_000_000n }) }),
  fc.record({
    kind: fc.constant('recover' as const),
    which: fc.nat(),
    amount: fc.bigInt({ min: 1n, max: 2_000_000_000n }),
  }),
  // A loan taken some way down its whole life at once, so paid claims and recoveries are common.
  fc.record({
    kind: fc.constant('life' as const),
    bank: fc.boolean(),
    enterprise: fc.integer({ min: 1, max: 4 }),
    principal: fc.bigInt({ min: 1n, max: 2_000_000_000n }),
    steps: fc.integer({ min: 1, max: 5 }),
    recovered: fc.bigInt({ min: 1n, max: 2_000_000_000n }),
  }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(xs: T[], i: number) => (xs.length ? xs[i % xs.length] : undefined);

async function run(w: World, s: State, o: Op): Promise<void> {
  const { db, catalog } = w;
  switch (o.kind) {
    case 'file': {
      const e = await enterprise(w, o.enterprise);
      const { filing } = await fileLoan({
        db,
        catalog,
        actor: o.bank ? icbc : bob,
        today: '2025-09-03',
        input: {
          bankRef: `R-${serial++}`,
          enterpriseId: e,
          loan: { kind: 'credit', principal: o.principal, disbursedOn: '2025-09-01', mode: 'direct' },
        } as never,
      });
      s.filings.push(filing.id);
      return;
    }
    case 'repay': {
      const id = pick(s.filings, o.which);
      if (!id) return;
      const [row] = await rows<{ o: string; bank_id: string }>(
        w,
        `select outstanding::text as o, bank_id from filings where id = '${id}'`,
      );
      const outstanding = BigInt(row?.o ?? '0');
      const amount = (outstanding * BigInt(o.part)) / 100n || 1n;
      await reportRepayment({
        db,
        actor: row?.bank_id === 'bank-icbc' ? icbc : bob,
        id,
        amount,
        on: '2025-10-01',
        today: '2025-10-01',
      });
      return;
    }
    case 'default': {
      const id = pick(s.filings, o.which);
      if (id)
        await reportClassification({
          db,
          catalog,
          actor: manager,
          id,
          classification: 'loss',
          overdueSince: null,
          on: '2026-01-05',
          today: '2026-01-05',
        });
      return;
    }
    case 'claim': {
      const id = pick(s.filings, o.which);
      if (!id) return;
      for (const actor of [icbc, bob]) {
        try {
          const { claim } = await submitClaim({ db, catalog, actor, input: { filingId: id }, today: '2026-01-06' });
          s.claims.push(claim.id);
          return;
        } catch (e) {
          if (!(e instanceof Problem && e.status === 404)) throw e;
        }
      }
      return;
    }
    case 'decide': {
      const id = pick(s.claims, o.which);
      if (!id) return;
      await prepareClaim({ db, catalog, actor: manager, id, today: '2026-01-06' });
      await approveClaim({
        dossier: 'waived',
        db,
        catalog,
        actor: o.which % 2 ? reviewer : manager2,
        id,
        today: '2026-01-07',
      });
      return;
    }
    case 'pay': {
      const id = pick(s.claims, o.which);
      if (id) await payApprovedClaim({ db, actor: manager, id, today: '2026-01-08' });
      return;
    }
    case 'top-up':
      await topUpFund({ db, actor: manager, fundId: 'etown', amount: o.amount, on: '2026-01-09' });
      return;
    case 'recover': {
      const id = pick(s.claims, o.which);
      if (id)
        await reportRecovery({
          db,
          catalog,
          actor: manager,
          claimId: id,
          amount: o.amount,
          on: '2026-02-01',
          today: '2026-02-01',
        });
      return;
    }
    case 'life': {
      await run(w, s, { kind: 'file', bank: o.bank, enterprise: o.enterprise, principal: o.principal });
      const last = s.filings.length - 1;
      const steps: Op[] = [
        { kind: 'default', which: last },
        { kind: 'claim', which: last },
        { kind: 'decide', which: s.claims.length },
        { kind: 'pay', which: s.claims.length },
        { kind: 'recover', which: s.claims.length, amount: o.recovered },
      ];
      for (const step of steps.slice(0, o.steps)) await run(w, s, step);
    }
  }
}

// One world for all runs: each run's sequence starts from what the earlier runs left, which only
// makes the books harder to keep; a fresh database per run would cost seconds each.
let w: World;
beforeAll(async () => {
  w = await etownWorld({ capital: '5000000.00', quota: '20000000.00' });
}, 120_000);
afterAll(async () => w?.close());

describe('random operations keep the books (property)', () => {
  it('ledger verify is clean and cash = capital − payments + refunds after any sequence', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        {
          const s: State = { filings: [], claims: [] };
          for (const o of ops) {
            try {
              await run(w, s, o);
            } catch (e) {
              if (!(e instanceof Problem)) throw e;
              if (process.env.FC_DEBUG) console.log(o.kind, e.status, e.detail, JSON.stringify(e.errors));
            }
          }
          const sums = await ledgerSums(w.db, 'etown');
          if (process.env.FC_DEBUG)
            console.log(JSON.stringify(sums, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
          expect(sums.cash).toBe(sums.capital - sums.paid + sums.refunded);
          expect(sums.cash >= 0n).toBe(true);
          expect(sums.capacity + sums.exposure + sums.quota - sums.shortfall).toBe(sums.limit);
          const report = await verifyLedger({ db: w.db });
          expect(report.violations).toEqual([]);
          const [reserved] = await rows<{ r: string }>(w, 'select coalesce(sum(reserved), 0)::text as r from filings');
          expect(BigInt(reserved!.r)).toBe(sums.exposure);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 12), seed, verbose: true },
    );
  }, 300_000);

  it('ledger verify reconciles each loan with its exposure account: liability moved between two loans is caught, though every total still agrees', async () => {
    const s: State = { filings: [], claims: [] };
    await run(w, s, { kind: 'top-up', amount: 500_000_000n }); // room, whatever the property left
    for (const principal of [100_000_00n, 200_000_00n])
      await run(w, s, { kind: 'file', bank: true, enterprise: 7, principal });
    expect((await verifyLedger({ db: w.db })).violations).toEqual([]);
    const [a, b] = s.filings;
    const move = async (from: string, to: string) => {
      await w.db.execute(`update filings set reserved = reserved - 1 where id = '${from}'` as never);
      await w.db.execute(`update filings set reserved = reserved + 1 where id = '${to}'` as never);
    };
    await move(a!, b!);
    const report = await verifyLedger({ db: w.db });
    expect(report.violations.map((v) => v.code)).toEqual(['loan_exposure_differs', 'loan_exposure_differs']);
    expect(report.violations.map((v) => v.message).join('\n')).toContain(a!);
    expect(report.violations.map((v) => v.message).join('\n')).toContain(b!);
    const [reserved] = await rows<{ r: string }>(w, 'select coalesce(sum(reserved), 0)::text as r from filings');
    expect(BigInt(reserved!.r)).toBe((await ledgerSums(w.db, 'etown')).exposure); // the sums cannot see it
    await move(b!, a!);
    expect((await verifyLedger({ db: w.db })).violations).toEqual([]);

    // the loan row gone (its foreign keys and triggers off, as a superuser could): its exposure account holds liability for no loan
    const asSuperuser = (statements: string[]) =>
      w.db.transaction(async (tx) => {
        await tx.execute(`set local session_replication_role = replica` as never);
        for (const statement of statements) await tx.execute(statement as never);
      });
    await asSuperuser([
      `create table lost_filing as select * from filings where id = '${a}'`,
      `delete from filings where id = '${a}'`,
    ]);
    const gone = await verifyLedger({ db: w.db, pageSize: 1 });
    expect(gone.violations).toEqual([
      { code: 'exposure_without_loan', message: expect.stringContaining(`etown:exposure:${a}`) },
    ]);
    await asSuperuser([`insert into filings select * from lost_filing`, `drop table lost_filing`]);
    expect((await verifyLedger({ db: w.db, pageSize: 1 })).violations).toEqual([]);
  }, 60_000);
});
