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
