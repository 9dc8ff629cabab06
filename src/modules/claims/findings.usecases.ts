/**
 * Due diligence on a claim (尽职审查, R22): the manager who prepared the claim records the bank's
 * failures its programme lists (`dueDiligence` in the policy file), each with a note; their cuts,
 * added, reduce the compensation — 100% voids it — and the checker approves (or not) the claim as
 * cut. The cut is applied in the loan's life (core/loans/loan-life.ts `cutClaim`) and again by every
 * later recomputation (R14) and at approval. Findings change only while the claim is under review.
 */
import { cutClaim } from '../../core/loans/loan-life';
import { formatPercent, formatYuan } from '../../core/money/money';
import type { Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { createFilingsRepository } from '../filings/filings.repository';
import { loanProblem } from '../filings/filings.errors';
import { loanOf } from '../filings/filings.loan';
import { procedureOf, type PolicyCatalog } from '../programmes/programmes.usecases';
import type { Db } from '../shared/db';
import { claimErrors } from './claims.errors';
import * as repo from './claims.repository';
import type { Finding } from './claims.table';
import { claimView, findClaim, liveOf } from './claims.usecases';

export interface FindingInput {
  /** The programme's finding (its `dueDiligence[].id`). */
  findingId: string;
  /** What the reviewer found, for the checker and the bank. */
  note: string;
}

/** The findings a claim's reviewer may record: the programme's list as it stands today (procedure, like the dossier). */
export function dueDiligenceOf(catalog: PolicyCatalog, policyVersionId: number) {
  return procedureOf(catalog, policyVersionId)?.dueDiligence ?? [];
}

/** The programme's findings with those recorded on the claim, the cut and the compensation as cut (GET …/findings). */
export async function listFindings({
  db,
  catalog,
  actor,
  id,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
}) {
  const c = await findClaim(db, actor, id);
  const both = await repo.claimWithFiling({ db, claimId: c.id });
  const items = dueDiligenceOf(catalog, both!.filing.policyVersionId).map((d) => {
    const found = c.findings.find((f) => f.id === d.id);
    return {
      id: d.id,
      title: d.title,
      cutBp: d.cutBp,
      cites: d.cites,
      found: found ? { note: found.note, by: found.by, at: found.at } : null,
    };
  });
  const view = claimView(c);
  return { claimId: c.id, items, cutBp: view.cutBp, compensation: view.compensation };
}

/** Records a finding (again: its note is replaced) and recomputes the claim with the findings' cut. */
export async function recordFinding({
  db,
  catalog,
  actor,
  id,
  input,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  input: FindingInput;
}) {
  return changeFindings({ db, catalog, actor, id, findingId: input.findingId }, (findings, item) => [
    ...findings.filter((f) => f.id !== item.id),
    { id: item.id, cutBp: item.cutBp, note: input.note, by: actor.username, at: new Date().toISOString() },
  ]);
}

/** Takes a finding back (the reviewer was wrong) and recomputes the claim without its cut. */
export async function withdrawFinding({
  db,
  catalog,
  actor,
  id,
  findingId,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  findingId: string;
}) {
  return changeFindings({ db, catalog, actor, id, findingId }, (findings, item) => {
    if (!findings.some((f) => f.id === item.id)) throw claimErrors.findingNotRecorded(item.id);
    return findings.filter((f) => f.id !== item.id);
  });
}

async function changeFindings(
  {
    db,
    catalog,
    actor,
    id,
    findingId,
  }: { db: Db; catalog: PolicyCatalog; actor: Actor; id: string; findingId: string },
  change: (findings: Finding[], item: { id: string; cutBp: number }) => Finding[],
) {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, actor, id, true);
    // The preliminary review is the maker's: the checker judges the claim as the maker cut it (R18).
    if (c.state === 'under-review' && c.preparedBy !== actor.username)
      throw claimErrors.findingsNotPreparer(c.preparedBy);
    const filingsRepo = createFilingsRepository({ db: tx });
    const f = (await filingsRepo.find(c.filingId, {}, true))!;
    const list = dueDiligenceOf(catalog, f.policyVersionId);
    const item = list.find((d) => d.id === findingId);
    if (!item)
      throw claimErrors.findingUnknown(
        findingId,
        list.map((d) => d.id),
      );
    const findings = change(c.findings, item);
    // This claim, whatever its state (a rejected one is not the loan's live claim): the core refuses all but one under review.
    const cut = cutClaim(loanOf(f, liveOf(c)), { cutBps: findings.map((x) => x.cutBp) });
    if (!cut.ok) throw loanProblem(cut.refusal);
    if (cut.claim?.kind !== 'recomputed') throw new Error('a cut claim is recomputed');
    const comp = cut.claim.compensation;
    const cutBp = cut.loan.claim!.cutBp;
    await repo.recomputeClaim({
      db: tx,
      id: c.id,
      outstanding: f.outstanding,
      compensation: comp.compensation,
      parties: comp.parties.map((p) => ({ party: p.party, shareBp: p.shareBp, amount: formatYuan(p.amount) })),
      findings,
    });
    const added = findings.find((x) => x.id === findingId);
    const note = `${added ? `${findingId} (−${formatPercent(item.cutBp)})${added.note ? `: ${added.note}` : ''}` : `${findingId} withdrawn`}; cut ${formatPercent(cutBp)}, compensation ${formatYuan(c.compensation)} → ${formatYuan(comp.compensation)} (R22)`;
    await repo.addClaimEvent({
      db: tx,
      event: {
        claimId: c.id,
        event: added ? 'finding' : 'finding-withdrawn',
        fromState: c.state,
        toState: c.state,
        actor: actor.username,
        note,
      },
    });
    const after = (await repo.claimById({ db: tx, id: c.id }))!;
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: added ? 'claim.finding' : 'claim.finding-withdrawn',
      entityKind: 'claim',
      entityId: c.id,
      before: claimView(c),
      after: claimView(after),
    });
    return claimView(after);
  });
}
