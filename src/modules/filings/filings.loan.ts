/**
 * The bridge between a filing row and the loan's life (core/loans/loan-life.ts): a row read as a
 * Loan, and a Loan after a transition written back. The filings module owns the `filings` table:
 * claims, servicing and recoveries change a loan only through `storeLoan`, which bumps its version
 * and `updatedAt` like every other write.
 */
import type { Loan } from '../../core/loans/loan-life';
import type { CompensationTerms } from '../../core/policy';
import type { createFilingsRepository, FilingRow } from './filings.repository';

/** The terms a filing fixes (R3), as the claims and the simulator read them back. */
export function termsOf(f: Pick<FilingRow, 'ratioBp' | 'rounding' | 'capPerLoan' | 'parties'>): CompensationTerms {
  return {
    ratioBp: f.ratioBp,
    rounding: f.rounding,
    ...(f.capPerLoan !== null ? { capPerLoan: f.capPerLoan } : {}),
    parties: f.parties.map((p) => ({
      party: p.party as CompensationTerms['parties'][number]['party'],
      shareBp: p.shareBp,
    })),
  };
}

export function loanOf(f: FilingRow, claim: Loan['claim'] = null): Loan {
  return {
    terms: {
      ...termsOf(f),
      id: f.id,
      fundId: f.fundId,
      bankId: f.bankId,
      agreementId: f.agreementId,
      enterpriseCapKey: f.enterpriseCapKey,
      disbursedOn: f.disbursedOn,
      principal: f.principal,
    },
    status: f.status,
    outstanding: f.outstanding,
    reserved: f.reserved,
    classification: f.classification,
    overdueSince: f.overdueSince,
    nonPerformingOn: f.nonPerformingOn,
    claim,
  };
}

/** Writes what a transition changed; returns the row as it now stands. */
export async function storeLoan(
  filings: ReturnType<typeof createFilingsRepository>,
  before: FilingRow,
  after: Loan,
): Promise<FilingRow> {
  const patch = {
    status: after.status,
    outstanding: after.outstanding,
    reserved: after.reserved,
    classification: after.classification,
    overdueSince: after.overdueSince,
    nonPerformingOn: after.nonPerformingOn,
  };
  return filings.update(before.id, patch);
}
