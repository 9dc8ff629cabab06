/**
 * Multi-year paths of the fund's cash. Each year: the year's top-up arrives, then recoveries on
 * payouts made `recoveryDelayYears` earlier (rate × those payouts, R8), then the year's claims are
 * paid. The fund is exhausted in the first year whose claims exceed its cash (R7a: claims queue);
 * P(exhausted within N years) counts paths exhausted in years 1…N. The book is taken as renewed
 * each year (repaid and defaulted loans replaced by alike loans), so every year draws the same
 * portfolio's defaults with a fresh factor.
 */
import type { ScenarioBlock } from './monte-carlo';
import { RiskInputError } from './portfolio';
import type { Estimate } from './statistics';

export interface FundPlan {
  /** Cash at the start (fen). */
  cash: number;
  /** Top-ups at the start of years 1, 2, … (fen); missing years have none. */
  topUps?: readonly number[];
  /** Share of a payout that comes back as recoveries, 0..1. */
  recoveryRate?: number;
  /** Whole years between a payout and its recovery. */
  recoveryDelayYears?: number;
}

export function checkFundPlan(plan: FundPlan): void {
  if (!(Number.isFinite(plan.cash) && plan.cash >= 0))
    throw new RiskInputError('fund.cash', 'must be an amount of at least 0');
  (plan.topUps ?? []).forEach((t, i) => {
    if (!(Number.isFinite(t) && t >= 0))
      throw new RiskInputError(`fund.topUps[${i}]`, 'must be an amount of at least 0');
  });
  const r = plan.recoveryRate ?? 0;
  if (!(Number.isFinite(r) && r >= 0 && r <= 1))
    throw new RiskInputError('fund.recoveryRate', 'must be between 0 and 1');
  const d = plan.recoveryDelayYears ?? 1;
  if (!Number.isInteger(d) || d < 0 || d > 50)
    throw new RiskInputError('fund.recoveryDelayYears', 'must be a whole number of years from 0 to 50');
}

/**
 * The year (1-based) each scenario's fund is exhausted, or 0 if it lasts the whole path. A run with
 * the fund's rules (fund-rules.ts) followed its own plan claim by claim: its years are read back.
 */
export function exhaustionYears(b: ScenarioBlock, variant: number, plan: FundPlan): Int32Array {
  checkFundPlan(plan);
  const n = b.to - b.from;
  if (b.fund) return Int32Array.from({ length: n }, (_, s) => b.fund!.exhausted[s * b.variants + variant]!);
  const Y = b.years;
  const rate = plan.recoveryRate ?? 0;
  const delay = plan.recoveryDelayYears ?? 1;
  const out = new Int32Array(n);
  const paid = new Float64Array(Y);
  for (let s = 0; s < n; s++) {
    let cash = plan.cash;
    for (let y = 0; y < Y; y++) {
      cash += plan.topUps?.[y] ?? 0;
      if (delay > 0 && y - delay >= 0) cash += rate * paid[y - delay]!;
      const loss = b.losses[(s * Y + y) * b.variants + variant]!;
      if (loss > cash) {
        out[s] = y + 1;
        break;
      }
      cash -= loss;
      paid[y] = loss;
      if (delay === 0) cash += rate * loss;
    }
  }
  return out;
}

/** P(exhausted within N years) for N = 1…years, with standard errors. */
export function exhaustionProbabilities(b: ScenarioBlock, variant: number, plan: FundPlan): Estimate[] {
  const years = exhaustionYears(b, variant, plan);
  const n = years.length;
  return Array.from({ length: b.years }, (_, y) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = years[i]! > 0 && years[i]! <= y + 1 ? b.weights[i]! : 0;
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    return { value: mean, standardError: Math.sqrt(Math.max(s2 / n - mean * mean, 0) / Math.max(n - 1, 1)) };
  });
}
