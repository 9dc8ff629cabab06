/**
 * Loan servicing: balance reports and repayments lower the loan's liability (ratio × outstanding,
 * R7b) and give it back to the fund's capacity; classification and overdue days make a loan
 * non-performing (R6, G9), which opens the way to a claim.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import { nonPerforming, type LoanClass } from '../../core/claims/non-performing';
import { formatYuan, type Fen } from '../../core/money/money';
import { scopeFor, type Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { adjustReservation, filingView, liabilityFor } from '../filings/filings.usecases';
import { createFilingsRepository, type FilingRow } from '../filings/filings.repository';
import { filings as table } from '../filings/filings.table';
import type { Db } from '../programmes/programmes.repository';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { Problem } from '../shared/problem';

const scope = (actor: Actor) => {
  const s = scopeFor(actor);
  return s.kind === 'bank' ? { bankId: s.bankId } : s.kind === 'guarantor' ? { guarantorId: '\u0000none' } : {};
};

async function lockedLoan(db: Db, actor: Actor, id: string): Promise<FilingRow> {
  const f = await createFilingsRepository({ db }).find(id, scope(actor), true);
  if (!f) throw Problem.notFound(`Filing ${id}`);
  return f;
}

/** Sets the outstanding principal (a balance report; a repayment is the same with the difference). */
async function setOutstanding({ db, actor, f, outstanding, on, kind, data }: { db: Db; actor: Actor; f: FilingRow; outstanding: Fen; on: string; kind: string; data: Record<string, unknown> }) {
  if (f.status !== 'active' && f.status !== 'non-performing') throw new Problem(409, 'Not serviceable', `A ${f.status} loan takes no balance reports.`, [{ field: 'status', message: `is ${f.status}` }]);
  if (outstanding < 0n) throw Problem.invalid([{ field: 'amount', message: 'exceeds the outstanding principal' }]);
  if (outstanding > f.outstanding) throw Problem.invalid([{ field: 'outstanding', message: `must not exceed the current outstanding ${formatYuan(f.outstanding)} (a balance only falls; amend the filing to correct it)` }]);
  if (on < f.disbursedOn) throw Problem.invalid([{ field: 'on', message: 'must not be before the loan was disbursed' }]);
  const before = filingView(f);
  const reserved = liabilityFor(f, outstanding);
  const filings = createFilingsRepository({ db });
  const seq = (await filings.events(f.id)).length;
  await adjustReservation({ db, f, reserved, principalDelta: outstanding - f.outstanding, eventId: `${f.id}:${kind}:${seq}`, code: kind, actor: actor.username });
  const status = outstanding === 0n ? 'repaid' as const : f.status;
  await filings.update(f.id, { outstanding, reserved, status });
  await filings.addEvent({ filingId: f.id, kind, on, data: { ...data, outstanding: formatYuan(outstanding), released: formatYuan(f.reserved - reserved) }, actor: actor.username });
  const after = filingView((await filings.find(f.id))!);
  await createAuditRepository({ db }).record({ actor: actor.username, action: `filing.${kind}`, entityKind: 'filing', entityId: f.id, before, after });
  return after;
}

export async function reportRepayment({ db, actor, id, amount, on }: { db: Db; actor: Actor; id: string; amount: Fen; on: string }) {
  if (amount <= 0n) throw Problem.invalid([{ field: 'amount', message: 'must be more than 0' }]);
  return db.transaction(async (tx) => {
    const f = await lockedLoan(tx, actor, id);
    return setOutstanding({ db: tx, actor, f, outstanding: f.outstanding - amount, on, kind: 'repayment', data: { amount: formatYuan(amount) } });
  });
}

export async function reportBalance({ db, actor, id, outstanding, on }: { db: Db; actor: Actor; id: string; outstanding: Fen; on: string }) {
  return db.transaction(async (tx) => {
    const f = await lockedLoan(tx, actor, id);
    return setOutstanding({ db: tx, actor, f, outstanding, on, kind: 'balance', data: {} });
  });
}

/** A classification report: the bank's five-category class and since when the loan is overdue (R6). */
export async function reportClassification({ db, catalog, actor, id, classification, overdueSince, on }: {
  db: Db; catalog: PolicyCatalog; actor: Actor; id: string; classification: LoanClass; overdueSince: string | null; on: string;
}) {
  return db.transaction(async (tx) => {
    const f = await lockedLoan(tx, actor, id);
    if (f.status !== 'active' && f.status !== 'non-performing') throw new Problem(409, 'Not serviceable', `A ${f.status} loan takes no classification.`, [{ field: 'status', message: `is ${f.status}` }]);
    if (overdueSince && overdueSince > on) throw Problem.invalid([{ field: 'overdueSince', message: 'must not be after on' }]);
    const before = filingView(f);
    const policy = catalog.byVersionId(f.policyVersionId)!;
    const np = nonPerforming({ classification, overdueSince, on, rule: policy.nonPerforming });
    const filings = createFilingsRepository({ db: tx });
    const becomes = np.nonPerforming && f.status === 'active';
    await filings.update(id, { classification, overdueSince, ...(becomes ? { status: 'non-performing', nonPerformingOn: on } : {}) });
    await filings.addEvent({ filingId: id, kind: 'classification', on, data: { classification, overdueSince, daysOverdue: np.daysOverdue }, actor: actor.username });
    if (becomes) await filings.addEvent({ filingId: id, kind: 'non-performing', on, data: { because: np.because, daysOverdue: np.daysOverdue, cites: ['R6', 'G9'] }, actor: actor.username });
    const after = filingView((await filings.find(id))!);
    await createAuditRepository({ db: tx }).record({ actor: actor.username, action: 'filing.classification', entityKind: 'filing', entityId: id, before, after });
    return after;
  });
}

/**
 * Loans overdue more than the programme's days become non-performing on `today` even without a
 * new report (R6). Run daily by the server and by `backstop servicing sweep`.
 */
export async function sweepNonPerforming({ db, catalog, today }: { db: Db; catalog: PolicyCatalog; today: string }): Promise<number> {
  const candidates = await db.select().from(table).where(and(eq(table.status, 'active'), isNotNull(table.overdueSince)));
  let marked = 0;
  for (const f of candidates) {
    const policy = catalog.byVersionId(f.policyVersionId)!;
    const np = nonPerforming({ classification: f.classification, overdueSince: f.overdueSince, on: today, rule: policy.nonPerforming });
    if (!np.nonPerforming) continue;
    await db.transaction(async (tx) => {
      const filings = createFilingsRepository({ db: tx });
      await filings.update(f.id, { status: 'non-performing', nonPerformingOn: today });
      await filings.addEvent({ filingId: f.id, kind: 'non-performing', on: today, data: { because: np.because, daysOverdue: np.daysOverdue, cites: ['R6', 'G9'] }, actor: 'system' });
      await createAuditRepository({ db: tx }).record({ actor: 'system', action: 'filing.non-performing', entityKind: 'filing', entityId: f.id, after: { daysOverdue: np.daysOverdue } });
    });
    marked++;
  }
  return marked;
}
