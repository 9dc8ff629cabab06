/**
 * Due diligence (尽职审查, R22): the reviewer of a claim records the bank's failures its programme
 * lists, each with the share of the compensation it withholds. The cuts add up; 100% or more voids
 * the compensation. What is withheld stays with the bank (compensation.ts).
 */
import { BP_PER_UNIT, type BasisPoints } from '../money/money';

export function totalCut(cutBps: readonly BasisPoints[]): BasisPoints {
  return Math.min(
    BP_PER_UNIT,
    cutBps.reduce((a, b) => a + b, 0),
  );
}
