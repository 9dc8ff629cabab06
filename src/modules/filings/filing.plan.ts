/**
 * Filing, step one (pure): a loan judged for a bank — G1 agreements, the programmes in force,
 * eligibility with every reason — its terms fixed (R3) and its reservation planned, from what the
 * caller looked up. No I/O and no database: the single filing (filings.usecases.ts) and the bulk
 * filing (imports.usecases.ts, demo.filing.ts) plan the same way, then write with filing.store.ts.
 */
import { randomUUID } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import {
  enterpriseCapAccounts,
  enterpriseCapKey,
  exposureAccount,
  reserveFiling,
  type AccountSpec,
  type TransferSpec,
} from '../../core/ledger/fund-operations';
import { formatRate, formatYuan, type Fen } from '../../core/money/money';
import {
  compensationOnly,
  evaluateAcrossProgrammes,
  fillDecision,
  NoPolicyInForceError,
  policiesInForce,
  splitDecision,
  type CompensationTerms,
  type Decision,
  type LoanCase,
  type RenderedDecision,
} from '../../core/policy';
import { addDays, CalendarRangeError } from '../../core/calendar';
import type { Bilingual } from '../../core/text';
import type { Actor } from '../auth/access';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import type { EnterpriseRow } from '../registry/registry.repository';
import { Problem, type FieldError } from '../shared/problem';
import { filingErrors, FilingRefused } from './filings.errors';
import { programmeErrors } from '../programmes/programmes.errors';
import type { AgreementRow, FilingEventInsert, FilingInsert } from './filings.repository';
import type { filingInput } from './filings.schemas';
import { storedTemplate, type StoredTemplate } from './filing.decision';

export type FilingInput = z.output<typeof filingInput>;

export function caseOf(
  e: EnterpriseRow,
  quals: { kind: string; validFrom: string; validTo: string }[],
  loan: {
    kind: string;
    principal: Fen;
    disbursedOn: string;
    mode: 'direct' | 'risk-sharing';
    bankShare?: number | undefined;
  },
  filedOn: string,
  hasBadLoan = false,
): LoanCase {
  return {
    enterprise: {
      registeredInZone: e.registeredInZone,
      size: e.size,
      sciTech: e.sciTech,
      industry: e.industry,
      restrictedProcesses: e.restrictedProcesses,
      hasBadLoan,
      qualifications: quals.map((q) => ({
        kind: q.kind as LoanCase['enterprise']['qualifications'][number]['kind'],
        validFrom: q.validFrom,
        validTo: q.validTo,
      })),
    },
    loan: {
      kind: loan.kind,
      principal: loan.principal,
      disbursedOn: loan.disbursedOn,
      filedOn,
      mode: loan.mode,
      ...(loan.bankShare !== undefined ? { bankShareBp: loan.bankShare } : {}),
    },
  };
}

/** What filing needs to know about the bank on the filing day: its cooperation agreements in force (G1). */
export interface FilingDesk {
  catalog: PolicyCatalog;
  actor: Actor;
  today: string;
  bankId: string;
  /** The bank's name, for refusals that name it (its id where not given). */
  bankName?: Bilingual;
  agreements: AgreementRow[];
}

/** A judged, eligible loan ready to be written: its row, first event, ledger accounts and reservation. */
export interface FilingPlan {
  row: FilingInsert;
  event: FilingEventInsert;
  accounts: AccountSpec[];
  transfers: TransferSpec[];
  rendered: RenderedDecision;
  /** The decision's template (its reason set), stored once however many loans share it; the row names it by key. */
  template: StoredTemplate;
  enterpriseName: string;
  /** G5's cap for this loan's bank and enterprise under the loan's policy version, when it has one. */
  enterpriseCap: { key: string; cap: Fen } | null;
}

export const guarantorOf = (input: FilingInput): string | null =>
  input.loan.parties?.find((p) => p.party === 'guarantor')?.institutionId ?? null;

