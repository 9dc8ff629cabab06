/**
 * The portfolio the risk models run on: loans grouped by PD grade × sector (loans in one cell
 * share a default probability and a factor, so they share a conditional PD) and, inside a cell,
 * by payout band. A loan's payout on default under a policy variant is the policy's own
 * compensation for it — `compensationOnly` from the policy engine, the code the claims use.
 *
 * Money: payouts are computed in integer fen (bigint) by the policy engine and then held as
 * float64 numbers of fen. Every payout is far below 2^53 fen, so each payout and every scenario's
 * sum of payouts stay exact integers; only statistics (means, shortfalls) are fractional fen,
 * rounded to the fen once when a result leaves the simulator (see report.ts).
 */
import { compensationOnly, evaluate, type CompensationTerms, type CompiledPolicy, type LoanCase } from '../policy';
import type { BasisPoints, Fen } from '../money/money';
import type { QualificationKind } from '../policy';

export class RiskInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'RiskInputError';
  }
}

/** What a what-if needs to know about a loan to re-judge it under another policy. */
export interface LoanProfile {
  enterprise: Omit<LoanCase['enterprise'], 'qualifications'>;
  /** Qualifications the enterprise holds (valid on the date it is judged). */
  qualifications: QualificationKind[];
  loan: { kind: string; principal: Fen; mode: LoanCase['loan']['mode']; bankShareBp?: BasisPoints };
}

export interface RiskLoan {
  id: string;
  grade: string;
  sector: string;
  /** Outstanding principal when the loan defaults (fen). */
  exposure: Fen;
  /** The terms fixed when the loan was filed (R3), for the live book. */
  filedTerms?: CompensationTerms;
  /** The lending bank and the programme, for risk contributions by bank and by programme. */
  bank?: string;
  programme?: string;
  profile?: LoanProfile;
  /** Years from the run's start to the loan's maturity (it cannot default after), for the fund's rules (run-off). */
  remainingYears?: number;
  /** Years from the loan's disbursement to the run's start, for a PD by year of the loan's life. */
  ageYears?: number;
}

/** Edits a what-if makes to a policy's compensation terms. */
export interface TermsOverrides {
  /** The fund's ratio for direct loans (risk-sharing loans keep min(bank share, cover), R5). */
  ratioBp?: BasisPoints;
  /** A cap per loan, or null for no cap. */
  capPerLoan?: Fen | null;
}

export interface PolicyVariant {
  id: string;
  /** The loan's terms under this variant, or null when the variant does not cover it. */
  termsFor: (loan: RiskLoan) => CompensationTerms | null;
}

export function withOverrides(terms: CompensationTerms, o: TermsOverrides): CompensationTerms {
  const direct = !terms.parties.some((p) => p.party === 'guarantee-side');
  const { capPerLoan: _cap, ...rest } = terms;
  const cap = o.capPerLoan === undefined ? terms.capPerLoan : (o.capPerLoan ?? undefined);
  return {
    ...rest,
    ratioBp: o.ratioBp !== undefined && direct && terms.ratioBp > 0 ? o.ratioBp : terms.ratioBp,
    ...(cap !== undefined ? { capPerLoan: cap } : {}),
  };
}

/** The loans' terms as filed, optionally edited. */
export function asFiledVariant(id = 'as-filed', overrides: TermsOverrides = {}): PolicyVariant {
  return {
    id,
    termsFor: (loan) => {
      if (!loan.filedTerms)
        throw new RiskInputError(`loans[${loan.id}]`, 'has no filed terms; name a programme as the variant');
      return withOverrides(loan.filedTerms, overrides);
    },
  };
}

/**
 * Every loan judged under `policy` as if filed on the policy's effective date (eligibility and
 * ratio by the policy engine's own evaluate), optionally edited. Ineligible loans pay nothing.
 */
