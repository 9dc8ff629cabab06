/**
 * The per-bank circuit breaker (G4, R9), computed from the ledger and the book whenever it is
 * asked: filed principal, claimed NPL principal, compensation paid (the payable account's
 * debits) and refunds (recovery transfers). Nothing is stored, so it lifts by itself.
 */
import { eq, sql } from 'drizzle-orm';
import { circuitBreaker, type BreakerState, type BreakerThresholds } from '../../core/claims/circuit-breaker';
import { formatPercent, formatRate, formatYuan, formatYuanGrouped } from '../../core/money/money';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { scopeFor, type Actor } from '../auth/access';
import { institutions } from '../registry/registry.table';
import { Problem } from '../shared/problem';
import { rowsOf } from '../shared/rows';

/** The strictest thresholds among the programmes in force (both E-Town programmes use G4's 3% and 5,000,000 yuan). */
export function breakerThresholds(catalog: PolicyCatalog): BreakerThresholds {
  const cbs = catalog.current.map((p) => p.circuitBreaker);
  return {
    claimRatioAboveBp: Math.min(...cbs.map((c) => c.claimRatioAboveBp)),
    netCompensationAbove: cbs.map((c) => c.netCompensationAbove).reduce((a, b) => (a < b ? a : b)),
  };
}

export async function bankFigures(db: Db, bankId: string) {
  const [r] = rowsOf(
    await db.execute(sql`select
      (select coalesce(sum(principal), 0) from filings where bank_id = ${bankId} and status <> 'withdrawn')::text as filed,
      (select coalesce(sum(outstanding), 0) from claims where bank_id = ${bankId} and state not in ('rejected', 'withdrawn'))::text as claimed,
      (select coalesce(sum(debits_posted), 0) from ledger_accounts where code = 'payable' and entity_id = ${bankId})::text as paid,
      (select coalesce(sum(t.amount), 0) from ledger_transfers t join recoveries r on r.id = t.entity_id
        where t.code = 'recovery-refund' and r.bank_id = ${bankId})::text as refunded`),
  );
  return {
    filedPrincipal: BigInt(r!.filed as string),
    claimedNplPrincipal: BigInt(r!.claimed as string),
    compensationPaid: BigInt(r!.paid as string),
    refunded: BigInt(r!.refunded as string),
  };
}

export type BankFigures = Awaited<ReturnType<typeof bankFigures>>;

/**
 * bankFigures for every bank at once, one pass over each table instead of one set of lookups per
 * bank (the reports ask for all banks; bank by bank it took ~4 s over a million loans). The same
 * four sums as bankFigures, grouped by bank — keep the two alike (reports.test.ts compares them).
 */
export async function allBankFigures(db: Db): Promise<Map<string, BankFigures>> {
  const rows = rowsOf(
    await db.execute(sql`
    with filed as (select bank_id, sum(principal) as v from filings where status <> 'withdrawn' group by 1),
    claimed as (select bank_id, sum(outstanding) as v from claims where state not in ('rejected', 'withdrawn') group by 1),
    paid as (select entity_id as bank_id, sum(debits_posted) as v from ledger_accounts where code = 'payable' group by 1),
    refunded as (select r.bank_id, sum(t.amount) as v from ledger_transfers t join recoveries r on r.id = t.entity_id
                 where t.code = 'recovery-refund' group by 1)
    select i.id, coalesce(filed.v, 0)::text as filed, coalesce(claimed.v, 0)::text as claimed, coalesce(paid.v, 0)::text as paid, coalesce(refunded.v, 0)::text as refunded
    from institutions i left join filed on filed.bank_id = i.id left join claimed on claimed.bank_id = i.id
      left join paid on paid.bank_id = i.id left join refunded on refunded.bank_id = i.id
    where i.kind = 'bank'`),
  );
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        filedPrincipal: BigInt(r.filed as string),
        claimedNplPrincipal: BigInt(r.claimed as string),
        compensationPaid: BigInt(r.paid as string),
        refunded: BigInt(r.refunded as string),
      },
    ]),
  );
}

