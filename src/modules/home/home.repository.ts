/**
 * The home page's SQL (what waits on the signed-in person): reads only. Claims waiting at a stage in
 * the order their work is due, write-offs waiting for a second person, and each fund's cash beside
 * what its approved and queued claims need. The tables belong to their modules (DESIGN.md, "One
 * owner per table"); everything else the home page shows comes from those modules' own functions.
 */
import { and, asc, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { ClaimState } from '../../core/claims/claim-state';
import { DEFAULT_STAGE } from '../../core/policy/compile';
import type { Scope } from '../auth/access';
import { claims } from '../claims/claims.table';
import type { ClaimRow } from '../claims/claims.repository';
import { filings } from '../filings/filings.table';
import { enterprises } from '../registry/registry.table';
import { writeOffs } from '../servicing/servicing.table';
import type { WriteOffRow } from '../servicing/write-offs.repository';
import type { Db } from '../shared/db';
import { rowsOf } from '../shared/rows';

/**
 * The order of a list: `due` by the decision's SLA (soonest, so overdue, first); `returned` by the
 * date the bank must complete a return by (R21); `queue` first approved first (R7a: the order they
 * are paid in).
 */
export type WaitingOrder = 'due' | 'returned' | 'queue';

export interface WaitingFilter {
  scope: Scope;
  states: readonly ClaimState[];
  /** Leave out the claims this person prepared (maker–checker, R18: the preparer cannot decide). */
  notPreparedBy?: string;
  /** Only claims whose waiting stage this role decides and this person has not signed already (R23). */
  decider?: { role: string; username: string };
}

function waitingWhere({ scope, states, notPreparedBy, decider }: WaitingFilter): (SQL | undefined)[] {
  return [
    inArray(claims.state, [...states]),
    scope.kind === 'bank' ? eq(claims.bankId, scope.bankId) : undefined,
    scope.kind === 'guarantor'
      ? inArray(claims.filingId, sql`(select id from filings where guarantor_id = ${scope.guarantorId})`)
      : undefined,
    notPreparedBy ? or(isNull(claims.preparedBy), ne(claims.preparedBy, notPreparedBy)) : undefined,
    // A claim prepared before the stages existed waits for the default stage: a manager or reviewer.
    decider
      ? sql`coalesce(${claims.stageBy}, ${JSON.stringify(DEFAULT_STAGE.by)}::jsonb) @> ${JSON.stringify([decider.role])}::jsonb`
      : undefined,
    decider ? sql`not (${claims.signOffs} @> ${JSON.stringify([{ by: decider.username }])}::jsonb)` : undefined,
  ];
}

/** The date past which an open claim is late: the decision's SLA, or the waiting stage's when that comes first (R23). */
const LATE_AFTER = sql`case when ${claims.state} = 'under-review' and ${claims.stageDueBy} is not null
  then least(${claims.dueBy}, ${claims.stageDueBy}) else ${claims.dueBy} end`;

const ORDER: Record<WaitingOrder, SQL[]> = {
  due: [sql`${claims.dueBy} asc`, sql`${claims.submittedAt} asc`, sql`${claims.id} asc`],
  returned: [sql`(${claims.returnRequest}->>'dueBy') asc nulls last`, sql`${claims.dueBy} asc`, sql`${claims.id} asc`],
  queue: [sql`${claims.approvedSeq} asc nulls last`, sql`${claims.id} asc`],
};

/** The first `limit` claims in these states the scope sees, most urgent first, with each loan's bank reference and borrower. */
export async function waitingClaims({
  db,
  filter,
  order,
  limit,
}: {
  db: Db;
  filter: WaitingFilter;
  order: WaitingOrder;
  limit: number;
}): Promise<{ claim: ClaimRow; bankRef: string; enterpriseName: string }[]> {
  return db
    .select({ claim: claims, bankRef: filings.bankRef, enterpriseName: enterprises.name })
    .from(claims)
    .innerJoin(filings, eq(filings.id, claims.filingId))
    .innerJoin(enterprises, eq(enterprises.id, filings.enterpriseId))
    .where(and(...waitingWhere(filter)))
    .orderBy(...ORDER[order])
    .limit(limit);
}

/** The date past which a claim of this order is late (none for the payment queue). */
const DUE: Record<WaitingOrder, SQL | null> = {
  due: LATE_AFTER,
  returned: sql`coalesce((${claims.returnRequest}->>'dueBy')::date, ${claims.dueBy})`,
  queue: null,
};

/** How many claims in these states the scope sees (all of them, not only the listed), and how many are past their due date. */
export async function countWaitingClaims({
  db,
  filter,
  order,
  today,
}: {
  db: Db;
  filter: WaitingFilter;
  order: WaitingOrder;
  today: string;
}): Promise<{ count: number; late: number }> {
  const due = DUE[order];
  const [r] = await db
    .select({
      n: sql<number>`count(*)::int`,
      late: due ? sql<number>`(count(*) filter (where ${due} < ${today}::date))::int` : sql<number>`0`,
    })
    .from(claims)
    .where(and(...waitingWhere(filter)));
  return { count: Number(r?.n ?? 0), late: Number(r?.late ?? 0) };
}

/** The oldest `limit` write-offs waiting for a decision that this person did not ask for (R18), with the loan's bank reference and borrower. */
export async function waitingWriteOffs({
  db,
  notRequestedBy,
  limit,
}: {
  db: Db;
  notRequestedBy: string;
  limit: number;
}): Promise<{ writeOff: WriteOffRow; bankRef: string; enterpriseName: string }[]> {
  return db
    .select({ writeOff: writeOffs, bankRef: filings.bankRef, enterpriseName: enterprises.name })
    .from(writeOffs)
    .innerJoin(filings, eq(filings.id, writeOffs.filingId))
    .innerJoin(enterprises, eq(enterprises.id, filings.enterpriseId))
    .where(and(eq(writeOffs.state, 'requested'), ne(writeOffs.requestedBy, notRequestedBy)))
    .orderBy(asc(writeOffs.requestedAt), asc(writeOffs.id))
    .limit(limit);
}

export async function countWaitingWriteOffs({ db, notRequestedBy }: { db: Db; notRequestedBy: string }) {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(writeOffs)
    .where(and(eq(writeOffs.state, 'requested'), ne(writeOffs.requestedBy, notRequestedBy)));
  return Number(r?.n ?? 0);
}

/**
 * Per fund: its cash (the cash account's debits − credits), and the compensation of its approved
 * and queued claims with their number — what paying them all would take. Fen as text.
 */
export async function fundCashAndNeeds({ db }: { db: Db }) {
  const rows = rowsOf(
    await db.execute(sql`
    select f.id, f.name,
      (select coalesce(sum(a.debits_posted - a.credits_posted), 0) from ledger_accounts a
        where a.fund_id = f.id and a.code = 'cash')::text as cash,
      (select coalesce(sum(c.compensation), 0) from claims c
        where c.fund_id = f.id and c.state in ('approved', 'queued'))::text as needed,
      (select count(*) from claims c where c.fund_id = f.id and c.state in ('approved', 'queued'))::int as claims
    from funds f order by f.id`),
  );
  return rows.map((r) => ({
    fundId: String(r.id),
    name: String(r.name),
    cash: BigInt(r.cash as string),
    needed: BigInt(r.needed as string),
    claims: Number(r.claims),
  }));
}
