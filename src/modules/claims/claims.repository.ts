/**
 * The claims' SQL, one small function per statement: the claims module alone writes `claims` and
 * `claim_events` (DESIGN.md, "One owner per table"); it reads the filings it claims for, and
 * changes them only through the filings module (filings.loan.ts `storeLoan`, filings.repository.ts).
 * Locks are taken where the use cases ask for them (`forUpdate`, `lock…`), inside their transaction.
 */
import { and, asc, desc, eq, inArray, lt, notInArray, sql, type SQL } from 'drizzle-orm';
import type { ClaimState } from '../../core/claims/claim-state';
import type { Scope } from '../auth/access';
import { filings } from '../filings/filings.table';
import { createFilingsRepository, type FilingRow } from '../filings/filings.repository';
import type { Db } from '../shared/db';
import { countUpTo, type Cursor } from '../shared/paging';
import { enterpriseIdsMatching, startsWith } from '../shared/search';
import { enterprises } from '../registry/registry.table';
import { rowsOf } from '../shared/rows';
import { claimEvents, claims } from './claims.table';

export type ClaimRow = typeof claims.$inferSelect;
export type ClaimInsert = typeof claims.$inferInsert;
export type ClaimEventRow = typeof claimEvents.$inferSelect;
export type ClaimEventInsert = typeof claimEvents.$inferInsert;

/** The claims a scope may see: a bank its own, a guarantor those on the loans it guarantees. */
const scopeWhere = (s: Scope) => {
  if (s.kind === 'bank') return eq(claims.bankId, s.bankId);
  if (s.kind === 'guarantor')
    return inArray(claims.filingId, sql`(select id from filings where guarantor_id = ${s.guarantorId})`);
  return undefined;
};

/** The claim if the scope sees it; locked for the rest of the transaction with `forUpdate`. */
export async function findClaim({
  db,
  scope,
  id,
  forUpdate = false,
}: {
  db: Db;
  scope: Scope;
  id: string;
  forUpdate?: boolean;
}): Promise<ClaimRow | undefined> {
  const q = db
    .select()
    .from(claims)
    .where(and(eq(claims.id, id), scopeWhere(scope)));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

/** The claim as it stands (no scope, no lock: the use cases' own read-back). */
export async function claimById({ db, id }: { db: Db; id: string }): Promise<ClaimRow | undefined> {
  const [row] = await db.select().from(claims).where(eq(claims.id, id));
  return row;
}

/** The claims with these ids (any order; unknown ids left out; no scope, no lock). */
export async function claimsByIds({ db, ids }: { db: Db; ids: string[] }): Promise<ClaimRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(claims).where(inArray(claims.id, ids));
}

export async function insertClaim({ db, claim }: { db: Db; claim: ClaimInsert }): Promise<void> {
  await db.insert(claims).values(claim);
}

/** Moves the claim to state `to` with the patch, and bumps its version. */
export async function setClaimState({
  db,
  id,
  to,
  patch,
}: {
  db: Db;
  id: string;
  to: ClaimState;
  patch: Partial<ClaimInsert>;
}): Promise<void> {
  await db
    .update(claims)
    .set({ ...patch, state: to, version: sql`${claims.version} + 1` })
    .where(eq(claims.id, id));
}

/** R14, R22: the claim follows its loan's balance or its findings — new outstanding, compensation and parties, version bumped. */
export async function recomputeClaim({
  db,
  id,
  outstanding,
  compensation,
  parties,
  findings,
}: {
  db: Db;
  id: string;
  outstanding: bigint;
  compensation: bigint;
  parties: ClaimRow['parties'];
  /** R22: the due-diligence findings behind a new cut, when they changed. */
  findings?: ClaimRow['findings'];
}): Promise<void> {
  await db
    .update(claims)
    .set({
      outstanding,
      compensation,
      parties,
      ...(findings ? { findings } : {}),
      version: sql`${claims.version} + 1`,
    })
    .where(eq(claims.id, id));
}

