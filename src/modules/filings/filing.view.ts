/**
 * A filing as the API shows it, built from its row (no I/O): the view every use case answers
 * with, and the audit row a new filing records.
 */
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