/** The figures of these banks: for several, every bank's in one query; for one, its own lookups alone. */
export async function figuresOf(db: Db, bankIds: string[]): Promise<Map<string, BankFigures>> {
  if (bankIds.length > 1) return allBankFigures(db);
  return new Map(await Promise.all(bankIds.map(async (id) => [id, await bankFigures(db, id)] as const)));
}

/** The breaker's state from a bank's figures and the thresholds in force. */
export function breakerFrom(
  figures: BankFigures,
  catalog: PolicyCatalog,
): BreakerState & { figures: BankFigures; thresholds: BreakerThresholds } {
  const thresholds = breakerThresholds(catalog);
  return { ...circuitBreaker(figures, thresholds), figures, thresholds };
}

export async function breakerOf({
  db,
  catalog,
  bankId,
}: {
  db: Db;
  catalog: PolicyCatalog;
  bankId: string;
}): Promise<BreakerState & { figures: BankFigures; thresholds: BreakerThresholds }> {
  return breakerFrom(await bankFigures(db, bankId), catalog);
}

export function breakerView(bankId: string, b: Awaited<ReturnType<typeof breakerOf>>) {
  const ratio = formatPercent(b.claimRatioBp);
  const ratioAbove = formatPercent(b.thresholds.claimRatioAboveBp);
  const net = formatYuanGrouped(b.netCompensation);
  const netAbove = formatYuanGrouped(b.thresholds.netCompensationAbove);
  const why = b.tripped
    ? {
        zh: `熔断：不良贷款代偿申请本金占备案本金 ${ratio}，超过 ${ratioAbove}；净补偿 ${net} 元，超过 ${netAbove} 元（G4）`,
        en: `Tripped: claimed NPL principal is ${ratio} of filed principal, above ${ratioAbove}; net compensation ${net} yuan, above ${netAbove} yuan (G4)`,
      }
    : {
        zh: `未熔断：代偿申请比例 ${ratio}（阈值 ${ratioAbove}），净补偿 ${net} 元（阈值 ${netAbove} 元）`,
        en: `Not tripped: claim ratio ${ratio} (threshold ${ratioAbove}), net compensation ${net} yuan (threshold ${netAbove} yuan)`,
      };
  return {
    bankId,
    tripped: b.tripped,
    ratioExceeded: b.ratioExceeded,
    netExceeded: b.netExceeded,
    claimRatio: formatRate(b.claimRatioBp),
    netCompensation: formatYuan(b.netCompensation),
    filedPrincipal: formatYuan(b.figures.filedPrincipal),
    claimedNplPrincipal: formatYuan(b.figures.claimedNplPrincipal),
    compensationPaid: formatYuan(b.figures.compensationPaid),
    refunded: formatYuan(b.figures.refunded),
    thresholds: {
      claimRatioAbove: formatRate(b.thresholds.claimRatioAboveBp),
      netCompensationAbove: formatYuan(b.thresholds.netCompensationAbove),
    },
    why,
    cites: ['G4', 'R9'],
  };
}

/** Every bank's breaker the actor may see (staff: all, in one pass over the book; a bank: its own). */
export async function listBreakers({ db, catalog, actor }: { db: Db; catalog: PolicyCatalog; actor: Actor }) {
  const scope = scopeFor(actor);
  const banks = (await db.select().from(institutions).where(eq(institutions.kind, 'bank'))).filter(
    (b) => scope.kind === 'all' || (scope.kind === 'bank' && b.id === scope.bankId),
  );
  const figures = await figuresOf(
    db,
    banks.map((b) => b.id),
  );
  return banks.map((b) => ({
    ...breakerView(b.id, breakerFrom(figures.get(b.id)!, catalog)),
    bankName: b.name,
    bankNameEn: b.nameEn,
  }));
}

/** One bank's breaker; another bank's, or a guarantor asking, answers 404. */
export async function getBreaker({
  db,
  catalog,
  actor,
  bankId,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  bankId: string;
}) {
  const scope = scopeFor(actor);
  const [bank] = await db.select().from(institutions).where(eq(institutions.id, bankId));
  if (!bank || bank.kind !== 'bank' || scope.kind === 'guarantor' || (scope.kind === 'bank' && scope.bankId !== bankId))
    throw Problem.notFound(`Bank ${bankId}`);
  return breakerView(bankId, await breakerOf({ db, catalog, bankId }));
}
