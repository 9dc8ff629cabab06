/**
 * The daily escalation of overdue claims (issue 17; R21, R23): a stage of a claim's review past its
 * SLA, or a claim returned to the bank past the bank's deadline, is recorded once per wait — a claim
 * event (`stage-overdue`, `return-overdue`) and its audit entry (`claim.stage-overdue`,
 * `claim.return-overdue`, by `system`). The notifications dispatcher mails the people the entry names
 * (core/notifications overdueRecipients) and the webhooks dispatcher sends it to the bank's endpoints,
 * as every other claim entry. Run by the server's daily jobs; safe to run again, and from several
 * processes at once: each claim is locked while it is looked at, and a wait already recorded is not
 * recorded again.
 */
import { overdueToEscalate, overdueWait, type Overdue } from '../../core/claims/overdue';
import { SYSTEM } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import type { Db } from '../shared/db';
import { claimStages, claimView, findClaim, waitOf } from './claims.usecases';
import * as repo from './claims.repository';
import type { ClaimRow } from './claims.repository';

const EVENT: Record<Overdue['kind'], 'stage-overdue' | 'return-overdue'> = {
  stage: 'stage-overdue',
  return: 'return-overdue',
};

/** The claim event's note: the wait's key first (what makes it once only), then what was late. */
async function overdueNote(db: Db, catalog: PolicyCatalog, c: ClaimRow, o: Overdue): Promise<string> {
  if (o.kind === 'return') return `${o.key} the bank did not complete the return due by ${o.dueBy} (R21)`;
  const stage = (await claimStages(db, catalog, c))[o.stage];
  return `${o.key} stage ${stage?.id ?? o.stage} (${(c.stageBy ?? []).join(', ')}) not signed by ${o.dueBy} (R23)`;
}

/** Whether this wait's escalation is recorded: a claim event whose note starts with the wait's key. */
async function wasEscalated(db: Db, claimId: string, o: Overdue): Promise<boolean> {
  const events = await repo.claimEventsOf({ db, claimId });
  return events.some((e) => e.event === EVENT[o.kind] && e.note?.split(' ')[0] === o.key);
}

/** Records the escalation of one claim if it is due and not recorded yet; true when recorded. */
async function escalateClaim(db: Db, catalog: PolicyCatalog, id: string, today: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const c = await findClaim(tx, SYSTEM, id, true);
    const o = overdueToEscalate(waitOf(c), { today, calendar: catalog.calendar });
    if (!o) return false;
    const event = EVENT[o.kind];
    if (await wasEscalated(tx, c.id, o)) return false;
    await repo.addClaimEvent({
      db: tx,
      event: {
        claimId: c.id,
        event,
        fromState: c.state,
        toState: c.state,
        actor: SYSTEM.username,
        note: await overdueNote(tx, catalog, c, o),
      },
    });
    const view = claimView(c, { today });
    await createAuditRepository({ db: tx }).record({
      actor: SYSTEM.username,
      action: `claim.${event}`,
      entityKind: 'claim',
      entityId: c.id,
      after: {
        ...view,
        escalated: { kind: o.kind, dueBy: o.dueBy, ...(o.kind === 'stage' ? { stage: c.stage } : {}) },
      },
    });
    return true;
  });
}

/** Escalates every claim whose present step's date has passed (once per wait); returns how many it recorded. */
export async function escalateOverdueClaims({
  db,
  catalog,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  today: string;
}): Promise<number> {
  let recorded = 0;
  for (const id of await repo.overdueClaimIds({ db, today }))
    if (await escalateClaim(db, catalog, id, today)) recorded++;
  return recorded;
}

/** An overdue claim as `backstop claims overdue` lists it. */
export interface OverdueClaimLine {
  id: string;
  number: string;
  bankId: string;
  state: string;
  /** `stage` (past its SLA, R23) or `return` (past the bank's deadline, R21). */
  kind: Overdue['kind'];
  /** The stage waiting (its id in the policy file); null for a return. */
  stage: string | null;
  dueBy: string;
  /** The first working day after `dueBy`: the day the daily sweep escalates it. */
  escalatesOn: string;
  /** Whether this wait's escalation is recorded. */
  escalated: boolean;
}

/** The claims overdue on `today` — a stage past its SLA, a return past the bank's deadline — oldest first; reads only. */
export async function listOverdueClaims({
  db,
  catalog,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  today: string;
}): Promise<OverdueClaimLine[]> {
  const lines: OverdueClaimLine[] = [];
  for (const id of await repo.overdueClaimIds({ db, today })) {
    const c = await findClaim(db, SYSTEM, id);
    const o = overdueWait(waitOf(c), { today, calendar: catalog.calendar });
    if (!o) continue;
    const stage = o.kind === 'stage' ? ((await claimStages(db, catalog, c))[o.stage]?.id ?? String(o.stage)) : null;
    lines.push({
      id: c.id,
      number: c.number,
      bankId: c.bankId,
      state: c.state,
      kind: o.kind,
      stage,
      dueBy: o.dueBy,
      escalatesOn: o.escalatesOn,
      escalated: await wasEscalated(db, c.id, o),
    });
  }
  return lines;
}