export function policyVariant(
  policy: CompiledPolicy,
  overrides: TermsOverrides = {},
  id = policy.programme,
): PolicyVariant {
  const on = policy.effectiveFrom;
  return {
    id,
    termsFor: (loan) => {
      const p = loan.profile;
      if (!p)
        throw new RiskInputError(`loans[${loan.id}]`, 'has no enterprise and loan profile to judge under a programme');
      const c: LoanCase = {
        enterprise: {
          ...p.enterprise,
          qualifications: p.qualifications.map((kind) => ({ kind, validFrom: on, validTo: on })),
        },
        loan: { ...p.loan, disbursedOn: on, filedOn: on },
      };
      const d = evaluate(c, policy);
      return d.eligible ? withOverrides(d.terms, overrides) : null;
    },
  };
}

/** Payout bands (yuan) for grouping and reporting: [0, 100k), [100k, 500k), … */
export const PAYOUT_BANDS_YUAN = [
  0, 100_000, 500_000, 1_000_000, 3_000_000, 5_000_000, 10_000_000, 15_000_000,
] as const;

export function payoutBand(payoutFen: number): number {
  let b = 0;
  while (b + 1 < PAYOUT_BANDS_YUAN.length && payoutFen >= PAYOUT_BANDS_YUAN[b + 1]! * 100) b++;
  return b;
}

export interface Cell {
  grade: number;
  sector: number;
  pd: number;
  /** Loans start..start+count-1 (in portfolio order), sorted by band of the first variant's payout. */
  start: number;
  count: number;
  bands: { band: number; start: number; count: number }[];
}

/** Plain data (typed arrays and arrays), so it can be posted to worker threads as it is. */
export interface Portfolio {
  grades: string[];
  sectors: string[];
  variants: string[];
  cells: Cell[];
  loanCount: number;
  /** Exposure of each loan in portfolio order (fen). */
  exposure: Float64Array;
  /** payouts[loan * variants.length + v]: the fund's payout (fen) if the loan defaults under variant v. */
  payouts: Float64Array;
  /** The loans' ids in portfolio order. */
  ids: string[];
  /**
   * Each loan's bank and programme in portfolio order, when the loans name them: for the
   * contributions, and the bank for the fund's rules (each bank's breaker, G4), which the workers
   * get without the programme.
   */
  labels?: { bank?: LoanLabels; programme?: LoanLabels };
  /**
   * For the fund's rules (fund-rules.ts), in portfolio order: each loan's years to maturity
   * (Infinity when not known) and age in years.
   */
  life?: { remainingYears: Float64Array; ageYears: Float64Array };
}

/** A label of each loan as an index into `names` (sorted): a million loans' labels in 4 MB, grouped without a string read. */
export interface LoanLabels {
  names: string[];
  of: Int32Array;
}

/** Each distinct label once, sorted, and each loan's index into them. */
export function loanLabels(perLoan: readonly string[]): LoanLabels {
  const names = [...new Set(perLoan)].sort();
  const place = new Map(names.map((name, i) => [name, i]));
  return { names, of: Int32Array.from(perLoan, (name) => place.get(name)!) };
}

export interface PortfolioInput {
  loans: readonly RiskLoan[];
  variants: readonly PolicyVariant[];
  /** Default probability over one year per grade, 0..1. */
  pdByGrade: Readonly<Record<string, number>>;
}