export async function addClaimEvent({ db, event }: { db: Db; event: ClaimEventInsert }): Promise<void> {
  await db.insert(claimEvents).values(event);
}

/** The claim's history, oldest first. */
export async function claimEventsOf({ db, claimId }: { db: Db; claimId: string }): Promise<ClaimEventRow[]> {
  return db.select().from(claimEvents).where(eq(claimEvents.claimId, claimId)).orderBy(asc(claimEvents.id));
}

/** The loan's live claim (neither rejected nor withdrawn), locked. */
export async function lockLiveClaim({ db, filingId }: { db: Db; filingId: string }): Promise<ClaimRow | undefined> {
  const [c] = await db
    .select()
    .from(claims)
    .where(and(eq(claims.filingId, filingId), notInArray(claims.state, ['rejected', 'withdrawn'])))
    .for('update');
  return c;
}

/** The live claims of many loans at once, locked. */
export async function lockLiveClaims({ db, filingIds }: { db: Db; filingIds: string[] }): Promise<ClaimRow[]> {
  return db
    .select()
    .from(claims)
    .where(and(inArray(claims.filingId, filingIds), notInArray(claims.state, ['rejected', 'withdrawn'])))
    .for('update');
}

/** First approved, first paid (R7a): the next number of the approvals' sequence. */
export async function nextApprovedSeq({ db }: { db: Db }): Promise<number> {
  return Number(rowsOf(await db.execute(sql`select nextval('claims_approved_seq')::int as seq`))[0]!.seq);
}

/** Every queued claim of these funds: id, fund and place in the approvals' order. */
export async function queuedInFunds({
  db,
  fundIds,
}: {
  db: Db;
  fundIds: string[];
}): Promise<{ id: string; fundId: string; approvedSeq: number | null }[]> {
  return db
    .select({ id: claims.id, fundId: claims.fundId, approvedSeq: claims.approvedSeq })
    .from(claims)
    .where(and(eq(claims.state, 'queued'), inArray(claims.fundId, fundIds)));
}

/** How many claims of the claim's fund wait in the queue ahead of it (approved before it). */
export async function earlierInQueue({ db, claim }: { db: Db; claim: ClaimRow }): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(claims)
    .where(
      and(eq(claims.fundId, claim.fundId), eq(claims.state, 'queued'), lt(claims.approvedSeq, claim.approvedSeq ?? 0)),
    );
  return Number(r?.n ?? 0);
}

/** The fund's first queued claim (first approved), locked; undefined when the queue is empty. */
export async function nextQueued({ db, fundId }: { db: Db; fundId: string }): Promise<ClaimRow | undefined> {
  const [next] = await db
    .select()
    .from(claims)
    .where(and(eq(claims.fundId, fundId), eq(claims.state, 'queued')))
    .orderBy(asc(claims.approvedSeq))
    .limit(1)
    .for('update');
  return next;
}

/** The bank's claims held by its circuit breaker (G4). */
export async function heldClaimsOf({ db, bankId }: { db: Db; bankId: string }): Promise<ClaimRow[]> {
  return db
    .select()
    .from(claims)
    .where(and(eq(claims.bankId, bankId), eq(claims.state, 'held')));
}

/** The bank's own number for the loan (a read of the filings module's table). */
export async function bankRefOf({ db, filingId }: { db: Db; filingId: string }): Promise<string | undefined> {
  const [f] = await db.select({ bankRef: filings.bankRef }).from(filings).where(eq(filings.id, filingId));
  return f?.bankRef;
}

export interface ClaimFilter {
  state?: ClaimState | undefined;
  bankId?: string | undefined;
  fundId?: string | undefined;
  filingId?: string | undefined;
  /** The search box (shared/search.ts): the claim number's or contract number's beginning, the borrower's name (any part) or credit code. */
  q?: string | undefined;
}

