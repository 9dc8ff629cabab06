/**
 * R15 at filing time: after payouts lowered the limit past the capacity there was, the liability
 * committed stands above the limit (the fund's limit shortfall), and new reservations wait until a
 * top-up, a refund or released liability makes room again. The ledger's own accounts cannot say it
 * for a loan drawn from a bank's quota (the quota still holds its room), so this asks first.
 */
import { randomUUID } from 'node:crypto';
import { admitUnderShortfall, coverShortfall } from '../../core/ledger/fund-operations';
import type { Fen } from '../../core/money/money';
import type { RenderedReason } from '../../core/policy';
import { createLedgerRepository } from '../ledger/ledger.repository';
import { applyOperation } from '../ledger/ledger.usecases';
import type { Db } from '../shared/db';

export interface ReservationAsk {
  fundId: string;
  amount: Fen;
  fromQuota: boolean;
}

export const SHORTFALL_REASON: RenderedReason = {
  rule: 'fund-liability-limit',
  fact: 'R15',
  cites: ['R15', 'R7', 'F17'],
  ok: false,
  zh: '补偿资金已支付的代偿使负债上限降至已承担的负债以下，须待注资、追回款或负债释放后再备案（R15）',
  en: 'Payouts lowered the fund’s liability limit below the liability it carries: new filings wait for a top-up, a refund or released liability (R15)',
};

/**
 * Per ask, in order: null when it may reserve, else the reason. Where a fund has a shortfall, its
 * limits are locked for the rest of the transaction and capacity freed since covers the shortfall
 * first (the ledger then shows the shortfall that stands). With no shortfall nothing is locked.
 */
export async function shortfallRefusals({
  db,
  asks,
  actor,
  transferIds,
}: {
  db: Db;
  asks: ReservationAsk[];
  actor: string;
  /** The ids of the batch the caller posts next in this transaction: serialised on with the limits (lockFundLimits). */
  transferIds: string[];
}): Promise<(RenderedReason | null)[]> {
  const ledger = createLedgerRepository({ db });
  const shortfalls = await ledger.shortfalls([...new Set(asks.map((a) => a.fundId))]);
  const out: (RenderedReason | null)[] = asks.map(() => null);
  for (const [fundId, seen] of shortfalls) {
    if (seen === 0n) continue;
    const coverId = `${fundId}:limit-cover:${randomUUID()}`;
    const { capacity, shortfall } = await ledger.lockFundLimits(fundId, [coverId, ...transferIds]);
    if (shortfall === 0n) continue;
    const mine = asks.flatMap((a, i) => (a.fundId === fundId ? [i] : []));
    const admitted = admitUnderShortfall({
      capacity,
      shortfall,
      quotaFree: await ledger.quotaFree(fundId),
      asks: mine.map((i) => asks[i]!),
    });
    mine.forEach((i, k) => {
      if (!admitted[k]) out[i] = SHORTFALL_REASON;
    });
    const cover = coverShortfall({ fundId, id: coverId, shortfall, capacity });
    if (cover.length) await applyOperation({ ledger, transfers: cover, actor });
  }
  return out;
}
