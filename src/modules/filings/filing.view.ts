/**
 * A filing as the API shows it, built from its row (no I/O): the view every use case answers
 * with, and the audit row a new filing records.
 */
import { createHash } from 'node:crypto';
import { formatRate, formatYuan } from '../../core/money/money';
import type { RenderedReason } from '../../core/policy';
import type { FilingRow } from './filings.repository';

export function filingView(f: FilingRow, enterpriseName?: string) {
  const decision = f.decision as { reasons: RenderedReason[] };
  return {
    id: f.id,
    bankRef: f.bankRef,
    fundId: f.fundId,
    programme: f.programmeId,
    policyVersion: (f.decision as { policyVersion: string }).policyVersion,
    bankId: f.bankId,
    enterpriseId: f.enterpriseId,
    ...(enterpriseName ? { enterpriseName } : {}),
    kind: f.kind,
    principal: formatYuan(f.principal),
    outstanding: formatYuan(f.outstanding),
    disbursedOn: f.disbursedOn,
    maturesOn: f.maturesOn,
    filedOn: f.filedOn,
    mode: f.mode,
    ratio: formatRate(f.ratioBp),
    parties: f.parties.map((p) => ({
      party: p.party,
      institutionId: p.institutionId ?? null,
      share: formatRate(p.shareBp),
    })),
    guarantorId: f.guarantorId,
    guarantorConfirmation: f.guarantorConfirmedOn
      ? { on: f.guarantorConfirmedOn, by: f.guarantorConfirmedBy ?? '' }
      : null,
    reserved: formatYuan(f.reserved),
    status: f.status,
    classification: f.classification,
    overdueSince: f.overdueSince,
    nonPerformingOn: f.nonPerformingOn,
    reasons: decision.reasons,
    createdBy: f.createdBy,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
    version: f.version,
  };
}
export type FilingView = ReturnType<typeof filingView>;

/**
 * A new filing as its audit row records it: the view, with its reasons (2.9 kB, fixed at filing and
 * kept with the filing) replaced by the SHA-256 of the decision's JSON text as read back
 * (JSON.stringify of the repository row's `decision`: its template filled with the loan's values,
 * drizzle/0034 — the text that was stored whole before), so the chained row still shows if the
 * decision is changed. A fifth of the view's size: bulk filing
 * writes one such row per loan.
 */
export function auditedFiling(view: FilingView, decisionSha256: string) {
  const { reasons: _reasons, ...rest } = view;
  return { ...rest, decisionSha256 };
}

/**
 * A bulk-filed loan's leaf in its chunk's Merkle tree (issue 20): the facts fixed when it was
 * filed, recomputable at any time from what the database holds. Left out is what servicing, claims,
 * withdrawal and the guarantor's confirmation legitimately change later (every UPDATE of `filings`:
 * filings.loan storeLoan — status, outstanding, reserved, classification, overdueSince,
 * nonPerformingOn; withdraw — status, reserved; guarantor-confirm — guarantorConfirmedOn/By; every
 * write — updatedAt, version), and the decision's storage (key and values, which a migration may
 * split again as drizzle/0034 did) for its digest as read back. An amendment (filing.amend, its own
 * audit row) changes the terms in FILED_TERMS: `audit verify` takes those from the first amendment's
 * `before`. Money as the view writes it (yuan to the fen), so an amendment's `before` gives it as is.
 */
export function filedFacts(f: FilingRow, decisionSha256: string) {
  return {
    id: f.id,
    bankRef: f.bankRef,
    bankId: f.bankId,
    enterpriseId: f.enterpriseId,
    fundId: f.fundId,
    programme: f.programmeId,
    policyVersionId: f.policyVersionId,
    kind: f.kind,
    principal: formatYuan(f.principal),
    disbursedOn: f.disbursedOn,
    maturesOn: f.maturesOn,
    filedOn: f.filedOn,
    mode: f.mode,
    ratioBp: f.ratioBp,
    rounding: f.rounding,
    capPerLoan: f.capPerLoan === null ? null : formatYuan(f.capPerLoan),
    parties: f.parties.map((p) => ({ party: p.party, institutionId: p.institutionId ?? null, shareBp: p.shareBp })),
    guarantorId: f.guarantorId,
    agreementId: f.agreementId,
    enterpriseCapKey: f.enterpriseCapKey,
    decisionSha256,
    createdBy: f.createdBy,
    createdAt: f.createdAt.toISOString(),
  };
}
export type FiledFacts = ReturnType<typeof filedFacts>;

/** The terms an amendment may change (filings.usecases amendFiling), as its audit row's `before` holds them. */
export const FILED_TERMS = ['kind', 'principal', 'disbursedOn', 'maturesOn', 'decisionSha256'] as const;

/** The digest of a decision as read back (the repository row's `decision`): what `decisionSha256` holds. */
export const decisionDigest = (decision: unknown): string =>
  createHash('sha256').update(JSON.stringify(decision)).digest('hex');
