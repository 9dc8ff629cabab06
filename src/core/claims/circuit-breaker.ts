/**
 * The per-bank circuit breaker (G4, R9): compensation is suspended while BOTH the claimed NPL
 * principal ÷ the bank's filed principal exceeds the ratio AND net compensation paid (paid −
 * refunded) exceeds the amount. It lifts as soon as either falls back: the breaker is a pure
 * function of the bank's current figures, so it can never stick. Ratios compare exactly as
 * cross-multiplied integers — no division, no rounding.
 */
import type { BasisPoints, Fen } from '../money/money';

export interface BankExposureFigures {
  filedPrincipal: Fen;
  claimedNplPrincipal: Fen;
  compensationPaid: Fen;
  refunded: Fen;
}

export interface BreakerThresholds {
  claimRatioAboveBp: BasisPoints;
  netCompensationAbove: Fen;
}

export interface BreakerState {
  tripped: boolean;
  ratioExceeded: boolean;
  netExceeded: boolean;
  netCompensation: Fen;
  /** The claim ratio in basis points, rounded down, for display only. */
  claimRatioBp: number;
}

export function circuitBreaker(f: BankExposureFigures, t: BreakerThresholds): BreakerState {
  const netCompensation = f.compensationPaid - f.refunded;
  const ratioExceeded =
    f.filedPrincipal === 0n
      ? f.claimedNplPrincipal > 0n
      : f.claimedNplPrincipal * 10_000n > f.filedPrincipal * BigInt(t.claimRatioAboveBp);
  const netExceeded = netCompensation > t.netCompensationAbove;
  const claimRatioBp = f.filedPrincipal === 0n ? 0 : Number((f.claimedNplPrincipal * 10_000n) / f.filedPrincipal);
  return { tripped: ratioExceeded && netExceeded, ratioExceeded, netExceeded, netCompensation, claimRatioBp };
}

/** How close a bank is to its breaker: `near` from this share of either threshold (the home page's amber). */
export const NEAR_PERCENT = 80;
/** Shares of a threshold past this are shown as this (a bank with claims and nothing filed is infinitely past it). */
const PERCENT_SHOWN_UP_TO = 999;

export type BreakerLevel = 'ok' | 'near' | 'tripped';

export interface BreakerProximity {
  /** tripped: both thresholds exceeded (G4); near: either at NEAR_PERCENT % of its threshold or more; ok otherwise. */
  level: BreakerLevel;
  /** The claim ratio as a whole percent of its threshold, rounded down (display only; the level compares exactly). */
  claimRatioPercent: number;
  /** Net compensation as a whole percent of its threshold, rounded down. */
  netCompensationPercent: number;
}

/** a ÷ b as a whole percent rounded down, 0 for nothing, capped for display; b ≤ 0 with a > 0 is past any cap. */
function percentOf(a: bigint, b: bigint): number {
  if (a <= 0n) return 0;
  if (b <= 0n) return PERCENT_SHOWN_UP_TO;
  const p = (a * 100n) / b;
  return p > BigInt(PERCENT_SHOWN_UP_TO) ? PERCENT_SHOWN_UP_TO : Number(p);
}

/**
 * The breaker's level: red when tripped, amber when either figure reaches NEAR_PERCENT % of its
 * threshold. Exact: the ratio's share is claimed × 10,000 ÷ (filed × threshold bp), in integers.
 * (A whole percent rounded down reaches 80 exactly when the share does, so the level reads the percents.)
 */
export function breakerProximity(f: BankExposureFigures, t: BreakerThresholds): BreakerProximity {
  const state = circuitBreaker(f, t);
  const claimRatioPercent = percentOf(f.claimedNplPrincipal * 10_000n, f.filedPrincipal * BigInt(t.claimRatioAboveBp));
  const netCompensationPercent = percentOf(state.netCompensation, t.netCompensationAbove);
  const level: BreakerLevel = state.tripped
    ? 'tripped'
    : claimRatioPercent >= NEAR_PERCENT || netCompensationPercent >= NEAR_PERCENT
      ? 'near'
      : 'ok';
  return { level, claimRatioPercent, netCompensationPercent };
}
