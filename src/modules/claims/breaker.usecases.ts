/**
 * The per-bank circuit breaker (G4, R9), computed from the ledger and the book whenever it is
 * asked: filed principal, claimed NPL principal, compensation paid (the payable account's
 * debits) and refunds (recovery transfers). Nothing is stored, so it lifts by itself.
 */
import { circuitBreaker, type BreakerState, type BreakerThresholds } from '../../core/claims/circuit-breaker';
import { formatPercent, formatRate, formatYuan, formatYuanGrouped } from '../../core/money/money';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { scopeFor, type Actor } from '../auth/access';
import { claimErrors } from './claims.errors';
import { createRegistryRepository } from '../registry/registry.repository';
import * as repo from './breaker.repository';
import type { BankFigures } from './breaker.repository';

export type { BankFigures };

/** The strictest thresholds among the programmes in force (both E-Town programmes use G4's 3% and 5,000,000 yuan). */
export function breakerThresholds(catalog: PolicyCatalog): BreakerThresholds {
  const cbs = catalog.current.map((p) => p.circuitBreaker);
  return {
    claimRatioAboveBp: Math.min(...cbs.map((c) => c.claimRatioAboveBp)),
    netCompensationAbove: cbs.map((c) => c.netCompensationAbove).reduce((a, b) => (a < b ? a : b)),
  };
}

/** A bank's figures: filed principal, claimed NPL principal, compensation paid and refunds. */
export async function bankFigures(db: Db, bankId: string): Promise<BankFigures> {
  return repo.bankFiguresOf({ db, bankId });
}

/** bankFigures for every bank at once (breaker.repository.ts `everyBankFigures`: one pass over each table). */
export async function allBankFigures(db: Db): Promise<Map<string, BankFigures>> {
  return repo.everyBankFigures({ db });
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
  const banks = (await repo.banks({ db })).filter(
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

/** Every bank's breaker, tripped or not (the operator's figures, /metrics): no actor, no scope. */
export async function everyBreaker({ db, catalog }: { db: Db; catalog: PolicyCatalog }) {
  const banks = await repo.banks({ db });
  const figures = await figuresOf(
    db,
    banks.map((b) => b.id),
  );
  return banks.map((b) => ({ bankId: b.id, tripped: breakerFrom(figures.get(b.id)!, catalog).tripped }));
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
  const bank = await createRegistryRepository({ db }).findInstitution(bankId);
  if (!bank || bank.kind !== 'bank' || scope.kind === 'guarantor' || (scope.kind === 'bank' && scope.bankId !== bankId))
    throw claimErrors.bankNotFound(bankId);
  return breakerView(bankId, await breakerOf({ db, catalog, bankId }));
}