/** The filter's conditions with the scope's (`scopeWhere`): the page and its count share them. */
function claimsWhere(scope: Scope, filter: ClaimFilter): (SQL | undefined)[] {
  const q = filter.q;
  return [
    scopeWhere(scope),
    filter.state ? eq(claims.state, filter.state) : undefined,
    filter.bankId ? eq(claims.bankId, filter.bankId) : undefined,
    filter.fundId ? eq(claims.fundId, filter.fundId) : undefined,
    filter.filingId ? eq(claims.filingId, filter.filingId) : undefined,
    q
      ? sql`(${startsWith(claims.number, q.toUpperCase())} or ${claims.filingId} in (select ${filings.id} from ${filings}
          where ${startsWith(filings.bankRef, q)} or ${filings.enterpriseId} in ${enterpriseIdsMatching(q)}))`
      : undefined,
  ];
}

/** A page of the claims the scope sees, by submission time then id, with each loan's bank reference and borrower; one row more than `limit` when there is a next page. */
export async function listClaims({
  db,
  scope,
  filter,
  cursor,
  order,
  limit,
}: {
  db: Db;
  scope: Scope;
  filter: ClaimFilter;
  cursor: Cursor | undefined;
  order: 'asc' | 'desc';
  limit: number;
}): Promise<{ claim: ClaimRow; bankRef: string; enterpriseName: string }[]> {
  const cmp = order === 'asc' ? sql`>` : sql`<`;
  return db
    .select({ claim: claims, bankRef: filings.bankRef, enterpriseName: enterprises.name })
    .from(claims)
    .innerJoin(filings, eq(filings.id, claims.filingId))
    .innerJoin(enterprises, eq(enterprises.id, filings.enterpriseId))
    .where(
      and(
        ...claimsWhere(scope, filter),
        cursor
          ? sql`(${claims.submittedAt}, ${claims.id}) ${cmp} (${String(cursor.value)}::timestamptz, ${cursor.id})`
          : undefined,
      ),
    )
    .orderBy(
      order === 'asc' ? asc(claims.submittedAt) : desc(claims.submittedAt),
      order === 'asc' ? asc(claims.id) : desc(claims.id),
    )
    .limit(limit + 1);
}

/** How many claims the scope sees under the filter, counted up to shared/paging.ts's cap. */
export async function countClaims({ db, scope, filter }: { db: Db; scope: Scope; filter: ClaimFilter }) {
  return countUpTo(
    db,
    db
      .select({ one: sql`1` })
      .from(claims)
      .where(and(...claimsWhere(scope, filter))),
  );
}

/** The borrower (enterprise name) of a claim's loan (a read of the filings and registry tables). */
export async function borrowerOf({ db, filingId }: { db: Db; filingId: string }): Promise<string | undefined> {
  const [r] = await db
    .select({ name: enterprises.name })
    .from(filings)
    .innerJoin(enterprises, eq(enterprises.id, filings.enterpriseId))
    .where(eq(filings.id, filingId));
  return r?.name;
}

/** The claim and the filing it claims for (a read of the filings module's table). */
export async function claimWithFiling({
  db,
  claimId,
}: {
  db: Db;
  claimId: string;
}): Promise<{ claim: ClaimRow; filing: FilingRow } | undefined> {
  const [c] = await db.select().from(claims).where(eq(claims.id, claimId));
  if (!c) return undefined;
  const f = await createFilingsRepository({ db }).find(c.filingId);
  return { claim: c, filing: f! };
}

/** The ids of the claims past the date their present step was due by before `today`: a stage's SLA (R23) or a return's deadline (R21). */
export async function overdueClaimIds({ db, today }: { db: Db; today: string }): Promise<string[]> {
  const rows = await db
    .select({ id: claims.id })
    .from(claims)
    .where(
      sql`(${claims.state} = 'under-review' and ${claims.stageDueBy} < ${today}::date)
        or (${claims.state} = 'returned' and (${claims.returnRequest}->>'dueBy')::date < ${today}::date)`,
    )
    .orderBy(asc(claims.submittedAt), asc(claims.id));
  return rows.map((r) => r.id);
}