export function buildPortfolio({ loans, variants, pdByGrade }: PortfolioInput): Portfolio {
  if (variants.length === 0) throw new RiskInputError('variants', 'name at least one policy variant');
  const ids = new Set<string>();
  for (const v of variants) {
    if (ids.has(v.id)) throw new RiskInputError('variants', `duplicate variant ${v.id}`);
    ids.add(v.id);
  }
  for (const [g, pd] of Object.entries(pdByGrade)) {
    if (!(Number.isFinite(pd) && pd >= 0 && pd <= 1))
      throw new RiskInputError(`pdByGrade.${g}`, 'must be a probability between 0 and 1');
  }
  const grades = [...new Set(loans.map((l) => l.grade))].sort();
  const sectors = [...new Set(loans.map((l) => l.sector))].sort();
  for (const g of grades)
    if (pdByGrade[g] === undefined)
      throw new RiskInputError(`pdByGrade.${g}`, `is missing: the portfolio has loans of grade ${g}`);
  const gradeIx = new Map(grades.map((g, i) => [g, i]));
  const sectorIx = new Map(sectors.map((s, i) => [s, i]));
  const V = variants.length;
  const B = PAYOUT_BANDS_YUAN.length;
  const n = loans.length;
  const raw = new Float64Array(n * V);
  const key = new Int32Array(n);
  const counts = new Int32Array(grades.length * sectors.length * B + 1);
  for (let i = 0; i < n; i++) {
    const loan = loans[i]!;
    if (loan.exposure < 0n) throw new RiskInputError(`loans[${loan.id}].exposure`, 'must not be negative');
    for (const k of ['remainingYears', 'ageYears'] as const)
      if (loan[k] !== undefined && !(loan[k] >= 0))
        // NaN fails too; Infinity = never matures
        throw new RiskInputError(`loans[${loan.id}].${k}`, 'must be a number of years of at least 0');
    for (let v = 0; v < V; v++) {
      const terms = variants[v]!.termsFor(loan);
      raw[i * V + v] = terms ? Number(compensationOnly(terms, loan.exposure)) : 0;
    }
    const cell = gradeIx.get(loan.grade)! * sectors.length + sectorIx.get(loan.sector)!;
    key[i] = cell * B + payoutBand(raw[i * V]!);
    counts[key[i]! + 1]!++;
  }
  for (let k = 1; k < counts.length; k++) counts[k]! += counts[k - 1]!;
  const starts = counts.slice();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[starts[key[i]!]!++] = i;
  const exposure = new Float64Array(n);
  const payouts = new Float64Array(n * V);
  const idList = new Array<string>(n);
  const banks = loans.some((l) => l.bank !== undefined) ? new Array<string>(n) : undefined;
  const programmes = loans.some((l) => l.programme !== undefined) ? new Array<string>(n) : undefined;
  for (let j = 0; j < n; j++) {
    const i = order[j]!;
    exposure[j] = Number(loans[i]!.exposure);
    idList[j] = loans[i]!.id;
    if (banks) banks[j] = loans[i]!.bank ?? '';
    if (programmes) programmes[j] = loans[i]!.programme ?? '';
    for (let v = 0; v < V; v++) payouts[j * V + v] = raw[i * V + v]!;
  }
  const cells: Cell[] = [];
  for (let g = 0; g < grades.length; g++) {
    for (let s = 0; s < sectors.length; s++) {
      const c = g * sectors.length + s;
      const start = counts[c * B]!;
      const count = counts[(c + 1) * B]! - start;
      if (count === 0) continue;
      const bands = [];
      for (let b = 0; b < B; b++) {
        const bs = counts[c * B + b]!;
        const bc = counts[c * B + b + 1]! - bs;
        if (bc > 0) bands.push({ band: b, start: bs, count: bc });
      }
      cells.push({ grade: g, sector: s, pd: pdByGrade[grades[g]!]!, start, count, bands });
    }
  }
  const hasLife = loans.some((l) => l.remainingYears !== undefined || l.ageYears !== undefined);
  const life = hasLife
    ? {
        remainingYears: Float64Array.from(order, (i) => loans[i]!.remainingYears ?? Infinity),
        ageYears: Float64Array.from(order, (i) => Math.max(0, loans[i]!.ageYears ?? 0)),
      }
    : undefined;
  const labels =
    banks || programmes
      ? { ...(banks ? { bank: loanLabels(banks) } : {}), ...(programmes ? { programme: loanLabels(programmes) } : {}) }
      : undefined;
  return {
    grades,
    sectors,
    variants: variants.map((v) => v.id),
    cells,
    loanCount: n,
    exposure,
    payouts,
    ids: idList,
    ...(labels ? { labels } : {}),
    ...(life ? { life } : {}),
  };
}

/** The total payout of a cell (or any loan range) under variant v, in fen. */
export function payoutTotal(p: Portfolio, v: number, start: number, count: number): number {
  const V = p.variants.length;
  let t = 0;
  for (let i = start; i < start + count; i++) t += p.payouts[i * V + v]!;
  return t;
}

/** The expected loss of one year, exactly: Σ PD × payout (fen, fractional). */
export function expectedLoss(p: Portfolio, v: number): number {
  let el = 0;
  for (const c of p.cells) el += c.pd * payoutTotal(p, v, c.start, c.count);
  return el;
}
