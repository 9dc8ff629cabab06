/** Response shapes of the API, as the OpenAPI document describes them (money: yuan strings). */
export type Role = 'manager' | 'reviewer' | 'bank' | 'guarantor' | 'auditor';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  bankId: string | null;
  guarantorId: string | null;
}

export interface Reason {
  rule: string;
  fact: string;
  cites: string[];
  ok: boolean;
  applies?: boolean;
  message: string;
  messageEn: string;
}

export interface Decision {
  programme: string;
  policyVersion: string;
  eligible: boolean;
  reasons: Reason[];
  ratio: string;
  compensation?: string;
  parties?: { party: string; share: string; amount: string }[];
  alternatives: { programme: string; policyVersion: string; eligible: boolean; ratio: string; compensation?: string }[];
}

export interface Filing {
  id: string;
  bankRef: string;
  fundId: string;
  programme: string;
  policyVersion: string;
  bankId: string;
  enterpriseId: string;
  enterpriseName?: string;
  kind: string;
  principal: string;
  outstanding: string;
  disbursedOn: string;
  maturesOn: string | null;
  filedOn: string;
  mode: 'direct' | 'risk-sharing';
  ratio: string;
  parties: { party: string; institutionId?: string | null; share: string }[];
  guarantorId: string | null;
  guarantorConfirmation: { on: string; by: string } | null;
  reserved: string;
  status: string;
  classification: string;
  overdueSince: string | null;
  nonPerformingOn: string | null;
  reasons: Reason[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface FilingEvent {
  id?: string | number;
  kind?: string;
  code?: string;
  event?: string;
  on?: string;
  at?: string;
  actor?: string;
  amount?: string;
  outstanding?: string;
  note?: string | null;
  details?: unknown;
  [k: string]: unknown;
}

export interface Claim {
  id: string;
  filingId: string;
  bankRef?: string;
  fundId: string;
  bankId: string;
  state: string;
  outstanding: string;
  compensation: string;
  parties: unknown;
  reasons: Reason[] | unknown;
  submittedBy: string;
  submittedAt: string;
  submittedOn: string;
  dueBy: string;
  overdue: boolean;
  preparedBy: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  rejectionReason: string | null;
  heldReason: { zh: string; en: string } | null;
  approvedSeq: number | null;
  queuePosition: number | null;
  paidAt: string | null;
  paidBy: string | null;
  version: number;
}

export interface Enterprise {
  id: string;
  creditCode: string;
  name: string;
  size: string;
  industry: string;
  sciTech: boolean;
  registeredInZone: boolean;
  restrictedProcesses: boolean;
  qualifications: { id: number; kind: string; validFrom: string; validTo: string; certificateNo: string | null }[];
  createdAt: string;
  updatedAt: string;
}

export interface Institution {
  id: string;
  kind: string;
  name: string;
  nameEn: string | null;
  registeredInZone: boolean;
  createdAt: string;
}

export interface Fund {
  id: string;
  name: string;
  programmes: string[];
  liabilityMultiple: string;
  capital: string;
  topUps: { id: string; amount: string; on: string; note: string | null }[];
  [k: string]: unknown;
}

export interface Agreement {
  id: string;
  fundId: string;
  programmeId: string;
  institutionId: string;
  signedOn: string;
  endsOn: string | null;
  quota: string | null;
  [k: string]: unknown;
}

export interface Breaker {
  bankId: string;
  tripped: boolean;
  ratioExceeded: boolean;
  netExceeded: boolean;
  claimRatio: string;
  netCompensation: string;
  filedPrincipal: string;
  claimedNplPrincipal: string;
  compensationPaid: string;
  refunded: string;
  thresholds: { claimRatioAbove: string; netCompensationAbove: string };
  why: { zh: string; en: string };
  cites: string[];
}

export interface ProgrammeSummary {
  id: string;
  title: { zh: string; en: string };
  versions: {
    version: string;
    revision: number;
    contentHash: string;
    effectiveFrom: string;
    effectiveTo: string | null;
    loadedAt: string;
  }[];
}
export interface Programme extends ProgrammeSummary {
  policies: { version: string; revision: number; document: PolicyDocument }[];
}

export interface PolicyRule {
  id: string;
  cites?: string[];
  fact?: string;
  op?: string;
  value?: unknown;
  message?: { zh: string; en: string };
  quote?: string;
  [k: string]: unknown;
}
export interface PolicyDocument {
  programme: string;
  version: string;
  title: { zh: string; en: string };
  summary?: { zh: string; en: string };
  cites?: string[];
  effectiveFrom: string;
  effectiveTo: string | null;
  eligibility?: PolicyRule[];
  [k: string]: unknown;
}

/** One holiday of a year, as the State Council's notice writes it: the days off from–to, weekends inside included. */
export interface Holiday {
  name: string;
  from: string;
  to: string;
}
/** A year of the working-day calendar G6's filing deadline is counted on (GET /api/calendar/{year}). */
export interface HolidayYear {
  year: number;
  notice: string;
  holidays: Holiday[];
  /** Saturdays and Sundays the notice makes working days (调休上班). */
  makeUpWorkdays: string[];
  source: 'shipped' | 'entered';
  enteredBy: string | null;
  enteredAt: string | null;
}
/** What a manager sends to PUT /api/calendar/{year}: the year is the path's. */
export type HolidayYearInput = Pick<HolidayYear, 'notice' | 'holidays' | 'makeUpWorkdays'>;
/** GET /api/calendar: the years (oldest first) and the last day filings can be judged on. */
export interface WorkingCalendar {
  covered: string;
  lastDay: string;
  years: HolidayYear[];
}
