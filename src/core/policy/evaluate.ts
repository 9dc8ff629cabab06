/**
 * The one pure evaluation under filing, claims, the CLI and the simulator: a case and a policy
 * version in, a decision with one reason per rule out. Messages are rendered separately
 * (render.ts), so re-judging a million loans pays only for the judging.
 */
import type { IsoDate } from '../calendar/dates';
import type { BasisPoints } from '../money/money';
import { compensate, type Compensation, type CompensationTerms } from './compensation';
import type { CompiledPolicy, CompiledRule, CompiledUplift } from './compile';
import type { LoanCase } from './facts';

export type Reason =
  | { kind: 'eligibility'; rule: CompiledRule; applies: boolean; ok: boolean }
  | { kind: 'base-ratio'; ok: true; ratioBp: BasisPoints }
  | { kind: 'uplift'; uplift: CompiledUplift; applies: boolean; ok: true }
  | { kind: 'risk-sharing'; ok: true; ratioBp: BasisPoints; bankShareBp: BasisPoints };

export interface Decision {
  policy: CompiledPolicy;
  eligible: boolean;
  reasons: Reason[];
  /** The terms the filing would fix (R3); ratioBp is 0 when the loan is not eligible. */
  terms: CompensationTerms;
  compensation?: Compensation;
}

export function inForce(policy: CompiledPolicy, on: IsoDate): boolean {
  return policy.effectiveFrom <= on && (policy.effectiveTo === null || on < policy.effectiveTo);
}

export function evaluate(c: LoanCase, policy: CompiledPolicy): Decision {
  const reasons: Reason[] = [];
  let eligible = true;
  for (const rule of policy.rules) {
    const applies = rule.when === undefined || rule.when.test(c);
    const ok = !applies || rule.test(c);
    if (!ok) eligible = false;
    reasons.push({ kind: 'eligibility', rule, applies, ok });
  }
  const comp = policy.compensation;
  let ratioBp: BasisPoints;
  const bankShareBp = c.loan.bankShareBp;
  if (c.loan.mode === 'risk-sharing' && comp.riskSharing && bankShareBp !== undefined) {
    ratioBp = Math.min(bankShareBp, comp.riskSharing.fundCoversBankShareUpToBp);
    reasons.push({ kind: 'risk-sharing', ok: true, ratioBp, bankShareBp });
  } else {
    ratioBp = comp.baseBp;
    reasons.push({ kind: 'base-ratio', ok: true, ratioBp });
    for (const uplift of comp.uplifts) {
      const applies = uplift.when.test(c);
      if (applies) ratioBp += uplift.addBp;
      reasons.push({ kind: 'uplift', uplift, applies, ok: true });
    }
    ratioBp = Math.min(ratioBp, comp.maxBp);
  }
  const terms: CompensationTerms = {
    ratioBp: eligible ? ratioBp : 0,
    rounding: comp.rounding,
    ...(comp.capPerLoan !== undefined ? { capPerLoan: comp.capPerLoan } : {}),
    parties:
      c.loan.mode === 'risk-sharing' && bankShareBp !== undefined
        ? [
            { party: 'guarantee-side', shareBp: 10_000 - bankShareBp },
            { party: 'bank', shareBp: bankShareBp },
          ]
        : [{ party: 'bank', shareBp: 10_000 }],
  };
  const decision: Decision = { policy, eligible, reasons, terms };
  if (c.default && eligible) decision.compensation = compensate(terms, c.default.outstandingPrincipal);
  return decision;
}

export class NoPolicyInForceError extends Error {
  constructor(
    readonly programme: string | undefined,
    readonly on: IsoDate,
    readonly known: string[],
  ) {
    super(
      programme && !known.includes(programme)
        ? `unknown programme ${programme} (known: ${known.join(', ')})`
        : `no programme${programme ? ` ${programme}` : ''} has a policy version in force on ${on}`,
    );
    this.name = 'NoPolicyInForceError';
  }
}

/** The version of each programme in force on the filing date (R3), optionally only the named programme. */
export function policiesInForce(
  policies: readonly CompiledPolicy[],
  on: IsoDate,
  programme?: string,
): CompiledPolicy[] {
  const found = policies.filter((p) => (programme === undefined || p.programme === programme) && inForce(p, on));
  if (found.length === 0) throw new NoPolicyInForceError(programme, on, [...new Set(policies.map((p) => p.programme))]);
  return found;
}

/**
 * R2: the programme named, or else every programme in force, the most favourable eligible one
 * first (the larger compensation, then the larger ratio, then the programme id).
 */
export function evaluateAcrossProgrammes(
  c: LoanCase,
  policies: readonly CompiledPolicy[],
): { chosen: Decision; alternatives: Decision[] } {
  const decisions = policiesInForce(policies, c.loan.filedOn, c.programme).map((p) => evaluate(c, p));
  decisions.sort((a, b) => {
    if (a.eligible !== b.eligible) return a.eligible ? -1 : 1;
    const ca = a.compensation?.compensation ?? 0n;
    const cb = b.compensation?.compensation ?? 0n;
    if (ca !== cb) return ca > cb ? -1 : 1;
    if (a.terms.ratioBp !== b.terms.ratioBp) return b.terms.ratioBp - a.terms.ratioBp;
    return a.policy.programme < b.policy.programme ? -1 : 1;
  });
  return { chosen: decisions[0]!, alternatives: decisions.slice(1) };
}
