/**
 * The facts a rule can test, each with its type. Rules name facts by path; values in a policy
 * file are parsed by the fact's type (money as yuan strings → fen, rates → basis points), so the
 * operators compare `bigint` with `bigint` and ISO dates with ISO dates.
 */
import type { BasisPoints, Fen } from '../money/money';
import type { IsoDate } from '../calendar/dates';

export const ENTERPRISE_SIZES = ['micro', 'small', 'medium', 'large'] as const;
export const QUALIFICATION_KINDS = [
  'manufacturing-single-champion',
  'national-high-tech',
  'beijing-specialised-sme',
  'little-giant',
] as const;
export const LOAN_MODES = ['direct', 'risk-sharing'] as const;

export type EnterpriseSize = (typeof ENTERPRISE_SIZES)[number];
export type QualificationKind = (typeof QUALIFICATION_KINDS)[number];
export type LoanMode = (typeof LOAN_MODES)[number];

export interface Qualification {
  kind: QualificationKind;
  validFrom: IsoDate;
  validTo: IsoDate;
}

/** A case after parsing: every amount in fen, every rate in basis points. */
export interface LoanCase {
  programme?: string;
  enterprise: {
    registeredInZone: boolean;
    size: EnterpriseSize;
    sciTech: boolean;
    industry: string;
    /** On Beijing's list of restricted or eliminated processes or equipment (G2). */
    restrictedProcesses: boolean;
    /**
     * R17: it has, in the fund the loan would be filed under, a non-performing loan or a compensated
     * one not yet recovered in full. Known only to the filing desk; a case judged on its own says false.
     */
    hasBadLoan?: boolean;
    qualifications: Qualification[];
  };
  loan: {
    kind: string;
    principal: Fen;
    disbursedOn: IsoDate;
    filedOn: IsoDate;
    mode: LoanMode;
    bankShareBp?: BasisPoints;
  };
  default?: { outstandingPrincipal: Fen; classifiedOn: IsoDate };
}

export type FactType = 'boolean' | 'string' | 'money' | 'rate' | 'date' | 'qualifications';
export type FactValue = boolean | string | bigint | number | Qualification[] | undefined;

interface FactDef {
  type: FactType;
  get: (c: LoanCase) => FactValue;
}

export const FACTS = {
  'enterprise.registeredInZone': { type: 'boolean', get: (c) => c.enterprise.registeredInZone },
  'enterprise.size': { type: 'string', get: (c) => c.enterprise.size },
  'enterprise.sciTech': { type: 'boolean', get: (c) => c.enterprise.sciTech },
  'enterprise.industry': { type: 'string', get: (c) => c.enterprise.industry },
  'enterprise.restrictedProcesses': { type: 'boolean', get: (c) => c.enterprise.restrictedProcesses },
  'enterprise.hasBadLoan': { type: 'boolean', get: (c) => c.enterprise.hasBadLoan ?? false },
  'enterprise.qualifications': { type: 'qualifications', get: (c) => c.enterprise.qualifications },
  'loan.kind': { type: 'string', get: (c) => c.loan.kind },
  'loan.principal': { type: 'money', get: (c) => c.loan.principal },
  'loan.disbursedOn': { type: 'date', get: (c) => c.loan.disbursedOn },
  'loan.filedOn': { type: 'date', get: (c) => c.loan.filedOn },
  'loan.mode': { type: 'string', get: (c) => c.loan.mode },
  'loan.bankShare': { type: 'rate', get: (c) => c.loan.bankShareBp },
  'default.classifiedOn': { type: 'date', get: (c) => c.default?.classifiedOn },
  'default.outstandingPrincipal': { type: 'money', get: (c) => c.default?.outstandingPrincipal },
} as const satisfies Record<string, FactDef>;

export type FactName = keyof typeof FACTS;
export const FACT_NAMES = Object.keys(FACTS) as FactName[];
