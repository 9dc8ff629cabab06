/**
 * Compensation for a non-performing loan from the loan's fixed terms (R3): the fund's ratio ×
 * outstanding principal, rounded once (R10), optionally capped per loan. The other parties share
 * the rest of the loss by their shares, with the largest remainder so every amount adds up to the loss.
 * Claims, the CLI and the risk simulator all call this one function.
 */
import {
  applyRate,
  BP_PER_UNIT,
  divideRounded,
  splitByWeights,
  type BasisPoints,
  type Fen,
  type Rounding,
} from '../money/money';

export type PartyRole = 'fund' | 'bank' | 'guarantor' | 're-guarantor' | 'national-guarantee-fund' | 'guarantee-side';

/** What a filing fixes about a loan's compensation (R3). */
export interface CompensationTerms {
  /** The fund's share of the outstanding principal, in basis points (direct: F7/F13; risk-sharing: min(bank share, cap), R5). */
  ratioBp: BasisPoints;
  rounding: Rounding;
  /** Upper bound on one loan's compensation, if the programme sets one. */
  capPerLoan?: Fen;
  /** The other parties' shares of the loss (basis points); the fund's part is taken out of the bank's. */
  parties: { party: Exclude<PartyRole, 'fund'>; shareBp: BasisPoints }[];
}

export interface PartyAmount {
  party: PartyRole;
  shareBp: BasisPoints;
  amount: Fen;
}

export interface Compensation {
  compensation: Fen;
  /** Every party's part of the loss; they add up to the outstanding principal exactly. */
  parties: PartyAmount[];
}

/**
 * The fund's compensation: ratio × outstanding, or the per-loan cap where it binds, less the cut of
 * the due-diligence findings (R22) — one rounding at the end (R10): outstanding × ratio × (1 − cut).
 */
export function compensationOnly(terms: CompensationTerms, outstanding: Fen, cutBp: BasisPoints = 0): Fen {
  if (!Number.isInteger(cutBp) || cutBp < 0 || cutBp > BP_PER_UNIT)
    throw new RangeError('a cut must be a whole number of basis points from 0 to 10000');
  const keep = BigInt(BP_PER_UNIT - cutBp);
  const raw = applyRate(outstanding, terms.ratioBp, terms.rounding);
  if (terms.capPerLoan !== undefined && raw > terms.capPerLoan)
    return divideRounded(terms.capPerLoan * keep, BigInt(BP_PER_UNIT), terms.rounding);
  return divideRounded(outstanding * BigInt(terms.ratioBp) * keep, BigInt(BP_PER_UNIT) ** 2n, terms.rounding);
}

export function compensate(terms: CompensationTerms, outstanding: Fen, cutBp: BasisPoints = 0): Compensation {
  if (outstanding < 0n) throw new RangeError('outstanding principal must not be negative');
  const uncapped = applyRate(outstanding, terms.ratioBp, terms.rounding);
  const compensation = compensationOnly(terms, outstanding, cutBp);
  // The fund's ratio comes out of the bank's share; what a cap or a due-diligence cut withholds stays with the bank.
  const others = terms.parties.map((p) => ({
    party: p.party,
    shareBp: p.party === 'bank' ? Math.max(p.shareBp - terms.ratioBp, 0) : p.shareBp,
  }));
  const weights = others.map((p) => BigInt(p.shareBp));
  const rest = outstanding - uncapped;
  const amounts = weights.every((w) => w === 0n) ? others.map(() => 0n) : splitByWeights(rest, weights);
  const bank = others.findIndex((p) => p.party === 'bank');
  // A direct loan lists no other party: what is withheld is the bank's with the rest of the loss.
  if (uncapped !== compensation && others.length) {
    if (bank < 0) throw new RangeError('a capped or cut compensation needs a bank party to bear the rest');
    amounts[bank]! += uncapped - compensation;
  }
  return {
    compensation,
    parties: [
      { party: 'fund', shareBp: terms.ratioBp, amount: compensation },
      ...others.map((p, i) => ({ ...p, amount: amounts[i]! })),
    ],
  };
}