/**
 * A loan may be filed before it is disbursed (G6), but not by more than a year: a later date is a
 * typing mistake (and past the holiday calendar, which would be the wrong thing to report).
 */
export function disbursementProblem(field: string, disbursedOn: string, filedOn: string): FieldError | undefined {
  const latest = addDays(filedOn, 366);
  return disbursedOn > latest ? filingErrors.disbursedTooLate(field, filedOn) : undefined;
}

/** G1's refusal naming the bank and the programme asked for (its title when the catalog has it). */
function noAgreement(desk: FilingDesk, programme: string | undefined) {
  const title = programme ? (desk.catalog.current.find((p) => p.programme === programme)?.title ?? null) : null;
  return filingErrors.noAgreement(
    desk.bankName ?? { zh: desk.bankId, en: desk.bankId },
    desk.today,
    programme ? (title ?? { zh: programme, en: programme }) : undefined,
  );
}

/**
 * Judges one loan for a bank (G1 agreements, the programmes in force, eligibility with every reason),
 * fixes its terms (R3) and plans its reservation. No I/O: the caller looked up the enterprise, its
 * qualifications and which of the named institutions are registered guarantors. Throws a Problem
 * (400 bad field, 422 refused with reasons).
 */
export function planFiling({
  desk,
  input,
  enterprise,
  quals,
  badLoanFunds,
  guarantors,
  id = randomUUID(),
}: {
  desk: FilingDesk;
  input: FilingInput;
  enterprise: EnterpriseRow;
  quals: { kind: string; validFrom: string; validTo: string }[];
  /** R17: the funds in which this enterprise has a bad loan (filings repository fundsWithBadLoans). */
  badLoanFunds: ReadonlySet<string>;
  guarantors: ReadonlySet<string>;
  id?: string;
}): FilingPlan {
  const { catalog, actor, today, bankId } = desk;
  const late = disbursementProblem('loan.disbursedOn', input.loan.disbursedOn, today);
  if (late) throw Problem.invalid([late]);
  // G1: only programmes this bank has a cooperation agreement for, in force today.
  const agreements = desk.agreements.filter((a) => !input.fundId || a.fundId === input.fundId);
  // R17, judged in the funds this bank files under (one per zone in practice).
  const hasBadLoan = agreements.some((a) => badLoanFunds.has(a.fundId));
  const loanCase = caseOf(enterprise, quals, input.loan, today, hasBadLoan);
  const agreed = new Set(agreements.map((a) => a.programmeId));
  let decision: Decision;
  try {
    const inForce = policiesInForce(catalog.current, today, input.programme).filter((p) => agreed.has(p.programme));
    if (inForce.length === 0) throw new FilingRefused([noAgreement(desk, input.programme)]);
    decision = evaluateAcrossProgrammes(
      { ...loanCase, ...(input.programme ? { programme: input.programme } : {}) },
      inForce,
    ).chosen;
  } catch (e) {
    const field = input.programme ? 'programme' : 'loan.disbursedOn';
    if (e instanceof NoPolicyInForceError) throw Problem.invalid([programmeErrors.noPolicyInForce(field, e)]);
    if (e instanceof CalendarRangeError) throw Problem.invalid([programmeErrors.calendarYearMissing(field, e)]);
    throw e;
  }
  const split = splitDecision(decision, loanCase);
  const rendered = fillDecision(split.template, split.values);
  if (!decision.eligible) throw new FilingRefused(rendered.reasons);
  const template = storedTemplate(split.template);

  const policy = decision.policy;
  const agreement = agreements.find((a) => a.programmeId === policy.programme)!;
  const guarantor = guarantorOf(input);
  if (guarantor && !guarantors.has(guarantor)) throw filingErrors.guarantorUnknown(guarantor);
  const terms: CompensationTerms = input.loan.parties
    ? {
        ...decision.terms,
        parties: [
          ...input.loan.parties.map((p) => ({ party: p.party, shareBp: p.share })),
          { party: 'bank', shareBp: input.loan.bankShare! },
        ],
      }
    : decision.terms;
  const liability = compensationOnly(terms, input.loan.principal);
  const cap = policy.limits.perEnterprisePerBank;
  const capKey = cap !== null ? enterpriseCapKey(policy.programme, bankId, enterprise.id) : null;
  const row = {
    id,
    fundId: agreement.fundId,
    programmeId: policy.programme,
    policyVersionId: catalog.versionIdOf(policy),
    bankId,
    enterpriseId: enterprise.id,
    bankRef: input.bankRef,
    kind: input.loan.kind,
    principal: input.loan.principal,
    outstanding: input.loan.principal,
    disbursedOn: input.loan.disbursedOn,
    maturesOn: input.loan.maturesOn ?? null,
    filedOn: today,
    mode: input.loan.mode,
    ratioBp: terms.ratioBp,
    rounding: terms.rounding,
    capPerLoan: terms.capPerLoan ?? null,
    parties: [
      ...(input.loan.parties ?? []).map((p) => ({
        party: p.party,
        institutionId: p.institutionId ?? null,
        shareBp: p.share,
      })),
      ...terms.parties
        .filter((p) => !input.loan.parties || p.party === 'bank')
        .filter((p) => p.party !== 'bank' || input.loan.mode === 'risk-sharing')
        .map((p) => ({ party: p.party, institutionId: p.party === 'bank' ? bankId : null, shareBp: p.shareBp })),
    ],
    guarantorId: guarantor,
    reserved: liability,
    agreementId: agreement.quota !== null ? agreement.id : null,
    enterpriseCapKey: capKey,
    status: 'active' as const,
    decisionKey: template.key,
    decisionValues: split.values,
    createdBy: actor.username,
  };
  return {
    row,
    event: {
      filingId: id,
      kind: 'filed',
      on: today,
      data: { principal: formatYuan(row.principal), reserved: formatYuan(liability), ratio: formatRate(terms.ratioBp) },
      actor: actor.username,
    },
    accounts: [exposureAccount(row.fundId, id), ...(capKey ? enterpriseCapAccounts(row.fundId, capKey) : [])],
    transfers: reserveFiling({
      fundId: row.fundId,
      filingId: id,
      liability,
      agreementId: row.agreementId,
      enterpriseCap: capKey && cap !== null ? { key: capKey, cap, principal: row.principal } : null,
    }),
    rendered,
    template,
    enterpriseName: enterprise.name,
    enterpriseCap: capKey && cap !== null ? { key: capKey, cap } : null,
  };
}

/**
 * The plan with its G5 cap account brought from `opened` to its policy's cap: nothing to open when
 * it is open as the policy says (and its two accounts exist), a raise or lowering when a policy
 * version changed the cap (capOpening). A plan made before the cap was read assumes nothing is open.
 */
export function withOpenedCap(plan: FilingPlan, opened: Map<string, { opened: Fen; moves: number }>): FilingPlan {
  const cap = plan.enterpriseCap;
  if (!cap) return plan;
  const fundId = plan.row.fundId;
  const state = opened.get(enterpriseCapAccounts(fundId, cap.key)[0]!.id);
  if (!state || state.moves === 0) return plan;
  const capAccounts = new Set(enterpriseCapAccounts(fundId, cap.key).map((a) => a.id));
  return {
    ...plan,
    accounts: plan.accounts.filter((a) => !capAccounts.has(a.id)),
    transfers: reserveFiling({
      fundId,
      filingId: plan.row.id!,
      liability: plan.row.reserved,
      agreementId: plan.row.agreementId ?? null,
      enterpriseCap: {
        key: cap.key,
        cap: cap.cap,
        principal: plan.row.principal,
        opened: state.opened,
        moves: state.moves,
      },
    }),
  };
}
