/**
 * Recoveries after compensation (R8): the bank keeps collecting; of what it recovers, the fund
 * gets back the share it paid (compensation ÷ the outstanding principal it compensated), rounded
 * once, and never more in all than it paid on that loan.
 */
import { divideRounded, type Fen, type Rounding } from '../money/money';

export function recoveryRefund({
  recovered,
  compensationPaid,
  compensatedPrincipal,
  refundedSoFar,
  rounding,
}: {
  recovered: Fen;
  compensationPaid: Fen;
  compensatedPrincipal: Fen;
  refundedSoFar: Fen;
  rounding: Rounding;
}): Fen {
  if (recovered < 0n || compensationPaid < 0n || refundedSoFar < 0n)
    throw new RangeError('amounts must not be negative');
  if (compensatedPrincipal <= 0n) return 0n;
  const share = divideRounded(recovered * compensationPaid, compensatedPrincipal, rounding);
  const left = compensationPaid - refundedSoFar;
  return share < left ? share : left > 0n ? left : 0n;
}
